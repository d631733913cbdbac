//! Split a case log by case start time: the earlier FRACTION of the cases to one file, the
//! rest to another (the internal split used when the held-out part of a log is not at hand).
//!
//! With a fifth file, also the naive reference for LATE (`EventLog::naive_reference`).
//!
//! `cargo run --release -p navbat-discover --example split -- LOG 0.6667 EARLY.xes.gz LATE.xes.gz NAIVE.xes.gz`

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (log, fraction, early, late, naive) = match args.as_slice() {
        [a, b, c, d] => (a, b, c, d, None),
        [a, b, c, d, e] => (a, b, c, d, Some(e)),
        _ => {
            eprintln!("usage: split LOG FRACTION EARLY.xes[.gz] LATE.xes[.gz] [NAIVE.xes[.gz]]");
            return ExitCode::FAILURE;
        }
    };
    let run = || -> Result<(), String> {
        let fraction: f64 = fraction.parse().map_err(|e| format!("FRACTION {fraction:?}: {e}"))?;
        let log = navbat_discover::read_log(&PathBuf::from(log)).map_err(|e| e.to_string())?;
        let at = log.start_quantile(fraction).ok_or("an empty log")?;
        let (a, b) = log.split_at(at);
        navbat_discover::write_xes(&a, &PathBuf::from(early)).map_err(|e| e.to_string())?;
        navbat_discover::write_xes(&b, &PathBuf::from(late)).map_err(|e| e.to_string())?;
        if let Some(naive) = naive {
            let n = a.naive_reference(&b).ok_or("no instance to shift")?;
            navbat_discover::write_xes(&n, &PathBuf::from(naive)).map_err(|e| e.to_string())?;
        }
        println!(
            "{} cases before {}, {} from then",
            a.cases.len(),
            navbat_discover::Stamp { utc_ms: at, offset_s: 0 }.to_iso(),
            b.cases.len()
        );
        Ok(())
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
