//! Integration tests of the planner's state logic, without a window: the window's stepping
//! gives the headless KPIs, edits and comparisons behave, saved layouts round-trip.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test stops at the first failed assumption, helpers included"
)]

use std::path::{Path, PathBuf};

use navbat_engine::{Model, Simulation};
use navbat_planner::{
    BaseMap, CandidateKind, CompareJob, Edit, Layout, Planner, SimClock, SuggestJob,
    SuggestSettings,
};

fn pilot_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/pilot-2026.ron")
}

/// The pilot scenario cut to its first `days` days (no warm-up), as a layout.
fn short_pilot(days: i64) -> Layout {
    let full = Layout::load(&pilot_path()).expect("pilot loads");
    let mut raw = full.raw().clone();
    let start: jiff::civil::Date = raw.horizon.start.parse().expect("a date");
    let end = start.checked_add(jiff::Span::new().days(days - 1)).expect("in range");
    raw.horizon.end = end.to_string();
    raw.horizon.warm_up_days = 0;
    Layout::from_raw(&pilot_path(), raw).expect("the cut scenario is valid")
}

#[test]
fn window_stepping_gives_the_headless_kpis() {
    let layout = short_pilot(10);
    let seed = 7;
    let headless = Simulation::new(Model::new((**layout.scenario()).clone()), seed, 0).finish();

    // The window's path: the planner's frame step with uneven frame times at ×100,000,
    // including stalls longer than the clock honours and a pause.
    let mut planner = Planner::new(layout, seed, BaseMap::default());
    planner.clock.set_speed_index(navbat_planner::SPEEDS.len() - 1);
    let frames = [1.0 / 60.0, 1.0 / 24.0, 0.4, 1.0 / 144.0, 0.0];
    let mut n = 0;
    while !planner.twin.at_end() {
        planner.clock.paused = n % 50 == 49;
        planner.step_frame(frames[n % frames.len()]);
        n += 1;
        assert!(n < 1_000_000, "the twin must reach the end");
    }
    assert!(n > 100, "many frames: {n}");
    let windowed = planner.finish();
    assert_eq!(windowed, headless);
    assert!(headless.sites.iter().map(|s| s.served).sum::<u64>() > 1000);
}

#[test]
fn an_edit_restarts_the_twin_at_the_reached_date() {
    let layout = short_pilot(10);
    let mut planner = Planner::new(layout, 3, BaseMap::default());
    let mut clock = SimClock::new();
    clock.set_speed_index(8);
    planner.clock = clock;
    for _ in 0..40 {
        planner.step_frame(0.25);
    }
    let reached = planner.twin.now();
    assert!(planner.edit(&Edit::AddKiosk { site: 2 }));
    assert!(planner.twin.now() < reached, "the edited layout re-runs from the start");
    assert_eq!(planner.twin.jump_target(), Some(reached));
    while planner.twin.jump_target().is_some() {
        planner.step_frame(0.0);
    }
    assert_eq!(planner.twin.now(), reached);
    assert_eq!(planner.twin.readings()[2].kiosks, 3);
    // A rejected edit changes nothing and says why.
    assert!(!planner.edit(&Edit::SetOfficers { site: 0, group: 0, count: 0 }));
    assert!(planner.messages.back().is_some_and(|m| m.contains("rejected")));
    planner.undo();
    assert_eq!(planner.layout.scenario().sites[2].kiosks[0].count, 2);
}

#[test]
fn comparison_pairs_replications_and_leaves_untouched_sites_unchanged() {
    // The floor alone: with case workflows on, sites share one back office (and pickups
    // follow its queues), so an edit anywhere may move every site a little.
    let mut raw = short_pilot(7).raw().clone();
    raw.workflows = None;
    raw.face_id = None;
    // The pilot's screening varies Face-ID and workflow estimates, gone here.
    raw.sensitivity = None;
    let base = Layout::from_raw(&pilot_path(), raw).expect("the floor-only scenario is valid");
    let mut edited = base.clone();
    edited.apply(&Edit::RemoveKiosk { site: 1 }).unwrap();
    edited.apply(&Edit::RemoveKiosk { site: 1 }).unwrap();
    edited
        .apply(&Edit::AddSite {
            lat: 39.6,
            lon: 66.9,
            kind: CandidateKind::ShoppingMall,
            catchment_share: 0.2,
        })
        .unwrap();
    let job = CompareJob::start(base.scenario(), edited.scenario(), 11, 4, 1);
    let c = job.wait().expect("the comparison finishes");
    assert_eq!(c.replications, 4);
    let n = base.scenario().sites.len();
    assert_eq!(c.sites.len(), n + 1);
    // Nukus (site 3) is untouched: common random numbers make every difference exactly 0.
    let nukus = c.sites[3].change.expect("Nukus is in both layouts");
    assert_eq!((nukus.mean_wait_min.mean, nukus.mean_wait_min.half_width()), (0.0, 0.0));
    assert_eq!(nukus.abandoned.mean, 0.0);
    // Urgut lost a kiosk and demand: something changed there.
    let urgut = c.sites[1].change.expect("Urgut is in both layouts");
    assert!(urgut.kiosk_share.mean != 0.0 || urgut.mean_wait_min.mean != 0.0);
    assert!(c.sites[n].change.is_none(), "the new mall has no baseline");
    let md = c.to_markdown("pilot");
    assert!(md.contains("| mall-1 | new site |"), "{md}");
}

