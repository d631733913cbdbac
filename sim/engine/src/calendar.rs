//! The event calendar: when each scheduled event happens, in (time, scheduling order).
//!
//! Two binary min-heaps on (time, sequence number), 32-byte entries compared on the key
//! only: one for arrivals (one entry per site) and one for every other event. A pop takes the
//! smaller root, which is exactly the order of one heap. This is the hottest code of the
//! engine: see ARCHITECTURE.md ("Why the engine looks the way it does") before changing the
//! inlining or the order of stores here, and measure.

use bevy_ecs::prelude::*;

use crate::components::Event;
use crate::time::SimTime;

/// An event with its instant, site, and a sequence number that fixes the order of
/// simultaneous events (the order they were scheduled in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scheduled {
    /// When.
    pub(crate) time: SimTime,
    /// Tie-breaker.
    pub(crate) seq: u32,
    /// Site index.
    pub(crate) site: u32,
    /// What.
    pub(crate) event: Event,
}

/// A calendar entry, 32 bytes: ordered by time, then by sequence number only (the payload
/// never takes part in comparisons).
#[derive(Debug, Clone, Copy)]
struct Entry {
    time: i64,
    seq: u32,
    site: u32,
    event: Event,
}

// The entry must stay 32 bytes: two to a cache line (see [`Calendar::schedule`]).
const _: () = assert!(size_of::<Entry>() == 32);

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.seq) == (other.time, other.seq)
    }
}

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.time.cmp(&other.time).then(self.seq.cmp(&other.seq))
    }
}

/// The event calendar: binary min-heaps on (time, sequence number), one for arrivals and
/// one for every other event.
///
/// Arrivals are the most frequent events, and each site has at most one waiting (its next
/// arrival), so their heap has one entry per site and a new arrival costs next to nothing;
/// the other heap holds ends of service, shifts, case deadlines and the rest. Each pop
/// takes the smaller of the two roots, so events come out in exactly the order of a single
/// heap: (time, sequence number) is a total order, whichever heap an event waits in.
///
/// Handling an event usually schedules another, so popping leaves the root in place as a
/// hole: the next [`Calendar::schedule`] into the same heap drops its entry into the hole
/// and sifts it down once, instead of a removal and an insertion each walking the heap.
///
/// Sequence numbers are 32-bit and wrap after about four billion events in one replication;
/// only events scheduled that far apart for the very same millisecond could then swap.
#[derive(Resource, Debug)]
pub(crate) struct Calendar {
    others: Heap,
    arrivals: Heap,
    /// Events at or after this instant are never handled (the horizon ends first), so they
    /// are not kept.
    end: i64,
    next_seq: u32,
}

impl Default for Calendar {
    fn default() -> Self {
        Self::ending_at(SimTime(i64::MAX))
    }
}

impl Calendar {
    /// An empty calendar for a run that ends at `end`: events scheduled at or after it are
    /// dropped (closing time and shift ends at the end of the horizon, say), so they do not
    /// weigh on every sift of the heap.
    pub(crate) fn ending_at(end: SimTime) -> Self {
        Self { others: Heap::default(), arrivals: Heap::default(), end: end.0, next_seq: 0 }
    }

    /// Schedules `event` at site `site` at `time`.
    ///
    /// The entry goes straight to its place in the heap. Written to memory and read back
    /// at once (an event is written field by field, then read whole), it would stall on
    /// the store; so this and the sifts are inlined where events are made, and there the
    /// choice of heap is known when the program is compiled.
    #[inline(always)]
    pub(crate) fn schedule(&mut self, time: SimTime, site: u32, event: Event) {
        let seq = self.next_seq;
        self.next_seq = self.next_seq.wrapping_add(1);
        if time.0 >= self.end {
            return;
        }
        let entry = Entry { time: time.0, seq, site, event };
        if matches!(event, Event::Arrival) {
            self.arrivals.insert(entry);
        } else {
            self.others.insert(entry);
        }
    }

    /// Removes and returns the next event if it is due at or before `until`.
    pub(crate) fn pop_due(&mut self, until: SimTime) -> Option<Scheduled> {
        self.pop_if(until, |_| true)
    }

    /// Removes and returns the next event if it is due at or before `until` and happens at
    /// site `site`; otherwise leaves it where it is.
    pub(crate) fn pop_due_at(&mut self, until: SimTime, site: u32) -> Option<Scheduled> {
        self.pop_if(until, |s| s == site)
    }

    #[inline(always)]
    fn pop_if(&mut self, until: SimTime, at: impl Fn(u32) -> bool) -> Option<Scheduled> {
        self.others.close_hole();
        self.arrivals.close_hole();
        let heap = match (self.others.heap.first(), self.arrivals.heap.first()) {
            (Some(o), Some(a)) => {
                if a < o {
                    &mut self.arrivals
                } else {
                    &mut self.others
                }
            }
            (Some(_), None) => &mut self.others,
            (None, Some(_)) => &mut self.arrivals,
            (None, None) => return None,
        };
        let e = *heap.heap.first()?;
        if e.time > until.0 || !at(e.site) {
            return None;
        }
        heap.hole = true;
        Some(Scheduled { time: SimTime(e.time), seq: e.seq, site: e.site, event: e.event })
    }

    /// Events waiting (the one just handed out no longer counts).
    pub(crate) fn len(&self) -> usize {
        self.others.len() + self.arrivals.len()
    }
}

