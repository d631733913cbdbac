//! Integration tests of navbat-report: the report of a small saved run (fixture made by the
//! CLI, see `tests/fixtures/README.md`) is stable, self-contained, fully charted and agrees
//! with its own data files.
//!
//! The golden report is the committed sample, `reports/sample/` (the fixture's report).
//! Refresh it after an intended change with `NAVBAT_BLESS=1 cargo test -p navbat-report`
//! (it rewrites the whole folder, charts included), then review the diff.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test stops at the first failed assumption, helpers included"
)]

mod handmade;
mod html_check;

use std::path::{Path, PathBuf};

use navbat_report::{ReportError, write_report};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small-run")
}

/// A fresh output path under the temp dir, unique to this test.
fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("navbat-report-it-{}-{name}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("clear old test output");
    }
    dir
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_path(path).expect("open csv");
    r.records().map(|rec| rec.expect("csv record").iter().map(str::to_owned).collect()).collect()
}

/// Writes the fixture's report once per test that asks (tests run in parallel).
fn report(name: &str) -> PathBuf {
    let out = out_dir(name);
    write_report(&fixture(), &out).expect("report of the fixture");
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

#[test]
fn report_of_the_fixture_matches_the_golden_files() {
    let out = report("golden");
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../reports/sample");
    let mut files: Vec<String> = vec!["index.html".to_owned(), "report.md".to_owned()];
    let mut data: Vec<String> = std::fs::read_dir(out.join("data"))
        .expect("data dir")
        .map(|e| format!("data/{}", e.expect("entry").file_name().to_string_lossy()))
        .collect();
    data.sort();
    files.extend(data);
    let listing = files.join("\n") + "\n";
    let bless = std::env::var_os("NAVBAT_BLESS").is_some();
    if bless {
        // The sample is the whole report: charts too.
        let _ = std::fs::remove_dir_all(&golden);
        copy_dir(&out, &golden);
    }
    let mut mismatches = Vec::new();
    for (name, text) in std::iter::once(("files.txt".to_owned(), listing))
        .chain(files.iter().map(|f| (f.clone(), read(&out.join(f)))))
    {
        let path = golden.join(&name);
        if bless {
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir golden");
            std::fs::write(&path, &text).expect("write golden");
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            mismatches.push(name);
        }
    }
    assert!(
        mismatches.is_empty(),
        "differs from reports/sample (refresh with NAVBAT_BLESS=1 cargo test -p navbat-report \
         if intended; output in {}): {mismatches:?}",
        out.display()
    );
    std::fs::remove_dir_all(&out).expect("clean up");
}

/// The report in `out` is well formed and references nothing outside itself.
fn check_html(out: &Path) {
    let html = read(&out.join("index.html"));
    if let Err(e) = html_check::check_balanced(&html) {
        panic!("index.html is not well formed: {e}");
    }
    let lower = html.to_ascii_lowercase();
    for needle in ["http:", "https:", "src=", "@import", "<link", "<script", "url("] {
        assert!(!lower.contains(needle), "index.html contains {needle:?}");
    }
    for href in lower.split("href=\"").skip(1) {
        assert!(href.starts_with('#'), "external link: href=\"{}", &href[..href.len().min(40)]);
    }
}

/// Every chart of the report in `out` has an SVG that draws, a CSV with a non-zero value, a
/// PNG and a Markdown link; returns the chart names.
fn check_charts(out: &Path) -> Vec<String> {
    let html = read(&out.join("index.html"));
    let md = read(&out.join("report.md"));
    let names: Vec<String> = html
        .split("<figure id=\"chart-")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_owned)
        .collect();
    for (name, figure) in names.iter().zip(html.split("<figure id=\"chart-").skip(1)) {
        let figure = figure.split("</figure>").next().unwrap_or_default();
        assert!(figure.contains("<svg"), "{name}: no SVG");
        assert!(
            figure.contains("<rect") || figure.contains("<polyline"),
            "{name}: SVG draws no data"
        );
        let rows = csv_rows(&out.join("data").join(format!("{name}.csv")));
        assert!(rows.len() >= 2, "{name}: data file has no rows");
        let nonzero =
            rows.iter().skip(1).flatten().any(|c| c.parse::<f64>().is_ok_and(|x| x != 0.0));
        assert!(nonzero, "{name}: every value is zero or missing");
        let png = std::fs::read(out.join("charts").join(format!("{name}.png"))).expect("png");
        assert!(
            png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 5_000,
            "{name}: PNG too small"
        );
        assert!(md.contains(&format!("](charts/{name}.png)")), "{name}: not in report.md");
    }
    names
}

