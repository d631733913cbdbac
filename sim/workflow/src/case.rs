//! One case: events, its compact state, and the pure transition function shared by the live
//! store and by replay.
//!
//! This file holds the data: identifiers, inputs, events, reasons, the log entry and the
//! state. The transition (`open`, `advance` and the steps they take) is in
//! `case/transition.rs`.

use crate::definition::{
    Effects, Facts, ReasonCode, Resolution, RuleId, ServiceId, Skill, StepId, Trigger,
};
use crate::time::Timestamp;

mod transition;

pub(crate) use transition::{Advance, advance, open};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// Stable id of a case in a [`crate::CaseStore`]: slot index (low 32 bits) and slot
/// generation (high 32 bits), so an evicted case's id is never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CaseId(pub u64);

/// A pseudonymous subject id chosen by the caller (e.g. a keyed hash of the person); the
/// crate never sees names or document numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pseudonym(pub u64);

/// An officer's pseudonymous id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OfficerId(pub u32);

/// A human task: the case it belongs to and the log position at which it was opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TaskId {
    /// The case.
    pub case: CaseId,
    /// Sequence number of the log entry that opened the task.
    pub opened_seq: u32,
}

impl TaskId {
    /// A single number for logs: case id and sequence.
    pub fn packed(self) -> u64 {
        (self.case.0 << 16) ^ u64::from(self.opened_seq)
    }
}

/// Inputs from a Face-ID matcher, as plain numbers in 0..=1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MatchInputs {
    /// 1:1 similarity of the live capture to the reference.
    pub verify_score: f32,
    /// Presentation-attack (liveness) score.
    pub liveness_score: f32,
    /// Best 1:N candidate score other than the applicant's own record, if any.
    pub best_candidate_score: Option<f32>,
}

/// What an inter-agency check returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckResult {
    /// Nothing found.
    Clear,
    /// A record that needs a human look (wanted list, ban, prior refusal).
    Hit,
    /// Data mismatch between registries, or the registry did not answer.
    Failed,
}

impl CheckResult {
    pub(crate) fn code(self) -> u8 {
        match self {
            CheckResult::Clear => 0,
            CheckResult::Hit => 1,
            CheckResult::Failed => 2,
        }
    }
}

/// A human reviewer's decision, or a named task's completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Approve (identity confirmed, application granted, appeal upheld...).
    Approve,
    /// Reject.
    Reject,
    /// A named task was performed and the case leaves along the step's `branch`-th `Done`
    /// transition (in the order the definition lists them; the caller draws it by their
    /// shares).
    Done {
        /// Index among the step's `Done` transitions.
        branch: u8,
    },
}

impl Decision {
    /// The decision's code in the audit encoding: 0 approve, 1 reject, 2 done (followed by
    /// the branch).
    pub(crate) fn code(self) -> u8 {
        match self {
            Decision::Approve => 0,
            Decision::Reject => 1,
            Decision::Done { .. } => 2,
        }
    }
}

/// Up to four reason codes given with a human decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ReviewReasons {
    codes: [u16; 4],
    len: u8,
}

impl ReviewReasons {
    /// Up to four codes; `None` when more are given.
    pub fn new(codes: &[ReasonCode]) -> Option<Self> {
        if codes.len() > 4 {
            return None;
        }
        let mut r = ReviewReasons::default();
        for (slot, c) in r.codes.iter_mut().zip(codes) {
            *slot = c.0;
        }
        r.len = codes.len() as u8;
        Some(r)
    }

    /// The codes.
    pub fn codes(&self) -> impl Iterator<Item = ReasonCode> + '_ {
        self.codes[..usize::from(self.len)].iter().map(|c| ReasonCode(*c))
    }

    /// How many.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Whether none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// A human review, as applied to a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Review {
    /// Who decided (must hold the case's task).
    pub officer: OfficerId,
    /// What.
    pub decision: Decision,
    /// Why: codes from the service's `review_reasons`.
    pub reasons: ReviewReasons,
}

/// Something that happened to a case, from outside.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Event {
    /// Application and biometrics captured.
    Captured,
    /// Face-ID results arrived.
    Matched(MatchInputs),
    /// State duty paid.
    Paid,
    /// E-Rozilik: the third party consented.
    ConsentGiven,
    /// E-Rozilik: the third party refused.
    ConsentRefused,
    /// E-Rozilik: no answer within its response time.
    ConsentTimedOut,
    /// An inter-agency check returned.
    CheckReturned(CheckResult),
    /// A human reviewer decided (normally via [`crate::CaseStore::complete`]).
    Reviewed(Review),
    /// The document was produced.
    Produced,
    /// The document was collected.
    Collected,
    /// The applicant appealed a decision.
    Appealed,
    /// The applicant withdrew.
    Withdrawn,
}