/// One of the calendar's heaps.
#[derive(Debug, Default)]
struct Heap {
    heap: Vec<Entry>,
    /// The root was handed out by [`Calendar::pop_due`] and is waiting to be replaced.
    hole: bool,
}

impl Heap {
    #[inline(always)]
    fn insert(&mut self, entry: Entry) {
        if self.hole {
            self.hole = false;
            self.place_down(0, entry);
        } else {
            let i = self.heap.len();
            self.heap.push(entry);
            self.place_up(i, entry);
        }
    }

    /// Fills a hole left by a pop with the last entry.
    ///
    /// The hole sinks to a leaf, the smaller child moving up at each level (one comparison a
    /// level), and the last entry, which belongs near the bottom, rises from there.
    #[inline(always)]
    fn close_hole(&mut self) {
        if self.hole {
            self.hole = false;
            let Some(last) = self.heap.pop() else { return };
            if self.heap.is_empty() {
                return;
            }
            let mut i = 0;
            while let Some(child) = self.smaller_child(i) {
                self.heap[i] = self.heap[child];
                i = child;
            }
            self.place_up(i, last);
        }
    }

    fn len(&self) -> usize {
        self.heap.len() - usize::from(self.hole)
    }

    /// Puts `entry` at slot `i` or above it, moving the parents it passes down.
    #[inline(always)]
    fn place_up(&mut self, mut i: usize, entry: Entry) {
        while i > 0 {
            let parent = (i - 1) / 2;
            if self.heap[parent] <= entry {
                break;
            }
            self.heap[i] = self.heap[parent];
            i = parent;
        }
        self.heap[i] = entry;
    }

    /// Puts `entry` at slot `i` or below it, moving the children it passes up.
    #[inline(always)]
    fn place_down(&mut self, mut i: usize, entry: Entry) {
        while let Some(child) = self.smaller_child(i) {
            if entry <= self.heap[child] {
                break;
            }
            self.heap[i] = self.heap[child];
            i = child;
        }
        self.heap[i] = entry;
    }

    /// The smaller child of slot `i`, if it has any.
    #[inline(always)]
    fn smaller_child(&self, i: usize) -> Option<usize> {
        let (n, left) = (self.heap.len(), 2 * i + 1);
        let right = left + 1;
        (left < n).then(
            || {
                if right < n && self.heap[right] < self.heap[left] { right } else { left }
            },
        )
    }
}

/// The calendar hands out events in (time, scheduling order), however pops and schedules
/// interleave, whichever of its heaps an event waits in (arrivals or the rest), and it drops
/// what is scheduled at or after the end of the run: checked against a sorted reference.
#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::Calendar;
    use crate::components::Event;
    use crate::time::SimTime;

    /// One step of a run: schedule an event `delay` ms after the last handed-out instant (an
    /// arrival or another kind), pop whatever is due up to `horizon` ms after it, or pop it
    /// only if it happens at `site`.
    #[derive(Debug, Clone)]
    enum Op {
        Schedule { delay: i64, site: u32, arrival: bool },
        Pop { horizon: i64 },
        PopAt { horizon: i64, site: u32 },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => (0_i64..50, 0_u32..4, any::<bool>())
                .prop_map(|(delay, site, arrival)| Op::Schedule { delay, site, arrival }),
            2 => (0_i64..30).prop_map(|horizon| Op::Pop { horizon }),
            1 => (0_i64..30, 0_u32..4).prop_map(|(horizon, site)| Op::PopAt { horizon, site }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn events_leave_in_time_then_scheduling_order(
            ops in prop::collection::vec(op(), 1..400),
            end in prop::option::of(20_i64..2_000),
        ) {
            let mut cal = end.map_or_else(Calendar::default, |e| Calendar::ending_at(SimTime(e)));
            let end = end.unwrap_or(i64::MAX);
            // Reference: (time, scheduling number, site, arrival), removed smallest first.
            let mut reference: Vec<(i64, u32, u32, bool)> = Vec::new();
            let (mut now, mut next) = (0_i64, 0_u32);
            for op in ops {
                match op {
                    Op::Schedule { delay, site, arrival } => {
                        let event = if arrival { Event::Arrival } else { Event::Transfer(next) };
                        cal.schedule(SimTime(now + delay), site, event);
                        if now + delay < end {
                            reference.push((now + delay, next, site, arrival));
                        }
                        next += 1;
                    }
                    Op::Pop { horizon } | Op::PopAt { horizon, .. } => {
                        let until = SimTime(now + horizon);
                        let at = match op {
                            Op::PopAt { site, .. } => Some(site),
                            _ => None,
                        };
                        let want = reference
                            .iter()
                            .copied()
                            .min()
                            .filter(|e| e.0 <= until.0 && at.is_none_or(|s| s == e.2));
                        let got = match at {
                            Some(site) => cal.pop_due_at(until, site),
                            None => cal.pop_due(until),
                        };
                        prop_assert_eq!(got.map(|s| (s.time.0, s.seq, s.site)), want.map(|w| (w.0, w.1, w.2)));
                        if let (Some(g), Some(w)) = (got, want) {
                            let event = if w.3 { Event::Arrival } else { Event::Transfer(w.1) };
                            prop_assert_eq!(g.event, event);
                            reference.retain(|e| *e != w);
                            now = g.time.0;
                        }
                    }
                }
                prop_assert_eq!(cal.len(), reference.len());
            }
        }
    }
}
