//! Arrivals: the piecewise-constant rate of a non-homogeneous Poisson process, and a test of
//! day-to-day counts against the Poisson.
//!
//! With rate λⱼ on piece j (an hour of the week, say) and exposure Eⱼ (the total time the
//! piece was open across the records), the log-likelihood Σⱼ (Nⱼ ln λⱼ − λⱼ Eⱼ) is maximised
//! by λⱼ = Nⱼ / Eⱼ. Its 95 % interval is Garwood's exact Poisson interval
//! [χ²(2N; 0.025)/2, χ²(2N + 2; 0.975)/2] / E (lower end 0 when N = 0).

use statrs::distribution::{ChiSquared, ContinuousCDF};

use crate::FitError;
use crate::sample::{check_finite, check_positive};

/// One piece of a piecewise-constant rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RatePiece {
    /// Events counted in the piece.
    pub events: u64,
    /// Exposure: time the piece was observed, in the caller's unit.
    pub exposure: f64,
    /// Maximum-likelihood rate, events per unit of exposure.
    pub rate: f64,
    /// Lower end of the exact 95 % interval.
    pub ci95_low: f64,
    /// Upper end of the exact 95 % interval.
    pub ci95_high: f64,
}

/// A fitted piecewise-constant Poisson rate.
#[derive(Debug, Clone, PartialEq)]
pub struct PiecewiseRate {
    /// The pieces, in the order given.
    pub pieces: Vec<RatePiece>,
    /// Maximised log-likelihood Σ (N ln λ − λE) of the event times (0·ln 0 = 0).
    pub log_likelihood: f64,
}

/// Garwood's exact 95 % interval for a Poisson rate from `events` in `exposure`.
pub fn garwood_interval(events: u64, exposure: f64) -> (f64, f64) {
    let n = events as f64;
    let quantile = |df: f64, p: f64| ChiSquared::new(df).map_or(f64::NAN, |c| c.inverse_cdf(p));
    let low = if events == 0 { 0.0 } else { quantile(2.0 * n, 0.025) / 2.0 };
    let high = quantile(2.0 * n + 2.0, 0.975) / 2.0;
    (low / exposure, high / exposure)
}

/// Fits the rate of each piece from its event count and exposure.
///
/// # Errors
/// [`FitError::Empty`], [`FitError::LengthMismatch`], and [`FitError::NotFinite`] /
/// [`FitError::OutOfRange`] for an exposure that is not a positive number.
pub fn piecewise_rate(counts: &[u64], exposures: &[f64]) -> Result<PiecewiseRate, FitError> {
    if counts.is_empty() {
        return Err(FitError::Empty { what: "counts" });
    }
    if counts.len() != exposures.len() {
        return Err(FitError::LengthMismatch {
            what: "counts and exposures",
            left: counts.len(),
            right: exposures.len(),
        });
    }
    check_positive("exposures", exposures)?;
    let pieces: Vec<RatePiece> = counts
        .iter()
        .zip(exposures)
        .map(|(&events, &exposure)| {
            let (ci95_low, ci95_high) = garwood_interval(events, exposure);
            RatePiece { events, exposure, rate: events as f64 / exposure, ci95_low, ci95_high }
        })
        .collect();
    let log_likelihood = pieces
        .iter()
        .map(|p| {
            let n = p.events as f64;
            if p.events == 0 { 0.0 } else { n * p.rate.ln() - n }
        })
        .sum();
    Ok(PiecewiseRate { pieces, log_likelihood })
}

