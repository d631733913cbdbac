//! `navbat validate-twin DIR/scenario.ron --against REAL`: a discovered back office judged
//! on a case log it never saw, by the seven measures of `log-distance-measures`, each with
//! its 95 % interval over replications, beside the naive reference (the calibration log's
//! last stretch moved by whole weeks onto the compared period).
//!
//! # Method
//!
//! - **Period**: the scenario's horizon becomes the days REAL covers, with a warm-up before
//!   them (`--warm-up-days`, default 28) so that the simulated office is loaded when REAL's
//!   first case starts; REAL's cases in progress at its start are not replayed. Simulated
//!   cases count when they start between REAL's first and last case start; cases still open
//!   when the horizon ends are not in either log's view of the twin.
//! - **Simulated log**: each finished case's audit log as activity instances (a named task
//!   starts when claimed and completes when done, by the officer who held it), keeping only
//!   activities REAL has (the workflow's own entries — `Open case`, the capture, `route` —
//!   are not activities of the log). The simulated wall clock is REAL's: each timestamp
//!   takes the offset of REAL's first event.
//! - **Intervals**: Student t over replications (`navbat_record::Estimate`); the twin is
//!   better than the naive reference on a measure when the whole interval lies below the
//!   naive value, worse when above, and undecided when it holds it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use miette::{IntoDiagnostic, WrapErr};
use navbat_discover::{EventLog, Lifecycle, LogCase, LogEvent, Measure, Stamp, all_measures};
use navbat_record::Estimate;
use rayon::prelude::*;

use crate::compare::{format_value, read_filtered};

/// What `validate-twin --against` is asked.
pub(crate) struct LogValidation<'a> {
    /// The discovered scenario.
    pub(crate) scenario: &'a Path,
    /// The log to judge the twin on.
    pub(crate) real: &'a Path,
    /// The calibration log (else `discovery.json`'s `source` beside the scenario).
    pub(crate) calibration: Option<&'a Path>,
    /// Activity prefixes (else `discovery.json`'s).
    pub(crate) prefixes: &'a [String],
    /// Replications.
    pub(crate) replications: u32,
    /// Seed.
    pub(crate) seed: u64,
    /// Days simulated before REAL's first day.
    pub(crate) warm_up_days: u32,
    /// Where to keep the first replication's simulated log (as compared).
    pub(crate) event_log: Option<&'a Path>,
    /// JSON out.
    pub(crate) json: bool,
}

/// One replication: its log as compared, and the seven measures.
type Run = (EventLog, Vec<(Measure, f64)>);

/// One simulated case as the exporter saw it: (activity, start?, wall-clock ms, officer).
type SimCase = Vec<(String, bool, i64, Option<u32>)>;

/// What `discover` recorded about its source beside the scenario.
fn recorded_source(scenario: &Path) -> (Option<PathBuf>, Vec<String>) {
    let dir = scenario.parent().unwrap_or(Path::new("."));
    let Ok(text) = std::fs::read_to_string(dir.join("discovery.json")) else {
        return (None, Vec::new());
    };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
        return (None, Vec::new());
    };
    let source = v.get("source").and_then(|s| s.as_str()).map(PathBuf::from);
    let prefixes = v
        .get("activity_prefix")
        .and_then(|p| p.as_array())
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    (source, prefixes)
}

/// The local (wall-clock) day of a UTC instant written with `offset_s`.
fn local_day(utc_ms: i64, offset_s: i32) -> i64 {
    (utc_ms + i64::from(offset_s) * 1000).div_euclid(navbat_discover::DAY_MS)
}

