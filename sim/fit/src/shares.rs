//! Shares: multinomial proportions with binomial intervals, and a logistic trend of a share
//! over time (kiosk adoption month by month).

use statrs::distribution::{Beta, ContinuousCDF};

use crate::FitError;
use crate::continuous::Parameter;
use crate::sample::check_finite;
use crate::solve::{LogLikelihood2, maximise_2d};
use crate::special::{Z_975, inverse_pd};

/// How a 95 % interval for a proportion is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProportionInterval {
    /// Wilson's score interval: close to nominal coverage, never outside [0, 1].
    Wilson,
    /// Clopper–Pearson's exact interval from beta quantiles: coverage at least 95 %.
    ClopperPearson,
}

/// One category's share of the total.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Share {
    /// Count in the category.
    pub count: u64,
    /// count / total.
    pub share: f64,
    /// Lower end of the 95 % interval.
    pub ci95_low: f64,
    /// Upper end of the 95 % interval.
    pub ci95_high: f64,
}

/// 95 % interval for a proportion `successes` / `trials` (`trials` > 0, `successes` ≤ `trials`).
pub fn proportion_interval(successes: u64, trials: u64, method: ProportionInterval) -> (f64, f64) {
    let (x, n) = (successes as f64, trials as f64);
    match method {
        ProportionInterval::Wilson => {
            let z2 = Z_975 * Z_975;
            let p = x / n;
            let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
            let half = Z_975 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
            ((centre - half).max(0.0), (centre + half).min(1.0))
        }
        ProportionInterval::ClopperPearson => {
            let q = |a: f64, b: f64, p: f64| Beta::new(a, b).map_or(f64::NAN, |d| d.inverse_cdf(p));
            let low = if successes == 0 { 0.0 } else { q(x, n - x + 1.0, 0.025) };
            let high = if successes == trials { 1.0 } else { q(x + 1.0, n - x, 0.975) };
            (low, high)
        }
    }
}

/// Each category's share of the total with its own 95 % interval (marginal intervals, one
/// per category, not a simultaneous region).
///
/// # Errors
/// [`FitError::Empty`] with no categories or a zero total.
pub fn shares(counts: &[u64], method: ProportionInterval) -> Result<Vec<Share>, FitError> {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return Err(FitError::Empty { what: "share counts" });
    }
    Ok(counts
        .iter()
        .map(|&count| {
            let (ci95_low, ci95_high) = proportion_interval(count, total, method);
            Share { count, share: count as f64 / total as f64, ci95_low, ci95_high }
        })
        .collect())
}

/// A logistic trend logit p(t) = intercept + slope · t, fitted by maximum likelihood.
#[derive(Debug, Clone, PartialEq)]
pub struct LogisticTrend {
    /// Intercept (log-odds at t = 0) with its Wald 95 % interval.
    pub intercept: Parameter,
    /// Slope (change of log-odds per unit of t) with its Wald 95 % interval.
    pub slope: Parameter,
    /// Covariance of (intercept, slope): the inverse Fisher information.
    pub covariance: [[f64; 2]; 2],
    /// Maximised log-likelihood (binomial, without the binomial coefficients).
    pub log_likelihood: f64,
    /// Residual deviance against the saturated model; χ²(periods − 2) under the model.
    pub deviance: f64,
    /// Trust-region iterations of the maximisation.
    pub iterations: usize,
}

impl LogisticTrend {
    /// The fitted share at time `t` with a 95 % interval (Wald on the log-odds, mapped back).
    pub fn share_at(&self, t: f64) -> (f64, f64, f64) {
        let eta = self.intercept.value + self.slope.value * t;
        let c = &self.covariance;
        let var = c[0][0] + 2.0 * t * c[0][1] + t * t * c[1][1];
        let half = Z_975 * var.max(0.0).sqrt();
        (logistic(eta), logistic(eta - half), logistic(eta + half))
    }
}

fn logistic(eta: f64) -> f64 {
    1.0 / (1.0 + (-eta).exp())
}

