//! Dot-product kernels written so that LLVM vectorises them without `unsafe`.
//!
//! Each kernel keeps [`LANES`] independent accumulators, so the compiler can map them onto
//! SIMD registers without reordering any floating-point sum: the result is the same on every
//! CPU and at every optimisation level. The int8 kernel accumulates exactly in `i32`, so its
//! result does not depend on summation order at all.

use rayon::prelude::*;

use crate::template::refinement_offset;

/// Number of independent accumulators (one 512-bit register of f32, or 16 i32 lanes).
const LANES: usize = 16;

/// Runs `f` with AVX2 enabled when the CPU has it (through `pulp`), for the f32 re-scoring
/// loops. Their results do not change: the lanes and the order of every sum are fixed in the
/// source, and Rust never fuses a multiply and an add.
#[inline(always)]
pub(crate) fn with_wide_vectors<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    if let Some(simd) = pulp::x86::V3::try_new() {
        return simd.vectorize(f);
    }
    f()
}

/// Runs `f` with the widest vectors the CPU has: AVX-512 (F, BW, CD, DQ, VL, through
/// `archmage`), else AVX2 (as [`with_wide_vectors`]), else the baseline. `f` should be an
/// `#[inline(always)]` closure, so that its body is compiled with those features. Results do
/// not change: only the vector width differs, never the lanes or the order of a sum.
#[inline(always)]
pub(crate) fn with_widest_vectors<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    if let Some(token) = wide512::token() {
        return wide512::run(token, f);
    }
    with_wide_vectors(f)
}

#[cfg(target_arch = "x86_64")]
mod wide512 {
    //! The AVX-512 context of [`super::with_widest_vectors`].

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
}

/// [`dot_f32`] of two slices of equal length with the widest vectors the CPU has (the same
/// bits on every path).
#[inline(always)]
pub(crate) fn dot_f32_widest(a: &[f32], b: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if a.len() == b.len()
        && let Some(token) = wide512::token()
    {
        return wide512::dot(token, a, b);
    }
    with_wide_vectors(
        #[inline(always)]
        || dot_f32(a, b),
    )
}

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
fn finish_refinement(acc: [f32; 8], probe: &[f32], bits: &[u8]) -> f32 {
    let done = probe.len() - probe.len() % 8;
    let tail: f32 =
        probe[done..].iter().enumerate().map(|(i, &p)| p * refinement_offset(bits, done + i)).sum();
    ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7])) + tail
}

/// Re-scoring of a shortlist against kept f32 rows: `out[i] = dot_f32(probe, row rows[i] of
/// store)`, bit for bit, with the fastest kernel the CPU has (`out` as long as `rows`).
pub(crate) fn rescore_f32(
    kernel: Kernel,
    probe: &[f32],
    store: &[f32],
    rows: &[usize],
    out: &mut [f32],
) {
    #[cfg(target_arch = "x86_64")]
    if kernel == Kernel::Vnni512 && vnni::rescore_f32(probe, store, rows, out) {
        return;
    }
    let _ = kernel;
    let d = probe.len();
    with_wide_vectors(
        #[inline(always)]
        || {
            for (&row, score) in rows.iter().zip(out.iter_mut()) {
                *score = dot_f32(probe, &store[row * d..(row + 1) * d]);
            }
        },
    );
}

/// Re-scoring of a shortlist against int8 rows and their refinement bits: `out[i] =
/// dot_f32_i8(probe, codes of row) + refinement_dot(probe, bits of row)`, bit for bit, with
/// the fastest kernel the CPU has (not yet multiplied by the row's scale).
pub(crate) fn rescore_i8(
    kernel: Kernel,
    probe: &[f32],
    codes: &[i8],
    refinement: &[u8],
    rows: &[usize],
    out: &mut [f32],
) {
    #[cfg(target_arch = "x86_64")]
    if kernel == Kernel::Vnni512 && vnni::rescore_i8(probe, codes, refinement, rows, out) {
        return;
    }
    let _ = kernel;
    let d = probe.len();
    let b = d.div_ceil(8);
    with_wide_vectors(
        #[inline(always)]
        || {
            for (&row, score) in rows.iter().zip(out.iter_mut()) {
                let coarse = dot_f32_i8(probe, &codes[row * d..(row + 1) * d]);
                *score = coarse + refinement_dot(probe, &refinement[row * b..(row + 1) * b]);
            }
        },
    );
}

/// The int8 probes of one batch block, laid out once for every kernel: probe-major codes,
/// the same widened to i16, and the per-probe sums the VNNI kernel subtracts.
#[derive(Debug, Clone)]
pub(crate) struct ProbeBlock {
    dimension: usize,
    count: usize,
    codes: Vec<i8>,
    widened: Vec<i16>,
    /// `128 × Σ codes` over the first `dimension - dimension % 64` values of each probe.
    offsets: Vec<i32>,
}

impl ProbeBlock {
    /// Lays out the codes of `probes` (each `dimension` long).
    pub(crate) fn new<'a>(dimension: usize, probes: impl IntoIterator<Item = &'a [i8]>) -> Self {
        let mut codes = Vec::new();
        let mut offsets = Vec::new();
        let blocked = dimension - dimension % 64;
        for probe in probes {
            codes.extend_from_slice(probe);
            offsets.push(128 * probe[..blocked].iter().map(|&c| i32::from(c)).sum::<i32>());
        }
        let widened = codes.iter().map(|&c| i16::from(c)).collect();
        Self { dimension, count: offsets.len(), codes, widened, offsets }
    }

    /// The number of probes.
    pub(crate) fn len(&self) -> usize {
        self.count
    }

    fn widened(&self, probe: usize) -> &[i16] {
        &self.widened[probe * self.dimension..(probe + 1) * self.dimension]
    }
}

/// A row that may rank for a probe: its score (`dot × row scale`, the probe's own scale left
/// out) reached the probe's floor. `row` counts from the start of the scanned tile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Hit {
    pub(crate) row: u32,
    pub(crate) probe: u32,
    pub(crate) score: f32,
}

/// Width of a probe group in [`ProbeLanes`]: one 512-bit register of i32 lanes.
const PROBE_LANES: usize = 16;

