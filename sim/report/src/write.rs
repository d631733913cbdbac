//! Writing the report's files: all into a fresh directory beside the target, then one rename.

use std::path::{Path, PathBuf};

use navbat_record::folder;

use crate::build::build;
use crate::doc::{self, Block};
use crate::{ReportError, input};

/// The files of a written report.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReportFiles {
    /// The self-contained HTML page.
    pub html: PathBuf,
    /// The Markdown text, with charts as PNG under `charts/`.
    pub markdown: PathBuf,
    /// One PNG per chart.
    pub charts: Vec<PathBuf>,
    /// One CSV per chart and table: the numbers behind them.
    pub data: Vec<PathBuf>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ReportError + '_ {
    move |source| ReportError::Io { path: path.to_path_buf(), source }
}

fn write(path: &Path, text: &str) -> Result<(), ReportError> {
    std::fs::write(path, text).map_err(io(path))
}

/// Reads the results in `results_dir` (as written by `navbat run --baseline --out DIR`) and
/// writes the evaluation report to `out_dir`: `index.html`, `report.md`, `charts/*.png`,
/// `data/*.csv` and the folder's manifest ([`navbat_record::folder::MANIFEST`]).
///
/// `out_dir` must not exist, be empty, or hold an earlier report and nothing else (every
/// file listed in its manifest); it is then replaced as a whole. It may not be the results
/// directory, nor contain it or lie inside it. On error nothing is left at `out_dir` that was
/// not there before, and nothing navbat did not write is ever deleted.
pub fn write_report(results_dir: &Path, out_dir: &Path) -> Result<ReportFiles, ReportError> {
    let results = input::load(results_dir)?;
    folder::check_apart(out_dir, results_dir)?;
    let out_dir = &folder::resolve(out_dir)?;
    folder::check_replaceable(out_dir)?;
    let report = build(&results);
    let mut names = (Vec::new(), Vec::new());
    folder::write_folder_with(out_dir, |tmp: &Path| {
        names = write_all(&report, tmp)?;
        Ok::<(), ReportError>(())
    })?;
    Ok(ReportFiles {
        html: out_dir.join("index.html"),
        markdown: out_dir.join("report.md"),
        charts: names.0.iter().map(|n| out_dir.join("charts").join(format!("{n}.png"))).collect(),
        data: names.1.iter().map(|n| out_dir.join("data").join(format!("{n}.csv"))).collect(),
    })
}

/// Writes everything into `dir`; returns the chart and data file stems.
pub(crate) fn write_all(
    report: &crate::build::Report,
    dir: &Path,
) -> Result<(Vec<String>, Vec<String>), ReportError> {
    let charts_dir = dir.join("charts");
    let data_dir = dir.join("data");
    for d in [dir, &charts_dir, &data_dir] {
        std::fs::create_dir_all(d).map_err(io(d))?;
    }
    let mut svgs = Vec::new();
    let mut charts = Vec::new();
    let mut data = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for b in report.blocks.iter().chain(&report.footer) {
        let name = match b {
            Block::Chart(c) => &c.name,
            Block::Table(t) => &t.name,
            _ => continue,
        };
        // Two blocks writing one data file would leave one without its numbers.
        if !seen.insert(name.clone()) {
            return Err(ReportError::Chart {
                chart: name.clone(),
                message: "two charts or tables share this data file name".to_owned(),
            });
        }
        match b {
            Block::Chart(c) => {
                svgs.push(c.svg()?);
                c.png(&charts_dir.join(format!("{}.png", c.name)))?;
                write(&data_dir.join(format!("{}.csv", c.name)), &c.csv())?;
                charts.push(c.name.clone());
                data.push(c.name.clone());
            }
            Block::Table(t) => {
                write(&data_dir.join(format!("{}.csv", t.name)), &t.csv())?;
                data.push(t.name.clone());
            }
            _ => {}
        }
    }
    write(
        &dir.join("index.html"),
        &doc::html(&report.title, &report.blocks, &svgs, &report.footer),
    )?;
    write(&dir.join("report.md"), &doc::markdown(&report.title, &report.blocks, &report.footer))?;
    Ok((charts, data))
}
