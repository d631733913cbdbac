//! Times navbat's simulation loop on the peer-comparison M/M/c model and prints one JSON
//! object, in the same shape as the SimPy/Ciw reference (`../shared/peers/mmc.py`).

use std::time::Instant;

use navbat_benches::{MMC, mmc_model};
use navbat_engine::Simulation;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut customers: u64 = 200_000;
    let mut seed: u64 = 1;
    let mut general = false;
    while let Some(a) = args.next() {
        if a == "--general" {
            general = true;
            continue;
        }
        let value = args.next().and_then(|v| v.parse().ok());
        match (a.as_str(), value) {
            ("--customers", Some(v)) => customers = v,
            ("--seed", Some(v)) => seed = v,
            _ => {
                eprintln!("usage: mmc-speed [--customers N] [--seed K] [--general]");
                std::process::exit(2);
            }
        }
    }
    let mut model = mmc_model();
    // `--general`: the queue's floor is plain; handle it with the general handlers anyway,
    // to see what the plain copy is worth (the results are the same).
    if general && let Some(m) = std::sync::Arc::get_mut(&mut model) {
        m.plain.iter_mut().for_each(|p| *p = false);
    }
    // Building the world is set-up, as model building is for the peers; and, as for them,
    // only the simulation loop is timed: summing up the record afterwards is not.
    let mut sim = Simulation::with_arrival_limit(model, seed, 0, customers, customers / 10);
    let started = Instant::now();
    sim.run_to_end();
    let wall = started.elapsed().as_secs_f64();
    let record = sim.finish();
    let site = &record.sites[0];
    let out = serde_json::json!({
        "engine": "navbat",
        "servers": MMC.servers,
        "arrivals_per_hour": MMC.arrivals_per_hour,
        "service_minutes": MMC.service_minutes,
        "customers": customers,
        "handlers": if general { "general" } else { "plain where the floor is" },
        "mean_wait_min": site.mean_wait_min,
        "utilization": site.utilization,
        "wall_s": wall,
        "customers_per_s": customers as f64 / wall,
    });
    println!("{out}");
}
