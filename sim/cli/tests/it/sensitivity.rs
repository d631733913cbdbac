//! The sensitivity screening as a user runs it: `navbat sensitivity SCENARIO --out DIR` and
//! `run --report DIR --sensitivity`, small (two trajectories, three weeks, one factor re-run).

use super::{navbat, path, squeeze, stderr, stdout};

/// A fresh scratch folder name for this test.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("navbat-sens-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The screening settings both commands take, smallest that still fit the pilot's warm-up
/// factor (up to 14 days) with a week measured.
const SMALL: [&str; 4] = ["--seed", "3", "--threads", "2"];

#[test]
fn sensitivity_writes_a_screening_of_every_factor_and_run_report_shows_it() {
    let dir = scratch("alone");
    let d = dir.display().to_string();
    let o = navbat(
        &[
            &["sensitivity", &path("pilot-2026.ron"), "--out", &d][..],
            &SMALL[..],
            &["--trajectories", "2", "--days", "21", "--strongest", "1", "--end-replications", "2"],
        ]
        .concat(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(dir.join("screening.json")).expect("screening.json");
    let s: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let factors = s["factors"].as_array().expect("factors");
    assert!(factors.len() >= 10, "the pilot's block lists every estimate: {}", factors.len());
    let k = factors.len() as u64;
    assert_eq!(s["trajectories"], 2);
    assert_eq!(s["horizon_days"], 21);
    assert_eq!(s["points"].as_u64(), Some(2 * (k + 1)), "r (k + 1) points");
    let simulated = s["points_simulated"].as_u64().expect("points_simulated");
    assert!(simulated < 2 * (k + 1), "points that move only prices share a simulation");
    let sites: Vec<&str> =
        s["sites"].as_array().expect("sites").iter().filter_map(|p| p[0].as_str()).collect();
    assert_eq!(sites, ["zangiota", "urgut", "uchkuprik", "nukus"], "pilot sites only");
    // Per factor: three outputs per site and the net benefit, each μ* inside its interval.
    let effects = s["effects"].as_array().expect("effects");
    assert_eq!(effects.len() as u64, k * (3 * 4 + 1));
    for e in effects {
        let (lo, mu, hi) =
            (e["mu_star_low"].as_f64(), e["mu_star"].as_f64(), e["mu_star_high"].as_f64());
        let (lo, mu, hi) = (lo.expect("low"), mu.expect("mu*"), hi.expect("high"));
        assert!(lo >= 0.0 && lo <= mu + 1e-9 && mu <= hi + 1e-9, "{e}");
    }
    let strongest = s["strongest"].as_array().expect("strongest");
    assert_eq!(strongest.len(), 1);
    // Ends: the scenario as written and the strongest factor low and high, 2 replications,
    // 4 sites each.
    assert_eq!(s["ends"].as_array().expect("ends").len(), 3 * 2 * 4);
    assert!(stdout(&o).contains(strongest[0].as_str().expect("id")), "{}", stdout(&o));
    assert!(dir.join("manifest.sha256").is_file(), "written as one folder with its manifest");
    // The same design from `run --sensitivity`, and the report's section from it.
    let report = scratch("report");
    let r = report.display().to_string();
    let o = navbat(
        &[
            &["run", &path("pilot-2026.ron"), "--report", &r, "--replications", "2"][..],
            &SMALL[..],
            &["--set", "horizon.end=2026-05-28", "--max-kiosks", "1"],
            &["--expansion-replications", "1", "--select-first-stage", "2"],
            &["--confirm-replications", "2", "--sensitivity"],
            &["--sensitivity-trajectories", "2", "--sensitivity-days", "21"],
            &["--sensitivity-strongest", "1", "--sensitivity-end-replications", "2"],
        ]
        .concat(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let md = std::fs::read_to_string(report.join("report.md")).expect("report.md");
    let section = md.split("## Sensitivity to the estimates").nth(1).expect("the section");
    assert!(!section.contains("did not screen"), "{section}");
    assert!(section.contains(strongest[0].as_str().expect("id")), "{section}");
    assert!(section.contains("2 random one-at-a-time trajectories"), "{section}");
    for d in [&dir, &report, &std::path::PathBuf::from(format!("{r}.results"))] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn sensitivity_refuses_a_horizon_the_warm_up_factor_would_fill() {
    let dir = scratch("short");
    let d = dir.display().to_string();
    let o = navbat(&["sensitivity", &path("pilot-2026.ron"), "--out", &d, "--days", "15"]);
    assert!(!o.status.success());
    let e = squeeze(&stderr(&o));
    assert!(e.contains("warm-up") && e.contains("21"), "{}", stderr(&o));
    assert!(!dir.exists(), "nothing written");
}
