//! Reading a results directory written by `navbat run [--baseline] --out DIR`. What the run
//! and its scenario were comes from `run.json` ([`RunFile`]); `scenario.ron` is kept for
//! auditors and listed, never parsed.

use std::path::{Path, PathBuf};

use navbat_record::{
    BackOfficeRow, BreakdownRow, ExpansionRow, FaceRow, RunFile, RunMeta, SELFCHECK_FORMAT,
    ScenarioOutline, SelectionRow, SelfcheckFile, SensitivityRow, SiteRecord,
};

use crate::ReportError;

/// Everything the report reads, as loaded.
#[derive(Debug, Clone)]
pub(crate) struct Results {
    /// `run.json`: how the results were produced.
    pub(crate) meta: RunMeta,
    /// `run.json`: the scenario as simulated.
    pub(crate) scenario: ScenarioOutline,
    pub(crate) pilot: Vec<SiteRecord>,
    /// `baseline.csv`, absent when the run had no `--baseline`.
    pub(crate) baseline: Option<Vec<SiteRecord>>,
    pub(crate) breakdown: Vec<BreakdownRow>,
    /// `face.csv`, absent when Face-ID was off.
    pub(crate) face: Option<Vec<FaceRow>>,
    /// `backoffice.csv`, absent without case workflows.
    pub(crate) back_office: Option<Vec<BackOfficeRow>>,
    /// `expansion.csv`, absent without an expansion experiment.
    pub(crate) expansion: Option<Vec<ExpansionRow>>,
    /// `sensitivity.csv`, absent without a sensitivity experiment.
    pub(crate) sensitivity: Option<Vec<SensitivityRow>>,
    /// `selection.csv`, the expansion's ranking and selection, absent without it.
    pub(crate) selection: Option<Vec<SelectionRow>>,
    /// `confirmation.csv`, the selected counts on fresh replications.
    pub(crate) confirmation: Option<Vec<ExpansionRow>>,
    /// `selfcheck.json`: the engine's self-checks on the build that made the run, when the
    /// run was given one (`navbat run --selfcheck FILE`).
    pub(crate) selfcheck: Option<SelfcheckFile>,
    /// `screening.json`, the Morris screening of the estimates, absent without
    /// `--sensitivity`.
    pub(crate) screening: Option<navbat_record::screening::Screening>,
    /// Every file of the results directory with its CSV header (empty for files that are not
    /// CSV), sorted by name: the personal-data statement lists them.
    pub(crate) columns: Vec<(String, Vec<String>)>,
}

impl Results {
    /// True for a site the scenario names as an extension candidate.
    pub(crate) fn is_candidate(&self, site: &str) -> bool {
        self.scenario.is_candidate(site)
    }
}

fn read_text(path: PathBuf) -> Result<String, ReportError> {
    std::fs::read_to_string(&path).map_err(|source| ReportError::Io { path, source })
}

/// Reads `path` when it exists; `None` when it does not.
fn read_optional_csv<T: serde::de::DeserializeOwned>(
    path: PathBuf,
) -> Result<Option<Vec<T>>, ReportError> {
    if path.is_file() { read_csv(path).map(Some) } else { Ok(None) }
}

/// Every file in `dir` with the header of the `*.csv` ones, sorted by file name.
fn csv_headers(dir: &Path) -> Result<Vec<(String, Vec<String>)>, ReportError> {
    let io = |source| ReportError::Io { path: dir.to_path_buf(), source };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        if !path.is_file() || name == navbat_record::folder::MANIFEST {
            continue;
        }
        if !name.ends_with(".csv") {
            out.push((name, Vec::new()));
            continue;
        }
        let mut reader = csv::Reader::from_path(&path)
            .map_err(|source| ReportError::Csv { path: path.clone(), source })?;
        let header = reader
            .headers()
            .map_err(|source| ReportError::Csv { path: path.clone(), source })?
            .iter()
            .map(str::to_owned)
            .collect();
        out.push((name, header));
    }
    out.sort();
    Ok(out)
}

/// Reads `selfcheck.json` when it exists: of this layout, with checks.
fn read_selfcheck(path: PathBuf) -> Result<Option<SelfcheckFile>, ReportError> {
    if !path.is_file() {
        return Ok(None);
    }
    let text = read_text(path.clone())?;
    let file: SelfcheckFile =
        serde_json::from_str(&text).map_err(|e| ReportError::Inconsistent {
            path: path.clone(),
            message: format!("line {}, column {}: {e}", e.line(), e.column()),
        })?;
    if file.format != SELFCHECK_FORMAT || file.checks.is_empty() {
        return Err(ReportError::Inconsistent {
            path,
            message: format!(
                "layout {} with {} checks; this report reads layout {SELFCHECK_FORMAT} with checks",
                file.format,
                file.checks.len()
            ),
        });
    }
    Ok(Some(file))
}

fn read_csv<T: serde::de::DeserializeOwned>(path: PathBuf) -> Result<Vec<T>, ReportError> {
    let bytes =
        std::fs::read(&path).map_err(|source| ReportError::Io { path: path.clone(), source })?;
    if let Some((line, col, name)) = navbat_record::folder::first_non_finite(&bytes) {
        return Err(ReportError::Inconsistent {
            path,
            message: format!(
                "line {line}, column {col} ({name}): not a finite number; saved results never hold one"
            ),
        });
    }
    let mut reader = csv::Reader::from_path(&path)
        .map_err(|source| ReportError::Csv { path: path.clone(), source })?;
    reader
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .map_err(|source| ReportError::Csv { path, source })
}

