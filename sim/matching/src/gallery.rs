//! The enrolled gallery: an int8 search structure scanned exactly, in parallel, in a fixed order.
//!
//! The store (enrol, remove, rows) and the two-stage search are here; the shortlist each
//! search task keeps (top-k buffer, shared floor, the order of candidates) is in `topk.rs`.

use std::fmt;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::MatchError;
use crate::index::RowIndex;
use crate::kernels::{
    Hit, Kernel, ProbeBlock, ProbeLanes, Tile, rescore_f32, rescore_i8, row_sums, scan_tile,
    single_probe_dots, tile_dots,
};
use crate::template::{QuantizedTemplate, Template, check_dimension};
use crate::verify::Threshold;

mod topk;

use topk::{Ranked, SharedFloor, TopK};

/// (Row, probe) pairs aimed at in one unit of parallel work, and the fewest rows it has. The
/// shortlist is the top of a total order (score, then identity), so it does not depend on
/// how rows are split between tasks or threads: the split only balances the work.
const CHUNK_PAIRS: usize = 32 * 1024;
const MIN_CHUNK_ROWS: usize = 1024;
/// Up to this many (row, probe) pairs a search runs on the calling thread: below it, rayon's
/// task hand-offs cost more than the scan (a 256-identity gallery, one probe: 256 pairs).
const SEQUENTIAL_PAIRS: usize = 64 * 1024;

/// Rows scored together by the kernel: a tile of codes and a block of probes stay in the
/// L1/L2 caches while every (row, probe) pair of the tile is scored.
const TILE_ROWS: usize = 64;

/// Queries scored together against each gallery row in a batch search, so a row is read
/// from memory once per block of queries instead of once per query.
const QUERY_BLOCK: usize = 32;

/// Galleries above this many rows no longer fit the caches: a batch split by probe blocks
/// then takes blocks of [`LARGE_QUERY_BLOCK`] probes when it has enough of them, halving
/// the gallery reads from memory.
const LARGE_GALLERY_ROWS: usize = 200_000;
const LARGE_QUERY_BLOCK: usize = 64;

/// Up to this many rows, a gallery that keeps exact rows answers a single probe by scoring
/// every row in f32: cheaper than quantising the probe, scanning codes and re-scoring a
/// shortlist (the simulator's scaled galleries of a few hundred identities), and exact.
/// For `k = 1` (the simulator's call) only the rows whose int8 upper bound reaches the best
/// are scored in f32 ([`Gallery::best_row`]); the result is the same bit for bit.
const SMALL_EXACT_ROWS: usize = 1024;

/// Length of the candidate list [`Gallery::identify`] returns at most.
pub const CANDIDATE_LIST_LENGTH: usize = 10;

/// The identity of an enrolled person (the platform's person number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct IdentityId(pub u64);

impl fmt::Display for IdentityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// One entry of a ranked candidate list.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// The enrolled identity.
    pub id: IdentityId,
    /// Its score against the probe, in [-1, 1].
    pub score: f32,
}

/// The result of an open-set identification: every candidate at or above the threshold,
/// best first, at most [`CANDIDATE_LIST_LENGTH`] of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Identification {
    /// Candidates with score ≥ threshold, best first (ties: smaller id first).
    pub candidates: Vec<Candidate>,
}

impl Identification {
    /// The best candidate, if any passed the threshold.
    pub fn best(&self) -> Option<&Candidate> {
        self.candidates.first()
    }
}

/// How the second, re-scoring stage of a search sees the shortlisted rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rescoring {
    /// Keep only the int8 form (≈ 516 bytes a template); the shortlist is re-scored with the
    /// full-precision probe against the int8 rows.
    QuantizedOnly,
    /// Also keep the f32 templates (+ 4 bytes a value) and re-score the shortlist exactly.
    Exact,
}

