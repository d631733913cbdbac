//! The `navbat` binary as a user runs it: outputs, exit codes, files.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test stops at the first failed assumption, helpers included"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod audit;
mod calibrate;
mod compare;
mod discover;
mod k8s;
mod layering;
mod optimise;
mod pins;
mod precision;
mod records;
mod safety;
mod select;
mod selfcheck;
mod sensitivity;
mod shard;
mod twin_log;

fn navbat(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_navbat")).args(args).output().expect("navbat runs")
}

fn scenarios() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios")
}

fn path(rel: &str) -> String {
    scenarios().join(rel).display().to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `text` without whitespace and miette's frame: miette wraps a long message at any width
/// (a temporary path split as `…/shard-` then `│ 4 starts…`), so tests that look for a path
/// in an error compare both sides squeezed.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && *c != '│').collect()
}

#[test]
fn run_json_has_every_kpi_with_a_confidence_interval() {
    let o = navbat(&["run", &path("validation/mm1.ron"), "--replications", "3", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("one JSON object");
    assert_eq!(v["scenario"], "mm1");
    assert_eq!(v["seed"], 1);
    assert_eq!(v["replications"], 3);
    let site = &v["sites"][0];
    assert_eq!(site["name"], "site");
    let kpis = [
        "arrivals",
        "served",
        "abandoned",
        "returns",
        "lost_demand",
        "wasted_trip_hours",
        "mean_wait_min",
        "p90_wait_min",
        "utilization",
    ];
    for kpi in kpis {
        let k = &site[kpi];
        let (lo, mean, hi) = (k["ci95_low"].as_f64(), k["mean"].as_f64(), k["ci95_high"].as_f64());
        let (lo, mean, hi) = (lo.expect(kpi), mean.expect(kpi), hi.expect(kpi));
        assert!(lo <= mean && mean <= hi, "{kpi}: {k}");
    }
}

#[test]
fn output_does_not_depend_on_threads() {
    let a = navbat(&[
        "run",
        &path("validation/mmck.ron"),
        "--replications",
        "4",
        "--threads",
        "1",
        "--json",
    ]);
    let b = navbat(&[
        "run",
        &path("validation/mmck.ron"),
        "--replications",
        "4",
        "--threads",
        "2",
        "--json",
    ]);
    assert!(a.status.success() && b.status.success());
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn out_writes_csv_and_summary_atomically() {
    let dir = std::env::temp_dir().join(format!("navbat-cli-out-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let o = navbat(&[
        "run",
        &path("validation/mg1.ron"),
        "--replications",
        "2",
        "--out",
        &dir.display().to_string(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("mean wait min"), "a readable table: {}", stdout(&o));
    let csv = std::fs::read_to_string(dir.join("replications.csv")).expect("csv");
    let mut lines = csv.lines();
    let header = lines.next().expect("header");
    assert!(header.starts_with("replication,site,arrivals,"), "{header}");
    assert_eq!(lines.count(), 2, "one row per replication and site");
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("run.json")).expect("run.json"))
            .expect("json");
    assert_eq!(meta["seed"], 1);
    assert_eq!(meta["scenario_sha256"].as_str().map(str::len), Some(64));
    // The same file through the type the report reads: the validated scenario's outline.
    let run = navbat_record::RunFile::from_json(
        &std::fs::read_to_string(dir.join("run.json")).expect("run.json"),
    )
    .expect("run.json of this layout");
    assert_eq!(run.format_version, navbat_record::RESULTS_FORMAT);
    assert_eq!((run.run.replications, run.run.baseline), (2, false));
    let site = &run.scenario.sites[0];
    assert_eq!((site.id.as_str(), site.counters, site.kiosks), ("site", 1, 0));
    assert_eq!(run.scenario.services[0].name, "One service");
    assert!(run.scenario.candidates.is_empty() && run.scenario.economics.is_none());
    let saved = std::fs::read_to_string(dir.join("scenario.ron")).expect("scenario copy");
    assert_eq!(
        saved,
        std::fs::read_to_string(scenarios().join("validation/mg1.ron")).expect("read")
    );
    let breakdown = std::fs::read_to_string(dir.join("breakdown.csv")).expect("breakdown");
    assert!(breakdown.starts_with("replication,site,dimension,key,arrivals,"), "{breakdown}");
    assert!(breakdown.contains(",month,2026-06,"), "months are labelled");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("summary.json")).expect("json"))
            .expect("json");
    assert_eq!(summary["replications"], 2);
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "partial"))
        .collect();
    assert!(leftovers.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_scenario_fails_with_file_line_column() {
    let text = std::fs::read_to_string(scenarios().join("validation/mm1.ron")).expect("read");
    let bad = text.replace("count: 1,", "count: 0,");
    let file = std::env::temp_dir().join(format!("navbat-bad-{}.ron", std::process::id()));
    std::fs::write(&file, &bad).expect("write");
    let o = navbat(&["run", &file.display().to_string()]);
    assert_eq!(o.status.code(), Some(1));
    let line = bad[..bad.find("count: 0").expect("marker")].matches('\n').count() + 1;
    let err = stderr(&o);
    assert!(err.contains(&format!("{}:{line}:", file.display())), "{err}");
    assert!(err.contains("counters[0].count"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(stdout(&o).is_empty());
    let _ = std::fs::remove_file(&file);
}

#[test]
fn missing_scenario_fails_cleanly() {
    let o = navbat(&["run", "/nonexistent/scenario.ron"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("/nonexistent/scenario.ron"));
}

#[test]
fn queue_json_reports_erlang_c_where_it_applies() {
    let args = ["queue", "--arrivals-per-hour", "54", "--service-minutes", "5", "--servers", "5"];
    let mut with_json = args.to_vec();
    with_json.extend(["--customers", "20000", "--json"]);
    let o = navbat(&with_json);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    for key in
        ["mean_wait_min", "p90_wait_min", "utilization", "customers", "erlang_c_mean_wait_min"]
    {
        assert!(v.get(key).is_some(), "missing {key}: {v}");
    }
    assert_eq!(v["customers"], 20000);
    let erlang = v["erlang_c_mean_wait_min"].as_f64().expect("exponential service");
    assert!((erlang - 7.6249).abs() < 1e-3, "{erlang}");

    let mut gamma = with_json.clone();
    gamma.extend(["--service-cv", "0.5"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&navbat(&gamma))).expect("json");
    assert!(v["erlang_c_mean_wait_min"].is_null(), "{v}");
}

#[test]
fn queue_rejects_nonsense_arguments() {
    let o =
        navbat(&["queue", "--arrivals-per-hour=-3", "--service-minutes", "5", "--servers", "2"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("expected a finite number > 0"), "{}", stderr(&o));
    let o =
        navbat(&["queue", "--arrivals-per-hour", "3", "--service-minutes", "5", "--servers", "0"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn validate_lists_sites() {
    let o = navbat(&["validate", &path("pilot-2026.ron")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for site in ["zangiota", "urgut", "uchkuprik", "nukus"] {
        assert!(out.contains(site), "{out}");
    }
}

#[test]
fn baseline_adds_paired_differences() {
    let o = navbat(&[
        "run",
        &path("pilot-2026.ron"),
        "--replications",
        "2",
        "--baseline",
        "--json",
        "--set",
        "horizon.end=\"2026-05-31\"",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let vs = v["vs_baseline"].as_array().expect("vs_baseline section");
    assert_eq!(vs.len(), 8);
    for site in vs {
        for kpi in ["mean_wait_min", "p90_wait_min", "utilization", "officer_hours_freed"] {
            assert!(site[kpi]["mean"].is_number(), "{kpi}: {site}");
            assert!(site[kpi]["ci95_low"].as_f64() <= site[kpi]["ci95_high"].as_f64());
        }
        assert!(site["officer_hours_freed"]["mean"].as_f64().expect("number") > 0.0, "{site}");
    }
}

#[test]
fn bad_override_fails_cleanly() {
    let o = navbat(&["run", &path("pilot-2026.ron"), "--set", "sites.urgut.kiosk.count=5"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no `kiosk` at `sites.urgut`"), "{}", stderr(&o));
}

#[test]
fn sweep_writes_one_row_per_point_replication_and_site() {
    let dir = std::env::temp_dir().join(format!("navbat-sweep-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let sweep = dir.join("s.ron");
    std::fs::write(
        &sweep,
        format!(
            r#"Sweep(scenario: "{}", replications: 2, seed: 3, baseline: true,
               axes: [(path: "sites.*.kiosks.k.count", values: [1, 3]),
                      (path: "horizon.end", values: ["2026-05-20"])])"#,
            path("pilot-2026.ron")
        ),
    )
    .expect("write");
    let out = dir.join("out");
    let o = navbat(&["sweep", &sweep.display().to_string(), "--out", &out.display().to_string()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(out.join("sweep.csv")).expect("csv");
    assert!(csv.starts_with("point,sites.*.kiosks.k.count,horizon.end,replication,site,"), "{csv}");
    assert_eq!(csv.lines().count(), 1 + 2 * 2 * 8);
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).expect("json"))
            .expect("json");
    assert_eq!(v["points"].as_array().map(Vec::len), Some(2));
    assert!(v["points"][1]["summary"]["vs_baseline"].is_array());
    // Two points differing only in kiosks share a baseline: results of point 1 differ from 0.
    assert_ne!(v["points"][0]["summary"]["sites"], v["points"][1]["summary"]["sites"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn run_with_report_writes_a_self_contained_report() {
    let dir = std::env::temp_dir().join(format!("navbat-report-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let report = dir.join("pilot");
    let o = navbat(&[
        "run",
        &path("pilot-2026.ron"),
        "--replications",
        "2",
        "--set",
        "horizon.end=\"2026-06-15\"",
        "--report",
        &report.display().to_string(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(report.join("index.html")).expect("index.html");
    assert!(html.contains("<svg"), "charts are inline");
    assert!(!html.contains("http://") && !html.contains("https://"), "no external references");
    assert!(dir.join("pilot.results").join("baseline.csv").exists(), "the run is saved beside it");
    // The saved run can be reported again without simulating.
    let again = dir.join("again");
    let o = navbat(&[
        "report",
        &dir.join("pilot.results").display().to_string(),
        "--out",
        &again.display().to_string(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(again.join("report.md")).ok(),
        std::fs::read(report.join("report.md")).ok()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn event_log_exports_the_cases_as_xes_and_ocel() {
    let dir = std::env::temp_dir().join(format!("navbat-log-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let short = "horizon.end=\"2026-05-08\"";
    let one_site = "candidates=[]";
    for (file, check) in [("cases.xes", 0), ("cases.jsonocel", 1)] {
        let target = dir.join(file);
        let o = navbat(&[
            "run",
            &path("pilot-2026.ron"),
            "--replications",
            "1",
            "--set",
            short,
            "--set",
            one_site,
            "--event-log",
            &target.display().to_string(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let text = std::fs::read_to_string(&target).expect("log written");
        if check == 0 {
            assert!(text.starts_with("<?xml"), "{}", &text[..100.min(text.len())]);
            let traces = text.matches("<trace>").count();
            assert!(traces > 1_000, "{traces} traces");
            assert!(text.contains("Face-ID: pass") && text.trim_end().ends_with("</log>"));
        } else {
            let v: serde_json::Value = serde_json::from_str(&text).expect("OCEL is JSON");
            let events = v["events"].as_array().expect("events");
            assert!(events.len() > 5_000, "{} events", events.len());
            assert!(v["objects"].as_array().is_some_and(|o| !o.is_empty()));
        }
        assert!(!dir.join("cases.partial").exists(), "no temporary file left");
    }
    let o = navbat(&["run", &path("validation/mm1.ron"), "--event-log", "x.csv"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(".xes or .jsonocel"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}
