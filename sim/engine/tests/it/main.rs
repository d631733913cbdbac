//! The engine against queueing theory, its own invariants, and reproducibility.

mod determinism;
mod invariants;
mod validation;

use std::sync::Arc;

use navbat_engine::Model;
use navbat_scenario::Scenario;

/// Loads a bundled scenario by path relative to the repository's `scenarios/` folder.
pub(crate) fn scenario(rel: &str) -> Scenario {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios").join(rel);
    navbat_scenario::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// The scenario shortened to `days` days.
pub(crate) fn shortened(mut s: Scenario, days: i64) -> Arc<Model> {
    s.end = s.start.checked_add(jiff::Span::new().days(days - 1)).expect("date in range");
    Model::new(s)
}
