//! Event-log exports for process mining: XES (IEEE 1849) and OCEL 2.0 JSON.

use std::io::Write;

use quick_xml::escape::escape;
use serde_json::{Value, json};

use crate::case::{Event, Input, LogEntry, Reason, RuleInput};
use crate::definition::{Service, ServiceCatalog, Trigger};
use crate::error::WorkflowError;
use crate::store::Case;

/// The activity name of a log entry, as process-mining tools see it.
pub fn activity(service: &Service, e: &LogEntry) -> String {
    let from = service.step_name(e.from);
    match (e.input, e.trigger) {
        (Input::Open { .. }, _) => "Open case".to_string(),
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
fn resource(e: &LogEntry) -> String {
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

fn io_err(e: std::io::Error) -> WorkflowError {
    WorkflowError::Export { message: e.to_string() }
}

fn service_of<'a>(catalog: &'a ServiceCatalog, c: &Case) -> Result<&'a Service, WorkflowError> {
    catalog.get(c.state.service).ok_or(WorkflowError::UnknownService { service: c.state.service.0 })
}

/// A streaming XES writer: the header on creation, one trace per [`XesWriter::write_case`],
/// the footer on [`XesWriter::finish`]. Lets a finished-case sink write a log of any size
/// without keeping cases in memory.
#[derive(Debug)]
pub struct XesWriter<W: Write> {
    out: W,
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

impl<W: Write> XesWriter<W> {
    /// Start a log: writes the XES header with the concept, time, lifecycle and org
    /// extensions.
    pub fn new(mut out: W) -> Result<Self, WorkflowError> {
        out.write_all(XES_HEADER.as_bytes()).map_err(io_err)?;
        Ok(XesWriter { out })
    }

    /// Write one case as a trace named by its pseudonymous case id, one event per entry.
    pub fn write_case(&mut self, catalog: &ServiceCatalog, c: &Case) -> Result<(), WorkflowError> {
        let s = service_of(catalog, c)?;
        let w = &mut self.out;
        writeln!(w, "  <trace>").map_err(io_err)?;
        writeln!(w, r#"    <string key="concept:name" value="case-{}"/>"#, c.id.0)
            .map_err(io_err)?;
        writeln!(w, r#"    <string key="service" value="{}"/>"#, escape(s.name.as_str()))
            .map_err(io_err)?;
        writeln!(w, r#"    <string key="subject" value="subject-{:016x}"/>"#, c.subject.0)
            .map_err(io_err)?;
        let resolution = c.state.resolution.map_or("open", |r| r.name());
        writeln!(w, r#"    <string key="resolution" value="{resolution}"/>"#).map_err(io_err)?;
        for e in &c.log {
            writeln!(w, "    <event>").map_err(io_err)?;
            writeln!(
                w,
                r#"      <string key="concept:name" value="{}"/>"#,
                escape(activity(s, e).as_str())
            )
            .map_err(io_err)?;
            writeln!(w, r#"      <date key="time:timestamp" value="{}"/>"#, e.at)
                .map_err(io_err)?;
            writeln!(w, r#"      <string key="lifecycle:transition" value="complete"/>"#)
                .map_err(io_err)?;
            writeln!(w, r#"      <string key="org:resource" value="{}"/>"#, resource(e))
                .map_err(io_err)?;
            writeln!(w, r#"      <string key="step" value="{}"/>"#, escape(s.step_name(e.to)))
                .map_err(io_err)?;
            writeln!(w, r#"      <int key="seq" value="{}"/>"#, e.seq).map_err(io_err)?;
            let reasons = reasons_text(s, e);
            if !reasons.is_empty() {
                writeln!(
                    w,
                    r#"      <string key="reasons" value="{}"/>"#,
                    escape(reasons.as_str())
                )
                .map_err(io_err)?;
            }
            writeln!(w, "    </event>").map_err(io_err)?;
        }
        writeln!(w, "  </trace>").map_err(io_err)?;
        Ok(())
    }

    /// Close the log and hand the writer back.
    pub fn finish(mut self) -> Result<W, WorkflowError> {
        writeln!(self.out, "</log>").map_err(io_err)?;
        self.out.flush().map_err(io_err)?;
        Ok(self.out)
    }
}

/// Write cases as one XES log (see [`XesWriter`]).
pub fn write_xes<'a, W: Write>(
    out: W,
    catalog: &ServiceCatalog,
    cases: impl IntoIterator<Item = &'a Case>,
) -> Result<(), WorkflowError> {
    let mut xes = XesWriter::new(out)?;
    for c in cases {
        xes.write_case(catalog, c)?;
    }
    xes.finish()?;
    Ok(())
}

/// Build an OCEL 2.0 JSON document: objects are cases, subjects, officers and human tasks;
/// events relate to the case, its subject, the officer and the task they touch.
pub fn ocel_json<'a>(
    catalog: &ServiceCatalog,
    cases: impl IntoIterator<Item = &'a Case>,
) -> Result<Value, WorkflowError> {
    let mut objects = Vec::new();
    let mut events = Vec::new();
    let mut event_types: Vec<String> = Vec::new();
    let mut officers: Vec<u32> = Vec::new();
    for c in cases {
        let s = service_of(catalog, c)?;
        let case_obj = format!("case-{}", c.id.0);
        let subject_obj = format!("subject-{:016x}", c.subject.0);
        let opened = c.state.opened_at.to_string();
        objects.push(json!({
            "id": case_obj,
            "type": "case",
            "attributes": [
                {"name": "service", "time": opened, "value": s.name},
                {"name": "resolution", "time": c.state.last_at.to_string(),
                 "value": c.state.resolution.map_or("open", |r| r.name())},
            ],
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
                        "attributes": [{"name": "skill", "time": e.at.to_string(), "value": skill.name()}],
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
            ]})
        })
        .collect();
    Ok(json!({
        "objectTypes": [
            {"name": "case", "attributes": [
                {"name": "service", "type": "string"},
                {"name": "resolution", "type": "string"},
            ]},
            {"name": "subject", "attributes": []},
            {"name": "officer", "attributes": []},
            {"name": "task", "attributes": [{"name": "skill", "type": "string"}]},
        ],
        "eventTypes": event_types,
        "objects": objects,
        "events": events,
    }))
}

/// Write [`ocel_json`] to a writer.
pub fn write_ocel_json<'a, W: Write>(
    out: W,
    catalog: &ServiceCatalog,
    cases: impl IntoIterator<Item = &'a Case>,
) -> Result<(), WorkflowError> {
    let doc = ocel_json(catalog, cases)?;
    serde_json::to_writer_pretty(out, &doc)
        .map_err(|e| WorkflowError::Export { message: e.to_string() })
}