/// A gallery of enrolled templates.
///
/// The search structure is a row-major int8 matrix (one row per identity, one scale each).
/// A search scans every row (exact, not approximate) on the rayon pool with the fastest
/// exact int8 kernel the CPU has (AVX-512 VNNI, AVX2 or portable, detected at run time): a
/// large batch gives each task whole blocks of probes, a small one splits the rows between
/// tasks. The best `k + margin` rows by int8 score (a total order: score, then identity) are
/// re-scored with the f32 probe (see [`Rescoring`]) and ranked by (score descending,
/// identity ascending). Results are bit-identical whatever the number of threads, the split
/// or the kernel.
#[derive(Debug, Clone)]
pub struct Gallery {
    dimension: usize,
    rescoring: Rescoring,
    ids: Vec<IdentityId>,
    codes: Vec<i8>,
    refinement: Vec<u8>,
    scales: Vec<f32>,
    exact: Vec<f32>,
    rows: RowIndex,
}

impl Gallery {
    /// An empty gallery for templates of `dimension` values that keeps only the int8 form.
    ///
    /// # Errors
    /// [`MatchError::InvalidDimension`] for 0 or above [`crate::MAX_DIMENSION`].
    pub fn new(dimension: usize) -> Result<Self, MatchError> {
        Self::with_rescoring(dimension, Rescoring::QuantizedOnly)
    }

    /// An empty gallery with the chosen re-scoring stage.
    ///
    /// # Errors
    /// [`MatchError::InvalidDimension`] for 0 or above [`crate::MAX_DIMENSION`].
    pub fn with_rescoring(dimension: usize, rescoring: Rescoring) -> Result<Self, MatchError> {
        check_dimension(dimension)?;
        Ok(Self {
            dimension,
            rescoring,
            ids: Vec::new(),
            codes: Vec::new(),
            refinement: Vec::new(),
            scales: Vec::new(),
            exact: Vec::new(),
            rows: RowIndex::default(),
        })
    }

    /// The template dimension this gallery holds.
    pub fn dimension(&self) -> usize {
        self.dimension
    }

    /// The number of enrolled identities.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether nobody is enrolled.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Whether `id` is enrolled.
    pub fn contains(&self, id: IdentityId) -> bool {
        self.rows.get(&self.ids, id).is_some()
    }

    /// Bytes held by the search structure (codes, refinement bits, scales, ids and the id
    /// index, 4 bytes a row) plus the f32 store if kept.
    pub fn memory_bytes(&self) -> usize {
        self.codes.len()
            + self.refinement.len()
            + self.scales.len() * size_of::<f32>()
            + self.ids.len() * size_of::<IdentityId>()
            + self.exact.len() * size_of::<f32>()
            + self.rows.memory_bytes()
    }

    /// Reserves room for `additional` more identities (avoids re-allocation while enrolling).
    pub fn reserve(&mut self, additional: usize) {
        self.ids.reserve(additional);
        self.codes.reserve(additional * self.dimension);
        self.scales.reserve(additional);
        match self.rescoring {
            Rescoring::Exact => self.exact.reserve(additional * self.dimension),
            Rescoring::QuantizedOnly => {
                self.refinement.reserve(additional * self.dimension.div_ceil(8))
            }
        }
    }

    /// Enrols a template under `id`.
    ///
    /// # Errors
    /// [`MatchError::DimensionMismatch`] or [`MatchError::DuplicateIdentity`].
    pub fn enrol(&mut self, id: IdentityId, template: &Template) -> Result<(), MatchError> {
        self.check_probe(template)?;
        if self.rows.get(&self.ids, id).is_some() {
            return Err(MatchError::DuplicateIdentity { id });
        }
        let QuantizedTemplate { codes, refinement, scale } = template.quantize();
        self.ids.push(id);
        self.rows.insert(&self.ids, self.ids.len() - 1);
        self.codes.extend_from_slice(&codes);
        self.scales.push(scale);
        match self.rescoring {
            Rescoring::Exact => self.exact.extend_from_slice(template.as_slice()),
            Rescoring::QuantizedOnly => self.refinement.extend_from_slice(&refinement),
        }
        Ok(())
    }

