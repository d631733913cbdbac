//! 1:1 verification: one probe against one reference at a decision threshold.

use serde::{Deserialize, Serialize};

use crate::error::MatchError;
use crate::template::Template;

/// A decision threshold on the cosine score, validated to lie in [-1, 1].
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f32", into = "f32")]
pub struct Threshold(f32);

impl Threshold {
    /// Validates a threshold.
    ///
    /// # Errors
    /// [`MatchError::ThresholdOutOfRange`] for NaN or a value outside [-1, 1].
    pub fn new(threshold: f32) -> Result<Self, MatchError> {
        if (-1.0..=1.0).contains(&threshold) {
            Ok(Self(threshold))
        } else {
            Err(MatchError::ThresholdOutOfRange { threshold })
        }
    }

    /// The threshold as a score.
    pub fn value(self) -> f32 {
        self.0
    }

    /// Whether a score is accepted (score ≥ threshold).
    pub fn accepts(self, score: f32) -> bool {
        score >= self.0
    }
}

impl TryFrom<f32> for Threshold {
    type Error = MatchError;
    fn try_from(value: f32) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Threshold> for f32 {
    fn from(threshold: Threshold) -> Self {
        threshold.0
    }
}

/// The outcome of a 1:1 comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Decision {
    /// Score at or above the threshold: the same person.
    Match,
    /// Score below the threshold.
    NonMatch,
}

/// A 1:1 verification result: the cosine score and the decision at the threshold used.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    /// Cosine similarity of probe and reference, in [-1, 1].
    pub score: f32,
    /// [`Decision::Match`] when `score ≥ threshold`.
    pub decision: Decision,
}

/// Compares a live capture (probe) with an enrolled reference, both full-precision.
///
/// # Errors
/// [`MatchError::DimensionMismatch`] when the templates have different dimensions.
pub fn verify(
    probe: &Template,
    reference: &Template,
    threshold: Threshold,
) -> Result<Verification, MatchError> {
    let score = probe.score(reference)?;
    let decision = if threshold.accepts(score) { Decision::Match } else { Decision::NonMatch };
    Ok(Verification { score, decision })
}
