//! `navbat selfcheck [--json] [--out DIR] [--quick]`: the engine of this build against
//! queueing theory (Erlang C mean and P90, Erlang A, Cobham's priority formula, the M(t)/M/c
//! forward equations), each check with enough replications to detect a 5 % bias with power
//! 0.9 (`navbat_engine::run_selfcheck`). Prints a table, saves `DIR/selfcheck.json` for
//! `navbat run --selfcheck FILE` to cite, and exits with an error when a check fails.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use miette::{IntoDiagnostic, WrapErr};
use navbat_engine::{SelfcheckDesign, run_selfcheck};
use navbat_record::{SELFCHECK_FORMAT, SelfcheckFile};

/// `navbat selfcheck`'s arguments.
#[derive(Args, Debug)]
pub(crate) struct SelfcheckArgs {
    /// Print one JSON object (what `selfcheck.json` holds) instead of the table.
    #[arg(long)]
    json: bool,
    /// Folder to write `selfcheck.json` into (created if absent).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Shorter runs that detect a 15 % bias (instead of 5 %) with power 0.9: a first look,
    /// and what the tests run.
    #[arg(long)]
    quick: bool,
    /// Master seed of the replications.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
}

pub(crate) fn selfcheck(args: &SelfcheckArgs) -> miette::Result<()> {
    let design = if args.quick { SelfcheckDesign::quick() } else { SelfcheckDesign::full() };
    let pool = crate::thread_pool(args.threads)?;
    let started = Instant::now();
    let quiet = args.json;
    let file = pool
        .install(|| {
            run_selfcheck(&design, args.seed, &|name| {
                if !quiet {
                    eprintln!("selfcheck: {name}");
                }
            })
        })
        .map_err(|e| miette::miette!("{e}"))?;
    let elapsed = started.elapsed();
    let text = serde_json::to_string_pretty(&file).into_diagnostic()? + "\n";
    if let Some(dir) = &args.out {
        write_file(dir, &text)?;
    }
    if args.json {
        crate::emit(&text)?;
    } else {
        let mut out = table(&file);
        outln!(out, "{:.1} s", elapsed.as_secs_f64());
        if let Some(dir) = &args.out {
            outln!(out, "wrote {}", dir.join("selfcheck.json").display());
        }
        crate::emit(&out)?;
    }
    if file.passed() {
        Ok(())
    } else {
        Err(miette::miette!(
            help = "a failed check means this build's engine disagrees with queueing theory \
                    beyond chance (or did not reach the power): report it with the output",
            "selfcheck failed: {}",
            file.failed().join(", ")
        ))
    }
}

/// The table `navbat selfcheck` prints.
fn table(file: &SelfcheckFile) -> String {
    let mut out = String::new();
    let level = file.checks.first().map_or(0.95, |c| c.level);
    outln!(
        out,
        "navbat {} selfcheck ({}): each check detects a {:.0} % bias with power >= {:.2}; \
         intervals at {:.2} % each, {:.0} % for the {} together (Bonferroni)",
        file.version,
        file.mode,
        100.0 * file.relative_bias,
        file.target_power,
        100.0 * level,
        100.0 * (1.0 - file.family_alpha),
        file.checks.len()
    );
    outln!(
        out,
        "{:<22} {:>10} {:>10} {:>23} {:>10} {:>5} {:>6}  pass",
        "check",
        "theory",
        "estimate",
        "interval",
        "tolerance",
        "reps",
        "power"
    );
    for c in &file.checks {
        outln!(
            out,
            "{:<22} {:>10.4} {:>10.4} {:>23} {:>10.4} {:>5} {:>6.3}  {}",
            c.name,
            c.theory,
            c.estimate,
            format!("[{:.4}, {:.4}]", c.ci_low, c.ci_high),
            c.detectable_bias,
            c.replications,
            c.power,
            if c.passed { "yes" } else { "NO" }
        );
    }
    for c in &file.checks {
        outln!(out, "  {}: {} ({}); {}", c.name, c.what, c.unit, c.theory_source);
    }
    out
}

/// Writes `text` as `dir/selfcheck.json` through a temporary name.
fn write_file(dir: &Path, text: &str) -> miette::Result<()> {
    std::fs::create_dir_all(dir)
        .into_diagnostic()
        .wrap_err_with(|| format!("{}", dir.display()))?;
    let path = dir.join("selfcheck.json");
    let tmp = dir.join(".selfcheck.json.partial");
    std::fs::write(&tmp, text).into_diagnostic().wrap_err_with(|| format!("{}", tmp.display()))?;
    std::fs::rename(&tmp, &path).into_diagnostic().wrap_err_with(|| format!("{}", path.display()))
}

/// Reads a `selfcheck.json` for `navbat run --selfcheck FILE`: of this layout, with checks.
pub(crate) fn read(path: &Path) -> miette::Result<SelfcheckFile> {
    let text = std::fs::read_to_string(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read {}", path.display()))?;
    let file: SelfcheckFile = serde_json::from_str(&text).map_err(|e| {
        miette::miette!("{}:{}:{}: not a selfcheck.json: {e}", path.display(), e.line(), e.column())
    })?;
    if file.format != SELFCHECK_FORMAT {
        miette::bail!(
            "{}: selfcheck.json of layout {}, this navbat reads layout {SELFCHECK_FORMAT}: run \
             navbat selfcheck again",
            path.display(),
            file.format
        );
    }
    if file.checks.is_empty() {
        miette::bail!("{}: a selfcheck.json without checks", path.display());
    }
    Ok(file)
}
