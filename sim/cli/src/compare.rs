//! `navbat compare REAL SIM`: the seven process-simulation distances between two case logs
//! (XES, XES.gz or OCEL 2.0 JSON on either side), as `log-distance-measures` defines them.

use std::path::{Path, PathBuf};

use clap::Args;
use miette::{IntoDiagnostic, WrapErr};
use navbat_discover::{EventLog, Measure, all_measures, read_log};

/// `navbat compare`'s arguments.
#[derive(Args, Debug)]
pub(crate) struct CompareArgs {
    /// The real (reference) log: `.xes`, `.xes.gz` or `.jsonocel`.
    real: PathBuf,
    /// The log to compare with it (a simulated one), in any of the same formats.
    sim: PathBuf,
    /// Keep only activities whose name starts with this prefix, in both logs (repeatable;
    /// e.g. `--activity-prefix W_` for BPI Challenge 2012's work items).
    #[arg(long, value_name = "PREFIX")]
    activity_prefix: Vec<String>,
    /// Print one JSON object `{"measures": {NAME: value}}` instead of a table.
    #[arg(long)]
    json: bool,
}

/// Read a log and keep the activities the prefixes name (all without prefixes).
pub(crate) fn read_filtered(path: &Path, prefixes: &[String]) -> miette::Result<EventLog> {
    let log = read_log(path).into_diagnostic()?;
    Ok(if prefixes.is_empty() {
        log
    } else {
        log.filter_activities(|a| prefixes.iter().any(|p| a.starts_with(p.as_str())))
    })
}

pub(crate) fn compare(args: &CompareArgs) -> miette::Result<()> {
    let mut out = String::new();
    let real = read_filtered(&args.real, &args.activity_prefix)?;
    let sim = read_filtered(&args.sim, &args.activity_prefix)?;
    let values = all_measures(&real, &sim).into_diagnostic().wrap_err_with(|| {
        format!("comparing {} with {}", args.real.display(), args.sim.display())
    })?;
    if args.json {
        let measures: serde_json::Map<String, serde_json::Value> =
            values.iter().map(|(m, v)| (m.name().to_owned(), serde_json::json!(v))).collect();
        let json = serde_json::json!({
            "real": { "file": args.real.display().to_string(), "cases": real.cases.len(), "events": real.event_count() },
            "sim": { "file": args.sim.display().to_string(), "cases": sim.cases.len(), "events": sim.event_count() },
            "measures": measures,
        });
        outln!(out, "{json}");
    } else {
        outln!(
            out,
            "real: {} cases, {} events; sim: {} cases, {} events",
            real.cases.len(),
            real.event_count(),
            sim.cases.len(),
            sim.event_count()
        );
        for (m, v) in values {
            outln!(out, "{:<30} {}", m.name(), format_value(m, v));
        }
    }
    crate::emit(&out)
}

/// A measure's value with its unit.
pub(crate) fn format_value(m: Measure, v: f64) -> String {
    match m.unit() {
        "" => format!("{v:.4}"),
        u => format!("{v:.2} {u}"),
    }
}