/// Fits the rate on consecutive intervals [b₀, b₁), [b₁, b₂), … from event times, each
/// interval's exposure being its length.
///
/// # Errors
/// As [`piecewise_rate`], plus [`FitError::TooFew`] for fewer than two breaks,
/// [`FitError::OutOfRange`] for breaks that do not increase or an event outside [b₀, bₘ).
pub fn piecewise_rate_from_times(
    event_times: &[f64],
    breaks: &[f64],
) -> Result<PiecewiseRate, FitError> {
    if breaks.len() < 2 {
        return Err(FitError::TooFew { what: "breaks", got: breaks.len(), needed: 2 });
    }
    check_finite("breaks", breaks)?;
    check_finite("event times", event_times)?;
    if let Some(i) = breaks.windows(2).position(|w| w[1] <= w[0]) {
        return Err(FitError::OutOfRange {
            what: "breaks",
            index: i + 1,
            value: breaks[i + 1],
            expected: "greater than the break before it",
        });
    }
    let (first, last) = (breaks[0], breaks[breaks.len() - 1]);
    let mut counts = vec![0u64; breaks.len() - 1];
    for (index, &t) in event_times.iter().enumerate() {
        if !(first..last).contains(&t) {
            return Err(FitError::OutOfRange {
                what: "event times",
                index,
                value: t,
                expected: "within [first break, last break)",
            });
        }
        counts[breaks.partition_point(|&b| b <= t) - 1] += 1;
    }
    let exposures: Vec<f64> = breaks.windows(2).map(|w| w[1] - w[0]).collect();
    piecewise_rate(&counts, &exposures)
}

/// The index-of-dispersion test of counts (days) against the Poisson.
///
/// Within each group (a weekday, say) the counts are taken to share a mean, estimated by the
/// group's average x̄_g; the statistic D = Σ (x − x̄_g)² / x̄_g is χ² with (days − groups)
/// degrees of freedom under the Poisson. Over-dispersion (variance above the mean, as
/// office arrivals usually show) gives a large D and a small `p_over`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dispersion {
    /// Number of counts (days).
    pub days: usize,
    /// Number of groups.
    pub groups: usize,
    /// Dispersion index D / df: variance over mean, 1 under the Poisson.
    pub index: f64,
    /// The statistic D.
    pub statistic: f64,
    /// Degrees of freedom, days − groups.
    pub df: usize,
    /// P(χ²(df) ≥ D): small when the counts are over-dispersed.
    pub p_over: f64,
    /// P(χ²(df) ≤ D): small when the counts are under-dispersed (too regular).
    pub p_under: f64,
}

/// Index-of-dispersion test of `counts` against a Poisson with one common mean.
///
/// # Errors
/// As [`dispersion_test_by_group`].
pub fn dispersion_test(counts: &[u64]) -> Result<Dispersion, FitError> {
    dispersion_test_by_group(counts, &vec![0; counts.len()])
}

