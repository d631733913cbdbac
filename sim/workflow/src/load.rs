//! Loading service definitions: raw serde/RON types, then validation into a `Service`.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde::Deserialize;

use crate::definition::{
    Deadline, Delay, Effect, Effects, Guard, ReasonCode, Resolution, Rule, RuleId, RuleKind,
    Service, ServiceCatalog, Skill, Step, StepId, TaskReasons, Transition, Trigger,
};
use crate::error::{Position, WorkflowError};
use navbat_locate::Path as TextPath;

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
    /// Named tasks: activities the service's steps name as `task` besides the built-in
    /// skills.
    #[serde(default)]
    tasks: Vec<String>,
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
    #[serde(default)]
    reasons: Option<RawTaskReasons>,
}

/// A human task's reasons: review reason names with the share of decisions giving each.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTaskReasons {
    approve: Vec<(String, f64)>,
    refuse: Vec<(String, f64)>,
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
    #[serde(default)]
    share: Option<f64>,
}

#[derive(Deserialize)]
enum RawGuard {
    Fact(String),
    NotFact(String),
}

/// Parse and validate one service definition from RON text. `origin` names the text in
/// errors (a path or any label).
pub fn parse_service(origin: &str, text: &str) -> Result<Service, WorkflowError> {
    // A UTF-8 byte-order mark is not text: positions count from after it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let raw: RawService =
        ron::Options::default().from_str(text).map_err(|e| WorkflowError::Parse {
            origin: origin.to_string(),
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        })?;
    validate(origin, text, &raw)
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

/// [`load_services`], for callers that load the same folder many times (every point of a
/// sweep, every run of a planner session): the files are read each time, and parsed only
/// when their names or bytes differ from the last few loads of that folder.
pub fn load_services_shared(dir: &Path) -> Result<Arc<ServiceCatalog>, WorkflowError> {
    /// Folders remembered; the oldest is forgotten first.
    const KEEP: usize = 4;
    type Files = Vec<(std::ffi::OsString, Vec<u8>)>;
    static LOADED: Mutex<Vec<(std::path::PathBuf, Files, Arc<ServiceCatalog>)>> =
        Mutex::new(Vec::new());
    let io = |source| WorkflowError::Io { path: dir.to_path_buf(), source };
    let mut files: Files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.extension().is_some_and(|e| e == "ron") {
            let bytes = std::fs::read(&path)
                .map_err(|source| WorkflowError::Io { path: path.clone(), source })?;
            files.push((path.file_name().unwrap_or_default().to_owned(), bytes));
        }
    }
    files.sort();
    let loaded = LOADED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, _, catalog)) = loaded.iter().find(|(d, f, _)| d == dir && *f == files) {
        return Ok(Arc::clone(catalog));
    }
    drop(loaded);
    // Parsed from the bytes just read, so what is remembered is what was checked.
    let services = files
        .iter()
        .map(|(name, bytes)| {
            let path = dir.join(name);
            let text = std::str::from_utf8(bytes).map_err(|e| WorkflowError::Io {
                path: path.clone(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
            })?;
            parse_service(&path.display().to_string(), text)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let catalog = Arc::new(ServiceCatalog::new(services)?);
    let mut loaded = LOADED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if loaded.len() == KEEP {
        loaded.remove(0);
    }
    loaded.push((dir.to_path_buf(), files, Arc::clone(&catalog)));
    Ok(catalog)
}

/// Longest deadline, in working days: ten years, past the longest horizon a scenario may
/// have, so a longer one could never be met or missed.
pub const MAX_DEADLINE_WORKING_DAYS: u32 = 3660;
/// Longest timer, in days (whatever unit it is written in): ten years, as for deadlines.
pub const MAX_TIMER_DAYS: u32 = 3660;

/// What validation knows of the text it checks, to say where a problem is.
struct Ctx<'a> {
    service: &'a str,
    origin: &'a str,
    text: &'a str,
    raw: &'a RawService,
}

impl Ctx<'_> {
    /// A problem with `step` (a step's, rule's, fact's or reason's name; `-` for the whole
    /// service), located at that item's entry in the text.
    fn err(&self, step: &str, problem: impl Into<String>) -> WorkflowError {
        let root = TextPath::default();
        let r = self.raw;
        let path = if let Some(i) = r.steps.iter().position(|s| s.name == step) {
            root.field("steps").index(i)
        } else if let Some(i) = r.rules.iter().position(|x| x.id == step) {
            root.field("rules").index(i)
        } else if let Some(i) = r.facts.iter().position(|x| x == step) {
            root.field("facts").index(i)
        } else if let Some(i) = r.review_reasons.iter().position(|x| x == step) {
            root.field("review_reasons").index(i)
        } else {
            root
        };
        self.err_at(step, &path, problem)
    }

    /// A problem with field `field` of step `step` (or of the service when `step` is `-`).
    fn err_in(&self, step: &str, field: &'static str, problem: impl Into<String>) -> WorkflowError {
        let root = TextPath::default();
        let path = match self.raw.steps.iter().position(|s| s.name == step) {
            Some(i) => root.field("steps").index(i).field(field),
            None => root.field(field),
        };
        self.err_at(step, &path, problem)
    }

    fn err_at(&self, step: &str, path: &TextPath, problem: impl Into<String>) -> WorkflowError {
        let (start, _) = navbat_locate::locate(self.text, path);
        let (line, column) = navbat_locate::line_col(self.text, start);
        WorkflowError::InvalidDefinition {
            service: self.service.to_string(),
            step: step.to_string(),
            problem: problem.into(),
            at: Some(Position { origin: self.origin.to_string(), line, column }),
        }
    }
}

