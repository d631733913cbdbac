//! The calendar hands out events in (time, scheduling order), however pops and schedules
//! interleave, whichever of its heaps an event waits in (arrivals or the rest), and it drops
//! what is scheduled at or after the end of the run: checked against a sorted reference.

use navbat_engine::{Calendar, Event, SimTime};
use proptest::prelude::*;

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
