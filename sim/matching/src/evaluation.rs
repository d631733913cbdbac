//! Evaluation: error rates per demographic group and the ratios between groups.
//!
//! Definitions follow ISO/IEC 19795-1 and NIST FRVT usage:
//! FMR = impostor comparisons scoring ≥ threshold / impostor comparisons;
//! FNMR = genuine comparisons scoring < threshold / genuine comparisons (acquired only);
//! FPIR = non-mated searches returning any candidate ≥ threshold / non-mated searches;
//! FNIR = mated searches whose mate is not on the candidate list at ≥ threshold / mated
//! searches; FTA = failed capture attempts / attempts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use statrs::distribution::{Beta, ContinuousCDF};

use crate::error::MatchError;
use crate::population::Group;
use crate::verify::Threshold;

/// The raw outcomes of one group's trials; rates are computed from them at any threshold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupScores {
    /// Scores of genuine (same-person) comparisons.
    pub genuine: Vec<f32>,
    /// Scores of impostor (different-person) comparisons.
    pub impostor: Vec<f32>,
    /// Capture attempts.
    pub attempts: u64,
    /// Capture attempts that failed to acquire.
    pub failures_to_acquire: u64,
    /// Per mated search: the mate's score if it was on the candidate list, else `None`.
    pub mated_searches: Vec<Option<f32>>,
    /// Per non-mated search: the best candidate's score, `None` if the list was empty.
    pub non_mated_searches: Vec<Option<f32>>,
}

/// One point of a detection-error-trade-off curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DetPoint {
    /// The threshold.
    pub threshold: f32,
    /// False match rate at it.
    pub fmr: f64,
    /// False non-match rate at it.
    pub fnmr: f64,
}

impl GroupScores {
    /// Records a capture attempt.
    pub fn record_attempt(&mut self, acquired: bool) {
        self.attempts += 1;
        if !acquired {
            self.failures_to_acquire += 1;
        }
    }

    /// Adds another group's outcomes to these.
    pub fn merge(&mut self, other: &GroupScores) {
        self.genuine.extend_from_slice(&other.genuine);
        self.impostor.extend_from_slice(&other.impostor);
        self.attempts += other.attempts;
        self.failures_to_acquire += other.failures_to_acquire;
        self.mated_searches.extend_from_slice(&other.mated_searches);
        self.non_mated_searches.extend_from_slice(&other.non_mated_searches);
    }

    /// False match rate at `threshold`, `None` without impostor scores.
    pub fn fmr(&self, threshold: Threshold) -> Option<f64> {
        rate(self.impostor.iter().filter(|&&s| threshold.accepts(s)).count(), self.impostor.len())
    }

    /// False non-match rate at `threshold`, `None` without genuine scores.
    pub fn fnmr(&self, threshold: Threshold) -> Option<f64> {
        rate(self.genuine.iter().filter(|&&s| !threshold.accepts(s)).count(), self.genuine.len())
    }

    /// False positive identification rate at `threshold`.
    pub fn fpir(&self, threshold: Threshold) -> Option<f64> {
        let hits = self
            .non_mated_searches
            .iter()
            .filter(|s| s.is_some_and(|s| threshold.accepts(s)))
            .count();
        rate(hits, self.non_mated_searches.len())
    }

    /// False negative identification rate at `threshold`.
    pub fn fnir(&self, threshold: Threshold) -> Option<f64> {
        let misses =
            self.mated_searches.iter().filter(|s| !s.is_some_and(|s| threshold.accepts(s))).count();
        rate(misses, self.mated_searches.len())
    }

    /// Failure-to-acquire rate, `None` without attempts.
    pub fn failure_to_acquire(&self) -> Option<f64> {
        if self.attempts == 0 {
            None
        } else {
            Some(self.failures_to_acquire as f64 / self.attempts as f64)
        }
    }

    /// The lowest threshold whose empirical FMR is at most `target_fmr`.
    ///
    /// # Errors
    /// [`MatchError::NoScores`] without impostor scores; [`MatchError::InvalidParameter`]
    /// for a target outside [0, 1].
    pub fn threshold_for_fmr(&self, target_fmr: f64) -> Result<Threshold, MatchError> {
        if !(0.0..=1.0).contains(&target_fmr) {
            return Err(MatchError::InvalidParameter {
                name: "target_fmr",
                value: target_fmr,
                reason: "a rate in [0, 1]",
            });
        }
        if self.impostor.is_empty() {
            return Err(MatchError::NoScores { what: "impostor" });
        }
        let mut sorted = self.impostor.clone();
        sorted.sort_unstable_by(|a, b| b.total_cmp(a));
        let allowed = (target_fmr * sorted.len() as f64).floor() as usize;
        match sorted.get(allowed) {
            // Just above the first score that must be rejected.
            Some(&score) => Threshold::new(score.next_up().min(1.0)),
            None => Threshold::new(-1.0),
        }
    }

    /// DET points at the given thresholds (skips thresholds with no scores on either side).
    pub fn det(&self, thresholds: &[Threshold]) -> Vec<DetPoint> {
        thresholds
            .iter()
            .filter_map(|&t| {
                Some(DetPoint { threshold: t.value(), fmr: self.fmr(t)?, fnmr: self.fnmr(t)? })
            })
            .collect()
    }
}

fn rate(hits: usize, trials: usize) -> Option<f64> {
    (trials > 0).then(|| hits as f64 / trials as f64)
}

/// The rates of one group at one threshold (`None` where the group had no such trials).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupRates {
    /// The group.
    pub group: Group,
    /// False match rate.
    pub fmr: Option<f64>,
    /// False non-match rate.
    pub fnmr: Option<f64>,
    /// False positive identification rate.
    pub fpir: Option<f64>,
    /// False negative identification rate.
    pub fnir: Option<f64>,
    /// Failure-to-acquire rate.
    pub failure_to_acquire: Option<f64>,
}

