//! Printing and saving a run's results.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use miette::{IntoDiagnostic, WrapErr};
use navbat_record::{Estimate, ReplicationRecord, RunSummary, write_replication_csv};

/// The summary as an aligned text table, one row per site.
pub(crate) fn summary_table(s: &RunSummary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — seed {}, {} replications (mean ± 95 % CI half-width)",
        s.scenario, s.seed, s.replications
    );
    let _ = writeln!(
        out,
        "{:<22} {:>16} {:>16} {:>14} {:>15} {:>15} {:>13} {:>13}",
        "site",
        "arrivals",
        "served",
        "abandoned",
        "mean wait min",
        "P90 wait min",
        "utilization",
        "kiosk share"
    );
    for site in &s.sites {
        let _ = writeln!(
            out,
            "{:<22} {:>16} {:>16} {:>14} {:>15} {:>15} {:>13} {:>13}",
            site.name,
            pm(&site.arrivals, 0),
            pm(&site.served, 0),
            pm(&site.abandoned, 0),
            pm(&site.mean_wait_min, 2),
            pm(&site.p90_wait_min, 2),
            pm(&site.utilization, 3),
            pm(&site.kiosk_share, 3),
        );
    }
    out
}

fn pm(e: &Estimate, digits: usize) -> String {
    format!("{:.*} ± {:.*}", digits, e.mean, digits, e.half_width())
}

/// Writes `replications.csv` and `summary.json` into `dir`, each first to a temporary file
/// then renamed, so a failure leaves no half-written file behind.
pub(crate) fn write_run(
    dir: &Path,
    reps: &[ReplicationRecord],
    summary: &RunSummary,
) -> miette::Result<()> {
    fs::create_dir_all(dir)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot create output directory {}", dir.display()))?;
    let mut csv = Vec::new();
    write_replication_csv(&mut csv, reps).into_diagnostic()?;
    let json = serde_json::to_vec_pretty(summary).into_diagnostic()?;
    write_atomic(&dir.join("replications.csv"), &csv)?;
    write_atomic(&dir.join("summary.json"), &json)?;
    Ok(())
}

fn write_atomic(path: &Path, bytes: &[u8]) -> miette::Result<()> {
    let tmp = path.with_extension("partial");
    fs::write(&tmp, bytes)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot write {}", tmp.display()))?;
    fs::rename(&tmp, path)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot move {} into place", path.display()))
}
