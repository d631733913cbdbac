//! Measures what the window's stepping costs per frame, without a window: a whole pilot year
//! at ×100,000 (60 frames a second), a jump across the year a week a frame, and how long the
//! background comparison (20 replications of each layout) takes.
//! `cargo run -p navbat-planner --example step_cost [--release] -- [SCENARIO]`.

use std::path::PathBuf;
use std::time::Instant;

use navbat_planner::{Layout, LiveTwin, SPEEDS, SimClock};

fn main() -> Result<(), navbat_planner::PlannerError> {
    let path = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from("scenarios/pilot-2026.ron"), PathBuf::from);
    let layout = Layout::load(&path)?;
    let mut twin = LiveTwin::new(layout.scenario(), 42);
    let mut clock = SimClock::new();
    clock.set_speed_index(SPEEDS.len() - 1);
    let (mut frames, mut total_ms, mut max_ms) = (0u32, 0.0f64, 0.0f64);
    while !twin.at_end() {
        let ms = clock.advance_ms(1.0 / 60.0);
        let t0 = Instant::now();
        twin.frame(ms);
        let dt = t0.elapsed().as_secs_f64() * 1000.0;
        frames += 1;
        total_ms += dt;
        max_ms = max_ms.max(dt);
    }
    println!(
        "x100,000 at 60 frames/s: {frames} frames over the horizon, step mean {:.3} ms, longest {max_ms:.2} ms, {} events",
        total_ms / f64::from(frames),
        twin.simulation().events()
    );
    let mut twin = LiveTwin::new(layout.scenario(), 42);
    twin.jump_to(twin.last_instant());
    let (mut jumps, mut jump_max) = (0u32, 0.0f64);
    while twin.jump_target().is_some() {
        let t0 = Instant::now();
        twin.frame(0);
        jump_max = jump_max.max(t0.elapsed().as_secs_f64() * 1000.0);
        jumps += 1;
    }
    println!("jump across the horizon: {jumps} frames, longest {jump_max:.2} ms");
    let threads =
        std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1)).max(1);
    let t0 = Instant::now();
    let job = navbat_planner::CompareJob::start(
        layout.baseline(),
        layout.scenario(),
        42,
        navbat_planner::COMPARE_REPLICATIONS,
        threads,
    );
    let sites = job.wait().map_or(0, |c| c.sites.len());
    println!(
        "comparison: 2 x {} replications on {threads} worker thread(s), {sites} sites, {:.1} s",
        navbat_planner::COMPARE_REPLICATIONS,
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}
