//! The calendar hands out events in (time, scheduling order), however pops and schedules
//! interleave: checked against a sorted reference.

use navbat_engine::{Calendar, Event, SimTime};
use proptest::prelude::*;

/// One step of a run: schedule an event `delay` ms after the last handed-out instant, or
/// pop whatever is due up to `horizon` ms after it.
#[derive(Debug, Clone)]
enum Op {
    Schedule { delay: i64, site: u32 },
    Pop { horizon: i64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0_i64..50, 0_u32..4).prop_map(|(delay, site)| Op::Schedule { delay, site }),
        2 => (0_i64..30).prop_map(|horizon| Op::Pop { horizon }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn events_leave_in_time_then_scheduling_order(ops in prop::collection::vec(op(), 1..400)) {
        let mut cal = Calendar::default();
        // Reference: (time, scheduling number, site), removed smallest first.
        let mut reference: Vec<(i64, u32, u32)> = Vec::new();
        let (mut now, mut next) = (0_i64, 0_u32);
        for op in ops {
            match op {
                Op::Schedule { delay, site } => {
                    cal.schedule(SimTime(now + delay), site, Event::Transfer(next));
                    reference.push((now + delay, next, site));
                    next += 1;
                }
                Op::Pop { horizon } => {
                    let until = SimTime(now + horizon);
                    let want = reference.iter().copied().min().filter(|e| e.0 <= until.0);
                    let got = cal.pop_due(until);
                    prop_assert_eq!(got.map(|s| (s.time.0, s.seq, s.site)), want);
                    if let (Some(g), Some(w)) = (got, want) {
                        prop_assert_eq!(g.event, Event::Transfer(w.1));
                        reference.retain(|e| *e != w);
                        now = g.time.0;
                    }
                }
            }
            prop_assert_eq!(cal.len(), reference.len());
        }
    }
}
