//! Engine throughput: M/M/c customers per second, and one replication of the pilot year
//! (the four pilot sites) with the floor alone and with everything on (Face-ID for every
//! person, 1:N de-duplication, case workflows, the back office, pickups).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use navbat_benches::{mmc_model, pilot_floor_model, pilot_model};
use navbat_engine::Simulation;

fn mmc(c: &mut Criterion) {
    let model = mmc_model();
    let customers = 100_000;
    let mut g = c.benchmark_group("mmc_c5_rho0.9");
    g.throughput(Throughput::Elements(customers));
    g.sample_size(20);
    let mut seed = 0;
    g.bench_function("customers", |b| {
        b.iter(|| {
            seed += 1;
            Simulation::with_arrival_limit(model.clone(), seed, 0, customers, customers / 10)
                .finish()
        })
    });
    g.finish();
}

fn pilot(c: &mut Criterion) {
    for (name, model) in [("floor_only", pilot_floor_model()), ("everything_on", pilot_model())] {
        let events = Simulation::new(model.clone(), 1, 0).finish().events;
        let mut g = c.benchmark_group("pilot_year");
        g.throughput(Throughput::Elements(events));
        g.sample_size(10);
        g.bench_function(name, |b| b.iter(|| Simulation::new(model.clone(), 1, 0).finish()));
        g.finish();
    }
    // One replication alone on the machine, as `navbat run --replications 1` runs it: the
    // second core makes Face-ID sessions ahead (the record is the same).
    let model = pilot_model();
    let events = Simulation::new(model.clone(), 1, 0).finish().events;
    let mut g = c.benchmark_group("pilot_year");
    g.throughput(Throughput::Elements(events));
    g.sample_size(10);
    g.bench_function("everything_on_face_worker", |b| {
        b.iter(|| Simulation::new(model.clone(), 1, 0).with_face_worker(true).finish())
    });
    g.finish();
}

criterion_group!(benches, mmc, pilot);
criterion_main!(benches);
