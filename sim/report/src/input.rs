//! Reading a results directory written by `navbat run --baseline --out DIR`.

use std::path::{Path, PathBuf};

use navbat_record::{BreakdownRow, SiteRecord};
use navbat_scenario::RawScenario;
use serde::Deserialize;

use crate::ReportError;

/// `run.json`: how the results were produced.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct RunMeta {
    pub(crate) navbat_version: String,
    pub(crate) command: String,
    pub(crate) scenario_file: String,
    pub(crate) scenario_sha256: String,
    pub(crate) seed: u64,
    pub(crate) replications: u32,
    #[serde(default)]
    pub(crate) overrides: Vec<String>,
}

/// Everything the report reads, as loaded.
#[derive(Debug, Clone)]
pub(crate) struct Results {
    pub(crate) meta: RunMeta,
    pub(crate) scenario_text: String,
    pub(crate) scenario: RawScenario,
    pub(crate) pilot: Vec<SiteRecord>,
    pub(crate) baseline: Vec<SiteRecord>,
    pub(crate) breakdown: Vec<BreakdownRow>,
}

fn read_text(path: PathBuf) -> Result<String, ReportError> {
    std::fs::read_to_string(&path).map_err(|source| ReportError::Io { path, source })
}

fn read_csv<T: serde::de::DeserializeOwned>(path: PathBuf) -> Result<Vec<T>, ReportError> {
    let mut reader = csv::Reader::from_path(&path)
        .map_err(|source| ReportError::Csv { path: path.clone(), source })?;
    reader
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .map_err(|source| ReportError::Csv { path, source })
}

/// Loads and cross-checks a results directory.
pub(crate) fn load(dir: &Path) -> Result<Results, ReportError> {
    let meta_path = dir.join("run.json");
    let meta: RunMeta = serde_json::from_str(&read_text(meta_path.clone())?)
        .map_err(|source| ReportError::Json { path: meta_path, source })?;
    let scenario_text = read_text(dir.join("scenario.ron"))?;
    let scenario = navbat_scenario::parse_raw("scenario.ron", &scenario_text)
        .map_err(|e| ReportError::Scenario { message: e.to_string() })?;
    let pilot: Vec<SiteRecord> = read_csv(dir.join("replications.csv"))?;
    let baseline: Vec<SiteRecord> = read_csv(dir.join("baseline.csv"))?;
    let breakdown: Vec<BreakdownRow> = read_csv(dir.join("breakdown.csv"))?;
    let inconsistent =
        |file: &str, message: String| ReportError::Inconsistent { path: dir.join(file), message };
    if pilot.is_empty() {
        return Err(inconsistent("replications.csv", "no replications".to_owned()));
    }
    if pilot.len() != baseline.len() {
        return Err(inconsistent(
            "baseline.csv",
            format!("{} rows, but replications.csv has {}", baseline.len(), pilot.len()),
        ));
    }
    for (p, b) in pilot.iter().zip(&baseline) {
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
    for p in &pilot {
        if !scenario.sites.iter().any(|s| s.id == p.site) {
            return Err(inconsistent(
                "replications.csv",
                format!("site {:?} is not in scenario.ron", p.site),
            ));
        }
    }
    Ok(Results { meta, scenario_text, scenario, pilot, baseline, breakdown })
}
