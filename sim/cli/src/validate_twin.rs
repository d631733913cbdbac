//! `navbat validate-twin`: the fitted twin judged on records it never saw, per hour of the
//! week, beside two references that cost nothing to build — the calibration period's own
//! hour-of-week profile and Erlang A (M/M/n+M) hour by hour.
//!
//! The twin is set up for the other records' period by `navbat_calibrate::period_scenario`
//! (their desks on duty times the share serving the line learnt on the calibration records;
//! everything else as fitted), their arrivals are replayed one by one (`Model::replaying`:
//! time, service, segment and channel of every ticket but pickups; return visits are in the
//! records, so the twin's own retrials are off), it is run for R replications, and each replication's ticket rows are gathered per hour of the week of
//! arrival. Errors are absolute differences per hour of the week with people in both,
//! summed; the wait distributions are compared by the Wasserstein-1 distance (the mean
//! absolute difference of their quantile functions, minutes).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use clap::Args;
use miette::{IntoDiagnostic, Report, WrapErr};
use navbat_calibrate::{
    HourProfile, desk_availability, erlang_a, exponential_rates, observed_profile, period_scenario,
};
use navbat_engine::{FloorRow, Model, Replayed, SimTime, Simulation, TicketChannel, TicketOutcome};
use navbat_record::Estimate;
use navbat_records::{Channel, Log, ReadOptions, Records, Ticket};
use navbat_scenario::RawScenario;
use rayon::prelude::*;

/// `navbat validate-twin`'s arguments.
#[derive(Args, Debug)]
pub(crate) struct ValidateTwinArgs {
    /// The fitted scenario (`navbat calibrate --out`), or a discovered one (`navbat
    /// discover`'s `DIR/scenario.ron`) with `--against`.
    fitted: PathBuf,
    /// Records of another period: a folder or a ticket log alone.
    #[arg(
        long,
        value_name = "DIR|TICKETS.csv[.gz]",
        required_unless_present = "against",
        conflicts_with = "against"
    )]
    against_records: Option<PathBuf>,
    /// A case log of another period (`.xes`, `.xes.gz`, `.jsonocel`) to judge a discovered
    /// back office on, by the seven log-distance measures (`crate::validate_log`).
    #[arg(long, value_name = "LOG")]
    against: Option<PathBuf>,
    /// With `--against`: the log the twin was discovered from, for the naive reference
    /// (default: `discovery.json`'s `source` beside the scenario).
    #[arg(long, value_name = "LOG", requires = "against")]
    calibration: Option<PathBuf>,
    /// With `--against`: keep only activities with this prefix (repeatable; default:
    /// `discovery.json`'s).
    #[arg(long, value_name = "PREFIX", requires = "against")]
    activity_prefix: Vec<String>,
    /// With `--against`: days simulated before the log's first day.
    #[arg(long, default_value_t = 28)]
    warm_up_days: u32,
    /// With `--against`: keep the first replication's simulated log, as compared (XES, gzip
    /// when the name ends in `.gz`).
    #[arg(long, value_name = "SIM.xes[.gz]", requires = "against")]
    event_log: Option<PathBuf>,
    /// The records the twin was calibrated on, for the two references (the calibration
    /// period's hour-of-week profile; Erlang A's service and patience rates).
    #[arg(long, value_name = "DIR|TICKETS.csv[.gz]")]
    calibration_records: Option<PathBuf>,
    /// Replications of the twin.
    #[arg(long, default_value_t = 10)]
    replications: u32,
    /// Target wait for "served within target", minutes.
    #[arg(long, default_value_t = 5.0)]
    target_min: f64,
    /// Seed of the twin's replications.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Accept ticket ids that repeat within a site.
    #[arg(long)]
    allow_repeated_tickets: bool,
    /// Without a roster, a desk's gap of at most this many minutes counts as present.
    #[arg(long, default_value_t = 15.0)]
    gap_minutes: f64,
    /// Print the scores and every hour as JSON.
    #[arg(long)]
    json: bool,
    /// The twin's own records of the period (one replication): `--records DIR`.
    #[command(flatten)]
    records: crate::records::RecordsArgs,
}

