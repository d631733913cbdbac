//! The engine against queueing theory, its own invariants, and reproducibility.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test stops at the first failed assumption, helpers included"
)]

mod assistance;
mod determinism;
mod facts;
mod guard;
mod independence;
mod invariants;
mod kiosk_parts;
mod replay;
mod returns;
mod review;
mod rows;
mod selfcheck;
mod timing;
mod validation;

use std::sync::Arc;

use navbat_engine::Model;
use navbat_scenario::Scenario;

/// Loads a bundled scenario by path relative to the repository's `scenarios/` folder.
pub(crate) fn scenario(rel: &str) -> Scenario {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios").join(rel);
    navbat_scenario::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// The pilot scenario with its pilot sites alone (candidates for extension left out),
/// everything on: Face-ID, case workflows, the back office.
pub(crate) fn pilot() -> Scenario {
    let s = scenario("pilot-2026.ron");
    let keep: Vec<usize> = (0..s.sites.len()).filter(|i| !s.candidates.contains(i)).collect();
    navbat_engine::only_sites(&s, &keep)
}

/// [`pilot`] with Face-ID and case workflows off: the floor alone.
pub(crate) fn floor_only() -> Scenario {
    let mut s = pilot();
    s.face_id = None;
    s.workflows = None;
    s
}

/// The scenario shortened to `days` days.
pub(crate) fn shortened(mut s: Scenario, days: i64) -> Arc<Model> {
    s.end = s.start.checked_add(jiff::Span::new().days(days - 1)).expect("date in range");
    Model::new(s)
}
