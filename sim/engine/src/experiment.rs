//! Experiments: replications, the no-kiosk baseline and sweep points, run in parallel and
//! gathered in order.

use std::sync::{Arc, Mutex, PoisonError};

use navbat_record::ReplicationRecord;
use navbat_scenario::Scenario;
use rayon::prelude::*;

use crate::model::Model;
use crate::rows::RowExporter;
use crate::sim::Simulation;

/// Runs replications `0..replications` of `model` with master `seed`, on the current rayon
/// pool. Each replication has its own world and streams, so results are the same for any
/// number of threads; `on_done` is called once per finished replication (for progress).
pub fn run_replications(
    model: &Arc<Model>,
    seed: u64,
    replications: u32,
    on_done: &(dyn Fn() + Sync),
) -> Vec<ReplicationRecord> {
    let mut runs = run_models(std::slice::from_ref(model), seed, replications, on_done);
    runs.pop().unwrap_or_default()
}

/// Runs `replications` replications of every model, all (model, replication) pairs spread over
/// the current rayon pool, and returns them grouped by model in order. Every model uses the
/// same seed, so replication `r` of two models is a common-random-numbers pair.
pub fn run_models(
    models: &[Arc<Model>],
    seed: u64,
    replications: u32,
    on_done: &(dyn Fn() + Sync),
) -> Vec<Vec<ReplicationRecord>> {
    run_models_tapped(models, seed, replications, on_done, None)
}

/// One replication of the first model whose floor rows go to `export` (see
/// [`Simulation::with_rows`]).
pub struct RowTap {
    /// The replication, `0..replications`.
    pub replication: u32,
    /// Where its rows go.
    pub export: RowExporter,
}

impl std::fmt::Debug for RowTap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowTap").field("replication", &self.replication).finish_non_exhaustive()
    }
}

/// Like [`run_models`], with replication `tap.replication` of the first model handing its
/// rows to `tap.export` as it runs (the records are the same as without). A tap on a
/// replication that does not run is dropped unused.
pub fn run_models_tapped(
    models: &[Arc<Model>],
    seed: u64,
    replications: u32,
    on_done: &(dyn Fn() + Sync),
    tap: Option<RowTap>,
) -> Vec<Vec<ReplicationRecord>> {
    let reps = replications as usize;
    // Fewer runs than threads: the free cores make Face-ID sessions ahead (same records).
    let spare_cores = models.len() * reps < rayon::current_num_threads();
    let tapped = tap.as_ref().map(|t| t.replication);
    let tap = Mutex::new(tap.map(|t| t.export));
    let jobs: Vec<ReplicationRecord> = (0..models.len() * reps)
        .into_par_iter()
        .map(|job| {
            let (m, r) = (job / reps, job % reps);
            let r = u32::try_from(r).unwrap_or(u32::MAX);
            let mut sim = Simulation::new(models[m].clone(), seed, r).with_face_worker(spare_cores);
            if m == 0
                && tapped == Some(r)
                && let Some(export) = tap.lock().unwrap_or_else(PoisonError::into_inner).take()
            {
                sim = sim.with_rows(export);
            }
            let record = sim.finish();
            on_done();
            record
        })
        .collect();
    let mut out: Vec<Vec<ReplicationRecord>> = Vec::with_capacity(models.len());
    let mut it = jobs.into_iter();
    for _ in 0..models.len() {
        out.push(it.by_ref().take(reps).collect());
    }
    out
}

/// One independent evaluation: replication `replication` of model `model` (an index into
/// the models handed to [`run_units`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Unit {
    /// Index of the model.
    pub model: usize,
    /// Replication number: a key of the random streams, so replication `r` of a model is the
    /// same run wherever and with whatever else it runs.
    pub replication: u32,
}

/// Runs every unit of `units` (any list: a shard of a run or a sweep, say) on the current
/// rayon pool and returns their records in the order of `units`. A unit's record is the
/// record [`run_models`] makes for the same model, seed and replication, byte for byte:
/// replication numbers key the streams, so where and beside what a unit runs changes nothing.
pub fn run_units(
    models: &[Arc<Model>],
    seed: u64,
    units: &[Unit],
    on_done: &(dyn Fn() + Sync),
) -> Vec<ReplicationRecord> {
    let spare_cores = units.len() < rayon::current_num_threads();
    units
        .par_iter()
        .map(|u| {
            let record = Simulation::new(models[u.model].clone(), seed, u.replication)
                .with_face_worker(spare_cores)
                .finish();
            on_done();
            record
        })
        .collect()
}

