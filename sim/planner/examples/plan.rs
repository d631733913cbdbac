//! Opens the planner window: `cargo run -p navbat-planner --example plan -- [SCENARIO]
//! [--seed N] [--screenshot FILE.png] [--frames N] [--sim-hours H]`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let options = match navbat_planner::PlanOptions::from_args(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("plan: {e}");
            return ExitCode::from(2);
        }
    };
    match navbat_planner::run(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("plan: {e}");
            ExitCode::FAILURE
        }
    }
}
