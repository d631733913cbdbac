//! Waiting times as a fixed-width histogram: constant memory, exact counts, quantiles to
//! within half a bin.

/// Bin width in milliseconds (six seconds).
const BIN_MS: i64 = 6_000;
/// Number of regular bins: 24 hours of waiting.
const BINS: usize = 14_400;

/// Histogram of waits in milliseconds: 6-second bins up to 24 hours, then one overflow bin.
///
/// Also keeps the exact sum and maximum, so the mean is exact and quantiles are within
/// three seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitHistogram {
    counts: Vec<u64>,
    overflow: u64,
    count: u64,
    sum_ms: i64,
    max_ms: i64,
}

impl Default for WaitHistogram {
    fn default() -> Self {
        Self { counts: vec![0; BINS], overflow: 0, count: 0, sum_ms: 0, max_ms: 0 }
    }
}

impl WaitHistogram {
    /// Adds one wait; negative values count as zero.
    pub fn add(&mut self, wait_ms: i64) {
        let w = wait_ms.max(0);
        match usize::try_from(w / BIN_MS) {
            Ok(bin) if bin < BINS => self.counts[bin] += 1,
            _ => self.overflow += 1,
        }
        self.count += 1;
        self.sum_ms += w;
        self.max_ms = self.max_ms.max(w);
    }

    /// Number of waits recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Mean wait in minutes (0 when empty).
    pub fn mean_min(&self) -> f64 {
        if self.count == 0 { 0.0 } else { self.sum_ms as f64 / self.count as f64 / 60_000.0 }
    }

    /// Longest wait in minutes.
    pub fn max_min(&self) -> f64 {
        self.max_ms as f64 / 60_000.0
    }

    /// The `q`-quantile (0..=1) in minutes, interpolated within its bin (0 when empty).
    pub fn quantile_min(&self, q: f64) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        let rank = (q.clamp(0.0, 1.0) * self.count as f64).ceil().max(1.0);
        let mut seen = 0.0;
        for (i, &c) in self.counts.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let next = seen + c as f64;
            if next >= rank {
                let within = (rank - seen) / c as f64;
                let low = i as f64 * BIN_MS as f64;
                let ms = (low + within * BIN_MS as f64).min(self.max_ms as f64);
                return ms / 60_000.0;
            }
            seen = next;
        }
        self.max_min()
    }

    /// Adds every wait of `other`.
    pub fn merge(&mut self, other: &Self) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.overflow += other.overflow;
        self.count += other.count;
        self.sum_ms += other.sum_ms;
        self.max_ms = self.max_ms.max(other.max_ms);
    }
}