/// The baseline of a scenario: the same sites, demand and officers with no kiosks. People
/// who would have used a kiosk choose among the remaining channels with their segment's
/// weights.
pub fn without_kiosks(scenario: &Scenario) -> Scenario {
    let mut s = scenario.clone();
    s.name = format!("{} (baseline, no kiosks)", scenario.name);
    for site in &mut s.sites {
        site.kiosks.clear();
    }
    s
}

/// What the expansion experiment measured at the candidate sites.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expansion {
    /// Every candidate with 0 to `max_kiosks` kiosks, per replication.
    pub rows: Vec<navbat_record::ExpansionRow>,
    /// The proposal (candidates as the scenario equips them) against no kiosks, with one
    /// assumption moved at a time.
    pub sensitivity: Vec<navbat_record::SensitivityRow>,
}

/// Runs the expansion experiment on the candidate sites of `scenario` (alone: sites do not
/// interact): each with 0 to `max_kiosks` kiosks, and the sensitivity of the proposal to
/// [`crate::Assumption::ALL`]. All runs share `seed`, so every comparison is paired by
/// replication (common random numbers). Empty when the scenario names no candidates.
pub fn run_expansion(
    scenario: &Scenario,
    seed: u64,
    replications: u32,
    max_kiosks: u32,
    on_done: &(dyn Fn() + Sync),
) -> Expansion {
    use crate::variant::{Assumption, only_sites, scaled, with_kiosk_count};
    if scenario.candidates.is_empty() {
        return Expansion::default();
    }
    let candidates = only_sites(scenario, &scenario.candidates);
    let none = with_kiosk_count(&candidates, 0);
    let mut scenarios: Vec<Scenario> =
        (0..=max_kiosks).map(|k| with_kiosk_count(&candidates, k)).collect();
    let mut levels = vec![("base".to_owned(), "base", 1.0)];
    for a in Assumption::ALL {
        let (low, high) = a.range();
        levels.push((a.name().to_owned(), "low", low));
        levels.push((a.name().to_owned(), "high", high));
    }
    let first_pair = scenarios.len();
    for (name, _, factor) in &levels {
        let a = Assumption::ALL.into_iter().find(|a| a.name() == name);
        let (p, b) = match a {
            Some(a) => (scaled(&candidates, a, *factor), scaled(&none, a, *factor)),
            None => (candidates.clone(), none.clone()),
        };
        scenarios.push(p);
        scenarios.push(b);
    }
    let models: Vec<Arc<Model>> = scenarios.into_iter().map(Model::new).collect();
    let runs = run_models(&models, seed, replications, on_done);
    let mut rows = Vec::new();
    for (k, reps) in runs.iter().take(first_pair).enumerate() {
        for rep in reps {
            for s in &rep.sites {
                rows.push(navbat_record::ExpansionRow::of(
                    rep.replication,
                    s,
                    u32::try_from(k).unwrap_or(u32::MAX),
                ));
            }
        }
    }
    let mut sensitivity = Vec::new();
    for (i, (name, level, factor)) in levels.iter().enumerate() {
        let (proposal, base) = (&runs[first_pair + 2 * i], &runs[first_pair + 2 * i + 1]);
        for (p, b) in proposal.iter().zip(base) {
            let sum = |r: &ReplicationRecord, f: &dyn Fn(&navbat_record::SiteRecord) -> f64| {
                r.sites.iter().map(f).sum::<f64>()
            };
            sensitivity.push(navbat_record::SensitivityRow {
                assumption: name.clone(),
                level: (*level).to_owned(),
                factor: *factor,
                replication: p.replication,
                citizen_hours_saved: sum(b, &|s| s.citizen_hours) - sum(p, &|s| s.citizen_hours),
                officer_hours_freed: sum(b, &|s| s.officer_busy_hours)
                    - sum(p, &|s| s.officer_busy_hours),
                served_kiosk: p.sites.iter().map(|s| s.served_kiosk).sum(),
            });
        }
    }
    Expansion { rows, sensitivity }
}
