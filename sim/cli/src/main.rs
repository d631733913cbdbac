//! `navbat`: the command line of the migration-station twin.

/// `writeln!` into a `String`, which cannot fail: text gathered for [`emit`] to print at once,
/// so that a closed pipe is an error and not a panic.
macro_rules! outln {
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _writing_to_a_string_cannot_fail = writeln!($out, $($arg)*);
    }};
}

mod audit;
mod calibrate;
mod compare;
mod discover;
mod discovered;
mod merge;
mod optimise;
mod output;
mod precision;
mod records;
mod select;
mod selfcheck;
mod sensitivity;
mod shard;
mod sweep;
mod timing;
mod validate_log;
mod validate_twin;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};
use miette::{IntoDiagnostic, Report, WrapErr};
use navbat_engine::{
    Model, QueueSpec, RowTap, Simulation, erlang_c_mean_wait, erlang_c_wait_quantile,
    queue_scenario, run_models, run_models_tapped, without_kiosks,
};
use navbat_record::{RunSummary, SweepPoint, SweepSummary};
use navbat_scenario::Override;

/// navbat: a digital twin of Uzbekistan's smart migration stations.
#[derive(Parser, Debug)]
#[command(name = "navbat", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Simulate a scenario's horizon, with replications, and summarise the KPIs.
    Run(RunArgs),
    /// Staffing calculator: one always-open queue with Poisson arrivals.
    Queue(QueueArgs),
    /// Run a grid of scenario variants (a sweep file), each with replications and optionally
    /// its no-kiosk baseline.
    Sweep(SweepArgs),
    /// Write the evaluation report (HTML, Markdown, charts, data) of a run saved with
    /// `navbat run --baseline --out DIR`.
    Report {
        /// Folder written by `navbat run --baseline --out`.
        results: PathBuf,
        /// Where to write the report (replaced whole if it holds an earlier report).
        #[arg(long, default_value = "reports/latest")]
        out: PathBuf,
    },
    /// Open the planner's window on a scenario (needs the `window` feature).
    Plan(PlanArgs),
    /// Put the folders of a run's or a sweep's shards together into the results folder one
    /// machine would have written (`--first-replication`, `--shard`).
    Merge(merge::MergeArgs),
    /// Choose sites, kiosk counts and floor assistants within a capital budget for the most
    /// yearly net benefit, with the twin as the judge.
    Optimise(optimise::OptimiseArgs),
    /// Verify an exported, sealed event log (`navbat audit verify LOG [--key FILE]`).
    Audit(audit::AuditArgs),
    /// Fit a scenario to the pilot's records (ticket log, kiosk log, roster): every fitted
    /// block replaced and commented, the fits saved for the calibration report.
    Calibrate(calibrate::CalibrateArgs),
    /// The seven process-simulation distances between two case logs (XES, XES.gz or OCEL
    /// 2.0 JSON): control flow, 3-grams, absolute, circadian and relative events, cycle times
    /// and case arrivals.
    Compare(compare::CompareArgs),
    /// Learn a back office from a case log: successions (rare ones filtered, reported), case
    /// arrivals, fitted processing times, resource roles with calendars, what was not learned.
    Discover(discover::DiscoverArgs),
    /// Judge a fitted scenario on records of another period, per hour of the week, beside
    /// the calibration period's profile and Erlang A.
    ValidateTwin(validate_twin::ValidateTwinArgs),
    /// Put this build's engine against queueing theory (Erlang C mean and P90, Erlang A,
    /// Cobham's priority formula, a time-varying M(t)/M/c), each check with the replications
    /// to detect a 5 % bias with power 0.9; saves `selfcheck.json` for `run --selfcheck`.
    Selfcheck(selfcheck::SelfcheckArgs),
    /// Screen the scenario's estimated parameters (its `sensitivity` block) by Morris's
    /// elementary effects, as `run --sensitivity` does, and save `screening.json`.
    Sensitivity(sensitivity::SensitivityArgs),
    /// Check a scenario file and print what it holds.
    Validate {
        /// Scenario file (RON).
        scenario: PathBuf,
    },
}

