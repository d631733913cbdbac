//! Outputs are all or nothing, never written over what navbat did not write, and bad
//! requests are refused before anything runs.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::{navbat, path, stderr};

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("navbat-safety-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Regression: `run --out X --report X` deleted the run's own results.
#[test]
fn the_report_folder_may_not_be_the_results_folder() {
    let d = scratch("same");
    let x = d.join("x").display().to_string();
    let mm1 = path("validation/mm1.ron");
    let o = navbat(&["run", &mm1, "--replications", "1", "--out", &x, "--report", &x]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--report and --out"), "{}", stderr(&o));
    assert!(!d.exists(), "nothing written");
}

#[test]
fn a_results_folder_is_replaced_whole_and_a_foreign_folder_never() {
    let d = scratch("replace");
    let out = d.join("out");
    let out_s = out.display().to_string();
    let mm1 = path("validation/mm1.ron");
    let mg1 = path("validation/mg1.ron");
    let o = navbat(&["run", &mm1, "--replications", "2", "--baseline", "--out", &out_s]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(entries(&out).contains(&"baseline.csv".to_owned()));
    assert!(entries(&out).contains(&"manifest.sha256".to_owned()));
    // A second run without a baseline replaces the folder: no baseline.csv of the first run
    // is left to be mixed with it.
    let o = navbat(&["run", &mg1, "--replications", "2", "--out", &out_s]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!entries(&out).contains(&"baseline.csv".to_owned()), "{:?}", entries(&out));
    navbat_manifest_verifies(&out);
    // A file of the user's in the folder stops the next run before it simulates.
    std::fs::write(out.join("notes.txt"), "mine").expect("write");
    let o = navbat(&["run", &mm1, "--replications", "1", "--out", &out_s]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("notes.txt"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(out.join("notes.txt")).expect("kept"), "mine");
    let _ = std::fs::remove_dir_all(&d);
}

fn navbat_manifest_verifies(dir: &std::path::Path) {
    let manifest = std::fs::read_to_string(dir.join("manifest.sha256")).expect("manifest");
    let listed: Vec<&str> =
        manifest.lines().filter_map(|l| l.split_once("  ")).map(|(_, n)| n).collect();
    let mut files = entries(dir);
    files.retain(|f| f != "manifest.sha256");
    assert_eq!(listed, files);
}

/// Regression: `navbat queue --arrivals-per-hour 0.2` reported "200000 (0 after warm-up)" and
/// a mean wait of 0.00.
#[test]
fn queue_refuses_more_customers_than_its_horizon_holds() {
    let o = navbat(&[
        "queue",
        "--arrivals-per-hour",
        "0.2",
        "--service-minutes",
        "5",
        "--servers",
        "1",
    ]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("--customers 200000") && e.contains("ask for at most"), "{e}");
}

/// Regression: `validate … | head -1` and `queue … | head -1` panicked (exit 101).
#[test]
fn a_closed_pipe_ends_quietly() {
    let pilot = path("pilot-2026.ron");
    let runs: [&[&str]; 2] = [
        &["validate", &pilot],
        &[
            "queue",
            "--arrivals-per-hour",
            "54",
            "--service-minutes",
            "5",
            "--servers",
            "5",
            "--customers",
            "20000",
        ],
    ];
    for args in runs {
        let mut child = Command::new(env!("CARGO_BIN_EXE_navbat"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("navbat starts");
        // Close the reading end before navbat writes.
        drop(child.stdout.take());
        let o = child.wait_with_output().expect("navbat ends");
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(!e.contains("panicked"), "{args:?}: {e}");
        assert_eq!(o.status.code(), Some(0), "{args:?}: {e}");
    }
}

#[test]
fn an_event_log_in_a_missing_folder_is_refused_before_the_run() {
    let d = scratch("log");
    let log = d.join("nowhere/cases.xes").display().to_string();
    let o = navbat(&["run", &path("pilot-2026.ron"), "--replications", "1", "--event-log", &log]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("does not exist"), "{}", stderr(&o));
}
