//! Readers: XES (plain or gzip, streamed with quick-xml) and OCEL 2.0 JSON, into an
//! [`EventLog`]. Errors name the file, line and column.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::error::DiscoverError;
use crate::log::{EventLog, Lifecycle, LogCase, LogEvent};
use crate::time::{Stamp, parse_iso};

/// The formats a log file may have, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// `.xes`
    Xes,
    /// `.xes.gz`
    XesGz,
    /// `.jsonocel` or `.json`: OCEL 2.0 JSON.
    OcelJson,
}

impl LogFormat {
    /// The format a file name says.
    pub fn of(path: &Path) -> Result<Self, DiscoverError> {
        let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
        if name.ends_with(".xes.gz") {
            Ok(Self::XesGz)
        } else if name.ends_with(".xes") {
            Ok(Self::Xes)
        } else if name.ends_with(".jsonocel") || name.ends_with(".json") {
            Ok(Self::OcelJson)
        } else {
            Err(DiscoverError::Format { path: path.to_owned() })
        }
    }
}

/// Read a log of any supported format, chosen by the file's name. OCEL logs take their
/// cases from the object type `case` when there is one, else from the type most events
/// relate to.
pub fn read_log(path: &Path) -> Result<EventLog, DiscoverError> {
    match LogFormat::of(path)? {
        LogFormat::Xes | LogFormat::XesGz => read_xes(path),
        LogFormat::OcelJson => read_ocel(path, None),
    }
}

fn io(path: &Path, e: &std::io::Error) -> DiscoverError {
    DiscoverError::Io { path: path.to_owned(), message: e.to_string() }
}

fn open(path: &Path) -> Result<Box<dyn BufRead>, DiscoverError> {
    let f = File::open(path).map_err(|e| io(path, &e))?;
    let gz = LogFormat::of(path).is_ok_and(|f| f == LogFormat::XesGz);
    Ok(if gz {
        Box::new(BufReader::with_capacity(1 << 16, MultiGzDecoder::new(f)))
    } else {
        Box::new(BufReader::with_capacity(1 << 16, f))
    })
}

/// Line and column (from 1) of a byte offset of the file's (decompressed) text, found by
/// reading it again: errors are rare, so the reader does not count lines as it goes.
fn line_col(path: &Path, offset: u64) -> (u64, u64) {
    let Ok(r) = open(path) else { return (0, 0) };
    let mut line = 1;
    let mut col = 1;
    // The reader's offset may sit before the white space that precedes the element: skip it.
    for (i, b) in r.bytes().enumerate() {
        let Ok(b) = b else { break };
        if i as u64 >= offset && !b.is_ascii_whitespace() {
            break;
        }
        if b == b'\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
    }
    (line, col)
}

fn syntax(path: &Path, offset: u64, message: impl Into<String>) -> DiscoverError {
    let (line, column) = line_col(path, offset);
    DiscoverError::Syntax { path: path.to_owned(), line, column, message: message.into() }
}

/// Where in the XES tree the reader is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Log,
    Trace,
    Event,
    /// Inside an attribute, a global or anything else whose children are not read.
    Skip,
}

/// The event being read.
#[derive(Default)]
struct PendingEvent {
    name: Option<String>,
    lifecycle: Option<String>,
    time: Option<Stamp>,
    resource: Option<String>,
    /// Where `<event>` began (for errors).
    at: u64,
}

