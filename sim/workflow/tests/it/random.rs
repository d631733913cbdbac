//! Random operation sequences (proptest) never panic and never leave an invalid state; errors
//! change nothing; replay equals live state at the end.

use navbat_workflow::{
    Case, CaseId, CaseStore, CheckResult, Decision, Event, Facts, OfficerId, Pseudonym, ReasonCode,
    Resolution, ServiceId, Skill, StoreConfig, Timestamp, Trigger, WorkflowError, replay,
    verify_chain,
};
use proptest::prelude::*;
use std::collections::BTreeSet;

use crate::drive::{inputs, matched, store, t0};

#[derive(Clone, Debug)]
enum Op {
    Open {
        service: u16,
        facts: u16,
    },
    Apply {
        case: usize,
        event: Event,
        back_in_time: bool,
    },
    Claim {
        skill: usize,
        officer: u32,
    },
    Complete {
        case: usize,
        approve: bool,
        reason: u16,
    },
    Release {
        case: usize,
    },
    /// An event that fits the case's current step (the `choice`-th of its triggers).
    Fit {
        case: usize,
        choice: usize,
    },
    Advance {
        minutes: u32,
    },
}

fn event() -> impl Strategy<Value = Event> {
    let score = prop_oneof![0.0f32..=1.0, Just(0.84f32), Just(1.2f32), Just(-0.1f32)];
    prop_oneof![
        Just(Event::Captured),
        (score.clone(), score.clone(), proptest::option::of(score))
            .prop_map(|(v, l, c)| matched(v, l, c)),
        Just(Event::Paid),
        Just(Event::ConsentGiven),
        Just(Event::ConsentRefused),
        Just(Event::ConsentTimedOut),
        Just(Event::CheckReturned(CheckResult::Clear)),
        Just(Event::CheckReturned(CheckResult::Hit)),
        Just(Event::CheckReturned(CheckResult::Failed)),
        Just(Event::Produced),
        Just(Event::Collected),
        Just(Event::Appealed),
        Just(Event::Withdrawn),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (0u16..11, 0u16..4).prop_map(|(service, facts)| Op::Open { service, facts }),
        8 => (0usize..8, event(), proptest::bool::weighted(0.05))
            .prop_map(|(case, event, back_in_time)| Op::Apply { case, event, back_in_time }),
        3 => (0usize..7, 0u32..4).prop_map(|(skill, officer)| Op::Claim { skill, officer }),
        3 => (0usize..8, any::<bool>(), 0u16..12)
            .prop_map(|(case, approve, reason)| Op::Complete { case, approve, reason }),
        1 => (0usize..8).prop_map(|case| Op::Release { case }),
        8 => (0usize..8, 0usize..6).prop_map(|(case, choice)| Op::Fit { case, choice }),
        1 => (1u32..20_000).prop_map(|minutes| Op::Advance { minutes }),
    ]
}

/// An event that produces `t` (human reviews and timers come from other operations).
fn fitting(t: Trigger) -> Option<Event> {
    t.event(|t| match t {
        Trigger::MatchPass => inputs(0.95, 0.9, None),
        Trigger::MatchFail => inputs(0.1, 0.9, None),
        _ => inputs(0.95, 0.1, Some(0.95)),
    })
}

fn check_invariants(st: &CaseStore) {
    let mut open = 0;
    for c in st.cases() {
        let s = st.service_of(c.id).expect("service");
        let step = s.step(c.state.step).expect("step id in range");
        assert_eq!(c.state.resolution, step.outcome);
        open += usize::from(c.state.resolution.is_none());
        assert_eq!(c.state.task.map(|t| t.skill), step.task);
        assert_eq!(c.state.timer.is_some(), step.timer.is_some());
        assert_eq!(c.state.entries as usize, c.log.len());
        if let Some(t) = c.state.task
            && let (Some(by), Some(ex)) = (t.claimed_by, t.excluded)
        {
            assert_ne!(by, ex, "an appeal reviewer is never the appealed decider");
        }
        assert!(verify_chain(c).is_ok());
    }
    assert_eq!(open, st.open_cases());
    for skill in Skill::ALL {
        assert_eq!(st.waiting_tasks(skill).count(), st.queue_len(skill));
    }
}

