//! Standard normal values in bulk: Box–Muller on `Pcg64Mcg` bits, evaluated sixteen pairs at
//! a time with fixed polynomials, so LLVM vectorises it and every platform gives the same
//! bits (plain f32 additions, multiplications, divisions and square roots, no libm).
//!
//! Each 64-bit draw makes one pair: its top 24 bits give `u₁ ∈ (0, 1]`, its low 32 bits'
//! top 24 give the angle, and `√(−2 ln u₁) · (cos θ, sin θ)` are two independent standard
//! normals. The 24-bit `u₁` bounds |z| by √(48 ln 2) ≈ 5.77 (a tail of 8 × 10⁻⁹ is cut).
//!
//! The draws are `Pcg64Mcg`'s own (`rand_pcg`'s `next_u64`: `state ← state × M mod 2¹²⁸`,
//! then the XSL-RR output of the new state), but not made one after the other: a purely
//! multiplicative generator's n-th state is `state₀ × Mⁿ`, so sixteen lanes start at
//! `state₀ × M¹ … M¹⁶` and all step by `M¹⁶`. The sequence is the same; the sixteen 128-bit
//! products are independent (no serial multiply chain) and vectorise, in 64-bit halves.

use rand_pcg::Pcg64Mcg;

use crate::kernels::sum_of_squares_widest;

/// Pairs that make one block of 32 values (16 cosines, then 16 sines).
const PAIRS: usize = 16;

/// Blocks made in one pass (their draws and polynomials evaluated stage by stage side by
/// side). Two were measured 15 % slower than one on Zen 4 (`examples/simulator_calls.rs`):
/// one block already fills the 512-bit registers.
const BLOCKS: usize = 1;

/// Draws (lanes of the generator) a pass.
const DRAWS: usize = BLOCKS * PAIRS;

/// Values a pass.
const VALUES: usize = 2 * DRAWS;

/// 2⁻²⁴: turns a 24-bit integer into a fraction.
const INV_2_24: f32 = 1.0 / 16_777_216.0;

/// `rand_pcg`'s multiplier of `Mcg128Xsl64` (`Pcg64Mcg`), version 0.10.2.
const MULTIPLIER: u128 = 0x2360_ED05_1FC6_5DA4_4385_DF64_9FCC_F645;

/// `M⁰ … M^DRAWS` mod 2¹²⁸: lane `i` of the first pass is `state₀ × M^(i+1)`, a pass steps
/// by `M^DRAWS`.
const POWERS: [u128; DRAWS + 1] = {
    let mut powers = [1_u128; DRAWS + 1];
    let mut i = 1;
    while i <= DRAWS {
        powers[i] = powers[i - 1].wrapping_mul(MULTIPLIER);
        i += 1;
    }
    powers
};

/// `M⁻¹` mod 2¹²⁸ (M is odd): turns lane 0 after the last block back into the generator's
/// state after the last draw. Newton's iteration doubles the correct low bits each step
/// (`M × M ≡ 1 mod 8` gives three to start with).
const INVERSE: u128 = {
    let mut x = MULTIPLIER;
    let mut i = 0;
    while i < 6 {
        x = x.wrapping_mul(2_u128.wrapping_sub(MULTIPLIER.wrapping_mul(x)));
        i += 1;
    }
    x
};

/// Fills `out` with standard normal values drawn from `rng` (one `u64` per pair; a block of
/// 32 values at a time, the unused part of the last block discarded), with the widest
/// vectors the CPU has (identical bits on every path: the lanes and the order of every
/// operation are fixed in the source, and Rust never fuses a multiply and an add). The crate's
/// callers inline [`fill`] into their own wide-vector pass; this is the form the tests use.
#[cfg(test)]
pub(crate) fn fill_standard_normal(rng: &mut Pcg64Mcg, out: &mut [f32]) {
    crate::kernels::with_widest_vectors(
        #[inline(always)]
        || fill(rng, out),
    );
}

/// The generator states of a pass, as the low and high 64 bits of each (vectorises as
/// 64-bit lanes: `vpmullq` for the low products, 32-bit partial products for the high
/// halves).
struct Lanes {
    low: [u64; DRAWS],
    high: [u64; DRAWS],
}

impl Lanes {
    /// Lane `i` at `state × M^(i+1)`.
    #[inline(always)]
    fn new(state: u128) -> Self {
        let mut lanes = Self { low: [0; DRAWS], high: [0; DRAWS] };
        for i in 0..DRAWS {
            let s = state.wrapping_mul(POWERS[i + 1]);
            (lanes.low[i], lanes.high[i]) = (s as u64, (s >> 64) as u64);
        }
        lanes
    }

    /// The XSL-RR outputs of the states (`rand_pcg`'s `output_xsl_rr`).
    #[inline(always)]
    fn outputs(&self) -> [u64; DRAWS] {
        let mut out = [0_u64; DRAWS];
        for ((out, &high), &low) in out.iter_mut().zip(&self.high).zip(&self.low) {
            let rotation = (high >> 58) as u32;
            *out = (high ^ low).rotate_right(rotation);
        }
        out
    }