#[derive(Args, Debug)]
struct RunArgs {
    /// Scenario file (RON).
    scenario: PathBuf,
    /// Master seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Independent replications.
    #[arg(long, default_value_t = DEFAULT_REPLICATIONS, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    replications: u32,
    /// Choose the number of replications by precision: run until each pilot site's mean
    /// wait and officer busy hours have a 95 % half-width within γ/(1+γ) of the mean (Law &
    /// Kelton's sequential procedure; 0.05 = ±5 %), from 3 replications up to
    /// `--max-replications`.
    #[arg(long, value_name = "GAMMA", value_parser = precision_value, conflicts_with_all = ["replications", "first_replication"])]
    precision: Option<f64>,
    /// The cap of `--precision`: the most replications it may run.
    #[arg(long, default_value_t = 50, requires = "precision", value_parser = clap::value_parser!(u32).range(3..=100_000))]
    max_replications: u32,
    /// Run replications K, K+1, … (`--replications` of them) as one shard of a larger run:
    /// `--out` then writes a shard folder for `navbat merge`. Replication numbers key the
    /// random streams, so replication K is the same wherever it runs.
    #[arg(long, value_name = "K", conflicts_with_all = ["expansion", "report", "event_log", "records"])]
    first_replication: Option<u32>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
    /// Directory for per-replication CSV and the JSON summary.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print the summary as one JSON object instead of a table.
    #[arg(long)]
    json: bool,
    /// Change the scenario before running: `path=value`, e.g. `sites.urgut.kiosks.k.count=4`
    /// (repeatable; lists are entered by id, index or `*`).
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_override)]
    sets: Vec<Override>,
    /// Also run the same sites without kiosks, with common random numbers, and report the
    /// paired differences (pilot minus baseline).
    #[arg(long)]
    baseline: bool,
    /// Write the evaluation report into this folder (implies `--baseline`, and
    /// `--expansion` when the scenario names candidate sites; the run's files go to `--out`,
    /// or beside the report in `DIR.results`).
    #[arg(long)]
    report: Option<PathBuf>,
    /// A `selfcheck.json` written by `navbat selfcheck --out DIR`: saved with the results
    /// (needs `--out` or `--report`), where the report's method section cites it.
    #[arg(long, value_name = "FILE", conflicts_with = "first_replication")]
    selfcheck: Option<PathBuf>,
    /// Also run the expansion experiment on the scenario's candidate sites: each with 0 to
    /// `--max-kiosks` kiosks, and the proposal's sensitivity to demand, adoption, kiosk
    /// success and session length (written to `expansion.csv` and `sensitivity.csv`).
    #[arg(long)]
    expansion: bool,
    /// Most kiosks tried per candidate site.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=20))]
    max_kiosks: u32,
    /// Indifference zone of the expansion's selection, in the scenario's currency a year:
    /// plans whose net benefits differ by less are equally good (default: a quarter of one
    /// kiosk's yearly cost).
    #[arg(long, value_name = "AMOUNT", value_parser = positive)]
    indifference: Option<f64>,
    /// Probability that every candidate site's selected kiosk count is right (within the
    /// indifference zone), jointly.
    #[arg(long, default_value_t = 0.95, value_parser = precision_value)]
    pcs: f64,
    /// Replications of the selection's first stage (then one at a time, to 50).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(2..=50))]
    select_first_stage: u32,
    /// Fresh replications that re-estimate the selected plans against no kiosks.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(2..=10_000))]
    confirm_replications: u32,
    /// Replications of each expansion variant (default: `--replications`, at most 5).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    expansion_replications: Option<u32>,
    /// Export the case workflows of replication 0 as an event log: `FILE.xes` (XES,
    /// streamed) or `FILE.jsonocel` (OCEL 2.0 JSON, built in memory).
    #[arg(long, value_name = "FILE")]
    event_log: Option<PathBuf>,
    /// Key file (at least 32 bytes) for the event log's head HMACs; overrides the
    /// scenario's `workflows.audit_key`.
    #[arg(long, value_name = "FILE", requires = "event_log")]
    audit_key: Option<PathBuf>,
    #[command(flatten)]
    records: records::RecordsArgs,
    /// Also screen the scenario's estimated parameters (its `sensitivity` block) by Morris's
    /// elementary effects with common random numbers, on the pilot sites over a shortened
    /// horizon, and re-run the strongest at their ends (`screening.json`; needs `--out` or
    /// `--report`).
    #[arg(long, conflicts_with = "first_replication")]
    sensitivity: bool,
    /// Morris trajectories r of the screening (each moves every factor once).
    #[arg(long, default_value_t = sensitivity::TRAJECTORIES, value_parser = clap::value_parser!(u32).range(2..=100))]
    sensitivity_trajectories: u32,
    /// Days simulated at each screening point, from the scenario's first day.
    #[arg(long, default_value_t = sensitivity::DAYS, value_parser = clap::value_parser!(u32).range(7..=366))]
    sensitivity_days: u32,
    /// Replications at each screening point (the same numbers at every point).
    #[arg(long, default_value_t = sensitivity::REPLICATIONS, value_parser = clap::value_parser!(u32).range(1..=100))]
    sensitivity_replications: u32,
    /// Factors re-run at their low and high ends.
    #[arg(long, default_value_t = sensitivity::STRONGEST, value_parser = clap::value_parser!(u32).range(0..=50))]
    sensitivity_strongest: u32,
    /// Replications of each end run (and of the scenario as written beside them).
    #[arg(long, default_value_t = sensitivity::END_REPLICATIONS, value_parser = clap::value_parser!(u32).range(2..=1000))]
    sensitivity_end_replications: u32,
    /// Print each phase's wall-clock and CPU seconds to stderr (replications, expansion,
    /// selection and confirmation, sensitivity, files, report).
    #[arg(long)]
    timings: bool,
}

