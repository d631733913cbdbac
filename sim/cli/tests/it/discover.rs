//! `navbat discover`: a small log's successions, roles and the list of what was not learned
//! land in `discovery.json`; a bad threshold is refused.

use crate::{navbat, stderr};

const LOG: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <trace><string key="concept:name" value="1"/>
    <event><string key="concept:name" value="Register"/><string key="org:resource" value="clerk"/><date key="time:timestamp" value="2026-03-02T09:00:00+05:00"/></event>
    <event><string key="concept:name" value="Decide"/><string key="org:resource" value="officer"/><date key="time:timestamp" value="2026-03-02T11:00:00+05:00"/></event>
  </trace>
  <trace><string key="concept:name" value="2"/>
    <event><string key="concept:name" value="Register"/><string key="org:resource" value="clerk"/><date key="time:timestamp" value="2026-03-09T09:30:00+05:00"/></event>
    <event><string key="concept:name" value="Refuse"/><string key="org:resource" value="officer"/><date key="time:timestamp" value="2026-03-09T11:15:00+05:00"/></event>
  </trace>
</log>
"#;

#[test]
fn discover_writes_what_it_learned_and_what_it_did_not() {
    let dir = std::env::temp_dir().join(format!("navbat-discover-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("log.xes");
    std::fs::write(&log, LOG).unwrap();
    let out_dir = dir.join("out");
    let out =
        navbat(&["discover", &log.display().to_string(), "--out", &out_dir.display().to_string()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let d: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("discovery.json")).unwrap())
            .unwrap();
    assert_eq!(d["cases"], 2);
    let succ = d["successions"].as_array().unwrap();
    let p = |from: &str, to: &str| {
        succ.iter()
            .find(|s| s["from"] == from && s["to"] == to)
            .and_then(|s| s["probability"].as_f64())
    };
    assert_eq!(p("Register", "Decide"), Some(0.5));
    assert_eq!(p("Register", "Refuse"), Some(0.5));
    assert_eq!(d["roles"].as_array().unwrap().len(), 2, "clerk and officer do different work");
    assert!(!d["not_learned"].as_array().unwrap().is_empty());
    let bad = navbat(&[
        "discover",
        &log.display().to_string(),
        "--out",
        &out_dir.display().to_string(),
        "--noise-threshold",
        "1.5",
    ]);
    assert!(!bad.status.success());
    std::fs::remove_dir_all(&dir).unwrap();
}
