//! `navbat optimise`: a tiny instance end to end (the plan runs), resuming from the results
//! folder, and the screening table split in shards and merged.

use std::path::PathBuf;

use super::{navbat, stderr, stdout};

/// A fresh folder under the system's temporary folder.
fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("navbat-optimise-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Two pilot units over a week without back office or Face-ID, and a candidate file with a
/// mall drawing 30 % of Zangiota's demand. Returns (scenario, candidates).
fn tiny(dir: &std::path::Path) -> (String, String) {
    let text = std::fs::read_to_string(super::scenarios().join("pilot-2026.ron")).unwrap();
    let mut raw = navbat_scenario::parse_raw("pilot-2026.ron", &text).unwrap();
    raw.sites.retain(|s| s.id == "zangiota" || s.id == "uchkuprik");
    raw.candidates.clear();
    raw.face_id = None;
    raw.workflows = None;
    raw.horizon.start = "2026-06-01".to_owned();
    raw.horizon.end = "2026-06-07".to_owned();
    raw.horizon.warm_up_days = 0;
    let scenario = dir.join("tiny.ron");
    std::fs::write(&scenario, navbat_scenario::to_ron(&raw)).unwrap();
    let candidates = dir.join("candidates.ron");
    std::fs::write(
        &candidates,
        "Candidates(costs: Costs(assistant_per_year: 1e6, new_site_capital: 5e6, new_site_per_year: 5e6),\n\
         max_kiosks: 2, max_assistants: 1, sites: [Unit(site: \"zangiota\"), Unit(site: \"uchkuprik\"),\n\
         New(id: \"mall\", name: \"Mall\", kind: ShoppingMall, region: \"Tashkent region\", lat: 41.3,\n\
         lon: 69.3, footfall_per_day: 20000.0, draws: [Draw(unit: \"zangiota\", share: 0.3)])])\n",
    )
    .unwrap();
    (scenario.display().to_string(), candidates.display().to_string())
}

const SMALL: [&str; 8] =
    ["--replications", "2", "--first-stage", "3", "--max-replications", "4", "--budget", "7.2e8"];

#[test]
fn optimise_writes_a_plan_that_runs_and_resumes_from_its_folder() {
    let dir = temp("plan");
    let (scenario, candidates) = tiny(&dir);
    let out = dir.join("out");
    let mut args = vec!["optimise", scenario.as_str(), "--candidates", candidates.as_str()];
    args.extend(SMALL);
    args.extend(["--out", out.to_str().unwrap()]);
    let o = navbat(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("| Chosen |"), "{}", stdout(&o));
    for f in [
        "plan.ron",
        "plan.csv",
        "map.svg",
        "map.png",
        "convergence.svg",
        "convergence.png",
        "comparison.csv",
        "selection.json",
        "optimise.json",
        "summary.md",
        "evaluations.jsonl",
    ] {
        assert!(out.join(f).exists(), "{f}");
    }
    assert!(!dir.join("out.work").exists(), "the work folder is removed after success");
    let cmp = std::fs::read_to_string(out.join("comparison.csv")).unwrap();
    assert_eq!(cmp.lines().count(), 5, "{cmp}");
    // The plan is a scenario `navbat run` takes.
    let plan = out.join("plan.ron");
    let o = navbat(&["run", plan.to_str().unwrap(), "--replications", "1", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Run again: every evaluation comes from the folder.
    let o = navbat(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("optimise.json")).unwrap()).unwrap();
    assert_eq!(meta["site_replications_simulated"], 0, "{meta}");
    assert!(meta["site_replications_reused"].as_u64().unwrap() > 0, "{meta}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn optimise_shards_merge_into_a_folder_the_search_resumes_from() {
    let dir = temp("shards");
    let (scenario, candidates) = tiny(&dir);
    let mut shards = Vec::new();
    for i in 0..2 {
        let out = dir.join(format!("shard-{i}"));
        let shard = format!("{i}/2");
        let mut args = vec!["optimise", scenario.as_str(), "--candidates", candidates.as_str()];
        args.extend(SMALL);
        args.extend(["--shard", shard.as_str(), "--out", out.to_str().unwrap()]);
        let o = navbat(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        shards.push(out.display().to_string());
    }
    let merged = dir.join("merged");
    let o = navbat(&["merge", &shards[0], "--out", merged.to_str().unwrap()]);
    assert!(!o.status.success(), "one shard of two is refused");
    assert!(stderr(&o).contains("missing"), "{}", stderr(&o));
    let o = navbat(&["merge", &shards[0], &shards[1], "--out", merged.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines = std::fs::read_to_string(merged.join("evaluations.jsonl")).unwrap().lines().count();
    // Units at 0 kiosks or 1-2 kiosks x 0-1 assistants: 5 configurations each; the mall is
    // only simulated open: 4. Two replications each.
    assert_eq!(lines, (5 + 5 + 4) * 2);
    let mut args = vec!["optimise", scenario.as_str(), "--candidates", candidates.as_str()];
    args.extend(SMALL);
    args.extend(["--out", merged.to_str().unwrap()]);
    let o = navbat(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(merged.join("optimise.json")).unwrap())
            .unwrap();
    assert_eq!(meta["site_replications_reused"], 28, "{meta}");
    // A shard run on another candidate file (here the same one with a comment more) is not
    // of this optimisation.
    let other = dir.join("other-candidates.ron");
    let text = std::fs::read_to_string(&candidates).unwrap();
    std::fs::write(&other, format!("// another file\n{text}")).unwrap();
    let odd = dir.join("shard-odd");
    let mut args = vec!["optimise", scenario.as_str(), "--candidates", other.to_str().unwrap()];
    args.extend(SMALL);
    args.extend(["--shard", "1/2", "--out", odd.to_str().unwrap()]);
    let o = navbat(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let elsewhere = dir.join("merged-odd");
    let o =
        navbat(&["merge", &shards[0], odd.to_str().unwrap(), "--out", elsewhere.to_str().unwrap()]);
    assert!(!o.status.success(), "shards of two candidate files are refused");
    assert!(super::squeeze(&stderr(&o)).contains("candidates.rondiffers"), "{}", stderr(&o));
    assert!(!elsewhere.exists(), "nothing written");
    let _ = std::fs::remove_dir_all(&dir);
}
