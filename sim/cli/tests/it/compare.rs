//! `navbat compare`: a log against itself is at distance zero on every measure, a log against
//! itself a week later differs only where absolute time counts, the twin's own XES and OCEL
//! exports of one run read as the same log, and a bad file is an error with its line and
//! column.

use crate::{navbat, path, stderr, stdout};

const LOG: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <trace><string key="concept:name" value="1"/>
    <event><string key="concept:name" value="Register"/><date key="time:timestamp" value="2026-03-02T09:00:00+05:00"/></event>
    <event><string key="concept:name" value="Decide"/><string key="lifecycle:transition" value="start"/><date key="time:timestamp" value="2026-03-02T11:00:00+05:00"/></event>
    <event><string key="concept:name" value="Decide"/><string key="lifecycle:transition" value="complete"/><date key="time:timestamp" value="2026-03-03T10:30:00+05:00"/></event>
  </trace>
  <trace><string key="concept:name" value="2"/>
    <event><string key="concept:name" value="Register"/><date key="time:timestamp" value="2026-03-04T14:00:00+05:00"/></event>
    <event><string key="concept:name" value="Refuse"/><date key="time:timestamp" value="2026-03-04T16:00:00+05:00"/></event>
  </trace>
</log>
"#;

fn write(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("navbat-compare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn measures(real: &str, sim: &str) -> serde_json::Value {
    let out = navbat(&["compare", real, sim, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    v["measures"].clone()
}

#[test]
fn compare_a_log_with_itself_and_a_week_later() {
    let a = write("a.xes", LOG);
    let same = measures(&a, &a);
    assert_eq!(same.as_object().unwrap().len(), 7);
    for (k, v) in same.as_object().unwrap() {
        assert_eq!(v.as_f64(), Some(0.0), "{k}");
    }
    let later =
        LOG.replace("03-02T", "03-09T").replace("03-03T", "03-10T").replace("03-04T", "03-11T");
    let b = write("b.xes", &later);
    let week = measures(&a, &b);
    assert_eq!(week["control_flow_log_distance"].as_f64(), Some(0.0));
    assert_eq!(week["cycle_time_distribution"].as_f64(), Some(0.0));
    assert_eq!(week["circadian_event_distribution"].as_f64(), Some(0.0), "same weekdays and hours");
    assert_eq!(week["case_arrival_distribution"].as_f64(), Some(168.0), "one week later");
    assert_eq!(week["absolute_event_distribution"].as_f64(), Some(168.0));
}

#[test]
fn compare_names_the_line_of_a_bad_timestamp() {
    let a = write("ok.xes", LOG);
    let bad = write("bad.xes", &LOG.replace("2026-03-04T16:00:00+05:00", "tomorrow"));
    let out = navbat(&["compare", &a, &bad]);
    assert!(!out.status.success());
    let err = crate::squeeze(&stderr(&out));
    assert!(err.contains("bad.xes:10:") && err.contains("tomorrow"), "{err}");
}

#[test]
fn the_twins_xes_and_ocel_exports_of_one_run_are_the_same_log() {
    let dir = std::env::temp_dir().join(format!("navbat-compare-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let files: Vec<String> =
        ["cases.xes", "cases.jsonocel"].iter().map(|f| dir.join(f).display().to_string()).collect();
    for f in &files {
        let o = navbat(&[
            "run",
            &path("pilot-2026.ron"),
            "--replications",
            "1",
            "--set",
            "horizon.end=\"2026-05-05\"",
            "--set",
            "horizon.warm_up_days=1",
            "--set",
            "candidates=[]",
            "--event-log",
            f,
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let out = navbat(&["compare", &files[0], &files[1], "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(v["real"]["cases"].as_u64().unwrap() > 10, "{v}");
    assert_eq!(v["real"]["cases"], v["sim"]["cases"]);
    assert_eq!(v["real"]["events"], v["sim"]["events"]);
    for (k, x) in v["measures"].as_object().unwrap() {
        assert_eq!(x.as_f64(), Some(0.0), "{k}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
