//! The seven distance measures of process simulation, as the PyPI package
//! `log-distance-measures` (2.2.0) defines them with its default settings, so that a figure
//! from navbat can be set beside one from Simod or AgentSimulator.
//!
//! Every measure reads activity instances ([`EventLog::instances`]): a `start` paired with
//! its `complete`, or a lone `complete` with start = end. Time measures bin instants to whole
//! hours (`floor(seconds / 3600)`) and take the 1-Wasserstein distance between the two
//! empirical distributions of bins, so they are in hours:
//!
//! - **control-flow log distance**: each case's activity sequence (instances by start, then
//!   end); the Damerau–Levenshtein distance of two sequences over the longer length; the
//!   mean over the cheapest one-to-one pairing of the cases of the two logs (rectangular when
//!   the logs differ in size: the smaller log's cases are all paired).
//! - **n-gram distance** (n = 3): each sequence padded with two "none" symbols at both ends;
//!   the counts of every 3-gram; Σ|a − b| ÷ (Σa + Σb), in [0, 1].
//! - **absolute event distribution**: every start and end, hours since the earlier log's
//!   first start (floored to its hour, UTC).
//! - **circadian event distribution**: every start and end by weekday and hour of the log's
//!   own wall clock; per weekday the distance of the hours, 23 when only one log has events
//!   that weekday, 0 when neither; the mean of the seven.
//! - **relative event distribution**: every start and end, hours since its case's first start.
//! - **cycle-time distribution**: each case's last end minus first start, less the shortest
//!   cycle of either log, in whole hours.
//! - **case-arrival distribution**: each case's first start, hours as for absolute events.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use crate::assignment::min_cost_assignment;
use crate::error::DiscoverError;
use crate::log::{EventLog, Instance};
use crate::time::HOUR_MS;

/// One of the seven measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Measure {
    /// Control-flow log distance (0–1).
    ControlFlow,
    /// 3-gram distance (0–1).
    NGram,
    /// Absolute event distribution (hours).
    AbsoluteEvent,
    /// Circadian event distribution (hours).
    CircadianEvent,
    /// Relative event distribution (hours).
    RelativeEvent,
    /// Cycle-time distribution (hours).
    CycleTime,
    /// Case-arrival distribution (hours).
    CaseArrival,
}

impl Measure {
    /// All seven, in the order reports list them.
    pub const ALL: [Self; 7] = [
        Self::ControlFlow,
        Self::NGram,
        Self::AbsoluteEvent,
        Self::CircadianEvent,
        Self::RelativeEvent,
        Self::CycleTime,
        Self::CaseArrival,
    ];

    /// The measure's name in JSON and tables.
    pub fn name(self) -> &'static str {
        match self {
            Self::ControlFlow => "control_flow_log_distance",
            Self::NGram => "n_gram_distance",
            Self::AbsoluteEvent => "absolute_event_distribution",
            Self::CircadianEvent => "circadian_event_distribution",
            Self::RelativeEvent => "relative_event_distribution",
            Self::CycleTime => "cycle_time_distribution",
            Self::CaseArrival => "case_arrival_distribution",
        }
    }

    /// The unit: `""` for the two 0–1 measures, `"h"` for the others.
    pub fn unit(self) -> &'static str {
        match self {
            Self::ControlFlow | Self::NGram => "",
            _ => "h",
        }
    }
}

/// The `n` of the n-gram distance.
pub const N_GRAM: usize = 3;

/// Both logs' cases as instances with activities renumbered by name over both logs.
struct Pair {
    a: Vec<Vec<Instance>>,
    b: Vec<Vec<Instance>>,
}

impl Pair {
    fn new(real: &EventLog, sim: &EventLog) -> Self {
        let mut names: HashMap<String, u32> = HashMap::new();
        let mut side = |log: &EventLog| -> Vec<u32> {
            log.activities
                .iter()
                .map(|a| {
                    let n = u32::try_from(names.len()).unwrap_or(u32::MAX);
                    *names.entry(a.clone()).or_insert(n)
                })
                .collect()
        };
        let map_a = side(real);
        let map_b = side(sim);
        let cases = |log: &EventLog, map: &[u32]| -> Vec<Vec<Instance>> {
            log.cases
                .iter()
                .map(|c| {
                    let mut v = EventLog::instances(c);
                    for i in &mut v {
                        i.activity = map.get(i.activity as usize).copied().unwrap_or(u32::MAX);
                    }
                    v
                })
                .filter(|v| !v.is_empty())
                .collect()
        };
        Self { a: cases(real, &map_a), b: cases(sim, &map_b) }
    }
}

