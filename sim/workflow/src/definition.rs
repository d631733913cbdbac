//! Service definitions: raw serde/RON types, then a validated `Service` with interned ids.

use std::collections::VecDeque;
use std::path::Path;

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

/// What a human task needs from the officer who takes it. A closed list: the simulator staffs
/// officers by these.
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

    /// Kebab-case name used in service files.
    pub fn name(self) -> &'static str {
        match self {
            Skill::Intake => "intake",
            Skill::BiometricAdjudication => "biometric-adjudication",
            Skill::RegistryReconciliation => "registry-reconciliation",
            Skill::ConsentFollowUp => "consent-follow-up",
            Skill::CaseDecision => "case-decision",
            Skill::Appeal => "appeal",
            Skill::Commission => "commission",
        }
    }

    /// The skill of a kebab-case name.
    pub fn from_name(name: &str) -> Option<Skill> {
        Skill::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Dense index (0..7).
    pub fn index(self) -> usize {
        self as usize
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
}

impl Trigger {
    /// Every trigger, in code order.
    pub const ALL: [Trigger; 17] = [
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
        }
    }

    fn is_match(self) -> bool {
        matches!(self, Trigger::MatchPass | Trigger::MatchFail | Trigger::MatchInconclusive)
    }

    fn is_check(self) -> bool {
        matches!(self, Trigger::CheckClear | Trigger::CheckHit | Trigger::CheckFailed)
    }

    fn is_review(self) -> bool {
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
    fn bit(self) -> u8 {
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

/// A validated service definition.
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    /// File name without extension, e.g. `id-card`.
    pub name: String,
    /// Human title.
    pub title: String,
    /// Fact names (bit i = `facts[i]`).
    pub facts: Vec<String>,
    /// SLA deadline, if the service has one.
    pub deadline: Option<Deadline>,
    /// Automated rules.
    pub rules: Vec<Rule>,
    /// Reason codes a human reviewer may give.
    pub review_reasons: Vec<String>,
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
}

impl ServiceCatalog {
    /// A catalogue of services; names must be distinct.
    pub fn new(services: Vec<Service>) -> Result<Self, WorkflowError> {
        for (i, s) in services.iter().enumerate() {
            if services[..i].iter().any(|o| o.name == s.name) {
                return Err(WorkflowError::DuplicateService { service: s.name.clone() });
            }
        }
        if services.len() > usize::from(u16::MAX) {
            return Err(WorkflowError::InvalidDefinition {
                service: "-".into(),
                step: "-".into(),
                problem: "too many services".into(),
            });
        }
        Ok(ServiceCatalog { services })
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

// ---------------------------------------------------------------------------------------
// Raw file format

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    name: String,
    title: String,
    #[serde(default)]
    facts: Vec<String>,
    #[serde(default)]
    deadline: Option<RawDeadline>,
    #[serde(default)]
    rules: Vec<RawRule>,
    #[serde(default)]
    review_reasons: Vec<String>,
    initial: String,
    withdrawn: String,
    steps: Vec<RawStep>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeadline {
    working_days: u32,
    #[serde(default)]
    overrides: Vec<(String, u32)>,
    at_risk_fraction: f32,
    #[serde(default)]
    starts: Option<String>,
    #[serde(default)]
    stops: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    kind: RuleKind,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    name: String,
    #[serde(default)]
    task: Option<String>,
    #[serde(default)]
    rules: Vec<String>,
    #[serde(default)]
    timer: Option<Delay>,
    #[serde(default)]
    on: Vec<RawTransition>,
    #[serde(default)]
    outcome: Option<Resolution>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTransition {
    on: Trigger,
    #[serde(default)]
    when: Option<RawGuard>,
    to: String,
    #[serde(default)]
    effects: Vec<Effect>,
}

#[derive(Deserialize)]
enum RawGuard {
    Fact(String),
    NotFact(String),
}

/// Parse and validate one service definition from RON text. `origin` names the text in
/// errors (a path or any label).
pub fn parse_service(origin: &str, text: &str) -> Result<Service, WorkflowError> {
    let raw: RawService =
        ron::Options::default().from_str(text).map_err(|e| WorkflowError::Parse {
            origin: origin.to_string(),
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        })?;
    validate(raw)
}

/// Load and validate one service file.
pub fn load_service(path: &Path) -> Result<Service, WorkflowError> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| WorkflowError::Io { path: path.to_path_buf(), source })?;
    parse_service(&path.display().to_string(), &text)
}

/// Load every `*.ron` file of a directory, in file-name order, into a catalogue.
pub fn load_services(dir: &Path) -> Result<ServiceCatalog, WorkflowError> {
    let io = |source| WorkflowError::Io { path: dir.to_path_buf(), source };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.extension().is_some_and(|e| e == "ron") {
            paths.push(path);
        }
    }
    paths.sort();
    let services = paths.iter().map(|p| load_service(p)).collect::<Result<Vec<_>, _>>()?;
    ServiceCatalog::new(services)
}

struct Ctx<'a> {
    service: &'a str,
}

impl Ctx<'_> {
    fn err(&self, step: &str, problem: impl Into<String>) -> WorkflowError {
        WorkflowError::InvalidDefinition {
            service: self.service.to_string(),
            step: step.to_string(),
            problem: problem.into(),
        }
    }
}

