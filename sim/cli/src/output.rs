//! Printing and saving a run's results.

use std::fmt::Write as _;
use std::path::Path;

use miette::{IntoDiagnostic, WrapErr};
use navbat_record::{
    Estimate, FaceIdOutline, HolidayDate, HorizonDates, Prices, ReplicationRecord, RunFile,
    RunSummary, ScenarioOutline, ServiceName, SiteOutline, SourceComment, SweepSummary,
    write_replication_csv,
};
use navbat_scenario::Scenario;

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
        "{:<22} {:>16} {:>16} {:>14} {:>14} {:>12} {:>15} {:>15} {:>13} {:>13}",
        "site",
        "arrivals",
        "served",
        "abandoned",
        "returns",
        "lost",
        "mean wait min",
        "P90 wait min",
        "utilization",
        "kiosk share"
    );
    for site in &s.sites {
        let _ = writeln!(
            out,
            "{:<22} {:>16} {:>16} {:>14} {:>14} {:>12} {:>15} {:>15} {:>13} {:>13}",
            site.name,
            pm(&site.arrivals, 0),
            pm(&site.served, 0),
            pm(&site.abandoned, 0),
            pm(&site.returns, 0),
            pm(&site.lost_demand, 0),
            pm(&site.mean_wait_min, 2),
            pm(&site.p90_wait_min, 2),
            pm(&site.utilization, 3),
            pm(&site.kiosk_share, 3),
        );
    }
    if let Some(vs) = &s.vs_baseline {
        let _ = writeln!(
            out,
            "\nvs baseline without kiosks (paired differences, pilot minus baseline)"
        );
        let _ = writeln!(
            out,
            "{:<22} {:>15} {:>15} {:>15} {:>20} {:>16}",
            "site",
            "mean wait min",
            "P90 wait min",
            "utilization",
            "officer hours freed",
            "abandoned"
        );
        for c in vs {
            let _ = writeln!(
                out,
                "{:<22} {:>15} {:>15} {:>15} {:>20} {:>16}",
                c.name,
                pm(&c.mean_wait_min, 2),
                pm(&c.p90_wait_min, 2),
                pm(&c.utilization, 3),
                pm(&c.officer_hours_freed, 0),
                pm(&c.abandoned, 0),
            );
        }
    }
    out
}

fn pm(e: &Estimate, digits: usize) -> String {
    format!("{:.*} ± {:.*}", digits, e.mean, digits, e.half_width())
}

/// Writes a run of `scenario` into `dir`: `scenario.ron` and `run.json` (what was run, with
/// the scenario's outline), `replications.csv`, `breakdown.csv`, `baseline.csv` (with a
/// baseline) and `summary.json`. Each file is first written to a temporary name then renamed,
/// so a failure leaves no half-written file.
#[expect(clippy::too_many_arguments, reason = "one argument per part of the results folder")]
pub(crate) fn write_run(
    dir: &Path,
    reps: &[ReplicationRecord],
    baseline: Option<&[ReplicationRecord]>,
    expansion: Option<&navbat_engine::Expansion>,
    summary: &RunSummary,
    meta: &RunMeta,
    scenario: &Scenario,
    selected: Option<&crate::select::Selected>,
    selfcheck: Option<&navbat_record::SelfcheckFile>,
    screening: Option<&navbat_record::screening::Screening>,
) -> miette::Result<()> {
    let run = meta.run_file(scenario);
    let mut extra = Vec::new();
    if let Some(s) = screening {
        extra.push(("screening.json", serde_json::to_vec_pretty(s).into_diagnostic()?));
    }
    if let Some(file) = selfcheck {
        let mut json = serde_json::to_vec_pretty(file).into_diagnostic()?;
        json.push(b'\n');
        extra.push(("selfcheck.json", json));
    }
    if let Some(s) = selected.filter(|s| !s.plans.is_empty()) {
        let mut csv = Vec::new();
        navbat_record::write_rows_csv(&mut csv, &s.plans).into_diagnostic()?;
        extra.push(("selection.csv", csv));
        let mut csv = Vec::new();
        navbat_record::write_rows_csv(&mut csv, &s.confirmation).into_diagnostic()?;
        extra.push(("confirmation.csv", csv));
    }
    write_run_files(dir, &meta.scenario_text, &run, reps, baseline, expansion, summary, extra)
}

