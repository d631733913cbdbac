//! Shared set-up of navbat's benchmarks: the models they time.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark stops if its bundled fixtures do not load"
)]

use std::path::Path;
use std::sync::Arc;

use navbat_engine::{Model, QueueSpec, queue_scenario};

/// The peer-comparison model: M/M/5 at utilisation 0.9 (54 arrivals an hour, 5 min service).
pub const MMC: QueueSpec =
    QueueSpec { arrivals_per_hour: 54.0, service_minutes: 5.0, servers: 5, service_cv: 1.0 };

/// The prepared M/M/c model.
pub fn mmc_model() -> Arc<Model> {
    Model::new(queue_scenario(&MMC).expect("the benchmark queue is valid"))
}

/// The bundled pilot scenario's pilot sites (its candidates for extension left out), with
/// everything on: Face-ID, case workflows and the back office.
pub fn pilot_model() -> Arc<Model> {
    Model::new(pilot_sites())
}

/// The pilot sites with Face-ID and workflows off: the floor alone (queues, kiosks,
/// officers), as the foundation's target measures it.
pub fn pilot_floor_model() -> Arc<Model> {
    let mut s = pilot_sites();
    s.face_id = None;
    s.workflows = None;
    Model::new(s)
}

fn pilot_sites() -> navbat_scenario::Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/pilot-2026.ron");
    let s = navbat_scenario::load(&path).expect("the bundled pilot scenario is valid");
    let keep: Vec<usize> = (0..s.sites.len()).filter(|i| !s.candidates.contains(i)).collect();
    navbat_engine::only_sites(&s, &keep)
}
