//! AVX2 kernel: sign-extend 16 row codes to i16 once, multiply-add them with up to four
//! probes (`vpmaddwd`), accumulate in i32 lanes.

use std::arch::x86_64::{__m128i, __m256i};

use pulp::x86::V3;

use super::{ProbeBlock, dot_i16_i8};

#[inline(always)]
pub(super) fn tile_dots(simd: V3, codes: &[i8], probes: &ProbeBlock, dots: &mut [i32]) {
    let dimension = probes.dimension;
    let rows = codes.len() / dimension;
    let blocked = dimension - dimension % 16;
    let p = probes.len();
    let groups = p / 4;
    for g in 0..groups {
        let group = [0, 1, 2, 3].map(|j| probes.widened(4 * g + j));
        let heads = group.map(|w| &w[..blocked]);
        for (r, row) in codes.chunks_exact(dimension).enumerate() {
            let (head, tail) = row.split_at(blocked);
            let sums = dots4(simd, heads, head);
            for (j, sum) in sums.into_iter().enumerate() {
                dots[(4 * g + j) * rows + r] = sum + dot_i16_i8(&group[j][blocked..], tail);
            }
        }
    }
    for j in 4 * groups..p {
        let probe = probes.widened(j);
        for (r, row) in codes.chunks_exact(dimension).enumerate() {
            let (head, tail) = row.split_at(blocked);
            dots[j * rows + r] =
                dot1(simd, &probe[..blocked], head) + dot_i16_i8(&probe[blocked..], tail);
        }
    }
}

/// Loads 16 codes and sign-extends them to i16.
#[inline(always)]
fn widen(simd: V3, block: &[i8; 16]) -> __m256i {
    simd.avx2._mm256_cvtepi8_epi16(pulp::cast::<[i8; 16], __m128i>(*block))
}

/// `acc + Σ pairs(a × b)` in i32 lanes.
#[inline(always)]
fn madd(simd: V3, acc: __m256i, a: __m256i, b: &[i16; 16]) -> __m256i {
    let products = simd.avx2._mm256_madd_epi16(a, pulp::cast::<[i16; 16], __m256i>(*b));
    simd.avx2._mm256_add_epi32(acc, products)
}

#[inline(always)]
fn horizontal_sum(acc: __m256i) -> i32 {
    pulp::cast::<__m256i, [i32; 8]>(acc).iter().sum()
}

/// Dot products of four probes with one row (lengths: the same multiple of 16). Named
/// accumulators keep everything in vector registers.
#[inline(always)]
fn dots4(simd: V3, probes: [&[i16]; 4], row: &[i8]) -> [i32; 4] {
    let (row_blocks, _) = pulp::as_arrays::<16, i8>(row);
    let n = row_blocks.len();
    let [p0, p1, p2, p3] = probes.map(|p| {
        let blocks = pulp::as_arrays::<16, i16>(p).0;
        blocks.get(..n).unwrap_or(blocks)
    });
    let zero = simd.avx._mm256_setzero_si256();
    let (mut a0, mut a1, mut a2, mut a3) = (zero, zero, zero, zero);
    for ((((block, b0), b1), b2), b3) in row_blocks.iter().zip(p0).zip(p1).zip(p2).zip(p3) {
        let w = widen(simd, block);
        a0 = madd(simd, a0, w, b0);
        a1 = madd(simd, a1, w, b1);
        a2 = madd(simd, a2, w, b2);
        a3 = madd(simd, a3, w, b3);
    }
    [horizontal_sum(a0), horizontal_sum(a1), horizontal_sum(a2), horizontal_sum(a3)]
}

/// Dot product of one probe with one row, two independent accumulators.
#[inline(always)]
fn dot1(simd: V3, probe: &[i16], row: &[i8]) -> i32 {
    let (row_blocks, _) = pulp::as_arrays::<32, i8>(row);
    let (probe_blocks, _) = pulp::as_arrays::<32, i16>(probe);
    let zero = simd.avx._mm256_setzero_si256();
    let (mut a0, mut a1) = (zero, zero);
    for (block, p) in row_blocks.iter().zip(probe_blocks) {
        let (lo, hi) = pulp::as_arrays::<16, i8>(block).0.split_at(1);
        let (plo, phi) = pulp::as_arrays::<16, i16>(p).0.split_at(1);
        if let (Some(lo), Some(hi), Some(plo), Some(phi)) =
            (lo.first(), hi.first(), plo.first(), phi.first())
        {
            a0 = madd(simd, a0, widen(simd, lo), plo);
            a1 = madd(simd, a1, widen(simd, hi), phi);
        }
    }
    // A trailing block of 16 (when the length is an odd multiple of 16).
    let done = row_blocks.len() * 32;
    let rest = dot_i16_i8(&probe[done..], &row[done..]);
    horizontal_sum(simd.avx2._mm256_add_epi32(a0, a1)) + rest
}