/// Writes the results folder of a run described by `run` (the one writer of results
/// folders, for `navbat run` and `navbat merge` alike).
#[expect(clippy::too_many_arguments, reason = "one argument per part of the results folder")]
pub(crate) fn write_run_files(
    dir: &Path,
    scenario_text: &str,
    run: &RunFile,
    reps: &[ReplicationRecord],
    baseline: Option<&[ReplicationRecord]>,
    expansion: Option<&navbat_engine::Expansion>,
    summary: &RunSummary,
    extra: Vec<(&'static str, Vec<u8>)>,
) -> miette::Result<()> {
    let mut files = vec![
        ("scenario.ron", scenario_text.as_bytes().to_vec()),
        ("run.json", serde_json::to_vec_pretty(run).into_diagnostic()?),
    ];
    files.extend(replication_tables(reps, baseline)?);
    if let Some(e) = expansion {
        let mut csv = Vec::new();
        navbat_record::write_rows_csv(&mut csv, &e.rows).into_diagnostic()?;
        files.push(("expansion.csv", csv));
        let mut csv = Vec::new();
        navbat_record::write_rows_csv(&mut csv, &e.sensitivity).into_diagnostic()?;
        files.push(("sensitivity.csv", csv));
    }
    files.extend(extra);
    files.push(("summary.json", serde_json::to_vec_pretty(summary).into_diagnostic()?));
    write_files(dir, &files)
}

/// The per-replication tables of a run: `replications.csv`, `breakdown.csv`, `face.csv` and
/// `backoffice.csv` when there are such rows, `baseline.csv` with a baseline. Every row
/// names its replication.
pub(crate) fn replication_tables(
    reps: &[ReplicationRecord],
    baseline: Option<&[ReplicationRecord]>,
) -> miette::Result<Vec<(&'static str, Vec<u8>)>> {
    let mut files = Vec::new();
    let mut csv = Vec::new();
    write_replication_csv(&mut csv, reps).into_diagnostic()?;
    files.push(("replications.csv", csv));
    let mut csv = Vec::new();
    navbat_record::write_breakdown_csv(&mut csv, reps).into_diagnostic()?;
    files.push(("breakdown.csv", csv));
    if reps.iter().any(|r| !r.face.is_empty()) {
        let mut csv = Vec::new();
        navbat_record::write_face_csv(&mut csv, reps).into_diagnostic()?;
        files.push(("face.csv", csv));
    }
    if reps.iter().any(|r| !r.back_office.is_empty()) {
        let mut csv = Vec::new();
        navbat_record::write_back_office_csv(&mut csv, reps).into_diagnostic()?;
        files.push(("backoffice.csv", csv));
    }
    if let Some(base) = baseline {
        let mut csv = Vec::new();
        write_replication_csv(&mut csv, base).into_diagnostic()?;
        files.push(("baseline.csv", csv));
    }
    Ok(files)
}

/// Writes the shard folder of replications `first..first + reps.len()` of a run: the
/// scenario, `shard.json` and the per-replication tables ([`replication_tables`]).
pub(crate) fn write_run_shard(
    dir: &Path,
    reps: &[ReplicationRecord],
    baseline: Option<&[ReplicationRecord]>,
    meta: &RunMeta,
    scenario: &Scenario,
    first: u32,
) -> miette::Result<()> {
    let run = meta.run_file(scenario);
    let file = crate::shard::ShardFile {
        format_version: crate::shard::SHARD_FORMAT,
        navbat_version: run.run.navbat_version.clone(),
        command: crate::shard::command_words(),
        scenario_sha256: run.run.scenario_sha256.clone(),
        seed: meta.seed,
        part: crate::shard::Part::Run {
            first_replication: first,
            replications: meta.replications,
            run: Box::new(run),
        },
    };
    let mut files = vec![
        ("scenario.ron", meta.scenario_text.as_bytes().to_vec()),
        (crate::shard::SHARD_FILE, serde_json::to_vec_pretty(&file).into_diagnostic()?),
    ];
    files.extend(replication_tables(reps, baseline)?);
    write_files(dir, &files)
}

/// Event-log formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LogFormat {
    /// XES, written case by case as cases finish.
    Xes,
    /// OCEL 2.0 JSON, built whole in memory.
    Ocel,
}

