//! Tests and precision over replications: one-sided paired t tests, Holm's step-down
//! adjustment across a family, the relative half-width the sequential procedure stops on and
//! the minimal detectable difference of a paired comparison.
//!
//! Every function takes one value per replication (or per paired replication) and assumes
//! the replications independent and their mean close to normal, as the Student-t interval of
//! [`crate::Estimate`] does.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// Which side of the null the alternative lies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// H1: the mean is below the null value.
    Below,
    /// H1: the mean is above the null value.
    Above,
}

/// Mean, sample standard deviation and count of `values` (standard deviation NaN below two).
fn moments(values: &[f64]) -> (f64, f64, usize) {
    let n = values.len();
    if n == 0 {
        return (f64::NAN, f64::NAN, 0);
    }
    let count = n as f64;
    let mean = values.iter().sum::<f64>() / count;
    if n < 2 {
        return (mean, f64::NAN, n);
    }
    let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (count - 1.0);
    (mean, var.sqrt(), n)
}

/// Quantile `p` of Student's t with `df` degrees of freedom (NaN when `df` < 1).
pub fn t_quantile(p: f64, df: f64) -> f64 {
    StudentsT::new(0.0, 1.0, df).map(|d| d.inverse_cdf(p)).unwrap_or(f64::NAN)
}

/// One-sided p-value of the t test of H0: mean = `null` against `side`, over one value per
/// replication. Fewer than two values give 1 (no evidence). With no spread at all the p-value
/// is 0 when the mean lies strictly on the alternative's side and 1 otherwise.
pub fn one_sided_p(values: &[f64], null: f64, side: Side) -> f64 {
    let (mean, sd, n) = moments(values);
    if n < 2 || !mean.is_finite() {
        return 1.0;
    }
    let beyond = match side {
        Side::Below => mean < null,
        Side::Above => mean > null,
    };
    let se = sd / (n as f64).sqrt();
    if se.is_nan() || se <= 0.0 {
        return if beyond { 0.0 } else { 1.0 };
    }
    let t = (mean - null) / se;
    let Ok(dist) = StudentsT::new(0.0, 1.0, n as f64 - 1.0) else { return 1.0 };
    match side {
        Side::Below => dist.cdf(t),
        Side::Above => 1.0 - dist.cdf(t),
    }
}

/// Holm's step-down adjusted p-values, in the order given: the family-wise error of
/// rejecting every hypothesis whose adjusted p-value is at most α is at most α, whatever the
/// dependence between the tests.
pub fn holm_adjusted(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
    let mut out = vec![1.0; m];
    let mut running = 0.0_f64;
    for (rank, &i) in order.iter().enumerate() {
        let adjusted = ((m - rank) as f64 * p[i]).min(1.0);
        running = running.max(adjusted);
        out[i] = running;
    }
    out
}

/// Half-width of the two-sided 95 % Student-t interval over `values`, divided by the
/// absolute mean (Law & Kelton's relative precision γ). Infinite below two values or at a
/// zero mean.
pub fn relative_half_width(values: &[f64]) -> f64 {
    let (mean, sd, n) = moments(values);
    if n < 2 || mean.is_nan() || mean == 0.0 {
        return f64::INFINITY;
    }
    let hw = t_quantile(0.975, n as f64 - 1.0) * sd / (n as f64).sqrt();
    if hw == 0.0 { 0.0 } else { hw / mean.abs() }
}

/// The smallest true mean difference a two-sided paired t test at level 0.05 would detect
/// with power 0.8, from the spread of `differences` (one per paired replication):
/// (t₀.₉₇₅ + t₀.₈₀) × s / √n with n − 1 degrees of freedom. NaN below two values.
pub fn minimal_detectable_difference(differences: &[f64]) -> f64 {
    let (_, sd, n) = moments(differences);
    if n < 2 {
        return f64::NAN;
    }
    let df = n as f64 - 1.0;
    (t_quantile(0.975, df) + t_quantile(0.8, df)) * sd / (n as f64).sqrt()
}

