//! The run-time guard: a replication whose population or calendar explodes stops with a
//! message that says what and when, and its record says so; a sound run never trips it.

use navbat_engine::{QueueSpec, Simulation, queue_scenario};

/// Twice as many arrivals as one officer can serve: the line grows without end.
fn overloaded() -> std::sync::Arc<navbat_engine::Model> {
    let spec =
        QueueSpec { arrivals_per_hour: 120.0, service_minutes: 1.0, servers: 1, service_cv: 1.0 };
    navbat_engine::Model::new(queue_scenario(&spec).expect("valid"))
}

#[test]
fn an_exploding_line_stops_the_run_and_says_why() {
    let rec = Simulation::with_arrival_limit(overloaded(), 1, 0, 200_000, 0)
        .with_guard(1024, 5_000, usize::MAX)
        .finish();
    let fault = rec.fault.expect("the guard stopped the run");
    assert!(fault.contains("people were at the sites at once, over the 5000 allowed"), "{fault}");
    assert!(fault.starts_with("the run stopped at 20"), "{fault}");
    // It stopped soon after the line passed the limit, long before the 200,000 customers.
    assert!(rec.events < 60_000, "{} events", rec.events);
}

#[test]
fn a_calendar_past_its_limit_stops_the_run() {
    let rec = Simulation::with_arrival_limit(overloaded(), 1, 0, 50_000, 0)
        .with_guard(1024, u64::MAX, 0)
        .finish();
    let fault = rec.fault.expect("the guard stopped the run");
    assert!(fault.contains("events were waiting, over the 0 allowed"), "{fault}");
}

#[test]
fn a_sound_run_is_not_stopped() {
    let spec =
        QueueSpec { arrivals_per_hour: 50.0, service_minutes: 1.0, servers: 1, service_cv: 1.0 };
    let model = navbat_engine::Model::new(queue_scenario(&spec).expect("valid"));
    let rec = Simulation::with_arrival_limit(model, 1, 0, 50_000, 0)
        .with_guard(1024, 5_000, 10_000)
        .finish();
    assert_eq!(rec.fault, None);
    assert_eq!(rec.sites[0].served, 50_000);
}