/// Every measure between two logs, in [`Measure::ALL`] order.
pub fn all_measures(real: &EventLog, sim: &EventLog) -> Result<Vec<(Measure, f64)>, DiscoverError> {
    let pair = Pair::new(real, sim);
    Measure::ALL.iter().map(|&m| Ok((m, measure_pair(m, &pair)?))).collect()
}

/// One measure between two logs.
pub fn measure(m: Measure, real: &EventLog, sim: &EventLog) -> Result<f64, DiscoverError> {
    measure_pair(m, &Pair::new(real, sim))
}

fn measure_pair(m: Measure, p: &Pair) -> Result<f64, DiscoverError> {
    if p.a.is_empty() || p.b.is_empty() {
        return Err(DiscoverError::Measure {
            measure: m.name(),
            message: "a log without any completed activity instance".to_owned(),
        });
    }
    Ok(match m {
        Measure::ControlFlow => control_flow(p),
        Measure::NGram => n_gram(p, N_GRAM),
        Measure::AbsoluteEvent => {
            let origin = origin_hour(p);
            let bins = |cs: &[Vec<Instance>]| -> Vec<i64> {
                let starts = cs.iter().flatten().map(|i| hours(i.start.utc_ms - origin));
                let ends = cs.iter().flatten().map(|i| hours(i.end.utc_ms - origin));
                starts.chain(ends).collect()
            };
            wasserstein(&bins(&p.a), &bins(&p.b))
        }
        Measure::CircadianEvent => circadian(p),
        Measure::RelativeEvent => {
            let bins = |cs: &[Vec<Instance>]| -> Vec<i64> {
                let mut starts = Vec::new();
                let mut ends = Vec::new();
                for c in cs {
                    let first = c.iter().map(|i| i.start.utc_ms).min().unwrap_or(0);
                    starts.extend(c.iter().map(|i| hours(i.start.utc_ms - first)));
                    ends.extend(c.iter().map(|i| hours(i.end.utc_ms - first)));
                }
                starts.extend(ends);
                starts
            };
            wasserstein(&bins(&p.a), &bins(&p.b))
        }
        Measure::CycleTime => {
            let cycle = |c: &Vec<Instance>| {
                let first = c.iter().map(|i| i.start.utc_ms).min().unwrap_or(0);
                let last = c.iter().map(|i| i.end.utc_ms).max().unwrap_or(0);
                last - first
            };
            let ca: Vec<i64> = p.a.iter().map(cycle).collect();
            let cb: Vec<i64> = p.b.iter().map(cycle).collect();
            let shortest = ca.iter().chain(&cb).copied().min().unwrap_or(0);
            let bins = |v: &[i64]| v.iter().map(|d| hours(d - shortest)).collect::<Vec<_>>();
            wasserstein(&bins(&ca), &bins(&cb))
        }
        Measure::CaseArrival => {
            let firsts = |cs: &[Vec<Instance>]| -> Vec<i64> {
                cs.iter().map(|c| c.iter().map(|i| i.start.utc_ms).min().unwrap_or(0)).collect()
            };
            let (fa, fb) = (firsts(&p.a), firsts(&p.b));
            let origin =
                fa.iter().chain(&fb).copied().min().unwrap_or(0).div_euclid(HOUR_MS) * HOUR_MS;
            let bins = |v: &[i64]| v.iter().map(|t| hours(t - origin)).collect::<Vec<_>>();
            wasserstein(&bins(&fa), &bins(&fb))
        }
    })
}

/// Whole hours of a span in milliseconds, floored.
fn hours(ms: i64) -> i64 {
    ms.div_euclid(HOUR_MS)
}

/// The first start of either log, floored to its hour (UTC milliseconds).
fn origin_hour(p: &Pair) -> i64 {
    let first = p.a.iter().chain(&p.b).flatten().map(|i| i.start.utc_ms).min().unwrap_or(0);
    first.div_euclid(HOUR_MS) * HOUR_MS
}