/// Index-of-dispersion test with one mean per group; `groups[i]` labels `counts[i]`.
///
/// # Errors
/// [`FitError::Empty`], [`FitError::LengthMismatch`]; [`FitError::TooFew`] with no degree of
/// freedom left; [`FitError::NoMaximum`] if a group has no events at all (its mean is 0, the
/// statistic undefined).
pub fn dispersion_test_by_group(counts: &[u64], groups: &[usize]) -> Result<Dispersion, FitError> {
    if counts.is_empty() {
        return Err(FitError::Empty { what: "counts" });
    }
    if counts.len() != groups.len() {
        return Err(FitError::LengthMismatch {
            what: "counts and groups",
            left: counts.len(),
            right: groups.len(),
        });
    }
    let labels = groups.iter().max().map_or(0, |m| m + 1);
    let mut sum = vec![0.0; labels];
    let mut size = vec![0usize; labels];
    for (&c, &g) in counts.iter().zip(groups) {
        sum[g] += c as f64;
        size[g] += 1;
    }
    let used = size.iter().filter(|&&s| s > 0).count();
    if counts.len() <= used {
        return Err(FitError::TooFew {
            what: "counts (days) beyond one per group",
            got: counts.len(),
            needed: used + 1,
        });
    }
    if (0..labels).any(|g| size[g] > 0 && sum[g] == 0.0) {
        return Err(FitError::NoMaximum {
            model: "dispersion test",
            reason: "a group has no events: its Poisson mean is 0",
        });
    }
    let statistic: f64 = counts
        .iter()
        .zip(groups)
        .map(|(&c, &g)| {
            let mean = sum[g] / size[g] as f64;
            (c as f64 - mean).powi(2) / mean
        })
        .sum();
    let df = counts.len() - used;
    let chi = ChiSquared::new(df as f64).map_err(|_| FitError::NoMaximum {
        model: "dispersion test",
        reason: "chi-square distribution undefined",
    })?;
    Ok(Dispersion {
        days: counts.len(),
        groups: used,
        index: statistic / df as f64,
        statistic,
        df,
        p_over: chi.sf(statistic),
        p_under: chi.cdf(statistic),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garwood_matches_published_table() {
        // Exact Poisson 95 % limits (e.g. Ulm 1990; Garwood 1936): N = 0: [0, 3.689],
        // N = 1: [0.0253, 5.572], N = 10: [4.795, 18.390].
        let cases = [(0, 0.0, 3.689), (1, 0.0253, 5.572), (10, 4.795, 18.390)];
        for (n, lo, hi) in cases {
            let (l, h) = garwood_interval(n, 1.0);
            assert!((l - lo).abs() < 6e-4 && (h - hi).abs() < 6e-4, "{n}: {l} {h}");
        }
        // Exposure scales the interval.
        let (l, h) = garwood_interval(10, 2.0);
        assert!((l - 4.795 / 2.0).abs() < 6e-4 && (h - 18.390 / 2.0).abs() < 6e-4);
    }

    #[test]
    fn rates_are_counts_over_exposure() {
        let r =
            piecewise_rate_from_times(&[0.5, 1.5, 1.7, 2.9, 3.0], &[0.0, 1.0, 3.0, 4.0]).unwrap();
        let rates: Vec<f64> = r.pieces.iter().map(|p| p.rate).collect();
        assert_eq!(rates, vec![1.0, 1.5, 1.0]);
        // Σ N ln λ − N: 0 + 3 ln 1.5 − 3 + 0 − 1 − 1.
        assert!((r.log_likelihood - (3.0 * 1.5f64.ln() - 5.0)).abs() < 1e-12);
        assert!(matches!(
            piecewise_rate_from_times(&[4.0], &[0.0, 4.0]),
            Err(FitError::OutOfRange { what: "event times", .. })
        ));
        assert!(matches!(
            piecewise_rate_from_times(&[1.0], &[0.0, 2.0, 2.0]),
            Err(FitError::OutOfRange { what: "breaks", index: 2, .. })
        ));
        assert!(matches!(
            piecewise_rate(&[1, 2], &[1.0, 0.0]),
            Err(FitError::OutOfRange { what: "exposures", index: 1, .. })
        ));
        assert!(matches!(piecewise_rate(&[1, 2], &[1.0]), Err(FitError::LengthMismatch { .. })));
    }

    #[test]
    fn dispersion_hand_worked() {
        // Counts 8, 12, 10, 14, 6: mean 10, Σ(x − 10)² = 40, D = 4, df = 4.
        let d = dispersion_test(&[8, 12, 10, 14, 6]).unwrap();
        assert_eq!((d.statistic, d.df), (4.0, 4));
        assert!((d.index - 1.0).abs() < 1e-15);
        // P(χ²(4) ≥ 4) = e^(−2)(1 + 2) = 0.40601.
        assert!((d.p_over - 3.0 * (-2.0f64).exp()).abs() < 1e-12);
        // By group: (8, 12) mean 10 and (10, 14, 6) mean 10: the same statistic, df 3.
        let g = dispersion_test_by_group(&[8, 12, 10, 14, 6], &[0, 0, 1, 1, 1]).unwrap();
        assert_eq!((g.statistic, g.df, g.groups), (4.0, 3, 2));
        assert!(matches!(dispersion_test(&[3]), Err(FitError::TooFew { .. })));
        assert!(matches!(dispersion_test(&[0, 0]), Err(FitError::NoMaximum { .. })));
    }
}
