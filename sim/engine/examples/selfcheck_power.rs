//! Measures what the self-checks promise: over many seeds, how often each check rejects a
//! theory value off by the design's bias (the realised power, promised ≥ 0.9), and how often
//! the eight together reject the true values (the family's false alarms, promised ≤ 0.05).
//!
//! `cargo run --release -p navbat-engine --example selfcheck_power -- [SEEDS] [quick]`

use navbat_engine::{SelfcheckDesign, run_selfcheck_against};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let seeds: u64 = args.next().map_or(Ok(40), |s| s.parse())?;
    let design = if args.next().as_deref() == Some("quick") {
        SelfcheckDesign::quick()
    } else {
        SelfcheckDesign::full()
    };
    let mut names = Vec::new();
    let mut detected = Vec::new();
    let mut false_alarms = 0u64;
    for seed in 1..=seeds {
        for (factor, side) in [(1.0 + design.relative_bias, 0), (1.0 - design.relative_bias, 1)] {
            let f = run_selfcheck_against(&design, 1_000 + 2 * seed + side, factor, &|_| {})?;
            if names.is_empty() {
                names = f.checks.iter().map(|c| c.name.clone()).collect();
                detected = vec![0u64; names.len()];
            }
            for (d, c) in detected.iter_mut().zip(&f.checks) {
                // Rejected: the shifted value lies outside the interval.
                *d += u64::from(!(c.ci_low <= c.theory && c.theory <= c.ci_high));
            }
        }
        let truth = run_selfcheck_against(&design, seed, 1.0, &|_| {})?;
        false_alarms += u64::from(
            truth.checks.iter().any(|c| !(c.ci_low <= c.theory && c.theory <= c.ci_high)),
        );
    }
    println!(
        "{} design, {seeds} seeds: each check against its theory ±{:.0} % ({} runs a check)",
        design.mode,
        100.0 * design.relative_bias,
        2 * seeds
    );
    for (n, d) in names.iter().zip(&detected) {
        let p = *d as f64 / (2 * seeds) as f64;
        let se = (p * (1.0 - p) / (2 * seeds) as f64).sqrt();
        println!(
            "{n:<22} detected {d:>4} of {:>4}: {p:.3} ± {:.3} (1.96 s.e.)",
            2 * seeds,
            1.96 * se
        );
    }
    let (low, high) = wilson(false_alarms, seeds);
    println!(
        "true values: {false_alarms} of {seeds} runs had a check reject (family false alarms; \
         Wilson 95 %: {low:.3} to {high:.3})"
    );
    Ok(())
}

/// Wilson's 95 % score interval of a proportion of `k` in `n`.
fn wilson(k: u64, n: u64) -> (f64, f64) {
    let (k, n, z) = (k as f64, n as f64, 1.959_964);
    let p = k / n;
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}
