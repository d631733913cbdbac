//! Track-and-trace: verify a case's hash chain, rebuild its state by replaying its log, and
//! verify an exported (sealed) XES or OCEL log against its seal.

use crate::case::{self, Advance, CaseId, CaseState, Hash, Input, LogEntry};
use crate::chain::{chain_hash, genesis};
use crate::definition::ServiceCatalog;
use crate::error::WorkflowError;
use crate::seal::AuditKey;
use crate::store::Case;
use crate::time::WorkCalendar;

/// Check that `log` is the complete, unaltered chain of case `id` ending in `head`.
///
/// Detects an edited entry (its hash no longer matches), a deleted, inserted or reordered
/// entry (sequence numbers and links break) and a truncated log (the last hash is not the
/// head kept apart from the log).
pub fn verify_log(id: CaseId, log: &[LogEntry], head: &Hash) -> Result<(), WorkflowError> {
    let broken = |index: usize, problem: &'static str| WorkflowError::ChainBroken {
        case: id.0,
        index,
        problem,
    };
    let mut prev = genesis(id);
    for (i, e) in log.iter().enumerate() {
        if usize::try_from(e.seq).ok() != Some(i) {
            return Err(broken(
                i,
                "sequence number out of place (deleted, inserted or reordered entry)",
            ));
        }
        if chain_hash(&prev, e) != e.hash {
            return Err(broken(i, "hash does not match the entry and its predecessor"));
        }
        prev = e.hash;
    }
    if &prev != head {
        return Err(broken(log.len(), "last hash is not the case's head (truncated log)"));
    }
    Ok(())
}

/// [`verify_log`] over a stored case, against the head in its state.
pub fn verify_chain(case: &Case) -> Result<(), WorkflowError> {
    verify_log(case.id, &case.log, &case.state.head)
}

/// Rebuild a case's state from its log alone, checking that every recomputed entry equals
/// the logged one (hash included).
pub fn replay(
    catalog: &ServiceCatalog,
    calendar: &WorkCalendar,
    id: CaseId,
    log: &[LogEntry],
) -> Result<CaseState, WorkflowError> {
    let diverged = |index: usize, problem: &'static str| WorkflowError::ReplayDiverged {
        case: id.0,
        index,
        problem,
    };
    let first = log.first().ok_or_else(|| diverged(0, "empty log"))?;
    let Input::Open { service, subject, facts } = first.input else {
        return Err(diverged(0, "first entry is not an Open"));
    };
    let def = catalog.get(service).ok_or(WorkflowError::UnknownService { service: service.0 })?;
    let mut adv = Advance::scratch();
    case::open(def, calendar, id, service, subject, facts, first.at, &mut adv);
    if &adv.entry != first {
        return Err(diverged(0, "recomputed entry differs"));
    }
    let mut state = adv.state;
    for (i, e) in log.iter().enumerate().skip(1) {
        case::advance(def, calendar, id, &state, e.input, e.at, &mut adv)
            .map_err(|_| diverged(i, "logged input is rejected by the definition"))?;
        if &adv.entry != e {
            return Err(diverged(i, "recomputed entry differs"));
        }
        state = adv.state;
    }
    Ok(state)
}

/// One event of an exported log, as read: its visible attributes and its seal, as text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SealedEvent {
    /// How to name it in findings (`event 3`, or the OCEL event id).
    pub label: String,
    /// `navbat:entry`: hex of the entry's encoding.
    pub entry: Option<String>,
    /// `navbat:chain`: hex of the entry's hash.
    pub chain: Option<String>,
    /// Timestamp as written.
    pub time: Option<String>,
    /// Activity (XES `concept:name`, OCEL event type).
    pub activity: Option<String>,
    /// Step entered.
    pub step: Option<String>,
    /// Sequence number as written.
    pub seq: Option<String>,
    /// Resource as written.
    pub resource: Option<String>,
}

/// One case of an exported log, as read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SealedCase {
    /// Its name, `case-ID`.
    pub name: String,
    /// Its service's name.
    pub service: Option<String>,
    /// `navbat:head`.
    pub head: Option<String>,
    /// `navbat:head_hmac`.
    pub head_hmac: Option<String>,
    /// Its events, in file order.
    pub events: Vec<SealedEvent>,
}

