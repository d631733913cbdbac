//! The ECS data of the twin: sites, counters, kiosks and applicants as entities, the event
//! calendar and the run's settings as resources.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use bevy_ecs::prelude::*;
use navbat_scenario::{Capabilities, SegmentIdx, ServiceIdx};

use crate::time::SimTime;

/// Something that happens at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Event {
    /// The next person arrives at site `site` (index).
    Arrival {
        /// Site index.
        site: u32,
    },
    /// A site opens one of its windows.
    Open {
        /// Site index.
        site: u32,
    },
    /// A site closes a window.
    Close {
        /// Site index.
        site: u32,
    },
    /// An officer's shift starts.
    ShiftStart {
        /// The counter.
        counter: Entity,
    },
    /// An officer's shift ends.
    ShiftEnd {
        /// The counter.
        counter: Entity,
    },
    /// A counter or kiosk finishes the session numbered `session`.
    ServiceDone {
        /// The counter or kiosk.
        server: Entity,
        /// Which session (stale events are ignored).
        session: u32,
    },
    /// A waiting person gives up, unless they left that line already.
    Renege {
        /// The person.
        applicant: Entity,
        /// Which stay in line.
        stay: u32,
    },
    /// A kiosk breaks down.
    KioskFail {
        /// The kiosk.
        kiosk: Entity,
    },
    /// A kiosk is repaired.
    KioskRepaired {
        /// The kiosk.
        kiosk: Entity,
    },
}

/// An event with its instant and a sequence number that fixes the order of simultaneous
/// events (the order they were scheduled in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Scheduled {
    /// When.
    pub time: SimTime,
    /// Tie-breaker.
    pub seq: u64,
    /// What.
    pub event: Event,
}

/// The event calendar: a min-heap on (time, sequence).
#[derive(Resource, Debug, Default)]
pub struct Calendar {
    heap: BinaryHeap<Reverse<Scheduled>>,
    next_seq: u64,
}

impl Calendar {
    /// Schedules `event` at `time`.
    pub fn schedule(&mut self, time: SimTime, event: Event) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Reverse(Scheduled { time, seq, event }));
    }

    /// Removes and returns the next event if it is due at or before `until`.
    pub fn pop_due(&mut self, until: SimTime) -> Option<Scheduled> {
        match self.heap.peek() {
            Some(Reverse(s)) if s.time <= until => self.heap.pop().map(|r| r.0),
            _ => None,
        }
    }

    /// Instant of the next event.
    pub fn next_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|r| r.0.time)
    }

    /// Events waiting.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether nothing is scheduled.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

/// The simulated clock.
#[derive(Resource, Debug, Clone, Copy, Default)]
pub struct Clock {
    /// Now.
    pub now: SimTime,
    /// Events handled so far.
    pub events: u64,
    /// Instant of the last handled event.
    pub last_event: SimTime,
}

/// How far the next schedule pass may go: every event at or before `until` is handled.
#[derive(Resource, Debug, Clone, Copy)]
pub struct StepTarget {
    /// Horizon of this pass.
    pub until: SimTime,
}

/// Stop admitting people after this many arrivals (used by the queue calculator).
#[derive(Resource, Debug, Clone, Copy)]
pub struct ArrivalLimit {
    /// Arrivals (portal users excluded) after which no one else comes.
    pub max: u64,
    /// The first this-many arrivals are left out of statistics (warm-up by count).
    pub uncounted_first: u64,
}

/// A site.
#[derive(Component, Debug)]
pub struct SiteState {
    /// Index in the scenario.
    pub index: u32,
    /// Whether a window is open now.
    pub open: bool,
    /// Close time of the current or last window.
    pub close_at: SimTime,
    /// Next open window to schedule.
    pub next_window: usize,
    /// Rate piece where the arrival process stands.
    pub piece: usize,
    /// Counter line: priority class first.
    pub counter_line: [VecDeque<Entity>; 2],
    /// Kiosk line.
    pub kiosk_line: VecDeque<Entity>,
    /// Counters here.
    pub counters: Vec<Entity>,
    /// Kiosks here.
    pub kiosks: Vec<Entity>,
    /// Union of the kiosks' capabilities (what kiosks here could ever do).
    pub kiosk_capabilities: Vec<Capabilities>,
    /// People waiting in the counter line (excluding lazily removed ones).
    pub counter_waiting: u32,
    /// People waiting in the kiosk line.
    pub kiosk_waiting: u32,
}

/// An officer counter.
#[derive(Component, Debug)]
pub struct CounterState {
    /// Site index.
    pub site: u32,
    /// Group index in the site.
    pub group: u16,
    /// On shift (or in closing overtime).
    pub on_duty: bool,
    /// Serving past the end of the shift until the line is empty.
    pub overtime: bool,
    /// Person being served.
    pub serving: Option<Entity>,
    /// Session counter.
    pub session: u32,
    /// Start of the current service or duty period (for accounting).
    pub busy_since: SimTime,
    /// Start of the current duty period.
    pub duty_since: SimTime,
    /// Next shift window to schedule.
    pub next_shift: usize,
    /// End of the current shift window.
    pub shift_end: SimTime,
}

/// A self-service kiosk.
#[derive(Component, Debug)]
pub struct KioskState {
    /// Site index.
    pub site: u32,
    /// Group index in the site.
    pub group: u16,
    /// What it can do.
    pub capabilities: Capabilities,
    /// Working (not broken).
    pub up: bool,
    /// Person in a session.
    pub serving: Option<Entity>,
    /// Session counter.
    pub session: u32,
    /// Start of the current session.
    pub busy_since: SimTime,
    /// Start of the current breakdown.
    pub down_since: SimTime,
}

/// Where a person stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whereabouts {
    /// In the counter line.
    CounterLine,
    /// In the kiosk line.
    KioskLine,
    /// Being served.
    InService,
}

/// A person at a site.
#[derive(Component, Debug, Clone)]
pub struct Applicant {
    /// Stable id (site index in the high bits, arrival number in the low bits).
    pub id: u64,
    /// Site index.
    pub site: u32,
    /// Requested service.
    pub service: ServiceIdx,
    /// Segment.
    pub segment: SegmentIdx,
    /// Served first under the priority discipline.
    pub priority: bool,
    /// Arrived after the warm-up: counts in statistics.
    pub counted: bool,
    /// Arrival instant.
    pub arrived: SimTime,
    /// Where the person stands.
    pub at: Whereabouts,
    /// When the current stay in line began.
    pub queued_at: SimTime,
    /// Stays in line so far (a renege event names one).
    pub stay: u32,
    /// Total time spent in lines, ms.
    pub waited_ms: i64,
}
