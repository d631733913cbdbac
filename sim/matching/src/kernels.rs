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
    let tail: f32 = a_chunks
        .remainder()
        .iter()
        .zip(b_chunks.remainder())
        .map(|(x, y)| x * y)
        .sum();
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
    let tail: f32 = a_chunks
        .remainder()
        .iter()
        .zip(b_chunks.remainder())
        .map(|(x, &y)| x * f32::from(y))
        .sum();
    for (ca, cb) in a_chunks.zip(b_chunks) {
        for lane in 0..LANES {
            acc[lane] += ca[lane] * f32::from(cb[lane]);
        }
    }
    reduce_f32(acc) + tail
}

/// Exact dot product of two int8 slices (values in [-127, 127]) accumulated in i32.
///
/// Exact for any dimension up to 2^31 / 127^2 ≈ 133,000, far above any face embedding.
pub(crate) fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    let mut acc = [0_i32; LANES];
    let a_chunks = a.chunks_exact(LANES);
    let b_chunks = b.chunks_exact(LANES);
    let tail: i32 = a_chunks
        .remainder()
        .iter()
        .zip(b_chunks.remainder())
        .map(|(&x, &y)| i32::from(i16::from(x) * i16::from(y)))
        .sum();
    for (ca, cb) in a_chunks.zip(b_chunks) {
        for lane in 0..LANES {
            acc[lane] += i32::from(i16::from(ca[lane]) * i16::from(cb[lane]));
        }
    }
    acc.iter().sum::<i32>() + tail
}

/// Pairwise reduction of the lane accumulators in a fixed tree order.
fn reduce_f32(acc: [f32; LANES]) -> f32 {
    let mut half = [0.0_f32; LANES / 2];
    for (i, h) in half.iter_mut().enumerate() {
        *h = acc[i] + acc[i + LANES / 2];
    }
    let quarter = [
        half[0] + half[4],
        half[1] + half[5],
        half[2] + half[6],
        half[3] + half[7],
    ];
    (quarter[0] + quarter[2]) + (quarter[1] + quarter[3])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int8_dot_is_exact_including_tail() {
        let a: Vec<i8> = (0..37).map(|i| (i * 7 % 255 - 127) as i8).collect();
        let b: Vec<i8> = (0..37).map(|i| (i * 13 % 255 - 127) as i8).collect();
        let expected: i32 = a
            .iter()
            .zip(&b)
            .map(|(&x, &y)| i32::from(x) * i32::from(y))
            .sum();
        assert_eq!(dot_i8(&a, &b), expected);
    }

    #[test]
    fn f32_dot_matches_f64_reference() {
        let a: Vec<f32> = (0..515).map(|i| ((i as f32) * 0.37).sin()).collect();
        let b: Vec<f32> = (0..515).map(|i| ((i as f32) * 0.11).cos()).collect();
        let reference: f64 = a
            .iter()
            .zip(&b)
            .map(|(&x, &y)| f64::from(x) * f64::from(y))
            .sum();
        assert!((f64::from(dot_f32(&a, &b)) - reference).abs() < 1e-4);
        let codes: Vec<i8> = (0..515).map(|i| (i % 200 - 100) as i8).collect();
        let reference: f64 = a
            .iter()
            .zip(&codes)
            .map(|(&x, &y)| f64::from(x) * f64::from(y))
            .sum();
        assert!((f64::from(dot_f32_i8(&a, &codes)) - reference).abs() < 1e-2);
    }
}
