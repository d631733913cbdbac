//! The candidate file: the committed one, demand conservation, located errors.

use std::path::{Path, PathBuf};

use navbat_optimise::{Candidates, OptimiseError, Plan, Source, Universe};
use navbat_scenario::RawScenario;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn national() -> RawScenario {
    let text = std::fs::read_to_string(root().join("scenarios/national-2026.ron")).unwrap();
    navbat_scenario::parse_raw("national-2026.ron", &text).unwrap()
}

fn committed(raw: &RawScenario) -> Candidates {
    let text = std::fs::read_to_string(root().join("scenarios/candidates-2026.ron")).unwrap();
    Candidates::parse("candidates-2026.ron", &text, raw).unwrap()
}

#[test]
fn the_committed_candidates_hold_every_unit_and_stations_of_each_kind() {
    let raw = national();
    let c = committed(&raw);
    let units = c.sites.iter().filter(|s| matches!(s.source, Source::Unit { .. })).count();
    assert_eq!(units, 208);
    let new: Vec<_> = c.sites.iter().filter(|s| matches!(s.source, Source::New { .. })).collect();
    for kind in [
        navbat_scenario::SiteKind::ShoppingMall,
        navbat_scenario::SiteKind::LeisureCentre,
        navbat_scenario::SiteKind::TouristZone,
    ] {
        assert!(new.iter().any(|s| s.kind == kind), "{kind:?}");
    }
    // A mall in every region.
    let mut regions: Vec<&str> = raw.sites.iter().map(|s| s.region.as_str()).collect();
    regions.dedup();
    for r in regions {
        assert!(
            new.iter().any(|s| s.region == r && s.kind == navbat_scenario::SiteKind::ShoppingMall),
            "{r}"
        );
    }
}

/// Total yearly demand of every service in a raw scenario.
fn totals(raw: &RawScenario) -> Vec<(String, f64)> {
    let mut t: Vec<(String, f64)> = Vec::new();
    for d in raw.sites.iter().flat_map(|s| &s.demand) {
        match t.iter_mut().find(|(s, _)| *s == d.service) {
            Some((_, y)) => *y += d.yearly,
            None => t.push((d.service.clone(), d.yearly)),
        }
    }
    t.sort_by(|a, b| a.0.cmp(&b.0));
    t
}

#[test]
fn every_plan_keeps_the_scenarios_demand_no_request_counted_twice() {
    let raw = national();
    let universe = Universe::new(&raw, committed(&raw), &root().join("scenarios")).unwrap();
    let base = totals(&raw);
    // Seeded plans: none open, all open, and mixtures (a simple LCG picks which).
    let mut state = 7u64;
    for round in 0..12 {
        let mut plan = Plan::empty(universe.len());
        for c in 0..universe.len() {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            plan.kiosks[c] = match round {
                0 => 0,
                1 => 1,
                _ => u32::from((state >> 33).is_multiple_of(3)) * 2,
            };
        }
        let raw_plan = universe.plan_raw(&plan);
        let got = totals(&raw_plan);
        assert_eq!(got.len(), base.len());
        for ((s, a), (_, b)) in got.iter().zip(&base) {
            assert!((a - b).abs() <= 1e-6 * b.max(1.0), "round {round}, {s}: {a} against {b}");
        }
        // Something did move when a station is open.
        let opened =
            (0..universe.len()).filter(|&c| universe.is_new(c) && plan.kiosks[c] > 0).count();
        assert_eq!(raw_plan.sites.len(), 208 + opened);
    }
}

fn error_of(text: &str) -> (usize, usize, String) {
    let raw = national();
    match Candidates::parse("c.ron", text, &raw) {
        Err(OptimiseError::Candidates { line, col, message, .. }) => (line, col, message),
        other => panic!("expected a located error, got {other:?}"),
    }
}

/// The committed file with one line changed.
fn committed_with(from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(root().join("scenarios/candidates-2026.ron")).unwrap();
    assert!(text.contains(from), "{from}");
    text.replacen(from, to, 1)
}

#[test]
fn shares_adding_up_to_more_than_one_are_refused_where_they_are_written() {
    let text = committed_with(
        "Draw(unit: \"tashkent-region-02\", share: 0.0600",
        "Draw(unit: \"tashkent-region-02\", share: 0.9600",
    );
    // The mall's draw alone is 0.96 < 1: fine. Add a second station's draw on the same unit.
    Candidates::parse("c.ron", &text, &national()).unwrap();
    let text = text.replacen(
        "Draw(unit: \"tashkent-region-01\", share: 0.0600",
        "Draw(unit: \"tashkent-region-02\", share: 0.0600",
        1,
    );
    let (line, col, message) = error_of(&text);
    let want = text
        .lines()
        .position(|l| l.contains("Draw(unit: \"tashkent-region-02\", share: 0.0600"))
        .unwrap()
        + 1;
    assert!(message.contains("counted twice"), "{message}");
    assert!(message.contains("share"), "{message}");
    // The second draw on the unit is the one that tips it over 1.
    assert!(line == want || line == want + 1, "line {line}, want about {want}: {message}");
    assert!(col > 1);
}

#[test]
fn unknown_units_syntax_and_missing_units_are_located() {
    let line_of = |text: &str, what: &str| text.lines().position(|l| l.contains(what)).unwrap() + 1;
    let text = committed_with("Unit(site: \"tashkent-region-03\")", "Unit(site: \"nowhere\")");
    let (line, col, message) = error_of(&text);
    assert!(message.contains("nowhere"), "{message}");
    assert_eq!((line, col), (line_of(&text, "nowhere"), 20), "{message}");
    let text = committed_with("max_kiosks: 6,", "max_kiosks: six,");
    let (line, col, message) = error_of(&text);
    assert_eq!((line, col > 1), (line_of(&text, "six"), true), "{message}");
    let (_, _, message) =
        error_of(&committed_with("        Unit(site: \"khorezm-region-13\"),\n", ""));
    assert!(
        message.contains("khorezm-region-13") && message.contains("not a candidate"),
        "{message}"
    );
}