fn date_text(days: i64) -> String {
    let (y, m, d) = navbat_discover::civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The simulated cases of one replication as an event log on REAL's wall clock.
fn as_log(
    cases: &[SimCase],
    keep: &dyn Fn(&str) -> bool,
    offset_s: i32,
    window: (i64, i64),
) -> EventLog {
    let mut log = EventLog::new();
    for (k, c) in cases.iter().enumerate() {
        let mut events = Vec::new();
        for (activity, start, wall_ms, officer) in c {
            if !keep(activity) {
                continue;
            }
            let time = Stamp { utc_ms: wall_ms - i64::from(offset_s) * 1000, offset_s };
            let resource = officer.map(|o| log.resource_id(&format!("officer-{o}")));
            events.push(LogEvent {
                activity: log.activity_id(activity),
                lifecycle: if *start { Lifecycle::Start } else { Lifecycle::Complete },
                time,
                resource,
            });
        }
        let case = LogCase { id: format!("sim-{k}"), attributes: Vec::new(), events };
        match EventLog::case_start(&case) {
            Some(s) if s.utc_ms >= window.0 && s.utc_ms <= window.1 => log.cases.push(case),
            _ => {}
        }
    }
    log
}

/// The finished cases of one replication.
fn simulate(
    model: &Arc<navbat_engine::Model>,
    seed: u64,
    replication: u32,
) -> miette::Result<Vec<SimCase>> {
    let cases: Arc<Mutex<Vec<SimCase>>> = Arc::default();
    let sink = cases.clone();
    let exporter: navbat_engine::CaseExporter = Box::new(move |catalog, case| {
        let Some(service) = catalog.get(case.state.service) else { return };
        let mut out: SimCase = Vec::with_capacity(case.log.len());
        for e in &case.log {
            let officer = match e.input {
                navbat_workflow::Input::Claim { officer } => Some(officer.0),
                navbat_workflow::Input::Event(navbat_workflow::Event::Reviewed(r)) => {
                    Some(r.officer.0)
                }
                _ => None,
            };
            let start = navbat_workflow::lifecycle(service, e) == "start";
            out.push((navbat_workflow::activity(service, e), start, e.at.0, officer));
        }
        sink.lock().unwrap_or_else(PoisonError::into_inner).push(out);
    });
    let record =
        navbat_engine::Simulation::with_case_export(model.clone(), seed, replication, exporter)
            .finish();
    crate::no_fault([&record], "a replication of the twin")?;
    let cases = std::mem::take(&mut *cases.lock().unwrap_or_else(PoisonError::into_inner));
    Ok(cases)
}

pub(crate) fn validate_against_log(v: &LogValidation<'_>) -> miette::Result<()> {
    let (source, recorded_prefixes) = recorded_source(v.scenario);
    let prefixes = if v.prefixes.is_empty() { recorded_prefixes } else { v.prefixes.to_vec() };
    let real = read_filtered(v.real, &prefixes)?;
    let calibration_path = v.calibration.map(Path::to_path_buf).or(source);
    let naive_log = match &calibration_path {
        Some(p) => Some(read_filtered(p, &prefixes)?),
        None => None,
    };
    let starts: Vec<Stamp> = real.cases.iter().filter_map(EventLog::case_start).collect();
    let (Some(lo), Some(hi)) = (
        starts.iter().min_by_key(|s| s.utc_ms).copied(),
        starts.iter().max_by_key(|s| s.utc_ms).copied(),
    ) else {
        miette::bail!("{} holds no activity instance to compare with", v.real.display());
    };
    let offset_s = real.cases.iter().flat_map(|c| &c.events).next().map_or(0, |e| e.time.offset_s);
    let (_, last) = real.span_ms().unwrap_or((lo.utc_ms, hi.utc_ms));
    let first_day = local_day(lo.utc_ms, offset_s);
    let last_day = local_day(last, offset_s);

    // The scenario over REAL's days with a warm-up before them.
    let text = std::fs::read_to_string(v.scenario)
        .into_diagnostic()
        .wrap_err_with(|| format!("{}", v.scenario.display()))?;
    let name = v.scenario.display().to_string();
    let mut raw = navbat_scenario::parse_raw(&name, &text).map_err(miette::Report::new)?;
    raw.horizon.start = date_text(first_day - i64::from(v.warm_up_days));
    raw.horizon.end = date_text(last_day.max(first_day + 1));
    raw.horizon.warm_up_days = v.warm_up_days;
    let base = v.scenario.parent().unwrap_or(Path::new("."));
    let scenario = navbat_scenario::from_raw_at(&name, &raw, base).map_err(miette::Report::new)?;
    let model = navbat_engine::Model::new(scenario);

    // The activities REAL's kept events have (its table also names those the prefixes
    // filtered out, which the twin's own steps may share).
    let activities: std::collections::HashSet<&str> =
        real.cases.iter().flat_map(|c| &c.events).map(|e| real.activity_name(e.activity)).collect();
    let keep = |a: &str| activities.contains(a);
    let window = (lo.utc_ms, hi.utc_ms);
    let runs: Vec<miette::Result<Run>> = (0..v.replications)
        .into_par_iter()
        .map(|r| {
            let cases = simulate(&model, v.seed, r)?;
            let sim = as_log(&cases, &keep, offset_s, window);
            let values = all_measures(&real, &sim)
                .into_diagnostic()
                .wrap_err_with(|| format!("measuring replication {r}"))?;
            Ok((sim, values))
        })
        .collect();
    let mut logs = Vec::new();
    let mut per_measure: Vec<(Measure, Vec<f64>)> = Vec::new();
    for run in runs {
        let (log, values) = run?;
        for (m, x) in values {
            match per_measure.iter_mut().find(|(k, _)| *k == m) {
                Some((_, xs)) => xs.push(x),
                None => per_measure.push((m, vec![x])),
            }
        }
        logs.push(log);
    }
    if let (Some(path), Some(first)) = (v.event_log, logs.first()) {
        navbat_discover::write_xes(first, path).into_diagnostic()?;
    }
    let naive: Option<Vec<(Measure, f64)>> = match naive_log
        .as_ref()
        .and_then(|c| c.naive_reference(&real))
    {
        Some(n) => Some(
            all_measures(&real, &n).into_diagnostic().wrap_err("measuring the naive reference")?,
        ),
        None => None,
    };
    let naive_of =
        |m: Measure| naive.as_ref().and_then(|n| n.iter().find(|(k, _)| *k == m)).map(|(_, x)| *x);
    let verdict = |e: &Estimate, n: Option<f64>| match n {
        Some(n) if e.ci95_high < n => "twin",
        Some(n) if e.ci95_low > n => "naive",
        Some(_) => "undecided",
        None => "-",
    };
    let sim_cases: Vec<f64> = logs.iter().map(|l| l.cases.len() as f64).collect();
    let cases = Estimate::from_samples(&sim_cases);
    let mut out = String::new();
    if v.json {
        let mut measures = serde_json::Map::new();
        for (m, xs) in &per_measure {
            let e = Estimate::from_samples(xs);
            measures.insert(
                m.name().to_owned(),
                serde_json::json!({
                    "twin": {"mean": e.mean, "ci95_low": e.ci95_low, "ci95_high": e.ci95_high},
                    "naive": naive_of(*m),
                    "better": verdict(&e, naive_of(*m)),
                    "unit": m.unit(),
                }),
            );
        }
        let json = serde_json::json!({
            "real": {"file": v.real.display().to_string(), "cases": real.cases.len(), "events": real.event_count()},
            "calibration": calibration_path.as_ref().map(|p| p.display().to_string()),
            "replications": v.replications,
            "seed": v.seed,
            "horizon": {"start": raw.horizon.start, "end": raw.horizon.end, "warm_up_days": v.warm_up_days},
            "twin_cases": {"mean": cases.mean, "ci95_low": cases.ci95_low, "ci95_high": cases.ci95_high},
            "measures": measures,
        });
        outln!(out, "{json}");
    } else {
        outln!(
            out,
            "real: {} cases, {} events ({} to {}); twin: {:.0} cases a replication [{:.0}, {:.0}], {} replications, warm-up {} days",
            real.cases.len(),
            real.event_count(),
            date_text(first_day),
            date_text(last_day),
            cases.mean,
            cases.ci95_low,
            cases.ci95_high,
            v.replications,
            v.warm_up_days
        );
        match &calibration_path {
            Some(p) => {
                outln!(out, "naive reference: {} moved onto the period by whole weeks", p.display())
            }
            None => outln!(out, "naive reference: no calibration log (give --calibration)"),
        }
        outln!(out, "{:<30} {:>34} {:>14}  better", "measure", "twin mean [95 % CI]", "naive");
        let mut wins = 0;
        for (m, xs) in &per_measure {
            let e = Estimate::from_samples(xs);
            let n = naive_of(*m);
            let better = verdict(&e, n);
            wins += usize::from(better == "twin");
            let twin = format!(
                "{} [{}, {}]",
                format_value(*m, e.mean),
                format_value(*m, e.ci95_low),
                format_value(*m, e.ci95_high)
            );
            let naive = n.map_or_else(|| "-".to_owned(), |x| format_value(*m, x));
            outln!(out, "{:<30} {twin:>34} {naive:>14}  {better}", m.name());
        }
        if naive.is_some() {
            outln!(
                out,
                "the twin beats the naive reference on {wins} of {} measures",
                per_measure.len()
            );
        }
    }
    crate::emit(&out)
}
