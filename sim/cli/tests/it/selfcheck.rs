//! `navbat selfcheck --quick` as a user runs it, and its citation by `navbat run --selfcheck`.

use super::{navbat, path, stderr, stdout};

#[test]
fn quick_selfcheck_passes_saves_its_json_and_a_run_cites_it() {
    let dir = std::env::temp_dir().join(format!("navbat-selfcheck-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = dir.join("check");
    let o = navbat(&["selfcheck", "--quick", "--json", "--out", &out.display().to_string()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let saved = std::fs::read_to_string(out.join("selfcheck.json")).expect("selfcheck.json");
    assert_eq!(saved, stdout(&o), "the file is what was printed");
    let v: serde_json::Value = serde_json::from_str(&saved).expect("JSON");
    assert_eq!(v["mode"], "quick");
    let checks = v["checks"].as_array().expect("checks");
    assert_eq!(checks.len(), 8);
    for c in checks {
        let f = |k: &str| c[k].as_f64().unwrap_or_else(|| panic!("{k} in {c}"));
        assert!(f("ci_low") <= f("estimate") && f("estimate") <= f("ci_high"), "{c}");
        assert!(f("ci_low") <= f("theory") && f("theory") <= f("ci_high"), "{c}");
        assert!(f("power") >= 0.9 && c["passed"] == true, "{c}");
    }
    // Erlang A's share abandoning agrees with calibrate's separate implementation.
    let a = navbat_calibrate::erlang_a(0.8, 0.25, 0.1, 3).expect("valid");
    let ab = checks.iter().find(|c| c["name"] == "erlang-a-abandonment").expect("row");
    assert!((ab["theory"].as_f64().expect("f64") - a.p_abandon).abs() < 1e-9, "{ab} vs {a:?}");

    // A run saves it and its report's method section cites it.
    let report = dir.join("report");
    let o = navbat(&[
        "run",
        &path("validation/mm1.ron"),
        "--replications",
        "2",
        "--set",
        "horizon.end=\"2026-01-20\"",
        "--selfcheck",
        &out.join("selfcheck.json").display().to_string(),
        "--report",
        &report.display().to_string(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let results = dir.join("report.results");
    assert_eq!(std::fs::read_to_string(results.join("selfcheck.json")).ok(), Some(saved));
    let md = std::fs::read_to_string(report.join("report.md")).expect("report.md");
    assert!(md.contains("quick mode, seed 1): 8 of 8 checks passed"), "{md}");

    // Not a selfcheck.json: refused with where, before anything runs.
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\"format\": 1,\n \"checks\": 3}\n").expect("write");
    let o = navbat(&[
        "run",
        &path("validation/mm1.ron"),
        "--selfcheck",
        &bad.display().to_string(),
        "--out",
        &dir.join("never").display().to_string(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("bad.json:2:"), "{}", stderr(&o));
    assert!(!dir.join("never").exists());
    let _ = std::fs::remove_dir_all(&dir);
}
