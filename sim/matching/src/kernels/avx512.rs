//! AVX-512 (x86-64-v4: F, BW, CD, DQ, VL) for the f32 work: the context of
//! [`super::with_widest_vectors`] and the f32 dot product of [`super::dot_f32_widest`].

use archmage::prelude::*;

/// The token, when the CPU has the whole x86-64-v4 set (cached by `std`).
#[inline(always)]
pub(super) fn token() -> Option<X64V4Token> {
    X64V4Token::summon()
}

/// Calls `f` inside a function compiled with the token's features.
#[arcane]
pub(super) fn run<R, F: FnOnce() -> R>(_token: X64V4Token, f: F) -> R {
    f()
}

/// [`super::dot_f32`] in one 512-bit accumulator: the same sixteen lanes, each adding
/// its products in the same order, the same fold and tail, so the same bits. (LLVM
/// turned the portable loop into two-lane code under AVX-512.)
#[arcane(import_intrinsics)]
pub(super) fn dot(_token: X64V4Token, a: &[f32], b: &[f32]) -> f32 {
    let (a_blocks, a_rest) = a.as_chunks::<{ super::LANES }>();
    let (b_blocks, b_rest) = b.as_chunks::<{ super::LANES }>();
    let mut acc = _mm512_setzero_ps();
    for (x, y) in a_blocks.iter().zip(b_blocks) {
        acc = _mm512_add_ps(acc, _mm512_mul_ps(_mm512_loadu_ps(x), _mm512_loadu_ps(y)));
    }
    let mut lanes = [0.0_f32; super::LANES];
    _mm512_storeu_ps(&mut lanes, acc);
    let tail: f32 = a_rest.iter().zip(b_rest).map(|(x, y)| x * y).sum();
    super::reduce_f32(lanes) + tail
}

/// [`super::sum_of_squares`] in one 512-bit accumulator of f64: the same eight lanes, each
/// adding its squares in the same order, the same fold and tail, so the same bits. (LLVM
/// turned the portable loop into two-lane code, inlined or not.)
#[arcane(import_intrinsics)]
pub(super) fn sum_of_squares(_token: X64V4Token, values: &[f32]) -> f64 {
    let (blocks, rest) = values.as_chunks::<8>();
    let mut acc = _mm512_setzero_pd();
    for block in blocks {
        let wide = _mm512_cvtps_pd(_mm256_loadu_ps(block));
        acc = _mm512_add_pd(acc, _mm512_mul_pd(wide, wide));
    }
    let mut lanes = [0.0_f64; 8];
    _mm512_storeu_pd(&mut lanes, acc);
    super::SquareSum::from_lanes(lanes).finish(rest)
}