    /// Removes `id`; the last row moves into its place.
    ///
    /// # Errors
    /// [`MatchError::UnknownIdentity`] when `id` is not enrolled.
    pub fn remove(&mut self, id: IdentityId) -> Result<(), MatchError> {
        let row = self.rows.remove(&self.ids, id).ok_or(MatchError::UnknownIdentity { id })?;
        let last = self.ids.len() - 1;
        let d = self.dimension;
        if row != last {
            let moved = self.ids[last];
            self.rows.relocate(&self.ids, moved, row);
            self.ids[row] = moved;
            self.scales[row] = self.scales[last];
            self.codes.copy_within(last * d..(last + 1) * d, row * d);
            let b = d.div_ceil(8);
            match self.rescoring {
                Rescoring::Exact => self.exact.copy_within(last * d..(last + 1) * d, row * d),
                Rescoring::QuantizedOnly => {
                    self.refinement.copy_within(last * b..(last + 1) * b, row * b)
                }
            }
        }
        self.ids.truncate(last);
        self.scales.truncate(last);
        self.codes.truncate(last * d);
        self.exact.truncate(if self.rescoring == Rescoring::Exact { last * d } else { 0 });
        self.refinement.truncate(match self.rescoring {
            Rescoring::Exact => 0,
            Rescoring::QuantizedOnly => last * d.div_ceil(8),
        });
        Ok(())
    }

    /// The stored template of `id` (exact if the gallery keeps f32, else dequantized).
    pub fn template(&self, id: IdentityId) -> Option<Template> {
        let row = self.rows.get(&self.ids, id)?;
        let d = self.dimension;
        let values = match self.rescoring {
            Rescoring::Exact => self.exact[row * d..(row + 1) * d].to_vec(),
            Rescoring::QuantizedOnly => {
                let b = d.div_ceil(8);
                QuantizedTemplate {
                    codes: self.codes[row * d..(row + 1) * d].to_vec(),
                    refinement: self.refinement[row * b..(row + 1) * b].to_vec(),
                    scale: self.scales[row],
                }
                .dequantize()
            }
        };
        Template::new(values).ok()
    }

    /// The `k` best-scoring identities for `probe`, best first (ties: smaller id first).
    /// Returns fewer than `k` when fewer are enrolled.
    ///
    /// A gallery of at most 1,024 rows that keeps exact rows ranks by the exact f32 score of
    /// every row; with `k = 1` it scores in f32 only the rows whose int8 upper bound can
    /// reach the best (same identity and score bits, ≈ 0.73 µs at 64 rows on Zen 4).
    ///
    /// # Errors
    /// [`MatchError::ZeroCandidates`], [`MatchError::EmptyGallery`],
    /// [`MatchError::DimensionMismatch`].
    pub fn search(&self, probe: &Template, k: usize) -> Result<Vec<Candidate>, MatchError> {
        if self.rescoring == Rescoring::Exact && self.len() <= SMALL_EXACT_ROWS && k > 0 {
            self.check_probe(probe)?;
            return Ok(self.search_every_row(probe, k));
        }
        let mut all = self.search_batch(std::slice::from_ref(probe), k)?;
        Ok(all.pop().unwrap_or_default())
    }

    /// The `k` best rows by exact f32 score of every row (a small gallery, one probe).
    fn search_every_row(&self, probe: &Template, k: usize) -> Vec<Candidate> {
        if k == 1 {
            return self.best_row(probe).into_iter().collect();
        }
        let rows: Vec<usize> = (0..self.len()).collect();
        let mut scores = vec![0.0_f32; rows.len()];
        rescore_f32(Kernel::best(), probe.as_slice(), &self.exact, &rows, &mut scores);
        let mut ranked: Vec<Ranked> = rows
            .into_iter()
            .zip(scores)
            .map(|(row, score)| Ranked { score: score.clamp(-1.0, 1.0), id: self.ids[row], row })
            .collect();
        if k < ranked.len() {
            ranked.select_nth_unstable_by(k - 1, |a, b| b.cmp(a));
            ranked.truncate(k);
        }
        ranked.sort_unstable_by(|a, b| b.cmp(a));
        ranked.into_iter().map(|r| Candidate { id: r.id, score: r.score }).collect()
    }