/// Read an XES log (`.xes` or `.xes.gz`), streamed: memory holds the compact log only.
pub fn read_xes(path: &Path) -> Result<EventLog, DiscoverError> {
    let mut reader = Reader::from_reader(open(path)?);
    reader.config_mut().trim_text(true);
    let mut buf = Vec::new();
    let mut log = EventLog::new();
    let mut stack: Vec<Scope> = Vec::new();
    let mut case: Option<LogCase> = None;
    let mut event: Option<PendingEvent> = None;
    let mut seen_log = false;
    loop {
        let at = reader.buffer_position();
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| syntax(path, reader.error_position(), format!("XML: {e}")))?;
        let (start, empty) = match &ev {
            Event::Start(s) => (Some(s), false),
            Event::Empty(s) => (Some(s), true),
            Event::End(_) => {
                match stack.pop() {
                    Some(Scope::Event) => {
                        let (e, c) = (event.take(), case.as_mut());
                        if let (Some(e), Some(c)) = (e, c) {
                            finish_event(path, &mut log, c, e)?;
                        }
                    }
                    Some(Scope::Trace) => {
                        if let Some(mut c) = case.take() {
                            if c.id.is_empty() {
                                c.id = log.cases.len().to_string();
                            }
                            log.cases.push(c);
                        }
                    }
                    _ => {}
                }
                buf.clear();
                continue;
            }
            Event::Eof => break,
            _ => (None, false),
        };
        let Some(s) = start else {
            buf.clear();
            continue;
        };
        let tag = s.local_name();
        let tag = tag.as_ref();
        let parent = stack.last().copied();
        let scope = match (parent, tag) {
            (None, b"log") => {
                seen_log = true;
                Scope::Log
            }
            (None, _) => return Err(syntax(path, at, "an XES file starts with <log>")),
            (Some(Scope::Log), b"trace") => {
                case = Some(LogCase::default());
                Scope::Trace
            }
            (Some(Scope::Trace), b"event") => {
                event = Some(PendingEvent { at, ..PendingEvent::default() });
                Scope::Event
            }
            (Some(Scope::Trace), _) => {
                if let (Some((k, v)), Some(c)) = (attribute(path, at, s)?, case.as_mut()) {
                    if k == "concept:name" {
                        c.id = v;
                    } else {
                        c.attributes.push((k, v));
                    }
                }
                Scope::Skip
            }
            (Some(Scope::Event), _) => {
                if let (Some((k, v)), Some(e)) = (attribute(path, at, s)?, event.as_mut()) {
                    match k.as_str() {
                        "concept:name" => e.name = Some(v),
                        "lifecycle:transition" => e.lifecycle = Some(v),
                        "org:resource" => e.resource = Some(v),
                        "time:timestamp" => {
                            let t = parse_iso(&v).ok_or_else(|| {
                                syntax(
                                    path,
                                    at,
                                    format!("time:timestamp {v:?} is not an ISO 8601 date"),
                                )
                            })?;
                            e.time = Some(t);
                        }
                        _ => {}
                    }
                }
                Scope::Skip
            }
            (Some(_), _) => Scope::Skip,
        };
        if !empty {
            stack.push(scope);
        } else if scope == Scope::Event {
            // `<event/>` carries nothing: no name, no time.
            return Err(syntax(
                path,
                at,
                "an empty <event/> has no concept:name or time:timestamp",
            ));
        } else if scope == Scope::Trace
            && let Some(c) = case.take()
        {
            log.cases.push(c);
        }
        buf.clear();
    }
    if !seen_log {
        return Err(syntax(path, 0, "no <log> element: not an XES file"));
    }
    if !stack.is_empty() {
        return Err(syntax(path, reader.buffer_position(), "the file ends inside an element"));
    }
    Ok(log)
}

/// The `key` and `value` of an attribute element (`None` for a container without value).
fn attribute(
    path: &Path,
    at: u64,
    s: &BytesStart<'_>,
) -> Result<Option<(String, String)>, DiscoverError> {
    let mut key = None;
    let mut value = None;
    for a in s.attributes() {
        let a = a.map_err(|e| syntax(path, at, format!("XML attribute: {e}")))?;
        let v = a.unescape_value().map_err(|e| syntax(path, at, format!("XML attribute: {e}")))?;
        match a.key.as_ref() {
            b"key" => key = Some(v.into_owned()),
            b"value" => value = Some(v.into_owned()),
            _ => {}
        }
    }
    Ok(key.zip(value))
}

fn finish_event(
    path: &Path,
    log: &mut EventLog,
    case: &mut LogCase,
    e: PendingEvent,
) -> Result<(), DiscoverError> {
    let Some(name) = e.name else {
        return Err(syntax(path, e.at, "an <event> without concept:name"));
    };
    let Some(time) = e.time else {
        return Err(syntax(path, e.at, format!("event {name:?} has no time:timestamp")));
    };
    let lifecycle = e.lifecycle.as_deref().map_or(Lifecycle::Complete, Lifecycle::from_xes);
    let activity = log.activity_id(&name);
    let resource = e.resource.map(|r| log.resource_id(&r));
    case.events.push(LogEvent { activity, lifecycle, time, resource });
    Ok(())
}

/// Read an OCEL 2.0 JSON log; cases are the objects of type `case_type` (default: `case` if
/// present, else the type most events relate to), each case's events those related to it,
/// the activity the event's type, the resource the related object of type `resource` or
/// `officer` if any.
pub fn read_ocel(path: &Path, case_type: Option<&str>) -> Result<EventLog, DiscoverError> {
    let mut text = String::new();
    open(path)?.read_to_string(&mut text).map_err(|e| io(path, &e))?;
    let doc: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| DiscoverError::Syntax {
            path: path.to_owned(),
            line: e.line() as u64,
            column: e.column() as u64,
            message: format!("JSON: {e}"),
        })?;
    ocel_from_json(path, &text, &doc, case_type)
}

/// Line and column of the first occurrence of `needle` in `text` (for errors found after
/// parsing JSON).
fn find_in(text: &str, needle: &str) -> (u64, u64) {
    let Some(pos) = text.find(needle) else { return (0, 0) };
    let before = &text[..pos];
    let line = before.matches('\n').count() as u64 + 1;
    let column = (pos - before.rfind('\n').map_or(0, |n| n + 1)) as u64 + 1;
    (line, column)
}

