//! What the kernels read and write, laid out once per batch block or tile: the probes'
//! codes probe-major ([`ProbeBlock`]) and across the vector lanes ([`ProbeLanes`]), the rows
//! of a tile ([`Tile`]) and the pairs that reach a floor ([`Hit`]). The fields are open to
//! the kernels of this module only.

/// The int8 probes of one batch block, laid out once for every kernel: probe-major codes,
/// the same widened to i16, and the per-probe sums the VNNI kernel subtracts.
#[derive(Debug, Clone)]
pub(crate) struct ProbeBlock {
    /// Values a probe.
    pub(super) dimension: usize,
    /// Probes in the block.
    pub(super) count: usize,
    /// The probes' codes one after another (`count × dimension`).
    pub(super) codes: Vec<i8>,
    /// The same codes widened to i16.
    pub(super) widened: Vec<i16>,
    /// `128 × Σ codes` over the first `dimension - dimension % 64` values of each probe.
    pub(super) offsets: Vec<i32>,
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

    /// The widened codes of probe `probe`.
    pub(super) fn widened(&self, probe: usize) -> &[i16] {
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
pub(super) const PROBE_LANES: usize = 16;

/// The int8 probes of one batch block laid out with the probes across the vector lanes:
/// for each group of sixteen probes and each run of four values, 64 bytes (sixteen probes ×
/// four codes, shifted to unsigned, `code + 128`). The VNNI lane kernel multiplies such a
/// register with four codes of one row broadcast to every lane, so one instruction adds
/// four products to sixteen (row, probe) dot products and no horizontal sum is needed.
#[derive(Debug, Clone)]
pub(crate) struct ProbeLanes {
    /// The same probes probe-major (for the values past the last run of four, and for
    /// kernels without a lane layout).
    pub(super) block: ProbeBlock,
    /// Runs of four values a probe (`dimension / 4`).
    pub(super) runs: usize,
    /// `[group][run]`, sixteen probes × four unsigned codes each (as bytes).
    pub(super) packed: Vec<[i8; 64]>,
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

/// The rows one [`super::scan_tile`] call scores.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tile<'a> {
    /// The rows' codes (rows of the probes' dimension).
    pub(crate) codes: &'a [i8],
    /// Their scales.
    pub(crate) scales: &'a [f32],
    /// Their [`super::row_sums`] (empty for kernels that need none).
    pub(crate) row_sums: &'a [i32],
    /// What the caller will scan next: the kernel may start loading it (no result changes).
    pub(crate) ahead: &'a [i8],
}
