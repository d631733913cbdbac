//! Times navbat-fit's iterative likelihood fits (gamma, Weibull, censored lognormal and
//! Weibull, logistic trend) and the bootstrap p-values built on them, on fixed seeded data.
//!
//! ```text
//! cargo run --release -p navbat-fit --example solver_timing -- [ROUNDS]
//! ```
//!
//! Each round fits every model once per repetition and records the round's mean time per fit;
//! the median over rounds (default 15) is printed in microseconds, with the minimum and maximum,
//! so two builds can be compared by running them in turn; each fit's estimate and iteration
//! count are printed too. The bootstrap (gamma and Weibull, B = 199 on 10 000 values, the
//! setting of `navbat calibrate`) is timed over min(ROUNDS, 5) runs.

use std::error::Error;
use std::time::Instant;

use navbat_fit::{
    CensoredSample, Distribution, Family, GofConfig, Sample, bootstrap_gof, fit, fit_censored,
    logistic_trend,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Fits per round for each model (the logistic trend is cheap, so it gets more).
const REPS: usize = 40;

fn main() -> Result<(), Box<dyn Error>> {
    let rounds: usize = std::env::args().nth(1).map_or(Ok(15), |s| s.parse())?;
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let n = 10_000;
    let gamma = Sample::new(&Distribution::Gamma { shape: 2.5, rate: 0.4 }.sample_n(n, &mut rng))?;
    let weibull =
        Sample::new(&Distribution::Weibull { shape: 1.4, scale: 6.0 }.sample_n(n, &mut rng))?;
    // Patience lognormal(1.2, 0.8) censored by an exponential wait of mean 4: about half seen.
    let patience = Distribution::LogNormal { mu: 1.2, sigma: 0.8 }.sample_n(n, &mut rng);
    let waits = Distribution::Exponential { rate: 0.25 }.sample_n(n, &mut rng);
    let (mut events, mut censored) = (Vec::new(), Vec::new());
    for (p, w) in patience.iter().zip(&waits) {
        if p <= w { events.push(*p) } else { censored.push(*w) }
    }
    let patience = CensoredSample::new(&events, &censored)?;
    // Kiosk adoption over 12 months: logit p = −1.5 + 0.2 t, 3 000 visits a month.
    let months: Vec<f64> = (0..12).map(f64::from).collect();
    let trials = vec![3_000_u64; 12];
    let successes: Vec<u64> = months
        .iter()
        .map(|t| {
            let p = 1.0 / (1.0 + (1.5 - 0.2 * t).exp());
            (0..3_000).filter(|_| rand::RngExt::random::<f64>(&mut rng) < p).count() as u64
        })
        .collect();

    type Job<'a> = (&'a str, Box<dyn Fn() -> Result<(Vec<f64>, usize), navbat_fit::FitError> + 'a>);
    let values =
        |f: navbat_fit::Fit| (f.parameters.iter().map(|p| p.value).collect(), f.iterations);
    let jobs: Vec<Job> = vec![
        ("gamma n=10000", Box::new(|| fit(Family::Gamma, &gamma).map(values))),
        ("weibull n=10000", Box::new(|| fit(Family::Weibull, &weibull).map(values))),
        (
            "censored lognormal n=10000",
            Box::new(|| fit_censored(Family::LogNormal, &patience).map(values)),
        ),
        (
            "censored weibull n=10000",
            Box::new(|| fit_censored(Family::Weibull, &patience).map(values)),
        ),
        (
            "logistic trend 12 months",
            Box::new(|| {
                logistic_trend(&months, &successes, &trials)
                    .map(|t| (vec![t.intercept.value, t.slope.value], t.iterations))
            }),
        ),
    ];
    // What `navbat calibrate` repeats: parametric-bootstrap p-values, B = 199 refits of the
    // chosen family on 10 000 values (its default), timed once per round.
    for (name, family, sample) in [
        ("bootstrap gamma B=199", Family::Gamma, &gamma),
        ("bootstrap weibull B=199", Family::Weibull, &weibull),
    ] {
        let mut ms = Vec::with_capacity(rounds);
        let mut p_value = f64::NAN;
        for _ in 0..rounds.min(5) {
            let start = Instant::now();
            p_value = bootstrap_gof(family, sample, GofConfig::new(199, 7))?.ad_p_value;
            ms.push(start.elapsed().as_secs_f64() * 1e3);
        }
        ms.sort_by(f64::total_cmp);
        println!(
            "{name:<28} median {:>9.1} ms (min {:.1}, max {:.1}; {} runs) AD p = {p_value}",
            ms[ms.len() / 2],
            ms[0],
            ms[ms.len() - 1],
            ms.len(),
        );
    }
    for (name, job) in &jobs {
        let (params, iterations) = job()?;
        let mut per_fit_us = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let start = Instant::now();
            for _ in 0..REPS {
                std::hint::black_box(job()?);
            }
            per_fit_us.push(start.elapsed().as_secs_f64() * 1e6 / REPS as f64);
        }
        per_fit_us.sort_by(f64::total_cmp);
        println!(
            "{name:<28} median {:>9.1} µs/fit (min {:.1}, max {:.1}; {rounds} rounds × {REPS}) \
             iterations {iterations:>3}  estimate {params:.15?}",
            per_fit_us[rounds / 2],
            per_fit_us[0],
            per_fit_us[rounds - 1],
        );
    }
    Ok(())
}
