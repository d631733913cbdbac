//! Self-checks with stated power: the engine against queueing theory, each check with enough
//! replications to detect a stated relative bias with a stated power.
//!
//! Four models, each run over independent replications, give eight statistics:
//!
//! - M/M/3 (36 an hour, 4 min): the mean wait against Erlang C and the P90 wait against the
//!   Erlang C quantile;
//! - M/M/3+M (48 an hour, 4 min, exponential patience of mean 10 min): the mean wait of the
//!   served and the share who abandon, against Erlang A (the birth–death solution);
//! - M/M/3 with two classes, 30 % served first without pre-emption: each class's mean wait
//!   against Cobham's formula;
//! - M(t)/M/3 with a daily cycle of hourly rates (overloaded at midday): the day's mean wait
//!   and the mean wait of the hour that waits longest, against the periodic solution of the
//!   forward equations ([`periodic_mmc`](crate::periodic_mmc)).
//!
//! The design: each statistic's theory value θ is tested two-sided by the Student-t interval
//! over replications, at level `1 − α/m` for the `m` statistics together (Bonferroni, family
//! α = 0.05). From a pilot of replications the standard deviation `s` of a replication's value
//! gives the number needed to detect a relative bias `b` (δ = b·θ) with power `1 − β`:
//! `n ≥ ((z_{1−α/(2m)} + z_{1−β})·s/δ)²`, raised until the power with the t critical value,
//! `Φ(δ√n/s − t_{n−1, 1−α/(2m)}) + Φ(−δ√n/s − t_{n−1, 1−α/(2m)})`, reaches `1 − β`. The
//! replications run to the largest need of a model's statistics, `s` is estimated again on
//! all of them, and again until the need is met (or the cap is reached, which fails the
//! check). The pilot's replications count in the estimate.

use std::sync::Arc;

use navbat_record::{CheckRow, Dimension, ReplicationRecord, SELFCHECK_FORMAT, SelfcheckFile};
use navbat_scenario::{Discipline, Dist, RawScenario, RawSegment, ScenarioError};
use rayon::prelude::*;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

use crate::erlang::{cobham_mean_waits, erlang_a, erlang_c_mean_wait, erlang_c_wait_quantile};
use crate::model::Model;
use crate::queue::{QueueSpec, queue_raw};
use crate::sim::Simulation;
use crate::transient::periodic_mmc;

/// How hard the self-checks look: the bias to detect, the power, the run lengths and the caps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SelfcheckDesign {
    /// `"full"` or `"quick"`, as saved.
    pub mode: &'static str,
    /// Relative bias to detect (0.05 = 5 % of the theory's value).
    pub relative_bias: f64,
    /// Power to reach against it.
    pub power: f64,
    /// Family-wise error rate of all the checks together.
    pub family_alpha: f64,
    /// Replications of the pilot.
    pub pilot: u32,
    /// The most replications a model may run.
    pub max_replications: u32,
    /// Counted customers per replication of the stationary models.
    pub customers: u64,
    /// Customers dropped first in each replication (warm-up).
    pub warm_up: u64,
    /// Counted days per replication of the time-varying model.
    pub days: u32,
    /// Days dropped first (warm-up) in each replication of the time-varying model.
    pub warm_up_days: u32,
}

impl SelfcheckDesign {
    /// What `navbat selfcheck` runs: a 5 % bias detected with power 0.9, family α = 0.05.
    pub fn full() -> Self {
        Self {
            mode: "full",
            relative_bias: 0.05,
            power: 0.9,
            family_alpha: 0.05,
            pilot: 20,
            max_replications: 2_000,
            customers: 20_000,
            warm_up: 2_000,
            days: 28,
            warm_up_days: 3,
        }
    }

    /// A short design for tests and a first look (`--quick`): a 15 % bias with power 0.9,
    /// runs a tenth as long.
    pub fn quick() -> Self {
        Self {
            mode: "quick",
            relative_bias: 0.15,
            pilot: 8,
            max_replications: 400,
            customers: 2_000,
            warm_up: 500,
            days: 7,
            warm_up_days: 2,
            ..Self::full()
        }
    }
}

/// Why the self-checks could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SelfcheckError {
    /// A check's scenario did not validate (a bug of the check, not of the user's input).
    #[error("the self-check {check}'s scenario is invalid: {source}")]
    Scenario {
        /// The model.
        check: &'static str,
        /// Why.
        #[source]
        source: Box<ScenarioError>,
    },
    /// The theory has no value for the model (unstable, or a solver that did not settle).
    #[error("the self-check {check} has no theoretical value: {why}")]
    Theory {
        /// The model.
        check: &'static str,
        /// Why.
        why: &'static str,
    },
    /// A replication was stopped by the run-time guard.
    #[error("the self-check {check}'s replication {replication} stopped: {fault}")]
    Fault {
        /// The model.
        check: &'static str,
        /// The replication.
        replication: u32,
        /// The guard's message.
        fault: String,
    },
}

