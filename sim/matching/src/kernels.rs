//! Dot-product kernels written so that LLVM vectorises them without `unsafe`.
//!
//! Each kernel keeps [`LANES`] independent accumulators, so the compiler can map them onto
//! SIMD registers without reordering any floating-point sum: the result is the same on every
//! CPU and at every optimisation level. The int8 kernel accumulates exactly in `i32`, so its
//! result does not depend on summation order at all.

/// Number of independent accumulators (one 512-bit register of f32, or 16 i32 lanes).
const LANES: usize = 16;

/// Dot product of two f32 slices of equal length, summed lane-wise in a fixed order.
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

/// Dot product of an f32 probe with an int8 row (not yet multiplied by the row's scale).
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

/// Exact dot products of every int8 row of `codes` (rows of `dimension` values) with every
/// probe (int8 codes widened to i16), written row-major to `dots[row * probes.len() + probe]`.
///
/// On x86-64 CPUs with AVX2 (detected at run time through `pulp`, which holds the `unsafe`)
/// a register-blocked kernel scores four probes per pass over a row; elsewhere a portable
/// kernel runs. Both are exact integer arithmetic, so they give identical results.
pub(crate) fn chunk_dots(codes: &[i8], dimension: usize, probes: &[Vec<i16>], dots: &mut Vec<i32>) {
    let rows = codes.len() / dimension;
    dots.clear();
    dots.resize(rows * probes.len(), 0);
    #[cfg(target_arch = "x86_64")]
    if let Some(simd) = pulp::x86::V3::try_new() {
        simd.vectorize(
            #[inline(always)]
            || avx2::chunk_dots(simd, codes, dimension, probes, dots),
        );
        return;
    }
    for (row, out) in codes.chunks_exact(dimension).zip(dots.chunks_exact_mut(probes.len())) {
        for (probe, dot) in probes.iter().zip(out) {
            *dot = dot_i16_i8(probe, row);
        }
    }
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

#[cfg(target_arch = "x86_64")]
mod avx2 {
    //! AVX2 kernel: sign-extend 16 row codes to i16 once, multiply-add them with up to four
    //! probes (`vpmaddwd`), accumulate in i32 lanes.

    use std::arch::x86_64::{__m128i, __m256i};

    use pulp::x86::V3;

    use super::dot_i16_i8;

    /// Rows scored per tile (64 KB of 512-d codes).
    const TILE_ROWS: usize = 128;

    #[inline(always)]
    pub(super) fn chunk_dots(
        simd: V3,
        codes: &[i8],
        dimension: usize,
        probes: &[Vec<i16>],
        dots: &mut [i32],
    ) {
        let blocked = dimension - dimension % 16;
        let p = probes.len();
        // Rows in tiles that stay in L2 while each group of four probes (4 KB) sits in L1.
        for (tile_index, tile) in codes.chunks(TILE_ROWS * dimension).enumerate() {
            let tile_dots = &mut dots[tile_index * TILE_ROWS * p..];
            let mut probe_groups = probes.chunks_exact(4);
            for (g, group) in (&mut probe_groups).enumerate() {
                let heads = [0, 1, 2, 3].map(|j| &group[j][..blocked]);
                for (r, row) in tile.chunks_exact(dimension).enumerate() {
                    let (head, tail) = row.split_at(blocked);
                    let sums = dots4(simd, heads, head);
                    for (j, sum) in sums.into_iter().enumerate() {
                        tile_dots[r * p + 4 * g + j] = sum + dot_i16_i8(&group[j][blocked..], tail);
                    }
                }
            }
            let first_single = p - probe_groups.remainder().len();
            for (j, probe) in probe_groups.remainder().iter().enumerate() {
                for (r, row) in tile.chunks_exact(dimension).enumerate() {
                    let (head, tail) = row.split_at(blocked);
                    tile_dots[r * p + first_single + j] =
                        dot1(simd, &probe[..blocked], head) + dot_i16_i8(&probe[blocked..], tail);
                }
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
}

/// Pairwise reduction of the lane accumulators in a fixed tree order.
fn reduce_f32(acc: [f32; LANES]) -> f32 {
    let mut half = [0.0_f32; LANES / 2];
    for (i, h) in half.iter_mut().enumerate() {
        *h = acc[i] + acc[i + LANES / 2];
    }
    let quarter = [half[0] + half[4], half[1] + half[5], half[2] + half[6], half[3] + half[7]];
    (quarter[0] + quarter[2]) + (quarter[1] + quarter[3])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int8_dots_are_exact_for_any_probe_count_and_tail() {
        for dimension in [5, 16, 37, 512] {
            let codes: Vec<i8> = (0..dimension * 300).map(|i| (i * 7 % 255) as i8).collect();
            for probe_count in [1, 3, 4, 6, 9] {
                let probes: Vec<Vec<i16>> = (0..probe_count)
                    .map(|p| {
                        (0..dimension).map(|i| ((i * 13 + p * 5) % 255) as i16 - 127).collect()
                    })
                    .collect();
                let mut dots = Vec::new();
                chunk_dots(&codes, dimension, &probes, &mut dots);
                for (r, row) in codes.chunks_exact(dimension).enumerate() {
                    for (p, probe) in probes.iter().enumerate() {
                        let expected: i32 =
                            probe.iter().zip(row).map(|(&x, &y)| i32::from(x) * i32::from(y)).sum();
                        assert_eq!(
                            dots[r * probe_count + p],
                            expected,
                            "d={dimension} r={r} p={p}"
                        );
                        assert_eq!(dot_i16_i8(probe, row), expected);
                    }
                }
            }
        }
    }

    #[test]
    fn f32_dot_matches_f64_reference() {
        let a: Vec<f32> = (0..515).map(|i| ((i as f32) * 0.37).sin()).collect();
        let b: Vec<f32> = (0..515).map(|i| ((i as f32) * 0.11).cos()).collect();
        let reference: f64 = a.iter().zip(&b).map(|(&x, &y)| f64::from(x) * f64::from(y)).sum();
        assert!((f64::from(dot_f32(&a, &b)) - reference).abs() < 1e-4);
        let codes: Vec<i8> = (0..515).map(|i| (i % 200 - 100) as i8).collect();
        let reference: f64 = a.iter().zip(&codes).map(|(&x, &y)| f64::from(x) * f64::from(y)).sum();
        assert!((f64::from(dot_f32_i8(&a, &codes)) - reference).abs() < 1e-2);
    }
}
