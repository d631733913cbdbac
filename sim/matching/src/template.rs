//! Templates: validated, unit-length face embeddings, and their int8 search form.

use serde::{Deserialize, Serialize};

use crate::error::MatchError;
use crate::kernels::{dot_f32_widest, sum_of_squares};

/// The embedding dimension of the default face model.
pub const DEFAULT_DIMENSION: usize = 512;

/// The largest dimension a template may have (keeps int8 dot products exact in i32).
pub const MAX_DIMENSION: usize = 65_536;

/// A face template: an embedding scaled to unit length, so that the score of two templates is
/// their cosine similarity, in [-1, 1].
///
/// A `Template` can only be built through [`Template::new`], which rejects empty input, NaN,
/// infinities and the zero vector: every `Template` in existence is valid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Vec<f32>", into = "Vec<f32>")]
pub struct Template {
    values: Vec<f32>,
}

impl Template {
    /// Validates an embedding and scales it to unit length.
    ///
    /// # Errors
    /// [`MatchError::InvalidDimension`] for an empty or oversized vector,
    /// [`MatchError::NonFiniteValue`] for NaN or ±∞, [`MatchError::ZeroTemplate`] for a vector
    /// with no direction.
    pub fn new(values: Vec<f32>) -> Result<Self, MatchError> {
        crate::kernels::with_widest_vectors(
            #[inline(always)]
            || {
                // A branch-free pass first; the index is looked for only when something is
                // wrong.
                let finite = values.iter().fold(true, |finite, v| finite & v.is_finite());
                let sum = sum_of_squares(&values);
                Self::from_summed(values, finite, sum)
            },
        )
    }

    /// [`Template::new`] for values whose finiteness and `sum_of_squares` the caller has
    /// already found (in the pass that made them).
    #[inline(always)]
    pub(crate) fn from_summed(
        mut values: Vec<f32>,
        finite: bool,
        sum_of_squares: f64,
    ) -> Result<Self, MatchError> {
        check_dimension(values.len())?;
        if !finite
            && let Some((index, &value)) = values.iter().enumerate().find(|(_, v)| !v.is_finite())
        {
            return Err(MatchError::NonFiniteValue { index, value });
        }
        let norm = sum_of_squares.sqrt();
        if !norm.is_normal() {
            return Err(MatchError::ZeroTemplate);
        }
        let inverse = 1.0 / norm;
        for v in &mut values {
            *v = (f64::from(*v) * inverse) as f32;
        }
        Ok(Self { values })
    }

    /// The number of values in the embedding.
    pub fn dimension(&self) -> usize {
        self.values.len()
    }

    /// The unit-length values.
    pub fn as_slice(&self) -> &[f32] {
        &self.values
    }

    /// The cosine similarity of two templates, clamped to [-1, 1].
    ///
    /// # Errors
    /// [`MatchError::DimensionMismatch`] when the dimensions differ.
    pub fn score(&self, other: &Template) -> Result<f32, MatchError> {
        if self.dimension() != other.dimension() {
            return Err(MatchError::DimensionMismatch {
                expected: self.dimension(),
                found: other.dimension(),
            });
        }
        Ok(dot_f32_widest(&self.values, &other.values).clamp(-1.0, 1.0))
    }

    /// Cosine of this template with a unit vector of the same dimension, inlined into a
    /// caller that runs under wide vectors.
    #[inline(always)]
    pub(crate) fn score_slice_inline(&self, other: &[f32]) -> f32 {
        dot_f32_widest(&self.values, other).clamp(-1.0, 1.0)
    }

    /// The int8 form used by the gallery's search structure.
    pub fn quantize(&self) -> QuantizedTemplate {
        // Under AVX2 the rounding is a vector instruction rather than a libm call a value.
        crate::kernels::with_wide_vectors(
            #[inline(always)]
            || QuantizedTemplate::from_unit(&self.values),
        )
    }
}

