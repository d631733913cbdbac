//! Criterion benches: 1:1 verify latency and 1:N search throughput at several gallery sizes.
//!
//! Gallery sizes come from `NAVBAT_BENCH_SIZES` (comma-separated, default `10000,100000`);
//! add `1000000` to measure the 1M gallery (≈ 0.5 GB of int8 codes, a minute to generate).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark stops if its bundled fixtures do not load"
)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use navbat_matching::{
    AgeBand, BiometricModel, Device, Gallery, Group, IdentityId, PersonId, Population, Rescoring,
    Sex, Threshold, verify,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

const BATCH: usize = 64;

fn sizes() -> Vec<usize> {
    std::env::var("NAVBAT_BENCH_SIZES")
        .unwrap_or_else(|_| "10000,100000".to_owned())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

fn bench_verify(c: &mut Criterion) {
    let (gallery, probes) = common::dataset(2, 2);
    let threshold = Threshold::new(0.2).expect("in range");
    c.bench_function("verify_512d", |b| {
        b.iter(|| verify(black_box(&probes[0]), black_box(&gallery[0]), threshold))
    });
}

/// What the simulator does for every kiosk user: regenerate the identity, take the record
/// photo at an officer station and the live kiosk capture, verify one against the other.
fn bench_person(c: &mut Criterion) {
    let population = Population::new(7, BiometricModel::default()).expect("valid model");
    let group = Group::new(AgeBand::Adult, Sex::Female);
    let threshold = Threshold::new(0.2).expect("in range");
    let mut person = 0_u64;
    c.bench_function("person_identity_two_captures_verify", |b| {
        b.iter(|| {
            person += 1;
            let mut rng = ChaCha8Rng::seed_from_u64(person);
            let identity = population.identity(PersonId(person), &group);
            let record = population.capture(&identity, Device::OfficerStation, &mut rng);
            let live = population.capture(&identity, Device::KioskCamera, &mut rng);
            match (record.capture(), live.capture()) {
                (Some(r), Some(l)) => verify(&l.template, &r.template, threshold).ok(),
                _ => None,
            }
        })
    });
}

/// What the simulator does for some services: one probe against its scaled gallery of 64
/// enrolled identities, built as the engine's `enrol_gallery` does (officer-station captures
/// of people 2⁶² + i, sex drawn from a `Pcg32`, exact rows kept), best candidate only.
fn bench_small_exact_search(c: &mut Criterion) {
    let population = Population::new(7, BiometricModel::default()).expect("valid model");
    let (gallery, identities) =
        population.enrol_gallery(64, 0.5, Rescoring::Exact).expect("valid dimension");
    // Kiosk probes: half of them mates, half strangers.
    let group = Group::new(AgeBand::Adult, Sex::Male);
    let probes: Vec<_> = (0..BATCH as u64)
        .filter_map(|n| {
            let stranger;
            let person = if n % 2 == 0 {
                &identities[n as usize]
            } else {
                stranger = population.identity(PersonId(n), &group);
                &stranger
            };
            let mut rng = ChaCha8Rng::seed_from_u64(n);
            population.capture(person, Device::KioskCamera, &mut rng).into_capture()
        })
        .map(|c| c.template)
        .collect();
    let mut next = 0;
    c.bench_function("search_64_exact_single_probe", |b| {
        b.iter(|| {
            next = (next + 1) % probes.len();
            gallery.search(black_box(&probes[next]), 1)
        })
    });
}

fn bench_search(c: &mut Criterion) {
    for n in sizes() {
        let (templates, probes) = common::dataset(n, BATCH);
        let mut gallery = Gallery::new(512).expect("valid dimension");
        gallery.reserve(n);
        for (i, t) in templates.iter().enumerate() {
            gallery.enrol(IdentityId(i as u64), t).expect("new id");
        }
        drop(templates);
        let mut group = c.benchmark_group("search_512d");
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(if n >= 1_000_000 { 20 } else { 5 }));
        group.throughput(Throughput::Elements(1));
        group.bench_with_input(BenchmarkId::new("single_query", n), &n, |b, _| {
            let mut next = 0;
            b.iter(|| {
                next = (next + 1) % probes.len();
                gallery.search(black_box(&probes[next]), 10)
            })
        });
        group.throughput(Throughput::Elements(BATCH as u64));
        group.bench_with_input(BenchmarkId::new("batch_64_queries", n), &n, |b, _| {
            b.iter(|| gallery.search_batch(black_box(&probes), 10))
        });
        group.finish();
    }
}

criterion_group!(benches, bench_verify, bench_person, bench_small_exact_search, bench_search);
criterion_main!(benches);
