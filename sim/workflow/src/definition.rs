//! Service definitions: raw serde/RON types, then a validated `Service` with interned ids.

use serde::{Deserialize, Serialize};

use crate::error::WorkflowError;

/// Index of a step inside its service (interned; the hot path never touches step names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StepId(pub u16);

/// Index of a service inside a [`ServiceCatalog`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceId(pub u16);

/// Index of a review reason code inside its service's `review_reasons` list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReasonCode(pub u16);

/// Index of an automated rule inside its service's `rules` list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleId(pub u16);

/// What a human task needs from the officer who takes it: one of the built-in review skills
/// the simulator staffs officers by, or a named task a service declares (a discovered
/// back office's activities).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Skill {
    /// Front-desk officer: recapture, document check, assisted application.
    Intake,
    /// Adjudicates inconclusive Face-ID results (1:N candidates, failed liveness, grey zone).
    BiometricAdjudication,
    /// Resolves data mismatches and hits between registries.
    RegistryReconciliation,
    /// Follows up a third party's consent that timed out in E-Rozilik.
    ConsentFollowUp,
    /// Migration officer taking a discretionary decision (permits, registrations).
    CaseDecision,
    /// Senior officer reviewing an appeal.
    Appeal,
    /// The citizenship commission.
    Commission,
    /// A named task: index `i` into the declaring service's `tasks` list. In a
    /// [`ServiceCatalog`] every service's `tasks` is the catalogue's list, so the same name in
    /// two services is one task with one queue.
    Named(u16),
}

impl Skill {
    /// Every skill, in index order.
    pub const ALL: [Skill; 7] = [
        Skill::Intake,
        Skill::BiometricAdjudication,
        Skill::RegistryReconciliation,
        Skill::ConsentFollowUp,
        Skill::CaseDecision,
        Skill::Appeal,
        Skill::Commission,
    ];

    /// How many built-in skills come before the named tasks in [`Skill::index`].
    pub const BUILT_IN: usize = Skill::ALL.len();

    /// Kebab-case name used in service files (`named-task` for a named task: its own name
    /// is its service's `tasks[i]`, or [`ServiceCatalog::skill_name`]).
    pub fn name(self) -> &'static str {
        match self {
            Skill::Intake => "intake",
            Skill::BiometricAdjudication => "biometric-adjudication",
            Skill::RegistryReconciliation => "registry-reconciliation",
            Skill::ConsentFollowUp => "consent-follow-up",
            Skill::CaseDecision => "case-decision",
            Skill::Appeal => "appeal",
            Skill::Commission => "commission",
            Skill::Named(_) => "named-task",
        }
    }

    /// The skill of a kebab-case name.
    pub fn from_name(name: &str) -> Option<Skill> {
        Skill::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Dense index: the built-in skills 0..7, then named task `i` at `7 + i`.
    pub fn index(self) -> usize {
        match self {
            Skill::Intake => 0,
            Skill::BiometricAdjudication => 1,
            Skill::RegistryReconciliation => 2,
            Skill::ConsentFollowUp => 3,
            Skill::CaseDecision => 4,
            Skill::Appeal => 5,
            Skill::Commission => 6,
            Skill::Named(i) => Skill::BUILT_IN + usize::from(i),
        }
    }

    /// Whether this is a named task (performed, then branching by shares) rather than a
    /// review (approved or rejected).
    pub fn is_named(self) -> bool {
        matches!(self, Skill::Named(_))
    }
}

