//! Event-log exports for process mining: XES (IEEE 1849) and OCEL 2.0 JSON.

use std::io::{Seek, SeekFrom, Write};

use quick_xml::escape::escape;
use serde_json::{Value, json};

use crate::case::{Event, Hash, Input, LogEntry, Reason, RuleInput};
use crate::definition::{Service, ServiceCatalog, Trigger};
use crate::error::WorkflowError;
use crate::seal::{self, AuditKey, CaseHead, RunSeal};
use crate::store::Case;

/// The activity name of a log entry, as process-mining tools see it. A named task is logged
/// under its step's name: started when claimed ([`lifecycle`] `start`), completed when done.
pub fn activity(service: &Service, e: &LogEntry) -> String {
    let from = service.step_name(e.from);
    if named_claim(service, e) { from.to_string() } else { activity_from(from, e) }
}

/// The XES `lifecycle:transition` of a log entry: `start` for the claim of a named task,
/// `complete` for everything else.
pub fn lifecycle(service: &Service, e: &LogEntry) -> &'static str {
    if named_claim(service, e) { "start" } else { "complete" }
}

/// Whether `e` claims a named task (the start of the activity).
fn named_claim(service: &Service, e: &LogEntry) -> bool {
    matches!(e.input, Input::Claim { .. })
        && service.step(e.from).and_then(|s| s.task).is_some_and(crate::Skill::is_named)
}

/// [`activity`], given the name of the step the entry left; a claim is `Claim task: STEP`
/// (a named task's claim, which [`activity`] names `STEP`, is told apart by the caller).
pub(crate) fn activity_from(from: &str, e: &LogEntry) -> String {
    match (e.input, e.trigger) {
        (Input::Open { .. }, _) => "Open case".to_string(),
        (_, Some(Trigger::Done)) => from.to_string(),
        (Input::Claim { .. }, _) => format!("Claim task: {from}"),
        (Input::Release, _) => format!("Release task: {from}"),
        (Input::Event(Event::Withdrawn), _) => "Withdraw".to_string(),
        (_, Some(t @ (Trigger::Approved | Trigger::Rejected | Trigger::Timeout))) => {
            format!("{from}: {}", t.label())
        }
        (_, Some(t)) => t.label().to_string(),
        (_, None) => "Unknown".to_string(),
    }
}

/// Who did it: an officer, the applicant, a third party or the system.
pub(crate) fn resource(e: &LogEntry) -> String {
    match e.input {
        Input::Claim { officer } => format!("officer-{}", officer.0),
        Input::Event(Event::Reviewed(r)) => format!("officer-{}", r.officer.0),
        Input::Open { .. }
        | Input::Event(
            Event::Captured | Event::Paid | Event::Collected | Event::Appealed | Event::Withdrawn,
        ) => "applicant".to_string(),
        Input::Event(Event::ConsentGiven | Event::ConsentRefused | Event::ConsentTimedOut) => {
            "e-rozilik".to_string()
        }
        Input::Release | Input::TimerFired | Input::Event(_) => "system".to_string(),
    }
}

/// Reasons as text: `rule.input=observed/threshold` or `reason:code-name`.
pub fn reasons_text(service: &Service, e: &LogEntry) -> String {
    let mut parts = Vec::new();
    for r in e.reasons.iter() {
        match *r {
            Reason::Rule { rule, input, observed, threshold } => {
                let id = service.rules.get(usize::from(rule.0)).map_or("?", |x| x.id.as_str());
                let what = match input {
                    RuleInput::VerifyScore => "verify_score",
                    RuleInput::Liveness => "liveness",
                    RuleInput::CandidateScore => "candidate_score",
                    RuleInput::CheckResult => "check_result",
                };
                parts.push(format!("{id}.{what}={observed:.4}/{threshold:.4}"));
            }
            Reason::Review { code } => {
                let name =
                    service.review_reasons.get(usize::from(code.0)).map_or("?", String::as_str);
                parts.push(format!("reason:{name}"));
            }
        }
    }
    parts.join("; ")
}