#[test]
fn a_saved_layout_runs_like_the_edited_one() {
    let mut layout = short_pilot(5);
    layout.apply(&Edit::MoveKiosk { from: 3, to: 0 }).unwrap();
    layout.apply(&Edit::SetOfficers { site: 2, group: 0, count: 4 }).unwrap();
    let dir = std::env::temp_dir().join(format!("navbat-planner-it-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("layout.ron");
    layout.save(&path).unwrap();
    let loaded = navbat_scenario::load(&path).unwrap();
    assert_eq!(&loaded, &**layout.scenario());
    let a = Simulation::new(Model::new(loaded), 5, 0).finish();
    let b = Simulation::new(Model::new((**layout.scenario()).clone()), 5, 0).finish();
    assert_eq!(a, b);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn readings_agree_with_the_engine_floors_at_a_busy_hour() {
    let layout = short_pilot(10);
    let mut twin = navbat_planner::LiveTwin::new(layout.scenario(), 42);
    // Monday 4 May 2026, 11:00: every office is open.
    let when = navbat_planner::parse_when("2026-05-04 11:00").unwrap();
    twin.advance_to(when);
    assert_eq!(twin.now(), when);
    let floors = twin.simulation().floors();
    let mut someone_waits = false;
    for (r, f) in twin.readings().iter().zip(&floors) {
        assert!(r.open);
        let in_lines =
            f.people.iter().filter(|a| a.at != navbat_engine::Whereabouts::InService).count();
        assert_eq!(r.waiting() as usize, in_lines);
        assert_eq!(r.people, f.people.len());
        assert!(r.officers_on_duty as usize <= f.counters.len() && r.officers_on_duty > 0);
        assert!(r.kiosks_busy <= r.kiosks_up && r.kiosks_up <= r.kiosks);
        assert!(r.mean_wait_min <= r.longest_wait_min);
        someone_waits |= r.waiting() > 0;
    }
    assert!(someone_waits, "a Monday morning has a queue somewhere");
    // Samples every quarter hour since the start of the horizon (midnight 1 May).
    assert_eq!(twin.history().sites[0].waiting.len(), navbat_planner::SHORT_SAMPLES);
    assert_eq!(twin.history().sites[0].daily_peak_wait_min.len(), 3);
}

#[test]
fn every_source_file_starts_with_a_doc_line() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stack = vec![root.join("src"), root.join("tests"), root.join("examples")];
    let mut seen = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                assert!(text.starts_with("//!"), "{} must start with a //! line", path.display());
                seen += 1;
            }
        }
    }
    assert!(seen >= 10, "{seen}");
}

/// The pilot's floor alone over `days` days, its hours valued ×365/`days` so that the short
/// horizon weighs against a year's costs as a year would.
fn floor_only(days: i64) -> Layout {
    let mut raw = short_pilot(days).raw().clone();
    raw.workflows = None;
    raw.face_id = None;
    // The pilot's screening varies Face-ID and workflow estimates, gone here.
    raw.sensitivity = None;
    let e = raw.economics.as_mut().expect("the pilot has prices");
    let year = 365.0 / days as f64;
    e.officer_hour *= year;
    e.citizen_hour *= year;
    Layout::from_raw(&pilot_path(), raw).expect("the floor-only scenario is valid")
}

fn kiosks_at(layout: &Layout, id: &str) -> u32 {
    let site = layout.raw().sites.iter().find(|s| s.id == id).expect("the site is in the layout");
    site.kiosks.iter().map(|k| k.count).sum()
}

