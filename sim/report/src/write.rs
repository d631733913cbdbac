//! Writing the report's files: all into a fresh directory beside the target, then one rename.

use std::path::{Path, PathBuf};

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

/// Writes `text` to `path` and flushes it to the disk before returning.
fn write(path: &Path, text: &str) -> Result<(), ReportError> {
    use std::io::Write as _;
    let mut file = std::fs::File::create(path).map_err(io(path))?;
    file.write_all(text.as_bytes()).map_err(io(path))?;
    file.sync_all().map_err(io(path))
}

/// The marker every report folder carries: the relative paths of the files navbat wrote
/// there, one a line. Only a folder whose every file the marker lists may be replaced.
pub const REPORT_MARKER: &str = ".navbat-report";

/// Reads the results in `results_dir` (as written by `navbat run --baseline --out DIR`) and
/// writes the evaluation report to `out_dir`: `index.html`, `report.md`, `charts/*.png`,
/// `data/*.csv` and the marker [`REPORT_MARKER`].
///
/// `out_dir` must not exist, be empty, or hold an earlier report and nothing else (every
/// file listed in its marker); it is then replaced as a whole. It may not be the results
/// directory, nor contain it or lie inside it. On error nothing is left at `out_dir` that was
/// not there before, and nothing navbat did not write is ever deleted.
pub fn write_report(results_dir: &Path, out_dir: &Path) -> Result<ReportFiles, ReportError> {
    let results = input::load(results_dir)?;
    let out_dir = &resolve(out_dir)?;
    let results_real = std::fs::canonicalize(results_dir).map_err(io(results_dir))?;
    if out_dir.starts_with(&results_real) || results_real.starts_with(out_dir) {
        return Err(ReportError::OutDirInUse {
            path: out_dir.clone(),
            reason: format!(
                "is, contains or lies inside the results directory {}",
                results_real.display()
            ),
        });
    }
    check_replaceable(out_dir)?;
    let report = build(&results);

    let (parent, leaf) = match (out_dir.parent(), out_dir.file_name()) {
        (Some(p), Some(l)) => (p.to_path_buf(), l.to_string_lossy().into_owned()),
        _ => {
            return Err(ReportError::OutDirInUse {
                path: out_dir.clone(),
                reason: "is the root of the file system".to_owned(),
            });
        }
    };
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    let tmp = parent.join(format!(".{leaf}.partial-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
    }
    let names = match write_all(&report, &tmp) {
        Ok(names) => names,
        Err(e) => {
            // Best effort: the partial directory is ours and hidden; the error is what matters.
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    if out_dir.exists() {
        let old = parent.join(format!(".{leaf}.old-{}", std::process::id()));
        std::fs::rename(out_dir, &old).map_err(io(out_dir))?;
        std::fs::rename(&tmp, out_dir).map_err(io(out_dir))?;
        std::fs::remove_dir_all(&old).map_err(io(&old))?;
    } else {
        std::fs::rename(&tmp, out_dir).map_err(io(out_dir))?;
    }
    sync_dir(&parent)?;
    Ok(ReportFiles {
        html: out_dir.join("index.html"),
        markdown: out_dir.join("report.md"),
        charts: names.0.iter().map(|n| out_dir.join("charts").join(format!("{n}.png"))).collect(),
        data: names.1.iter().map(|n| out_dir.join("data").join(format!("{n}.csv"))).collect(),
    })
}

/// `path` made absolute with `.` and `..` resolved (through the deepest part that exists),
/// so that `.` or `reports/..` name a real folder with a parent.
fn resolve(path: &Path) -> Result<PathBuf, ReportError> {
    let absolute = std::path::absolute(path).map_err(io(path))?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut real = std::fs::canonicalize(existing).map_err(io(existing))?;
    for name in rest.into_iter().rev() {
        if name == ".." {
            real.pop();
        } else if name != "." {
            real.push(name);
        }
    }
    Ok(real)
}

/// Whether `out_dir` may be replaced: absent, empty, or an earlier report holding only the
/// files its marker lists.
fn check_replaceable(out_dir: &Path) -> Result<(), ReportError> {
    let in_use = |reason: String| ReportError::OutDirInUse { path: out_dir.to_path_buf(), reason };
    if !out_dir.exists() {
        return Ok(());
    }
    if !out_dir.is_dir() {
        return Err(in_use("is a file, not a folder".to_owned()));
    }
    if std::fs::read_dir(out_dir).map_err(io(out_dir))?.next().is_none() {
        return Ok(());
    }
    let marker = out_dir.join(REPORT_MARKER);
    let Ok(listed) = std::fs::read_to_string(&marker) else {
        return Err(in_use(format!(
            "is not empty and holds no navbat report (no {REPORT_MARKER} marker)"
        )));
    };
    let listed: std::collections::BTreeSet<&str> = listed.lines().collect();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let dir = out_dir.join(&rel);
        for entry in std::fs::read_dir(&dir).map_err(io(&dir))? {
            let entry = entry.map_err(io(&dir))?;
            let rel = rel.join(entry.file_name());
            let kind = entry.file_type().map_err(io(&entry.path()))?;
            let name = rel.to_string_lossy();
            if kind.is_dir() && (name == "charts" || name == "data") {
                stack.push(rel);
            } else if !(kind.is_file() && (name == REPORT_MARKER || listed.contains(&*name))) {
                return Err(in_use(format!(
                    "holds {name}, which navbat did not write there (an earlier report's \
                     {REPORT_MARKER} does not list it)"
                )));
            }
        }
    }
    Ok(())
}

/// Flushes a folder's entries (new names, renames) to the disk.
fn sync_dir(dir: &Path) -> Result<(), ReportError> {
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))
}

/// Writes everything into `dir`; returns the chart and data file stems.
fn write_all(
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
                let png = charts_dir.join(format!("{}.png", c.name));
                c.png(&png)?;
                std::fs::File::open(&png).and_then(|f| f.sync_all()).map_err(io(&png))?;
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
    let mut listed = vec!["index.html".to_owned(), "report.md".to_owned()];
    listed.extend(charts.iter().map(|c| format!("charts/{c}.png")));
    listed.extend(data.iter().map(|d| format!("data/{d}.csv")));
    write(&dir.join(REPORT_MARKER), &(listed.join("\n") + "\n"))?;
    for d in [&charts_dir, &data_dir, dir] {
        sync_dir(d)?;
    }
    Ok((charts, data))
}