fn validate(raw: RawService) -> Result<Service, WorkflowError> {
    let cx = Ctx { service: &raw.name };
    if raw.steps.is_empty() || raw.steps.len() > 4096 {
        return Err(cx.err("-", "a service needs 1 to 4096 steps"));
    }
    if raw.facts.len() > 16 {
        return Err(cx.err("-", "at most 16 facts"));
    }
    if raw.review_reasons.is_empty() {
        return Err(cx.err("-", "a service needs at least one review reason"));
    }
    check_unique(&cx, raw.steps.iter().map(|s| s.name.as_str()), "step")?;
    check_unique(&cx, raw.rules.iter().map(|r| r.id.as_str()), "rule")?;
    check_unique(&cx, raw.facts.iter().map(String::as_str), "fact")?;
    check_unique(&cx, raw.review_reasons.iter().map(String::as_str), "reason")?;

    let step_of = |from: &str, name: &str| -> Result<StepId, WorkflowError> {
        raw.steps
            .iter()
            .position(|s| s.name == name)
            .map(|i| StepId(i as u16))
            .ok_or_else(|| cx.err(from, format!("unknown step `{name}`")))
    };
    let fact_of = |from: &str, name: &str| -> Result<u8, WorkflowError> {
        raw.facts
            .iter()
            .position(|f| f == name)
            .map(|i| i as u8)
            .ok_or_else(|| cx.err(from, format!("unknown fact `{name}`")))
    };

    let rules: Vec<Rule> = raw
        .rules
        .iter()
        .map(|r| {
            check_rule(&cx, r)?;
            Ok(Rule { id: r.id.clone(), kind: r.kind })
        })
        .collect::<Result<_, WorkflowError>>()?;

    let mut steps = Vec::with_capacity(raw.steps.len());
    for s in &raw.steps {
        steps.push(validate_step(&cx, s, &rules, &step_of, &fact_of)?);
    }

    let initial = step_of("-", &raw.initial)?;
    let withdrawn = step_of("-", &raw.withdrawn)?;
    if steps[usize::from(withdrawn.0)].outcome != Some(Resolution::Withdrawn) {
        return Err(
            cx.err(&raw.withdrawn, "the withdrawn step must be terminal with outcome Withdrawn")
        );
    }
    let deadline = match &raw.deadline {
        None => None,
        Some(d) => {
            if !(d.at_risk_fraction > 0.0 && d.at_risk_fraction <= 1.0) {
                return Err(cx.err("-", "deadline at_risk_fraction must be in (0, 1]"));
            }
            if let Some(start) = &d.starts {
                let id = step_of("-", start)?;
                steps[usize::from(id.0)].starts_sla = true;
            } else {
                steps[usize::from(initial.0)].starts_sla = true;
            }
            for stop in &d.stops {
                let id = step_of("-", stop)?;
                steps[usize::from(id.0)].stops_sla = true;
            }
            let overrides = d
                .overrides
                .iter()
                .map(|(f, n)| Ok((fact_of("-", f)?, *n)))
                .collect::<Result<_, WorkflowError>>()?;
            Some(Deadline {
                working_days: d.working_days,
                overrides,
                at_risk_fraction: d.at_risk_fraction,
            })
        }
    };
    for s in &mut steps {
        if s.outcome.is_some() {
            s.stops_sla = true;
        }
    }
    check_graph(&cx, &steps, initial, withdrawn)?;
    Ok(Service {
        name: raw.name.clone(),
        title: raw.title.clone(),
        facts: raw.facts.clone(),
        deadline,
        rules,
        review_reasons: raw.review_reasons.clone(),
        initial,
        withdrawn,
        steps,
    })
}

