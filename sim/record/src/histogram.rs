//! Waiting times as a histogram with constant memory and exact counts: six-second bins up to
//! a day (the floor's waits, quantiles within three seconds), then bins 1 % wide up to
//! 4,000 days (back-office waits and end-to-end times in days and weeks, quantiles within
//! 0.5 %). The longest horizon a scenario may have is 3,660 days, so no duration a run can
//! measure falls past the last bin; should one, [`WaitHistogram::quantile`] says so instead
//! of answering with the maximum.

/// Bin width in milliseconds (six seconds).
const BIN_MS: i64 = 6_000;
/// Number of regular bins: 24 hours of waiting.
const BINS: usize = 14_400;
/// End of the regular bins, ms (one day).
const LINEAR_END_MS: f64 = BINS as f64 * BIN_MS as f64;
/// Relative width of the bins past the first day.
const GROWTH: f64 = 0.01;
/// Bins past the first day: ln(4,000) / ln(1.01) rounded up, so they reach 4,000 days.
const GEO_BINS: usize = 834;

/// What a quantile of a [`WaitHistogram`] is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Quantile {
    /// Within the bins, minutes.
    Minutes(f64),
    /// Past the last bin (4,000 days), or, for a Kaplan–Meier quantile, past the longest
    /// duration observed: only a lower bound is known, minutes.
    Beyond(f64),
}

/// Histogram of waits in milliseconds: six-second bins up to 24 hours, 1 %-wide bins up to
/// 4,000 days, then one overflow bin.
///
/// Also keeps the exact sum and maximum, so the mean is exact.
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
        Self { counts: vec![0; BINS + GEO_BINS], overflow: 0, count: 0, sum_ms: 0, max_ms: 0 }
    }
}

impl WaitHistogram {
    /// Adds one wait; negative values count as zero.
    pub fn add(&mut self, wait_ms: i64) {
        let w = wait_ms.max(0);
        match usize::try_from(w / BIN_MS) {
            Ok(bin) if bin < BINS => self.counts[bin] += 1,
            _ => {
                let k = ((w as f64 / LINEAR_END_MS).ln() / GROWTH.ln_1p()).floor();
                match self.counts.get_mut(BINS + k.max(0.0) as usize) {
                    Some(c) if k < GEO_BINS as f64 => *c += 1,
                    _ => self.overflow += 1,
                }
            }
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

    /// Waits past the last bin (none in a run within the scenario limits).
    pub fn overflow(&self) -> u64 {
        self.overflow
    }

    /// The `q`-quantile (0..=1) in minutes, interpolated within its bin (0 when empty). A
    /// quantile past the last bin (4,000 days, beyond any horizon a scenario may have) is
    /// its lower end: [`WaitHistogram::quantile`] tells the two apart.
    pub fn quantile_min(&self, q: f64) -> f64 {
        match self.quantile(q) {
            Quantile::Minutes(m) | Quantile::Beyond(m) => m,
        }
    }

    /// The `q`-quantile (0..=1), interpolated within its bin, or the news that it lies
    /// past the last bin.
    pub fn quantile(&self, q: f64) -> Quantile {
        if self.count == 0 {
            return Quantile::Minutes(0.0);
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
                let (low, high) = bin_bounds_ms(i);
                let ms = (low + within * (high - low)).min(self.max_ms as f64);
                return Quantile::Minutes(ms / 60_000.0);
            }
            seen = next;
        }
        Quantile::Beyond(bin_bounds_ms(BINS + GEO_BINS).0 / 60_000.0)
    }

    /// The `q`-quantile by Kaplan–Meier, minutes, with these durations as events and
    /// `censored` as durations still running when observation stopped (cases open at the
    /// end of the horizon, by their age then). Computed on the bins: within a bin, events
    /// come before censorings; the quantile is interpolated within the bin where the
    /// survival falls to 1 − q. [`Quantile::Beyond`] with the longest duration observed
    /// when the survival never falls that far (too many still running).
    pub fn km_quantile(&self, censored: &Self, q: f64) -> Quantile {
        let target = 1.0 - q.clamp(0.0, 1.0);
        let mut at_risk = (self.count + censored.count) as f64;
        let mut survival = 1.0;
        for (i, (&d, &c)) in self.counts.iter().zip(&censored.counts).enumerate() {
            if d > 0 && at_risk > 0.0 {
                let next = survival * (1.0 - d as f64 / at_risk);
                if next <= target {
                    let within = (survival - target) / (survival - next);
                    let (low, high) = bin_bounds_ms(i);
                    let ms = (low + within * (high - low)).min(self.max_ms as f64);
                    return Quantile::Minutes(ms / 60_000.0);
                }
                survival = next;
            }
            at_risk -= (d + c) as f64;
        }
        Quantile::Beyond(self.max_ms.max(censored.max_ms) as f64 / 60_000.0)
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

/// Lower and upper end of bin `i`, ms (`BINS + GEO_BINS`: the overflow's lower end).
fn bin_bounds_ms(i: usize) -> (f64, f64) {
    if i < BINS {
        let low = i as f64 * BIN_MS as f64;
        (low, low + BIN_MS as f64)
    } else {
        let k = (i - BINS) as f64;
        let low = LINEAR_END_MS * (1.0 + GROWTH).powf(k);
        (low, low * (1.0 + GROWTH))
    }
}