/// What moves a case along a transition: an event, classified by the step's rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Trigger {
    /// Biometrics and application captured.
    Captured,
    /// Face-ID rules conclusive: identity confirmed, no duplicate.
    MatchPass,
    /// Face-ID rules conclusive: not the same person.
    MatchFail,
    /// Face-ID rules inconclusive (grey zone, failed liveness, 1:N candidate above threshold).
    MatchInconclusive,
    /// State duty paid.
    Paid,
    /// Third party consented in E-Rozilik.
    ConsentGiven,
    /// Third party refused in E-Rozilik.
    ConsentRefused,
    /// E-Rozilik reported no answer in time.
    ConsentTimeout,
    /// Inter-agency check clear.
    CheckClear,
    /// Inter-agency check returned a hit (a record that needs a look).
    CheckHit,
    /// Inter-agency check failed (data mismatch between registries, or no answer).
    CheckFailed,
    /// Human reviewer approved.
    Approved,
    /// Human reviewer rejected.
    Rejected,
    /// Document produced.
    Produced,
    /// Document collected.
    Collected,
    /// Applicant appealed.
    Appealed,
    /// The step's timer expired.
    Timeout,
    /// A named task was performed; the step's `Done` transitions share its cases.
    Done,
}

impl Trigger {
    /// The event that moves a case along this trigger, or `None` for the triggers that come
    /// from elsewhere: `Approved`/`Rejected` from completing a human task, `Timeout` from a
    /// timer. Face-ID triggers carry the matcher's inputs, which `face` supplies for the
    /// trigger asked for (the rules then classify them).
    pub fn event(self, face: impl FnOnce(Trigger) -> crate::MatchInputs) -> Option<crate::Event> {
        use crate::{CheckResult, Event};
        Some(match self {
            Trigger::Captured => Event::Captured,
            Trigger::MatchPass | Trigger::MatchFail | Trigger::MatchInconclusive => {
                Event::Matched(face(self))
            }
            Trigger::Paid => Event::Paid,
            Trigger::ConsentGiven => Event::ConsentGiven,
            Trigger::ConsentRefused => Event::ConsentRefused,
            Trigger::ConsentTimeout => Event::ConsentTimedOut,
            Trigger::CheckClear => Event::CheckReturned(CheckResult::Clear),
            Trigger::CheckHit => Event::CheckReturned(CheckResult::Hit),
            Trigger::CheckFailed => Event::CheckReturned(CheckResult::Failed),
            Trigger::Produced => Event::Produced,
            Trigger::Collected => Event::Collected,
            Trigger::Appealed => Event::Appealed,
            Trigger::Approved | Trigger::Rejected | Trigger::Timeout | Trigger::Done => {
                return None;
            }
        })
    }

    /// Every trigger, in code order.
    pub const ALL: [Trigger; 18] = [
        Trigger::Captured,
        Trigger::MatchPass,
        Trigger::MatchFail,
        Trigger::MatchInconclusive,
        Trigger::Paid,
        Trigger::ConsentGiven,
        Trigger::ConsentRefused,
        Trigger::ConsentTimeout,
        Trigger::CheckClear,
        Trigger::CheckHit,
        Trigger::CheckFailed,
        Trigger::Approved,
        Trigger::Rejected,
        Trigger::Produced,
        Trigger::Collected,
        Trigger::Appealed,
        Trigger::Timeout,
        Trigger::Done,
    ];

    /// Activity label used in logs and exports.
    pub fn label(self) -> &'static str {
        match self {
            Trigger::Captured => "Capture application",
            Trigger::MatchPass => "Face-ID: pass",
            Trigger::MatchFail => "Face-ID: fail",
            Trigger::MatchInconclusive => "Face-ID: inconclusive",
            Trigger::Paid => "Pay state duty",
            Trigger::ConsentGiven => "Consent given",
            Trigger::ConsentRefused => "Consent refused",
            Trigger::ConsentTimeout => "Consent timed out",
            Trigger::CheckClear => "Check: clear",
            Trigger::CheckHit => "Check: hit",
            Trigger::CheckFailed => "Check: failed",
            Trigger::Approved => "Review: approved",
            Trigger::Rejected => "Review: rejected",
            Trigger::Produced => "Produce document",
            Trigger::Collected => "Collect document",
            Trigger::Appealed => "Appeal",
            Trigger::Timeout => "Deadline expired",
            Trigger::Done => "Task done",
        }
    }

    pub(crate) fn is_match(self) -> bool {
        matches!(self, Trigger::MatchPass | Trigger::MatchFail | Trigger::MatchInconclusive)
    }

    pub(crate) fn is_check(self) -> bool {
        matches!(self, Trigger::CheckClear | Trigger::CheckHit | Trigger::CheckFailed)
    }

    pub(crate) fn is_review(self) -> bool {
        matches!(self, Trigger::Approved | Trigger::Rejected)
    }
}

