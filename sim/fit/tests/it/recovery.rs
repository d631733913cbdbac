//! Recovery: simulate from known parameters (seeded), fit, and check that the intervals cover
//! the truth about as often as they claim, that AIC finds the true family, and that the
//! bootstrap p-values are roughly uniform under the null and small under an alternative.

use navbat_fit::{
    CensoredSample, Distribution, Family, GofConfig, Sample, bootstrap_gof, dispersion_test, fit,
    fit_censored, logistic_trend, piecewise_rate, select_by_aic,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution as _, Poisson};

const REPS: u64 = 200;

fn truths() -> [(Distribution, Vec<f64>); 4] {
    [
        (Distribution::Exponential { rate: 0.5 }, vec![0.5]),
        (Distribution::Gamma { shape: 2.5, rate: 0.8 }, vec![2.5, 0.8]),
        (Distribution::LogNormal { mu: 1.2, sigma: 0.6 }, vec![1.2, 0.6]),
        (Distribution::Weibull { shape: 1.6, scale: 4.0 }, vec![1.6, 4.0]),
    ]
}

fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

#[test]
fn complete_sample_intervals_cover_the_truth() {
    for (truth, params) in truths() {
        let family = truth.family();
        let mut covered = vec![0u64; params.len()];
        for rep in 0..REPS {
            let draws = truth.sample_n(100, &mut rng(10_000 + rep));
            let f = fit(family, &Sample::new(&draws).unwrap()).unwrap();
            for (i, &p) in params.iter().enumerate() {
                covered[i] += u64::from(f.parameters[i].covers(p));
            }
        }
        for (i, c) in covered.iter().enumerate() {
            let share = *c as f64 / REPS as f64;
            assert!(share >= 0.90, "{family} parameter {i}: coverage {share}");
        }
    }
}

#[test]
fn censored_intervals_cover_the_truth() {
    // Patience from the truth, waits exponential with mean 3: a served caller (wait shorter
    // than patience) is censored at the wait.
    let waits = Distribution::Exponential { rate: 1.0 / 3.0 };
    let cases = [
        (Distribution::Exponential { rate: 0.2 }, vec![0.2]),
        (Distribution::Weibull { shape: 0.8, scale: 5.0 }, vec![0.8, 5.0]),
        (Distribution::LogNormal { mu: 1.5, sigma: 0.9 }, vec![1.5, 0.9]),
    ];
    for (truth, params) in cases {
        let family = truth.family();
        let mut covered = vec![0u64; params.len()];
        for rep in 0..REPS {
            let mut r = rng(20_000 + rep);
            let patience = truth.sample_n(300, &mut r);
            let wait = waits.sample_n(300, &mut r);
            let (mut events, mut censored) = (Vec::new(), Vec::new());
            for (p, w) in patience.into_iter().zip(wait) {
                if p <= w { events.push(p) } else { censored.push(w) }
            }
            let f =
                fit_censored(family, &CensoredSample::new(&events, &censored).unwrap()).unwrap();
            for (i, &p) in params.iter().enumerate() {
                covered[i] += u64::from(f.parameters[i].covers(p));
            }
        }
        for (i, c) in covered.iter().enumerate() {
            let share = *c as f64 / REPS as f64;
            assert!(share >= 0.90, "censored {family} parameter {i}: coverage {share}");
        }
    }
}

#[test]
fn aic_finds_the_true_family_at_n_2000() {
    for (truth, _) in truths() {
        let family = truth.family();
        let mut chosen = std::collections::HashMap::new();
        for rep in 0..100 {
            let draws = truth.sample_n(2_000, &mut rng(30_000 + rep));
            let sel = select_by_aic(&Sample::new(&draws).unwrap(), &Family::ALL).unwrap();
            *chosen.entry(sel.best().distribution.family()).or_insert(0) += 1;
        }
        let right = chosen.get(&family).copied().unwrap_or(0);
        if family == Family::Exponential {
            // Nested in gamma and Weibull (shape 1): each beats it by AIC when its likelihood
            // ratio exceeds 2, P(χ²₁ > 2) = 0.157, so about 3 in 4 choose the exponential, and
            // the lognormal (not nesting it) should never win.
            assert!(right >= 65, "exponential chosen {right} of 100: {chosen:?}");
            assert!(!chosen.contains_key(&Family::LogNormal), "{chosen:?}");
        } else {
            assert!(right >= 97, "{family} chosen {right} of 100: {chosen:?}");
        }
    }
}

