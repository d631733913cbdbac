//! `navbat calibrate`: the pilot's records (a folder, or a ticket log alone) in, a fitted
//! scenario with a comment beside every fitted block out, and the fits saved as a results
//! folder (`calibration.json`) for the calibration report.
//!
//! The fitting is `navbat_calibrate`'s; this file reads, checks and writes. The fitted
//! scenario is checked by the scenario loader before it is written, written under a hidden
//! temporary name and renamed into place, and never written over a file that is not an
//! earlier fitted scenario of navbat's.

use std::path::{Path, PathBuf};

use clap::Args;
use miette::{IntoDiagnostic, Report, WrapErr};
use navbat_records::{Log, ReadOptions, Records, Ticket};

/// The first line of every fitted scenario navbat writes: only a file starting so is
/// replaced.
const FITTED_MARK: &str = "// Fitted by navbat calibrate";

/// `navbat calibrate`'s arguments.
#[derive(Args, Debug)]
pub(crate) struct CalibrateArgs {
    /// A records folder (`tickets.csv[.gz]`, optionally `kiosks.csv[.gz]`, `roster.csv[.gz]`)
    /// or a ticket log alone.
    #[arg(long, value_name = "DIR|TICKETS.csv[.gz]")]
    records: PathBuf,
    /// Scenario whose structure and unfitted values are kept; without it the structure
    /// comes from the records and the rest takes documented defaults.
    #[arg(long, value_name = "SCENARIO")]
    base: Option<PathBuf>,
    /// Where to write the fitted scenario (RON with `// fit:` comments).
    #[arg(long, value_name = "FITTED.ron")]
    out: PathBuf,
    /// Save the fits (`calibration.json`) and the calibration report into this folder.
    #[arg(long, value_name = "DIR")]
    report: Option<PathBuf>,
    /// Skip bad rows and count them per reason (in the report) instead of stopping at the
    /// first.
    #[arg(long)]
    skip_bad_rows: bool,
    /// Accept ticket ids that repeat within a site (logs that recycle ids).
    #[arg(long)]
    allow_repeated_tickets: bool,
    /// Bootstrap replicates of each goodness-of-fit test.
    #[arg(long, default_value_t = 199)]
    bootstrap: usize,
    /// Seed of the bootstrap.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Without a roster, a desk's gap between two services of at most this many minutes
    /// counts as present.
    #[arg(long, default_value_t = 15.0)]
    gap_minutes: f64,
}