/// How a case ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Resolution {
    /// The service was delivered (document collected, registration made, permit granted).
    Delivered,
    /// Refused by a final decision.
    Refused,
    /// Withdrawn by the applicant.
    Withdrawn,
    /// Lapsed: the applicant did not act in time (unpaid, uncollected).
    Lapsed,
}

impl Resolution {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Resolution::Delivered => "delivered",
            Resolution::Refused => "refused",
            Resolution::Withdrawn => "withdrawn",
            Resolution::Lapsed => "lapsed",
        }
    }
}

/// A side effect a transition asks the platform to carry out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Effect {
    /// Put the free electronic-signature certificate on the ID card's chip (first issue).
    IssueESignatureCertificate,
    /// Register the person in the e-government identity system (first issue).
    RegisterEGovIdentity,
    /// Tell the applicant (SMS / app) what happened.
    NotifyApplicant,
}

impl Effect {
    pub(crate) fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of [`Effect`]s.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash)]
pub struct Effects(pub u8);

impl Effects {
    /// Whether the set holds `effect`.
    pub fn contains(self, effect: Effect) -> bool {
        self.0 & effect.bit() != 0
    }
}

/// Facts about a case that guards read, as a bit set over the service's `facts` list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash)]
pub struct Facts(pub u16);

/// An automated rule: its parameters are data.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum RuleKind {
    /// 1:1 verification of the live capture against the reference photo.
    FaceVerify {
        /// Score at or above which (with liveness) identity is confirmed.
        accept_min: f32,
        /// Score below which the capture is conclusively not the person.
        reject_below: f32,
        /// Liveness score at or above which the capture counts as live.
        liveness_min: f32,
    },
    /// 1:N de-duplication search against the national gallery.
    DedupSearch {
        /// A candidate at or above this score needs a human adjudicator.
        candidate_min: f32,
    },
    /// An inter-agency registry check; its result code is the input recorded.
    RegistryCheck,
}

/// A named rule of a service.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// The rule's id as written in the file (e.g. `face-1to1`).
    pub id: String,
    /// What it computes, with its parameters.
    pub kind: RuleKind,
}

/// Delay before a step's timer fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Delay {
    /// Minutes of elapsed time.
    Minutes(u32),
    /// Hours of elapsed time.
    Hours(u32),
    /// Calendar days of elapsed time.
    Days(u32),
    /// To the end of the N-th working day after entering the step.
    WorkingDays(u32),
}

/// Guard on a transition, over the case's facts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guard {
    /// Always.
    Always,
    /// When the fact (bit index) is set.
    Fact(u8),
    /// When the fact (bit index) is not set.
    NotFact(u8),
}

impl Guard {
    /// Whether the guard holds for these facts.
    pub fn holds(self, facts: Facts) -> bool {
        match self {
            Guard::Always => true,
            Guard::Fact(bit) => facts.0 & (1 << bit) != 0,
            Guard::NotFact(bit) => facts.0 & (1 << bit) == 0,
        }
    }
}

/// A validated transition.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Transition {
    /// What fires it.
    pub trigger: Trigger,
    /// When it applies.
    pub guard: Guard,
    /// Where it leads.
    pub to: StepId,
    /// Side effects to carry out.
    pub effects: Effects,
    /// The share of a named task's cases that leave along this `Done` transition (the
    /// shares of a step's `Done` transitions sum to 1); `None` on every other trigger.
    pub share: Option<f64>,
}

