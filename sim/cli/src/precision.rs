//! `navbat run --precision γ`: Law & Kelton's sequential procedure for a relative
//! precision. A first stage of replications runs; while any headline measure's 95 %
//! Student-t half-width exceeds γ/(1+γ) of its mean, more replications run (the next
//! replication numbers, with every model, so pairs stay common random numbers), up to a cap.
//! Stopping at γ/(1+γ) bounds the actual relative error |X̄ − μ|/|μ| by γ (Law & Kelton,
//! Simulation Modeling and Analysis, §9.4.1).

use navbat_record::inference::relative_half_width;
use navbat_record::{ReplicationRecord, SequentialStop};
use navbat_scenario::Scenario;

/// Replications of the first stage: the fewest that give a t interval with two degrees of
/// freedom.
pub(crate) const FIRST_STAGE: u32 = 3;

/// Replications added at a time after the first stage: two keep two cores busy, and a fixed
/// number (not the thread count) keeps where the procedure stops independent of `--threads`.
pub(crate) const STEP: u32 = 2;

/// The headline measures the procedure watches: each pilot site's mean wait and officer busy
/// hours in the first model's records (the pilot).
fn watched(scenario: &Scenario) -> Vec<(usize, String)> {
    (0..scenario.sites.len())
        .filter(|i| !scenario.candidates.contains(i))
        .map(|i| (i, scenario.sites[i].id.clone()))
        .collect()
}

/// The worst relative half-width of the watched measures over `reps`.
pub(crate) fn worst(scenario: &Scenario, reps: &[ReplicationRecord]) -> f64 {
    let mut worst = 0.0_f64;
    for (i, _) in watched(scenario) {
        let col = |f: fn(&navbat_record::SiteRecord) -> f64| -> Vec<f64> {
            reps.iter().filter_map(|r| r.sites.get(i)).map(f).collect()
        };
        for v in [col(|s| s.mean_wait_min), col(|s| s.officer_busy_hours)] {
            worst = worst.max(relative_half_width(&v));
        }
    }
    worst
}

/// Runs `models` until the pilot's headline measures reach relative precision `target` or
/// `cap` replications have run; `run(first, count)` runs replications `first..first+count`
/// of every model, grouped by model. Returns the runs and where the procedure stopped.
pub(crate) fn run_to_precision(
    scenario: &Scenario,
    target: f64,
    cap: u32,
    step: u32,
    mut run: impl FnMut(u32, u32) -> Vec<Vec<ReplicationRecord>>,
) -> (Vec<Vec<ReplicationRecord>>, SequentialStop) {
    let adjusted = target / (1.0 + target);
    let first = FIRST_STAGE.min(cap);
    let mut runs = run(0, first);
    let mut done = first;
    let mut reached = worst(scenario, runs.first().map_or(&[][..], Vec::as_slice));
    while reached > adjusted && done < cap {
        let count = step.max(1).min(cap - done);
        for (all, more) in runs.iter_mut().zip(run(done, count)) {
            all.extend(more);
        }
        done += count;
        reached = worst(scenario, runs.first().map_or(&[][..], Vec::as_slice));
    }
    let stop = SequentialStop {
        target,
        adjusted,
        initial: first,
        step: step.max(1),
        cap,
        reached,
        capped: reached > adjusted,
        measures: watched(scenario)
            .into_iter()
            .flat_map(|(_, id)| [format!("{id}: mean wait"), format!("{id}: officer busy hours")])
            .collect(),
    };
    (runs, stop)
}