/// Fits logit p(tᵢ) = a + b·tᵢ to `successes[i]` out of `trials[i]` in period tᵢ by maximum
/// likelihood: argmin's trust region (Steihaug's subproblem) on the binomial log-likelihood
/// with its analytic gradient and Hessian, time centred internally for conditioning, from the
/// pooled share and a zero slope; converged when the Newton step is below 1e-10 standard
/// errors or its predicted gain is below the rounding of ln L, then finished by one Newton
/// step on the gradient (the stopping rule is documented in the crate's `solve.rs`).
///
/// # Errors
/// [`FitError::LengthMismatch`], [`FitError::NotFinite`], [`FitError::OutOfRange`] for
/// successes above trials, [`FitError::TooFew`] with fewer than two distinct times carrying
/// trials, [`FitError::NoMaximum`] when the outcomes are separated in time (every success
/// after every failure or the reverse, including a share of 0 or 1 throughout): the slope's
/// maximum likelihood is then infinite; [`FitError::NoConvergence`] if the solver stops short.
pub fn logistic_trend(
    times: &[f64],
    successes: &[u64],
    trials: &[u64],
) -> Result<LogisticTrend, FitError> {
    for (what, len) in
        [("times and successes", successes.len()), ("times and trials", trials.len())]
    {
        if times.len() != len {
            return Err(FitError::LengthMismatch { what, left: times.len(), right: len });
        }
    }
    check_finite("times", times)?;
    if let Some(index) = (0..times.len()).find(|&i| successes[i] > trials[i]) {
        return Err(FitError::OutOfRange {
            what: "successes",
            index,
            value: successes[index] as f64,
            expected: "at most the trials of the same period",
        });
    }
    let rows: Vec<(f64, f64, f64)> = (0..times.len())
        .filter(|&i| trials[i] > 0)
        .map(|i| (times[i], successes[i] as f64, trials[i] as f64))
        .collect();
    let mut distinct: Vec<f64> = rows.iter().map(|r| r.0).collect();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    if distinct.len() < 2 {
        return Err(FitError::TooFew {
            what: "distinct times with trials",
            got: distinct.len(),
            needed: 2,
        });
    }
    let span = |keep: &dyn Fn(&(f64, f64, f64)) -> bool| {
        rows.iter()
            .filter(|r| keep(r))
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), r| (lo.min(r.0), hi.max(r.0)))
    };
    let with_success = span(&|r| r.1 > 0.0);
    let with_failure = span(&|r| r.1 < r.2);
    // Empty spans are (∞, −∞), so "no success at all" is also caught here.
    if with_failure.1 <= with_success.0 || with_success.1 <= with_failure.0 {
        return Err(FitError::NoMaximum {
            model: "logistic trend",
            reason: "successes and failures are separated in time: the slope is infinite",
        });
    }
    let weight: f64 = rows.iter().map(|r| r.2).sum();
    let centre = rows.iter().map(|r| r.0 * r.2).sum::<f64>() / weight;
    let pooled = rows.iter().map(|r| r.1).sum::<f64>() / weight;
    let centred = CentredTrend { rows: &rows, centre };
    let (beta, iterations) =
        maximise_2d("logistic trend", &centred, [(pooled / (1.0 - pooled)).ln(), 0.0])?;
    Ok(finish_trend(&rows, beta, centre, iterations))
}

/// The binomial log-likelihood of logit p = β₀ + β₁ (t − centre), without the binomial
/// coefficients, over rows (t, successes, trials).
struct CentredTrend<'a> {
    rows: &'a [(f64, f64, f64)],
    centre: f64,
}

impl LogLikelihood2 for CentredTrend<'_> {
    fn ln_l(&self, beta: [f64; 2]) -> f64 {
        // y η − n ln(1 + e^η), with ln(1 + e^η) computed without overflow.
        let softplus = |eta: f64| eta.max(0.0) + (-eta.abs()).exp().ln_1p();
        self.rows
            .iter()
            .map(|&(t, y, n)| {
                let eta = beta[0] + beta[1] * (t - self.centre);
                y * eta - n * softplus(eta)
            })
            .sum()
    }

    fn derivatives(&self, beta: [f64; 2]) -> ([f64; 2], [[f64; 2]; 2]) {
        let mut g = [0.0; 2];
        let mut h = [[0.0; 2]; 2];
        for &(t, y, n) in self.rows {
            let x = [1.0, t - self.centre];
            let p = logistic(beta[0] + beta[1] * x[1]);
            let w = n * p * (1.0 - p);
            for a in 0..2 {
                g[a] += (y - n * p) * x[a];
                for b in 0..2 {
                    h[a][b] -= w * x[a] * x[b];
                }
            }
        }
        (g, h)
    }
}