/// An exported log's seal and cases, as read from XES ([`read_sealed_xes`]) or OCEL
/// ([`read_sealed_ocel`]); checked by [`verify_sealed`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SealedLog {
    /// `navbat:merkle_root`.
    pub root: Option<String>,
    /// `navbat:merkle_root_hmac`.
    pub root_hmac: Option<String>,
    /// The cases, in file order.
    pub cases: Vec<SealedCase>,
}

/// Read a sealed XES log written by [`crate::XesWriter`] or [`crate::write_xes`]. `origin`
/// names the text in errors. Only malformed XML is an error; missing seal attributes are
/// findings of [`verify_sealed`].
pub fn read_sealed_xes(origin: &str, text: &str) -> Result<SealedLog, WorkflowError> {
    use quick_xml::events::Event as Xml;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut log = SealedLog::default();
    let (mut in_global, mut case, mut event): (bool, Option<SealedCase>, Option<SealedEvent>) =
        (false, None, None);
    let bad = |problem: String| WorkflowError::SealedLog { origin: origin.to_owned(), problem };
    loop {
        let at = reader.buffer_position();
        let ev = reader.read_event().map_err(|e| bad(format!("byte {at}: {e}")))?;
        match ev {
            Xml::Eof => break,
            Xml::Start(e) if e.name().as_ref() == b"global" => in_global = true,
            Xml::Empty(e) if e.name().as_ref() == b"global" => {}
            Xml::End(e) if e.name().as_ref() == b"global" => in_global = false,
            Xml::Start(e) if e.name().as_ref() == b"trace" => {
                case = Some(SealedCase::default());
            }
            Xml::End(e) if e.name().as_ref() == b"trace" => {
                log.cases.extend(case.take());
            }
            Xml::Start(e) if e.name().as_ref() == b"event" => {
                let n = case.as_ref().map_or(0, |c| c.events.len());
                event = Some(SealedEvent { label: format!("event {n}"), ..Default::default() });
            }
            Xml::End(e) if e.name().as_ref() == b"event" => {
                if let (Some(c), Some(ev)) = (case.as_mut(), event.take()) {
                    c.events.push(ev);
                }
            }
            Xml::Start(e) | Xml::Empty(e) if !in_global => {
                let mut key = None;
                let mut value = None;
                for a in e.attributes() {
                    let a = a.map_err(|e| bad(format!("byte {at}: {e}")))?;
                    let v = a
                        .decode_and_unescape_value(reader.decoder())
                        .map_err(|e| bad(format!("byte {at}: {e}")))?
                        .into_owned();
                    match a.key.as_ref() {
                        b"key" => key = Some(v),
                        b"value" => value = Some(v),
                        _ => {}
                    }
                }
                let (Some(key), Some(value)) = (key, value) else { continue };
                if let Some(ev) = event.as_mut() {
                    let slot = match key.as_str() {
                        "navbat:entry" => &mut ev.entry,
                        "navbat:chain" => &mut ev.chain,
                        "time:timestamp" => &mut ev.time,
                        "concept:name" => &mut ev.activity,
                        "step" => &mut ev.step,
                        "seq" => &mut ev.seq,
                        "org:resource" => &mut ev.resource,
                        _ => continue,
                    };
                    *slot = Some(value);
                } else if let Some(c) = case.as_mut() {
                    match key.as_str() {
                        "concept:name" => c.name = value,
                        "service" => c.service = Some(value),
                        "navbat:head" => c.head = Some(value),
                        "navbat:head_hmac" => c.head_hmac = Some(value),
                        _ => {}
                    }
                } else {
                    match key.as_str() {
                        "navbat:merkle_root" => log.root = Some(value),
                        "navbat:merkle_root_hmac" => log.root_hmac = Some(value),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Ok(log)
}

/// Read a sealed OCEL 2.0 JSON log written by [`crate::ocel_json`]: case objects are the
/// cases, and events are given to the case their `case` relationship names.
pub fn read_sealed_ocel(origin: &str, text: &str) -> Result<SealedLog, WorkflowError> {
    use serde_json::Value;
    let bad = |problem: String| WorkflowError::SealedLog { origin: origin.to_owned(), problem };
    let doc: Value = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    let str_of = |v: &Value| v.as_str().map(str::to_owned);
    let attr = |attrs: &Value, name: &str| {
        attrs.as_array()?.iter().find(|a| a["name"] == name).and_then(|a| str_of(&a["value"]))
    };
    let mut log = SealedLog {
        root: str_of(&doc["navbat:seal"]["merkle_root"]),
        root_hmac: str_of(&doc["navbat:seal"]["merkle_root_hmac"]),
        cases: Vec::new(),
    };
    let mut index = std::collections::HashMap::new();
    for o in doc["objects"].as_array().into_iter().flatten() {
        if o["type"] != "case" {
            continue;
        }
        let name = str_of(&o["id"]).ok_or_else(|| bad("a case object without an id".into()))?;
        index.insert(name.clone(), log.cases.len());
        log.cases.push(SealedCase {
            name,
            service: attr(&o["attributes"], "service"),
            head: attr(&o["attributes"], "navbat:head"),
            head_hmac: attr(&o["attributes"], "navbat:head_hmac"),
            events: Vec::new(),
        });
    }
    for (i, e) in doc["events"].as_array().into_iter().flatten().enumerate() {
        let label = str_of(&e["id"]).unwrap_or_else(|| format!("events[{i}]"));
        let case = e["relationships"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["qualifier"] == "case")
            .and_then(|r| r["objectId"].as_str())
            .ok_or_else(|| bad(format!("event {label} names no case")))?;
        let at = *index
            .get(case)
            .ok_or_else(|| bad(format!("event {label} names {case}, which is not an object")))?;
        let seq = label.rsplit_once('-').map(|(_, s)| s.to_owned());
        let a = &e["attributes"];
        log.cases[at].events.push(SealedEvent {
            entry: attr(a, "navbat:entry"),
            chain: attr(a, "navbat:chain"),
            time: str_of(&e["time"]),
            activity: str_of(&e["type"]),
            step: attr(a, "step"),
            seq,
            resource: attr(a, "resource"),
            label,
        });
    }
    Ok(log)
}

/// Something wrong with one case (or, with `case` empty, with the run).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditFinding {
    /// The case's name, empty for a run-level finding.
    pub case: String,
    /// The event, when one is at fault.
    pub event: Option<String>,
    /// What is wrong.
    pub problem: String,
}

impl std::fmt::Display for AuditFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.case.as_str(), &self.event) {
            ("", _) => write!(f, "run: {}", self.problem),
            (c, Some(e)) => write!(f, "{c}, {e}: {}", self.problem),
            (c, None) => write!(f, "{c}: {}", self.problem),
        }
    }
}

/// What [`verify_sealed`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditReport {
    /// Cases checked.
    pub cases: usize,
    /// Events checked.
    pub events: usize,
    /// Whether a key was given (heads and root authenticated).
    pub keyed: bool,
    /// Cases whose chain, visible attributes or head are wrong.
    pub broken: usize,
    /// Cases whose head is not authenticated: every case without a key; with one, the cases
    /// whose head HMAC is missing or wrong.
    pub unauthenticated: usize,
    /// Every problem found, case and event named.
    pub findings: Vec<AuditFinding>,
}