#[test]
fn an_applied_suggestion_is_one_edit_that_undo_takes_back() {
    // A poor layout: Urgut, the busiest office, gives its kiosks to Nukus.
    let mut layout = floor_only(7);
    let urgut = kiosks_at(&layout, "urgut");
    for _ in 0..urgut {
        layout.apply(&Edit::MoveKiosk { from: 1, to: 3 }).unwrap();
    }
    let layout = Layout::from_raw(&pilot_path(), layout.raw().clone()).unwrap();
    let before = layout.raw().clone();
    let mut planner = Planner::new(layout, 5, BaseMap::default());
    // The same money as the layout's kiosks, placed again.
    assert!(planner.suggest_budget > 0.0);
    let settings = SuggestSettings {
        budget: planner.suggest_budget,
        replications: 3,
        max_evaluations: 30,
        candidates: None,
    };
    let job = SuggestJob::start(
        planner.layout.raw(),
        planner.layout.base(),
        planner.layout.revision(),
        planner.seed,
        settings,
        1,
    );
    let s = job.wait().expect("the search finishes");
    eprintln!(
        "suggestion: {} · benefit {:.0} [{:.0}, {:.0}] · {} plans",
        s.summary(),
        s.benefit.mean,
        s.benefit.ci95_low,
        s.benefit.ci95_high,
        s.evaluations
    );
    assert!(s.capital <= planner.suggest_budget + 1e-6);
    assert!(
        s.changes.iter().any(|c| c.id == "urgut" && c.kiosks_after > 0),
        "the suggestion gives Urgut kiosks again: {:?}",
        s.changes
    );
    assert!(s.benefit.ci95_low <= s.benefit.mean && s.benefit.mean <= s.benefit.ci95_high);
    planner.suggestion = Some(s.clone());
    assert!(planner.apply_suggestion());
    for c in &s.changes {
        assert_eq!(kiosks_at(&planner.layout, &c.id), c.kiosks_after, "{}", c.id);
    }
    assert_eq!(planner.layout.history().count(), 1, "one edit in the history");
    assert!(planner.layout.history().next().is_some_and(|h| h.starts_with("apply the suggestion")));
    planner.undo();
    assert_eq!(planner.layout.raw(), &before);
    assert!(!planner.layout.is_modified());
    planner.redo();
    for c in &s.changes {
        assert_eq!(kiosks_at(&planner.layout, &c.id), c.kiosks_after, "{}", c.id);
    }
    // A suggestion for an earlier layout is not applied over later edits.
    planner.undo();
    assert!(planner.edit(&Edit::AddKiosk { site: 0 }));
    planner.suggestion = Some(s);
    let edited = planner.layout.raw().clone();
    assert!(!planner.apply_suggestion());
    assert_eq!(planner.layout.raw(), &edited);
}

#[test]
fn a_cancelled_suggestion_stops_and_says_so() {
    let layout = floor_only(7);
    let settings = SuggestSettings {
        budget: navbat_planner::layout_capital(layout.raw()),
        replications: 3,
        max_evaluations: 1000,
        candidates: None,
    };
    let job = SuggestJob::start(layout.raw(), layout.base(), 0, 1, settings, 1);
    job.cancel();
    assert_eq!(job.wait().unwrap_err(), "cancelled");
}

#[test]
fn demand_scales_per_site_and_undo_restores_it() {
    let mut planner = Planner::new(short_pilot(5), 1, BaseMap::default());
    let yearly = |p: &Planner| -> Vec<f64> {
        p.layout.scenario().sites.iter().map(|s| s.demand.iter().map(|d| d.yearly).sum()).collect()
    };
    let before = yearly(&planner);
    assert!(planner.edit(&Edit::ScaleDemand { site: 1, factor: 1.5 }));
    let after = yearly(&planner);
    assert!((after[1] - 1.5 * before[1]).abs() < 1e-6 * before[1], "{after:?}");
    for i in (0..before.len()).filter(|&i| i != 1) {
        assert_eq!(after[i], before[i]);
    }
    // The live twin runs the scaled layout.
    assert_eq!(planner.twin.simulation().model().scenario.sites[1].demand[0].yearly, {
        planner.layout.scenario().sites[1].demand[0].yearly
    });
    for bad in [0.0, -1.0, f64::NAN] {
        assert!(!planner.edit(&Edit::ScaleDemand { site: 1, factor: bad }));
        assert!(planner.last_rejection.as_deref().is_some_and(|m| m.contains("demand factor")));
    }
    assert_eq!(yearly(&planner), after);
    planner.undo();
    assert_eq!(yearly(&planner), before);
}

