//! A discovered back office that runs in the twin: `navbat discover` writes a scenario and
//! its service that `navbat run` takes, `validate-twin --against` judges it on the later
//! part of a log by the seven measures with intervals beside the naive reference, and the
//! folder is written only where navbat may.

use std::fmt::Write as _;
use std::path::Path;

use crate::{navbat, stderr, stdout};

/// A synthetic log of `cases` cases (at most 160: eight weeks), four a working day from Monday
/// 2026-03-02 (09:00, 11:00, 13:00, 15:00):
/// `Register` by a clerk (start and complete, 20 to 40 minutes), then `Decide` (70 %) or
/// `Refuse` (30 %) by an officer an hour later (30 to 60 minutes). The case number picks
/// the branch and the minutes, so the log is the same every time.
fn synthetic(cases: usize) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<log xes.version=\"1.0\" xmlns=\"http://www.xes-standard.org/\">\n",
    );
    let stamp = |minute: usize| {
        let day = minute / 1440;
        // Working days only: five of every seven.
        let date = 2 + day / 5 * 7 + day % 5;
        let (month, d) = if date <= 31 { (3, date) } else { (4, date - 31) };
        let m = minute % 1440;
        format!("2026-{month:02}-{d:02}T{:02}:{:02}:00+05:00", m / 60, m % 60)
    };
    for c in 0..cases {
        let start = (c / 4) * 1440 + 9 * 60 + (c % 4) * 120;
        let register = 20 + (c * 7) % 21;
        let decided = start + register + 60;
        let decide = 30 + (c * 13) % 31;
        let last = if c % 10 < 7 { "Decide" } else { "Refuse" };
        let ev = |a: &str, l: &str, r: &str, t: usize| {
            format!(
                "    <event><string key=\"concept:name\" value=\"{a}\"/><string key=\"lifecycle:transition\" value=\"{l}\"/><string key=\"org:resource\" value=\"{r}\"/><date key=\"time:timestamp\" value=\"{}\"/></event>\n",
                stamp(t)
            )
        };
        let _ = write!(
            x,
            "  <trace><string key=\"concept:name\" value=\"{c}\"/>\n{}{}{}{}  </trace>\n",
            ev("Register", "start", &format!("clerk-{}", c % 2), start),
            ev("Register", "complete", &format!("clerk-{}", c % 2), start + register),
            ev(last, "start", &format!("officer-{}", c % 3), decided),
            ev(last, "complete", &format!("officer-{}", c % 3), decided + decide),
        );
    }
    x.push_str("</log>\n");
    x
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn a_discovered_back_office_runs_and_is_judged_on_a_later_log() {
    let dir = std::env::temp_dir().join(format!("navbat-twin-log-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let all = synthetic(160);
    // The first 107 cases (two thirds) to discover from, the other 53 to judge on.
    let cut = all.match_indices("  <trace>").nth(107).unwrap().0;
    let early = write(&dir, "early.xes", &format!("{}</log>\n", &all[..cut]));
    let head_end = all.find("  <trace>").unwrap();
    let late = write(&dir, "late.xes", &format!("{}{}", &all[..head_end], &all[cut..]));
    let out = dir.join("model");
    let o = navbat(&["discover", &early, "--out", &out.display().to_string()]);
    assert!(o.status.success(), "{}", stderr(&o));
    for f in ["discovery.json", "scenario.ron", "services/discovered.ron", "manifest.sha256"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let service = std::fs::read_to_string(out.join("services/discovered.ron")).unwrap();
    // The hour between registering and deciding is no officer's doing: an extraneous delay
    // before `Decide` (and `Refuse`), drawn by the team that is never short of hands.
    assert!(service.contains(r#"(on: Done, to: "wait: Decide", share: Some(0.71"#), "{service}");
    assert!(service.contains(r#"(name: "wait: Decide", task: Some("wait: Decide")"#), "{service}");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // `navbat run` takes it and its event log is what `compare` reads.
    let scenario = out.join("scenario.ron").display().to_string();
    let sim_log = dir.join("sim.xes").display().to_string();
    let o = navbat(&["run", &scenario, "--replications", "1", "--event-log", &sim_log]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = navbat(&["compare", &early, &sim_log, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));

    // Judged on the later cases: every measure with an interval, beside the naive reference.
    let kept = dir.join("kept.xes.gz").display().to_string();
    let o = navbat(&[
        "validate-twin",
        &scenario,
        "--against",
        &late,
        "--replications",
        "4",
        "--json",
        "--event-log",
        &kept,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let measures = v["measures"].as_object().unwrap();
    assert_eq!(measures.len(), 7, "{v}");
    for (name, m) in measures {
        let (lo, mean, hi) = (
            m["twin"]["ci95_low"].as_f64().unwrap(),
            m["twin"]["mean"].as_f64().unwrap(),
            m["twin"]["ci95_high"].as_f64().unwrap(),
        );
        assert!(lo <= mean && mean <= hi, "{name}: {m}");
        assert!(m["naive"].as_f64().is_some_and(f64::is_finite), "{name}: {m}");
    }
    // The process is simple and stable: the twin's control flow is close to the real one's
    // (the shares are 0.7/0.3 in both parts) and its cycle times within hours of them.
    assert!(measures["control_flow_log_distance"]["twin"]["mean"].as_f64().unwrap() < 0.05, "{v}");
    assert!(measures["cycle_time_distribution"]["twin"]["mean"].as_f64().unwrap() < 12.0, "{v}");
    assert!(Path::new(&kept).is_file());
    let o = navbat(&["compare", &late, &kept, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));

    // A folder navbat did not write is never replaced.
    let foreign = dir.join("foreign");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "mine").unwrap();
    let o = navbat(&["discover", &early, "--out", &foreign.display().to_string()]);
    assert!(!o.status.success());
    assert_eq!(std::fs::read_to_string(foreign.join("notes.txt")).unwrap(), "mine");
    assert!(!foreign.join("scenario.ron").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 18 item 4, the round trip: a model discovered from a twin's own log, run again,
/// comes close to a fresh log of that twin (another seed). Measured (10 replications, seed
/// 1, 2026-12-07): control flow 0.034, 3-gram 0.083, circadian 0.38 h, relative 0.94 h,
/// cycle time 3.59 h; two logs of the first twin differ by 0.048, 0.079, 0.31 h, 0.16 h
/// and 0.55 h. The bounds hold those figures with room for other seeds, and fail when the
/// twin's own steps (`Open case`, `wait: …`) leak into the compared log (control flow 0.61).
#[test]
fn a_model_rediscovered_from_the_twins_log_reproduces_a_fresh_twin_log() {
    let dir = std::env::temp_dir().join(format!("navbat-round-trip-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = |name: &str| dir.join(name).display().to_string();
    let real = write(&dir, "real.xes", &synthetic(160));
    let o = navbat(&["discover", &real, "--out", &path("first")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let first = dir.join("first/scenario.ron").display().to_string();
    for (seed, log) in [("1", "twin-1.xes"), ("2", "twin-2.xes")] {
        let o = navbat(&[
            "run",
            &first,
            "--replications",
            "1",
            "--seed",
            seed,
            "--event-log",
            &path(log),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    // The log's activities only: the twin's own entries are no activity of the process.
    let prefixes = [
        "--activity-prefix",
        "Register",
        "--activity-prefix",
        "Decide",
        "--activity-prefix",
        "Refuse",
    ];
    let mut args =
        vec!["discover".to_owned(), path("twin-1.xes"), "--out".to_owned(), path("second")];
    args.extend(prefixes.iter().map(|s| (*s).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = navbat(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let second = dir.join("second/scenario.ron").display().to_string();
    let fresh = path("twin-2.xes");
    let mut args =
        vec!["validate-twin", &second, "--against", &fresh, "--replications", "10", "--json"];
    args.extend(prefixes);
    let o = navbat(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let mean = |m: &str| v["measures"][m]["twin"]["mean"].as_f64().unwrap();
    for (m, bound) in [
        ("control_flow_log_distance", 0.10),
        ("n_gram_distance", 0.15),
        ("circadian_event_distribution", 1.0),
        ("relative_event_distribution", 3.0),
        ("cycle_time_distribution", 8.0),
    ] {
        assert!(mean(m) <= bound, "{m}: {} > {bound}\n{v}", mean(m));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