fn check_unique<'a>(
    cx: &Ctx<'_>,
    names: impl Iterator<Item = &'a str>,
    what: &str,
) -> Result<(), WorkflowError> {
    let mut seen: Vec<&str> = Vec::new();
    for n in names {
        if seen.contains(&n) {
            return Err(cx.err(n, format!("duplicate {what} name `{n}`")));
        }
        seen.push(n);
    }
    Ok(())
}

fn check_rule(cx: &Ctx<'_>, r: &RawRule) -> Result<(), WorkflowError> {
    let unit = |x: f32| (0.0..=1.0).contains(&x);
    let ok = match r.kind {
        RuleKind::FaceVerify { accept_min, reject_below, liveness_min } => {
            unit(accept_min)
                && unit(reject_below)
                && unit(liveness_min)
                && reject_below <= accept_min
        }
        RuleKind::DedupSearch { candidate_min } => unit(candidate_min),
        RuleKind::RegistryCheck => true,
    };
    if ok {
        Ok(())
    } else {
        Err(cx.err(
            "-",
            format!("rule `{}` has thresholds outside 0..=1 or reject_below > accept_min", r.id),
        ))
    }
}

fn validate_step(
    cx: &Ctx<'_>,
    s: &RawStep,
    rules: &[Rule],
    step_of: &dyn Fn(&str, &str) -> Result<StepId, WorkflowError>,
    fact_of: &dyn Fn(&str, &str) -> Result<u8, WorkflowError>,
) -> Result<Step, WorkflowError> {
    let name = s.name.as_str();
    let task = match &s.task {
        None => None,
        Some(t) => {
            Some(Skill::from_name(t).ok_or_else(|| cx.err(name, format!("unknown skill `{t}`")))?)
        }
    };
    let rule_ids: Vec<RuleId> = s
        .rules
        .iter()
        .map(|r| {
            rules
                .iter()
                .position(|x| &x.id == r)
                .map(|i| RuleId(i as u16))
                .ok_or_else(|| cx.err(name, format!("unknown rule `{r}`")))
        })
        .collect::<Result<_, _>>()?;
    // Reasons are kept inline (at most four per log entry): FaceVerify reports two inputs,
    // DedupSearch and RegistryCheck one each.
    let reason_slots: usize = rule_ids
        .iter()
        .map(|r| match rules[usize::from(r.0)].kind {
            RuleKind::FaceVerify { .. } => 2,
            RuleKind::DedupSearch { .. } | RuleKind::RegistryCheck => 1,
        })
        .sum();
    if reason_slots > 4 {
        return Err(cx.err(name, "the step's rules would record more than four reasons"));
    }
    let mut on = Vec::with_capacity(s.on.len());
    for t in &s.on {
        let guard = match &t.when {
            None => Guard::Always,
            Some(RawGuard::Fact(f)) => Guard::Fact(fact_of(name, f)?),
            Some(RawGuard::NotFact(f)) => Guard::NotFact(fact_of(name, f)?),
        };
        let effects = Effects(t.effects.iter().fold(0, |m, e| m | e.bit()));
        on.push(Transition { trigger: t.on, guard, to: step_of(name, &t.to)?, effects });
    }
    if s.outcome.is_some() {
        if !on.is_empty() || task.is_some() || s.timer.is_some() || !rule_ids.is_empty() {
            return Err(cx.err(name, "a terminal step has no transitions, task, timer or rules"));
        }
    } else if on.is_empty() {
        return Err(cx.err(name, "dead end: a non-terminal step needs a way out"));
    }
    let has = |p: fn(Trigger) -> bool| on.iter().any(|t| p(t.trigger));
    let rule_kind =
        |p: fn(&RuleKind) -> bool| rule_ids.iter().any(|r| p(&rules[usize::from(r.0)].kind));
    if has(Trigger::is_match)
        && !rule_kind(|k| matches!(k, RuleKind::FaceVerify { .. } | RuleKind::DedupSearch { .. }))
    {
        return Err(
            cx.err(name, "handles Face-ID results but names no FaceVerify/DedupSearch rule")
        );
    }
    if has(Trigger::is_check) && !rule_kind(|k| matches!(k, RuleKind::RegistryCheck)) {
        return Err(cx.err(name, "handles check results but names no RegistryCheck rule"));
    }
    if has(Trigger::is_review) != task.is_some() {
        return Err(
            cx.err(name, "a step has a human task exactly when it handles Approved/Rejected")
        );
    }
    if task.is_some()
        && !(on.iter().any(|t| t.trigger == Trigger::Approved)
            && on.iter().any(|t| t.trigger == Trigger::Rejected))
    {
        return Err(cx.err(name, "a human task step must handle both Approved and Rejected"));
    }
    if s.timer.is_some() != on.iter().any(|t| t.trigger == Trigger::Timeout) {
        return Err(cx.err(name, "a step has a timer exactly when it handles Timeout"));
    }
    for trig in Trigger::ALL {
        let ts: Vec<&Transition> = on.iter().filter(|t| t.trigger == trig).collect();
        if ts.len() > 1 && !guards_exhaustive(&ts) {
            return Err(cx.err(
                name,
                format!("transitions on {trig:?} are guarded but not exhaustive (add an unguarded last one)"),
            ));
        }
        if ts.len() == 1 && ts[0].guard != Guard::Always {
            return Err(cx.err(name, format!("the only transition on {trig:?} is guarded")));
        }
    }
    Ok(Step {
        name: s.name.clone(),
        task,
        rules: rule_ids,
        timer: s.timer,
        on,
        outcome: s.outcome,
        starts_sla: false,
        stops_sla: false,
    })
}