#[derive(Args, Debug)]
struct PlanArgs {
    /// Scenario file (RON).
    #[arg(default_value = "scenarios/pilot-2026.ron")]
    scenario: PathBuf,
    /// Seed of the live replication.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Save a screenshot to this PNG and exit.
    #[arg(long)]
    screenshot: Option<PathBuf>,
    /// Frames to render before the screenshot (default 60); without a screenshot, exit after
    /// this many frames (default: run until the window is closed).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    frames: Option<u32>,
    /// Simulated hours to advance before the screenshot.
    #[arg(long, default_value_t = 0.0, value_parser = non_negative)]
    sim_hours: f64,
}

#[derive(Args, Debug)]
struct SweepArgs {
    /// Sweep file (RON): scenario, replications, seed, baseline, axes.
    sweep: PathBuf,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
    /// Directory for `sweep.csv` (one row per point, replication and site) and `summary.json`.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print the summary as one JSON object.
    #[arg(long)]
    json: bool,
    /// Run only shard I of N (numbered from 0) of the sweep's evaluations, dealt in turn
    /// from the list of every point's and baseline's replications; needs `--out`, where it
    /// writes a shard folder for `navbat merge`.
    #[arg(long, value_name = "I/N", value_parser = shard::Shard::parse, requires = "out")]
    shard: Option<shard::Shard>,
}

/// Most replications the expansion's selection gives any plan.
const SELECT_CAP: u32 = 50;

/// Replications of a run when `--replications` is not given.
const DEFAULT_REPLICATIONS: u32 = 10;

pub(crate) fn parse_override(s: &str) -> Result<Override, String> {
    Override::parse(s).map_err(|e| e.to_string())
}

#[derive(Args, Debug)]
struct QueueArgs {
    /// Arrivals per hour.
    #[arg(long, value_parser = positive)]
    arrivals_per_hour: f64,
    /// Mean service time, minutes.
    #[arg(long, value_parser = positive)]
    service_minutes: f64,
    /// Officers serving the one line.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    servers: u32,
    /// Coefficient of variation of service time (1 = exponential, 0 = constant).
    #[arg(long, default_value_t = 1.0, value_parser = non_negative)]
    service_cv: f64,
    /// Customers to simulate; the first 10 % are warm-up.
    #[arg(long, default_value_t = 200_000, value_parser = clap::value_parser!(u64).range(10..=1_000_000_000))]
    customers: u64,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

fn precision_value(s: &str) -> Result<f64, String> {
    let x: f64 = s.parse().map_err(|e| format!("{s:?}: {e}"))?;
    if x.is_finite() && x > 0.0 && x < 1.0 {
        Ok(x)
    } else {
        Err(format!("expected a relative half-width between 0 and 1 (0.05 = ±5 %), found {s}"))
    }
}

fn positive(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(format!("expected a finite number > 0, found {s:?}")),
    }
}