/// The int8 probes of one batch block laid out with the probes across the vector lanes:
/// for each group of sixteen probes and each run of four values, 64 bytes (sixteen probes ×
/// four codes, shifted to unsigned, `code + 128`). The VNNI lane kernel multiplies such a
/// register with four codes of one row broadcast to every lane, so one instruction adds
/// four products to sixteen (row, probe) dot products and no horizontal sum is needed.
#[derive(Debug, Clone)]
pub(crate) struct ProbeLanes {
    block: ProbeBlock,
    /// Runs of four values a probe (`dimension / 4`).
    runs: usize,
    /// `[group][run]`, sixteen probes × four unsigned codes each (as bytes).
    packed: Vec<[i8; 64]>,
}

impl ProbeLanes {
    /// Lays out the codes of `probes` (each `dimension` long).
    pub(crate) fn new<'a>(dimension: usize, probes: impl IntoIterator<Item = &'a [i8]>) -> Self {
        let block = ProbeBlock::new(dimension, probes);
        let runs = dimension / 4;
        let groups = block.count.div_ceil(PROBE_LANES);
        // Missing probes of the last group: code 0 (unsigned 128); their lanes never hit.
        let mut packed = vec![[i8::MIN; 64]; groups * runs];
        for p in 0..block.count {
            let codes = &block.codes[p * dimension..p * dimension + 4 * runs];
            let (group, lane) = (p / PROBE_LANES, p % PROBE_LANES);
            for (run, four) in codes.as_chunks::<4>().0.iter().enumerate() {
                for (t, &code) in four.iter().enumerate() {
                    packed[group * runs + run][4 * lane + t] = code ^ i8::MIN;
                }
            }
        }
        Self { block, runs, packed }
    }

    /// The number of probes.
    pub(crate) fn len(&self) -> usize {
        self.block.count
    }
}

/// `Σ codes` of each row over its first `dimension - dimension % 4` values: what the lane
/// kernel subtracts (× 128) to undo the shift of the probes to unsigned. Empty for kernels
/// that do not need it.
pub(crate) fn row_sums(kernel: Kernel, codes: &[i8], dimension: usize) -> Vec<i32> {
    #[cfg(target_arch = "x86_64")]
    let needed = kernel == Kernel::Vnni512;
    #[cfg(not(target_arch = "x86_64"))]
    let needed = kernel != Kernel::Portable;
    if !needed {
        return Vec::new();
    }
    let blocked = dimension - dimension % 4;
    let sum = |row: &[i8]| -> i32 {
        #[cfg(target_arch = "x86_64")]
        if let Some(sum) = vnni::code_sum(&row[..blocked]) {
            return sum;
        }
        row[..blocked].iter().map(|&c| i32::from(c)).sum()
    };
    codes.par_chunks_exact(dimension).with_min_len(4096).map(sum).collect()
}

/// The rows one [`scan_tile`] call scores.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tile<'a> {
    /// The rows' codes (rows of the probes' dimension).
    pub(crate) codes: &'a [i8],
    /// Their scales.
    pub(crate) scales: &'a [f32],
    /// Their [`row_sums`] (empty for kernels that need none).
    pub(crate) row_sums: &'a [i32],
    /// What the caller will scan next: the kernel may start loading it (no result changes).
    pub(crate) ahead: &'a [i8],
}

/// Scores every row of a tile against every probe and appends a [`Hit`] for each pair whose
/// score is at or above the probe's floor (`floors[probe]`), in (row, probe) order.
///
/// Every kernel appends the same hits: the dot products are exact integers and the score is
/// the same f32 product (`dot as f32 × scale`) whichever instructions form it.
pub(crate) fn scan_tile(
    kernel: Kernel,
    tile: Tile<'_>,
    probes: &ProbeLanes,
    floors: &[f32],
    hits: &mut Vec<Hit>,
) {
    #[cfg(target_arch = "x86_64")]
    if kernel == Kernel::Vnni512
        && tile.row_sums.len() == tile.scales.len()
        && vnni::scan_tile(tile, probes, floors, hits)
    {
        return;
    }
    let Tile { codes, scales, .. } = tile;
    let rows = scales.len();
    let mut dots = Vec::new();
    tile_dots(kernel, codes, &probes.block, &mut dots);
    for (r, &scale) in scales.iter().enumerate() {
        for (p, &floor) in floors.iter().enumerate().take(probes.len()) {
            let score = dots[p * rows + r] as f32 * scale;
            if score >= floor {
                hits.push(Hit { row: r as u32, probe: p as u32, score });
            }
        }
    }
}

/// Which int8 kernel scores a tile. All give identical results (exact integer arithmetic).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kernel {
    /// Safe Rust that LLVM vectorises for the baseline target.
    Portable,
    /// AVX2 `vpmaddwd`, four probes a row pass (through `pulp`).
    #[cfg(target_arch = "x86_64")]
    Avx2,
    /// AVX-512 VNNI `vpdpbusd` (64 multiply-adds an instruction), two rows × four probes a
    /// pass (through `archmage`).
    #[cfg(target_arch = "x86_64")]
    Vnni512,
}

impl Kernel {
    /// The fastest kernel this CPU runs (detected at run time, cached by `std`; the last
    /// of [`Kernel::available`], without building the list).
    pub(crate) fn best() -> Self {
        #[cfg(target_arch = "x86_64")]
        {
            if vnni::available() {
                return Self::Vnni512;
            }
            if pulp::x86::V3::try_new().is_some() {
                return Self::Avx2;
            }
        }
        Self::Portable
    }

    /// Every kernel this CPU runs, slowest first (the tests compare them all).
    #[cfg(test)]
    pub(crate) fn available() -> Vec<Self> {
        let mut kernels = vec![Self::Portable];
        #[cfg(target_arch = "x86_64")]
        {
            if pulp::x86::V3::try_new().is_some() {
                kernels.push(Self::Avx2);
            }
            if vnni::available() {
                kernels.push(Self::Vnni512);
            }
        }
        kernels
    }
}