/// Every table's data file (every CSV that is not a chart's) appears row by row, cell for
/// cell, in the Markdown and in the HTML.
fn check_tables(out: &Path, charts: &[String]) {
    let md = read(&out.join("report.md"));
    // Cells as written, without the alignment class of text columns.
    let plain = read(&out.join("index.html")).replace("<td class=\"l\">", "<td>");
    let mut tables = 0;
    for entry in std::fs::read_dir(out.join("data")).expect("data") {
        let path = entry.expect("entry").path();
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        if charts.contains(&stem) {
            continue;
        }
        tables += 1;
        let rows = csv_rows(&path);
        assert!(rows.len() >= 2, "{stem}: table without rows");
        for row in &rows {
            let cells: Vec<String> = row.iter().map(|c| c.replace('|', "\\|")).collect();
            assert!(
                md.contains(&format!("| {} |", cells.join(" | "))),
                "{stem}: {row:?} not in report.md"
            );
        }
        for row in &rows[1..] {
            let cells: Vec<String> = row
                .iter()
                .map(|c| {
                    c.replace('&', "&amp;")
                        .replace('<', "&lt;")
                        .replace('>', "&gt;")
                        .replace('"', "&quot;")
                        .replace('\'', "&#39;")
                })
                .collect();
            let joined: String = cells.iter().map(|c| format!("<td>{c}</td>")).collect();
            assert!(plain.contains(&joined), "{stem}: {row:?} not in index.html");
        }
    }
    assert!(tables > 0, "no tables");
}

#[test]
fn html_is_well_formed_and_references_nothing_outside_itself() {
    let out = report("html");
    check_html(&out);
    // The checker itself must reject broken markup.
    assert!(html_check::check_balanced("<p><b>x</p></b>").is_err());
    assert!(html_check::check_balanced("<div><p>x</p>").is_err());
    std::fs::remove_dir_all(&out).expect("clean up");
}

#[test]
fn every_chart_has_data_svg_and_png() {
    let out = report("charts");
    let names = check_charts(&out);
    assert!(names.len() >= 10, "expected the summary charts and five per site: {names:?}");
    check_tables(&out, &names);
    std::fs::remove_dir_all(&out).expect("clean up");
}

#[test]
fn numbers_in_the_text_equal_those_in_the_data_files() {
    let out = report("numbers");
    let html = read(&out.join("index.html"));
    let md = read(&out.join("report.md"));
    let summary = csv_rows(&out.join("data/summary.csv"));
    assert_eq!(
        summary[0],
        [
            "Site",
            "Measure",
            "Unit",
            "Pilot",
            "Baseline",
            "Difference",
            "95 % CI low",
            "95 % CI high",
            "Detectable difference",
            "Interval"
        ]
    );
    let mut phrases = 0;
    for row in &summary[1..] {
        let (measure, unit, diff, lo, hi) = (&row[1], &row[2], &row[5], &row[6], &row[7]);
        // The table cells, in both renderings.
        let cells = format!("<td>{diff}</td><td>{lo}</td><td>{hi}</td>");
        assert!(html.contains(&cells), "table row not in HTML: {row:?}");
        assert!(md.contains(&format!("| {diff} | {lo} | {hi} |")), "row not in Markdown: {row:?}");
        // The executive-summary sentences quote the same strings.
        // Per site, the sentences quote these; across sites, the first two.
        let quoted: &[&str] = if row[0] == "All pilot sites" {
            &["Mean wait", "Officer-free"]
        } else {
            &["Mean wait", "P90", "End-to-end", "Officer-free", "Cost per transaction"]
        };
        if quoted.iter().any(|q| measure.starts_with(q)) {
            let unit = if unit == "%" { "percentage points" } else { unit.as_str() };
            let phrase = format!("{diff} {unit} (95 % CI {lo} to {hi})");
            assert!(md.contains(&phrase) && html.contains(&phrase), "sentence lacks {phrase:?}");
            phrases += 1;
        }
    }
    assert!(phrases >= 10, "expected headline sentences for both sites, found {phrases}");

    // The paired differences agree with the simulator's own summary.json.
    let json: serde_json::Value =
        serde_json::from_str(&read(&fixture().join("summary.json"))).expect("summary.json");
    let vs = json["vs_baseline"].as_array().expect("vs_baseline");
    let run = navbat_record::RunFile::from_json(&read(&fixture().join("run.json")))
        .expect("fixture run.json");
    let mut compared = 0;
    for site in vs {
        let name = site["name"].as_str().expect("name");
        if run.scenario.is_candidate(name) {
            // Candidates are weighed in the expansion proposal, not in the pilot's table.
            assert!(summary.iter().all(|r| !r[0].to_lowercase().contains("samarkand")));
            continue;
        }
        compared += 1;
        let mean = site["mean_wait_min"]["mean"].as_f64().expect("mean wait");
        let freed = site["officer_hours_freed"]["mean"].as_f64().expect("freed");
        let row_of = |prefix: &str| {
            summary[1..]
                .iter()
                .find(|r| r[0].to_lowercase().starts_with(name) && r[1].starts_with(prefix))
                .unwrap_or_else(|| panic!("no {prefix} row for {name}"))
                .clone()
        };
        assert_eq!(row_of("Mean wait")[5], format!("{mean:.2}"), "{name}: mean wait");
        assert_eq!(row_of("Officer busy hours")[5], format!("{freed:.0}"), "{name}: hours freed");
    }
    assert_eq!(compared, 2, "both pilot sites compared with summary.json");

    // Operations tables: every cell is in the Markdown.
    for entry in std::fs::read_dir(out.join("data")).expect("data") {
        let path = entry.expect("entry").path();
        if path.to_string_lossy().ends_with("-operations.csv") {
            for row in csv_rows(&path).iter().skip(1) {
                assert!(md.contains(&format!("| {} |", row.join(" | "))), "{row:?}");
            }
        }
    }
    std::fs::remove_dir_all(&out).expect("clean up");
}

