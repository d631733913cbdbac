//! Standard normal values in bulk: Box–Muller on `Pcg64Mcg` bits, evaluated sixteen pairs at
//! a time with fixed polynomials, so LLVM vectorises it and every platform gives the same
//! bits (plain f32 additions, multiplications, divisions and square roots, no libm).
//!
//! Each 64-bit draw makes one pair: its top 24 bits give `u₁ ∈ (0, 1]`, its low 32 bits'
//! top 24 give the angle, and `√(−2 ln u₁) · (cos θ, sin θ)` are two independent standard
//! normals. The 24-bit `u₁` bounds |z| by √(48 ln 2) ≈ 5.77 (a tail of 8 × 10⁻⁹ is cut).

use rand::Rng;
use rand_pcg::Pcg64Mcg;

/// Pairs evaluated together (one vector pass of each polynomial).
const PAIRS: usize = 16;

/// 2⁻²⁴: turns a 24-bit integer into a fraction.
const INV_2_24: f32 = 1.0 / 16_777_216.0;

/// Fills `out` with standard normal values drawn from `rng` (one `u64` per pair; a block of
/// 32 values at a time, the unused part of the last block discarded).
pub(crate) fn fill_standard_normal(rng: &mut Pcg64Mcg, out: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if let Some(simd) = pulp::x86::V3::try_new() {
        // The same arithmetic with AVX2 enabled: 8 lanes instead of 4, identical bits (no
        // fused operations: Rust never contracts a multiply and an add).
        return simd.vectorize(
            #[inline(always)]
            || fill(rng, out),
        );
    }
    fill(rng, out);
}

#[inline(always)]
fn fill(rng: &mut Pcg64Mcg, out: &mut [f32]) {
    let mut high = [0_u32; PAIRS];
    let mut low = [0_u32; PAIRS];
    let mut block = [0.0_f32; 2 * PAIRS];
    for chunk in out.chunks_mut(2 * PAIRS) {
        for (h, l) in high.iter_mut().zip(&mut low) {
            let x = rng.next_u64();
            (*h, *l) = ((x >> 32) as u32, x as u32);
        }
        let (cosines, sines) = block.split_at_mut(PAIRS);
        for i in 0..PAIRS {
            let u1 = ((high[i] >> 8) + 1) as f32 * INV_2_24;
            let turn = (low[i] >> 8) as f32 * INV_2_24 - 0.5;
            let radius = (-2.0 * ln(u1)).sqrt();
            let (sin, cos) = sin_cos_turn(turn);
            cosines[i] = radius * cos;
            sines[i] = radius * sin;
        }
        chunk.copy_from_slice(&block[..chunk.len()]);
    }
}

/// Natural logarithm of a positive normal f32: exponent × ln 2 plus the atanh series of the
/// mantissa brought into [√½, √2) (|t| ≤ 0.172, error below 10⁻⁹ before rounding).
#[inline(always)]
fn ln(x: f32) -> f32 {
    let bits = x.to_bits();
    let exponent = ((bits >> 23) as i32 - 127) as f32;
    let mantissa = f32::from_bits((bits & 0x007F_FFFF) | 0x3F80_0000);
    let high = mantissa > std::f32::consts::SQRT_2;
    let m = if high { mantissa * 0.5 } else { mantissa };
    let e = if high { exponent + 1.0 } else { exponent };
    let t = (m - 1.0) / (m + 1.0);
    let t2 = t * t;
    let series =
        t * (2.0 + t2 * (2.0 / 3.0 + t2 * (2.0 / 5.0 + t2 * (2.0 / 7.0 + t2 * (2.0 / 9.0)))));
    e * std::f32::consts::LN_2 + series
}

/// `(sin 2πf, cos 2πf)` for `f ∈ [−½, ½)`: Taylor polynomials of the half angle
/// `φ = πf ∈ [−π/2, π/2)` (errors below 6 × 10⁻⁸), then the double-angle formulas.
#[inline(always)]
fn sin_cos_turn(f: f32) -> (f32, f32) {
    let phi = std::f32::consts::PI * f;
    let p2 = phi * phi;
    let sin_half = phi
        * (1.0
            + p2 * (-1.0 / 6.0
                + p2 * (1.0 / 120.0
                    + p2 * (-1.0 / 5_040.0
                        + p2 * (1.0 / 362_880.0 + p2 * (-1.0 / 39_916_800.0))))));
    let cos_half = 1.0
        + p2 * (-0.5
            + p2 * (1.0 / 24.0
                + p2 * (-1.0 / 720.0
                    + p2 * (1.0 / 40_320.0
                        + p2 * (-1.0 / 3_628_800.0 + p2 * (1.0 / 479_001_600.0))))));
    (2.0 * sin_half * cos_half, (cos_half - sin_half) * (cos_half + sin_half))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polynomials_match_the_standard_library() {
        for i in 1..=10_000 {
            let x = i as f32 / 10_000.0;
            assert!((ln(x) - x.ln()).abs() < 2e-6, "ln {x}");
            let f = i as f32 / 10_000.0 - 0.5;
            let (s, c) = sin_cos_turn(f);
            let angle = std::f64::consts::TAU * f64::from(f);
            assert!((f64::from(s) - angle.sin()).abs() < 1e-6, "sin {f}");
            assert!((f64::from(c) - angle.cos()).abs() < 1e-6, "cos {f}");
        }
        assert!((ln(INV_2_24) - INV_2_24.ln()).abs() < 1e-5);
    }

    #[test]
    fn dispatched_and_portable_paths_give_identical_bits() {
        let (mut a, mut b) = (Pcg64Mcg::new(99), Pcg64Mcg::new(99));
        let (mut x, mut y) = (vec![0.0_f32; 515], vec![0.0_f32; 515]);
        fill_standard_normal(&mut a, &mut x);
        fill(&mut b, &mut y);
        assert_eq!(
            x.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            y.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        );
        // Listed values: the same on every platform.
        assert_eq!(x[..3], [0.1765027, -0.28767127, 0.9191515]);
    }

    #[test]
    fn values_have_standard_normal_moments_and_tails() {
        let mut rng = Pcg64Mcg::new(0x5EED);
        let mut values = vec![0.0_f32; 1_000_003];
        fill_standard_normal(&mut rng, &mut values);
        let n = values.len() as f64;
        let mean = values.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
        let var = values.iter().map(|&v| (f64::from(v) - mean).powi(2)).sum::<f64>() / n;
        let kurtosis =
            values.iter().map(|&v| (f64::from(v) - mean).powi(4)).sum::<f64>() / n / (var * var);
        assert!(mean.abs() < 0.005, "mean {mean}");
        assert!((var - 1.0).abs() < 0.005, "variance {var}");
        assert!((kurtosis - 3.0).abs() < 0.03, "kurtosis {kurtosis}");
        // P(|z| > 2) = 4.550 %, P(|z| > 3) = 0.270 %.
        let beyond = |t: f32| values.iter().filter(|v| v.abs() > t).count() as f64 / n;
        assert!((beyond(2.0) - 0.0455).abs() < 0.0006, "{}", beyond(2.0));
        assert!((beyond(3.0) - 0.0027).abs() < 0.00015, "{}", beyond(3.0));
        // Neighbouring values (the two of a pair, and consecutive pairs) are uncorrelated.
        let lag = |k: usize| {
            values.windows(k + 1).map(|w| f64::from(w[0]) * f64::from(w[k])).sum::<f64>() / n
        };
        assert!(lag(1).abs() < 0.005 && lag(16).abs() < 0.005, "{} {}", lag(1), lag(16));
    }
}
