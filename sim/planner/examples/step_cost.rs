//! Measures what the window's stepping costs per frame, without a window: a whole pilot year
//! at ×100,000 (60 frames a second), then a jump across the year a week a frame.
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
    Ok(())
}
