//! Times one replication of the pilot year (the four pilot sites, everything on, or the
//! floor alone with `--floor`; `--face-worker` makes Face-ID sessions ahead on a second
//! core) and prints one JSON object: a quick figure between criterion runs, and a process
//! that a profiler can record whole.

use std::time::Instant;

use navbat_benches::{pilot_floor_model, pilot_model};
use navbat_engine::Simulation;

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut seed, mut runs, mut floor, mut worker) = (1_u64, 1_u32, false, false);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--floor" => floor = true,
            "--face-worker" => worker = true,
            "--seed" => match args.next().and_then(|v| v.parse().ok()) {
                Some(v) => seed = v,
                None => usage(),
            },
            "--runs" => match args.next().and_then(|v| v.parse().ok()) {
                Some(v) if v > 0 => runs = v,
                _ => usage(),
            },
            _ => usage(),
        }
    }
    let model = if floor { pilot_floor_model() } else { pilot_model() };
    let mut walls = Vec::new();
    let mut events = 0;
    for replication in 0..runs {
        // Building the world (gallery enrolment included) is part of the replication.
        let started = Instant::now();
        let sim = Simulation::new(model.clone(), seed, replication).with_face_worker(worker);
        let record = sim.finish();
        walls.push(started.elapsed().as_secs_f64());
        events = record.events;
    }
    let best = walls.iter().copied().fold(f64::INFINITY, f64::min);
    let mean = walls.iter().sum::<f64>() / walls.len() as f64;
    let out = serde_json::json!({
        "model": if floor { "floor_only" } else { "everything_on" },
        "seed": seed,
        "runs": runs,
        "face_worker": worker,
        "events_last": events,
        "wall_s_mean": mean,
        "wall_s_best": best,
    });
    println!("{out}");
}

fn usage() -> ! {
    eprintln!("usage: pilot-speed [--floor] [--face-worker] [--seed K] [--runs N]");
    std::process::exit(2);
}