#[test]
fn bad_input_is_an_error_and_leaves_nothing_behind() {
    let out = out_dir("missing");
    let err = write_report(Path::new("/nonexistent/navbat-results"), &out).unwrap_err();
    assert!(matches!(err, ReportError::Io { .. }), "{err}");
    assert!(!out.exists());

    // A results directory whose baseline does not pair with the pilot.
    let broken = out_dir("broken-input");
    std::fs::create_dir_all(&broken).expect("mkdir");
    for f in ["run.json", "scenario.ron", "replications.csv", "breakdown.csv"] {
        std::fs::copy(fixture().join(f), broken.join(f)).expect("copy");
    }
    let baseline = read(&fixture().join("baseline.csv"));
    let lines: Vec<&str> = baseline.lines().collect();
    std::fs::write(broken.join("baseline.csv"), lines[..lines.len() - 1].join("\n") + "\n")
        .expect("write");
    navbat_record::folder::seal_folder(&broken).expect("manifest");
    let err = write_report(&broken, &out).unwrap_err();
    assert!(matches!(err, ReportError::Inconsistent { .. }), "{err}");
    assert!(!out.exists());

    // A results directory of the layout before run.json held the scenario's outline: the
    // error names the layout and says how to make the results again.
    let old = out_dir("old-layout");
    std::fs::create_dir_all(&old).expect("mkdir");
    for f in ["scenario.ron", "replications.csv", "breakdown.csv"] {
        std::fs::copy(fixture().join(f), old.join(f)).expect("copy");
    }
    let mut meta: serde_json::Value =
        serde_json::from_str(&read(&fixture().join("run.json"))).expect("run.json");
    if let Some(m) = meta.as_object_mut() {
        m.remove("format_version");
        m.remove("scenario");
    }
    std::fs::write(old.join("run.json"), meta.to_string()).expect("write");
    navbat_record::folder::seal_folder(&old).expect("manifest");
    let err = write_report(&old, &out).unwrap_err();
    assert!(
        matches!(
            &err,
            ReportError::RunFile { source: navbat_record::ResultsError::Layout { .. }, .. }
        ),
        "{err}"
    );
    let message = err.to_string();
    assert!(message.contains("run.json: results folder layout 1"), "{message}");
    assert!(message.contains("navbat run SCENARIO --out DIR"), "{message}");
    assert!(!out.exists());

    // An output directory holding other files is not replaced.
    let busy = out_dir("busy");
    std::fs::create_dir_all(&busy).expect("mkdir");
    std::fs::write(busy.join("notes.txt"), "keep me").expect("write");
    let err = write_report(&fixture(), &busy).unwrap_err();
    assert!(matches!(err, ReportError::OutDirInUse { .. }), "{err}");
    assert_eq!(read(&busy.join("notes.txt")), "keep me");

    // An earlier report, and nothing else, is replaced as a whole.
    let again = report("again");
    write_report(&fixture(), &again).expect("second report");
    assert!(again.join("index.html").is_file());
    // A file navbat did not write in an earlier report's folder stops the replacement.
    std::fs::write(again.join("data/stale.csv"), "mine").expect("write");
    let err = write_report(&fixture(), &again).unwrap_err();
    assert!(matches!(err, ReportError::OutDirInUse { .. }), "{err}");
    assert!(err.to_string().contains("data/stale.csv"), "{err}");
    assert_eq!(read(&again.join("data/stale.csv")), "mine");
    for d in [broken, old, busy, again] {
        std::fs::remove_dir_all(&d).expect("clean up");
    }
}

