//! `navbat audit`: verify an exported event log against its seal.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use miette::{IntoDiagnostic, WrapErr};
use navbat_workflow::{AuditKey, AuditReport, read_sealed_ocel, read_sealed_xes, verify_sealed};

/// `navbat audit …`.
#[derive(Args, Debug)]
pub(crate) struct AuditArgs {
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Recompute every case's hash chain from the log's entry encodings, check the events'
    /// visible attributes against them, the heads and the Merkle root; with `--key`, the
    /// heads' and the root's HMACs. Exits with 1 on any failure, naming the case and event.
    Verify {
        /// Event log written by `navbat run --event-log`: `.xes` or `.jsonocel`.
        log: PathBuf,
        /// The key file the log was sealed with. Without it only the log's self-consistency
        /// is checked: anyone can rewrite a log and recompute its hashes.
        #[arg(long, value_name = "FILE")]
        key: Option<PathBuf>,
    },
}

/// Findings printed before "… and N more".
const SHOWN: usize = 50;

/// Runs an audit command.
pub(crate) fn run(args: &AuditArgs) -> miette::Result<()> {
    match &args.command {
        AuditCommand::Verify { log, key } => verify(log, key.as_deref()),
    }
}

fn verify(log: &Path, key: Option<&Path>) -> miette::Result<()> {
    let key = key
        .map(AuditKey::read)
        .transpose()
        .into_diagnostic()
        .wrap_err("audit verify --key: cannot use the key")?;
    let text = std::fs::read_to_string(log)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read the event log {}", log.display()))?;
    let origin = log.display().to_string();
    let sealed = match log.extension().and_then(|e| e.to_str()) {
        Some("xes") => read_sealed_xes(&origin, &text),
        Some("jsonocel") => read_sealed_ocel(&origin, &text),
        _ => {
            return Err(miette::miette!(
                "audit verify {origin}: expected a file name ending in .xes or .jsonocel"
            ));
        }
    }
    .into_diagnostic()?;
    let report = verify_sealed(&sealed, key.as_ref());
    let mut out = String::new();
    for f in report.findings.iter().take(SHOWN) {
        outln!(out, "{f}");
    }
    if report.findings.len() > SHOWN {
        outln!(out, "… and {} more findings", report.findings.len() - SHOWN);
    }
    outln!(out, "{}", summary(&origin, &report));
    crate::emit(&out)?;
    if report.is_ok() {
        Ok(())
    } else {
        Err(miette::miette!("audit of {origin} failed: {} findings", report.findings.len()))
    }
}

fn summary(origin: &str, r: &AuditReport) -> String {
    let keyed = if r.keyed {
        "heads and root checked against the key"
    } else {
        "no --key: heads and root not authenticated, the log is only self-consistent"
    };
    format!(
        "{origin}: {} cases checked ({} events), {} broken, {} unauthenticated; {keyed}; {}",
        r.cases,
        r.events,
        r.broken,
        r.unauthenticated,
        if r.is_ok() { "verified" } else { "FAILED" }
    )
}