#[test]
fn the_face_id_threshold_and_routing_reach_the_scenario() {
    let mut planner = Planner::new(short_pilot(5), 1, BaseMap::default());
    let fmr = |p: &Planner| p.layout.scenario().face_id.as_ref().map(|f| f.target_fmr);
    assert_eq!(fmr(&planner), Some(1e-6));
    assert!(planner.edit(&Edit::SetFaceIdFmr { target_fmr: 1e-4 }));
    assert_eq!(fmr(&planner), Some(1e-4));
    assert_eq!(
        planner.twin.simulation().model().scenario.face_id.as_ref().map(|f| f.target_fmr),
        Some(1e-4),
        "the restarted twin matches at the new threshold"
    );
    // Out of range: the loader's message, with the field, and nothing changes.
    assert!(!planner.edit(&Edit::SetFaceIdFmr { target_fmr: 0.5 }));
    let why = planner.last_rejection.clone().unwrap_or_default();
    assert!(why.contains("face_id.target_fmr") && why.contains("(0, 0.1]"), "{why}");
    assert_eq!(fmr(&planner), Some(1e-4));

    assert_eq!(planner.layout.scenario().routing, None);
    let routing =
        navbat_scenario::RawRouting { app_share: 0.3, radius_km: 20.0, km_per_hour: 25.0 };
    assert!(planner.edit(&Edit::SetRouting { routing: Some(routing.clone()) }));
    let r = planner.layout.scenario().routing.expect("routing on");
    assert_eq!((r.app_share, r.radius_km, r.km_per_hour), (0.3, 20.0, 25.0));
    assert_eq!(planner.twin.simulation().model().scenario.routing, Some(r));
    let bad = navbat_scenario::RawRouting { radius_km: 0.0, ..routing };
    assert!(!planner.edit(&Edit::SetRouting { routing: Some(bad) }));
    let why = planner.last_rejection.clone().unwrap_or_default();
    assert!(why.contains("routing.radius_km"), "{why}");
    assert!(planner.edit(&Edit::SetRouting { routing: None }));
    assert_eq!(planner.layout.scenario().routing, None);
    assert!(planner.last_rejection.is_none(), "an accepted edit clears the rejection");
}

#[test]
fn site_cards_sit_beside_their_sites_in_the_samarkand_cluster() {
    // The window's map at 1600 x 900 (panels of 310 and 450 px, bars of about 34 px).
    let rect = egui_rect(318.0, 34.0, 1142.0, 868.0);
    let layout = Layout::load(&pilot_path()).unwrap();
    let view = navbat_planner::MapView::default();
    let points: Vec<_> =
        layout.scenario().sites.iter().map(|s| view.project(rect, s.lat, s.lon)).collect();
    let size = bevy_egui::egui::vec2(178.0, 74.0);
    let cards = navbat_planner::place_cards(&points, size, rect.shrink(4.0));
    let mut leaders = Vec::new();
    for (i, card) in cards.iter().enumerate() {
        assert!(rect.contains_rect(*card), "card {i} leaves the map");
        for (j, other) in cards.iter().enumerate().skip(i + 1) {
            assert!(!card.intersects(*other), "cards {i} and {j} overlap");
        }
        for (j, q) in points.iter().enumerate() {
            assert!(j == i || !card.contains(*q), "card {i} covers site {j}");
        }
        leaders.push(points[i].distance(navbat_planner::leader_anchor(points[i], *card)));
    }
    eprintln!("leader lengths, px: {leaders:?}");
    let samarkand: Vec<usize> = layout
        .scenario()
        .sites
        .iter()
        .enumerate()
        .filter(|(_, s)| s.region == "Samarkand region")
        .map(|(i, _)| i)
        .collect();
    assert!(samarkand.len() >= 4, "{samarkand:?}");
    // Before the placement pass, Registan's card sat 203 px from its point and the
    // Samarkand mall's 124 px (the ring of fixed offsets, at this map size).
    for (i, l) in leaders.iter().enumerate() {
        assert!(*l <= 110.0, "site {i}'s card is {l} px from it");
    }
}

fn egui_rect(x0: f32, y0: f32, x1: f32, y1: f32) -> bevy_egui::egui::Rect {
    bevy_egui::egui::Rect::from_min_max(
        bevy_egui::egui::pos2(x0, y0),
        bevy_egui::egui::pos2(x1, y1),
    )
}
