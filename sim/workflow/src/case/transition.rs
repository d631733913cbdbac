//! The pure transition of a case, shared by the live store and by replay: [`open`] writes
//! the first state and log entry, [`advance`] applies one input (classified against the
//! step's rules, the step entered, the timer armed, the entry chained), or says why the input
//! does not fit. Nothing here reads a clock or keeps state between calls.

use super::{
    CaseId, CaseState, CheckResult, Decision, Event, Hash, Input, LogEntry, MatchInputs, Pseudonym,
    Reason, Reasons, Review, RuleInput, TaskId, TaskState, TimerState,
};
use crate::chain::{chain_hash, genesis};
use crate::definition::{
    Delay, Effects, Facts, RuleId, RuleKind, Service, ServiceId, StepId, Trigger,
};
use crate::error::WorkflowError;
use crate::time::{Timestamp, WorkCalendar};

/// The result of a pure step: new state, the entry to append, and the effects. The store
/// keeps one as scratch space that `open` and `advance` overwrite, so a step moves no large
/// values around.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Advance {
    pub(crate) state: CaseState,
    pub(crate) entry: LogEntry,
    pub(crate) effects: Effects,
}

impl Advance {
    /// Scratch space, all zeros.
    pub(crate) fn scratch() -> Self {
        let state = fresh_state(ServiceId(0), StepId(0), Facts(0), Timestamp(0), [0; 32]);
        let entry = LogEntry {
            seq: 0,
            at: Timestamp(0),
            input: Input::Release,
            trigger: None,
            from: StepId(0),
            to: StepId(0),
            reasons: Reasons::default(),
            hash: [0; 32],
        };
        Advance { state, entry, effects: Effects::default() }
    }
}

/// A state with no entries yet: at `step` of `service`, opened at `at`, chain head `head`.
fn fresh_state(
    service: ServiceId,
    step: StepId,
    facts: Facts,
    at: Timestamp,
    head: Hash,
) -> CaseState {
    CaseState {
        service,
        step,
        facts,
        entries: 0,
        opened_at: at,
        last_at: at,
        sla_started: None,
        sla_stopped: None,
        task: None,
        timer: None,
        last_decider: None,
        appeal_excludes: None,
        resolution: None,
        head,
    }
}

/// Open a case: the first state and log entry, written to `out`.
#[expect(clippy::too_many_arguments, reason = "the inputs of an opening, plus the output")]
pub(crate) fn open(
    service: &Service,
    calendar: &WorkCalendar,
    id: CaseId,
    service_id: ServiceId,
    subject: Pseudonym,
    facts: Facts,
    at: Timestamp,
    out: &mut Advance,
) {
    let blank = fresh_state(service_id, service.initial, facts, at, genesis(id));
    let input = Input::Open { service: service_id, subject, facts };
    out.state = blank;
    out.entry.reasons = Reasons::default();
    out.effects = Effects::default();
    enter_step(service, calendar, &mut out.state, service.initial, at);
    finish(&blank, out, input, None, at);
}