/// Run the operations, checking invariants after each; return the resolutions reached.
fn run(ops: &[Op]) -> BTreeSet<Resolution> {
    let mut st = store(StoreConfig::default());
    let mut ids: Vec<CaseId> = Vec::new();
    let mut now: Timestamp = t0();
    for op in ops {
        // Address the most recently opened cases, so new cases get events too.
        let pick = |i: usize| {
            let n = ids.len();
            if n == 0 { CaseId(77) } else { ids[n - 1 - (i % n)] }
        };
        let snapshot: Vec<Case> = st.cases().cloned().collect();
        let result: Result<(), WorkflowError> = match op.clone() {
            Op::Open { service, facts } => st
                .open(ServiceId(service), Pseudonym(u64::from(service)), Facts(facts), now)
                .map(|o| ids.push(o.case)),
            Op::Apply { case, event, back_in_time } => {
                let at = if back_in_time { now.plus_ms(-3_600_000) } else { now };
                st.apply(pick(case), event, at).map(drop)
            }
            Op::Claim { skill, officer } => {
                st.claim(Skill::ALL[skill], OfficerId(officer), now).map(drop)
            }
            Op::Complete { case, approve, reason } => {
                let task = st.case(pick(case)).and_then(|c| c.state.task).map(|t| {
                    navbat_workflow::TaskId { case: pick(case), opened_seq: t.opened_seq }
                });
                match task {
                    Some(t) => {
                        let d = if approve { Decision::Approve } else { Decision::Reject };
                        st.complete(t, d, &[ReasonCode(reason)], now).map(drop)
                    }
                    None => Ok(()),
                }
            }
            Op::Release { case } => {
                let task = st.case(pick(case)).and_then(|c| c.state.task).map(|t| {
                    navbat_workflow::TaskId { case: pick(case), opened_seq: t.opened_seq }
                });
                match task {
                    Some(t) => st.release(t, now),
                    None => Ok(()),
                }
            }
            Op::Fit { case, choice } => {
                let id = pick(case);
                let triggers: Vec<Trigger> = st
                    .case(id)
                    .and_then(|c| st.service_of(id)?.step(c.state.step))
                    .map(|s| s.on.iter().map(|t| t.trigger).collect())
                    .unwrap_or_default();
                match triggers.get(choice % triggers.len().max(1)).and_then(|t| fitting(*t)) {
                    Some(ev) => st.apply(id, ev, now).map(drop),
                    None => Ok(()),
                }
            }
            Op::Advance { minutes } => {
                now = now.plus_ms(i64::from(minutes) * 60_000);
                st.fire_due(now).map(drop)
            }
        };
        if result.is_err() {
            let after: Vec<Case> = st.cases().cloned().collect();
            assert_eq!(after, snapshot, "a failed {op:?} changed the store");
        }
        check_invariants(&st);
    }
    for c in st.cases() {
        let rebuilt = replay(st.catalog(), st.calendar(), c.id, &c.log).expect("replay");
        assert_eq!(rebuilt, c.state);
    }
    st.cases().filter_map(|c| c.state.resolution).collect()
}

#[test]
fn random_operations_reach_every_kind_of_resolution() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = proptest::collection::vec(op(), 3_000);
    let ops = strategy.new_tree(&mut runner).expect("ops").current();
    let reached = run(&ops);
    assert_eq!(
        reached,
        [Resolution::Delivered, Resolution::Refused, Resolution::Withdrawn, Resolution::Lapsed]
            .into()
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn random_operations_keep_every_case_valid(ops in proptest::collection::vec(op(), 1..120)) {
        run(&ops);
    }
}
