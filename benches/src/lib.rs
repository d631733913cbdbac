//! Shared set-up of navbat's benchmarks: the models they time.

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

/// The bundled pilot scenario, prepared.
pub fn pilot_model() -> Arc<Model> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/pilot-2026.ron");
    Model::new(navbat_scenario::load(&path).expect("the bundled pilot scenario is valid"))
}
