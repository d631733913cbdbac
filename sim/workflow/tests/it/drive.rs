//! Shared helpers: load the real service files, drive a case along a path of triggers.

use std::collections::VecDeque;
use std::path::PathBuf;

use navbat_workflow::{
    CaseId, CaseStore, Decision, Event, Facts, MatchInputs, OfficerId, Pseudonym, ReasonCode,
    Service, ServiceCatalog, ServiceId, StepId, StoreConfig, Timestamp, Trigger, WorkCalendar,
    WorkflowError, load_services,
};

/// `scenarios/services` of the repository.
pub(crate) fn services_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/services")
}

pub(crate) fn catalog() -> ServiceCatalog {
    match load_services(&services_dir()) {
        Ok(c) => c,
        Err(e) => panic!("services must load: {e}"),
    }
}

pub(crate) fn t0() -> Timestamp {
    Timestamp::from_civil(jiff::civil::date(2026, 5, 4).at(9, 0, 0, 0))
}

pub(crate) fn store(config: StoreConfig) -> CaseStore {
    CaseStore::new(catalog(), WorkCalendar::weekdays(), config)
}

/// One step of a path: a trigger, or a withdrawal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    Fire(Trigger),
    Withdraw,
}

/// The transition the engine takes from `step` on `trigger` given `facts`.
fn chosen(service: &Service, step: StepId, trigger: Trigger, facts: Facts) -> Option<StepId> {
    service
        .step(step)?
        .on
        .iter()
        .find(|t| t.trigger == trigger && t.guard.holds(facts))
        .map(|t| t.to)
}

/// Shortest action path from the initial step to `target` with these facts.
pub(crate) fn path_to(service: &Service, facts: Facts, target: StepId) -> Option<Vec<Action>> {
    let n = service.steps.len();
    let mut parent: Vec<Option<(usize, Action)>> = vec![None; n];
    let mut seen = vec![false; n];
    let start = usize::from(service.initial.0);
    seen[start] = true;
    let mut q = VecDeque::from([start]);
    while let Some(i) = q.pop_front() {
        let step = &service.steps[i];
        let mut edges: Vec<(Action, StepId)> = Vec::new();
        for trig in Trigger::ALL {
            if let Some(to) = chosen(service, StepId(i as u16), trig, facts) {
                edges.push((Action::Fire(trig), to));
            }
        }
        if step.outcome.is_none() {
            edges.push((Action::Withdraw, service.withdrawn));
        }
        for (a, to) in edges {
            let j = usize::from(to.0);
            if !seen[j] {
                seen[j] = true;
                parent[j] = Some((i, a));
                q.push_back(j);
            }
        }
    }
    if !seen[usize::from(target.0)] {
        return None;
    }
    let mut path = Vec::new();
    let mut at = usize::from(target.0);
    while let Some((p, a)) = parent[at] {
        path.push(a);
        at = p;
    }
    path.reverse();
    Some(path)
}

pub(crate) fn inputs(verify: f32, liveness: f32, candidate: Option<f32>) -> MatchInputs {
    MatchInputs { verify_score: verify, liveness_score: liveness, best_candidate_score: candidate }
}

pub(crate) fn matched(verify: f32, liveness: f32, candidate: Option<f32>) -> Event {
    Event::Matched(inputs(verify, liveness, candidate))
}

/// Drive a case along a path. Human decisions are taken by a new officer each time.
pub(crate) fn drive(
    store: &mut CaseStore,
    service: ServiceId,
    facts: Facts,
    subject: u64,
    path: &[Action],
) -> Result<CaseId, WorkflowError> {
    let mut now = t0();
    let case = store.open(service, Pseudonym(subject), facts, now)?.case;
    let mut officer = 100u32;
    for a in path {
        now = now.plus_ms(60_000);
        match *a {
            Action::Withdraw => {
                store.apply(case, Event::Withdrawn, now)?;
            }
            Action::Fire(t) => {
                now = fire(store, case, t, now, &mut officer)?;
            }
        }
    }
    Ok(case)
}

fn fire(
    store: &mut CaseStore,
    case: CaseId,
    t: Trigger,
    now: Timestamp,
    officer: &mut u32,
) -> Result<Timestamp, WorkflowError> {
    let face = |t| match t {
        Trigger::MatchPass => inputs(0.99, 0.99, Some(0.10)),
        Trigger::MatchFail => inputs(0.05, 0.99, None),
        _ => inputs(0.99, 0.10, Some(0.97)),
    };
    let ev = match t {
        Trigger::Approved | Trigger::Rejected => {
            let skill = store
                .case(case)
                .and_then(|c| c.state.task)
                .map(|t| t.skill)
                .ok_or(WorkflowError::TaskNotOpen { task: 0 })?;
            *officer += 1;
            let task = store
                .claim(skill, OfficerId(*officer), now)?
                .ok_or(WorkflowError::TaskNotOpen { task: 0 })?;
            let decision =
                if t == Trigger::Approved { Decision::Approve } else { Decision::Reject };
            store.complete(task, decision, &[ReasonCode(0)], now.plus_ms(1_000))?;
            return Ok(now.plus_ms(1_000));
        }
        Trigger::Timeout => {
            let (due, _) = store.next_due_timer().ok_or(WorkflowError::TaskNotOpen { task: 0 })?;
            store.fire_due(due)?;
            return Ok(due);
        }
        other => other.event(face).ok_or(WorkflowError::TaskNotOpen { task: 0 })?,
    };
    store.apply(case, ev, now)?;
    Ok(now)
}