/// Which rate a [`Disparity`] compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Metric {
    /// False match rate.
    Fmr,
    /// False non-match rate.
    Fnmr,
    /// False positive identification rate.
    Fpir,
    /// False negative identification rate.
    Fnir,
    /// Failure-to-acquire rate.
    FailureToAcquire,
}

/// How unequal one rate is across groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Disparity {
    /// The rate compared.
    pub metric: Metric,
    /// Highest rate / lowest rate over groups with a positive rate (`None` if under two).
    pub max_over_min: Option<f64>,
    /// Each group's rate divided by the reference group's (`None` where undefined).
    pub vs_reference: Vec<(Group, Option<f64>)>,
}

/// Outcomes per group, for a demographic-differential report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Outcomes by group, ordered by group.
    pub groups: BTreeMap<Group, GroupScores>,
}

impl Evaluation {
    /// The outcomes of `group`, created empty on first use.
    pub fn group_mut(&mut self, group: &Group) -> &mut GroupScores {
        self.groups.entry(group.clone()).or_default()
    }

    /// All groups' outcomes pooled.
    pub fn overall(&self) -> GroupScores {
        let mut all = GroupScores::default();
        for scores in self.groups.values() {
            all.merge(scores);
        }
        all
    }

    /// Every group's rates at `threshold`.
    pub fn rates(&self, threshold: Threshold) -> Vec<GroupRates> {
        self.groups
            .iter()
            .map(|(group, s)| GroupRates {
                group: group.clone(),
                fmr: s.fmr(threshold),
                fnmr: s.fnmr(threshold),
                fpir: s.fpir(threshold),
                fnir: s.fnir(threshold),
                failure_to_acquire: s.failure_to_acquire(),
            })
            .collect()
    }

    /// For every metric: max/min over groups and each group's ratio to `reference`.
    ///
    /// # Errors
    /// [`MatchError::NoScores`] when `reference` has no outcomes at all.
    pub fn disparities(
        &self,
        threshold: Threshold,
        reference: &Group,
    ) -> Result<Vec<Disparity>, MatchError> {
        if !self.groups.contains_key(reference) {
            return Err(MatchError::NoScores { what: "reference group" });
        }
        let rates = self.rates(threshold);
        let pick = |r: &GroupRates, m: Metric| match m {
            Metric::Fmr => r.fmr,
            Metric::Fnmr => r.fnmr,
            Metric::Fpir => r.fpir,
            Metric::Fnir => r.fnir,
            Metric::FailureToAcquire => r.failure_to_acquire,
        };
        let metrics =
            [Metric::Fmr, Metric::Fnmr, Metric::Fpir, Metric::Fnir, Metric::FailureToAcquire];
        Ok(metrics
            .into_iter()
            .map(|metric| {
                let reference_rate = rates
                    .iter()
                    .find(|r| &r.group == reference)
                    .and_then(|r| pick(r, metric))
                    .filter(|&v| v > 0.0);
                let positive: Vec<f64> =
                    rates.iter().filter_map(|r| pick(r, metric)).filter(|&v| v > 0.0).collect();
                let max_over_min = (positive.len() >= 2).then(|| {
                    positive.iter().fold(f64::MIN, |a, &b| a.max(b))
                        / positive.iter().fold(f64::MAX, |a, &b| a.min(b))
                });
                let vs_reference = rates
                    .iter()
                    .map(|r| {
                        let ratio = pick(r, metric).zip(reference_rate).map(|(v, base)| v / base);
                        (r.group.clone(), ratio)
                    })
                    .collect();
                Disparity { metric, max_over_min, vs_reference }
            })
            .collect())
    }
}

/// The exact FMR at `threshold` for impostors whose templates are independent and isotropic
/// (the model's reference group: no shared group direction): the cosine `t` of two such
/// unit vectors in `d` dimensions has `(t + 1) / 2 ~ Beta((d−1)/2, (d−1)/2)`.
///
/// # Errors
/// [`MatchError::InvalidDimension`] for `dimension < 2`.
pub fn isotropic_fmr(dimension: usize, threshold: Threshold) -> Result<f64, MatchError> {
    let beta = isotropic_beta(dimension)?;
    Ok(beta.sf((f64::from(threshold.value()) + 1.0) / 2.0))
}

/// The threshold at which [`isotropic_fmr`] equals `target_fmr` (bisection, to 1e-7).
///
/// # Errors
/// [`MatchError::InvalidDimension`]; [`MatchError::InvalidParameter`] for a target outside
/// (0, 1).
pub fn isotropic_threshold_for_fmr(
    dimension: usize,
    target_fmr: f64,
) -> Result<Threshold, MatchError> {
    if !(target_fmr > 0.0 && target_fmr < 1.0) {
        return Err(MatchError::InvalidParameter {
            name: "target_fmr",
            value: target_fmr,
            reason: "a rate in (0, 1)",
        });
    }
    let beta = isotropic_beta(dimension)?;
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    while hi - lo > 1e-8 {
        let mid = 0.5 * (lo + hi);
        if beta.sf(mid) > target_fmr {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Threshold::new((2.0 * hi - 1.0) as f32)
}

fn isotropic_beta(dimension: usize) -> Result<Beta, MatchError> {
    if dimension < 2 {
        return Err(MatchError::InvalidDimension {
            dimension,
            max: crate::template::MAX_DIMENSION,
        });
    }
    let shape = (dimension as f64 - 1.0) / 2.0;
    Beta::new(shape, shape).map_err(|_| MatchError::InvalidParameter {
        name: "dimension",
        value: dimension as f64,
        reason: "no Beta distribution for this dimension",
    })
}