/// Runs replication 0 of `model` again keeping every case's audit log, and writes its
/// finished cases to `path` (through a temporary file, so a failure leaves nothing), sealed:
/// each event with its entry's encoding and chain hash, each case with its head, the log with
/// the Merkle root of the heads. The heads go to `FILE.heads.csv` beside it. With a key
/// (`key_file`, else the scenario's `workflows.audit_key`) heads and root carry HMACs.
/// Results are those of replication 0: keeping logs changes no draw.
pub(crate) fn write_event_log(
    path: &Path,
    format: LogFormat,
    model: std::sync::Arc<navbat_engine::Model>,
    seed: u64,
    key_file: Option<&Path>,
) -> miette::Result<()> {
    use std::sync::{Arc, Mutex, PoisonError};
    let Some(workflows) = model.scenario.workflows.as_ref() else {
        return Err(miette::miette!(
            "--event-log: the scenario has no `workflows`, so there are no cases to export"
        ));
    };
    let key = key_file
        .or(workflows.audit_key.as_deref())
        .map(navbat_workflow::AuditKey::read)
        .transpose()
        .into_diagnostic()
        .wrap_err("--event-log: cannot use the audit key")?;
    let tmp = hidden_temp(path);
    let file = std::fs::File::create(&tmp)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot create {}", tmp.display()))?;
    let out = std::io::BufWriter::new(file);
    let result = match format {
        LogFormat::Xes => {
            let writer = navbat_workflow::XesWriter::new(out, key).into_diagnostic()?;
            let state: Arc<Mutex<(Option<_>, Option<String>)>> =
                Arc::new(Mutex::new((Some(writer), None)));
            let sink = state.clone();
            let exporter: navbat_engine::CaseExporter = Box::new(move |catalog, case| {
                let mut g = sink.lock().unwrap_or_else(PoisonError::into_inner);
                let (writer, error) = &mut *g;
                if error.is_none()
                    && let Some(w) = writer.as_mut()
                    && let Err(e) = w.write_case(catalog, case)
                {
                    *error = Some(e.to_string());
                }
            });
            let record =
                navbat_engine::Simulation::with_case_export(model, seed, 0, exporter).finish();
            crate::no_fault([&record], "the event log's replication")?;
            let mut g = state.lock().unwrap_or_else(PoisonError::into_inner);
            match (g.0.take(), g.1.take()) {
                (_, Some(e)) => Err(miette::miette!("{e}")),
                (Some(w), None) => w.finish().map(|(_, seal)| Some(seal)).into_diagnostic(),
                (None, None) => Ok(None),
            }
        }
        LogFormat::Ocel => {
            let cases: Arc<Mutex<Vec<navbat_workflow::Case>>> = Arc::default();
            let sink = cases.clone();
            let exporter: navbat_engine::CaseExporter = Box::new(move |_, case| {
                sink.lock().unwrap_or_else(PoisonError::into_inner).push(case.clone());
            });
            let catalog = workflows.catalog.clone();
            let record =
                navbat_engine::Simulation::with_case_export(model, seed, 0, exporter).finish();
            crate::no_fault([&record], "the event log's replication")?;
            let cases = std::mem::take(&mut *cases.lock().unwrap_or_else(PoisonError::into_inner));
            let mut out = out;
            navbat_workflow::write_ocel_json(&mut out, &catalog, &cases, key.as_ref())
                .into_diagnostic()
                .and_then(|seal| {
                    std::io::Write::flush(&mut out).into_diagnostic().map(|()| Some(seal))
                })
        }
    };
    let seal = match result {
        Ok(seal) => seal,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e.wrap_err(format!("cannot write the event log {}", path.display())));
        }
    };
    if let Some(seal) = seal {
        let heads = path.with_extension("heads.csv");
        let mut csv = Vec::new();
        seal.write_heads_csv(&mut csv).into_diagnostic()?;
        write_atomic(&heads, &csv)?;
        eprintln!(
            "event log {}: {} cases sealed, Merkle root {} ({}); heads in {}",
            path.display(),
            seal.heads.len(),
            navbat_workflow::seal::to_hex(&seal.root),
            if seal.root_hmac.is_some() {
                "authenticated"
            } else {
                "no audit key: not authenticated"
            },
            heads.display()
        );
    }
    std::fs::rename(&tmp, path)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot move the event log into {}", path.display()))
}