impl Event {
    /// A short label for errors.
    pub fn label(&self) -> &'static str {
        match self {
            Event::Captured => "Captured",
            Event::Matched(_) => "Matched",
            Event::Paid => "Paid",
            Event::ConsentGiven => "ConsentGiven",
            Event::ConsentRefused => "ConsentRefused",
            Event::ConsentTimedOut => "ConsentTimedOut",
            Event::CheckReturned(_) => "CheckReturned",
            Event::Reviewed(_) => "Reviewed",
            Event::Produced => "Produced",
            Event::Collected => "Collected",
            Event::Appealed => "Appealed",
            Event::Withdrawn => "Withdrawn",
        }
    }
}

/// What a log entry records as its cause.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Input {
    /// The case was opened.
    Open {
        /// Its service.
        service: ServiceId,
        /// Its subject.
        subject: Pseudonym,
        /// Its facts.
        facts: Facts,
    },
    /// An event from outside.
    Event(Event),
    /// An officer claimed the open task.
    Claim {
        /// Who.
        officer: OfficerId,
    },
    /// The claimant gave the task back.
    Release,
    /// The step's timer fired.
    TimerFired,
}

/// Which input of a rule a reason reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleInput {
    /// 1:1 verification score.
    VerifyScore,
    /// Liveness score.
    Liveness,
    /// Best 1:N candidate score (0 when none).
    CandidateScore,
    /// Check result code (0 clear, 1 hit, 2 failed).
    CheckResult,
}

/// Why a transition happened: a rule with the input it saw, or a reviewer's reason code.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Reason {
    /// An automated rule's finding.
    Rule {
        /// Which rule.
        rule: RuleId,
        /// Which input.
        input: RuleInput,
        /// The value seen.
        observed: f32,
        /// The threshold it was compared with.
        threshold: f32,
    },
    /// A human reviewer's reason.
    Review {
        /// The code.
        code: ReasonCode,
    },
}

/// Up to four reasons attached to one log entry.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Reasons {
    items: [Option<Reason>; 4],
}

impl Reasons {
    pub(crate) fn push(&mut self, r: Reason) {
        if let Some(slot) = self.items.iter_mut().find(|s| s.is_none()) {
            *slot = Some(r);
        }
    }

    /// The reasons, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Reason> {
        self.items.iter().flatten()
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether none.
    pub fn is_empty(&self) -> bool {
        self.items[0].is_none()
    }
}

/// One append-only audit record.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogEntry {
    /// Position in the case's log (0 = open).
    pub seq: u32,
    /// When.
    pub at: Timestamp,
    /// What caused it.
    pub input: Input,
    /// Trigger matched, for entries that moved along a transition.
    pub trigger: Option<Trigger>,
    /// Step before.
    pub from: StepId,
    /// Step after.
    pub to: StepId,
    /// Why.
    pub reasons: Reasons,
    /// SHA-256 over the previous entry's hash and this entry's binary encoding.
    pub hash: Hash,
}

/// The open human task of a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskState {
    /// Skill needed.
    pub skill: Skill,
    /// Sequence number of the entry that opened it.
    pub opened_seq: u32,
    /// When it was opened.
    pub opened_at: Timestamp,
    /// Who holds it.
    pub claimed_by: Option<OfficerId>,
    /// Who may not take it (the officer whose decision is under appeal).
    pub excluded: Option<OfficerId>,
}

/// The armed timer of a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimerState {
    /// When it fires.
    pub due: Timestamp,
    /// Sequence number of the entry that set it.
    pub set_seq: u32,
}

/// Everything live about a case: a pure function of its log.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CaseState {
    /// The service.
    pub service: ServiceId,
    /// Current step.
    pub step: StepId,
    /// Facts given at opening.
    pub facts: Facts,
    /// Log entries so far.
    pub entries: u32,
    /// When opened.
    pub opened_at: Timestamp,
    /// Time of the last entry.
    pub last_at: Timestamp,
    /// When the SLA clock started.
    pub sla_started: Option<Timestamp>,
    /// When it stopped.
    pub sla_stopped: Option<Timestamp>,
    /// Open human task.
    pub task: Option<TaskState>,
    /// Armed timer.
    pub timer: Option<TimerState>,
    /// The officer whose decision led into the current step, if it was a human decision.
    pub last_decider: Option<OfficerId>,
    /// Officer barred from reviewing while an appeal is open.
    pub appeal_excludes: Option<OfficerId>,
    /// Terminal outcome, once reached.
    pub resolution: Option<Resolution>,
    /// Hash of the last log entry (the chain head).
    pub head: Hash,
}

/// What applying an input did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outcome {
    /// The case.
    pub case: CaseId,
    /// Step before.
    pub from: StepId,
    /// Step after.
    pub to: StepId,
    /// Trigger matched (None for open, claim, release, withdrawal).
    pub trigger: Option<Trigger>,
    /// Task opened on entering `to`.
    pub task_opened: Option<(TaskId, Skill)>,
    /// Timer armed on entering `to`.
    pub timer_set: Option<Timestamp>,
    /// Side effects to carry out.
    pub effects: Effects,
    /// Reasons recorded.
    pub reasons: Reasons,
    /// Terminal outcome, if the case just ended.
    pub resolution: Option<Resolution>,
}