impl AuditReport {
    /// Whether the log verified: no finding (without a key, unauthenticated heads are not a
    /// finding; with one, they are).
    pub fn is_ok(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Check an exported log against its seal: every case's chain recomputed from the events'
/// encodings, the visible attributes against the decoded entries, each head against its
/// chain, the Merkle root against the heads; with `key`, each head's HMAC and the root's.
/// See [`crate::seal`] for what this does and does not prove.
pub fn verify_sealed(log: &SealedLog, key: Option<&AuditKey>) -> AuditReport {
    use std::collections::HashMap;
    let mut report = AuditReport { keyed: key.is_some(), ..Default::default() };
    // Step names seen, by service and step id: one name per step.
    let mut steps: HashMap<(String, u16), String> = HashMap::new();
    let mut heads: Vec<(CaseId, Hash)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for c in &log.cases {
        report.cases += 1;
        report.events += c.events.len();
        let before = report.findings.len();
        let mut find = |event: Option<&str>, problem: String| {
            report.findings.push(AuditFinding {
                case: c.name.clone(),
                event: event.map(str::to_owned),
                problem,
            });
        };
        let Some(id) = c.name.strip_prefix("case-").and_then(|n| n.parse().ok()).map(CaseId) else {
            find(None, "the case's name is not case-ID".into());
            report.broken += 1;
            report.unauthenticated += 1;
            continue;
        };
        if !seen.insert(id) {
            find(None, "the case appears twice".into());
        }
        let service = c.service.clone().unwrap_or_default();
        let mut prev = genesis(id);
        let mut chain_ok = true;
        for (i, ev) in c.events.iter().enumerate() {
            let at = Some(ev.label.as_str());
            let Some(bytes) = ev.entry.as_deref().and_then(crate::seal::from_hex) else {
                find(at, "no navbat:entry (or not hex)".into());
                chain_ok = false;
                break;
            };
            let claimed = ev.chain.as_deref().and_then(crate::seal::hash_from_hex);
            let hash = crate::seal::next_hash(&prev, &bytes);
            if claimed != Some(hash) {
                find(at, "navbat:chain does not match the entry and the previous hash".into());
                chain_ok = false;
                break;
            }
            prev = hash;
            let entry = match crate::seal::decode_entry(&bytes) {
                Ok(e) => e,
                Err(e) => {
                    find(at, format!("navbat:entry does not decode: {e}"));
                    chain_ok = false;
                    break;
                }
            };
            if usize::try_from(entry.seq).ok() != Some(i) {
                find(at, format!("sequence number {} out of place", entry.seq));
            }
            let step_key = (service.clone(), entry.to.0);
            if let Some(step) = &ev.step {
                match steps.get(&step_key) {
                    Some(known) if known != step => find(
                        at,
                        format!(
                            "step {step:?} is step {} of {service}, named {known:?} elsewhere",
                            entry.to.0
                        ),
                    ),
                    Some(_) => {}
                    None => {
                        steps.insert(step_key, step.clone());
                    }
                }
            }
            let from = steps.get(&(service.clone(), entry.from.0)).map_or("?", String::as_str);
            let want = [
                ("time", ev.time.as_deref(), entry.at.to_string()),
                ("seq", ev.seq.as_deref(), entry.seq.to_string()),
                ("resource", ev.resource.as_deref(), crate::export::resource(&entry)),
                ("activity", ev.activity.as_deref(), crate::export::activity_from(from, &entry)),
            ];
            for (what, shown, truth) in want {
                // A named task's claim is logged under its step's name (its start).
                let named_claim = what == "activity"
                    && matches!(entry.input, Input::Claim { .. })
                    && shown == Some(from);
                if shown != Some(truth.as_str()) && !named_claim {
                    find(at, format!("{what} {shown:?} differs from the sealed entry's {truth:?}"));
                }
            }
        }
        let head = c.head.as_deref().and_then(crate::seal::hash_from_hex);
        match head {
            None => find(None, "no navbat:head (or not a hash)".into()),
            Some(h) if chain_ok && h != prev => find(
                None,
                "navbat:head is not the last chain hash (events deleted or added at the end)"
                    .into(),
            ),
            Some(h) => heads.push((id, h)),
        }
        let broken = report.findings.len() > before;
        let mut authenticated = false;
        if let (Some(k), Some(h)) = (key, head) {
            let problem = match c.head_hmac.as_deref().and_then(crate::seal::hash_from_hex) {
                None => Some("no navbat:head_hmac: the head is not authenticated"),
                Some(mac) if mac != crate::seal::head_hmac(k, id, &h) => {
                    Some("navbat:head_hmac does not match the head under this key")
                }
                Some(_) => None,
            };
            match problem {
                Some(p) => report.findings.push(AuditFinding {
                    case: c.name.clone(),
                    event: None,
                    problem: p.to_owned(),
                }),
                None => authenticated = true,
            }
        }
        if broken {
            report.broken += 1;
        }
        if !authenticated {
            report.unauthenticated += 1;
        }
    }
    let mut run = |problem: String| {
        report.findings.push(AuditFinding { case: String::new(), event: None, problem });
    };
    let root = crate::seal::merkle_root(&heads);
    match log.root.as_deref().and_then(crate::seal::hash_from_hex) {
        None => run("no navbat:merkle_root (or not a hash)".into()),
        Some(r) if r != root => run(
            "navbat:merkle_root does not match the cases' heads (a case added, removed or changed)"
                .into(),
        ),
        Some(_) => {}
    }
    if let Some(k) = key {
        let claimed = log.root.as_deref().and_then(crate::seal::hash_from_hex);
        match (claimed, log.root_hmac.as_deref().and_then(crate::seal::hash_from_hex)) {
            (_, None) => run("no navbat:merkle_root_hmac: the root is not authenticated".into()),
            (Some(r), Some(mac)) if mac == crate::seal::root_hmac(k, &r) => {}
            _ => run("navbat:merkle_root_hmac does not match the root under this key".into()),
        }
    }
    report
}