/// The ratio of two means over paired replications, ΣN/ΣD, with a two-sided 95 %
/// delta-method Student-t interval: the residuals Nᵢ − R̂·Dᵢ have standard deviation s, and
/// the ratio's standard error is s / (√n · D̄). The lower bound is clamped at zero (both
/// numerator and denominator are rates ≥ 0). NaN bounds below two replications; all NaN when
/// the denominator's mean is zero.
pub fn ratio_of_means(numerator: &[f64], denominator: &[f64]) -> crate::Estimate {
    let nan = crate::Estimate { mean: f64::NAN, ci95_low: f64::NAN, ci95_high: f64::NAN };
    let n = numerator.len().min(denominator.len());
    if n == 0 {
        return nan;
    }
    let count = n as f64;
    let (num_mean, den_mean) =
        (numerator[..n].iter().sum::<f64>() / count, denominator[..n].iter().sum::<f64>() / count);
    if den_mean == 0.0 || !den_mean.is_finite() || !num_mean.is_finite() {
        return nan;
    }
    let r = num_mean / den_mean;
    if n < 2 {
        return crate::Estimate { mean: r, ..nan };
    }
    let residuals: Vec<f64> =
        numerator[..n].iter().zip(denominator).map(|(a, b)| a - r * b).collect();
    let (_, sd, _) = moments(&residuals);
    let half = t_quantile(0.975, count - 1.0) * sd / (count.sqrt() * den_mean.abs());
    crate::Estimate { mean: r, ci95_low: (r - half).max(0.0), ci95_high: r + half }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holm_matches_a_worked_example() {
        // p sorted 0.01, 0.02, 0.04 with m = 3: 0.03, 0.04, 0.04 (monotone).
        let adj = holm_adjusted(&[0.04, 0.01, 0.02]);
        let want = [0.04, 0.03, 0.04];
        for (a, w) in adj.iter().zip(want) {
            assert!((a - w).abs() < 1e-12, "{adj:?}");
        }
        // 2 × 0.8 caps at 1, and monotonicity carries 1 to the larger p.
        assert_eq!(holm_adjusted(&[0.9, 0.8]), vec![1.0, 1.0]);
    }

    #[test]
    fn one_sided_p_follows_the_t_distribution() {
        // Mean 1, sd 1, n 4: t = 2 with 3 df; P(T > 2) = 0.0696 (tables).
        let v = [0.0, 1.0, 1.0, 2.0];
        let sd = (2.0_f64 / 3.0).sqrt();
        let t = 1.0 / (sd / 2.0);
        let p = one_sided_p(&v, 0.0, Side::Above);
        let want = 1.0 - StudentsT::new(0.0, 1.0, 3.0).map(|d| d.cdf(t)).unwrap_or(0.0);
        assert!((p - want).abs() < 1e-12);
        assert!((one_sided_p(&v, 0.0, Side::Below) - (1.0 - want)).abs() < 1e-12);
        assert_eq!(one_sided_p(&[-13.2], 0.0, Side::Below), 1.0, "one replication: no evidence");
        assert_eq!(one_sided_p(&[-1.0, -1.0], 0.0, Side::Below), 0.0);
        assert_eq!(one_sided_p(&[1.0, 1.0], 0.0, Side::Below), 1.0);
    }

    #[test]
    fn ratio_of_means_has_a_delta_method_interval() {
        // Numerators exactly twice the denominators: ratio 2 with no spread.
        let e = ratio_of_means(&[2.0, 4.0, 6.0], &[1.0, 2.0, 3.0]);
        assert_eq!((e.mean, e.ci95_low, e.ci95_high), (2.0, 2.0, 2.0));
        // Residuals 0.5, −0.5, 0.5, −0.5 about R = 2 (D̄ = 1): s = 0.577, se = 0.289.
        let e = ratio_of_means(&[2.5, 1.5, 2.5, 1.5], &[1.0, 1.0, 1.0, 1.0]);
        let half = 3.182_446 * (1.0_f64 / 3.0).sqrt() / 2.0;
        assert!((e.mean - 2.0).abs() < 1e-12 && (e.ci95_high - 2.0 - half).abs() < 1e-5);
        // A wide interval is clamped at zero; a zero denominator has no ratio.
        assert_eq!(ratio_of_means(&[0.0, 3.0], &[1.0, 1.0]).ci95_low, 0.0);
        assert!(ratio_of_means(&[1.0, 1.0], &[0.0, 0.0]).mean.is_nan());
        assert!(ratio_of_means(&[1.0], &[2.0]).ci95_low.is_nan());
    }

    #[test]
    fn precision_and_detectable_difference_need_two_values() {
        assert_eq!(relative_half_width(&[5.0]), f64::INFINITY);
        assert!(minimal_detectable_difference(&[5.0]).is_nan());
        // Mean 10, sd 1, n 4: 3.182 × 0.5 / 10.
        let r = relative_half_width(&[9.0, 10.0, 10.0, 11.0]);
        let sd = (2.0_f64 / 3.0).sqrt();
        assert!((r - 3.182_446 * sd / 2.0 / 10.0).abs() < 1e-5, "{r}");
        let mdd = minimal_detectable_difference(&[9.0, 10.0, 10.0, 11.0]);
        assert!((mdd - (3.182_446 + 0.978_472) * sd / 2.0).abs() < 1e-4, "{mdd}");
    }
}
