//! `selfcheck.json`: what `navbat selfcheck` found when it put the engine against queueing
//! theory on the user's build, saved so that a report can cite it without running it again.

use serde::{Deserialize, Serialize};

/// Layout of `selfcheck.json`; a reader refuses another.
pub const SELFCHECK_FORMAT: u32 = 1;

/// The self-checks of one build: the design they share and one row per check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelfcheckFile {
    /// [`SELFCHECK_FORMAT`].
    pub format: u32,
    /// The navbat version that ran the checks.
    pub version: String,
    /// `"full"` or `"quick"` (shorter runs, a larger detectable bias).
    pub mode: String,
    /// Master seed of the replications.
    pub seed: u64,
    /// Family-wise error rate of the checks together: each check's interval has level
    /// `1 − family_alpha / checks` (Bonferroni).
    pub family_alpha: f64,
    /// Relative bias each check is designed to detect (0.05 = 5 % of the theory's value).
    pub relative_bias: f64,
    /// Power each check is designed to reach against that bias.
    pub target_power: f64,
    /// One row per check.
    pub checks: Vec<CheckRow>,
}

impl SelfcheckFile {
    /// Whether every check passed: the theory's value inside its interval, and the power
    /// reached.
    pub fn passed(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.passed)
    }

    /// The checks that failed, by name.
    pub fn failed(&self) -> Vec<&str> {
        self.checks.iter().filter(|c| !c.passed).map(|c| c.name.as_str()).collect()
    }
}

/// One check: a statistic the engine estimates over independent replications against the
/// value queueing theory gives for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckRow {
    /// Short name, e.g. `mmc-p90-wait`.
    pub name: String,
    /// The model and the statistic in words.
    pub what: String,
    /// Where the theory's value comes from (formula and reference).
    pub theory_source: String,
    /// Unit of the theory, the estimate and its interval.
    pub unit: String,
    /// The theory's value.
    pub theory: f64,
    /// Mean of the replications' values.
    pub estimate: f64,
    /// Lower end of the Student-t interval over replications at `level`.
    pub ci_low: f64,
    /// Upper end of that interval.
    pub ci_high: f64,
    /// Two-sided confidence level of the interval.
    pub level: f64,
    /// Replications behind the estimate (the pilot's included).
    pub replications: u32,
    /// Replications of the pilot whose spread chose the number.
    pub pilot_replications: u32,
    /// What one replication is (run length, warm-up).
    pub replication: String,
    /// Standard deviation of the replications' values.
    pub sd: f64,
    /// The bias the check is designed to detect, in `unit` (`relative_bias × theory`).
    pub detectable_bias: f64,
    /// Power of the two-sided t test at level `1 − level` against that bias, with the final
    /// standard deviation and number of replications.
    pub power: f64,
    /// The theory lies inside the interval and the power reached the target.
    pub passed: bool,
}