    /// The best row by exact f32 score (ties: smaller identity), as [`search_every_row`]
    /// with `k = 1` would rank it, scoring in f32 only the rows that can reach it.
    ///
    /// Every row gets an upper bound on its exact score from int8 codes (the probe's and the
    /// row's, an exact integer dot product, see [`int8_score_bound`]); the row with the
    /// highest bound is scored in f32 first, then every other row whose bound reaches the
    /// best clamped score so far. A row whose bound is below it scores strictly less, so it
    /// cannot rank first or tie: the result is the same identity and the same score bits as
    /// scoring every row. A best score of −1 (clamped) prunes nothing.
    ///
    /// [`search_every_row`]: Gallery::search_every_row
    fn best_row(&self, probe: &Template) -> Option<Candidate> {
        let rows = self.len();
        if rows == 0 {
            return None;
        }
        let d = self.dimension;
        let values = probe.as_slice();
        let (codes, probe_scale) = probe.codes_for_bounds();
        let mut dots = Vec::with_capacity(rows);
        single_probe_dots(Kernel::best(), &codes, &self.codes, &mut dots);
        let bound = int8_score_bound(d, probe_scale);
        let upper: Vec<f64> =
            dots.iter().zip(&self.scales).map(|(&dot, &scale)| bound(dot, scale)).collect();
        let first =
            (0..rows).fold(0, |best, row| if upper[row] > upper[best] { row } else { best });
        let kernel = Kernel::best();
        let ranked = |row: usize, score: f32| Ranked {
            score: score.clamp(-1.0, 1.0),
            id: self.ids[row],
            row,
        };
        let mut first_score = [0.0_f32];
        rescore_f32(kernel, values, &self.exact, &[first], &mut first_score);
        let mut best = ranked(first, first_score[0]);
        // The other rows that may rank first are scored eight at a time (independent
        // chains). Their floor stays the first row's score, at or below the final best, so
        // no row that could rank first or tie is left out.
        let floor = best.score;
        let mut pending = [0_usize; 8];
        let mut scores = [0.0_f32; 8];
        let mut count = 0;
        let mut score_pending = |pending: &[usize], best: &mut Ranked| {
            let scores = &mut scores[..pending.len()];
            rescore_f32(kernel, values, &self.exact, pending, scores);
            for (&row, &score) in pending.iter().zip(scores.iter()) {
                *best = (*best).max(ranked(row, score));
            }
        };
        for (row, &bound) in upper.iter().enumerate() {
            if row == first || (floor > -1.0 && bound < f64::from(floor)) {
                continue;
            }
            pending[count] = row;
            count += 1;
            if count == pending.len() {
                score_pending(&pending, &mut best);
                count = 0;
            }
        }
        score_pending(&pending[..count], &mut best);
        Some(Candidate { id: best.id, score: best.score })
    }

