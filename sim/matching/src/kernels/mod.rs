//! Dot-product kernels, and the choice among them at run time.
//!
//! One file per instruction set, each a complete kernel that gives the same bits as the
//! others:
//! - `portable.rs`: safe Rust that LLVM vectorises for any target, and the reference. Each
//!   loop keeps [`LANES`] independent accumulators, so the compiler can map them onto SIMD
//!   registers without reordering any floating-point sum: the result is the same on every CPU
//!   and at every optimisation level. The int8 dot products accumulate exactly in `i32`, so
//!   their result does not depend on summation order at all.
//! - `avx2.rs`: the int8 tile kernel with `vpmaddwd` (through `pulp`).
//! - `avx512.rs`: AVX-512 F for the f32 work ([`with_widest_vectors`], [`dot_f32_widest`]).
//! - `vnni.rs`: AVX-512 VNNI (`vpdpbusd`, through `archmage`): the int8 tile, lane and
//!   single-probe kernels, the shortlist re-scoring and the row sums.
//!
//! `layout.rs` holds what the kernels read (probes laid out once, the tile of rows, the hits);
//! this file picks a kernel ([`Kernel`]) and dispatches to it, falling back to the portable
//! one when the CPU lacks the chosen one.

use rayon::prelude::*;

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;
mod layout;
mod portable;
#[cfg(test)]
mod tests;
#[cfg(target_arch = "x86_64")]
mod vnni;

use layout::PROBE_LANES;
pub(crate) use layout::{Hit, ProbeBlock, ProbeLanes, Tile};
pub(crate) use portable::{
    SquareSum, dot_f32, dot_f32_i8, dot_i16_i8, refinement_dot, sum_of_squares,
};
use portable::{finish_refinement, reduce_f32};

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
    if let Some(token) = avx512::token() {
        return avx512::run(token, f);
    }
    with_wide_vectors(f)
}

/// [`sum_of_squares`] with the widest vectors the CPU has (the same bits on every path).
#[inline(always)]
pub(crate) fn sum_of_squares_widest(values: &[f32]) -> f64 {
    #[cfg(target_arch = "x86_64")]
    if let Some(token) = avx512::token() {
        return avx512::sum_of_squares(token, values);
    }
    with_wide_vectors(
        #[inline(always)]
        || sum_of_squares(values),
    )
}

/// [`dot_f32`] of two slices of equal length with the widest vectors the CPU has (the same
/// bits on every path).
#[inline(always)]
pub(crate) fn dot_f32_widest(a: &[f32], b: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if a.len() == b.len()
        && let Some(token) = avx512::token()
    {
        return avx512::dot(token, a, b);
    }
    with_wide_vectors(
        #[inline(always)]
        || dot_f32(a, b),
    )
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
    let rows = codes.len() / probes.dimension;
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
    portable::tile_dots(codes, probes, dots);
}
