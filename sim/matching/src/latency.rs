//! A deterministic latency model for the simulator, calibrated from this crate's benches.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::MatchError;

/// People in the national identity gallery the pilot would search (≈ 38 million).
pub const NATIONAL_GALLERY_SIZE: u64 = 38_000_000;

/// Compute cost of matching as `fixed + n × per_comparison`: exact search scans every row,
/// so cost is linear in the gallery size.
///
/// The simulator asks this model instead of timing the real calls, so simulated latencies
/// are reproducible. [`LatencyModel::default`] holds figures measured by
/// `cargo bench -p navbat-matching` on the project's 2-core machine (see the crate docs);
/// a scenario may deserialize its own. Beyond the measured sizes the model extrapolates
/// linearly; at [`NATIONAL_GALLERY_SIZE`] that assumes the int8 gallery (≈ 19.6 GB) is held
/// in memory by the same number of cores; a real deployment would shard it across machines,
/// which divides the per-comparison term by the number of shards.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LatencyModel {
    /// Fixed cost of one search request (probe quantisation, shortlist re-scoring), µs.
    pub fixed_us: f64,
    /// Cost of comparing the probe with one enrolled row, ns (both cores).
    pub per_comparison_ns: f64,
    /// Cost of one 1:1 verification of full-precision templates, ns.
    pub verify_ns: f64,
}

impl Default for LatencyModel {
    fn default() -> Self {
        // Measured 2026-11-21 by `cargo bench -p navbat-matching --bench matching` on the
        // 2-core AMD EPYC (AVX2 path), other builds sharing the cores (load 2–3.7):
        // single-probe search 0.317 ms at 10k and 3.47 ms at 100k (≈ 35 ns a row; the
        // intercept is within noise of 0, 20 µs is kept for quantisation and re-scoring);
        // 1M single-probe ≈ 38 ms in the FAISS side-by-side; verify 117 ns.
        Self { fixed_us: 20.0, per_comparison_ns: 35.0, verify_ns: 120.0 }
    }
}

impl LatencyModel {
    /// Checks that every cost is finite and non-negative.
    ///
    /// # Errors
    /// [`MatchError::InvalidParameter`] naming the field.
    pub fn validate(&self) -> Result<(), MatchError> {
        for (name, value) in [
            ("fixed_us", self.fixed_us),
            ("per_comparison_ns", self.per_comparison_ns),
            ("verify_ns", self.verify_ns),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(MatchError::InvalidParameter {
                    name,
                    value,
                    reason: "a finite cost ≥ 0",
                });
            }
        }
        Ok(())
    }

    /// The cost of one 1:1 verification.
    pub fn verify_latency(&self) -> Duration {
        Duration::from_nanos(self.verify_ns.max(0.0).round() as u64)
    }

    /// The cost of one 1:N search of a gallery of `gallery_size` identities.
    pub fn search_latency(&self, gallery_size: u64) -> Duration {
        let ns = self.fixed_us.max(0.0) * 1_000.0
            + gallery_size as f64 * self.per_comparison_ns.max(0.0);
        Duration::from_nanos(ns.round() as u64)
    }
}
