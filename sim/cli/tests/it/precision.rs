//! `navbat run --precision`: Law & Kelton's sequential procedure stops where the watched
//! measures' half-widths are within γ/(1+γ) of their means (or at the cap), records how many
//! replications it took, and its records are those of a fixed run of that many.

use navbat_record::RunFile;
use navbat_record::inference::relative_half_width;

use super::{navbat, path, stderr};

fn out(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("navbat-precision-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn column(dir: &std::path::Path, name: &str) -> Vec<f64> {
    let mut r = csv::Reader::from_path(dir.join("replications.csv")).expect("replications.csv");
    let headers = r.headers().expect("header").clone();
    let i = headers.iter().position(|h| h == name).expect("column");
    r.records().map(|row| row.expect("row")[i].parse::<f64>().expect("number")).collect()
}

#[test]
fn precision_stops_where_the_half_width_is_met_and_records_it() {
    let dir = out("met");
    let d = dir.display().to_string();
    let o = navbat(&["run", &path("validation/mmc.ron"), "--precision", "0.05", "--out", &d]);
    assert!(o.status.success(), "{}", stderr(&o));
    let run = RunFile::from_json(&std::fs::read_to_string(dir.join("run.json")).expect("run.json"))
        .expect("run.json reads");
    let stop = run.run.precision.clone().expect("the stop is recorded");
    let n = run.run.replications;
    assert!(!stop.capped, "{stop:?}");
    assert!(n >= 3 && (n - 3).is_multiple_of(2), "3, then 2 at a time: {n}");
    let wait = column(&dir, "mean_wait_min");
    let busy = column(&dir, "officer_busy_hours");
    assert_eq!(wait.len(), n as usize);
    let worst = relative_half_width(&wait).max(relative_half_width(&busy));
    assert!(worst <= 0.05 / 1.05, "stopped at {worst}");
    assert!((worst - stop.reached).abs() < 1e-12);
    // Two replications fewer did not meet it (else the procedure would have stopped there).
    if n > 3 {
        let m = n as usize - 2;
        let before = relative_half_width(&wait[..m]).max(relative_half_width(&busy[..m]));
        assert!(before > 0.05 / 1.05, "{before}");
    }
    // The records are those of a fixed run of as many replications.
    let fixed = out("fixed");
    let f = fixed.display().to_string();
    let reps = n.to_string();
    let o = navbat(&["run", &path("validation/mmc.ron"), "--replications", &reps, "--out", &f]);
    assert!(o.status.success(), "{}", stderr(&o));
    for file in ["replications.csv", "breakdown.csv"] {
        assert_eq!(
            std::fs::read(dir.join(file)).expect("precision run"),
            std::fs::read(fixed.join(file)).expect("fixed run"),
            "{file}"
        );
    }
    std::fs::remove_dir_all(&dir).expect("clean up");
    std::fs::remove_dir_all(&fixed).expect("clean up");
}

#[test]
fn precision_stops_at_its_cap_and_says_so() {
    let o = navbat(&[
        "run",
        &path("validation/mm1.ron"),
        "--precision",
        "0.0001",
        "--max-replications",
        "4",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("4 replications"), "{}", stderr(&o));
    assert!(stderr(&o).contains("capped: precision not reached"), "{}", stderr(&o));
}

#[test]
fn precision_and_fixed_replications_exclude_each_other() {
    let o =
        navbat(&["run", &path("validation/mm1.ron"), "--precision", "0.05", "--replications", "5"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = navbat(&["run", &path("validation/mm1.ron"), "--precision", "1.5"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("between 0 and 1"), "{}", stderr(&o));
}