/// Exact dot products of one probe's int8 codes with every row of `codes` (rows of the
/// probe's length), `dots[row]`: the same integers as [`tile_dots`] with a one-probe block,
/// eight rows side by side under AVX-512 VNNI (a small gallery read from the caches: eight
/// independent chains), else through [`tile_dots`].
pub(crate) fn single_probe_dots(kernel: Kernel, probe: &[i8], codes: &[i8], dots: &mut Vec<i32>) {
    let rows = codes.len().checked_div(probe.len()).unwrap_or(0);
    dots.clear();
    dots.resize(rows, 0);
    #[cfg(target_arch = "x86_64")]
    if kernel == Kernel::Vnni512 && vnni::single_probe_dots(probe, codes, dots) {
        return;
    }
    let block = ProbeBlock::new(probe.len(), [probe]);
    tile_dots(kernel, codes, &block, dots);
}

/// Exact dot products of every int8 row of `codes` (rows of the block's dimension) with every
/// probe of the block, written probe-major: `dots[probe * rows + row]`.
///
/// A kernel the CPU lacks falls back to the portable one; all are exact integer arithmetic,
/// so every kernel gives identical results.
pub(crate) fn tile_dots(kernel: Kernel, codes: &[i8], probes: &ProbeBlock, dots: &mut Vec<i32>) {
    let d = probes.dimension;
    let rows = codes.len() / d;
    dots.clear();
    dots.resize(rows * probes.len(), 0);
    match kernel {
        #[cfg(target_arch = "x86_64")]
        Kernel::Vnni512 if vnni::tile_dots(codes, probes, dots) => return,
        #[cfg(target_arch = "x86_64")]
        Kernel::Avx2 => {
            if let Some(simd) = pulp::x86::V3::try_new() {
                simd.vectorize(
                    #[inline(always)]
                    || avx2::tile_dots(simd, codes, probes, dots),
                );
                return;
            }
        }
        _ => {}
    }
    for (p, out) in dots.chunks_exact_mut(rows.max(1)).enumerate().take(probes.len()) {
        let probe = probes.widened(p);
        for (row, dot) in codes.chunks_exact(d).zip(out) {
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
mod vnni {
    //! AVX-512 VNNI kernel. `vpdpbusd` multiplies unsigned by signed bytes, so each 64-byte
    //! block of a row is shifted to unsigned (`code + 128`, one XOR, shared by four probes)
    //! and the probe's `128 × Σ codes` is subtracted at the end. Register block: two rows ×
    //! four probes (eight accumulators), one horizontal reduction per four dot products.

    use archmage::prelude::*;

    use super::{
        Hit, LANES, PROBE_LANES, ProbeBlock, ProbeLanes, Tile, dot_i16_i8, finish_refinement,
        reduce_f32,
    };

    /// Whether the CPU has the AVX-512 level this kernel is compiled for (cached by `std`).
    pub(super) fn available() -> bool {
        X64V4xToken::summon().is_some()
    }

    /// Runs the kernel when the CPU has it; `false` (nothing written) otherwise.
    pub(super) fn tile_dots(codes: &[i8], probes: &ProbeBlock, dots: &mut [i32]) -> bool {
        match X64V4xToken::summon() {
            Some(token) => {
                tile(token, codes, probes, dots);
                true
            }
            None => false,
        }
    }

    /// [`super::single_probe_dots`] under AVX-512 VNNI when the CPU has it; `false` (nothing
    /// written) otherwise.
    pub(super) fn single_probe_dots(probe: &[i8], codes: &[i8], dots: &mut [i32]) -> bool {
        match X64V4xToken::summon() {
            Some(token) => {
                single_probe(token, probe, codes, dots);
                true
            }
            None => false,
        }
    }

    /// Eight rows at a time, one accumulator each (`Σ (row + 128) × probe` over whole
    /// 64-byte blocks), then `128 × Σ probe` subtracted and the values past the last whole
    /// block added exactly.
    #[arcane(import_intrinsics)]
    fn single_probe(_token: X64V4xToken, probe: &[i8], codes: &[i8], dots: &mut [i32]) {
        let d = probe.len();
        let blocked = d - d % 64;
        let (head, probe_tail) = probe.split_at(blocked);
        let probe_blocks = head.as_chunks::<64>().0;
        let offset = 128 * head.iter().map(|&c| i32::from(c)).sum::<i32>();
        let flip = _mm512_set1_epi8(i8::MIN);
        let zero = _mm512_setzero_si512();
        let row_blocks = |r: usize| codes[r * d..r * d + blocked].as_chunks::<64>().0;
        let (octets, rest) = dots.as_chunks_mut::<8>();
        for (o, out) in octets.iter_mut().enumerate() {
            let r = 8 * o;
            let rows = [
                row_blocks(r),
                row_blocks(r + 1),
                row_blocks(r + 2),
                row_blocks(r + 3),
                row_blocks(r + 4),
                row_blocks(r + 5),
                row_blocks(r + 6),
                row_blocks(r + 7),
            ];
            let mut acc = [zero; 8];
            for (b, p) in probe_blocks.iter().enumerate() {
                let p = _mm512_loadu_si512(p);
                for i in 0..8 {
                    let unsigned = _mm512_xor_si512(_mm512_loadu_si512(&rows[i][b]), flip);
                    acc[i] = _mm512_dpbusd_epi32(acc[i], unsigned, p);
                }
            }
            let low = reduce4([acc[0], acc[1], acc[2], acc[3]]);
            let high = reduce4([acc[4], acc[5], acc[6], acc[7]]);
            out[..4].copy_from_slice(&low);
            out[4..].copy_from_slice(&high);
        }
        let done = 8 * octets.len();
        for (i, dot) in rest.iter_mut().enumerate() {
            let mut acc = zero;
            for (p, r) in probe_blocks.iter().zip(row_blocks(done + i)) {
                let unsigned = _mm512_xor_si512(_mm512_loadu_si512(r), flip);
                acc = _mm512_dpbusd_epi32(acc, unsigned, _mm512_loadu_si512(p));
            }
            *dot = _mm512_reduce_add_epi32(acc);
        }
        // Undo the shift; add the values past the last whole block.
        for (r, dot) in dots.iter_mut().enumerate() {
            *dot -= offset;
            if !probe_tail.is_empty() {
                let row_tail = &codes[r * d + blocked..(r + 1) * d];
                let products = probe_tail.iter().zip(row_tail);
                *dot += products.map(|(&a, &b)| i32::from(a) * i32::from(b)).sum::<i32>();
            }
        }
    }

    /// [`super::rescore_f32`] under AVX-512 when the CPU has it; `false` otherwise.
    pub(super) fn rescore_f32(
        probe: &[f32],
        store: &[f32],
        rows: &[usize],
        out: &mut [f32],
    ) -> bool {
        match X64V4xToken::summon() {
            Some(token) => {
                rescore_f32_rows(token, probe, store, rows, out);
                true
            }
            None => false,
        }
    }

    /// [`super::rescore_i8`] under AVX-512 when the CPU has it; `false` otherwise.
    pub(super) fn rescore_i8(
        probe: &[f32],
        codes: &[i8],
        refinement: &[u8],
        rows: &[usize],
        out: &mut [f32],
    ) -> bool {
        match X64V4xToken::summon() {
            Some(token) => {
                rescore_i8_rows(token, probe, codes, refinement, rows, out);
                true
            }
            None => false,
        }
    }

    /// The lanes of one accumulator, folded as `reduce_f32` does.
    #[rite(v4x, import_intrinsics)]
    fn fold(acc: __m512) -> f32 {
        let mut lanes = [0.0_f32; LANES];
        _mm512_storeu_ps(&mut lanes, acc);
        reduce_f32(lanes)
    }

    /// `Σ probe × row` over the whole 16-value blocks, eight rows at a time (eight independent
    /// chains, eight rows streaming from memory at once); each lane adds its products in the
    /// same order as `dot_f32`, and the tail is the same scalar sum, so the bits agree.
    #[arcane(import_intrinsics)]
    fn rescore_f32_rows(
        _token: X64V4xToken,
        probe: &[f32],
        store: &[f32],
        rows: &[usize],
        out: &mut [f32],
    ) {
        let d = probe.len();
        let (probe_blocks, probe_rest) = probe.as_chunks::<LANES>();
        let blocked = d - probe_rest.len();
        let zero = _mm512_setzero_ps();
        let tail = |row: &[f32]| -> f32 {
            probe_rest.iter().zip(&row[blocked..]).map(|(x, y)| x * y).sum()
        };
        // Ask for every shortlisted row first: the rows are scattered over the store, and the
        // misses overlap instead of arriving one row at a time.
        for &r in rows {
            std::hint::black_box(store[r * d]);
        }
        let (octets, rest) = rows.as_chunks::<8>();
        let (out_octets, out_rest) = out.as_chunks_mut::<8>();
        for (octet, scores) in octets.iter().zip(out_octets) {
            let values = octet.map(|r| &store[r * d..(r + 1) * d]);
            let blocks = values.map(|v| &v.as_chunks::<LANES>().0[..probe_blocks.len()]);
            let mut acc = [zero; 8];
            for (b, p) in probe_blocks.iter().enumerate() {
                let p = _mm512_loadu_ps(p);
                for i in 0..8 {
                    acc[i] =
                        _mm512_add_ps(acc[i], _mm512_mul_ps(p, _mm512_loadu_ps(&blocks[i][b])));
                }
            }
            for i in 0..8 {
                scores[i] = fold(acc[i]) + tail(values[i]);
            }
        }
        for (&r, score) in rest.iter().zip(out_rest) {
            let values = &store[r * d..(r + 1) * d];
            let mut acc = zero;
            for (p, v) in probe_blocks.iter().zip(values.as_chunks::<LANES>().0) {
                acc = _mm512_add_ps(acc, _mm512_mul_ps(_mm512_loadu_ps(p), _mm512_loadu_ps(v)));
            }
            *score = fold(acc) + tail(values);
        }
    }

    /// `N` rows of [`rescore_i8_rows`] at once (independent chains): the int8 part in sixteen
    /// lanes (codes widened to f32, exact), the refinement part in eight lanes (one per bit of
    /// a byte), each lane in the order of the portable loops.
    #[rite(v4x, import_intrinsics)]
    fn rescore_i8_n<const N: usize>(
        probe: &[f32],
        codes: [&[i8]; N],
        bits: [&[u8]; N],
    ) -> [f32; N] {
        let (probe_blocks, probe_rest) = probe.as_chunks::<LANES>();
        let blocked = probe.len() - probe_rest.len();
        let code_blocks = codes.map(|c| &c.as_chunks::<LANES>().0[..probe_blocks.len()]);
        let mut acc = [_mm512_setzero_ps(); N];
        for (b, p) in probe_blocks.iter().enumerate() {
            let p = _mm512_loadu_ps(p);
            for i in 0..N {
                let widened =
                    _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128(&code_blocks[i][b])));
                acc[i] = _mm512_add_ps(acc[i], _mm512_mul_ps(p, widened));
            }
        }
        let eights = probe.as_chunks::<8>().0;
        let bytes = bits.map(|b| &b[..eights.len()]);
        let bit_of_lane = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
        let up = _mm256_set1_ps(0.25);
        let down = _mm256_set1_ps(-0.25);
        let mut fine = [_mm256_setzero_ps(); N];
        for (j, p) in eights.iter().enumerate() {
            let p = _mm256_loadu_ps(p);
            for i in 0..N {
                let byte = _mm256_set1_epi32(i32::from(bytes[i][j]));
                let offsets =
                    _mm256_mask_blend_ps(_mm256_test_epi32_mask(byte, bit_of_lane), down, up);
                fine[i] = _mm256_add_ps(fine[i], _mm256_mul_ps(p, offsets));
            }
        }
        let mut out = [0.0_f32; N];
        for i in 0..N {
            let tail: f32 =
                probe_rest.iter().zip(&codes[i][blocked..]).map(|(x, &y)| x * f32::from(y)).sum();
            let coarse = fold(acc[i]) + tail;
            let mut lanes = [0.0_f32; 8];
            _mm256_storeu_ps(&mut lanes, fine[i]);
            out[i] = coarse + finish_refinement(lanes, probe, bits[i]);
        }
        out
    }

    #[arcane(import_intrinsics)]
    fn rescore_i8_rows(
        _token: X64V4xToken,
        probe: &[f32],
        codes: &[i8],
        refinement: &[u8],
        rows: &[usize],
        out: &mut [f32],
    ) {
        let d = probe.len();
        let b = d.div_ceil(8);
        let row_codes = |r: usize| &codes[r * d..(r + 1) * d];
        let row_bits = |r: usize| &refinement[r * b..(r + 1) * b];
        let (quads, rest) = rows.as_chunks::<4>();
        let (out_quads, out_rest) = out.as_chunks_mut::<4>();
        for (quad, scores) in quads.iter().zip(out_quads) {
            *scores = rescore_i8_n::<4>(probe, quad.map(row_codes), quad.map(row_bits));
        }
        for (&r, score) in rest.iter().zip(out_rest) {
            [*score] = rescore_i8_n::<1>(probe, [row_codes(r)], [row_bits(r)]);
        }
    }

    /// `Σ codes` under AVX-512 (`vpsadbw` on the codes shifted to unsigned) when the CPU has
    /// it; `None` otherwise.
    pub(super) fn code_sum(codes: &[i8]) -> Option<i32> {
        X64V4xToken::summon().map(|token| code_sum_v4(token, codes))
    }

    #[arcane(import_intrinsics)]
    fn code_sum_v4(_token: X64V4xToken, codes: &[i8]) -> i32 {
        let (blocks, rest) = codes.as_chunks::<64>();
        let flip = _mm512_set1_epi8(i8::MIN);
        let zero = _mm512_setzero_si512();
        let mut acc = zero;
        for block in blocks {
            let unsigned = _mm512_xor_si512(_mm512_loadu_si512(block), flip);
            acc = _mm512_add_epi64(acc, _mm512_sad_epu8(unsigned, zero));
        }
        // At most 65,536 values of at most 255: the total fits an i64 and the result an i32.
        let shifted = _mm512_reduce_add_epi64(acc) - 128 * (64 * blocks.len()) as i64;
        shifted as i32 + rest.iter().map(|&c| i32::from(c)).sum::<i32>()
    }

    /// [`super::scan_tile`] under AVX-512 VNNI when the CPU has it; `false` otherwise.
    pub(super) fn scan_tile(
        tile: Tile<'_>,
        probes: &ProbeLanes,
        floors: &[f32],
        hits: &mut Vec<Hit>,
    ) -> bool {
        match X64V4xToken::summon() {
            Some(token) => {
                match probes.packed.len().checked_div(probes.runs).unwrap_or(0) {
                    1 => lanes_tile::<8, 1>(token, tile, probes, floors, hits),
                    2 => lanes_tile::<8, 2>(token, tile, probes, floors, hits),
                    3 => lanes_tile::<4, 3>(token, tile, probes, floors, hits),
                    4 => lanes_tile::<4, 4>(token, tile, probes, floors, hits),
                    _ => return false,
                }
                true
            }
            None => false,
        }
    }

    /// The lane kernel over a tile, `ROWS` rows at a time: `ROWS × G` accumulators (G groups
    /// of sixteen probes, at most 32 registers), one broadcast of four row codes feeding G
    /// instructions.
    #[arcane(import_intrinsics)]
    fn lanes_tile<const ROWS: usize, const G: usize>(
        _token: X64V4xToken,
        tile: Tile<'_>,
        probes: &ProbeLanes,
        floors: &[f32],
        hits: &mut Vec<Hit>,
    ) {
        let Tile { codes, scales, row_sums, ahead } = tile;
        let d = probes.block.dimension;
        let runs = probes.runs;
        let rows = scales.len();
        // Floors of the missing probes of the last group: +∞, so their lanes never hit.
        let mut padded = [[f32::INFINITY; PROBE_LANES]; G];
        for (p, &floor) in floors.iter().enumerate().take(probes.len()) {
            padded[p / PROBE_LANES][p % PROBE_LANES] = floor;
        }
        let floor_vectors = padded.map(|f| _mm512_loadu_ps(&f));
        let groups: [&[[i8; 64]]; G] =
            std::array::from_fn(|g| &probes.packed[g * runs..(g + 1) * runs]);
        let row_runs = |r: usize| &codes[r * d..r * d + 4 * runs].as_chunks::<4>().0[..runs];
        let mut r = 0;
        while r < rows {
            // Ask for the rows after this block now (one load a cache line): streamed from
            // memory, they arrive while this block is scored. The kernel reads eight rows a
            // few bytes at a time, which the hardware prefetchers do not follow well.
            let start = (r + ROWS) * d;
            for offset in (start..start + ROWS * d).step_by(64) {
                let byte = match offset.checked_sub(codes.len()) {
                    None => codes[offset],
                    Some(past) => ahead.get(past).copied().unwrap_or_default(),
                };
                std::hint::black_box(byte);
            }
            let mut sums = [[_mm512_setzero_si512(); G]; ROWS];
            let count = if r + ROWS <= rows {
                sums = lanes_block::<ROWS, G>(std::array::from_fn(|i| row_runs(r + i)), groups);
                ROWS
            } else {
                sums[0] = lanes_block::<1, G>([row_runs(r)], groups)[0];
                1
            };
            for (i, group_sums) in sums.iter().enumerate().take(count) {
                let row = r + i;
                let scale = _mm512_set1_ps(scales[row]);
                let shift = _mm512_set1_epi32(128 * row_sums[row]);
                for (g, &sum) in group_sums.iter().enumerate() {
                    let mut dots = _mm512_sub_epi32(sum, shift);
                    if 4 * runs < d {
                        dots = _mm512_add_epi32(
                            dots,
                            tail_dots(probes, g, &codes[row * d..(row + 1) * d]),
                        );
                    }
                    let score = _mm512_mul_ps(_mm512_cvtepi32_ps(dots), scale);
                    let mut hit = _mm512_cmp_ps_mask::<_CMP_GE_OQ>(score, floor_vectors[g]);
                    if hit != 0 {
                        let mut lanes = [0.0_f32; PROBE_LANES];
                        _mm512_storeu_ps(&mut lanes, score);
                        while hit != 0 {
                            let lane = hit.trailing_zeros() as usize;
                            hit &= hit - 1;
                            hits.push(Hit {
                                row: row as u32,
                                probe: (g * PROBE_LANES + lane) as u32,
                                score: lanes[lane],
                            });
                        }
                    }
                }
            }
            r += count;
        }
    }

    /// The products past the last run of four, per lane of group `g` (a dimension that is
    /// not a multiple of four).
    #[rite(v4x, import_intrinsics)]
    fn tail_dots(probes: &ProbeLanes, g: usize, row: &[i8]) -> __m512i {
        let d = probes.block.dimension;
        let start = 4 * probes.runs;
        let mut lanes = [0_i32; PROBE_LANES];
        for (lane, dot) in lanes.iter_mut().enumerate() {
            let p = g * PROBE_LANES + lane;
            if p < probes.block.count {
                *dot = dot_i16_i8(&probes.block.widened(p)[start..d], &row[start..]);
            }
        }
        _mm512_loadu_si512(&lanes)
    }

    /// `R` rows × `G` groups of sixteen probes: `Σ (probe + 128) × row` over the runs of four,
    /// one i32 lane a probe. Each row's four codes are broadcast to every lane (the
    /// instruction's memory operand) and multiplied with the sixteen probes' four codes.
    #[rite(v4x, import_intrinsics)]
    fn lanes_block<const R: usize, const G: usize>(
        rows: [&[[i8; 4]]; R],
        groups: [&[[i8; 64]]; G],
    ) -> [[__m512i; G]; R] {
        let zero = _mm512_setzero_si512();
        let mut acc = [[zero; G]; R];
        let runs = groups[0].len();
        // Every slice exactly `runs` long, so the loop below carries no bounds checks.
        let rows = rows.map(|r| &r[..runs]);
        let groups = groups.map(|g| &g[..runs]);
        for k in 0..runs {
            let mut unsigned = [zero; G];
            for g in 0..G {
                unsigned[g] = _mm512_loadu_si512(&groups[g][k]);
            }
            for i in 0..R {
                let four = _mm512_set1_epi32(i32::from_le_bytes(rows[i][k].map(|c| c as u8)));
                for g in 0..G {
                    acc[i][g] = _mm512_dpbusd_epi32(acc[i][g], unsigned[g], four);
                }
            }
        }
        acc
    }

    #[arcane(import_intrinsics)]
    fn tile(_token: X64V4xToken, codes: &[i8], probes: &ProbeBlock, dots: &mut [i32]) {
        let d = probes.dimension;
        let rows = codes.len() / d;
        let blocked = d - d % 64;
        let row_blocks = |r: usize| codes[r * d..r * d + blocked].as_chunks::<64>().0;
        let probe_blocks = |p: usize| probes.codes[p * d..p * d + blocked].as_chunks::<64>().0;
        let groups = probes.count / 4;
        for g in 0..groups {
            let ps = [0, 1, 2, 3].map(|j| probe_blocks(4 * g + j));
            let mut r = 0;
            while r + 4 <= rows {
                let sums = block::<4, 4>(
                    [row_blocks(r), row_blocks(r + 1), row_blocks(r + 2), row_blocks(r + 3)],
                    ps,
                );
                for (i, row_sums) in sums.iter().enumerate() {
                    for (j, &s) in row_sums.iter().enumerate() {
                        dots[(4 * g + j) * rows + r + i] = s;
                    }
                }
                r += 4;
            }
            while r < rows {
                let [row_sums] = block::<1, 4>([row_blocks(r)], ps);
                for (j, &s) in row_sums.iter().enumerate() {
                    dots[(4 * g + j) * rows + r] = s;
                }
                r += 1;
            }
        }
        for p in 4 * groups..probes.count {
            let ps = [probe_blocks(p)];
            let mut r = 0;
            while r + 4 <= rows {
                let sums = rows4_in_order(
                    [row_blocks(r), row_blocks(r + 1), row_blocks(r + 2), row_blocks(r + 3)],
                    ps[0],
                );
                for (i, &s) in sums.iter().enumerate() {
                    dots[p * rows + r + i] = s;
                }
                r += 4;
            }
            while r < rows {
                let [[s]] = block::<1, 1>([row_blocks(r)], ps);
                dots[p * rows + r] = s;
                r += 1;
            }
        }
        // Undo the +128 shift, add the values past the last whole 64-byte block.
        for p in 0..probes.count {
            let offset = probes.offsets[p];
            let probe_tail = &probes.widened(p)[blocked..];
            for (r, dot) in dots[p * rows..(p + 1) * rows].iter_mut().enumerate() {
                *dot -= offset;
                if !probe_tail.is_empty() {
                    *dot += dot_i16_i8(probe_tail, &codes[r * d + blocked..(r + 1) * d]);
                }
            }
        }
    }

    /// `R × P` shifted dot products (`Σ (row + 128) × probe`) over whole 64-byte blocks.
    #[rite(v4x, import_intrinsics)]
    fn block<const R: usize, const P: usize>(
        rows: [&[[i8; 64]]; R],
        probes: [&[[i8; 64]]; P],
    ) -> [[i32; P]; R] {
        let flip = _mm512_set1_epi8(i8::MIN);
        let zero = _mm512_setzero_si512();
        let mut acc = [[zero; P]; R];
        let n = rows[0].len();
        for b in 0..n {
            let mut unsigned = [zero; R];
            for i in 0..R {
                unsigned[i] = _mm512_xor_si512(_mm512_loadu_si512(&rows[i][b]), flip);
            }
            for j in 0..P {
                let probe = _mm512_loadu_si512(&probes[j][b]);
                for i in 0..R {
                    acc[i][j] = _mm512_dpbusd_epi32(acc[i][j], unsigned[i], probe);
                }
            }
        }
        let mut out = [[0_i32; P]; R];
        let mut flat = [zero; 4];
        let mut slots = [(0, 0); 4];
        let mut k = 0;
        for (i, row_acc) in acc.iter().enumerate() {
            for (j, &a) in row_acc.iter().enumerate() {
                flat[k] = a;
                slots[k] = (i, j);
                k += 1;
                if k == 4 || (i == R - 1 && j == P - 1) {
                    let sums = reduce4(flat);
                    for (s, &(si, sj)) in sums.iter().zip(&slots).take(k) {
                        out[si][sj] = *s;
                    }
                    flat = [zero; 4];
                    k = 0;
                }
            }
        }
        out
    }

    /// Four shifted dot products of one probe, each row read whole before the next: a single
    /// probe streams the gallery from memory, and reading rows in address order keeps the
    /// hardware prefetchers ahead (interleaving four rows was measured 2× slower there).
    /// Two accumulators a row halve the dependency chain.
    #[rite(v4x, import_intrinsics)]
    fn rows4_in_order(rows: [&[[i8; 64]]; 4], probe: &[[i8; 64]]) -> [i32; 4] {
        let flip = _mm512_set1_epi8(i8::MIN);
        let zero = _mm512_setzero_si512();
        let mut acc = [zero; 4];
        for (row, total) in rows.iter().zip(&mut acc) {
            let (mut even, mut odd) = (zero, zero);
            let (row_pairs, row_rest) = row.as_chunks::<2>();
            let (probe_pairs, probe_rest) = probe.as_chunks::<2>();
            for (r, p) in row_pairs.iter().zip(probe_pairs) {
                let (r0, r1) = (_mm512_loadu_si512(&r[0]), _mm512_loadu_si512(&r[1]));
                even = _mm512_dpbusd_epi32(
                    even,
                    _mm512_xor_si512(r0, flip),
                    _mm512_loadu_si512(&p[0]),
                );
                odd =
                    _mm512_dpbusd_epi32(odd, _mm512_xor_si512(r1, flip), _mm512_loadu_si512(&p[1]));
            }
            for (r, p) in row_rest.iter().zip(probe_rest) {
                let unsigned = _mm512_xor_si512(_mm512_loadu_si512(r), flip);
                even = _mm512_dpbusd_epi32(even, unsigned, _mm512_loadu_si512(p));
            }
            *total = _mm512_add_epi32(even, odd);
        }
        reduce4(acc)
    }

    /// The lane sums of four accumulators at once (interleave, add, then fold the 128-bit
    /// lanes): 13 instructions for four horizontal sums.
    #[rite(v4x, import_intrinsics)]
    fn reduce4(a: [__m512i; 4]) -> [i32; 4] {
        let t0 =
            _mm512_add_epi32(_mm512_unpacklo_epi32(a[0], a[1]), _mm512_unpackhi_epi32(a[0], a[1]));
        let t1 =
            _mm512_add_epi32(_mm512_unpacklo_epi32(a[2], a[3]), _mm512_unpackhi_epi32(a[2], a[3]));
        let u = _mm512_add_epi32(_mm512_unpacklo_epi64(t0, t1), _mm512_unpackhi_epi64(t0, t1));
        let h = _mm256_add_epi32(_mm512_castsi512_si256(u), _mm512_extracti64x4_epi64::<1>(u));
        let q = _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256::<1>(h));
        let mut out = [0_i32; 4];
        _mm_storeu_si128(&mut out, q);
        out
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
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
}

/// Pairwise reduction of the lane accumulators in a fixed tree order.
#[inline(always)]
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

    fn codes(len: usize, seed: usize) -> Vec<i8> {
        // Covers the full code range, both extremes included.
        (0..len).map(|i| ((i * 7 + seed * 31) % 255) as i8 ^ ((i % 3) as i8)).collect()
    }

    #[test]
    fn int8_dots_are_exact_for_every_kernel_probe_count_and_tail() {
        let kernels = Kernel::available();
        assert!(kernels.contains(&Kernel::Portable));
        #[cfg(target_arch = "x86_64")]
        {
            // On a CPU that has them, the fast kernels are really among those compared.
            assert_eq!(
                kernels.contains(&Kernel::Avx2),
                std::arch::is_x86_feature_detected!("avx2")
            );
            if std::arch::is_x86_feature_detected!("avx512vnni")
                && std::arch::is_x86_feature_detected!("avx512vbmi2")
            {
                assert_eq!(Kernel::best(), Kernel::Vnni512);
            }
        }
        for dimension in [5, 16, 37, 64, 100, 512, 515] {
            for row_count in [1, 2, 3, 5, 37] {
                let rows = codes(dimension * row_count, dimension);
                for probe_count in [1, 3, 4, 6, 9] {
                    let probe_codes: Vec<Vec<i8>> =
                        (0..probe_count).map(|p| codes(dimension, p + 1)).collect();
                    let block = ProbeBlock::new(dimension, probe_codes.iter().map(Vec::as_slice));
                    let mut expected = vec![0; row_count * probe_count];
                    for (p, probe) in probe_codes.iter().enumerate() {
                        for (r, row) in rows.chunks_exact(dimension).enumerate() {
                            expected[p * row_count + r] = probe
                                .iter()
                                .zip(row)
                                .map(|(&x, &y)| i32::from(x) * i32::from(y))
                                .sum();
                        }
                    }
                    for &kernel in &kernels {
                        let mut dots = Vec::new();
                        tile_dots(kernel, &rows, &block, &mut dots);
                        assert_eq!(
                            dots, expected,
                            "{kernel:?} d={dimension} rows={row_count} probes={probe_count}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn single_probe_dots_are_exact_for_every_kernel_and_tail() {
        for dimension in [5, 16, 37, 64, 100, 512, 515] {
            for row_count in [1, 3, 7, 8, 9, 17, 64] {
                let rows = codes(dimension * row_count, dimension);
                let probe = codes(dimension, 3);
                let expected: Vec<i32> = rows
                    .chunks_exact(dimension)
                    .map(|row| {
                        probe.iter().zip(row).map(|(&x, &y)| i32::from(x) * i32::from(y)).sum()
                    })
                    .collect();
                for kernel in Kernel::available() {
                    let mut dots = vec![7; 3];
                    single_probe_dots(kernel, &probe, &rows, &mut dots);
                    assert_eq!(dots, expected, "{kernel:?} d={dimension} rows={row_count}");
                }
            }
        }
        let extreme = [vec![127_i8; 4096], vec![-127_i8; 4096]].concat();
        for kernel in Kernel::available() {
            let mut dots = Vec::new();
            single_probe_dots(kernel, &vec![-127_i8; 4096], &extreme, &mut dots);
            assert_eq!(dots, [-127 * 127 * 4096, 127 * 127 * 4096], "{kernel:?}");
        }
    }

    #[test]
    fn extreme_codes_do_not_overflow_any_kernel() {
        let dimension = 4096;
        let rows = [vec![127_i8; dimension], vec![-127_i8; dimension]].concat();
        let probes = [vec![127_i8; dimension], vec![-127_i8; dimension]];
        let block = ProbeBlock::new(dimension, probes.iter().map(Vec::as_slice));
        for kernel in Kernel::available() {
            let mut dots = Vec::new();
            tile_dots(kernel, &rows, &block, &mut dots);
            let full = 127 * 127 * dimension as i32;
            assert_eq!(dots, [full, -full, -full, full], "{kernel:?}");
            let lanes = ProbeLanes::new(dimension, probes.iter().map(Vec::as_slice));
            let mut hits = Vec::new();
            let sums = row_sums(kernel, &rows, dimension);
            let floors = [f32::MIN; 2];
            let tile = Tile { codes: &rows, scales: &[1.0; 2], row_sums: &sums, ahead: &[] };
            scan_tile(kernel, tile, &lanes, &floors, &mut hits);
            let scores: Vec<f32> = hits.iter().map(|h| h.score).collect();
            let full = full as f32;
            assert_eq!(scores, [full, -full, -full, full], "{kernel:?}");
        }
    }

    #[test]
    fn scan_tile_hits_are_the_same_for_every_kernel() {
        for dimension in [5, 16, 37, 64, 100, 512, 515] {
            for row_count in [1, 7, 8, 9, 37, 64] {
                let rows = codes(dimension * row_count, dimension);
                let scales: Vec<f32> = (0..row_count).map(|r| 1.0 + r as f32 / 64.0).collect();
                for probe_count in [1, 3, 16, 17, 32, 48, 64] {
                    let probe_codes: Vec<Vec<i8>> =
                        (0..probe_count).map(|p| codes(dimension, p + 1)).collect();
                    let lanes = ProbeLanes::new(dimension, probe_codes.iter().map(Vec::as_slice));
                    // Floors from -∞ to +∞, some inside the range of the scores.
                    let floors: Vec<f32> = (0..probe_count)
                        .map(|p| match p % 4 {
                            0 => f32::NEG_INFINITY,
                            1 => 0.0,
                            2 => 1000.0 * (p as f32 % 16.0 - 8.0),
                            _ => f32::INFINITY,
                        })
                        .collect();
                    let mut expected = Vec::new();
                    for (r, row) in rows.chunks_exact(dimension).enumerate() {
                        for (p, probe) in probe_codes.iter().enumerate() {
                            let dot: i32 = probe
                                .iter()
                                .zip(row)
                                .map(|(&x, &y)| i32::from(x) * i32::from(y))
                                .sum();
                            let score = dot as f32 * scales[r];
                            if score >= floors[p] {
                                expected.push(Hit { row: r as u32, probe: p as u32, score });
                            }
                        }
                    }
                    assert!(!expected.is_empty());
                    for kernel in Kernel::available() {
                        let sums = row_sums(kernel, &rows, dimension);
                        let mut hits = Vec::new();
                        let tile =
                            Tile { codes: &rows, scales: &scales, row_sums: &sums, ahead: &[] };
                        scan_tile(kernel, tile, &lanes, &floors, &mut hits);
                        assert_eq!(
                            hits, expected,
                            "{kernel:?} d={dimension} rows={row_count} probes={probe_count}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn rescoring_gives_the_same_bits_for_every_kernel() {
        for dimension in [5, 16, 37, 64, 100, 512, 515] {
            let probe: Vec<f32> =
                (0..dimension).map(|i| ((i * 13 + dimension) as f32 * 0.37).sin()).collect();
            let row_count = 11;
            let store: Vec<f32> =
                (0..dimension * row_count).map(|i| (i as f32 * 0.11).cos()).collect();
            let row_codes = codes(dimension * row_count, dimension);
            let bits: Vec<u8> =
                (0..dimension.div_ceil(8) * row_count).map(|i| (i * 53 % 256) as u8).collect();
            let b = dimension.div_ceil(8);
            for rows in [vec![3], vec![0, 10, 4], vec![1, 2, 3, 4], (0..row_count).rev().collect()]
            {
                let expected_f32: Vec<u32> = rows
                    .iter()
                    .map(|&r| dot_f32(&probe, &store[r * dimension..(r + 1) * dimension]).to_bits())
                    .collect();
                let expected_i8: Vec<u32> = rows
                    .iter()
                    .map(|&r| {
                        let coarse =
                            dot_f32_i8(&probe, &row_codes[r * dimension..(r + 1) * dimension]);
                        (coarse + refinement_dot(&probe, &bits[r * b..(r + 1) * b])).to_bits()
                    })
                    .collect();
                for kernel in Kernel::available() {
                    let mut out = vec![0.0; rows.len()];
                    rescore_f32(kernel, &probe, &store, &rows, &mut out);
                    let got: Vec<u32> = out.iter().map(|s| s.to_bits()).collect();
                    assert_eq!(got, expected_f32, "{kernel:?} f32 d={dimension} rows={rows:?}");
                    rescore_i8(kernel, &probe, &row_codes, &bits, &rows, &mut out);
                    let got: Vec<u32> = out.iter().map(|s| s.to_bits()).collect();
                    assert_eq!(got, expected_i8, "{kernel:?} i8 d={dimension} rows={rows:?}");
                }
            }
        }
    }

    #[test]
    fn widest_f32_dot_gives_the_portable_bits() {
        for d in [0, 1, 5, 16, 37, 512, 515] {
            let a: Vec<f32> = (0..d).map(|i| ((i * 13 + d) as f32 * 0.37).sin()).collect();
            let b: Vec<f32> = (0..d).map(|i| (i as f32 * 0.11).cos() * 1e-3).collect();
            assert_eq!(dot_f32_widest(&a, &b).to_bits(), dot_f32(&a, &b).to_bits(), "d={d}");
        }
        assert_eq!(Some(&Kernel::best()), Kernel::available().last());
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