/// A statistic of a replication.
type Extract = Box<dyn Fn(&ReplicationRecord) -> f64 + Sync>;

/// One statistic of a model with its theory.
struct Stat {
    name: &'static str,
    what: String,
    theory_source: &'static str,
    unit: &'static str,
    theory: f64,
    /// The value the estimate is compared with: `theory`, unless the power is being measured.
    compared: f64,
    of: Extract,
}

/// How a replication of a model runs.
#[derive(Clone, Copy)]
enum Length {
    /// A stationary model: this many customers, the first `warm_up` not counted.
    Customers { max: u64, warm_up: u64 },
    /// The scenario's horizon (its warm-up days not counted).
    Horizon,
}

/// One model and its statistics.
struct Experiment {
    name: &'static str,
    model: Arc<Model>,
    length: Length,
    replication: String,
    stats: Vec<Stat>,
}

/// Servers of every model.
const SERVERS: u32 = 3;
/// Mean service time of every model, minutes.
const SERVICE_MIN: f64 = 4.0;
/// The time-varying model's arrivals per hour, hour 0 to 23 (mean 24.6; 50 against a
/// capacity of 45 from 11:00 to 14:00).
const HOURLY: [f64; 24] = [
    10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 20.0, 30.0, 40.0, 40.0, 50.0, 50.0, 50.0, 40.0, 40.0,
    40.0, 30.0, 20.0, 20.0, 20.0, 10.0, 10.0, 10.0,
];

fn spec(arrivals_per_hour: f64) -> QueueSpec {
    QueueSpec { arrivals_per_hour, service_minutes: SERVICE_MIN, servers: SERVERS, service_cv: 1.0 }
}

fn model(check: &'static str, raw: &RawScenario) -> Result<Arc<Model>, SelfcheckError> {
    navbat_scenario::from_raw(check, raw)
        .map(Model::new)
        .map_err(|e| SelfcheckError::Scenario { check, source: Box::new(e) })
}

fn theory<T>(check: &'static str, value: Option<T>) -> Result<T, SelfcheckError> {
    value.ok_or(SelfcheckError::Theory { check, why: "unstable or unsettled" })
}

