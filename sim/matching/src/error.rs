//! The one error type of the crate: every bad input is a typed value, never a panic.

use crate::gallery::IdentityId;

/// Everything that can go wrong when a caller hands this crate bad input.
///
/// Matching outcomes (a non-match, a failure to acquire a face) are not errors; they are
/// ordinary values ([`crate::Decision`], [`crate::Acquisition`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum MatchError {
    /// A template or gallery was asked for a dimension that cannot hold an embedding.
    #[error("template dimension must be between 1 and {max}, got {dimension}")]
    InvalidDimension {
        /// The dimension asked for.
        dimension: usize,
        /// The largest dimension accepted.
        max: usize,
    },
    /// Two templates (or a template and a gallery) have different dimensions.
    #[error("template has dimension {found}, expected {expected}")]
    DimensionMismatch {
        /// The dimension the gallery or the other template has.
        expected: usize,
        /// The dimension of the template handed in.
        found: usize,
    },
    /// A template value is NaN or infinite.
    #[error("template value at index {index} is not finite ({value})")]
    NonFiniteValue {
        /// Position of the first bad value.
        index: usize,
        /// The bad value.
        value: f32,
    },
    /// A template is all zeros (or so small it cannot be normalised): it has no direction.
    #[error("template has zero length and cannot be normalised")]
    ZeroTemplate,
    /// A search or identification was asked of a gallery with nobody enrolled.
    #[error("the gallery is empty")]
    EmptyGallery,
    /// An identity was enrolled twice.
    #[error("identity {id} is already enrolled")]
    DuplicateIdentity {
        /// The identity already in the gallery.
        id: IdentityId,
    },
    /// An identity that is not in the gallery was asked for.
    #[error("identity {id} is not enrolled")]
    UnknownIdentity {
        /// The identity asked for.
        id: IdentityId,
    },
    /// A threshold outside the score range [-1, 1] (or NaN).
    #[error("threshold {threshold} is outside the score range [-1, 1]")]
    ThresholdOutOfRange {
        /// The threshold handed in.
        threshold: f32,
    },
    /// A search asked for zero candidates.
    #[error("a search must ask for at least one candidate (k = {k})")]
    ZeroCandidates {
        /// The k handed in.
        k: usize,
    },
    /// A model or evaluation parameter is outside its valid range.
    #[error("parameter `{name}` = {value} is invalid: {reason}")]
    InvalidParameter {
        /// Name of the parameter, as in the serialized form.
        name: &'static str,
        /// The value handed in.
        value: f64,
        /// What the valid range is.
        reason: &'static str,
    },
    /// An evaluation was asked for a rate over no trials.
    #[error("no {what} scores to compute a rate from")]
    NoScores {
        /// Which score set was empty (e.g. "impostor").
        what: &'static str,
    },
}
