//! The portable kernels: safe Rust that LLVM vectorises for the baseline target, and the
//! reference every other kernel reproduces bit for bit. The f32 loops keep [`LANES`]
//! independent accumulators and fold them in a fixed tree order; the int8 dot products are
//! exact in `i32`.

use super::{LANES, ProbeBlock};
use crate::template::refinement_offset;

/// Dot product of two f32 slices of equal length, summed lane-wise in a fixed order.
#[inline(always)]
pub(crate) fn dot_f32(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0_f32; LANES];
    let a_chunks = a.chunks_exact(LANES);
    let b_chunks = b.chunks_exact(LANES);
    let tail: f32 = a_chunks.remainder().iter().zip(b_chunks.remainder()).map(|(x, y)| x * y).sum();
    for (ca, cb) in a_chunks.zip(b_chunks) {
        for lane in 0..LANES {
            acc[lane] += ca[lane] * cb[lane];
        }
    }
    reduce_f32(acc) + tail
}

/// `Σ xᵢ²` in f64, summed in eight lanes in a fixed order (vectorised, same bits everywhere).
#[inline(always)]
pub(crate) fn sum_of_squares(values: &[f32]) -> f64 {
    let (blocks, rest) = values.as_chunks::<8>();
    let mut sum = SquareSum::default();
    for block in blocks {
        sum.add(block);
    }
    sum.finish(rest)
}

/// The running state of [`sum_of_squares`], for loops that compute the values and sum their
/// squares in the same pass: `add` every whole block of eight values in order, then `finish`
/// with the values past the last whole block. The same bits as [`sum_of_squares`].
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SquareSum {
    acc: [f64; 8],
}

impl SquareSum {
    /// The state after some blocks, from its eight lanes (kernels that keep them in a
    /// register).
    pub(crate) fn from_lanes(acc: [f64; 8]) -> Self {
        Self { acc }
    }

    /// The eight lanes.
    pub(crate) fn lanes(self) -> [f64; 8] {
        self.acc
    }

    /// Adds the squares of eight consecutive values, one a lane.
    #[inline(always)]
    pub(crate) fn add(&mut self, block: &[f32; 8]) {
        for (acc, &x) in self.acc.iter_mut().zip(block) {
            *acc += f64::from(x) * f64::from(x);
        }
    }

    /// The total, with the fewer than eight values that follow the last block.
    #[inline(always)]
    pub(crate) fn finish(self, rest: &[f32]) -> f64 {
        let acc = self.acc;
        let tail: f64 = rest.iter().map(|&x| f64::from(x) * f64::from(x)).sum();
        ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7])) + tail
    }
}

/// Dot product of an f32 probe with an int8 row (not yet multiplied by the row's scale).
#[inline(always)]
pub(crate) fn dot_f32_i8(a: &[f32], b: &[i8]) -> f32 {
    let mut acc = [0.0_f32; LANES];
    let a_chunks = a.chunks_exact(LANES);
    let b_chunks = b.chunks_exact(LANES);
    let tail: f32 =
        a_chunks.remainder().iter().zip(b_chunks.remainder()).map(|(x, &y)| x * f32::from(y)).sum();
    for (ca, cb) in a_chunks.zip(b_chunks) {
        for lane in 0..LANES {
            acc[lane] += ca[lane] * f32::from(cb[lane]);
        }
    }
    reduce_f32(acc) + tail
}

/// `Σ pᵢ × (±¼)`: the refinement bits' share of a re-scored dot product, summed in eight
/// lanes (one per bit of a byte) in a fixed order.
#[inline(always)]
pub(crate) fn refinement_dot(probe: &[f32], bits: &[u8]) -> f32 {
    let (blocks, _) = probe.as_chunks::<8>();
    let mut acc = [0.0_f32; 8];
    for (block, &byte) in blocks.iter().zip(bits) {
        for bit in 0..8 {
            let offset = if byte >> bit & 1 == 1 { 0.25 } else { -0.25 };
            acc[bit] += block[bit] * offset;
        }
    }
    finish_refinement(acc, probe, bits)
}

/// The eight refinement lanes folded in a fixed order, plus the values past the last whole
/// byte (shared by every kernel, so all give the same bits).
#[inline(always)]
pub(super) fn finish_refinement(acc: [f32; 8], probe: &[f32], bits: &[u8]) -> f32 {
    let done = probe.len() - probe.len() % 8;
    let tail: f32 =
        probe[done..].iter().enumerate().map(|(i, &p)| p * refinement_offset(bits, done + i)).sum();
    ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7])) + tail
}

/// Exact dot product of a widened probe with an int8 row, accumulated in i32.
///
/// Exact for any dimension up to 2^31 / 127^2 ≈ 133,000, far above any face embedding.
#[inline(always)]
pub(crate) fn dot_i16_i8(a: &[i16], b: &[i8]) -> i32 {
    // 32 i32 lanes: the fastest of four shapes measured on x86-64 (SSE2 and AVX2).
    let mut acc = [0_i32; 2 * LANES];
    let a_chunks = a.chunks_exact(2 * LANES);
    let b_chunks = b.chunks_exact(2 * LANES);
    let tail: i32 = a_chunks
        .remainder()
        .iter()
        .zip(b_chunks.remainder())
        .map(|(&x, &y)| i32::from(x) * i32::from(y))
        .sum();
    for (ca, cb) in a_chunks.zip(b_chunks) {
        for lane in 0..2 * LANES {
            acc[lane] += i32::from(ca[lane]) * i32::from(cb[lane]);
        }
    }
    acc.iter().sum::<i32>() + tail
}

/// Pairwise reduction of the lane accumulators in a fixed tree order.
#[inline(always)]
pub(super) fn reduce_f32(acc: [f32; LANES]) -> f32 {
    let mut half = [0.0_f32; LANES / 2];
    for (i, h) in half.iter_mut().enumerate() {
        *h = acc[i] + acc[i + LANES / 2];
    }
    let quarter = [half[0] + half[4], half[1] + half[5], half[2] + half[6], half[3] + half[7]];
    (quarter[0] + quarter[2]) + (quarter[1] + quarter[3])
}

/// [`super::tile_dots`] in portable code: `dots[probe * rows + row]`, one [`dot_i16_i8`] a
/// (row, probe) pair (`dots` already sized).
#[inline(always)]
pub(super) fn tile_dots(codes: &[i8], probes: &ProbeBlock, dots: &mut [i32]) {
    let d = probes.dimension;
    let rows = codes.len() / d;
    for (p, out) in dots.chunks_exact_mut(rows.max(1)).enumerate().take(probes.len()) {
        let probe = probes.widened(p);
        for (row, dot) in codes.chunks_exact(d).zip(out) {
            *dot = dot_i16_i8(probe, row);
        }
    }
}
