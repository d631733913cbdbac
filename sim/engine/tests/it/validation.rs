//! Mean waits and blocking against closed-form results, within the simulation's own 99 %
//! confidence interval over independent replications.

use navbat_engine::{
    Simulation, erlang_c_mean_wait, mg1_mean_wait, mmck_blocking, run_replications,
};
use navbat_record::{Estimate, ReplicationRecord};
use navbat_scenario::{Dist, Scenario};

use crate::{scenario, shortened};

/// Arrival rate per minute, service mean (minutes) and servers of a validation model.
fn parameters(s: &Scenario) -> (f64, f64, u32) {
    let site = &s.sites[0];
    let lambda = site.demand[0].yearly / 8760.0 / 60.0;
    let mean = match s.services[0].counter_minutes {
        Dist::Exponential { mean } | Dist::Gamma { mean, .. } => mean,
        ref other => panic!("unexpected service distribution {other:?}"),
    };
    (lambda, mean, site.counters[0].count)
}

fn replicate(s: Scenario, days: i64, reps: u32) -> Vec<ReplicationRecord> {
    let model = shortened(s, days);
    run_replications(&model, 2026, reps, &|| {})
}

fn ci99(reps: &[ReplicationRecord], f: impl Fn(&navbat_record::SiteRecord) -> f64) -> Estimate {
    let v: Vec<f64> = reps.iter().map(|r| f(&r.sites[0])).collect();
    Estimate::with_level(&v, 0.99)
}

#[test]
fn mm1_mean_wait_matches_erlang_c() {
    let s = scenario("validation/mm1.ron");
    let (lambda, mean, c) = parameters(&s);
    let expected = erlang_c_mean_wait(lambda, 1.0 / mean, c).expect("stable");
    assert!((expected - 22.5).abs() < 1e-9, "analytic M/M/1 wait is 22.5 min, got {expected}");
    let reps = replicate(s, 365, 12);
    let est = ci99(&reps, |x| x.mean_wait_min);
    assert!(est.contains(expected), "simulated {est:?} vs Erlang C {expected}");
    // The interval must be informative, not wide enough to contain anything.
    assert!(est.half_width() < 0.15 * expected, "{est:?}");
}

#[test]
fn mmc_mean_wait_and_utilization_match_erlang_c() {
    let s = scenario("validation/mmc.ron");
    let (lambda, mean, c) = parameters(&s);
    let expected = erlang_c_mean_wait(lambda, 1.0 / mean, c).expect("stable");
    let reps = replicate(s, 90, 12);
    let est = ci99(&reps, |x| x.mean_wait_min);
    assert!(est.contains(expected), "simulated {est:?} vs Erlang C {expected}");
    assert!(est.half_width() < 0.15 * expected, "{est:?}");
    let util = ci99(&reps, |x| x.utilization);
    let offered = lambda * mean / f64::from(c);
    assert!(util.contains(offered), "utilization {util:?} vs offered {offered}");
}

#[test]
fn mmck_blocking_matches_the_birth_death_solution() {
    let s = scenario("validation/mmck.ron");
    let (lambda, mean, c) = parameters(&s);
    let k = c + s.segments[0].balking.expect("balking sets K").queue_len;
    let expected = mmck_blocking(lambda, 1.0 / mean, c, k);
    let reps = replicate(s, 120, 12);
    let est = ci99(&reps, |x| x.balked as f64 / x.arrivals as f64);
    assert!(est.contains(expected), "simulated blocking {est:?} vs analytic {expected}");
    assert!(est.half_width() < 0.1 * expected, "{est:?}");
}

#[test]
fn erlang_b_is_mmck_with_no_waiting_room() {
    // Loss system: K = c.
    let (a, c) = (4.0, 5);
    let b = navbat_engine::erlang_b(a, c);
    let m = mmck_blocking(a, 1.0, c, c);
    assert!((b - m).abs() < 1e-12, "{b} vs {m}");
    // Known value: B(5, 4) = 0.1991.
    assert!((b - 0.1991).abs() < 1e-4, "{b}");
}

#[test]
fn mg1_mean_wait_matches_pollaczek_khinchine() {
    let s = scenario("validation/mg1.ron");
    let (lambda, mean, _) = parameters(&s);
    let cv = match s.services[0].counter_minutes {
        Dist::Gamma { cv, .. } => cv,
        _ => unreachable!("mg1 uses gamma service"),
    };
    let expected = mg1_mean_wait(lambda, mean, cv * cv).expect("stable");
    let reps = replicate(s, 365, 12);
    let est = ci99(&reps, |x| x.mean_wait_min);
    assert!(est.contains(expected), "simulated {est:?} vs P-K {expected}");
    assert!(est.half_width() < 0.15 * expected, "{est:?}");
}

#[test]
fn queue_calculator_counts_customers_and_drops_the_warm_up() {
    let spec = navbat_engine::QueueSpec {
        arrivals_per_hour: 30.0,
        service_minutes: 4.0,
        servers: 3,
        service_cv: 1.0,
    };
    let model = navbat_engine::Model::new(navbat_engine::queue_scenario(&spec).expect("valid"));
    let rec = Simulation::with_arrival_limit(model, 3, 0, 5_000, 500).finish();
    let site = &rec.sites[0];
    assert_eq!(site.arrivals, 4_500);
    assert_eq!(site.served + site.abandoned() + site.in_system_end, 4_500);
    assert_eq!(site.in_system_end, 0, "the calculator runs until the last customer leaves");
}
