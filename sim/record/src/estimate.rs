//! A point estimate with its 95 % confidence interval over replications.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Mean of independent replications with a two-sided 95 % Student-t confidence interval.
///
/// With one replication (or identical values) the interval collapses to the mean.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Sample mean.
    pub mean: f64,
    /// Lower end of the 95 % interval.
    pub ci95_low: f64,
    /// Upper end of the 95 % interval.
    pub ci95_high: f64,
}

impl Estimate {
    /// Estimate from one value per replication, summed in the given order.
    pub fn from_samples(values: &[f64]) -> Self {
        Self::with_level(values, 0.95)
    }

    /// Half-width of the interval.
    pub fn half_width(&self) -> f64 {
        (self.ci95_high - self.ci95_low) / 2.0
    }

    /// Estimate at another two-sided confidence `level` (e.g. 0.99); the fields keep their
    /// names but hold that level's bounds.
    pub fn with_level(values: &[f64], level: f64) -> Self {
        let n = values.len();
        if n == 0 {
            return Self { mean: f64::NAN, ci95_low: f64::NAN, ci95_high: f64::NAN };
        }
        let count = n as f64;
        let mean = values.iter().sum::<f64>() / count;
        if n == 1 {
            return Self { mean, ci95_low: mean, ci95_high: mean };
        }
        let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (count - 1.0);
        let se = (var / count).sqrt();
        let t = StudentsT::new(0.0, 1.0, count - 1.0)
            .map(|d| d.inverse_cdf(0.5 + level / 2.0))
            .unwrap_or(f64::NAN);
        Self { mean, ci95_low: mean - t * se, ci95_high: mean + t * se }
    }

    /// Whether `x` lies inside the interval (bounds included).
    pub fn contains(&self, x: f64) -> bool {
        self.ci95_low <= x && x <= self.ci95_high
    }
}