/// The 1-Wasserstein distance between two empirical distributions of integers: the area
/// between their distribution functions. Both samples are non-empty.
pub fn wasserstein(u: &[i64], v: &[i64]) -> f64 {
    let mut counts: BTreeMap<i64, (u64, u64)> = BTreeMap::new();
    for &x in u {
        counts.entry(x).or_default().0 += 1;
    }
    for &x in v {
        counts.entry(x).or_default().1 += 1;
    }
    #[expect(clippy::cast_precision_loss, reason = "sample sizes far below 2^52")]
    let (nu, nv) = (u.len() as f64, v.len() as f64);
    let (mut cu, mut cv) = (0u64, 0u64);
    let mut total = 0.0;
    let mut it = counts.iter().peekable();
    while let Some((x, (a, b))) = it.next() {
        let (x, a, b) = (*x, *a, *b);
        cu += a;
        cv += b;
        if let Some(&(next, _)) = it.peek() {
            #[expect(clippy::cast_precision_loss, reason = "counts and bin gaps far below 2^52")]
            let d = ((cu as f64) / nu - (cv as f64) / nv).abs() * ((*next - x) as f64);
            total += d;
        }
    }
    total
}

fn circadian(p: &Pair) -> f64 {
    let by_day = |cs: &[Vec<Instance>]| -> [Vec<i64>; 7] {
        let mut days: [Vec<i64>; 7] = Default::default();
        for i in cs.iter().flatten() {
            for s in [i.start, i.end] {
                days[usize::from(s.local_weekday())].push(i64::from(s.local_hour()));
            }
        }
        days
    };
    let (da, db) = (by_day(&p.a), by_day(&p.b));
    let mut sum = 0.0;
    for (a, b) in da.iter().zip(&db) {
        sum += match (a.is_empty(), b.is_empty()) {
            (false, false) => wasserstein(a, b),
            (true, true) => 0.0,
            _ => 23.0,
        };
    }
    sum / 7.0
}

fn n_gram(p: &Pair, n: usize) -> f64 {
    let grams = |cs: &[Vec<Instance>]| -> HashMap<Vec<u32>, u64> {
        let mut out: HashMap<Vec<u32>, u64> = HashMap::new();
        for c in cs {
            let mut seq = vec![0u32; n - 1];
            seq.extend(c.iter().map(|i| i.activity.saturating_add(1)));
            seq.extend(std::iter::repeat_n(0, n - 1));
            for w in seq.windows(n) {
                *out.entry(w.to_vec()).or_default() += 1;
            }
        }
        out
    };
    let (ga, gb) = (grams(&p.a), grams(&p.b));
    let mut diff = 0u64;
    let mut total = 0u64;
    for (k, &a) in &ga {
        let b = gb.get(k).copied().unwrap_or(0);
        diff += a.abs_diff(b);
        total += a;
    }
    for (k, &b) in &gb {
        total += b;
        if !ga.contains_key(k) {
            diff += b;
        }
    }
    #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
    let d = diff as f64 / total as f64;
    d
}

/// The Damerau–Levenshtein distance (unrestricted: adjacent transpositions, also of
/// substrings edited otherwise; Lowrance–Wagner) of two symbol sequences.
pub fn damerau_levenshtein(a: &[u32], b: &[u32]) -> usize {
    let symbols = a.iter().chain(b).copied().max().map_or(0, |m| m as usize + 1);
    let mut scratch = DlScratch::default();
    scratch.distance(a, b, symbols)
}

/// Buffers of [`damerau_levenshtein`], reused across the many pairs of a log.
#[derive(Default)]
struct DlScratch {
    d: Vec<usize>,
    last_row: Vec<usize>,
}

