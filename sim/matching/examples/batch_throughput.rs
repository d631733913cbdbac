//! Batch search throughput on an exported data set (`side_by_side export DIR N Q`), best of
//! three runs per configuration, without the slow ground truth: a quick loop for kernel work.
//!
//! `cargo run --release -p navbat-matching --example batch_throughput -- DIR [kernel [ROWS]]`
//! (or `DIR repeat TIMES`: the whole batch with exact re-scoring, TIMES times, for `perf`;
//! or `DIR onethread TIMES`: the whole batch on one thread, fastest of TIMES)
//!
//! With `kernel`, it also prints the fastest of 300 single-threaded batch searches of 32
//! probes over the first 8,192 rows (or the number given after `kernel`): the minimum is stable even on a machine shared with
//! other work, so it compares kernel changes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "an example stops if its bundled fixtures do not load"
)]

use std::path::Path;
use std::time::Instant;

use navbat_matching::{Gallery, IdentityId, Rescoring, Template};

fn read_f32(path: &Path, d: usize) -> std::io::Result<Vec<Template>> {
    let bytes = std::fs::read(path)?;
    let values: Vec<f32> =
        bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    Ok(values
        .chunks_exact(d)
        .map(|v| Template::new(v.to_vec()).expect("exported templates are valid"))
        .collect())
}

/// User + system CPU seconds of this process so far (Linux `/proc/self/stat`, 100 ticks a
/// second); time spent waiting for a core is not counted. 0 elsewhere.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // Fields 14 and 15 of the file (utime, stime) are 11 and 12 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

fn main() -> std::io::Result<()> {
    let dir = std::env::args().nth(1).ok_or_else(|| std::io::Error::other("usage: DIR"))?;
    let dir = Path::new(&dir);
    let d = 512;
    let templates = read_f32(&dir.join("gallery.f32"), d)?;
    let probes = read_f32(&dir.join("queries.f32"), d)?;
    if std::env::args().nth(2).as_deref() == Some("repeat") {
        // For `perf record`: the whole probe set, `Rescoring::Exact`, many times.
        let times: usize = std::env::args().nth(3).and_then(|v| v.parse().ok()).unwrap_or(20);
        let mut gallery = Gallery::with_rescoring(d, Rescoring::Exact).expect("valid dimension");
        for (i, t) in templates.iter().enumerate() {
            gallery.enrol(IdentityId(i as u64), t).expect("new id");
        }
        let started = Instant::now();
        for _ in 0..times {
            std::hint::black_box(gallery.search_batch(&probes, 10).expect("non-empty gallery"));
        }
        let s = started.elapsed().as_secs_f64();
        println!("repeat: {:.1} q/s", (times * probes.len()) as f64 / s);
        return Ok(());
    }
    if std::env::args().nth(2).as_deref() == Some("onethread") {
        // The whole batch on a one-thread pool, fastest of TIMES: stable on a busy machine.
        let times: usize = std::env::args().nth(3).and_then(|v| v.parse().ok()).unwrap_or(10);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("a pool");
        for rescoring in [Rescoring::QuantizedOnly, Rescoring::Exact] {
            let mut gallery = Gallery::with_rescoring(d, rescoring).expect("valid dimension");
            for (i, t) in templates.iter().enumerate() {
                gallery.enrol(IdentityId(i as u64), t).expect("new id");
            }
            let cpu_before = cpu_seconds();
            let best = pool.install(|| {
                (0..times)
                    .map(|_| {
                        let started = Instant::now();
                        std::hint::black_box(gallery.search_batch(&probes, 10).expect("non-empty"));
                        started.elapsed().as_secs_f64()
                    })
                    .fold(f64::INFINITY, f64::min)
            });
            let cpu = (cpu_seconds() - cpu_before) / times as f64;
            let pairs = (gallery.len() * probes.len()) as f64;
            println!(
                "{rescoring:?} one thread: {:.1} q/s, {:.2} ns a (row, probe) pair (fastest of {times}); CPU time {:.2} ns a pair (mean)",
                probes.len() as f64 / best,
                best / pairs * 1e9,
                cpu / pairs * 1e9
            );
        }
        return Ok(());
    }
    if std::env::args().nth(2).as_deref() == Some("kernel") {
        let mut small = Gallery::new(d).expect("valid dimension");
        let rows = std::env::args().nth(3).and_then(|v| v.parse().ok()).unwrap_or(8192);
        for (i, t) in templates.iter().take(rows).enumerate() {
            small.enrol(IdentityId(i as u64), t).expect("new id");
        }
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("a pool");
        let block = &probes[..32];
        let best = pool.install(|| {
            (0..300)
                .map(|_| {
                    let started = Instant::now();
                    std::hint::black_box(small.search_batch(block, 10).expect("non-empty"));
                    started.elapsed().as_secs_f64()
                })
                .fold(f64::INFINITY, f64::min)
        });
        println!(
            "kernel: {:.2} ns a (row, probe) pair, one thread (fastest of 300)",
            best / (small.len() * block.len()) as f64 * 1e9
        );
        let single = pool.install(|| {
            (0..300)
                .map(|i| {
                    let started = Instant::now();
                    std::hint::black_box(small.search(&probes[i % 32], 10).expect("non-empty"));
                    started.elapsed().as_secs_f64()
                })
                .fold(f64::INFINITY, f64::min)
        });
        println!(
            "single probe: {:.2} ns a row, one thread (fastest of 300)",
            single / small.len() as f64 * 1e9
        );
    }
    for rescoring in [Rescoring::QuantizedOnly, Rescoring::Exact] {
        let mut gallery = Gallery::with_rescoring(d, rescoring).expect("valid dimension");
        gallery.reserve(templates.len());
        for (i, t) in templates.iter().enumerate() {
            gallery.enrol(IdentityId(i as u64), t).expect("new id");
        }
        let mut best = f64::INFINITY;
        let mut checksum = 0.0_f64;
        for _ in 0..3 {
            let started = Instant::now();
            let found = gallery.search_batch(&probes, 10).expect("non-empty gallery");
            best = best.min(started.elapsed().as_secs_f64());
            checksum = found.iter().flatten().map(|c| f64::from(c.score)).sum();
        }
        println!(
            "{rescoring:?}: n {} queries {} batch {:.1} q/s (best of 3), score checksum {checksum:.6}",
            gallery.len(),
            probes.len(),
            probes.len() as f64 / best
        );
    }
    Ok(())
}