pub(crate) fn calibrate(args: &CalibrateArgs) -> miette::Result<()> {
    let started = std::time::Instant::now();
    let base = match &args.base {
        Some(path) => {
            // The base must be a valid scenario; its raw form is what gets edited.
            navbat_scenario::load(path).map_err(Report::new)?;
            let text = std::fs::read_to_string(path)
                .into_diagnostic()
                .wrap_err_with(|| format!("cannot read {}", path.display()))?;
            let raw = navbat_scenario::parse_raw(&path.display().to_string(), &text)
                .map_err(Report::new)?;
            Some(raw)
        }
        None => None,
    };
    check_out(&args.out)?;
    if let Some(dir) = &args.report {
        navbat_record::folder::check_writable(dir)
            .into_diagnostic()
            .wrap_err_with(|| format!("--report {}: cannot write there", dir.display()))?;
    }
    let options = ReadOptions {
        skip_bad_rows: args.skip_bad_rows,
        known_sites: base.as_ref().map(|b| b.sites.iter().map(|s| s.id.clone()).collect()),
        known_services: base.as_ref().map(|b| b.services.iter().map(|s| s.id.clone()).collect()),
        allow_repeated_tickets: args.allow_repeated_tickets,
    };
    let records = if args.records.is_dir() {
        Records::read(&args.records, &options)
    } else {
        Log::<Ticket>::read(&args.records, options).map(|tickets| Records {
            tickets,
            kiosks: None,
            roster: None,
        })
    }
    .into_diagnostic()
    .wrap_err_with(|| format!("--records {}", args.records.display()))?;
    let read = started.elapsed();
    let fit_options = navbat_calibrate::Options {
        replicates: args.bootstrap,
        seed: args.seed,
        gap_minutes: args.gap_minutes,
        source: args.records.display().to_string(),
        base_name: args.base.as_ref().map(|p| p.display().to_string()),
        command: std::env::args().collect::<Vec<_>>().join(" "),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        ..navbat_calibrate::Options::default()
    };
    let mut fitted = navbat_calibrate::calibrate(&records, base.as_ref(), &fit_options)
        .into_diagnostic()
        .wrap_err("calibrate")?;
    if let (Some(base_path), Some(w)) = (&args.base, fitted.scenario.workflows.as_mut()) {
        rebase_paths(w, base_path, &args.out);
    }
    let text = fitted.to_ron();
    let folder = args.out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    // Check the text exactly as it will be read back.
    navbat_scenario::from_str_at(&args.out.display().to_string(), &text, folder)
        .map_err(Report::new)
        .wrap_err("the fitted scenario does not validate (a bug in calibrate)")?;
    if let Some(dir) = &args.report {
        let json = serde_json::to_vec_pretty(&fitted.results).into_diagnostic()?;
        navbat_report::write_calibration_folder(&json, dir)
            .into_diagnostic()
            .wrap_err_with(|| format!("--report {}", dir.display()))?;
    }
    write_fitted(&args.out, &text)?;
    let r = &fitted.results;
    let skipped: u64 = r.skipped.iter().flat_map(|s| s.counts.iter().map(|c| c.1)).sum();
    eprintln!(
        "calibrated on {} tickets ({} to {}{}): {} duration fits, {} patience fits, {} sites; \
         read {:.2} s, total {:.2} s; wrote {}",
        r.tickets,
        r.period.0,
        r.period.1,
        if skipped > 0 { format!(", {skipped} bad rows skipped") } else { String::new() },
        r.durations.len(),
        r.patience.len(),
        r.arrivals.len(),
        read.as_secs_f64(),
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    Ok(())
}

/// Relative paths of the base's workflows start from the base's folder; the fitted file may
/// live elsewhere, so they are made absolute when the folders differ.
fn rebase_paths(w: &mut navbat_scenario::RawWorkflows, base: &Path, out: &Path) {
    let folder = |p: &Path| {
        p.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf()
    };
    let (from, to) = (folder(base), folder(out));
    if std::fs::canonicalize(&from).ok() == std::fs::canonicalize(&to).ok() {
        return;
    }
    let fix = |p: &str| -> String {
        if Path::new(p).is_absolute() {
            return p.to_owned();
        }
        let joined = from.join(p);
        std::fs::canonicalize(&joined).unwrap_or(joined).display().to_string()
    };
    w.services = fix(&w.services);
    if let Some(k) = &w.audit_key {
        w.audit_key = Some(fix(k));
    }
}

/// Refuses to write over a file that is not an earlier fitted scenario of navbat's.
fn check_out(out: &Path) -> miette::Result<()> {
    if out.is_dir() {
        return Err(miette::miette!("--out {}: is a folder", out.display()));
    }
    if out.exists() {
        let head = std::fs::read_to_string(out).unwrap_or_default();
        if !head.starts_with(FITTED_MARK) {
            return Err(miette::miette!(
                "--out {}: the file exists and is not a fitted scenario navbat wrote; \
                 not replaced (remove it or choose another name)",
                out.display()
            ));
        }
    }
    Ok(())
}

/// Writes `text` to a hidden sibling, syncs it and renames it into place.
fn write_fitted(out: &Path, text: &str) -> miette::Result<()> {
    use std::io::Write as _;
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp: PathBuf = out.with_file_name(format!(".{name}.partial-{}", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, out)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.into_diagnostic().wrap_err_with(|| format!("--out {}: cannot write", out.display()))
}
