//! Replications of a scenario, run in parallel, gathered in replication order.

use std::sync::Arc;

use navbat_record::ReplicationRecord;
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
    (0..replications)
        .into_par_iter()
        .map(|r| {
            let record = Simulation::new(model.clone(), seed, r).finish();
            on_done();
            record
        })
        .collect()
}