impl DlScratch {
    /// The distance; every symbol is below `symbols`.
    fn distance(&mut self, a: &[u32], b: &[u32], symbols: usize) -> usize {
        let (n, m) = (a.len(), b.len());
        let inf = n + m;
        let w = m + 2;
        self.d.clear();
        self.d.resize((n + 2) * w, 0);
        self.last_row.clear();
        self.last_row.resize(symbols, 0);
        let d = &mut self.d;
        d[0] = inf;
        for i in 0..=n {
            d[(i + 1) * w] = inf;
            d[(i + 1) * w + 1] = i;
        }
        for j in 0..=m {
            d[j + 1] = inf;
            d[w + j + 1] = j;
        }
        for i in 1..=n {
            let mut last_col = 0;
            for j in 1..=m {
                let i1 = self.last_row[b[j - 1] as usize];
                let j1 = last_col;
                let cost = usize::from(a[i - 1] != b[j - 1]);
                if cost == 0 {
                    last_col = j;
                }
                let sub = d[i * w + j] + cost;
                let ins = d[(i + 1) * w + j] + 1;
                let del = d[i * w + j + 1] + 1;
                let tra = d[i1 * w + j1] + (i - i1 - 1) + 1 + (j - j1 - 1);
                d[(i + 1) * w + j + 1] = sub.min(ins).min(del).min(tra);
            }
            self.last_row[a[i - 1] as usize] = i;
        }
        d[(n + 1) * w + m + 1]
    }
}

fn control_flow(p: &Pair) -> f64 {
    // Distinct sequences first: logs repeat a few variants many times.
    let variants = |cs: &[Vec<Instance>]| -> (Vec<Vec<u32>>, Vec<usize>) {
        let mut index: HashMap<Vec<u32>, usize> = HashMap::new();
        let mut list = Vec::new();
        let mut of_case = Vec::with_capacity(cs.len());
        for c in cs {
            let seq: Vec<u32> = c.iter().map(|i| i.activity).collect();
            let k = *index.entry(seq.clone()).or_insert_with(|| {
                list.push(seq);
                list.len() - 1
            });
            of_case.push(k);
        }
        (list, of_case)
    };
    let (va, ca) = variants(&p.a);
    let (vb, cb) = variants(&p.b);
    let symbols = va.iter().chain(&vb).flatten().copied().max().map_or(0, |m| m as usize + 1);
    let mut dist = vec![0.0f64; va.len() * vb.len()];
    if !vb.is_empty() {
        dist.par_chunks_mut(vb.len()).zip(va.par_iter()).for_each_init(
            DlScratch::default,
            |s, (row, x)| {
                for (cell, y) in row.iter_mut().zip(&vb) {
                    #[expect(
                        clippy::cast_precision_loss,
                        reason = "sequence lengths far below 2^52"
                    )]
                    let d = s.distance(x, y, symbols) as f64 / x.len().max(y.len()) as f64;
                    *cell = d;
                }
            },
        );
    }
    // Rows are the smaller log's cases.
    let (rows, cols, transpose) =
        if ca.len() <= cb.len() { (&ca, &cb, false) } else { (&cb, &ca, true) };
    let mut cost = vec![0.0f64; rows.len() * cols.len()];
    for (r, &vr) in rows.iter().enumerate() {
        for (c, &vc) in cols.iter().enumerate() {
            let (i, j) = if transpose { (vc, vr) } else { (vr, vc) };
            cost[r * cols.len() + c] = dist[i * vb.len() + j];
        }
    }
    let pairing = min_cost_assignment(&cost, rows.len(), cols.len());
    let sum: f64 = pairing.iter().enumerate().map(|(r, &c)| cost[r * cols.len() + c]).sum();
    #[expect(clippy::cast_precision_loss, reason = "case counts far below 2^52")]
    let mean = sum / rows.len() as f64;
    mean
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damerau_levenshtein_counts_transpositions() {
        assert_eq!(damerau_levenshtein(&[1, 2, 3], &[1, 2, 3]), 0);
        assert_eq!(damerau_levenshtein(&[1, 2], &[2, 1]), 1);
        // "CA" → "ABC": 2 in the unrestricted distance (3 in the restricted one).
        assert_eq!(damerau_levenshtein(&[3, 1], &[1, 2, 3]), 2);
        assert_eq!(damerau_levenshtein(&[], &[1, 2]), 2);
        assert_eq!(damerau_levenshtein(&[1, 2, 3, 4], &[5]), 4);
    }

    #[test]
    fn wasserstein_is_the_area_between_the_distribution_functions() {
        assert!((wasserstein(&[0, 1, 3], &[5, 6, 8]) - 5.0).abs() < 1e-12);
        assert!((wasserstein(&[0], &[0, 10]) - 5.0).abs() < 1e-12);
        assert!(wasserstein(&[4, 4], &[4]).abs() < 1e-12);
    }
}