/// The records' tickets as arrivals to replay, per site of `fitted` in its order: every
/// ticket but pickups (a pickup is the back office's doing, not an arrival) and the counter
/// tickets that continue a kiosk session (the visit arrived with its kiosk ticket), at its
/// local issue time.
fn replayed_arrivals(fitted: &RawScenario, records: &Records) -> Vec<Option<Vec<Replayed>>> {
    let index = |ids: &[&String], id: &str| ids.iter().position(|x| x.as_str() == id);
    let services: Vec<&String> = fitted.services.iter().map(|s| &s.id).collect();
    let segments: Vec<&String> = fitted.segments.iter().map(|s| &s.id).collect();
    let mut replay: Vec<Option<Vec<Replayed>>> = vec![Some(Vec::new()); fitted.sites.len()];
    let sent_on = navbat_records::sent_on(&records.tickets.rows);
    for (t, _) in records.tickets.rows.iter().zip(sent_on).filter(|(_, sent_on)| !sent_on) {
        let channel = match t.channel {
            Channel::Counter => TicketChannel::Counter,
            Channel::Kiosk => TicketChannel::Kiosk,
            Channel::Portal => TicketChannel::Portal,
            Channel::Pickup => continue,
        };
        let Some(site) = fitted.sites.iter().position(|s| s.id == t.site) else { continue };
        // Unknown services were refused when the records were read; a missing one here
        // is left out and counted by `Model::replaying` through an impossible index.
        let service = index(&services, &t.service).map_or(u16::MAX, |i| i as u16);
        let segment = t.segment.as_deref().and_then(|g| index(&segments, g)).map(|i| i as u16);
        let local =
            t.issued_at.instant.as_millisecond() + i64::from(t.issued_at.offset.seconds()) * 1000;
        if let Some(list) = &mut replay[site] {
            list.push(Replayed { at: SimTime(local), service, segment, channel: Some(channel) });
        }
    }
    replay
}

fn read(path: &Path, options: &ReadOptions) -> miette::Result<Records> {
    if path.is_dir() {
        Records::read(path, options)
    } else {
        Log::<Ticket>::read(path, options.clone()).map(|tickets| Records {
            tickets,
            kiosks: None,
            roster: None,
        })
    }
    .into_diagnostic()
    .wrap_err_with(|| format!("{}", path.display()))
}

/// Wasserstein-1 distance between two samples (mean absolute difference of quantiles at
/// 1,000 evenly spaced levels).
fn wasserstein(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let sort = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        v
    };
    let (a, b) = (sort(a), sort(b));
    let q = |v: &[f64], p: f64| v[((p * v.len() as f64) as usize).min(v.len() - 1)];
    Some(
        (0..1000)
            .map(|i| (f64::from(i) + 0.5) / 1000.0)
            .map(|p| (q(&a, p) - q(&b, p)).abs())
            .sum::<f64>()
            / 1000.0,
    )
}

/// One measure per hour of the week.
type Measure = fn(&HourProfile, usize, f64) -> Option<f64>;

const MEASURES: [(&str, Measure); 4] = [
    ("mean wait, min", |p, h, _| p.mean_wait(h)),
    ("P90 wait, min", |p, h, _| p.p90_wait(h)),
    ("abandonment share", |p, h, _| p.abandon_share(h)),
    ("share served within target", |p, h, t| p.within(h, t)),
];

