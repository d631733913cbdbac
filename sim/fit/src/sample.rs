//! Validated samples: positive durations, sorted, with the sums every fit needs.

use crate::FitError;

/// Checks that every value is finite; returns the first offender as an error.
pub(crate) fn check_finite(what: &'static str, values: &[f64]) -> Result<(), FitError> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(FitError::NotFinite { what, index, value: values[index] }),
        None => Ok(()),
    }
}

/// Checks that every value is finite and strictly positive.
pub(crate) fn check_positive(what: &'static str, values: &[f64]) -> Result<(), FitError> {
    check_finite(what, values)?;
    match values.iter().position(|&v| v <= 0.0) {
        Some(index) => Err(FitError::OutOfRange {
            what,
            index,
            value: values[index],
            expected: "greater than zero",
        }),
        None => Ok(()),
    }
}

/// Checks that every value is finite and not negative.
pub(crate) fn check_non_negative(what: &'static str, values: &[f64]) -> Result<(), FitError> {
    check_finite(what, values)?;
    match values.iter().position(|&v| v < 0.0) {
        Some(index) => Err(FitError::OutOfRange {
            what,
            index,
            value: values[index],
            expected: "zero or more",
        }),
        None => Ok(()),
    }
}

/// A sample of positive durations (any unit, used consistently), checked and sorted.
///
/// Every continuous family here lives on `(0, ∞)`, so a zero or negative value is refused
/// rather than silently dropped: the caller decides what a zero means in their records
/// (a rounding to the recording resolution, a data error) and says so.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    sorted: Vec<f64>,
    sum: f64,
    sum_ln: f64,
}

impl Sample {
    /// Fewest values any fit accepts.
    pub const MIN_LEN: usize = 2;

    /// Checks and sorts `values`.
    ///
    /// # Errors
    /// [`FitError::Empty`], [`FitError::NotFinite`], [`FitError::OutOfRange`] for a value
    /// ≤ 0, [`FitError::TooFew`] for fewer than [`Sample::MIN_LEN`] values or fewer than two
    /// distinct values (no spread: no two-parameter family can be fitted).
    pub fn new(values: &[f64]) -> Result<Self, FitError> {
        const WHAT: &str = "sample";
        if values.is_empty() {
            return Err(FitError::Empty { what: WHAT });
        }
        check_positive(WHAT, values)?;
        if values.len() < Self::MIN_LEN {
            return Err(FitError::TooFew {
                what: "sample values",
                got: values.len(),
                needed: Self::MIN_LEN,
            });
        }
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        if sorted[0] == sorted[sorted.len() - 1] {
            return Err(FitError::TooFew { what: "distinct sample values", got: 1, needed: 2 });
        }
        Ok(Self::from_sorted_unchecked(sorted))
    }

    /// Builds from values already known to be finite, positive, not all equal and sorted.
    pub(crate) fn from_sorted_unchecked(sorted: Vec<f64>) -> Self {
        let sum = sorted.iter().sum();
        let sum_ln = sorted.iter().map(|v| v.ln()).sum();
        Self { sorted, sum, sum_ln }
    }

    /// The values in increasing order.
    pub fn sorted(&self) -> &[f64] {
        &self.sorted
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    /// Always false: a `Sample` holds at least [`Sample::MIN_LEN`] values.
    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    /// Arithmetic mean.
    pub fn mean(&self) -> f64 {
        self.sum / self.n()
    }

    /// Mean of the natural logarithms.
    pub fn mean_ln(&self) -> f64 {
        self.sum_ln / self.n()
    }

    pub(crate) fn n(&self) -> f64 {
        self.sorted.len() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_values_are_typed_errors_with_their_position() {
        assert_eq!(Sample::new(&[]), Err(FitError::Empty { what: "sample" }));
        assert!(matches!(Sample::new(&[1.0, f64::NAN]), Err(FitError::NotFinite { index: 1, .. })));
        assert!(matches!(
            Sample::new(&[1.0, 2.0, -3.0]),
            Err(FitError::OutOfRange { index: 2, .. })
        ));
        assert!(matches!(Sample::new(&[0.0, 2.0]), Err(FitError::OutOfRange { index: 0, .. })));
        assert!(matches!(Sample::new(&[2.0]), Err(FitError::TooFew { .. })));
        assert!(matches!(Sample::new(&[2.0, 2.0, 2.0]), Err(FitError::TooFew { .. })));
    }

    #[test]
    fn sorts_and_sums() {
        let s = Sample::new(&[3.0, 1.0, 2.0]).unwrap();
        assert_eq!(s.sorted(), &[1.0, 2.0, 3.0]);
        assert_eq!(s.mean(), 2.0);
        assert!((s.mean_ln() - 6f64.ln() / 3.0).abs() < 1e-15);
    }
}