#[test]
fn bootstrap_p_values_are_roughly_uniform_under_the_null() {
    for (truth, _) in truths().into_iter().skip(1) {
        let family = truth.family();
        let p_values: Vec<(f64, f64)> = (0..REPS)
            .map(|rep| {
                let draws = truth.sample_n(50, &mut rng(40_000 + rep));
                let g =
                    bootstrap_gof(family, &Sample::new(&draws).unwrap(), GofConfig::new(49, rep))
                        .unwrap();
                (g.ks_p_value, g.ad_p_value)
            })
            .collect();
        for (name, pick) in [("KS", 0), ("AD", 1)] {
            let ps: Vec<f64> = p_values.iter().map(|p| if pick == 0 { p.0 } else { p.1 }).collect();
            let below = |x: f64| ps.iter().filter(|&&p| p <= x).count() as f64 / REPS as f64;
            // Under the null P(p ≤ 0.1) = 0.1 and P(p ≤ 0.5) = 0.5 (B = 49: p on a grid of 1/50).
            assert!((0.03..=0.18).contains(&below(0.1)), "{family} {name}: {}", below(0.1));
            assert!((0.38..=0.62).contains(&below(0.5)), "{family} {name}: {}", below(0.5));
        }
    }
}

#[test]
fn bootstrap_rejects_a_wrong_family() {
    let truth = Distribution::Weibull { shape: 1.6, scale: 4.0 };
    let draws = truth.sample_n(500, &mut rng(50_000));
    let s = Sample::new(&draws).unwrap();
    let wrong = bootstrap_gof(Family::Exponential, &s, GofConfig::new(199, 1)).unwrap();
    assert!(wrong.ad_p_value <= 0.01 && wrong.ks_p_value <= 0.01, "{wrong:?}");
    let right = bootstrap_gof(Family::Weibull, &s, GofConfig::new(199, 1)).unwrap();
    assert!(right.ad_p_value > 0.01, "{right:?}");
}

#[test]
fn large_samples_are_tested_on_the_stated_subsample() {
    let truth = Distribution::LogNormal { mu: 0.0, sigma: 1.0 };
    let draws = truth.sample_n(30_000, &mut rng(60_000));
    let s = Sample::new(&draws).unwrap();
    let config = GofConfig { max_n: 2_000, ..GofConfig::new(20, 3) };
    let g = bootstrap_gof(Family::LogNormal, &s, config).unwrap();
    assert_eq!((g.n_tested, g.replicates, g.failed_refits), (2_000, 20, 0));
    assert_eq!(g, bootstrap_gof(Family::LogNormal, &s, config).unwrap());
}

#[test]
fn poisson_rates_and_the_dispersion_test_behave() {
    let truth = [0.5, 3.0, 12.0, 40.0];
    let exposure = [10.0, 4.0, 2.0, 1.0];
    let mut covered = 0;
    let mut rejected = 0;
    for rep in 0..REPS {
        let mut r = rng(70_000 + rep);
        let counts: Vec<u64> = truth
            .iter()
            .zip(exposure)
            .map(|(l, e)| Poisson::new(l * e).unwrap().sample(&mut r) as u64)
            .collect();
        let fit = piecewise_rate(&counts, &exposure).unwrap();
        covered += fit
            .pieces
            .iter()
            .zip(truth)
            .filter(|(p, l)| p.ci95_low <= *l && *l <= p.ci95_high)
            .count();
        let days: Vec<u64> =
            (0..28).map(|_| Poisson::new(200.0).unwrap().sample(&mut r) as u64).collect();
        rejected += u32::from(dispersion_test(&days).unwrap().p_over <= 0.05);
    }
    // Garwood's interval is exact (conservative): coverage at least 95 %, less noise.
    let share = covered as f64 / (REPS as f64 * truth.len() as f64);
    assert!(share >= 0.93, "Garwood coverage {share}");
    // Poisson days: the test rejects about 5 % of the time.
    assert!((2..=20).contains(&rejected), "rejected {rejected} of {REPS}");
    // Over-dispersed days (a day-level gamma factor with CV 0.2) are detected.
    let mut r = rng(80_000);
    let factor = Distribution::Gamma { shape: 25.0, rate: 25.0 };
    let days: Vec<u64> = factor
        .sample_n(28, &mut r)
        .into_iter()
        .map(|f| Poisson::new(200.0 * f).unwrap().sample(&mut r) as u64)
        .collect();
    let d = dispersion_test(&days).unwrap();
    assert!(d.p_over < 0.01 && d.index > 2.0, "{d:?}");
}

#[test]
fn logistic_trend_intervals_cover_the_truth() {
    // Kiosk adoption: logit p = −2 + 0.15·month over 12 months, 300 applicants a month.
    let months: Vec<f64> = (0..12).map(f64::from).collect();
    let (a, b) = (-2.0, 0.15);
    let mut covered = [0; 2];
    for rep in 0..REPS {
        let mut r = rng(90_000 + rep);
        let trials = vec![300u64; 12];
        let successes: Vec<u64> = months
            .iter()
            .map(|t| {
                let p = 1.0 / (1.0 + (-(a + b * t)).exp());
                Binomial::new(300, p).unwrap().sample(&mut r)
            })
            .collect();
        let t = logistic_trend(&months, &successes, &trials).unwrap();
        covered[0] += u32::from(t.intercept.covers(a));
        covered[1] += u32::from(t.slope.covers(b));
    }
    for c in covered {
        assert!(f64::from(c) / REPS as f64 >= 0.90, "coverage {c} of {REPS}");
    }
}