    /// Every lane × `M^DRAWS` mod 2¹²⁸.
    #[inline(always)]
    fn step(&mut self) {
        let m = POWERS[DRAWS];
        let (m_low, m_high) = (m as u64, (m >> 64) as u64);
        for i in 0..DRAWS {
            let (low, high) = (self.low[i], self.high[i]);
            self.high[i] = mul_high(low, m_low)
                .wrapping_add(low.wrapping_mul(m_high))
                .wrapping_add(high.wrapping_mul(m_low));
            self.low[i] = low.wrapping_mul(m_low);
        }
    }

    /// The state of lane `i`.
    fn state(&self, i: usize) -> u128 {
        u128::from(self.low[i]) | u128::from(self.high[i]) << 64
    }
}

/// The high 64 bits of `a × b`, from 32-bit partial products (exact: the same integer as
/// `(a as u128 × b as u128) >> 64`, in a form that vectorises).
#[inline(always)]
fn mul_high(a: u64, b: u64) -> u64 {
    const LOW: u64 = 0xFFFF_FFFF;
    let (a0, a1, b0, b1) = (a & LOW, a >> 32, b & LOW, b >> 32);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    // No sum overflows: each is below (2³² − 1)² + 2³² − 1 < 2⁶⁴.
    let t = p10 + (p00 >> 32);
    let w = (t & LOW) + p01;
    p11 + (t >> 32) + (w >> 32)
}

/// The portable fill (the tests' reference: the crate's callers use [`fill_then`]).
#[cfg(test)]
#[inline(always)]
pub(crate) fn fill(rng: &mut Pcg64Mcg, out: &mut [f32]) {
    fill_then::<false>(rng, out, None);
}

/// [`fill`], with two steps done on each block of 32 values while it is still in registers:
/// with `around = Some((x, s))`, the values become `x[i] + s × value` (a point and the noise
/// around it; `x` as long as `out`), and with `SUM` the `sum_of_squares` of the final values
/// is returned (the same bits; 0 without `SUM`), with whether they are all finite.
///
/// The squares are summed in a second pass over `out` (2 KB at 512 values, still in the L1
/// cache), in AVX-512 registers where the CPU has them: summed while each block was in
/// registers, the compiler split the conversions to f64 into 128-bit pieces, and the fused
/// pass was slower than the two.
#[inline(always)]
pub(crate) fn fill_then<const SUM: bool>(
    rng: &mut Pcg64Mcg,
    out: &mut [f32],
    around: Option<(&[f32], f32)>,
) -> (f64, bool) {
    if out.is_empty() {
        return (0.0, true);
    }
    let mut lanes = Lanes::new(rng.state());
    let (blocks, rest) = out.as_chunks_mut::<VALUES>();
    let (base_blocks, base_rest) = match around {
        Some((base, _)) => {
            let (blocks, rest) = base[..blocks.len() * VALUES + rest.len()].as_chunks();
            (blocks, rest)
        }
        None => (&[][..], &[][..]),
    };
    for (k, block) in blocks.iter_mut().enumerate() {
        let mut values = box_muller(&lanes.outputs());
        lanes.step();
        if let Some((_, scale)) = around {
            // A copy first: `base` may not be assumed apart from `out` by the compiler, and
            // loads interleaved with stores would not vectorise.
            let base: [f32; VALUES] = base_blocks[k];
            for (value, x) in values.iter_mut().zip(base) {
                *value = x + scale * *value;
            }
        }
        *block = values;
    }
    // `rand_pcg`'s state after the last draw used (whole blocks of sixteen).
    let last = if rest.is_empty() {
        lanes.state(0).wrapping_mul(INVERSE)
    } else {
        lanes.state(rest.len().div_ceil(2 * PAIRS) * PAIRS - 1)
    };
    if !rest.is_empty() {
        let values = box_muller(&lanes.outputs());
        let len = rest.len();
        rest.copy_from_slice(&values[..len]);
        if let Some((_, scale)) = around {
            for (value, &x) in rest.iter_mut().zip(base_rest) {
                *value = x + scale * *value;
            }
        }
    }
    *rng = Pcg64Mcg::new(last);
    if !SUM {
        return (0.0, true);
    }
    // Every square is finite (below 2²⁵⁶ in f64) and so is their sum, unless a value is
    // infinite or NaN: the sum tells whether all values are finite.
    let sum = sum_of_squares_widest(out);
    (sum, sum.is_finite())
}