/// What a saved run needs so that any figure can be re-created: the exact scenario text,
/// its hash, the seed, the command line and the navbat version; and the outline of the
/// validated scenario that the report reads instead of the text.
pub(crate) struct RunMeta {
    /// The scenario as simulated (the file itself, or its RON form after `--set`).
    pub(crate) scenario_text: String,
    /// Path given on the command line.
    pub(crate) scenario_file: String,
    /// Master seed.
    pub(crate) seed: u64,
    /// Replications.
    pub(crate) replications: u32,
    /// Whether the no-kiosk baseline was run.
    pub(crate) baseline: bool,
    /// `--set` overrides, as given.
    pub(crate) overrides: Vec<String>,
    /// Where `--precision` stopped, when it chose the replications.
    pub(crate) precision: Option<navbat_record::SequentialStop>,
}

impl RunMeta {
    /// `run.json` of a run of `scenario` (validated from `self.scenario_text`).
    fn run_file(&self, scenario: &Scenario) -> RunFile {
        use sha2::Digest;
        let hash = sha2::Sha256::digest(self.scenario_text.as_bytes());
        let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
        RunFile {
            format_version: navbat_record::RESULTS_FORMAT,
            run: navbat_record::RunMeta {
                navbat_version: env!("CARGO_PKG_VERSION").to_owned(),
                command: std::env::args().collect::<Vec<_>>().join(" "),
                scenario_file: self.scenario_file.clone(),
                scenario_sha256: hex,
                seed: self.seed,
                replications: self.replications,
                baseline: self.baseline,
                overrides: self.overrides.clone(),
                precision: self.precision.clone(),
            },
            scenario: outline(scenario, &self.scenario_text),
        }
    }
}

/// What the results folder records of `scenario`, whose file text is `text`.
fn outline(scenario: &Scenario, text: &str) -> ScenarioOutline {
    let sum = |counts: &mut dyn Iterator<Item = u32>| counts.fold(0u32, u32::saturating_add);
    ScenarioOutline {
        name: scenario.name.clone(),
        description: scenario.description.clone(),
        horizon: HorizonDates {
            start: scenario.start.to_string(),
            end: scenario.end.to_string(),
            warm_up_days: scenario.warm_up_days,
        },
        holidays: scenario
            .holidays
            .iter()
            .map(|h| HolidayDate { date: h.date.to_string(), name: h.name.clone() })
            .collect(),
        segments: scenario.segments.iter().map(|s| s.id.clone()).collect(),
        services: scenario
            .services
            .iter()
            .map(|s| ServiceName { id: s.id.clone(), name: s.name.clone() })
            .collect(),
        sites: scenario
            .sites
            .iter()
            .map(|s| SiteOutline {
                id: s.id.clone(),
                name: s.name.clone(),
                district: s.district.clone(),
                region: s.region.clone(),
                counters: sum(&mut s.counters.iter().map(|c| c.count)),
                kiosks: sum(&mut s.kiosks.iter().map(|k| k.count)),
            })
            .collect(),
        candidates: scenario
            .candidates
            .iter()
            .filter_map(|&i| scenario.sites.get(i).map(|s| s.id.clone()))
            .collect(),
        face_id: scenario.face_id.as_ref().map(|f| FaceIdOutline { flag_ratio: f.flag_ratio }),
        workflows: scenario.workflows.is_some(),
        economics: scenario.economics.as_ref().map(|e| Prices {
            currency: e.currency.clone(),
            kiosk_capital: e.kiosk_capital,
            kiosk_life_years: e.kiosk_life_years,
            kiosk_running_per_year: e.kiosk_running_per_year,
            officer_hour: e.officer_hour,
            citizen_hour: e.citizen_hour,
        }),
        sources: SourceComment::scan(text),
        decision: Some(navbat_record::DecisionRule {
            abandonment_margin_points: scenario.decision.abandonment_margin_points,
            precision: scenario.decision.precision,
            family_alpha: scenario.decision.family_alpha,
            stated: scenario.decision.stated,
        }),
    }
}

