//! Special functions statrs lacks (trigamma, the normal tail's log and hazard) and the
//! small linear algebra of two-parameter fits.

use statrs::function::erf::erfc;

/// The 97.5 % quantile of the standard normal distribution: 95 % two-sided intervals.
pub(crate) const Z_975: f64 = 1.959_963_984_540_054;

/// Trigamma ψ′(x) for x > 0: upward recurrence to x ≥ 10, then the asymptotic series
/// (absolute error below 1e-14 there).
pub(crate) fn trigamma(mut x: f64) -> f64 {
    let mut acc = 0.0;
    while x < 10.0 {
        acc += 1.0 / (x * x);
        x += 1.0;
    }
    let r = 1.0 / x;
    let r2 = r * r;
    // 1/x + 1/(2x²) + Σ B_{2k} / x^{2k+1}
    let series = r2
        * r
        * (1.0 / 6.0
            + r2 * (-1.0 / 30.0
                + r2 * (1.0 / 42.0
                    + r2 * (-1.0 / 30.0 + r2 * (5.0 / 66.0 - r2 * 691.0 / 2730.0)))));
    acc + r + 0.5 * r2 + series
}

/// ln of the standard normal upper tail, ln Q(z) = ln P(Z > z), accurate far into the tail.
pub(crate) fn ln_normal_tail(z: f64) -> f64 {
    if z < 30.0 {
        (0.5 * erfc(z / std::f64::consts::SQRT_2)).ln()
    } else {
        // Q(z) ≈ φ(z)/z · (1 − 1/z² + 3/z⁴): the asymptotic expansion, exact to double at z ≥ 30.
        let z2 = z * z;
        -0.5 * z2 - 0.5 * (2.0 * std::f64::consts::PI).ln() - z.ln()
            + (1.0 - 1.0 / z2 + 3.0 / (z2 * z2)).ln()
    }
}

/// Normal hazard (inverse Mills ratio) φ(z)/Q(z).
pub(crate) fn normal_hazard(z: f64) -> f64 {
    let ln_phi = -0.5 * z * z - 0.5 * (2.0 * std::f64::consts::PI).ln();
    (ln_phi - ln_normal_tail(z)).exp()
}

/// Inverse of a symmetric 2×2 matrix, `None` unless it is positive definite.
pub(crate) fn inverse_pd(m: [[f64; 2]; 2]) -> Option<[[f64; 2]; 2]> {
    let det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
    if !(m[0][0] > 0.0 && det > 0.0 && det.is_finite()) {
        return None;
    }
    Some([[m[1][1] / det, -m[0][1] / det], [-m[1][0] / det, m[0][0] / det]])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigamma_known_values() {
        // ψ′(1) = π²/6, ψ′(1/2) = π²/2, ψ′(2) = π²/6 − 1 (Abramowitz & Stegun 6.4.2–6.4.5).
        let pi2 = std::f64::consts::PI.powi(2);
        assert!((trigamma(1.0) - pi2 / 6.0).abs() < 1e-13);
        assert!((trigamma(0.5) - pi2 / 2.0).abs() < 1e-13);
        assert!((trigamma(2.0) - (pi2 / 6.0 - 1.0)).abs() < 1e-13);
        // Large x: ψ′(x) ≈ 1/x + 1/(2x²).
        assert!((trigamma(1e6) - (1e-6 + 0.5e-12)).abs() < 1e-18);
    }

    #[test]
    fn normal_tail_is_continuous_across_the_switch() {
        let below = ln_normal_tail(30.0 - 1e-9);
        let above = ln_normal_tail(30.0);
        assert!((below - above).abs() < 1e-8, "{below} {above}");
        // Q(1.959964) = 0.025 (statrs's erfc is good to about 1e-10 relative here).
        let q = ln_normal_tail(Z_975).exp();
        assert!((q - 0.025).abs() < 1e-11, "{q}");
        // Hazard at 0 is φ(0)/0.5 = 2/√(2π).
        assert!((normal_hazard(0.0) - 2.0 / (2.0 * std::f64::consts::PI).sqrt()).abs() < 1e-14);
    }
}
