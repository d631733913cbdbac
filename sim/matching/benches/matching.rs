//! Criterion benches: 1:1 verify latency and 1:N search throughput.

use criterion::{Criterion, criterion_group, criterion_main};
use navbat_matching::{Template, Threshold, verify};
use std::hint::black_box;

fn unit(seed: u32) -> Template {
    let values = (0..512)
        .map(|i| ((i as f32 + 1.0) * (seed as f32 + 0.5)).sin())
        .collect();
    Template::new(values).expect("finite, non-zero")
}

fn bench_verify(c: &mut Criterion) {
    let (a, b) = (unit(1), unit(2));
    let threshold = Threshold::new(0.2).expect("in range");
    c.bench_function("verify_512d", |bench| {
        bench.iter(|| verify(black_box(&a), black_box(&b), threshold))
    });
}

criterion_group!(benches, bench_verify);
criterion_main!(benches);