impl Template {
    /// Int8 codes and their scale for the score bounds of a search (`value ≈ code × scale`,
    /// each within `0.5001 × scale`): the scale of [`Template::quantize`], the values
    /// multiplied by its f32 inverse rather than divided (two roundings of relative 2⁻²⁴
    /// each: at most 127 × 2⁻²³ of a step off the division's result) and rounded to the
    /// nearest code, ties to even; no refinement bits. The codes may differ from
    /// [`Template::quantize`]'s by one on a tie; only the bound matters here.
    pub(crate) fn codes_for_bounds(&self) -> (Vec<i8>, f32) {
        crate::kernels::with_widest_vectors(
            #[inline(always)]
            || {
                // Sixteen running maxima, then theirs: a maximum has no rounding, so any
                // order gives the same value (one chain would wait on every comparison).
                let (blocks, rest) = self.values.as_chunks::<16>();
                let mut lanes = [0.0_f32; 16];
                for block in blocks {
                    for (m, v) in lanes.iter_mut().zip(block) {
                        *m = m.max(v.abs());
                    }
                }
                let max_abs = rest.iter().chain(&lanes).fold(0.0_f32, |m, v| m.max(v.abs()));
                let scale = max_abs / 127.0;
                let inverse = 1.0 / scale;
                // Any rounding to nearest keeps the bound. Adding 1.5 × 2²³ rounds a value of
                // magnitude below 2²² to an integer (ties to even) held in the low bits of
                // the sum: integer arithmetic on the bits then, which vectorises (a
                // saturating float-to-int cast did not). `|v × inverse| ≤ 127.0001`.
                const ROUNDER: f32 = 12_582_912.0;
                let code =
                    |v: f32| ((v * inverse + ROUNDER).to_bits() as i32) - ROUNDER.to_bits() as i32;
                let mut codes = vec![0_i8; self.values.len()];
                for (c, &v) in codes.iter_mut().zip(&self.values) {
                    *c = code(v) as i8;
                }
                (codes, scale)
            },
        )
    }
}

impl TryFrom<Vec<f32>> for Template {
    type Error = MatchError;
    fn try_from(values: Vec<f32>) -> Result<Self, Self::Error> {
        Self::new(values)
    }
}

impl From<Template> for Vec<f32> {
    fn from(template: Template) -> Self {
        template.values
    }
}

/// A template in symmetric int8 form: `value ≈ code × scale`, codes in [-127, 127], plus one
/// refinement bit a value that says on which side of its code the value lay.
///
/// One scale per template (its largest magnitude / 127) keeps the full int8 range in use
/// for every template. The search scans the codes only; the refinement bits halve the
/// rounding error when a shortlist is re-scored (`value ≈ (code ± ¼) × scale`). 512 values
/// cost 512 bytes of codes, 64 of refinement bits and 4 for the scale.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantizedTemplate {
    /// The int8 codes.
    pub codes: Vec<i8>,
    /// Bit `i % 8` of byte `i / 8` is set when value `i` was above `codes[i] × scale`.
    pub refinement: Vec<u8>,
    /// The factor that turns a code back into a value.
    pub scale: f32,
}

impl QuantizedTemplate {
    #[inline(always)]
    fn from_unit(values: &[f32]) -> Self {
        let max_abs = values.iter().fold(0.0_f32, |m, v| m.max(v.abs()));
        // A unit vector has max_abs ≥ 1/sqrt(d) > 0, so the scale is positive and finite.
        let scale = max_abs / 127.0;
        let codes: Vec<i8> =
            values.iter().map(|&v| (v / scale).round().clamp(-127.0, 127.0) as i8).collect();
        // Eight values a byte, without a branch a value.
        let refinement: Vec<u8> = values
            .chunks(8)
            .zip(codes.chunks(8))
            .map(|(eight, eight_codes)| {
                eight.iter().zip(eight_codes).enumerate().fold(0_u8, |byte, (bit, (&v, &c))| {
                    byte | u8::from(v / scale > f32::from(c)) << bit
                })
            })
            .collect();
        Self { codes, refinement, scale }
    }

    /// The values this form stands for (`(code ± ¼) × scale`, by the refinement bit).
    pub fn dequantize(&self) -> Vec<f32> {
        self.codes
            .iter()
            .enumerate()
            .map(|(i, &c)| (f32::from(c) + refinement_offset(&self.refinement, i)) * self.scale)
            .collect()
    }
}

/// `+¼` when refinement bit `i` is set, else `-¼`.
pub(crate) fn refinement_offset(bits: &[u8], i: usize) -> f32 {
    let set = bits.get(i / 8).is_some_and(|b| b & (1 << (i % 8)) != 0);
    if set { 0.25 } else { -0.25 }
}

pub(crate) fn check_dimension(dimension: usize) -> Result<(), MatchError> {
    if dimension == 0 || dimension > MAX_DIMENSION {
        return Err(MatchError::InvalidDimension { dimension, max: MAX_DIMENSION });
    }
    Ok(())
}