    /// [`Gallery::search`] for many probes at once; reads the gallery once per block of
    /// probes, so it is the fast path for throughput. Results are in probe order.
    ///
    /// # Errors
    /// As [`Gallery::search`], for any probe.
    pub fn search_batch(
        &self,
        probes: &[Template],
        k: usize,
    ) -> Result<Vec<Vec<Candidate>>, MatchError> {
        if k == 0 {
            return Err(MatchError::ZeroCandidates { k });
        }
        if self.is_empty() {
            return Err(MatchError::EmptyGallery);
        }
        for probe in probes {
            self.check_probe(probe)?;
        }
        let shortlist_len = shortlist_len(k);
        // Per-probe work goes to the pool only for several probes: each parallel call made
        // from outside the pool costs a wake-up round trip, a lot for a single probe.
        let parallel = probes.len() >= 4;
        let quantized: Vec<QuantizedTemplate> = if parallel {
            probes.par_iter().map(Template::quantize).collect()
        } else {
            probes.iter().map(Template::quantize).collect()
        };
        let kernel = Kernel::best();
        let rescore =
            |(probe, shortlist): (&Template, Vec<usize>)| self.rescore(kernel, probe, shortlist, k);
        // With enough probe blocks to keep every thread busy, each task scans the whole
        // gallery for one block alone (no merging, one top-k per probe over all rows) and
        // re-scores its own shortlists. The gallery is read once per block either way; with
        // fewer probes the rows are split between tasks instead (below).
        let threads = rayon::current_num_threads();
        if probes.len() >= 4 * threads * QUERY_BLOCK {
            let block_len = if self.len() > LARGE_GALLERY_ROWS
                && probes.len() >= 4 * threads * LARGE_QUERY_BLOCK
            {
                LARGE_QUERY_BLOCK
            } else {
                QUERY_BLOCK
            };
            let sums = row_sums(kernel, &self.codes, self.dimension);
            let per_block: Vec<Vec<Vec<Candidate>>> = probes
                .par_chunks(block_len)
                .zip(quantized.par_chunks(block_len))
                .map(|(block, quantized_block)| {
                    let shortlists =
                        self.shortlist_whole(kernel, quantized_block, shortlist_len, &sums);
                    block.iter().zip(shortlists).map(rescore).collect()
                })
                .collect();
            return Ok(per_block.into_iter().flatten().collect());
        }
        let mut results = Vec::with_capacity(probes.len());
        for (block, quantized_block) in
            probes.chunks(QUERY_BLOCK).zip(quantized.chunks(QUERY_BLOCK))
        {
            let split_rows = self.len() * block.len() > SEQUENTIAL_PAIRS;
            let shortlists = self.shortlist_block(quantized_block, shortlist_len, split_rows);
            let rescored: Vec<Vec<Candidate>> = if parallel {
                block.par_iter().zip(shortlists).map(rescore).collect()
            } else {
                block.iter().zip(shortlists).map(rescore).collect()
            };
            results.extend(rescored);
        }
        Ok(results)
    }

    /// Open-set identification: the candidates scoring at or above `threshold`, at most
    /// [`CANDIDATE_LIST_LENGTH`].
    ///
    /// # Errors
    /// [`MatchError::EmptyGallery`], [`MatchError::DimensionMismatch`].
    pub fn identify(
        &self,
        probe: &Template,
        threshold: Threshold,
    ) -> Result<Identification, MatchError> {
        let candidates = self
            .search(probe, CANDIDATE_LIST_LENGTH)?
            .into_iter()
            .filter(|c| threshold.accepts(c.score))
            .collect();
        Ok(Identification { candidates })
    }

    fn check_probe(&self, probe: &Template) -> Result<(), MatchError> {
        if probe.dimension() != self.dimension {
            return Err(MatchError::DimensionMismatch {
                expected: self.dimension,
                found: probe.dimension(),
            });
        }
        Ok(())
    }

    /// Stage 1 for a block of probes on this thread, every row in order: per probe, the rows
    /// with the best int8 scores (as row indices). Each tile of rows is scored against every
    /// probe and only the pairs at or above the probe's floor come back ([`scan_tile`]).
    fn shortlist_whole(
        &self,
        kernel: Kernel,
        probes: &[QuantizedTemplate],
        len: usize,
        row_sums: &[i32],
    ) -> Vec<Vec<usize>> {
        let d = self.dimension;
        let lanes = ProbeLanes::new(d, probes.iter().map(|p| p.codes.as_slice()));
        let mut heaps: Vec<TopK> = probes.iter().map(|_| TopK::new(len)).collect();
        let mut floors = vec![f32::NEG_INFINITY; probes.len()];
        let mut hits: Vec<Hit> = Vec::with_capacity(TILE_ROWS * probes.len());
        for (tile, tile_codes) in self.codes.chunks(TILE_ROWS * d).enumerate() {
            let first_row = tile * TILE_ROWS;
            let rows = first_row..first_row + tile_codes.len() / d;
            let sums = row_sums.get(rows.clone()).unwrap_or_default();
            hits.clear();
            let next = &self.codes[(rows.end * d).min(self.codes.len())..];
            let ahead = &next[..next.len().min(TILE_ROWS * d)];
            let tile =
                Tile { codes: tile_codes, scales: &self.scales[rows], row_sums: sums, ahead };
            scan_tile(kernel, tile, &lanes, &floors, &mut hits);
            for hit in &hits {
                let heap = &mut heaps[hit.probe as usize];
                if hit.score >= heap.floor {
                    let row = first_row + hit.row as usize;
                    heap.offer(Ranked { score: hit.score, id: self.ids[row], row });
                }
            }
            for (floor, heap) in floors.iter_mut().zip(&heaps) {
                *floor = heap.floor;
            }
        }
        heaps
            .into_iter()
            .map(|mut heap| {
                heap.select();
                heap.kept.into_iter().map(|r| r.row).collect()
            })
            .collect()
    }