/// Apply one input to a state, writing the new state, its log entry and effects to `out`,
/// or say why it does not fit. Touches nothing but `out` (scratch space, left in an
/// unspecified state on error).
pub(crate) fn advance(
    service: &Service,
    calendar: &WorkCalendar,
    id: CaseId,
    old: &CaseState,
    input: Input,
    at: Timestamp,
    out: &mut Advance,
) -> Result<(), WorkflowError> {
    if old.resolution.is_some() {
        return Err(WorkflowError::CaseClosed { case: id.0 });
    }
    if at < old.last_at {
        return Err(WorkflowError::TimeWentBackwards {
            case: id.0,
            at_ms: at.0,
            last_ms: old.last_at.0,
        });
    }
    // let-else rather than `ok_or`: no error value is built (and dropped) on the hot path.
    let Some(step) = service.step(old.step) else {
        return Err(WorkflowError::UnknownService { service: old.service.0 });
    };
    let not_expected = |label: &'static str| WorkflowError::EventNotExpected {
        case: id.0,
        step: step.name.clone(),
        event: label,
    };
    out.state = *old;
    out.entry.reasons = Reasons::default();
    out.effects = Effects::default();
    let trigger = match input {
        Input::Open { .. } => return Err(not_expected("Open")),
        Input::Claim { officer } => {
            let task = out.state.task.as_mut().ok_or_else(|| not_expected("Claim"))?;
            if let Some(claimant) = task.claimed_by {
                return Err(WorkflowError::AlreadyClaimed {
                    task: TaskId { case: id, opened_seq: task.opened_seq }.packed(),
                    claimant: claimant.0,
                });
            }
            if task.excluded == Some(officer) {
                return Err(WorkflowError::ConflictOfInterest { case: id.0, officer: officer.0 });
            }
            task.claimed_by = Some(officer);
            finish(old, out, input, None, at);
            return Ok(());
        }
        Input::Release => {
            let task = out.state.task.as_mut().ok_or_else(|| not_expected("Release"))?;
            if task.claimed_by.take().is_none() {
                return Err(not_expected("Release"));
            }
            finish(old, out, input, None, at);
            return Ok(());
        }
        Input::Event(Event::Withdrawn) => {
            enter_step(service, calendar, &mut out.state, service.withdrawn, at);
            out.state.last_decider = None;
            finish(old, out, input, None, at);
            return Ok(());
        }
        Input::TimerFired => match old.timer {
            Some(t) if t.due <= at => Trigger::Timeout,
            _ => return Err(not_expected("TimerFired")),
        },
        Input::Event(ev) => {
            classify(service, id, step.rules.as_slice(), old, ev, &mut out.entry.reasons)
                .map_err(|e| e.unwrap_or_else(|| not_expected(ev.label())))?
        }
    };
    let transition = match input {
        // A named task's completion names its branch among the step's `Done` transitions.
        Input::Event(Event::Reviewed(Review { decision: Decision::Done { branch }, .. })) => {
            step.on.iter().filter(|t| t.trigger == Trigger::Done).nth(usize::from(branch))
        }
        _ => step.on.iter().find(|t| t.trigger == trigger && t.guard.holds(old.facts)),
    }
    .ok_or_else(|| not_expected(input_label(&input)))?;
    let state = &mut out.state;
    match input {
        Input::Event(Event::Reviewed(review)) => {
            state.last_decider = Some(review.officer);
            state.appeal_excludes = None;
        }
        Input::Event(Event::Appealed) => {
            state.appeal_excludes = old.last_decider;
            state.last_decider = None;
        }
        _ => state.last_decider = None,
    }
    enter_step(service, calendar, state, transition.to, at);
    out.effects = transition.effects;
    finish(old, out, input, Some(trigger), at);
    Ok(())
}

fn input_label(input: &Input) -> &'static str {
    match input {
        Input::Open { .. } => "Open",
        Input::Event(e) => e.label(),
        Input::Claim { .. } => "Claim",
        Input::Release => "Release",
        Input::TimerFired => "TimerFired",
    }
}

/// Map an event to a trigger, evaluating the step's rules. `Err(None)` = does not fit here.
fn classify(
    service: &Service,
    id: CaseId,
    rules: &[RuleId],
    state: &CaseState,
    ev: Event,
    reasons: &mut Reasons,
) -> Result<Trigger, Option<WorkflowError>> {
    Ok(match ev {
        Event::Captured => Trigger::Captured,
        Event::Paid => Trigger::Paid,
        Event::ConsentGiven => Trigger::ConsentGiven,
        Event::ConsentRefused => Trigger::ConsentRefused,
        Event::ConsentTimedOut => Trigger::ConsentTimeout,
        Event::Produced => Trigger::Produced,
        Event::Collected => Trigger::Collected,
        Event::Appealed => Trigger::Appealed,
        Event::Withdrawn => return Err(None),
        Event::Matched(m) => {
            check_unit(id, "verify_score", m.verify_score)?;
            check_unit(id, "liveness_score", m.liveness_score)?;
            if let Some(c) = m.best_candidate_score {
                check_unit(id, "best_candidate_score", c)?;
            }
            evaluate_match(service, rules, m, reasons).ok_or(None)?
        }
        Event::CheckReturned(result) => {
            let rule = rules
                .iter()
                .copied()
                .find(|r| {
                    matches!(
                        service.rules.get(usize::from(r.0)).map(|x| x.kind),
                        Some(RuleKind::RegistryCheck)
                    )
                })
                .ok_or(None)?;
            reasons.push(Reason::Rule {
                rule,
                input: RuleInput::CheckResult,
                observed: f32::from(result.code()),
                threshold: 0.0,
            });
            match result {
                CheckResult::Clear => Trigger::CheckClear,
                CheckResult::Hit => Trigger::CheckHit,
                CheckResult::Failed => Trigger::CheckFailed,
            }
        }
        Event::Reviewed(review) => {
            let task = state.task.ok_or(None)?;
            if task.claimed_by != Some(review.officer) {
                return Err(Some(WorkflowError::NotClaimant {
                    task: TaskId { case: id, opened_seq: task.opened_seq }.packed(),
                    officer: review.officer.0,
                }));
            }
            let bad =
                review.reasons.codes().find(|c| usize::from(c.0) >= service.review_reasons.len());
            if review.reasons.is_empty() || bad.is_some() {
                return Err(Some(WorkflowError::BadReasons {
                    case: id.0,
                    given: review.reasons.len(),
                    bad: bad.map(|c| c.0),
                }));
            }
            for code in review.reasons.codes() {
                reasons.push(Reason::Review { code });
            }
            match review.decision {
                Decision::Approve => Trigger::Approved,
                Decision::Reject => Trigger::Rejected,
                Decision::Done { .. } => Trigger::Done,
            }
        }
    })
}

