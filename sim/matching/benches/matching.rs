//! Criterion benches: 1:1 verify latency and 1:N search throughput at several gallery sizes.
//!
//! Gallery sizes come from `NAVBAT_BENCH_SIZES` (comma-separated, default `10000,100000`);
//! add `1000000` to measure the 1M gallery (≈ 0.5 GB of int8 codes, a minute to generate).

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use navbat_matching::{Gallery, IdentityId, Threshold, verify};

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

criterion_group!(benches, bench_verify, bench_search);
criterion_main!(benches);
