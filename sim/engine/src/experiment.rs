//! Experiments: replications, the no-kiosk baseline and sweep points, run in parallel and
//! gathered in order.

use std::sync::Arc;

use navbat_record::ReplicationRecord;
use navbat_scenario::Scenario;
use rayon::prelude::*;

use crate::model::Model;
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
    let reps = replications as usize;
    let jobs: Vec<ReplicationRecord> = (0..models.len() * reps)
        .into_par_iter()
        .map(|job| {
            let (m, r) = (job / reps, job % reps);
            let r = u32::try_from(r).unwrap_or(u32::MAX);
            let record = Simulation::new(models[m].clone(), seed, r).finish();
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