/// The values of a pass from its draws: block `b` (draws `16b … 16b + 15`) gives 16
/// cosines, then 16 sines. Evaluated stage by stage over all the draws, so the blocks'
/// independent chains run side by side.
#[inline(always)]
fn box_muller(draws: &[u64; DRAWS]) -> [f32; VALUES] {
    let mut u1 = [0.0_f32; DRAWS];
    let mut turn = [0.0_f32; DRAWS];
    for i in 0..DRAWS {
        let (high, low) = ((draws[i] >> 32) as u32, draws[i] as u32);
        // Both below 2²⁴ + 1: exact as i32 and as f32.
        u1[i] = ((high >> 8) + 1) as i32 as f32 * INV_2_24;
        turn[i] = (low >> 8) as i32 as f32 * INV_2_24 - 0.5;
    }
    // Plain loops, not `array::from_fn`: its closure stays a call compiled without the
    // caller's wide vectors (the profile showed it on 128-bit registers).
    let mut radius = [0.0_f32; DRAWS];
    let mut angles = [(0.0_f32, 0.0_f32); DRAWS];
    for (radius, &u1) in radius.iter_mut().zip(&u1) {
        *radius = (-2.0 * ln(u1)).sqrt();
    }
    for (angle, &turn) in angles.iter_mut().zip(&turn) {
        *angle = sin_cos_turn(turn);
    }
    let mut out = [0.0_f32; VALUES];
    for i in 0..DRAWS {
        let (block, lane) = (i / PAIRS, i % PAIRS);
        let (sin, cos) = angles[i];
        out[2 * PAIRS * block + lane] = radius[i] * cos;
        out[2 * PAIRS * block + PAIRS + lane] = radius[i] * sin;
    }
    out
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
        assert_eq!(a, b);
        // Each vector width the CPU has (AVX2, AVX-512) against the baseline build.
        for wide in [false, true] {
            let mut c = Pcg64Mcg::new(99);
            let mut z = vec![0.0_f32; 515];
            if wide {
                crate::kernels::with_widest_vectors(
                    #[inline(always)]
                    || fill(&mut c, &mut z),
                );
            } else {
                crate::kernels::with_wide_vectors(
                    #[inline(always)]
                    || fill(&mut c, &mut z),
                );
            }
            assert_eq!(
                z.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                y.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
            );
            assert_eq!(c, b);
        }
        // Listed values: the same on every platform.
        assert_eq!(x[..3], [0.1765027, -0.28767127, 0.9191515]);
    }

    /// The fill as it was first written: one `next_u64` after the other, sixteen pairs at
    /// a time.
    fn fill_one_draw_at_a_time(rng: &mut Pcg64Mcg, out: &mut [f32]) {
        use rand::Rng;
        for chunk in out.chunks_mut(2 * PAIRS) {
            let mut values = [0.0_f32; 2 * PAIRS];
            for i in 0..PAIRS {
                let x = rng.next_u64();
                let (high, low) = ((x >> 32) as u32, x as u32);
                let u1 = ((high >> 8) + 1) as f32 * INV_2_24;
                let turn = (low >> 8) as f32 * INV_2_24 - 0.5;
                let radius = (-2.0 * ln(u1)).sqrt();
                let (sin, cos) = sin_cos_turn(turn);
                values[i] = radius * cos;
                values[PAIRS + i] = radius * sin;
            }
            chunk.copy_from_slice(&values[..chunk.len()]);
        }
    }

    #[test]
    fn lanes_reproduce_the_generator_sequence_and_final_state() {
        use rand::Rng;
        assert_eq!(MULTIPLIER.wrapping_mul(INVERSE), 1);
        // The multiplier really is rand_pcg's: one step of the lanes' arithmetic and
        // `next_u64` agree.
        let state = 0x0123_4567_89AB_CDEF_FEDC_BA98_7654_3211_u128;
        let mut reference = Pcg64Mcg::new(state);
        let lanes = Lanes::new(state);
        let draws: Vec<u64> = (0..DRAWS).map(|_| reference.next_u64()).collect();
        assert_eq!(lanes.outputs().to_vec(), draws);
        let edges =
            [u64::MAX, u64::MAX - 1, 1 << 63, 0xFFFF_FFFF, 0x1_0000_0000, 0x1_0000_0001, 3, 0];
        let pairs = edges.iter().flat_map(|&a| edges.iter().map(move |&b| (a, b)));
        for (a, b) in pairs.chain([(POWERS[3] as u64, POWERS[16] as u64)]) {
            assert_eq!(mul_high(a, b), ((u128::from(a) * u128::from(b)) >> 64) as u64);
        }
        for len in [0, 1, 15, 16, 31, 32, 33, 63, 64, 65, 96, 100, 512, 515] {
            for seed in [1_u128, 99, u128::MAX, 0x5EED << 70] {
                let (mut a, mut b) = (Pcg64Mcg::new(seed), Pcg64Mcg::new(seed));
                let (mut x, mut y) = (vec![0.0_f32; len], vec![0.0_f32; len]);
                fill_standard_normal(&mut a, &mut x);
                fill_one_draw_at_a_time(&mut b, &mut y);
                let bits = |v: &[f32]| v.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&x), bits(&y), "len {len} seed {seed}");
                assert_eq!(a, b, "state after len {len} seed {seed}");
                assert_eq!(a.next_u64(), b.next_u64());
                let mut c = Pcg64Mcg::new(seed);
                let (sum, _) = fill_then::<true>(&mut c, &mut y, None);
                assert_eq!(sum.to_bits(), crate::kernels::sum_of_squares(&x).to_bits());
            }
        }
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