    /// Stage 1: per probe, the rows with the best int8 scores (as row indices). With
    /// `split_rows`, the rows are scanned in chunks on the rayon pool, else on this thread.
    fn shortlist_block(
        &self,
        probes: &[QuantizedTemplate],
        len: usize,
        split_rows: bool,
    ) -> Vec<Vec<usize>> {
        let d = self.dimension;
        let block = ProbeBlock::new(d, probes.iter().map(|p| p.codes.as_slice()));
        let kernel = Kernel::best();
        // Each rayon job carries its best rows from chunk to chunk (a high floor early); the
        // top `len` of the union is the same whichever job saw which chunk.
        // A floor any job has reached is a floor for every job (its `len` kept rows are at or
        // above it), so jobs share their floors: later jobs skip rows from the start.
        let shared: Vec<SharedFloor> = probes.iter().map(|_| SharedFloor::default()).collect();
        // Enough pairs a task to outweigh its scheduling, and up to eight tasks a thread (a
        // thread slowed by other work on the machine leaves its share to the others).
        let chunk_rows = (CHUNK_PAIRS / probes.len().max(1))
            .min(self.len().div_ceil(8 * rayon::current_num_threads()))
            .max(MIN_CHUNK_ROWS);
        let init = || (Vec::new(), probes.iter().map(|_| TopK::new(len)).collect::<Vec<_>>());
        let scan = |(mut dots, mut heaps): (Vec<i32>, Vec<TopK>),
                    (chunk, codes): (usize, &[i8])| {
            for (tile, tile_codes) in codes.chunks(TILE_ROWS * d).enumerate() {
                let first_row = chunk * chunk_rows + tile * TILE_ROWS;
                tile_dots(kernel, tile_codes, &block, &mut dots);
                let rows = tile_codes.len() / d;
                let scales = &self.scales[first_row..first_row + rows];
                for ((probe_dots, heap), floor) in
                    dots.chunks_exact(rows).zip(&mut heaps).zip(&shared)
                {
                    heap.offer_tile(probe_dots, scales, floor, |offset, score| Ranked {
                        score,
                        id: self.ids[first_row + offset],
                        row: first_row + offset,
                    });
                }
            }
            (dots, heaps)
        };
        // The same scan either way: the top `len` of the union does not depend on who saw
        // which chunk, so both give the same rows.
        let per_job: Vec<Vec<TopK>> = if !split_rows {
            vec![self.codes.chunks(chunk_rows * d).enumerate().fold(init(), scan).1]
        } else {
            self.codes
                .par_chunks(chunk_rows * d)
                .enumerate()
                .fold(init, scan)
                .map(|(_, heaps)| heaps)
                .collect()
        };
        (0..probes.len())
            .map(|p| {
                let mut merged: Vec<Ranked> =
                    per_job.iter().flat_map(|job| job[p].kept.iter().copied()).collect();
                merged.sort_unstable_by(|a, b| b.cmp(a));
                merged.truncate(len);
                merged.into_iter().map(|r| r.row).collect()
            })
            .collect()
    }