/// A skill's name as a service knows it (a named task's own name).
fn skill_name(s: &Service, skill: crate::Skill) -> &str {
    match skill {
        crate::Skill::Named(i) => s.tasks.get(usize::from(i)).map_or("?", String::as_str),
        other => other.name(),
    }
}

fn io_err(e: std::io::Error) -> WorkflowError {
    WorkflowError::Export { message: e.to_string() }
}

fn service_of<'a>(catalog: &'a ServiceCatalog, c: &Case) -> Result<&'a Service, WorkflowError> {
    catalog.get(c.state.service).ok_or(WorkflowError::UnknownService { service: c.state.service.0 })
}

/// A streaming XES writer: the header on creation, one trace per [`XesWriter::write_case`],
/// the footer on [`XesWriter::finish`]. Lets a finished-case sink write a log of any size
/// without keeping cases in memory (only each case's head, for the run's seal).
///
/// The log is sealed (see [`crate::seal`]'s overview): every event carries `navbat:entry`
/// and `navbat:chain`, every trace `navbat:head` (and `navbat:head_hmac` with a key), and the
/// header `navbat:merkle_root` (and `navbat:merkle_root_hmac`). The root is known only once
/// every case is written, so the header holds a placeholder of the same length that
/// [`XesWriter::finish`] overwrites: hence `Seek`.
#[derive(Debug)]
pub struct XesWriter<W: Write + Seek> {
    out: W,
    key: Option<AuditKey>,
    heads: Vec<CaseHead>,
    /// Where the seal lines start.
    seal_at: u64,
}

const XES_HEADER: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <global scope="trace">
    <string key="concept:name" value="UNKNOWN"/>
  </global>
  <global scope="event">
    <string key="concept:name" value="UNKNOWN"/>
    <date key="time:timestamp" value="1970-01-01T00:00:00.000+05:00"/>
    <string key="lifecycle:transition" value="complete"/>
    <string key="org:resource" value="UNKNOWN"/>
  </global>
  <classifier name="Activity" keys="concept:name"/>
  <string key="concept:name" value="navbat case log"/>
"#;

/// The header's seal lines: the root, and its HMAC or (without a key) a comment of the same
/// length, so that the placeholder and the final lines have one length.
fn seal_lines(root: &Hash, hmac: Option<&Hash>) -> String {
    let root_line =
        format!("  <string key=\"navbat:merkle_root\" value=\"{}\"/>\n", seal::to_hex(root));
    let hmac_line = match hmac {
        Some(h) => {
            format!("  <string key=\"navbat:merkle_root_hmac\" value=\"{}\"/>\n", seal::to_hex(h))
        }
        None => {
            let width = "  <string key=\"navbat:merkle_root_hmac\" value=\"\"/>".len() + 64;
            let text = "  <!-- navbat:merkle_root_hmac: none (sealed without a key)";
            format!("{text}{:pad$}-->\n", "", pad = width - text.len() - 3)
        }
    };
    root_line + &hmac_line
}

