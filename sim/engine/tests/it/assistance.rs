//! Floor assistance at the kiosks: who needs help gets it from the site's assistants, or
//! goes on to a counter where nobody on the floor helps.

use navbat_engine::{HOUR_MS, run_replications};
use navbat_scenario::{Assistance, Dist, Scenario};

use crate::{floor_only, shortened};

/// The floor-only pilot with every kiosk user needing `minutes` of help and `assistants`
/// on every floor.
fn everyone_needs_help(assistants: u32, minutes: f64) -> Scenario {
    let mut s = floor_only();
    for seg in &mut s.segments {
        seg.assistance =
            Some(Assistance { share: 1.0, minutes: Dist::Constant { value: minutes } });
    }
    for site in &mut s.sites {
        site.floor_assistants = assistants;
    }
    s
}

#[test]
fn the_pilots_assistants_help_some_kiosk_users_and_stay_mostly_free() {
    let reps = run_replications(&shortened(floor_only(), 30), 5, 1, &|| {});
    for s in &reps[0].sites {
        assert_eq!(s.floor_assistants, 1, "{}", s.site);
        assert!(s.assisted > 0 && s.assisted < s.served_kiosk, "{}: {}", s.site, s.assisted);
        assert_eq!(s.assistance_missing, 0, "{}", s.site);
        assert!(s.assistant_utilization > 0.0 && s.assistant_utilization < 0.5, "{}", s.site);
        assert!(s.assist_wait_mean_min >= 0.0, "{}", s.site);
    }
}

#[test]
fn with_everyone_needing_help_each_kiosk_session_is_helped_and_timed() {
    let minutes = 5.0;
    let model = shortened(everyone_needs_help(1, minutes), 30);
    let reps = run_replications(&model, 5, 1, &|| {});
    for (i, s) in reps[0].sites.iter().enumerate() {
        // Each kiosk request that ended served was helped at least once (a breakdown makes
        // someone start again and be helped again).
        assert!(s.assisted >= s.served_kiosk && s.served_kiosk > 0, "{}", s.site);
        assert!(s.assisted <= s.served_kiosk + s.kiosk_fallbacks + s.kiosk_failures, "{}", s.site);
        // One assistant, busy five minutes a help: utilisation × open hours is the busy
        // time, at least that of the counted helps (warm-up people are helped too).
        let open_h: f64 = model.plans[i]
            .open
            .iter()
            .map(|&(a, b)| (b.min(model.end.0) - a).max(0) as f64)
            .sum::<f64>()
            / HOUR_MS as f64;
        let busy_h = s.assistant_utilization * open_h;
        let helps_h = s.assisted as f64 * minutes / 60.0;
        assert!(busy_h + 1e-6 >= helps_h, "{}: {busy_h} h busy, {helps_h} h helping", s.site);
        assert!(busy_h < helps_h * 1.5, "{}: {busy_h} h busy, {helps_h} h helping", s.site);
        assert!(s.assist_wait_mean_min > 0.0, "{}: nobody ever waited", s.site);
    }
}

#[test]
fn without_assistants_people_who_need_help_go_on_to_a_counter() {
    let staffed = run_replications(&shortened(everyone_needs_help(2, 5.0), 30), 5, 1, &|| {});
    let alone = run_replications(&shortened(everyone_needs_help(0, 5.0), 30), 5, 1, &|| {});
    for (a, b) in staffed[0].sites.iter().zip(&alone[0].sites) {
        assert_eq!(b.assisted, 0, "{}", b.site);
        assert_eq!(b.served_kiosk, 0, "{}: served at a kiosk without help", b.site);
        assert!(b.assistance_missing > 0, "{}", b.site);
        assert!(b.assistance_missing <= b.kiosk_fallbacks, "{}", b.site);
        assert!(a.served_kiosk > 0 && a.assistance_missing == 0, "{}", a.site);
        // The same people came first either way (common random numbers); how many come
        // back depends on how their visits went.
        assert_eq!(a.first_visits(), b.first_visits(), "{}", a.site);
    }
}