/// Loads and cross-checks a results directory.
///
/// The folder must match its manifest (no file changed, missing or added since navbat wrote
/// it, so never a mix of two runs), and `scenario.ron` must have the SHA-256 `run.json` names.
pub(crate) fn load(dir: &Path) -> Result<Results, ReportError> {
    navbat_record::folder::verify_folder(dir)?;
    let run_path = dir.join("run.json");
    if !run_path.exists() && dir.join("shard.json").exists() {
        return Err(ReportError::Inconsistent {
            path: dir.to_path_buf(),
            message: "is one shard of a run (shard.json), not a run's results: put the shards \
                      together with `navbat merge SHARD... --out DIR` and report on DIR"
                .to_owned(),
        });
    }
    let RunFile { run: meta, scenario, .. } = RunFile::from_json(&read_text(run_path.clone())?)
        .map_err(|source| ReportError::RunFile { path: run_path, source })?;
    let scenario_path = dir.join("scenario.ron");
    let scenario_text = std::fs::read(&scenario_path)
        .map_err(|source| ReportError::Io { path: scenario_path.clone(), source })?;
    if navbat_record::folder::sha256_hex(&scenario_text) != meta.scenario_sha256 {
        return Err(ReportError::Inconsistent {
            path: scenario_path,
            message: "its SHA-256 is not the scenario_sha256 run.json records: the results \
                      and the scenario they came from no longer belong together"
                .to_owned(),
        });
    }
    let pilot: Vec<SiteRecord> = read_csv(dir.join("replications.csv"))?;
    let baseline: Option<Vec<SiteRecord>> = read_optional_csv(dir.join("baseline.csv"))?;
    let breakdown: Vec<BreakdownRow> = read_csv(dir.join("breakdown.csv"))?;
    let face: Option<Vec<FaceRow>> = read_optional_csv(dir.join("face.csv"))?;
    let back_office: Option<Vec<BackOfficeRow>> = read_optional_csv(dir.join("backoffice.csv"))?;
    let expansion: Option<Vec<ExpansionRow>> = read_optional_csv(dir.join("expansion.csv"))?;
    let sensitivity: Option<Vec<SensitivityRow>> = read_optional_csv(dir.join("sensitivity.csv"))?;
    let selection: Option<Vec<SelectionRow>> = read_optional_csv(dir.join("selection.csv"))?;
    let confirmation: Option<Vec<ExpansionRow>> = read_optional_csv(dir.join("confirmation.csv"))?;
    let selfcheck = read_selfcheck(dir.join("selfcheck.json"))?;
    let screening_path = dir.join("screening.json");
    let screening = if screening_path.is_file() {
        let text = read_text(screening_path.clone())?;
        Some(serde_json::from_str(&text).map_err(|e| ReportError::Inconsistent {
            path: screening_path,
            message: format!("line {}, column {}: {e}", e.line(), e.column()),
        })?)
    } else {
        None
    };
    let columns = csv_headers(dir)?;
    let inconsistent =
        |file: &str, message: String| ReportError::Inconsistent { path: dir.join(file), message };
    if pilot.is_empty() {
        return Err(inconsistent("replications.csv", "no replications".to_owned()));
    }
    let paired = baseline.as_deref().unwrap_or(&[]);
    if baseline.is_some() && pilot.len() != paired.len() {
        return Err(inconsistent(
            "baseline.csv",
            format!("{} rows, but replications.csv has {}", paired.len(), pilot.len()),
        ));
    }
    for (p, b) in pilot.iter().zip(paired) {
        if p.replication != b.replication || p.site != b.site {
            return Err(inconsistent(
                "baseline.csv",
                format!(
                    "row for replication {} at {} does not pair with replication {} at {}",
                    b.replication, b.site, p.replication, p.site
                ),
            ));
        }
    }
    let known = |site: &str| scenario.site(site).is_some();
    let unknown = |file: &str, site: &str| {
        inconsistent(file, format!("site {site:?} is not among run.json's scenario sites"))
    };
    if let Some(p) = pilot.iter().find(|p| !known(&p.site)) {
        return Err(unknown("replications.csv", &p.site));
    }
    if let Some(f) = face.iter().flatten().find(|f| !known(&f.site)) {
        return Err(unknown("face.csv", &f.site));
    }
    if let Some(c) = scenario.candidates.iter().find(|c| !known(c)) {
        return Err(unknown("run.json", c));
    }
    if let Some(e) = confirmation.iter().flatten().find(|e| !known(&e.site)) {
        return Err(unknown("confirmation.csv", &e.site));
    }
    if let Some(e) = selection.iter().flatten().find(|e| !known(&e.site)) {
        return Err(unknown("selection.csv", &e.site));
    }
    if let Some(e) = expansion.iter().flatten().find(|e| !known(&e.site)) {
        return Err(unknown("expansion.csv", &e.site));
    }
    if let Some(s) =
        sensitivity.iter().flatten().find(|s| !["low", "base", "high"].contains(&s.level.as_str()))
    {
        return Err(inconsistent(
            "sensitivity.csv",
            format!("level {:?} of {:?} is not low, base or high", s.level, s.assumption),
        ));
    }
    Ok(Results {
        meta,
        scenario,
        pilot,
        baseline,
        breakdown,
        face,
        back_office,
        expansion,
        sensitivity,
        selection,
        confirmation,
        selfcheck,
        screening,
        columns,
    })
}
