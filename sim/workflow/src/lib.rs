//! navbat-workflow: every migration service as a case workflow, with human review, consent,
//! deadlines, appeals and a tamper-evident audit trail.
//!
//! # Overview
//!
//! A **service definition** is data: a RON file (one per service, e.g.
//! `scenarios/services/id-card.ron`) listing steps, transitions with guards over the case's
//! facts, automated rules with their thresholds, human tasks with the [`Skill`] they need,
//! timers and terminal outcomes. [`parse_service`], [`load_service`] and [`load_services`]
//! validate a definition when loading it: unreachable steps, steps with no way out and unknown
//! steps, skills, rules or facts are errors that name the service and the step.
//!
//! A [`CaseStore`] holds cases. Time is always an argument ([`Timestamp`], local civil
//! milliseconds, UTC+05:00); the crate never reads a clock. The caller
//! - opens a case ([`CaseStore::open`]) and applies [`Event`]s ([`CaseStore::apply`]); each
//!   call returns an [`Outcome`]: the new step, the task opened, the timer armed, effects and
//!   the terminal [`Resolution`]. An event that does not fit is a [`WorkflowError`] and
//!   changes nothing;
//! - fires due timers ([`CaseStore::next_due_timer`], [`CaseStore::fire_due`]);
//! - lets officers pull human tasks from per-skill queues ([`CaseStore::claim`],
//!   [`CaseStore::complete`]). Automated rules decide only when conclusive; inconclusive
//!   results go to a human task. Every decision carries [`Reasons`] (rule ids with the inputs
//!   they saw, or reviewer reason codes). An appeal is reviewed by someone other than the
//!   officer who decided;
//! - asks SLA state ([`CaseStore::sla`]) against working-day deadlines ([`WorkCalendar`]).
//!
//! Every change appends a [`LogEntry`] to the case's audit log, SHA-256 chained over a compact
//! binary encoding; the head hash lives in the case state, so [`verify_chain`] catches edits,
//! deletions, insertions, reordering and truncation. [`replay`] rebuilds a case's state from
//! its log alone. [`write_xes`] (or the streaming [`XesWriter`]) and [`write_ocel_json`]
//! export logs for process mining, sealed: each event carries its entry's encoding and chain
//! hash, each case its head (HMAC-SHA-256 authenticated with an [`AuditKey`]), each log a
//! Merkle root over all heads. [`read_sealed_xes`], [`read_sealed_ocel`] and [`verify_sealed`]
//! check an exported log; the [`seal`] module states what that does and does not prove. Ids
//! are pseudonymous ([`Pseudonym`], [`OfficerId`]): no names or document numbers.
//!
//! For runs with millions of cases, [`StoreConfig`] can skip keeping log entries (the chain
//! head is still computed) and evict finished cases, handing them to a sink.
//!
//! # Example
//!
//! ```
//! use navbat_workflow::*;
//!
//! let def = parse_service("demo", r#"(
//!     name: "demo", title: "Demo",
//!     rules: [(id: "face", kind: FaceVerify(accept_min: 0.8, reject_below: 0.3, liveness_min: 0.5))],
//!     review_reasons: ["identity-confirmed", "identity-not-confirmed"],
//!     initial: "capture", withdrawn: "withdrawn",
//!     steps: [
//!         (name: "capture", on: [(on: Captured, to: "match")]),
//!         (name: "match", rules: ["face"], on: [
//!             (on: MatchPass, to: "done"),
//!             (on: MatchFail, to: "refused"),
//!             (on: MatchInconclusive, to: "adjudicate"),
//!         ]),
//!         (name: "adjudicate", task: Some("biometric-adjudication"), on: [
//!             (on: Approved, to: "done"), (on: Rejected, to: "refused"),
//!         ]),
//!         (name: "done", outcome: Some(Delivered)),
//!         (name: "refused", outcome: Some(Refused)),
//!         (name: "withdrawn", outcome: Some(Withdrawn)),
//!     ],
//! )"#)?;
//! let catalog = ServiceCatalog::new(vec![def])?;
//! let demo = catalog.id("demo").expect("just added");
//! let mut store = CaseStore::new(catalog, WorkCalendar::weekdays(), StoreConfig::default());
//!
//! let t0 = Timestamp::from_civil(jiff::civil::date(2026, 5, 4).at(9, 0, 0, 0));
//! let case = store.open(demo, Pseudonym(42), Facts::default(), t0)?.case;
//! store.apply(case, Event::Captured, t0.plus_ms(60_000))?;
//! // Failed liveness is inconclusive: a human adjudicator gets a task.
//! let out = store.apply(case, Event::Matched(MatchInputs {
//!     verify_score: 0.95, liveness_score: 0.2, best_candidate_score: None,
//! }), t0.plus_ms(65_000))?;
//! let (task, skill) = out.task_opened.expect("adjudication task");
//! assert_eq!(skill, Skill::BiometricAdjudication);
//!
//! // A wrong event is an error and changes nothing.
//! let before = store.case(case).cloned();
//! assert!(store.apply(case, Event::Paid, t0.plus_ms(66_000)).is_err());
//! assert_eq!(store.case(case).cloned(), before);
//!
//! assert_eq!(store.claim(skill, OfficerId(7), t0.plus_ms(70_000))?, Some(task));
//! let ok = store.service_of(case).and_then(|s| s.reason_code("identity-confirmed")).expect("code");
//! let done = store.complete(task, Decision::Approve, &[ok], t0.plus_ms(90_000))?;
//! assert_eq!(done.resolution, Some(Resolution::Delivered));
//!
//! let stored = store.case(case).expect("kept");
//! verify_chain(stored)?;
//! assert_eq!(replay(store.catalog(), store.calendar(), case, &stored.log)?, stored.state);
//! # Ok::<(), WorkflowError>(())
//! ```

mod audit;
mod case;
mod chain;
mod definition;
mod error;
mod export;
mod load;
pub mod seal;
mod sla;
mod store;
mod time;

pub use audit::{
    AuditFinding, AuditReport, SealedCase, SealedEvent, SealedLog, read_sealed_ocel,
    read_sealed_xes, replay, verify_chain, verify_log, verify_sealed,
};
pub use case::{
    CaseId, CaseState, CheckResult, Decision, Event, Hash, Input, LogEntry, MatchInputs, OfficerId,
    Outcome, Pseudonym, Reason, Reasons, Review, ReviewReasons, RuleInput, TaskId, TaskState,
    TimerState,
};
pub use definition::{
    Deadline, Delay, Effect, Effects, Facts, Guard, ONLINE, ReasonCode, Resolution, Rule, RuleId,
    RuleKind, Service, ServiceCatalog, ServiceId, Skill, Step, StepId, TaskReasons, Transition,
    Trigger,
};
pub use error::{Position, WorkflowError};
pub use export::{
    XesWriter, activity, lifecycle, ocel_json, reasons_text, seal_cases, write_ocel_json, write_xes,
};
pub use load::{
    MAX_DEADLINE_WORKING_DAYS, MAX_TIMER_DAYS, load_service, load_services, load_services_shared,
    parse_service,
};
pub use seal::{AuditKey, CaseHead, RunSeal};
pub use sla::{SlaState, SlaStatus, sla_status};
pub use store::{Case, CaseStore, FinishedSink, Retention, StoreConfig};
pub use time::{Timestamp, WorkCalendar};
