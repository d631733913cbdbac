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
pub(super) fn rescore_f32(probe: &[f32], store: &[f32], rows: &[usize], out: &mut [f32]) -> bool {
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
    let tail =
        |row: &[f32]| -> f32 { probe_rest.iter().zip(&row[blocked..]).map(|(x, y)| x * y).sum() };
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
                acc[i] = _mm512_add_ps(acc[i], _mm512_mul_ps(p, _mm512_loadu_ps(&blocks[i][b])));
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
fn rescore_i8_n<const N: usize>(probe: &[f32], codes: [&[i8]; N], bits: [&[u8]; N]) -> [f32; N] {
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
            let offsets = _mm256_mask_blend_ps(_mm256_test_epi32_mask(byte, bit_of_lane), down, up);
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
            even = _mm512_dpbusd_epi32(even, _mm512_xor_si512(r0, flip), _mm512_loadu_si512(&p[0]));
            odd = _mm512_dpbusd_epi32(odd, _mm512_xor_si512(r1, flip), _mm512_loadu_si512(&p[1]));
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
    let t0 = _mm512_add_epi32(_mm512_unpacklo_epi32(a[0], a[1]), _mm512_unpackhi_epi32(a[0], a[1]));
    let t1 = _mm512_add_epi32(_mm512_unpacklo_epi32(a[2], a[3]), _mm512_unpackhi_epi32(a[2], a[3]));
    let u = _mm512_add_epi32(_mm512_unpacklo_epi64(t0, t1), _mm512_unpackhi_epi64(t0, t1));
    let h = _mm256_add_epi32(_mm512_castsi512_si256(u), _mm512_extracti64x4_epi64::<1>(u));
    let q = _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256::<1>(h));
    let mut out = [0_i32; 4];
    _mm_storeu_si128(&mut out, q);
    out
}