fn non_negative(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
        _ => Err(format!("expected a finite number >= 0, found {s:?}")),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run(args),
        Command::Queue(args) => queue(&args),
        Command::Sweep(args) => sweep::sweep(&args),
        Command::Plan(args) => plan(args),
        Command::Report { results, out } => report(&results, &out),
        Command::Validate { scenario } => validate(&scenario),
        Command::Audit(args) => audit::run(&args),
        Command::Merge(args) => merge::merge(&args),
        Command::Optimise(args) => optimise::optimise(&args),
        Command::Calibrate(args) => calibrate::calibrate(&args),
        Command::ValidateTwin(args) => validate_twin::validate_twin(&args),
        Command::Compare(args) => compare::compare(&args),
        Command::Discover(args) => discover::discover(&args),
        Command::Selfcheck(args) => selfcheck::selfcheck(&args),
        Command::Sensitivity(args) => sensitivity::sensitivity(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of standard output has gone (`navbat … | head -1`): stop quietly.
        Err(report) if report.downcast_ref::<ClosedPipe>().is_some() => ExitCode::SUCCESS,
        Err(report) => {
            eprintln!("{report:?}");
            ExitCode::from(1)
        }
    }
}

/// Standard output was closed by its reader.
#[derive(Debug)]
struct ClosedPipe;

impl std::fmt::Display for ClosedPipe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("standard output was closed")
    }
}

impl std::error::Error for ClosedPipe {}

impl miette::Diagnostic for ClosedPipe {}

/// Writes `text` to standard output; a closed pipe is [`ClosedPipe`], not a panic.
pub(crate) fn emit(text: &str) -> miette::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Report::new(ClosedPipe)),
        Err(e) => Err(e).into_diagnostic().wrap_err("cannot write to standard output"),
    }
}

fn load(path: &std::path::Path) -> miette::Result<navbat_scenario::Scenario> {
    navbat_scenario::load(path).map_err(Report::new)
}

/// The event-log format a file name asks for.
fn event_log_format(path: &std::path::Path) -> miette::Result<output::LogFormat> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("xes") => Ok(output::LogFormat::Xes),
        Some("jsonocel") => Ok(output::LogFormat::Ocel),
        _ => Err(miette::miette!(
            "--event-log {}: expected a file name ending in .xes or .jsonocel",
            path.display()
        )),
    }
}

pub(crate) fn thread_pool(threads: Option<u32>) -> miette::Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.map_or(0, |t| t as usize))
        .build()
        .into_diagnostic()
        .wrap_err("cannot start worker threads")
}

/// A progress bar on stderr when it is a terminal and there is more than one job.
fn progress(jobs: u64, message: &str) -> Option<indicatif::ProgressBar> {
    (std::io::stderr().is_terminal() && jobs > 1).then(|| {
        let bar = indicatif::ProgressBar::new(jobs);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} [{bar:30}] {pos}/{len} replications, {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_message(message.to_owned());
        bar
    })
}

/// Refuses results that the engine's run-time guard cut short: their figures would cover
/// only part of the horizon.
pub(crate) fn no_fault<'a>(
    runs: impl IntoIterator<Item = &'a navbat_record::ReplicationRecord>,
    what: &str,
) -> miette::Result<()> {
    match runs.into_iter().find_map(|r| r.fault.as_ref().map(|f| (r.replication, f))) {
        None => Ok(()),
        Some((r, fault)) => Err(miette::miette!(
            help = "check the scenario's volumes, capacities and timers (navbat validate \
                    catches most); nothing was written",
            "{what}, replication {r}: {fault}"
        )),
    }
}