/// Intervals, likelihood and deviance at the centred maximum `beta`, reported on the
/// caller's time scale: a = a_c − b·centre, with the covariance transformed alike.
fn finish_trend(
    rows: &[(f64, f64, f64)],
    beta: [f64; 2],
    centre: f64,
    iterations: usize,
) -> LogisticTrend {
    let mut info = [[0.0; 2]; 2];
    let (mut ll, mut deviance) = (0.0, 0.0);
    let xlogy = |x: f64, y: f64| if x == 0.0 { 0.0 } else { x * y.ln() };
    for &(t, y, n) in rows {
        let x = [1.0, t - centre];
        let p = logistic(beta[0] + beta[1] * x[1]);
        let w = n * p * (1.0 - p);
        for a in 0..2 {
            for b in 0..2 {
                info[a][b] += w * x[a] * x[b];
            }
        }
        ll += xlogy(y, p) + xlogy(n - y, 1.0 - p);
        deviance += 2.0 * (xlogy(y, y / (n * p)) + xlogy(n - y, (n - y) / (n * (1.0 - p))));
    }
    // At a finite maximum with mixed outcomes the information is positive definite.
    let c = inverse_pd(info).unwrap_or([[f64::NAN; 2]; 2]);
    let covariance = [
        [c[0][0] - 2.0 * centre * c[0][1] + centre * centre * c[1][1], c[0][1] - centre * c[1][1]],
        [c[0][1] - centre * c[1][1], c[1][1]],
    ];
    let param = |name, value: f64, var: f64| {
        let half = Z_975 * var.sqrt();
        Parameter { name, value, ci95_low: value - half, ci95_high: value + half }
    };
    LogisticTrend {
        intercept: param("intercept", beta[0] - beta[1] * centre, covariance[0][0]),
        slope: param("slope", beta[1], covariance[1][1]),
        covariance,
        log_likelihood: ll,
        deviance,
        iterations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_and_clopper_pearson_match_newcombe_1998() {
        // Newcombe (1998), Statistics in Medicine 17:857–872, Table I: 81/263.
        let (l, h) = proportion_interval(81, 263, ProportionInterval::Wilson);
        assert!((l - 0.2553).abs() < 5e-5 && (h - 0.3662).abs() < 5e-5, "{l} {h}");
        let (l, h) = proportion_interval(81, 263, ProportionInterval::ClopperPearson);
        assert!((l - 0.2527).abs() < 5e-5 && (h - 0.3676).abs() < 5e-5, "{l} {h}");
        // 0/10: Wilson [0, 0.2775], Clopper–Pearson [0, 0.3085].
        let (l, h) = proportion_interval(0, 10, ProportionInterval::Wilson);
        assert!(l == 0.0 && (h - 0.2775).abs() < 5e-5, "{h}");
        let (l, h) = proportion_interval(0, 10, ProportionInterval::ClopperPearson);
        assert!(l == 0.0 && (h - 0.3085).abs() < 5e-5, "{h}");
    }

    #[test]
    fn shares_sum_to_one() {
        let s = shares(&[10, 30, 60], ProportionInterval::Wilson).unwrap();
        assert!((s.iter().map(|s| s.share).sum::<f64>() - 1.0).abs() < 1e-15);
        assert!(s.iter().all(|s| s.ci95_low < s.share && s.share < s.ci95_high));
        assert!(matches!(shares(&[0, 0], ProportionInterval::Wilson), Err(FitError::Empty { .. })));
    }

    #[test]
    fn separated_or_bad_trends_are_refused() {
        let t = [0.0, 1.0, 2.0];
        assert!(matches!(
            logistic_trend(&t, &[0, 0, 5], &[5, 5, 5]),
            Err(FitError::NoMaximum { .. })
        ));
        assert!(matches!(
            logistic_trend(&t, &[0, 0, 0], &[5, 5, 5]),
            Err(FitError::NoMaximum { .. })
        ));
        assert!(matches!(
            logistic_trend(&t, &[0, 6, 0], &[5, 5, 5]),
            Err(FitError::OutOfRange { index: 1, .. })
        ));
        assert!(matches!(
            logistic_trend(&t, &[0, 1], &[5, 5, 5]),
            Err(FitError::LengthMismatch { .. })
        ));
        assert!(matches!(
            logistic_trend(&[1.0, 1.0], &[1, 2], &[5, 5]),
            Err(FitError::TooFew { .. })
        ));
    }
}
