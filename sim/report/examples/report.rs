//! Writes the evaluation report of a results directory: `cargo run -p navbat-report
//! --example report -- RESULTS_DIR OUT_DIR`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [results, out] = args.as_slice() else {
        eprintln!("usage: report RESULTS_DIR OUT_DIR");
        return ExitCode::from(2);
    };
    match navbat_report::write_report(&PathBuf::from(results), &PathBuf::from(out)) {
        Ok(files) => {
            println!(
                "wrote {} ({} charts, {} data files)",
                files.html.display(),
                files.charts.len(),
                files.data.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
