//! `navbat discover LOG --out DIR`: learn the back office from a case log — successions
//! with rare ones filtered, case arrivals, processing times fitted with navbat-fit, resource
//! roles with sizes and calendars, and what could not be learned — saved as
//! `DIR/discovery.json`. (Writing `DIR/scenario.ron` and `DIR/services/*.ron` from it is not
//! done yet: the engine's service steps have no n-way branch to carry the successions.)

use std::path::PathBuf;

use clap::Args;
use miette::{IntoDiagnostic, WrapErr};
use navbat_discover::{LearnOptions, learn};

use crate::compare::read_filtered;

/// `navbat discover`'s arguments.
#[derive(Args, Debug)]
pub(crate) struct DiscoverArgs {
    /// The case log: `.xes`, `.xes.gz` or `.jsonocel`.
    log: PathBuf,
    /// Folder to write `discovery.json` into (created if absent).
    #[arg(long)]
    out: PathBuf,
    /// Keep only activities whose name starts with this prefix (repeatable).
    #[arg(long, value_name = "PREFIX")]
    activity_prefix: Vec<String>,
    /// A succession below this share of its source's successions is dropped as noise.
    #[arg(long, default_value_t = 0.02)]
    noise_threshold: f64,
}

pub(crate) fn discover(args: &DiscoverArgs) -> miette::Result<()> {
    let mut out = String::new();
    if !(0.0..1.0).contains(&args.noise_threshold) {
        miette::bail!("--noise-threshold {} is not in [0, 1)", args.noise_threshold);
    }
    let log = read_filtered(&args.log, &args.activity_prefix)?;
    let options = LearnOptions { noise_threshold: args.noise_threshold, ..LearnOptions::default() };
    let d = learn(&log, options);
    std::fs::create_dir_all(&args.out)
        .into_diagnostic()
        .wrap_err_with(|| format!("{}", args.out.display()))?;
    let path = args.out.join("discovery.json");
    let tmp = args.out.join(".discovery.json.partial");
    let text = serde_json::to_string_pretty(&d.to_json()).into_diagnostic()?;
    std::fs::write(&tmp, text + "\n")
        .into_diagnostic()
        .wrap_err_with(|| format!("{}", tmp.display()))?;
    std::fs::rename(&tmp, &path)
        .into_diagnostic()
        .wrap_err_with(|| format!("{}", path.display()))?;
    outln!(
        out,
        "{} cases, {} activities, {} roles; successions kept {}, dropped {} below {:.0} % ({} of {} transitions, {} cases)",
        d.cases,
        d.activities.len(),
        d.roles.len(),
        d.successions.len(),
        d.noise.dropped_successions,
        100.0 * d.noise.threshold,
        d.noise.dropped_transitions,
        d.noise.transitions,
        d.noise.cases_affected
    );
    for r in &d.roles {
        outln!(
            out,
            "  {}: {} members, {} h/week on duty, {}",
            r.id,
            r.members.len(),
            r.hours_per_week(),
            r.activities.join(", ")
        );
    }
    outln!(out, "not learned:");
    for s in &d.not_learned {
        outln!(out, "  - {s}");
    }
    outln!(out, "wrote {}", path.display());
    crate::emit(&out)
}