/// The four models of the self-checks under `design`.
fn experiments(design: &SelfcheckDesign) -> Result<Vec<Experiment>, SelfcheckError> {
    let mu = 1.0 / SERVICE_MIN;
    let stationary =
        Length::Customers { max: design.customers + design.warm_up, warm_up: design.warm_up };
    let per_customers = format!(
        "{} customers counted after {} dropped, from an empty system",
        design.customers, design.warm_up
    );
    let mut out = Vec::new();

    // M/M/c: Erlang C mean and quantile.
    let lambda = 36.0 / 60.0;
    let raw = queue_raw(&spec(36.0));
    out.push(Experiment {
        name: "mmc",
        model: model("mmc", &raw)?,
        length: stationary,
        replication: per_customers.clone(),
        stats: vec![
            Stat {
                name: "mmc-mean-wait",
                what: "M/M/3, 36 an hour, 4 min: mean wait".to_owned(),
                theory_source: "Erlang C: C(c, a)/(cμ − λ)",
                unit: "min",
                theory: theory("mmc", erlang_c_mean_wait(lambda, mu, SERVERS))?,
                compared: f64::NAN,
                of: Box::new(|r| r.sites[0].mean_wait_min),
            },
            Stat {
                name: "mmc-p90-wait",
                what: "M/M/3, 36 an hour, 4 min: P90 wait".to_owned(),
                theory_source: "Erlang C quantile: ln(C(c, a)/0.1)/(cμ − λ)",
                unit: "min",
                theory: theory("mmc", erlang_c_wait_quantile(lambda, mu, SERVERS, 0.9))?,
                compared: f64::NAN,
                of: Box::new(|r| r.sites[0].p90_wait_min),
            },
        ],
    });

    // M/M/c+M: Erlang A.
    let (lambda, patience) = (48.0 / 60.0, 10.0);
    let mut raw = queue_raw(&spec(48.0));
    raw.segments[0].patience_min = Some(Dist::Exponential { mean: patience });
    let a = theory("erlang-a", erlang_a(lambda, mu, 1.0 / patience, SERVERS))?;
    out.push(Experiment {
        name: "erlang-a",
        model: model("erlang-a", &raw)?,
        length: stationary,
        replication: per_customers.clone(),
        stats: vec![
            Stat {
                name: "erlang-a-served-wait",
                what: "M/M/3+M, 48 an hour, 4 min, patience 10 min: mean wait of the served"
                    .to_owned(),
                theory_source: "Erlang A (Palm): birth-death law, tagged-customer stages",
                unit: "min",
                theory: a.mean_wait_served,
                compared: f64::NAN,
                of: Box::new(|r| r.sites[0].mean_wait_min),
            },
            Stat {
                name: "erlang-a-abandonment",
                what: "M/M/3+M, 48 an hour, 4 min, patience 10 min: share abandoning".to_owned(),
                theory_source: "Erlang A (Palm): θ·E[queue]/λ",
                unit: "share",
                theory: a.p_abandon,
                compared: f64::NAN,
                of: Box::new(|r| {
                    let s = &r.sites[0];
                    if s.arrivals == 0 { 0.0 } else { s.reneged as f64 / s.arrivals as f64 }
                }),
            },
        ],
    });

    // Two classes, non-preemptive priority: Cobham.
    let share = 0.3;
    let mut raw = queue_raw(&spec(36.0));
    raw.queue.discipline = Discipline::Priority;
    let mut first = RawSegment::counter_only("first");
    first.priority = true;
    raw.segments = vec![first, RawSegment::counter_only("others")];
    raw.services[0].segments =
        vec![("first".to_owned(), share), ("others".to_owned(), 1.0 - share)];
    let lambda = 36.0 / 60.0;
    let w = theory(
        "priority",
        cobham_mean_waits(&[share * lambda, (1.0 - share) * lambda], mu, SERVERS),
    )?;
    let class = |key: &'static str| -> Extract {
        Box::new(move |r: &ReplicationRecord| {
            r.breakdown
                .iter()
                .find(|b| b.dimension == Dimension::Segment && b.key == key)
                .map_or(f64::NAN, |b| b.mean_wait_min)
        })
    };
    out.push(Experiment {
        name: "priority",
        model: model("priority", &raw)?,
        length: stationary,
        replication: per_customers,
        stats: vec![
            Stat {
                name: "priority-first-wait",
                what: "M/M/3, 36 an hour, 4 min, 30 % served first: their mean wait".to_owned(),
                theory_source: "Cobham: W0/(1 − σ1)",
                unit: "min",
                theory: w[0],
                compared: f64::NAN,
                of: class("first"),
            },
            Stat {
                name: "priority-others-wait",
                what: "M/M/3, 36 an hour, 4 min, 30 % served first: the others' mean wait"
                    .to_owned(),
                theory_source: "Cobham: W0/((1 − σ1)(1 − σ2))",
                unit: "min",
                theory: w[1],
                compared: f64::NAN,
                of: class("others"),
            },
        ],
    });

    // M(t)/M/c: the periodic solution of the forward equations.
    let periodic =
        theory("time-varying", periodic_mmc(&HOURLY.map(|h| h / 60.0), 60.0, mu, SERVERS))?;
    let (peak, peak_wait) = periodic
        .hourly_mean_wait
        .iter()
        .copied()
        .enumerate()
        .fold((0, f64::MIN), |best, (h, w)| if w > best.1 { (h, w) } else { best });
    let mut raw = queue_raw(&spec(HOURLY.iter().sum::<f64>() / 24.0));
    raw.profiles[0].hour_of_day = HOURLY.to_vec();
    // Daily volume 365 × Σ rates over a 365-day reference year: hour h gets HOURLY[h].
    raw.sites[0].demand[0].yearly = 365.0 * HOURLY.iter().sum::<f64>();
    let start = jiff::civil::date(2026, 1, 5);
    let days = i64::from(design.days + design.warm_up_days);
    let end = start.checked_add(jiff::Span::new().days(days - 1)).unwrap_or(start);
    raw.horizon.start = start.to_string();
    raw.horizon.end = end.to_string();
    raw.horizon.warm_up_days = design.warm_up_days;
    let peak_key = format!(" {peak:02}");
    out.push(Experiment {
        name: "time-varying",
        model: model("time-varying", &raw)?,
        length: Length::Horizon,
        replication: format!(
            "{} days counted after {} dropped, from an empty system",
            design.days, design.warm_up_days
        ),
        stats: vec![
            Stat {
                name: "mt-daily-wait",
                what: "M(t)/M/3, 10 to 50 an hour by hour, 4 min: the day's mean wait".to_owned(),
                theory_source: "forward equations, periodic solution (uniformization)",
                unit: "min",
                theory: periodic.daily_mean_wait,
                compared: f64::NAN,
                of: Box::new(|r| r.sites[0].mean_wait_min),
            },
            Stat {
                name: "mt-peak-hour-wait",
                what: format!(
                    "M(t)/M/3, 10 to 50 an hour by hour, 4 min: mean wait of arrivals {peak:02}:00-{:02}:00",
                    peak + 1
                ),
                theory_source: "forward equations, periodic solution (uniformization)",
                unit: "min",
                theory: peak_wait,
                compared: f64::NAN,
                of: Box::new(move |r| {
                    let (wait, served) = r
                        .breakdown
                        .iter()
                        .filter(|b| b.dimension == Dimension::WeekdayHour && b.key.ends_with(&peak_key))
                        .fold((0.0, 0u64), |(w, n), b| (w + b.mean_wait_min * b.served as f64, n + b.served));
                    if served == 0 { f64::NAN } else { wait / served as f64 }
                }),
            },
        ],
    });
    for s in out.iter_mut().flat_map(|e| &mut e.stats) {
        s.compared = s.theory;
    }
    Ok(out)
}

