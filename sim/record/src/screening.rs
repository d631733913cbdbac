//! `screening.json`: the saved Morris screening of a scenario's estimated parameters
//! (`navbat run … --sensitivity`), written by the CLI and read by the report.

use serde::{Deserialize, Serialize};

/// The whole screening: how it was made, every factor's elementary-effect statistics, and
/// the strongest factors re-run at their ends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Screening {
    /// Trajectories `r` (random one-factor-at-a-time paths through the level grid).
    pub trajectories: u32,
    /// Levels `p` of the grid 0, 1/(p−1), …, 1 of each factor's range.
    pub levels: u32,
    /// Step Δ = p / (2(p − 1)), in units of a factor's range.
    pub delta: f64,
    /// Days simulated at each point (from the scenario's first day).
    pub horizon_days: u32,
    /// Replications at each point (the same replication numbers at every point).
    pub replications: u32,
    /// Master seed (the run's).
    pub seed: u64,
    /// Points of the design simulated with kiosks; points whose simulated scenario repeated
    /// an earlier one (prices moved) reuse it. Their no-kiosk baselines are simulated once
    /// per distinct baseline (factors that move only kiosks, their users or prices share one).
    pub points_simulated: u32,
    /// Points of the design, `r (k + 1)`.
    pub points: u32,
    /// Wall-clock seconds of the screening and the end runs.
    pub seconds: f64,
    /// The pilot sites measured (ids and names), in scenario order.
    pub sites: Vec<(String, String)>,
    /// The factors, in the scenario's order.
    pub factors: Vec<ScreenedFactor>,
    /// Estimated values left unvaried, as `(path, reason)`.
    pub not_varied: Vec<(String, String)>,
    /// Elementary-effect statistics per factor and output.
    pub effects: Vec<EffectRow>,
    /// Ids of the factors re-run at their ends, strongest first.
    pub strongest: Vec<String>,
    /// Replications of each end run.
    pub end_replications: u32,
    /// Per-replication results of the end runs (and of the scenario as written, `end` =
    /// `base`), per pilot site.
    pub ends: Vec<EndRow>,
}

/// One factor as screened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScreenedFactor {
    /// Id.
    pub id: String,
    /// The reason for its range, as the scenario states it.
    pub reason: String,
    /// Its paths with their ends, as text (`Scale sites.*.demand.id-card.yearly 0.8..1.2`).
    pub ranges: Vec<String>,
}

/// One output of the screening: what an elementary effect measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Output {
    /// Mean wait, pilot − baseline, minutes.
    WaitDifference,
    /// Officer busy hours freed (baseline − pilot), hours a year.
    HoursFreed,
    /// Share of arrivals who leave unserved, pilot − baseline, percentage points.
    AbandonmentDifference,
    /// Net benefit of the pilot's kiosks, all pilot sites, currency a year.
    NetBenefit,
}

/// Elementary-effect statistics of one factor on one output (one site's, or all pilot
/// sites' for the net benefit). An elementary effect is the change of the output over the
/// change of the factor's level, so it is in the output's unit per the factor's whole range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EffectRow {
    /// Factor id.
    pub factor: String,
    /// Site id, or empty for all pilot sites.
    pub site: String,
    /// What is measured.
    pub output: Output,
    /// μ*: mean absolute elementary effect over the trajectories.
    pub mu_star: f64,
    /// μ: mean elementary effect (its sign says the direction when effects agree).
    pub mu: f64,
    /// σ: standard deviation of the elementary effects (interactions, non-linearity).
    pub sigma: f64,
    /// Student-t 95 % interval of μ* over the trajectories (low end at least 0).
    pub mu_star_low: f64,
    /// Upper end of that interval.
    pub mu_star_high: f64,
    /// μ* over the largest μ* of any factor on this output (1 for the strongest).
    pub relative: f64,
}

/// One pilot site in one replication of an end run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndRow {
    /// Factor id, or empty for the scenario as written.
    pub factor: String,
    /// `low`, `high` or `base`.
    pub end: String,
    /// Replication number (common to every end).
    pub replication: u32,
    /// Site id.
    pub site: String,
    /// Mean wait with kiosks, minutes.
    pub pilot_wait_min: f64,
    /// Mean wait without kiosks, minutes.
    pub baseline_wait_min: f64,
    /// Officer busy hours with kiosks, a year.
    pub pilot_busy_hours: f64,
    /// Officer busy hours without kiosks, a year.
    pub baseline_busy_hours: f64,
    /// Share of arrivals who left unserved with kiosks, percent.
    pub pilot_abandoned_pct: f64,
    /// The same without kiosks, percent.
    pub baseline_abandoned_pct: f64,
    /// The site's net benefit at this end's prices, currency a year (officer and citizen
    /// hours freed, less its kiosks' yearly cost).
    pub net_benefit: f64,
}