/// Regression: `navbat report RESULTS --out D`, with D holding an `index.html` beside a
/// document and a folder of photos, deleted them and exited 0.
#[test]
fn a_folder_with_an_index_html_and_other_files_is_never_replaced() {
    let out = out_dir("user-folder");
    std::fs::create_dir_all(out.join("photos")).expect("mkdir");
    std::fs::write(out.join("index.html"), "<p>my page</p>").expect("write");
    std::fs::write(out.join("letter.docx"), "a letter").expect("write");
    std::fs::write(out.join("photos/a.jpg"), "jpeg").expect("write");
    let err = write_report(&fixture(), &out).unwrap_err();
    assert!(matches!(err, ReportError::OutDirInUse { .. }), "{err}");
    assert_eq!(read(&out.join("index.html")), "<p>my page</p>");
    assert_eq!(read(&out.join("letter.docx")), "a letter");
    assert_eq!(read(&out.join("photos/a.jpg")), "jpeg");
    std::fs::remove_dir_all(&out).expect("clean up");
}

/// Regression: `navbat run --out X --report X` deleted the run's own results.
#[test]
fn the_results_folder_is_never_the_report_folder() {
    let results = out_dir("results-as-report");
    copy_dir(&fixture(), &results);
    for out in [
        results.clone(),
        results.join("report"),
        results.join("..").join(results.file_name().expect("name")),
    ] {
        let err = write_report(&results, &out).unwrap_err();
        assert!(matches!(err, ReportError::OutDirInUse { .. }), "{}: {err}", out.display());
    }
    let parent = results.parent().expect("parent").to_path_buf();
    let err = write_report(&results, &parent).unwrap_err();
    assert!(matches!(err, ReportError::OutDirInUse { .. }), "a folder holding the results: {err}");
    assert!(results.join("run.json").is_file() && results.join("replications.csv").is_file());
    assert!(!results.join("report").exists());
    std::fs::remove_dir_all(&results).expect("clean up");
}

/// Regression: over an earlier results folder, `--out` left a mix of two runs and `report`
/// accepted it; `report` did not check the saved scenario's SHA-256; NaN in a saved CSV
/// reached the report.
#[test]
fn a_results_folder_that_is_not_what_navbat_wrote_is_refused() {
    let out = out_dir("refused-report");
    // A file edited after the run.
    let edited = out_dir("edited");
    copy_dir(&fixture(), &edited);
    let text = read(&edited.join("baseline.csv")).replacen(",3", ",4", 1);
    std::fs::write(edited.join("baseline.csv"), text).expect("edit");
    let err = write_report(&edited, &out).unwrap_err();
    assert!(err.to_string().contains("baseline.csv"), "{err}");
    // A file of another run added.
    let mixed = out_dir("mixed");
    copy_dir(&fixture(), &mixed);
    std::fs::write(mixed.join("sweep.csv"), "point\n0\n").expect("add");
    let err = write_report(&mixed, &out).unwrap_err();
    assert!(err.to_string().contains("sweep.csv"), "{err}");
    // The scenario replaced, and the manifest made again to match.
    let swapped = out_dir("swapped");
    copy_dir(&fixture(), &swapped);
    std::fs::write(swapped.join("scenario.ron"), "Scenario(name: \"other\")").expect("swap");
    navbat_record::folder::seal_folder(&swapped).expect("manifest");
    let err = write_report(&swapped, &out).unwrap_err();
    assert!(err.to_string().contains("scenario_sha256"), "{err}");
    // A number that is not finite, in a folder whose manifest matches.
    let nan = out_dir("nan");
    copy_dir(&fixture(), &nan);
    let text = read(&nan.join("replications.csv"));
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let col = header.iter().position(|h| *h == "mean_wait_min").expect("column");
    let mut cells: Vec<String> = lines[2].split(',').map(str::to_owned).collect();
    cells[col] = "NaN".to_owned();
    lines[2] = cells.join(",");
    std::fs::write(nan.join("replications.csv"), lines.join("\n") + "\n").expect("write");
    navbat_record::folder::seal_folder(&nan).expect("manifest");
    let err = write_report(&nan, &out).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("replications.csv") && message.contains("line 3"), "{message}");
    assert!(message.contains(&format!("column {} (mean_wait_min)", col + 1)), "{message}");
    assert!(!out.exists());
    for d in [edited, mixed, swapped, nan] {
        std::fs::remove_dir_all(&d).expect("clean up");
    }
}
