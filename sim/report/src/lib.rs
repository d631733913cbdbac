//! navbat's one-year evaluation report: a saved run's results turned into a self-contained
//! HTML page, the same text in Markdown, and the numbers behind every chart and table.
//!
//! # Brief overview
//!
//! [`write_report`] reads a results directory written by `navbat run SCENARIO [--baseline]
//! --out DIR` — only `navbat-record` data, never the simulator nor the scenario file. It
//! needs `run.json` (how the run was made and the outline of its scenario, a
//! `navbat_record::RunFile` of the current layout), `replications.csv` and `breakdown.csv`;
//! `baseline.csv`, `face.csv`, `backoffice.csv`, `expansion.csv` and `sensitivity.csv` are
//! used when present, and a section whose input is absent says so in one sentence. The
//! saved `scenario.ron` is listed among the results files but not read. It writes:
//!
//! - `index.html`: one file with inline CSS and inline SVG charts, referencing nothing
//!   outside itself, laid out to print on A4;
//! - `report.md`: the same text, with charts as `charts/*.png`;
//! - `data/*.csv`: one file per chart and table; table cells are written exactly as shown.
//!
//! The report is first built as a list of blocks (headings, paragraphs, tables, charts) from
//! the numbers; HTML and Markdown are two renderings of that one list, so they cannot
//! disagree. Sections, in order: executive summary (five headline numbers, pilot sites
//! against the no-kiosk baseline paired by replication, and a recommendation by stated
//! rules), per district, identity and fairness, governance, costs and benefits, expansion
//! proposal (candidates ranked by net benefit per kiosk, a recommended kiosk count by a
//! printed rule, a tornado chart), method, reproducibility. Charts are drawn with plotters,
//! text in DejaVu Sans shipped with the crate (no system fonts), colours from the Okabe-Ito
//! palette.
//!
//! ```
//! let missing = std::env::temp_dir().join("navbat-report-doc-no-such-results");
//! let out = std::env::temp_dir().join("navbat-report-doc-out");
//! let err = navbat_report::write_report(&missing, &out).unwrap_err();
//! assert!(matches!(err, navbat_report::ReportError::Io { .. }), "{err}");
//! assert!(!out.exists(), "nothing is written when the input cannot be read");
//! ```

mod build;
mod calibration;
mod chart;
mod doc;
mod error;
mod expansion;
mod fairness;
mod governance;
mod input;
mod integrity;
mod method;
mod money;
mod screening;
mod selection;
mod site;
mod summary;
mod write;

pub use crate::calibration::{rewrite_calibration_report, write_calibration_folder};
pub use crate::error::ReportError;
pub use crate::write::{ReportFiles, write_report};