fn validate(origin: &str, text: &str, raw: &RawService) -> Result<Service, WorkflowError> {
    let cx = Ctx { service: &raw.name, origin, text, raw };
    if raw.steps.is_empty() || raw.steps.len() > 4096 {
        return Err(cx.err_in("-", "steps", "a service needs 1 to 4096 steps"));
    }
    if raw.facts.len() > 16 {
        return Err(cx.err_in("-", "facts", "at most 16 facts"));
    }
    if raw.review_reasons.is_empty() {
        return Err(cx.err_in("-", "review_reasons", "a service needs at least one review reason"));
    }
    check_unique(&cx, raw.steps.iter().map(|s| s.name.as_str()), "step")?;
    check_unique(&cx, raw.rules.iter().map(|r| r.id.as_str()), "rule")?;
    check_unique(&cx, raw.facts.iter().map(String::as_str), "fact")?;
    check_unique(&cx, raw.review_reasons.iter().map(String::as_str), "reason")?;
    check_unique(&cx, raw.tasks.iter().map(String::as_str), "task")?;
    if raw.tasks.len() > 4096 {
        return Err(cx.err_in("-", "tasks", "at most 4096 named tasks"));
    }
    if let Some(t) = raw.tasks.iter().find(|t| Skill::from_name(t).is_some()) {
        return Err(cx.err_in(
            "-",
            "tasks",
            format!("`{t}` is a built-in skill, not a named task"),
        ));
    }

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
                return Err(cx.err_in(
                    "-",
                    "deadline",
                    "deadline at_risk_fraction must be in (0, 1]",
                ));
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
            for n in std::iter::once(d.working_days).chain(d.overrides.iter().map(|o| o.1)) {
                if n > MAX_DEADLINE_WORKING_DAYS {
                    return Err(cx.err_in(
                        "-",
                        "deadline",
                        format!("a deadline of {n} working days is longer than the {MAX_DEADLINE_WORKING_DAYS} allowed"),
                    ));
                }
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
    check_zero_delay_loops(&cx, &steps)?;
    Ok(Service {
        name: raw.name.clone(),
        title: raw.title.clone(),
        facts: raw.facts.clone(),
        deadline,
        rules,
        review_reasons: raw.review_reasons.clone(),
        tasks: raw.tasks.clone(),
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
        Some(t) => Some(
            Skill::from_name(t)
                .or_else(|| {
                    cx.raw.tasks.iter().position(|x| x == t).map(|i| Skill::Named(i as u16))
                })
                .ok_or_else(|| {
                    cx.err_in(
                        name,
                        "task",
                        format!("unknown skill `{t}` (nor a named task of `tasks`)"),
                    )
                })?,
        ),
    };
    let review_reasons = &cx.raw.review_reasons;
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
        if t.share.is_some() != (t.on == Trigger::Done) {
            return Err(cx.err(name, "a transition has a share exactly when it is on Done"));
        }
        if let Some(share) = t.share
            && !(share.is_finite() && share > 0.0 && share <= 1.0)
        {
            return Err(cx.err(name, format!("a Done share of {share} is not in (0, 1]")));
        }
        if t.on == Trigger::Done && guard != Guard::Always {
            return Err(cx.err(name, "Done transitions branch by share, not by facts"));
        }
        let to = step_of(name, &t.to)?;
        on.push(Transition { trigger: t.on, guard, to, effects, share: t.share });
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
    let named = task.is_some_and(Skill::is_named);
    let done: Vec<f64> = on.iter().filter_map(|t| t.share).collect();
    if named {
        if has(Trigger::is_review) || done.is_empty() {
            return Err(cx.err(name, "a named task step handles Done, not Approved/Rejected"));
        }
        let total: f64 = done.iter().sum();
        if done.len() > usize::from(u8::MAX) + 1 || (total - 1.0).abs() > 1e-6 {
            return Err(cx.err(
                name,
                format!("the Done shares sum to {total}, not 1 (at most 256 branches)"),
            ));
        }
        if s.reasons.is_some() {
            return Err(cx.err(name, "a named task gives no review reasons"));
        }
    } else if !done.is_empty() {
        return Err(cx.err(name, "only a named task step handles Done"));
    }
    if !named && has(Trigger::is_review) != task.is_some() {
        return Err(
            cx.err(name, "a step has a human task exactly when it handles Approved/Rejected")
        );
    }
    if task.is_some()
        && !named
        && !(on.iter().any(|t| t.trigger == Trigger::Approved)
            && on.iter().any(|t| t.trigger == Trigger::Rejected))
    {
        return Err(cx.err(name, "a human task step must handle both Approved and Rejected"));
    }
    if s.timer.is_some() != on.iter().any(|t| t.trigger == Trigger::Timeout) {
        return Err(cx.err(name, "a step has a timer exactly when it handles Timeout"));
    }
    if let Some(timer) = s.timer {
        check_timer(cx, name, timer)?;
    }
    let reasons = match &s.reasons {
        None => None,
        Some(_) if task.is_none() => {
            return Err(cx.err(name, "only a human task step gives review reasons"));
        }
        Some(r) => Some(TaskReasons {
            approve: task_reasons(cx, name, "approve", &r.approve, review_reasons)?,
            refuse: task_reasons(cx, name, "refuse", &r.refuse, review_reasons)?,
        }),
    };
    for trig in Trigger::ALL.into_iter().filter(|t| *t != Trigger::Done) {
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
        reasons,
    })
}

/// One side of a task's reasons: every name among the service's `review_reasons`, every
/// share finite and above 0, the shares summing to 1.
fn task_reasons(
    cx: &Ctx<'_>,
    step: &str,
    side: &str,
    raw: &[(String, f64)],
    review_reasons: &[String],
) -> Result<Vec<(ReasonCode, f64)>, WorkflowError> {
    if raw.is_empty() {
        return Err(cx.err(step, format!("`{side}` needs at least one reason")));
    }
    let mut out = Vec::with_capacity(raw.len());
    for (reason, share) in raw {
        let Some(i) = review_reasons.iter().position(|r| r == reason) else {
            return Err(cx.err(step, format!("`{side}` names `{reason}`, not a review reason")));
        };
        if !(share.is_finite() && *share > 0.0 && *share <= 1.0) {
            return Err(
                cx.err(step, format!("`{side}` share of `{reason}` is {share}, not in (0, 1]"))
            );
        }
        let code = u16::try_from(i).map_err(|_| cx.err(step, "too many review reasons"))?;
        out.push((ReasonCode(code), *share));
    }
    let total: f64 = out.iter().map(|r| r.1).sum();
    if (total - 1.0).abs() > 1e-6 {
        return Err(cx.err(step, format!("`{side}` shares sum to {total}, not 1")));
    }
    Ok(out)
}

/// Checks a timer is at most [`MAX_TIMER_DAYS`] long.
fn check_timer(cx: &Ctx<'_>, step: &str, timer: Delay) -> Result<(), WorkflowError> {
    let days = u64::from(MAX_TIMER_DAYS);
    let (n, max, unit) = match timer {
        Delay::Minutes(n) => (n, days * 24 * 60, "minutes"),
        Delay::Hours(n) => (n, days * 24, "hours"),
        Delay::Days(n) => (n, days, "days"),
        Delay::WorkingDays(n) => (n, days, "working days"),
    };
    if u64::from(n) > max {
        return Err(cx.err_in(
            step,
            "timer",
            format!("a timer of {n} {unit} is longer than {max} {unit} ({MAX_TIMER_DAYS} days)"),
        ));
    }
    Ok(())
}

/// Whether a timer fires at the very instant its step is entered.
fn is_zero_delay(timer: Option<Delay>) -> bool {
    matches!(timer, Some(Delay::Minutes(0) | Delay::Hours(0) | Delay::Days(0)))
}

/// Refuses a cycle of timeouts that all fire at once (a zero timer whose timeout leads back
/// to its own step, or round a loop of such steps): a case there would loop for ever
/// without time passing.
fn check_zero_delay_loops(cx: &Ctx<'_>, steps: &[Step]) -> Result<(), WorkflowError> {
    // The zero-delay graph: an edge for each Timeout transition of a zero-timer step. Peel
    // off the steps with no edge left to a step still in the graph; what remains is on (or
    // leads into) a cycle.
    let n = steps.len();
    let edges = |i: usize| -> Vec<usize> {
        if !is_zero_delay(steps[i].timer) {
            return Vec::new();
        }
        steps[i]
            .on
            .iter()
            .filter(|t| t.trigger == Trigger::Timeout)
            .map(|t| usize::from(t.to.0))
            .collect()
    };
    let mut out: Vec<usize> = (0..n).map(|i| edges(i).len()).collect();
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in 0..n {
        for j in edges(i) {
            preds[j].push(i);
        }
    }
    let mut done: Vec<usize> = (0..n).filter(|&i| out[i] == 0).collect();
    let mut removed = vec![false; n];
    while let Some(j) = done.pop() {
        removed[j] = true;
        for &i in &preds[j] {
            out[i] -= 1;
            if out[i] == 0 {
                done.push(i);
            }
        }
    }
    match removed.iter().position(|r| !r) {
        None => Ok(()),
        Some(i) => Err(cx.err(
            &steps[i].name,
            "zero-delay timers lead from here round a loop of zero-delay timeouts: a case would loop for ever without time passing",
        )),
    }
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