/// A validated step.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Name as written in the file.
    pub name: String,
    /// The human task opened on entry, if any.
    pub task: Option<Skill>,
    /// Rules evaluated on the event this step waits for.
    pub rules: Vec<RuleId>,
    /// Timer set on entry, if any (fires [`Trigger::Timeout`]).
    pub timer: Option<Delay>,
    /// Ways out.
    pub on: Vec<Transition>,
    /// Terminal outcome, if this step ends the case.
    pub outcome: Option<Resolution>,
    /// Entering this step starts the SLA clock.
    pub starts_sla: bool,
    /// Entering this step stops the SLA clock (terminal steps always do).
    pub stops_sla: bool,
    /// A human task's reasons, where the definition gives them.
    pub reasons: Option<TaskReasons>,
}

/// The review reasons a human task's decisions give, each with its share of the decisions
/// on that side (the shares of a side sum to 1).
#[derive(Clone, Debug, PartialEq)]
pub struct TaskReasons {
    /// Reasons for approving.
    pub approve: Vec<(ReasonCode, f64)>,
    /// Reasons for refusing.
    pub refuse: Vec<(ReasonCode, f64)>,
}

/// A statutory deadline measured in working days.
#[derive(Clone, Debug, PartialEq)]
pub struct Deadline {
    /// Working days allowed.
    pub working_days: u32,
    /// Other allowances when a fact is set (first match wins): (fact bit, working days).
    pub overrides: Vec<(u8, u32)>,
    /// Share of the allowed time after which an open case counts as at risk.
    pub at_risk_fraction: f32,
}

/// The fact that marks a request made online (a portal or app request: no visit to a
/// site). A service that can be asked for online declares it among its facts; the caller
/// sets it when the request came that way, and the definition's transitions guarded by it
/// are the no-visit path.
pub const ONLINE: &str = "online";

/// A validated service definition.
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    /// File name without extension, e.g. `id-card`.
    pub name: String,
    /// Human title.
    pub title: String,
    /// Fact names (bit i = `facts[i]`). The fact [`ONLINE`], where declared, marks a request
    /// made online: the definition's transitions guarded by it are the no-visit path.
    pub facts: Vec<String>,
    /// SLA deadline, if the service has one.
    pub deadline: Option<Deadline>,
    /// Automated rules.
    pub rules: Vec<Rule>,
    /// Reason codes a human reviewer may give.
    pub review_reasons: Vec<String>,
    /// Named tasks ([`Skill::Named`] `i` is `tasks[i]`); in a catalogue, the catalogue's
    /// list.
    pub tasks: Vec<String>,
    /// The step a case opens in.
    pub initial: StepId,
    /// The terminal step a withdrawal leads to (from any open step).
    pub withdrawn: StepId,
    /// All steps, indexed by [`StepId`].
    pub steps: Vec<Step>,
}

impl Service {
    /// The step with this id (ids come from this service, so out of range means a foreign id).
    pub fn step(&self, id: StepId) -> Option<&Step> {
        self.steps.get(usize::from(id.0))
    }

    /// The id of a step by name.
    pub fn step_id(&self, name: &str) -> Option<StepId> {
        self.steps
            .iter()
            .position(|s| s.name == name)
            .and_then(|i| u16::try_from(i).ok())
            .map(StepId)
    }

    /// The facts set from a list of fact names; `None` if a name is unknown.
    pub fn facts_from_names(&self, names: &[&str]) -> Option<Facts> {
        let mut bits = 0u16;
        for n in names {
            let i = self.facts.iter().position(|f| f == n)?;
            bits |= 1 << i;
        }
        Some(Facts(bits))
    }

    /// The code of a review reason by name.
    pub fn reason_code(&self, name: &str) -> Option<ReasonCode> {
        self.review_reasons
            .iter()
            .position(|r| r == name)
            .and_then(|i| u16::try_from(i).ok())
            .map(ReasonCode)
    }

    /// Name of a step, or `?` for a foreign id.
    pub(crate) fn step_name(&self, id: StepId) -> &str {
        self.step(id).map_or("?", |s| s.name.as_str())
    }

    /// Working days allowed for a case with these facts.
    pub fn deadline_working_days(&self, facts: Facts) -> Option<u32> {
        let d = self.deadline.as_ref()?;
        Some(
            d.overrides
                .iter()
                .find(|(bit, _)| Guard::Fact(*bit).holds(facts))
                .map_or(d.working_days, |(_, n)| *n),
        )
    }
}