fn guards_exhaustive(ts: &[&Transition]) -> bool {
    ts.iter().any(|t| t.guard == Guard::Always)
        || ts.iter().any(|a| {
            ts.iter().any(|b| match (a.guard, b.guard) {
                (Guard::Fact(x), Guard::NotFact(y)) => x == y,
                _ => false,
            })
        })
}

fn check_graph(
    cx: &Ctx<'_>,
    steps: &[Step],
    initial: StepId,
    withdrawn: StepId,
) -> Result<(), WorkflowError> {
    let n = steps.len();
    let succ = |i: usize| -> Vec<usize> {
        let s = &steps[i];
        let mut v: Vec<usize> = s.on.iter().map(|t| usize::from(t.to.0)).collect();
        if s.outcome.is_none() {
            v.push(usize::from(withdrawn.0));
        }
        v
    };
    let mut seen = vec![false; n];
    let mut queue = VecDeque::from([usize::from(initial.0)]);
    seen[usize::from(initial.0)] = true;
    while let Some(i) = queue.pop_front() {
        for j in succ(i) {
            if !seen[j] {
                seen[j] = true;
                queue.push_back(j);
            }
        }
    }
    if let Some(i) = seen.iter().position(|s| !s) {
        return Err(cx.err(&steps[i].name, "unreachable from the initial step"));
    }
    // Every step must reach a terminal step without relying on withdrawal.
    let mut reaches = steps.iter().map(|s| s.outcome.is_some()).collect::<Vec<_>>();
    loop {
        let mut changed = false;
        for i in 0..n {
            if !reaches[i] && steps[i].on.iter().any(|t| reaches[usize::from(t.to.0)]) {
                reaches[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    if let Some(i) = reaches.iter().position(|r| !r) {
        return Err(cx.err(&steps[i].name, "no way out: cannot reach a terminal step"));
    }
    Ok(())
}
