//! XES and OCEL 2.0 exports: structure and required attributes.

use std::collections::BTreeSet;

use navbat_workflow::{Case, StoreConfig, ocel_json, write_xes};
use quick_xml::events::Event as Xml;

use crate::drive::{catalog, drive, path_to, store};

/// One case per terminal step of every service, in one store.
pub(crate) fn many_cases() -> navbat_workflow::CaseStore {
    let c = catalog();
    let mut st = store(StoreConfig::default());
    let mut subject = 0;
    for (sid, s) in c.iter() {
        for (ti, step) in s.steps.iter().enumerate() {
            if step.outcome.is_none() {
                continue;
            }
            let target = navbat_workflow::StepId(ti as u16);
            if let Some(path) = path_to(s, Default::default(), target)
                && !path.contains(&crate::drive::Action::Fire(navbat_workflow::Trigger::Timeout))
            {
                subject += 1;
                drive(&mut st, sid, Default::default(), subject, &path).expect("drive");
            }
        }
    }
    st
}

#[test]
fn xes_has_the_standard_extensions_and_attributes() {
    let st = many_cases();
    let cases: Vec<&Case> = st.cases().collect();
    assert!(cases.len() >= 20, "{}", cases.len());
    let mut out = Vec::new();
    write_xes(&mut out, st.catalog(), cases.iter().copied(), None).expect("xes");
    let text = String::from_utf8(out).expect("utf8");
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut extensions = BTreeSet::new();
    let (mut traces, mut events, mut depth_event) = (0, 0, false);
    let mut keys_in_event: BTreeSet<String> = BTreeSet::new();
    let mut root = String::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Xml::Eof => break,
            Xml::Start(e) | Xml::Empty(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).to_string();
                let attr = |k: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == k.as_bytes())
                        .map(|a| String::from_utf8_lossy(&a.value).to_string())
                };
                match name.as_str() {
                    "log" => root = attr("xes.version").unwrap_or_default(),
                    "extension" => {
                        extensions.insert(attr("prefix").unwrap_or_default());
                    }
                    "trace" => traces += 1,
                    "event" => {
                        events += 1;
                        depth_event = true;
                        keys_in_event.clear();
                    }
                    _ if depth_event => {
                        let key = attr("key").unwrap_or_default();
                        if key == "time:timestamp" {
                            let v = attr("value").unwrap_or_default();
                            assert!(v.ends_with("+05:00") && v.len() == 29, "{v}");
                        }
                        if key == "concept:name" {
                            assert!(!attr("value").unwrap_or_default().is_empty());
                        }
                        keys_in_event.insert(key);
                    }
                    _ => {}
                }
            }
            Xml::End(e) if e.name().as_ref() == b"event" => {
                depth_event = false;
                for k in ["concept:name", "time:timestamp", "lifecycle:transition", "org:resource"]
                {
                    assert!(keys_in_event.contains(k), "event without {k}");
                }
            }
            _ => {}
        }
    }
    assert_eq!(root, "1.0");
    assert_eq!(extensions, ["concept", "lifecycle", "org", "time"].map(String::from).into());
    assert_eq!(traces, cases.len());
    assert_eq!(events, cases.iter().map(|c| c.log.len()).sum::<usize>());
}

#[test]
fn ocel_has_the_required_sections_and_consistent_references() {
    let st = many_cases();
    let doc = ocel_json(st.catalog(), st.cases(), None).expect("ocel");
    let arr = |k: &str| doc[k].as_array().cloned().unwrap_or_default();
    let object_types: BTreeSet<String> =
        arr("objectTypes").iter().filter_map(|t| t["name"].as_str().map(String::from)).collect();
    let event_types: BTreeSet<String> =
        arr("eventTypes").iter().filter_map(|t| t["name"].as_str().map(String::from)).collect();
    assert!(object_types.contains("case") && object_types.contains("officer"));
    let mut object_ids = BTreeSet::new();
    for o in arr("objects") {
        let id = o["id"].as_str().expect("object id").to_string();
        assert!(object_ids.insert(id), "object ids are unique");
        assert!(object_types.contains(o["type"].as_str().expect("type")));
        for a in o["attributes"].as_array().expect("attributes") {
            assert!(a["name"].is_string() && a["time"].is_string() && !a["value"].is_null());
        }
    }
    let mut event_ids = BTreeSet::new();
    let events = arr("events");
    assert_eq!(events.len(), st.cases().map(|c| c.log.len()).sum::<usize>());
    let mut officer_links = 0;
    for e in &events {
        assert!(event_ids.insert(e["id"].as_str().expect("event id").to_string()));
        assert!(event_types.contains(e["type"].as_str().expect("event type")));
        let time = e["time"].as_str().expect("time");
        assert!(time.ends_with("+05:00"), "{time}");
        assert!(e["attributes"].is_array());
        for r in e["relationships"].as_array().expect("relationships") {
            let target = r["objectId"].as_str().expect("objectId");
            assert!(object_ids.contains(target), "dangling {target}");
            assert!(r["qualifier"].is_string());
            officer_links += usize::from(target.starts_with("officer-"));
        }
    }
    assert!(officer_links > 0);
}

#[test]
fn a_sink_can_stream_finished_cases_as_xes() {
    use std::sync::{Arc, Mutex};

    use navbat_workflow::{Retention, XesWriter};

    let c = catalog();
    let xes = Arc::new(Mutex::new(Some(
        XesWriter::new(std::io::Cursor::new(Vec::new()), None).expect("header"),
    )));
    let sink_xes = Arc::clone(&xes);
    let mut st = store(StoreConfig { record_log: true, retention: Retention::Evict });
    let sink_catalog = st.shared_catalog();
    st.set_finished_sink(Box::new(move |case| {
        if let Ok(mut guard) = sink_xes.lock()
            && let Some(w) = guard.as_mut()
        {
            w.write_case(&sink_catalog, &case).expect("trace");
        }
    }));
    let mut expected_events = 0;
    for (sid, s) in c.iter() {
        let target = s.step_id("withdrawn").expect("withdrawn step");
        let path = path_to(s, Default::default(), target).expect("path");
        expected_events += path.len() + 1;
        drive(&mut st, sid, Default::default(), 9, &path).expect("drive");
    }
    assert_eq!(st.cases().count(), 0, "all evicted");
    let writer = xes.lock().expect("lock").take().expect("writer");
    let (out, seal) = writer.finish().expect("footer");
    assert_eq!(seal.heads.len(), c.len());
    let text = String::from_utf8(out.into_inner()).expect("utf8");
    assert_eq!(text.matches("<trace>").count(), c.len());
    assert_eq!(text.matches("<event>").count(), expected_events);
    assert!(text.trim_end().ends_with("</log>"));
}