/// A set of services, addressed by [`ServiceId`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServiceCatalog {
    services: Vec<Service>,
    /// Every named task of every service, in order of first declaration.
    tasks: Vec<String>,
}

impl ServiceCatalog {
    /// A catalogue of services; names must be distinct. Named tasks are pooled: a task name
    /// declared by two services is one task (one queue), and every service's `tasks` becomes
    /// the catalogue's list, its steps' [`Skill::Named`] indices renumbered to match.
    pub fn new(mut services: Vec<Service>) -> Result<Self, WorkflowError> {
        let too_many = |what: &str| WorkflowError::InvalidDefinition {
            service: "-".into(),
            step: "-".into(),
            problem: format!("too many {what}"),
            at: None,
        };
        for (i, s) in services.iter().enumerate() {
            if services[..i].iter().any(|o| o.name == s.name) {
                return Err(WorkflowError::DuplicateService { service: s.name.clone() });
            }
        }
        if services.len() > usize::from(u16::MAX) {
            return Err(too_many("services"));
        }
        let mut tasks: Vec<String> = Vec::new();
        for s in &services {
            for t in &s.tasks {
                if !tasks.contains(t) {
                    tasks.push(t.clone());
                }
            }
        }
        if tasks.len() > usize::from(u16::MAX) - Skill::BUILT_IN {
            return Err(too_many("named tasks"));
        }
        for s in &mut services {
            let map: Vec<u16> = s
                .tasks
                .iter()
                .map(|t| tasks.iter().position(|x| x == t).map_or(0, |i| i as u16))
                .collect();
            for step in &mut s.steps {
                if let Some(Skill::Named(i)) = step.task {
                    step.task = Some(Skill::Named(map.get(usize::from(i)).copied().unwrap_or(i)));
                }
            }
            s.tasks.clone_from(&tasks);
        }
        Ok(ServiceCatalog { services, tasks })
    }

    /// The named tasks of every service, in [`Skill::Named`] order.
    pub fn tasks(&self) -> &[String] {
        &self.tasks
    }

    /// How many skills the catalogue's cases can ask for: the built-in ones and the named
    /// tasks; every [`Skill::index`] of the catalogue is below it.
    pub fn skill_count(&self) -> usize {
        Skill::BUILT_IN + self.tasks.len()
    }

    /// The name of a skill: a built-in skill's kebab-case name or a named task's own.
    pub fn skill_name(&self, skill: Skill) -> &str {
        match skill {
            Skill::Named(i) => self.tasks.get(usize::from(i)).map_or("?", String::as_str),
            other => other.name(),
        }
    }

    /// The skill of a name: a built-in skill, else a named task of the catalogue.
    pub fn skill(&self, name: &str) -> Option<Skill> {
        Skill::from_name(name)
            .or_else(|| self.tasks.iter().position(|t| t == name).map(|i| Skill::Named(i as u16)))
    }

    /// Every skill of the catalogue, in [`Skill::index`] order.
    pub fn skills(&self) -> impl Iterator<Item = Skill> + '_ {
        Skill::ALL.into_iter().chain((0..self.tasks.len()).map(|i| Skill::Named(i as u16)))
    }

    /// The service with this id.
    pub fn get(&self, id: ServiceId) -> Option<&Service> {
        self.services.get(usize::from(id.0))
    }

    /// The id of a service by name.
    pub fn id(&self, name: &str) -> Option<ServiceId> {
        self.services
            .iter()
            .position(|s| s.name == name)
            .and_then(|i| u16::try_from(i).ok())
            .map(ServiceId)
    }

    /// All services with their ids, in catalogue order.
    pub fn iter(&self) -> impl Iterator<Item = (ServiceId, &Service)> {
        self.services.iter().enumerate().map(|(i, s)| (ServiceId(i as u16), s))
    }

    /// How many services.
    pub fn len(&self) -> usize {
        self.services.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.services.is_empty()
    }
}