/// Runs `models` (each `replications` times, same seed) on `pool` with a progress bar.
fn run_all(
    pool: &rayon::ThreadPool,
    models: &[std::sync::Arc<Model>],
    seed: u64,
    replications: u32,
    label: &str,
    tap: Option<RowTap>,
) -> Vec<Vec<navbat_record::ReplicationRecord>> {
    let bar = progress(models.len() as u64 * u64::from(replications), label);
    let runs = pool.install(|| {
        let on_done = || {
            if let Some(b) = &bar {
                b.inc(1);
            }
        };
        run_models_tapped(models, seed, replications, &on_done, tap)
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    runs
}

/// Runs replications `first..first + count` of every model on `pool` (a shard of a run),
/// grouped by model like [`run_all`].
fn run_range(
    pool: &rayon::ThreadPool,
    models: &[std::sync::Arc<Model>],
    seed: u64,
    first: u32,
    count: u32,
    label: &str,
) -> Vec<Vec<navbat_record::ReplicationRecord>> {
    let units: Vec<navbat_engine::Unit> = (0..models.len())
        .flat_map(|model| {
            (first..first + count)
                .map(move |replication| navbat_engine::Unit { model, replication })
        })
        .collect();
    let bar = progress(units.len() as u64, label);
    let records = pool.install(|| {
        navbat_engine::run_units(models, seed, &units, &|| {
            if let Some(b) = &bar {
                b.inc(1);
            }
        })
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let mut it = records.into_iter();
    (0..models.len()).map(|_| it.by_ref().take(count as usize).collect()).collect()
}

fn report(results: &std::path::Path, out: &std::path::Path) -> miette::Result<()> {
    let files = navbat_report::write_report(results, out).map_err(|e| miette::miette!("{e}"))?;
    eprintln!(
        "report written: {} ({} charts, {} data files)",
        files.html.display(),
        files.charts.len(),
        files.data.len()
    );
    Ok(())
}

fn run(mut args: RunArgs) -> miette::Result<()> {
    let log_format = args.event_log.as_deref().map(event_log_format).transpose()?;
    if args.report.is_some() {
        args.baseline = true;
        args.expansion = true;
        if args.out.is_none() {
            args.out =
                args.report.as_ref().map(|r| PathBuf::from(format!("{}.results", r.display())));
        }
    }
    if args.sensitivity && args.out.is_none() {
        return Err(miette::miette!(
            "--sensitivity: the screening is saved with the results; give --out DIR or --report DIR"
        ));
    }
    check_outputs(&args)?;
    if args.selfcheck.is_some() && args.out.is_none() {
        miette::bail!("--selfcheck saves the self-check with the results: give --out or --report");
    }
    let selfcheck = args.selfcheck.as_deref().map(selfcheck::read).transpose()?;
    let scenario = navbat_scenario::load_with(&args.scenario, &args.sets).map_err(Report::new)?;
    let name = scenario.name.clone();
    let mut models = vec![Model::new(scenario.clone())];
    if args.baseline {
        models.push(Model::new(without_kiosks(&scenario)));
    }
    let pool = thread_pool(args.threads)?;
    let mut recording = args.records.start(&scenario, args.replications)?;
    let mut phases = timing::Phases::start(args.timings);
    let started = Instant::now();
    let tap = recording.as_mut().and_then(records::Recording::tap);
    let mut stop = None;
    let mut runs = match (args.precision, args.first_replication) {
        (Some(target), _) => {
            let mut tap = tap;
            let (runs, s) = precision::run_to_precision(
                &scenario,
                target,
                args.max_replications,
                precision::STEP,
                |first, count| {
                    if first == 0 {
                        run_all(&pool, &models, args.seed, count, &name, tap.take())
                    } else {
                        run_range(&pool, &models, args.seed, first, count, &name)
                    }
                },
            );
            args.replications = runs.first().map_or(0, |r| u32::try_from(r.len()).unwrap_or(0));
            stop = Some(s);
            runs
        }
        (None, None) => run_all(&pool, &models, args.seed, args.replications, &name, tap),
        (None, Some(first)) => {
            run_range(&pool, &models, args.seed, first, args.replications, &name)
        }
    };
    if let Err(fault) = no_fault(runs.iter().flatten(), &name) {
        if let Some(recording) = recording {
            recording.abandon();
        }
        return Err(fault);
    }
    if let Some(recording) = recording {
        recording.finish()?;
    }
    let elapsed = started.elapsed();
    phases.lap(if stop.is_some() { "replications (--precision)" } else { "replications" });
    let baseline = if args.baseline { runs.pop() } else { None };
    let reps = runs.pop().unwrap_or_default();
    let expansion = if args.expansion && !scenario.candidates.is_empty() {
        let r = args.expansion_replications.unwrap_or(args.replications.min(5));
        let bar = progress(u64::from(r) * (u64::from(args.max_kiosks) + 19), "expansion");
        let e = pool.install(|| {
            navbat_engine::run_expansion(&scenario, args.seed, r, args.max_kiosks, &|| {
                if let Some(b) = &bar {
                    b.inc(1);
                }
            })
        });
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        phases.lap("expansion grid");
        Some(e)
    } else {
        None
    };
    let selected = match (&expansion, &scenario.economics) {
        (Some(_), Some(e)) => {
            let settings = select::Settings {
                indifference: args.indifference.unwrap_or(e.kiosk_per_year() / 4.0),
                pcs: args.pcs,
                first_stage: args.select_first_stage,
                max_replications: SELECT_CAP,
                confirm: args.confirm_replications,
                max_kiosks: args.max_kiosks,
            };
            let s = pool
                .install(|| select::select_expansion(&scenario, args.seed, settings))
                .map_err(|e| miette::miette!("{e}"))?;
            phases.lap("selection and confirmation");
            Some(s)
        }
        _ => None,
    };
    let screening = if args.sensitivity {
        let settings = sensitivity::Settings {
            trajectories: args.sensitivity_trajectories,
            levels: sensitivity::LEVELS,
            horizon_days: args.sensitivity_days,
            replications: args.sensitivity_replications,
            strongest: args.sensitivity_strongest as usize,
            end_replications: args.sensitivity_end_replications,
        };
        let s = sensitivity::screen(&args.scenario, &args.sets, args.seed, settings, &pool)?;
        eprintln!(
            "sensitivity: {} factors, {} points ({} simulated), {} end runs in {:.1} s",
            s.factors.len(),
            s.points,
            s.points_simulated,
            1 + 2 * s.strongest.len(),
            s.seconds
        );
        phases.lap("sensitivity");
        Some(s)
    } else {
        None
    };
    if let (Some(file), Some(format)) = (&args.event_log, log_format) {
        let model = models.first().cloned().ok_or_else(|| miette::miette!("no model"))?;
        output::write_event_log(file, format, model, args.seed, args.audit_key.as_deref())?;
    }
    let mut summary = RunSummary::from_replications(&name, args.seed, &reps);
    if let Some(base) = &baseline {
        summary = summary.with_baseline(&reps, base);
    }
    if let Some(dir) = &args.out {
        let meta = output::RunMeta {
            scenario_text: simulated_text(&args.scenario, &args.sets)?,
            scenario_file: args.scenario.display().to_string(),
            seed: args.seed,
            replications: args.replications,
            baseline: args.baseline,
            overrides: args.sets.iter().map(ToString::to_string).collect(),
            precision: stop.clone(),
        };
        match args.first_replication {
            None => output::write_run(
                dir,
                &reps,
                baseline.as_deref(),
                expansion.as_ref(),
                &summary,
                &meta,
                &scenario,
                selected.as_ref(),
                selfcheck.as_ref(),
                screening.as_ref(),
            )?,
            Some(first) => {
                output::write_run_shard(dir, &reps, baseline.as_deref(), &meta, &scenario, first)?;
            }
        }
        phases.lap("results written");
        if let Some(report_dir) = &args.report {
            report(dir, report_dir)?;
            phases.lap("report");
        }
    }
    phases.total();
    if args.json {
        emit(&format!("{}\n", serde_json::to_string(&summary).into_diagnostic()?))?;
    } else {
        emit(&output::summary_table(&summary))?;
        if let Some(s) = &stop {
            eprintln!(
                "--precision {}: {} replications, worst relative half-width {:.4} (stop at {:.4}){}",
                s.target,
                args.replications,
                s.reached,
                s.adjusted,
                if s.capped { ", capped: precision not reached" } else { "" }
            );
        }
        let events: u64 = reps.iter().chain(baseline.iter().flatten()).map(|r| r.events).sum();
        eprintln!(
            "{} replications, {} events in {:.2} s ({:.1} M events/s)",
            reps.len() + baseline.as_ref().map_or(0, Vec::len),
            events,
            elapsed.as_secs_f64(),
            events as f64 / elapsed.as_secs_f64().max(1e-9) / 1e6
        );
    }
    Ok(())
}

/// Checks, before anything is simulated, that every output of `run` can be written: the
/// results and report folders are apart, each is absent, empty or an earlier folder of
/// navbat's and nothing else, and their parents take new files; the event log's folder exists.
fn check_outputs(args: &RunArgs) -> miette::Result<()> {
    use navbat_record::folder;
    if args.replications > navbat_scenario::MAX_REPLICATIONS {
        return Err(miette::miette!(
            "--replications {}: at most {} replications a run",
            args.replications,
            navbat_scenario::MAX_REPLICATIONS
        ));
    }
    if let Some(first) = args.first_replication
        && u64::from(first) + u64::from(args.replications)
            > u64::from(navbat_scenario::MAX_REPLICATIONS)
    {
        return Err(miette::miette!(
            "--first-replication {first} --replications {}: a run has at most {} replications,              numbered 0 to {}",
            args.replications,
            navbat_scenario::MAX_REPLICATIONS,
            navbat_scenario::MAX_REPLICATIONS - 1
        ));
    }
    let folders = [("--out", args.out.as_deref()), ("--report", args.report.as_deref())];
    if let (Some(out), Some(report)) = (&args.out, &args.report) {
        folder::check_apart(report, out).into_diagnostic().wrap_err(
            "--report and --out name the same folder, or one holds the other: the report would \
             replace the run's own results",
        )?;
    }
    for (flag, dir) in folders {
        if let Some(dir) = dir {
            folder::check_writable(dir)
                .into_diagnostic()
                .wrap_err_with(|| format!("{flag} {}: cannot write there", dir.display()))?;
        }
    }
    if let Some(log) = &args.event_log {
        let parent = match log.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !parent.is_dir() {
            return Err(miette::miette!(
                "--event-log {}: the folder {} does not exist",
                log.display(),
                parent.display()
            ));
        }
        if log.is_dir() {
            return Err(miette::miette!("--event-log {}: is a folder, not a file", log.display()));
        }
    }
    Ok(())
}

/// The text of the scenario as simulated: the file itself, or with overrides its RON form
/// (which loads to the same scenario).
pub(crate) fn simulated_text(path: &std::path::Path, sets: &[Override]) -> miette::Result<String> {
    let text = std::fs::read_to_string(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read {}", path.display()))?;
    if sets.is_empty() {
        return Ok(text);
    }
    let file = path.display().to_string();
    let raw = navbat_scenario::parse_raw(&file, &text).map_err(Report::new)?;
    let changed = navbat_scenario::apply_overrides(&raw, sets).map_err(|problem| {
        Report::new(navbat_scenario::ScenarioError::Override { file, problem })
    })?;
    Ok(navbat_scenario::to_ron(&changed))
}

fn queue(args: &QueueArgs) -> miette::Result<()> {
    let spec = QueueSpec {
        arrivals_per_hour: args.arrivals_per_hour,
        service_minutes: args.service_minutes,
        servers: args.servers,
        service_cv: args.service_cv,
    };
    let model = Model::new(queue_scenario(&spec).map_err(Report::new)?);
    // The calculator's scenario has a fixed horizon; at a low rate it holds fewer arrivals
    // than asked for, and a run cut short there would report on fewer customers. Refuse
    // unless the horizon holds the customers with room to spare (five standard deviations of
    // the Poisson count).
    let hours = f64::from(model.scenario.days()) * 24.0;
    let expected = args.arrivals_per_hour * hours;
    let enough = expected - 5.0 * expected.sqrt();
    if args.customers as f64 > enough {
        return Err(miette::miette!(
            help = format!(
                "ask for at most {} customers (--customers), or a higher --arrivals-per-hour",
                enough.max(0.0).floor()
            ),
            "--customers {}: at {} arrivals an hour, the calculator's horizon of {} days holds \
             about {expected:.0} arrivals, not enough for {} customers",
            args.customers,
            args.arrivals_per_hour,
            model.scenario.days(),
            args.customers
        ));
    }
    let started = Instant::now();
    let record =
        Simulation::with_arrival_limit(model, args.seed, 0, args.customers, args.customers / 10)
            .finish();
    no_fault([&record], "the queue")?;
    let elapsed = started.elapsed();
    let site = &record.sites[0];
    let lambda = args.arrivals_per_hour / 60.0;
    let mu = 1.0 / args.service_minutes;
    let exponential = args.service_cv == 1.0;
    let erlang_mean = exponential.then(|| erlang_c_mean_wait(lambda, mu, args.servers)).flatten();
    let erlang_p90 =
        exponential.then(|| erlang_c_wait_quantile(lambda, mu, args.servers, 0.9)).flatten();
    let offered = lambda / (mu * f64::from(args.servers));
    if args.json {
        let out = serde_json::json!({
            "customers": args.customers,
            "counted_customers": site.served,
            "mean_wait_min": site.mean_wait_min,
            "p90_wait_min": site.p90_wait_min,
            "utilization": site.utilization,
            "offered_utilization": offered,
            "erlang_c_mean_wait_min": erlang_mean,
            "erlang_c_p90_wait_min": erlang_p90,
            "events": record.events,
            "seed": args.seed,
        });
        emit(&format!("{out}\n"))?;
    } else {
        use std::fmt::Write as _;
        let mut t = String::new();
        let _ =
            writeln!(t, "customers            {} ({} after warm-up)", args.customers, site.served);
        let _ = writeln!(t, "offered utilization  {offered:.3}");
        let _ = writeln!(t, "simulated utilization {:.3}", site.utilization);
        let _ = writeln!(t, "mean wait            {:.2} min", site.mean_wait_min);
        let _ = writeln!(t, "P90 wait             {:.2} min", site.p90_wait_min);
        let _ = match erlang_mean {
            Some(w) => writeln!(t, "Erlang C mean wait   {w:.2} min"),
            None if !exponential => {
                writeln!(t, "Erlang C mean wait   n/a (service not exponential)")
            }
            None => writeln!(
                t,
                "Erlang C mean wait   n/a (offered load >= 1: the line grows without end)"
            ),
        };
        if let Some(p) = erlang_p90 {
            let _ = writeln!(t, "Erlang C P90 wait    {p:.2} min");
        }
        emit(&t)?;
        eprintln!(
            "{} events in {:.3} s ({:.0} customers/s)",
            record.events,
            elapsed.as_secs_f64(),
            args.customers as f64 / elapsed.as_secs_f64().max(1e-9)
        );
    }
    Ok(())
}

#[cfg(feature = "window")]
fn plan(args: PlanArgs) -> miette::Result<()> {
    let frames = args.frames.unwrap_or(if args.screenshot.is_some() { 60 } else { 0 });
    navbat_planner::run(navbat_planner::PlanOptions {
        scenario: args.scenario,
        seed: args.seed,
        screenshot: args.screenshot,
        frames,
        sim_hours: args.sim_hours,
        suggest: false,
    })
    .map_err(|e| miette::miette!("{e}"))
}

#[cfg(not(feature = "window"))]
fn plan(args: PlanArgs) -> miette::Result<()> {
    let _ = args;
    Err(miette::miette!(
        help = "run `cargo run --features window -- plan` (the first build of the window takes about 20 minutes)",
        "this navbat was built without the planner window"
    ))
}

fn validate(path: &std::path::Path) -> miette::Result<()> {
    let scenario = load(path)?;
    let model = Model::new(scenario);
    let sc = &model.scenario;
    use std::fmt::Write as _;
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{}: {} to {} ({} days, {} warm-up), {} sites, {} services, {} segments, {} holidays",
        sc.name,
        sc.start,
        sc.end,
        sc.days(),
        sc.warm_up_days,
        sc.sites.len(),
        sc.services.len(),
        sc.segments.len(),
        sc.holidays.len()
    );
    for (site, plan) in sc.sites.iter().zip(&model.plans) {
        let counters: u32 = site.counters.iter().map(|c| c.count).sum();
        let kiosks: u32 = site.kiosks.iter().map(|k| k.count).sum();
        let _ = writeln!(
            t,
            "  {:<24} {:<16} {:>3} counters {:>3} kiosks  {:>8.0} requests expected over the horizon",
            site.id, site.district, counters, kiosks, plan.expected_requests
        );
    }
    emit(&t)?;
    Ok(())
}