    /// Stage 2: re-score the shortlist with the f32 probe and keep the best `k`.
    fn rescore(
        &self,
        kernel: Kernel,
        probe: &Template,
        shortlist: Vec<usize>,
        k: usize,
    ) -> Vec<Candidate> {
        let mut scores = vec![0.0_f32; shortlist.len()];
        match self.rescoring {
            Rescoring::Exact => {
                rescore_f32(kernel, probe.as_slice(), &self.exact, &shortlist, &mut scores);
            }
            Rescoring::QuantizedOnly => {
                let p = probe.as_slice();
                rescore_i8(kernel, p, &self.codes, &self.refinement, &shortlist, &mut scores);
                for (score, &row) in scores.iter_mut().zip(&shortlist) {
                    *score *= self.scales[row];
                }
            }
        }
        let mut ranked: Vec<Ranked> = shortlist
            .into_iter()
            .zip(scores)
            .map(|(row, score)| Ranked { score: score.clamp(-1.0, 1.0), id: self.ids[row], row })
            .collect();
        ranked.sort_unstable_by(|a, b| b.cmp(a));
        ranked.truncate(k);
        ranked.into_iter().map(|r| Candidate { id: r.id, score: r.score }).collect()
    }
}

/// An upper bound on the f32 score `dot_f32(p, r)` of two templates of dimension `d` (unit
/// length, f32), from their int8 forms: the probe's scale `t` here, and for each row the
/// exact integer dot product `c·q` of the codes and the row's scale `s`.
///
/// Both quantisations round to the nearest code: `p = t·c + f`, `r = s·q + e` with every
/// `|fᵢ| ≤ 0.5001·t`, `|eᵢ| ≤ 0.5001·s` (half a step, plus the f32 division's error in
/// `value / scale`, below 127 × 2⁻²³ of a step). So `p·r = t·s·(c·q) + t·(c·e) + s·(f·q) + f·e`,
/// and with `‖c‖ ≤ (‖p‖ + ‖f‖)/t`, `‖p‖, ‖r‖ ≤ 1.01` and Cauchy–Schwarz:
/// `|p·r − t·s·(c·q)| ≤ ‖e‖(1.01 + ‖f‖) + ‖f‖(1.01 + ‖e‖) + ‖f‖‖e‖`, where
/// `‖f‖ ≤ 0.5001·t·√d` and `‖e‖ ≤ 0.5001·s·√d`. The f32 evaluation of `p·r` (one rounding a
/// product, one a lane addition, four in the fold, the tail's) adds at most `γₙ·‖p‖‖r‖`,
/// `γₙ = n·u/(1 − n·u)`, `u = 2⁻²⁴`. The bound is evaluated in f64 and widened by a relative
/// 10⁻⁹ and an absolute 10⁻¹², far above f64's own rounding.
fn int8_score_bound(d: usize, probe_scale: f32) -> impl Fn(i32, f32) -> f64 {
    let root_d = (d as f64).sqrt();
    let f_norm = 0.5001 * f64::from(probe_scale) * root_d;
    let roundings = 1.0 + d.div_ceil(16) as f64 + 4.0 + 1.0 + (d % 16) as f64;
    let unit = f64::from(f32::EPSILON) / 2.0;
    let evaluation = roundings * unit / (1.0 - roundings * unit) * 1.01 * 1.01;
    let t = f64::from(probe_scale);
    move |dot: i32, row_scale: f32| {
        let s = f64::from(row_scale);
        let e_norm = 0.5001 * s * root_d;
        let approx = t * s * f64::from(dot);
        let slack = e_norm * (1.01 + f_norm) + f_norm * (1.01 + e_norm) + f_norm * e_norm;
        approx + slack + evaluation + (approx.abs() + slack) * 1e-9 + 1e-12
    }
}

/// How many rows stage 1 keeps for a request of `k`: enough that int8 rounding rarely
/// pushes a true top-k row out (recall is measured in the benches and tests).
fn shortlist_len(k: usize) -> usize {
    k.saturating_mul(2).max(k.saturating_add(32))
}
