//! Bookkeeping that must hold on every run: conservation and Little's law.

use navbat_engine::{Simulation, run_replications};

use crate::{scenario, shortened};

#[test]
fn pilot_conserves_people_and_satisfies_littles_law() {
    let model = shortened(scenario("pilot-2026.ron"), 60);
    let reps = run_replications(&model, 11, 2, &|| {});
    for r in &reps {
        for s in &r.sites {
            assert!(s.arrivals > 1_000, "{} had only {} arrivals", s.site, s.arrivals);
            assert_eq!(
                s.arrivals,
                s.served + s.abandoned() + s.in_system_end,
                "conservation at {}",
                s.site
            );
            // Exact: both sides are the same integer milliseconds summed two ways.
            assert_eq!(s.queue_area_min, s.time_in_line_min, "Little's law at {}", s.site);
            assert!(s.queue_area_min > 0.0);
            assert!(s.served_kiosk > 0 && s.served_kiosk < s.served);
            assert!(s.utilization > 0.0 && s.utilization < 1.0, "{}", s.utilization);
            assert!(s.p50_wait_min <= s.p90_wait_min && s.p90_wait_min <= s.p95_wait_min);
            assert!(s.p95_wait_min <= s.max_wait_min + 1e-9);
            assert!(s.kiosk_uptime > 0.9 && s.kiosk_uptime <= 1.0, "{}", s.kiosk_uptime);
        }
    }
}

#[test]
fn validation_models_satisfy_littles_law() {
    for f in
        ["validation/mm1.ron", "validation/mmc.ron", "validation/mmck.ron", "validation/mg1.ron"]
    {
        let rec = Simulation::new(shortened(scenario(f), 30), 5, 0).finish();
        let s = &rec.sites[0];
        assert_eq!(s.queue_area_min, s.time_in_line_min, "{f}");
        assert_eq!(s.arrivals, s.served + s.abandoned() + s.in_system_end, "{f}");
    }
}

#[test]
fn nobody_arrives_while_a_site_is_closed() {
    let model = shortened(scenario("pilot-2026.ron"), 365);
    for plan in &model.plans {
        for p in &plan.pieces {
            assert!(
                plan.open.iter().any(|&(a, b)| a <= p.start && p.end <= b),
                "rate piece {p:?} outside opening hours"
            );
        }
    }
}

#[test]
fn yearly_volume_is_the_expected_number_of_requests() {
    let s = scenario("pilot-2026.ron");
    let model = navbat_engine::Model::new(s.clone());
    for (site, plan) in s.sites.iter().zip(&model.plans) {
        let yearly: f64 = site.demand.iter().map(|d| d.yearly).sum();
        assert!(
            (plan.expected_requests - yearly).abs() < 1e-6 * yearly,
            "{}: {} vs {}",
            site.id,
            plan.expected_requests,
            yearly
        );
    }
}

#[test]
fn stepping_in_small_increments_equals_one_pass() {
    let model = shortened(scenario("pilot-2026.ron"), 14);
    let whole = Simulation::new(model.clone(), 9, 0).finish();
    let mut stepped = Simulation::new(model, 9, 0);
    let mut t = stepped.now();
    while t < stepped.end() {
        t = navbat_engine::SimTime(t.0 + 7 * navbat_engine::MINUTE_MS);
        stepped.step_until(t);
    }
    assert_eq!(whole, stepped.finish());
}