/// Mean and sample standard deviation.
fn moments(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0).max(1.0);
    (mean, var.sqrt())
}

/// Power of the two-sided one-sample t test at level `alpha` against a bias `delta`, with
/// standard deviation `sd` over `n` replications (the normal approximation with the t
/// critical value).
pub fn t_test_power(delta: f64, sd: f64, n: u32, alpha: f64) -> f64 {
    if n < 2 {
        return 0.0;
    }
    if sd <= 0.0 {
        return 1.0;
    }
    let t = StudentsT::new(0.0, 1.0, f64::from(n) - 1.0)
        .map(|d| d.inverse_cdf(1.0 - alpha / 2.0))
        .unwrap_or(f64::INFINITY);
    let phi = |x: f64| Normal::standard().cdf(x);
    let shift = delta.abs() * f64::from(n).sqrt() / sd;
    phi(shift - t) + phi(-shift - t)
}

/// Replications a two-sided t test at level `alpha` needs to detect a bias `delta` with
/// power `power` when a replication's standard deviation is `sd`: the normal formula
/// `((z_{1−α/2} + z_{power})·sd/δ)²`, then raised one at a time until [`t_test_power`]
/// reaches `power` (at least 2).
pub fn replications_needed(delta: f64, sd: f64, alpha: f64, power: f64, cap: u32) -> u32 {
    let z = |p: f64| Normal::standard().inverse_cdf(p);
    let n = ((z(1.0 - alpha / 2.0) + z(power)) * sd / delta.abs()).powi(2).ceil();
    let mut n = if n.is_finite() { (n as u32).max(2) } else { cap };
    while n < cap && t_test_power(delta, sd, n, alpha) < power {
        n += 1;
    }
    n.min(cap)
}

/// Runs replications `from..to` of `e`, in parallel, in order.
fn replicate(
    e: &Experiment,
    seed: u64,
    from: u32,
    to: u32,
) -> Result<Vec<ReplicationRecord>, SelfcheckError> {
    (from..to)
        .into_par_iter()
        .map(|r| {
            let sim = match e.length {
                Length::Customers { max, warm_up } => {
                    Simulation::with_arrival_limit(e.model.clone(), seed, r, max, warm_up)
                }
                Length::Horizon => Simulation::new(e.model.clone(), seed, r),
            };
            let record = sim.finish();
            match record.fault.clone() {
                Some(fault) => Err(SelfcheckError::Fault { check: e.name, replication: r, fault }),
                None => Ok(record),
            }
        })
        .collect()
}

/// Runs every self-check under `design` with master `seed` on the current rayon pool, and
/// returns what `selfcheck.json` saves. `progress` is called with each model's name when
/// it starts.
pub fn run_selfcheck(
    design: &SelfcheckDesign,
    seed: u64,
    progress: &dyn Fn(&str),
) -> Result<SelfcheckFile, SelfcheckError> {
    run_selfcheck_against(design, seed, 1.0, progress)
}

