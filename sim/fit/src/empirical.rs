//! The empirical distribution of a sample, with the Dvoretzky–Kiefer–Wolfowitz 95 % band.

use rand::{Rng, RngExt};

use crate::FitError;
use crate::sample::check_finite;

/// The empirical distribution: mass 1/n on each observed value.
///
/// It has no parameters to compare by AIC; use it when no family fits (the goodness-of-fit
/// p-values say so), resampling the records themselves.
#[derive(Debug, Clone, PartialEq)]
pub struct Empirical {
    sorted: Vec<f64>,
}

impl Empirical {
    /// Builds from finite `values` (any sign).
    ///
    /// # Errors
    /// [`FitError::Empty`], [`FitError::NotFinite`].
    pub fn new(values: &[f64]) -> Result<Self, FitError> {
        if values.is_empty() {
            return Err(FitError::Empty { what: "sample" });
        }
        check_finite("sample", values)?;
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        Ok(Self { sorted })
    }

    /// The values in increasing order.
    pub fn sorted(&self) -> &[f64] {
        &self.sorted
    }

    /// F̂(x) = #{xᵢ ≤ x} / n.
    pub fn cdf(&self, x: f64) -> f64 {
        self.sorted.partition_point(|&v| v <= x) as f64 / self.sorted.len() as f64
    }

    /// The smallest observed x with F̂(x) ≥ p, for 0 ≤ p ≤ 1 (NaN outside): the left-continuous
    /// inverse (Hyndman & Fan type 1), so every quantile is an observed value.
    pub fn quantile(&self, p: f64) -> f64 {
        if !(0.0..=1.0).contains(&p) {
            return f64::NAN;
        }
        let n = self.sorted.len();
        let rank = (p * n as f64).ceil() as usize;
        self.sorted[rank.clamp(1, n) - 1]
    }

    /// The arithmetic mean.
    pub fn mean(&self) -> f64 {
        self.sorted.iter().sum::<f64>() / self.sorted.len() as f64
    }

    /// Half-width ε of the DKW 95 % band: P(sup |F̂ − F| > ε) ≤ 0.05 with
    /// ε = √(ln(2/0.05) / (2n)) (Massart's constant), whatever F is.
    pub fn dkw_half_width(&self) -> f64 {
        ((2.0f64 / 0.05).ln() / (2.0 * self.sorted.len() as f64)).sqrt()
    }

    /// One draw: an observed value chosen uniformly (the bootstrap's resampling).
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.sorted[rng.random_range(0..self.sorted.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn cdf_and_quantile_are_the_step_function_and_its_inverse() {
        let e = Empirical::new(&[3.0, 1.0, 2.0, 2.0]).unwrap();
        assert_eq!(e.cdf(0.5), 0.0);
        assert_eq!(e.cdf(2.0), 0.75);
        assert_eq!(e.cdf(3.0), 1.0);
        assert_eq!(e.quantile(0.0), 1.0);
        assert_eq!(e.quantile(0.25), 1.0);
        assert_eq!(e.quantile(0.26), 2.0);
        assert_eq!(e.quantile(1.0), 3.0);
        assert!(e.quantile(1.5).is_nan());
        assert_eq!(e.mean(), 2.0);
        // ε = √(ln 40 / 8) = 0.6791…
        assert!((e.dkw_half_width() - (40f64.ln() / 8.0).sqrt()).abs() < 1e-15);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        assert!((0..20).all(|_| e.sorted().contains(&e.sample(&mut rng))));
    }

    #[test]
    fn bad_input_is_refused() {
        assert!(matches!(Empirical::new(&[]), Err(FitError::Empty { .. })));
        assert!(matches!(
            Empirical::new(&[1.0, f64::INFINITY]),
            Err(FitError::NotFinite { index: 1, .. })
        ));
    }
}