fn check_unit(id: CaseId, input: &'static str, value: f32) -> Result<(), Option<WorkflowError>> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(Some(WorkflowError::BadMatchInput { case: id.0, input, value }))
    }
}

/// Combine the step's Face-ID rules: any conclusive fail wins, then any inconclusive, else pass.
/// `None` when the step has no Face-ID rule.
fn evaluate_match(
    service: &Service,
    rules: &[RuleId],
    m: MatchInputs,
    reasons: &mut Reasons,
) -> Option<Trigger> {
    let (mut any, mut fail, mut unsure) = (false, false, false);
    for &rule in rules {
        match service.rules.get(usize::from(rule.0))?.kind {
            RuleKind::FaceVerify { accept_min, reject_below, liveness_min } => {
                any = true;
                let live = m.liveness_score >= liveness_min;
                let threshold =
                    if m.verify_score < reject_below { reject_below } else { accept_min };
                reasons.push(Reason::Rule {
                    rule,
                    input: RuleInput::VerifyScore,
                    observed: m.verify_score,
                    threshold,
                });
                reasons.push(Reason::Rule {
                    rule,
                    input: RuleInput::Liveness,
                    observed: m.liveness_score,
                    threshold: liveness_min,
                });
                if !live {
                    unsure = true;
                } else if m.verify_score < reject_below {
                    fail = true;
                } else if m.verify_score < accept_min {
                    unsure = true;
                }
            }
            RuleKind::DedupSearch { candidate_min } => {
                any = true;
                let best = m.best_candidate_score.unwrap_or(0.0);
                reasons.push(Reason::Rule {
                    rule,
                    input: RuleInput::CandidateScore,
                    observed: best,
                    threshold: candidate_min,
                });
                if best >= candidate_min {
                    unsure = true;
                }
            }
            RuleKind::RegistryCheck => {}
        }
    }
    if !any {
        None
    } else if fail {
        Some(Trigger::MatchFail)
    } else if unsure {
        Some(Trigger::MatchInconclusive)
    } else {
        Some(Trigger::MatchPass)
    }
}

/// Enter a step: close the old task and timer, open the new ones, move the SLA clock.
fn enter_step(
    service: &Service,
    calendar: &WorkCalendar,
    state: &mut CaseState,
    to: StepId,
    at: Timestamp,
) {
    let seq = state.entries;
    state.step = to;
    state.task = None;
    state.timer = None;
    let Some(step) = service.step(to) else { return };
    if let Some(skill) = step.task {
        state.task = Some(TaskState {
            skill,
            opened_seq: seq,
            opened_at: at,
            claimed_by: None,
            excluded: state.appeal_excludes,
        });
    }
    if let Some(delay) = step.timer {
        state.timer = Some(TimerState { due: timer_due(calendar, delay, at), set_seq: seq });
    }
    if step.starts_sla && state.sla_started.is_none() {
        state.sla_started = Some(at);
    }
    if step.stops_sla && state.sla_started.is_some() && state.sla_stopped.is_none() {
        state.sla_stopped = Some(at);
    }
    state.resolution = step.outcome;
}

fn timer_due(calendar: &WorkCalendar, delay: Delay, at: Timestamp) -> Timestamp {
    match delay {
        Delay::Minutes(m) => at.plus_ms(i64::from(m) * 60_000),
        Delay::Hours(h) => at.plus_ms(i64::from(h) * 3_600_000),
        Delay::Days(d) => at.plus_ms(i64::from(d) * crate::time::DAY_MS),
        Delay::WorkingDays(n) => calendar.add_working_days(at, n),
    }
}

/// Complete `out` (whose state has entered its step and whose entry holds its reasons):
/// the entry's fields and hash, and the state's chain head.
fn finish(
    old: &CaseState,
    out: &mut Advance,
    input: Input,
    trigger: Option<Trigger>,
    at: Timestamp,
) {
    let entry = &mut out.entry;
    entry.seq = old.entries;
    entry.at = at;
    entry.input = input;
    entry.trigger = trigger;
    entry.from = old.step;
    entry.to = out.state.step;
    entry.hash = chain_hash(&old.head, entry);
    out.state.entries = old.entries + 1;
    out.state.last_at = at;
    out.state.head = entry.hash;
}