/// [`run_selfcheck`] with every theory value multiplied by `factor` before it is compared
/// (the bias to detect stays `relative_bias` of the true value): with `factor = 1.05` each
/// check should fail with probability at least the design's power, which is how the power
/// is measured (`examples/selfcheck_power.rs`).
pub fn run_selfcheck_against(
    design: &SelfcheckDesign,
    seed: u64,
    factor: f64,
    progress: &dyn Fn(&str),
) -> Result<SelfcheckFile, SelfcheckError> {
    let mut experiments = experiments(design)?;
    for s in experiments.iter_mut().flat_map(|e| &mut e.stats) {
        s.compared = s.theory * factor;
    }
    let m: usize = experiments.iter().map(|e| e.stats.len()).sum();
    let alpha = design.family_alpha / m as f64;
    let mut checks = Vec::with_capacity(m);
    for e in &experiments {
        progress(e.name);
        checks.extend(check(e, design, alpha, seed)?);
    }
    Ok(SelfcheckFile {
        format: SELFCHECK_FORMAT,
        version: env!("CARGO_PKG_VERSION").to_owned(),
        mode: design.mode.to_owned(),
        seed,
        family_alpha: design.family_alpha,
        relative_bias: design.relative_bias,
        target_power: design.power,
        checks,
    })
}

/// Runs `e` until each of its statistics has the replications to detect the design's bias
/// at level `alpha` with the design's power (or the cap), and judges each.
fn check(
    e: &Experiment,
    design: &SelfcheckDesign,
    alpha: f64,
    seed: u64,
) -> Result<Vec<CheckRow>, SelfcheckError> {
    let mut checks = Vec::with_capacity(e.stats.len());
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); e.stats.len()];
    let mut done = 0;
    let mut target = design.pilot.max(2);
    while target > done {
        for record in replicate(e, seed, done, target)? {
            for (v, s) in values.iter_mut().zip(&e.stats) {
                v.push((s.of)(&record));
            }
        }
        done = target;
        target = e
            .stats
            .iter()
            .zip(&values)
            .map(|(s, v)| {
                let (_, sd) = moments(v);
                let delta = design.relative_bias * s.theory;
                replications_needed(delta, sd, alpha, design.power, design.max_replications)
            })
            .max()
            .unwrap_or(done)
            .max(done);
    }
    for (s, v) in e.stats.iter().zip(&values) {
        let (mean, sd) = moments(v);
        let n = v.len() as u32;
        let half = StudentsT::new(0.0, 1.0, f64::from(n) - 1.0)
            .map(|d| d.inverse_cdf(1.0 - alpha / 2.0))
            .unwrap_or(f64::NAN)
            * sd
            / f64::from(n).sqrt();
        let delta = design.relative_bias * s.theory;
        let power = t_test_power(delta, sd, n, alpha);
        let (low, high) = (mean - half, mean + half);
        checks.push(CheckRow {
            name: s.name.to_owned(),
            what: s.what.clone(),
            theory_source: s.theory_source.to_owned(),
            unit: s.unit.to_owned(),
            theory: s.compared,
            estimate: mean,
            ci_low: low,
            ci_high: high,
            level: 1.0 - alpha,
            replications: n,
            pilot_replications: design.pilot.max(2),
            replication: e.replication.clone(),
            sd,
            detectable_bias: delta,
            power,
            passed: low <= s.compared && s.compared <= high && power >= design.power,
        });
    }
    Ok(checks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_normal_formula_and_the_t_power_agree_for_many_replications() {
        // σ/δ = 4, α = 0.05, power 0.9: ((1.960 + 1.282)·4)² = 168.1 → 169 by z, a few more by t.
        let n = replications_needed(1.0, 4.0, 0.05, 0.9, 10_000);
        assert!((169..=175).contains(&n), "{n}");
        assert!(t_test_power(1.0, 4.0, n, 0.05) >= 0.9);
        assert!(t_test_power(1.0, 4.0, n - 1, 0.05) < 0.9);
        // No bias: the power is the test's level.
        assert!((t_test_power(0.0, 4.0, 1_000, 0.05) - 0.05).abs() < 1e-3);
    }

    #[test]
    fn a_theory_off_by_the_bias_fails_the_check() {
        // The M/M/3 model against values 15 % above Erlang C's: the quick design must see it.
        let design = SelfcheckDesign::quick();
        let mut mmc = experiments(&design).expect("models").swap_remove(0);
        for s in &mut mmc.stats {
            s.compared = s.theory * (1.0 + design.relative_bias);
        }
        let rows = check(&mmc, &design, design.family_alpha / 8.0, 1).expect("runs");
        assert_eq!(rows.len(), 2);
        for r in &rows {
            assert!(r.power >= 0.9, "{r:?}");
            assert!(!r.passed && r.ci_high < r.theory, "{r:?}");
        }
    }

    #[test]
    fn the_cap_bounds_the_replications() {
        assert_eq!(replications_needed(1.0, 100.0, 0.05, 0.9, 50), 50);
        assert!(t_test_power(1.0, 100.0, 50, 0.05) < 0.9);
    }
}