pub(crate) fn validate_twin(args: &ValidateTwinArgs) -> miette::Result<()> {
    let against_records = match (&args.against_records, &args.against) {
        (Some(records), _) => records,
        (None, Some(log)) => {
            if args.replications == 0 {
                miette::bail!("--replications must be at least 1");
            }
            return crate::validate_log::validate_against_log(
                &crate::validate_log::LogValidation {
                    scenario: &args.fitted,
                    real: log,
                    calibration: args.calibration.as_deref(),
                    prefixes: &args.activity_prefix,
                    replications: args.replications,
                    seed: args.seed,
                    warm_up_days: args.warm_up_days,
                    event_log: args.event_log.as_deref(),
                    json: args.json,
                },
            );
        }
        (None, None) => miette::bail!("give --against-records or --against"),
    };
    let text = std::fs::read_to_string(&args.fitted)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read {}", args.fitted.display()))?;
    let name = args.fitted.display().to_string();
    let fitted = navbat_scenario::parse_raw(&name, &text).map_err(Report::new)?;
    let options = ReadOptions {
        allow_repeated_tickets: args.allow_repeated_tickets,
        known_sites: Some(fitted.sites.iter().map(|s| s.id.clone()).collect()),
        known_services: Some(fitted.services.iter().map(|s| s.id.clone()).collect()),
        ..ReadOptions::strict()
    };
    let other = read(against_records, &options)?;
    let calibration = match &args.calibration_records {
        Some(p) => Some(read(
            p,
            &ReadOptions { known_sites: None, known_services: None, ..options.clone() },
        )?),
        None => None,
    };
    // How many desks on duty serve the line is learnt on the calibration period only.
    let availability = match &calibration {
        Some(c) => desk_availability(&fitted, c, args.gap_minutes)
            .into_diagnostic()
            .wrap_err("estimating the desks' availability on the calibration records")?,
        None => vec![None; fitted.sites.len()],
    };
    let shares: Vec<Option<f64>> =
        availability.iter().map(|a| a.as_ref().map(|a| a.value)).collect();
    let (period, inputs) = period_scenario(&fitted, &other, args.gap_minutes, &shares)
        .into_diagnostic()
        .wrap_err("setting the twin up for the other period")?;
    let folder =
        args.fitted.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let scenario =
        navbat_scenario::from_raw_at(&format!("{name} over the other period"), &period, folder)
            .map_err(Report::new)?;
    let mut recording = args.records.start(&scenario, args.replications)?;
    let tap = Mutex::new(recording.as_mut().and_then(crate::records::Recording::tap));
    let (model, left_out) = Model::replaying(scenario, replayed_arrivals(&fitted, &other));
    if left_out > 0 {
        eprintln!(
            "note: {left_out} tickets fall outside the period's days or name what the fitted \
             scenario lacks, and were not replayed"
        );
    }
    let runs: Result<Vec<HourProfile>, String> = (0..args.replications)
        .into_par_iter()
        .map(|r| {
            let profile = Arc::new(Mutex::new(HourProfile::default()));
            let sink = Arc::clone(&profile);
            // The replication `--records` writes hands its rows to the writer too.
            let mut also = tap
                .lock()
                .ok()
                .and_then(|mut t| t.take_if(|t| t.replication == r))
                .map(|t| t.export);
            let export: navbat_engine::RowExporter = Box::new(move |row: &FloorRow| {
                if let Some(also) = &mut also {
                    also(row);
                }
                let FloorRow::Ticket(t) = row else { return };
                if t.channel != TicketChannel::Counter {
                    return;
                }
                let dt = t.issued.to_datetime();
                let how = navbat_scenario::weekday_index(dt.weekday()) * 24 + dt.hour() as usize;
                let minutes = |to: navbat_engine::SimTime| (to.0 - t.issued.0) as f64 / 60_000.0;
                let Ok(mut p) = sink.lock() else { return };
                match (t.outcome, t.started) {
                    (TicketOutcome::Served, Some(s)) => p.add(how, minutes(s), false),
                    (TicketOutcome::Abandoned, None) => p.add(how, minutes(t.finished), true),
                    _ => {}
                }
            });
            let record =
                Simulation::new(Arc::clone(&model), args.seed, r).with_rows(export).finish();
            if let Some(fault) = record.fault {
                return Err(format!("replication {r}: {fault}"));
            }
            Ok(Arc::try_unwrap(profile).ok().and_then(|m| m.into_inner().ok()).unwrap_or_default())
        })
        .collect();
    // Every replication's callbacks are gone: the writer can finish (or clean up).
    drop(tap);
    let runs = match (runs, recording) {
        (Ok(runs), Some(recording)) => {
            recording.finish()?;
            runs
        }
        (Ok(runs), None) => runs,
        (Err(fault), recording) => {
            if let Some(recording) = recording {
                recording.abandon();
            }
            return Err(miette::miette!("the twin's run stopped: {fault}"));
        }
    };
    let observed = observed_profile(&other.tickets.rows);
    let naive = calibration.as_ref().map(|c| observed_profile(&c.tickets.rows));
    let rates = calibration.as_ref().map(|c| exponential_rates(&c.tickets.rows));
    let t = args.target_min;
    // Per measure: (name, twin error, naive error, Erlang A error, hours scored).
    let mut scores = Vec::new();
    let mut hours_json = Vec::new();
    let mut unpredicted = [0usize; MEASURES.len()];
    for (m, (label, f)) in MEASURES.iter().enumerate() {
        let (mut e_twin, mut e_naive, mut e_erlang, mut hours) = (0.0, 0.0, 0.0, 0usize);
        for h in 0..168 {
            let Some(obs) = f(&observed, h, t) else { continue };
            let samples: Vec<f64> = runs.iter().filter_map(|p| f(p, h, t)).collect();
            if samples.is_empty() {
                continue;
            }
            let nv = naive.as_ref().and_then(|n| f(n, h, t));
            if naive.is_some() && nv.is_none() {
                // The calibration period saw nobody in this hour: the profile predicts
                // nothing here, so no reference is scored on it (counted, said below).
                unpredicted[m] += 1;
                continue;
            }
            let twin = Estimate::from_samples(&samples);
            hours += 1;
            e_twin += (twin.mean - obs).abs();
            if let Some(v) = nv {
                e_naive += (v - obs).abs();
            }
            let ea = rates.and_then(|(mu, theta)| {
                let lambda = inputs.arrivals_per_hour[h] / 60.0;
                let a = erlang_a(lambda, mu, theta, inputs.desks[h].round() as u32)?;
                match m {
                    0 => Some(a.mean_wait),
                    2 => Some(a.p_abandon),
                    _ => None,
                }
            });
            if let Some(v) = ea {
                e_erlang += (v - obs).abs();
            }
            hours_json.push(serde_json::json!({
                "measure": label, "hour_of_week": h, "observed": obs,
                "twin": {"mean": twin.mean, "ci95_low": twin.ci95_low, "ci95_high": twin.ci95_high},
                "naive": nv, "erlang_a": ea,
            }));
        }
        let erlang = (m == 0 || m == 2) && rates.is_some();
        scores.push((
            *label,
            e_twin,
            naive.is_some().then_some(e_naive),
            erlang.then_some(e_erlang),
            hours,
        ));
    }
    let twin_waits: Vec<f64> = runs.iter().flat_map(HourProfile::all_waits).collect();
    let w_twin = wasserstein(&twin_waits, &observed.all_waits());
    let w_naive = naive.as_ref().and_then(|n| wasserstein(&n.all_waits(), &observed.all_waits()));
    if args.json {
        let v = serde_json::json!({
            "fitted": name,
            "against": against_records.display().to_string(),
            "replications": args.replications,
            "target_min": t,
            "desks": inputs.desks_source,
            "desk_availability": fitted.sites.iter().zip(&availability).map(|(site, a)| serde_json::json!({
                "site": site.id,
                "share": a.as_ref().map(|a| serde_json::json!({"mean": a.value, "ci95_low": a.ci95_low, "ci95_high": a.ci95_high})),
            })).collect::<Vec<_>>(),
            "erlang_a_rates_per_min": rates.map(|(mu, theta)| serde_json::json!({"mu": mu, "theta": theta})),
            "scores": scores.iter().zip(&unpredicted).map(|((l, a, b, c, n), u)| serde_json::json!({
                "measure": l, "hours": n, "twin": a, "naive": b, "erlang_a": c,
                "hours_left_out_no_calibration_data": u})).collect::<Vec<_>>(),
            "wait_distance_min": {"twin": w_twin, "naive": w_naive},
            "hours": hours_json,
        });
        return crate::emit(&format!("{v:#}\n"));
    }
    let mut out = String::new();
    outln!(
        out,
        "{name} against {} ({} replications; desks {}); errors per hour of the week, summed",
        against_records.display(),
        args.replications,
        inputs.desks_source
    );
    for (site, a) in fitted.sites.iter().zip(&availability) {
        match a {
            Some(a) => outln!(
                out,
                "{}: desks on duty × {:.3} serving the line (95 % CI {:.3} to {:.3}; {}, on the calibration records)",
                site.id,
                a.value,
                a.ci95_low,
                a.ci95_high,
                a.name
            ),
            None if calibration.is_none() => outln!(
                out,
                "{}: every desk on duty taken as serving the line (give --calibration-records to estimate the share)",
                site.id
            ),
            None => outln!(
                out,
                "{}: every desk on duty taken as serving the line (too few moments with a line in the calibration records)",
                site.id
            ),
        }
    }
    let cell = |x: Option<f64>| x.map_or("—".to_owned(), |v| format!("{v:.3}"));
    outln!(
        out,
        "{:<30} {:>6} {:>10} {:>10} {:>10}",
        "measure",
        "hours",
        "twin",
        "naive",
        "Erlang A"
    );
    for (l, a, b, c, n) in &scores {
        outln!(out, "{l:<30} {n:>6} {a:>10.3} {:>10} {:>10}", cell(*b), cell(*c));
    }
    outln!(
        out,
        "{:<30} {:>6} {:>10} {:>10} {:>10}",
        "wait distance (W1, min)",
        "all",
        cell(w_twin),
        cell(w_naive),
        "—"
    );
    if unpredicted.iter().any(|&u| u > 0) {
        outln!(
            out,
            "left out of every score: hours of the week in which the calibration records saw nobody \
             (no profile to compare): {}",
            MEASURES
                .iter()
                .zip(&unpredicted)
                .map(|((l, _), u)| format!("{l} {u}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if let Some((mu, theta)) = rates {
        outln!(
            out,
            "Erlang A: mean service {:.3} min, patience rate {:.5}/min (abandonments ÷ time waited)",
            1.0 / mu,
            theta
        );
    }
    crate::emit(&out)
}
