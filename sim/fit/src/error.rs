//! The one error type of navbat-fit: every bad input is a typed error that says where and what.

/// Why a fit, an estimate or a test could not be made.
///
/// Inputs are checked before any arithmetic, so a NaN, a negative duration or a sample too
/// small to estimate from is reported here and never reaches the numerics (nothing panics).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum FitError {
    /// The input holds no values.
    #[error("{what}: no values")]
    Empty {
        /// Which input (e.g. "sample", "event times").
        what: &'static str,
    },
    /// A value is NaN or infinite.
    #[error("{what}[{index}] is {value}, not a finite number")]
    NotFinite {
        /// Which input.
        what: &'static str,
        /// Position of the value in the input.
        index: usize,
        /// The value itself.
        value: f64,
    },
    /// A value is outside the allowed range (e.g. a duration that must be positive).
    #[error("{what}[{index}] is {value}; it must be {expected}")]
    OutOfRange {
        /// Which input.
        what: &'static str,
        /// Position of the value in the input.
        index: usize,
        /// The value itself.
        value: f64,
        /// The range it must lie in, in words.
        expected: &'static str,
    },
    /// Too few values (or too few distinct values, or too few events) to estimate from.
    #[error("{what}: {got} given, at least {needed} needed")]
    TooFew {
        /// What is counted.
        what: &'static str,
        /// How many there are.
        got: usize,
        /// How many are needed.
        needed: usize,
    },
    /// Two inputs that must have the same length do not.
    #[error("{what}: lengths differ ({left} against {right})")]
    LengthMismatch {
        /// Which inputs.
        what: &'static str,
        /// Length of the first.
        left: usize,
        /// Length of the second.
        right: usize,
    },
    /// A setting is invalid (e.g. zero bootstrap replicates).
    #[error("{what} is {value}; it must be {expected}")]
    InvalidSetting {
        /// Which setting.
        what: &'static str,
        /// Its value, shown.
        value: String,
        /// What it must be.
        expected: &'static str,
    },
    /// The likelihood has no finite maximum for this data (e.g. a share that is 0 or 1 in
    /// every period makes a logistic trend separate).
    #[error("{model}: {reason}")]
    NoMaximum {
        /// The model being fitted.
        model: &'static str,
        /// Why the maximum does not exist.
        reason: &'static str,
    },
    /// An iterative fit (one of argmin's solvers) stopped without converging, or argmin
    /// reported an error on the way (e.g. a likelihood that is not finite).
    #[error(
        "{model}: {solver} stopped after {iterations} iterations without converging: {reason} \
         (last residual {residual:e})"
    )]
    NoConvergence {
        /// The model being fitted.
        model: &'static str,
        /// The solver, e.g. "argmin BrentRoot".
        solver: &'static str,
        /// Why it stopped: argmin's termination reason or its error, in its words.
        reason: String,
        /// Iterations made.
        iterations: usize,
        /// How far the last iterate was from a solution, in the solver's own measure: the
        /// profile equation's value for a root, the Newton decrement (the Newton step in
        /// standard errors) for a maximum; NaN when unknown.
        residual: f64,
    },
}