/// Writes `sweep.csv` and `summary.json` of a sweep into `dir`.
pub(crate) fn write_sweep(
    dir: &Path,
    axes: &[String],
    table: &[(Vec<String>, Vec<ReplicationRecord>)],
    summary: &SweepSummary,
) -> miette::Result<()> {
    let mut csv = Vec::new();
    navbat_record::write_sweep_csv(&mut csv, axes, table).into_diagnostic()?;
    let json = serde_json::to_vec_pretty(summary).into_diagnostic()?;
    write_files(dir, &[("sweep.csv", csv), ("summary.json", json)])
}

/// A table of a sweep: one row per point and site.
pub(crate) fn sweep_table(
    axes: &[String],
    table: &[(Vec<String>, Vec<ReplicationRecord>)],
    points: &[navbat_record::SweepPoint],
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} | site | mean wait min | P90 wait min | utilization | vs baseline: mean wait min",
        axes.join(" | ")
    );
    for ((values, _), point) in table.iter().zip(points) {
        let summary = &point.summary;
        for (i, site) in summary.sites.iter().enumerate() {
            let vs = summary
                .vs_baseline
                .as_ref()
                .and_then(|v| v.get(i))
                .map_or_else(|| "-".to_owned(), |c| pm(&c.mean_wait_min, 2));
            let _ = writeln!(
                out,
                "{} | {} | {} | {} | {} | {}",
                values.join(" | "),
                site.name,
                pm(&site.mean_wait_min, 2),
                pm(&site.p90_wait_min, 2),
                pm(&site.utilization, 3),
                vs
            );
        }
    }
    out
}

/// Writes a results folder all or nothing, with its manifest ([`navbat_record::folder`]):
/// an earlier navbat folder there is replaced whole, anything else is refused. A table that
/// holds a number that is not finite is refused first: saved results never hold one.
pub(crate) fn write_files(dir: &Path, files: &[(&str, Vec<u8>)]) -> miette::Result<()> {
    for (name, bytes) in files {
        if name.ends_with(".csv")
            && let Some((line, col, column)) = navbat_record::folder::first_non_finite(bytes)
        {
            return Err(miette::miette!(
                "{name}, line {line}, column {col} ({column}): the run produced a number that \
                 is not finite; nothing was written to {}",
                dir.display()
            ));
        }
    }
    navbat_record::folder::write_folder(dir, files)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot write the results folder {}", dir.display()))
}

/// A hidden name beside `path` for writing it before it is renamed into place: no file of the
/// user's (`cases.partial`, say) is ever overwritten or removed on the way.
fn hidden_temp(path: &Path) -> std::path::PathBuf {
    let name = path.file_name().map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

/// Writes `bytes` to `path` through a hidden temporary file, synced, then renamed.
fn write_atomic(path: &Path, bytes: &[u8]) -> miette::Result<()> {
    use std::io::Write as _;
    let tmp = hidden_temp(path);
    let written = std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}