/// One case as a trace, sealed; returns its head.
fn write_trace<W: Write>(
    w: &mut W,
    s: &Service,
    c: &Case,
    key: Option<&AuditKey>,
) -> Result<CaseHead, WorkflowError> {
    let head = CaseHead::new(c.id, &s.name, c.state.head, key);
    writeln!(w, "  <trace>").map_err(io_err)?;
    writeln!(w, r#"    <string key="concept:name" value="case-{}"/>"#, c.id.0).map_err(io_err)?;
    writeln!(w, r#"    <string key="service" value="{}"/>"#, escape(s.name.as_str()))
        .map_err(io_err)?;
    writeln!(w, r#"    <string key="subject" value="subject-{:016x}"/>"#, c.subject.0)
        .map_err(io_err)?;
    let resolution = c.state.resolution.map_or("open", |r| r.name());
    writeln!(w, r#"    <string key="resolution" value="{resolution}"/>"#).map_err(io_err)?;
    writeln!(w, r#"    <string key="navbat:head" value="{}"/>"#, seal::to_hex(&head.head))
        .map_err(io_err)?;
    if let Some(h) = &head.hmac {
        writeln!(w, r#"    <string key="navbat:head_hmac" value="{}"/>"#, seal::to_hex(h))
            .map_err(io_err)?;
    }
    for e in &c.log {
        writeln!(w, "    <event>").map_err(io_err)?;
        writeln!(
            w,
            r#"      <string key="concept:name" value="{}"/>"#,
            escape(activity(s, e).as_str())
        )
        .map_err(io_err)?;
        writeln!(w, r#"      <date key="time:timestamp" value="{}"/>"#, e.at).map_err(io_err)?;
        writeln!(w, r#"      <string key="lifecycle:transition" value="{}"/>"#, lifecycle(s, e))
            .map_err(io_err)?;
        writeln!(w, r#"      <string key="org:resource" value="{}"/>"#, resource(e))
            .map_err(io_err)?;
        writeln!(w, r#"      <string key="step" value="{}"/>"#, escape(s.step_name(e.to)))
            .map_err(io_err)?;
        writeln!(w, r#"      <int key="seq" value="{}"/>"#, e.seq).map_err(io_err)?;
        let reasons = reasons_text(s, e);
        if !reasons.is_empty() {
            writeln!(w, r#"      <string key="reasons" value="{}"/>"#, escape(reasons.as_str()))
                .map_err(io_err)?;
        }
        writeln!(
            w,
            r#"      <string key="navbat:entry" value="{}"/>"#,
            seal::to_hex(&seal::entry_encoding(e))
        )
        .map_err(io_err)?;
        writeln!(w, r#"      <string key="navbat:chain" value="{}"/>"#, seal::to_hex(&e.hash))
            .map_err(io_err)?;
        writeln!(w, "    </event>").map_err(io_err)?;
    }
    writeln!(w, "  </trace>").map_err(io_err)?;
    Ok(head)
}

impl<W: Write + Seek> XesWriter<W> {
    /// Start a log: writes the XES header with the concept, time, lifecycle and org
    /// extensions, and a placeholder for the run's seal. With `key`, heads and the root are
    /// authenticated.
    pub fn new(mut out: W, key: Option<AuditKey>) -> Result<Self, WorkflowError> {
        out.write_all(XES_HEADER.as_bytes()).map_err(io_err)?;
        let seal_at = out.stream_position().map_err(io_err)?;
        let placeholder = seal_lines(&[0; 32], key.as_ref().map(|_| &[0; 32]));
        out.write_all(placeholder.as_bytes()).map_err(io_err)?;
        Ok(XesWriter { out, key, heads: Vec::new(), seal_at })
    }

    /// Write one case as a trace named by its pseudonymous case id, one event per entry.
    pub fn write_case(&mut self, catalog: &ServiceCatalog, c: &Case) -> Result<(), WorkflowError> {
        let s = service_of(catalog, c)?;
        let head = write_trace(&mut self.out, s, c, self.key.as_ref())?;
        self.heads.push(head);
        Ok(())
    }

    /// Close the log, write the run's seal into the header, and hand the writer back with
    /// the seal (for the heads file).
    pub fn finish(mut self) -> Result<(W, RunSeal), WorkflowError> {
        writeln!(self.out, "</log>").map_err(io_err)?;
        let seal = RunSeal::new(std::mem::take(&mut self.heads), self.key.as_ref());
        let end = self.out.stream_position().map_err(io_err)?;
        self.out.seek(SeekFrom::Start(self.seal_at)).map_err(io_err)?;
        let lines = seal_lines(&seal.root, seal.root_hmac.as_ref());
        self.out.write_all(lines.as_bytes()).map_err(io_err)?;
        self.out.seek(SeekFrom::Start(end)).map_err(io_err)?;
        self.out.flush().map_err(io_err)?;
        Ok((self.out, seal))
    }
}

/// The seal of some cases: their heads (authenticated with `key`) and Merkle root.
pub fn seal_cases<'a>(
    catalog: &ServiceCatalog,
    cases: impl IntoIterator<Item = &'a Case>,
    key: Option<&AuditKey>,
) -> Result<RunSeal, WorkflowError> {
    let mut heads = Vec::new();
    for c in cases {
        let s = service_of(catalog, c)?;
        heads.push(CaseHead::new(c.id, &s.name, c.state.head, key));
    }
    Ok(RunSeal::new(heads, key))
}

/// Write cases as one sealed XES log (see [`XesWriter`]; no `Seek` needed, as the cases are
/// all at hand). Returns the run's seal.
pub fn write_xes<'a, W: Write>(
    mut out: W,
    catalog: &ServiceCatalog,
    cases: impl IntoIterator<Item = &'a Case>,
    key: Option<&AuditKey>,
) -> Result<RunSeal, WorkflowError> {
    let cases: Vec<&Case> = cases.into_iter().collect();
    let seal = seal_cases(catalog, cases.iter().copied(), key)?;
    out.write_all(XES_HEADER.as_bytes()).map_err(io_err)?;
    out.write_all(seal_lines(&seal.root, seal.root_hmac.as_ref()).as_bytes()).map_err(io_err)?;
    for c in cases {
        write_trace(&mut out, service_of(catalog, c)?, c, key)?;
    }
    writeln!(out, "</log>").map_err(io_err)?;
    out.flush().map_err(io_err)?;
    Ok(seal)
}

/// Build an OCEL 2.0 JSON document: objects are cases, subjects, officers and human tasks;
/// events relate to the case, its subject, the officer and the task they touch.
///
/// Sealed like the XES log (see [`crate::seal`]): events carry `navbat:entry` and
/// `navbat:chain` attributes, case objects `navbat:head` (and `navbat:head_hmac` with a key),
/// and a top-level `navbat:seal` object holds `merkle_root`, `merkle_root_hmac` (null without
/// a key) and `cases`.
pub fn ocel_json<'a>(
    catalog: &ServiceCatalog,
    cases: impl IntoIterator<Item = &'a Case>,
    key: Option<&AuditKey>,
) -> Result<Value, WorkflowError> {
    let mut heads = Vec::new();
    let mut objects = Vec::new();
    let mut events = Vec::new();
    let mut event_types: Vec<String> = Vec::new();
    let mut officers: Vec<u32> = Vec::new();
    for c in cases {
        let s = service_of(catalog, c)?;
        let case_obj = format!("case-{}", c.id.0);
        let subject_obj = format!("subject-{:016x}", c.subject.0);
        let opened = c.state.opened_at.to_string();
        let last = c.state.last_at.to_string();
        let head = CaseHead::new(c.id, &s.name, c.state.head, key);
        let mut attributes = vec![
            json!({"name": "service", "time": opened, "value": s.name}),
            json!({"name": "resolution", "time": last,
                   "value": c.state.resolution.map_or("open", |r| r.name())}),
            json!({"name": "navbat:head", "time": last, "value": seal::to_hex(&head.head)}),
        ];
        if let Some(h) = &head.hmac {
            attributes
                .push(json!({"name": "navbat:head_hmac", "time": last, "value": seal::to_hex(h)}));
        }
        heads.push(head);
        objects.push(json!({
            "id": case_obj,
            "type": "case",
            "attributes": attributes,
            "relationships": [{"objectId": subject_obj, "qualifier": "applicant"}],
        }));
        objects.push(json!({
            "id": subject_obj, "type": "subject", "attributes": [], "relationships": [],
        }));
        let mut task_obj: Option<String> = None;
        for e in &c.log {
            let act = activity(s, e);
            if !event_types.contains(&act) {
                event_types.push(act.clone());
            }
            let mut rel = vec![
                json!({"objectId": case_obj, "qualifier": "case"}),
                json!({"objectId": subject_obj, "qualifier": "applicant"}),
            ];
            let officer = match e.input {
                Input::Claim { officer } => Some(officer.0),
                Input::Event(Event::Reviewed(r)) => Some(r.officer.0),
                _ => None,
            };
            if let Some(o) = officer {
                if !officers.contains(&o) {
                    officers.push(o);
                }
                rel.push(json!({"objectId": format!("officer-{o}"), "qualifier": "officer"}));
            }
            if let Some(t) = &task_obj {
                rel.push(json!({"objectId": t, "qualifier": "task"}));
            }
            // The task opened on entering `to` (a new task object), if any.
            let to_step = s.step(e.to);
            let opens_task =
                e.from != e.to || matches!(e.input, Input::Open { .. }) || e.trigger.is_some();
            task_obj = match (to_step.and_then(|st| st.task), opens_task) {
                (Some(skill), true) => {
                    let id = format!("task-{}-{}", c.id.0, e.seq);
                    objects.push(json!({
                        "id": id, "type": "task",
                        "attributes": [{"name": "skill", "time": e.at.to_string(), "value": skill_name(s, skill)}],
                        "relationships": [{"objectId": case_obj, "qualifier": "of case"}],
                    }));
                    rel.push(json!({"objectId": id, "qualifier": "opens task"}));
                    Some(id)
                }
                (Some(_), false) => task_obj,
                (None, _) => None,
            };
            events.push(json!({
                "id": format!("e-{}-{}", c.id.0, e.seq),
                "type": act,
                "time": e.at.to_string(),
                "attributes": [
                    {"name": "step", "value": s.step_name(e.to)},
                    {"name": "resource", "value": resource(e)},
                    {"name": "reasons", "value": reasons_text(s, e)},
                    {"name": "navbat:entry", "value": seal::to_hex(&seal::entry_encoding(e))},
                    {"name": "navbat:chain", "value": seal::to_hex(&e.hash)},
                ],
                "relationships": rel,
            }));
        }
    }
    officers.sort_unstable();
    for o in officers {
        objects.push(json!({
            "id": format!("officer-{o}"), "type": "officer", "attributes": [], "relationships": [],
        }));
    }
    let event_types: Vec<Value> = event_types
        .iter()
        .map(|n| {
            json!({"name": n, "attributes": [
                {"name": "step", "type": "string"},
                {"name": "resource", "type": "string"},
                {"name": "reasons", "type": "string"},
                {"name": "navbat:entry", "type": "string"},
                {"name": "navbat:chain", "type": "string"},
            ]})
        })
        .collect();
    let run = RunSeal::new(heads, key);
    Ok(json!({
        "objectTypes": [
            {"name": "case", "attributes": [
                {"name": "service", "type": "string"},
                {"name": "resolution", "type": "string"},
                {"name": "navbat:head", "type": "string"},
                {"name": "navbat:head_hmac", "type": "string"},
            ]},
            {"name": "subject", "attributes": []},
            {"name": "officer", "attributes": []},
            {"name": "task", "attributes": [{"name": "skill", "type": "string"}]},
        ],
        "eventTypes": event_types,
        "objects": objects,
        "events": events,
        "navbat:seal": {
            "merkle_root": seal::to_hex(&run.root),
            "merkle_root_hmac": run.root_hmac.as_ref().map(|h| seal::to_hex(h)),
            "cases": run.heads.len(),
        },
    }))
}

/// Write [`ocel_json`] to a writer; returns the run's seal (for the heads file).
pub fn write_ocel_json<'a, W: Write>(
    out: W,
    catalog: &ServiceCatalog,
    cases: impl IntoIterator<Item = &'a Case>,
    key: Option<&AuditKey>,
) -> Result<RunSeal, WorkflowError> {
    let cases: Vec<&Case> = cases.into_iter().collect();
    let doc = ocel_json(catalog, cases.iter().copied(), key)?;
    serde_json::to_writer_pretty(out, &doc)
        .map_err(|e| WorkflowError::Export { message: e.to_string() })?;
    seal_cases(catalog, cases, key)
}