fn ocel_error(path: &Path, text: &str, needle: &str, message: String) -> DiscoverError {
    let (line, column) = find_in(text, needle);
    DiscoverError::Syntax { path: PathBuf::from(path), line, column, message }
}

fn ocel_from_json(
    path: &Path,
    text: &str,
    doc: &serde_json::Value,
    case_type: Option<&str>,
) -> Result<EventLog, DiscoverError> {
    use std::collections::HashMap;
    let objects = doc
        .get("objects")
        .and_then(|o| o.as_array())
        .ok_or_else(|| ocel_error(path, text, "{", "OCEL 2.0: no \"objects\" list".to_owned()))?;
    let events = doc
        .get("events")
        .and_then(|o| o.as_array())
        .ok_or_else(|| ocel_error(path, text, "{", "OCEL 2.0: no \"events\" list".to_owned()))?;
    let mut type_of: HashMap<&str, &str> = HashMap::new();
    for o in objects {
        let (Some(id), Some(ty)) =
            (o.get("id").and_then(|v| v.as_str()), o.get("type").and_then(|v| v.as_str()))
        else {
            return Err(ocel_error(
                path,
                text,
                "\"objects\"",
                "OCEL 2.0: an object without \"id\" or \"type\"".to_owned(),
            ));
        };
        type_of.insert(id, ty);
    }
    let chosen: String = match case_type {
        Some(t) => t.to_owned(),
        None if type_of.values().any(|t| *t == "case") => "case".to_owned(),
        None => {
            let mut counts: HashMap<&str, usize> = HashMap::new();
            for e in events {
                for r in e.get("relationships").and_then(|r| r.as_array()).into_iter().flatten() {
                    if let Some(t) =
                        r.get("objectId").and_then(|v| v.as_str()).and_then(|id| type_of.get(id))
                    {
                        *counts.entry(t).or_default() += 1;
                    }
                }
            }
            let mut best: Vec<(&str, usize)> = counts.into_iter().collect();
            best.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            best.first().map(|b| b.0.to_owned()).ok_or_else(|| {
                ocel_error(
                    path,
                    text,
                    "\"events\"",
                    "OCEL 2.0: no event relates to an object".to_owned(),
                )
            })?
        }
    };
    let mut log = EventLog::new();
    let mut case_of: HashMap<&str, usize> = HashMap::new();
    for o in objects {
        let id = o.get("id").and_then(|v| v.as_str()).unwrap_or_default();
        if o.get("type").and_then(|v| v.as_str()) == Some(chosen.as_str()) {
            case_of.insert(id, log.cases.len());
            let mut attributes = Vec::new();
            for a in o.get("attributes").and_then(|a| a.as_array()).into_iter().flatten() {
                if let (Some(n), Some(v)) = (a.get("name").and_then(|v| v.as_str()), a.get("value"))
                {
                    let v = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                    attributes.push((n.to_owned(), v));
                }
            }
            log.cases.push(LogCase { id: id.to_owned(), attributes, events: Vec::new() });
        }
    }
    for e in events {
        let id = e.get("id").and_then(|v| v.as_str()).unwrap_or("?");
        let (Some(ty), Some(time)) =
            (e.get("type").and_then(|v| v.as_str()), e.get("time").and_then(|v| v.as_str()))
        else {
            return Err(ocel_error(
                path,
                text,
                &format!("\"{id}\""),
                format!("OCEL 2.0: event {id:?} without \"type\" or \"time\""),
            ));
        };
        let time = parse_iso(time).ok_or_else(|| {
            ocel_error(
                path,
                text,
                time,
                format!("OCEL 2.0: event {id:?}: time {time:?} is not an ISO 8601 date"),
            )
        })?;
        let mut cases = Vec::new();
        let mut resource = None;
        for r in e.get("relationships").and_then(|r| r.as_array()).into_iter().flatten() {
            let Some(oid) = r.get("objectId").and_then(|v| v.as_str()) else { continue };
            match type_of.get(oid).copied() {
                Some(t) if t == chosen => cases.extend(case_of.get(oid).copied()),
                Some("resource" | "officer") => resource = Some(oid),
                _ => {}
            }
        }
        if cases.is_empty() {
            continue;
        }
        let activity = log.activity_id(ty);
        let resource = resource.map(|r| log.resource_id(r));
        for c in cases {
            if let Some(case) = log.cases.get_mut(c) {
                case.events.push(LogEvent {
                    activity,
                    lifecycle: Lifecycle::Complete,
                    time,
                    resource,
                });
            }
        }
    }
    for c in &mut log.cases {
        c.events.sort_by_key(|e| e.time.utc_ms);
    }
    log.cases.retain(|c| !c.events.is_empty());
    Ok(log)
}
