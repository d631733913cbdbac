//! What a results folder says about how it was made: `run.json` (the run, and what readers
//! need to know of its scenario) and a sweep's `summary.json`.
//!
//! The CLI writes these types and the report reads them back through the same types, so the
//! two cannot drift apart. `run.json` carries a layout number ([`RESULTS_FORMAT`]); a folder
//! written with another layout is refused with [`ResultsError::Layout`] rather than read
//! wrongly.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::RunSummary;

/// The layout of a results folder that this navbat writes and reads (`run.json`'s
/// `format_version`). Layout 1, before the field existed, held no scenario outline: readers
/// parsed `scenario.ron` themselves.
pub const RESULTS_FORMAT: u32 = 2;

/// `run.json` of a results folder: how the run was made and the outline of the scenario as
/// simulated (after validation and `--set` overrides).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunFile {
    /// Layout of the results folder; [`RESULTS_FORMAT`] when written by this navbat.
    pub format_version: u32,
    /// How the run was made (written at the top level of the file, beside `format_version`).
    #[serde(flatten)]
    pub run: RunMeta,
    /// What readers need of the scenario; `scenario.ron` beside it holds the whole text.
    pub scenario: ScenarioOutline,
}

impl RunFile {
    /// Reads `run.json`'s text. The layout number is checked before anything else, so a
    /// folder written by an older or newer navbat gets [`ResultsError::Layout`] instead of a
    /// complaint about a missing or unknown field.
    ///
    /// ```
    /// let err = navbat_record::RunFile::from_json(r#"{"seed": 1}"#).unwrap_err();
    /// assert!(matches!(err, navbat_record::ResultsError::Layout { found: None, .. }), "{err}");
    /// ```
    pub fn from_json(text: &str) -> Result<Self, ResultsError> {
        #[derive(Deserialize)]
        struct Layout {
            format_version: Option<serde_json::Value>,
        }
        let layout: Layout =
            serde_json::from_str(text).map_err(|source| ResultsError::Json { source })?;
        match layout.format_version {
            Some(v) if v.as_u64() == Some(u64::from(RESULTS_FORMAT)) => {}
            found => {
                return Err(ResultsError::Layout {
                    found: found.map(|v| v.to_string()),
                    expected: RESULTS_FORMAT,
                });
            }
        }
        serde_json::from_str(text).map_err(|source| ResultsError::Json { source })
    }
}

/// How a run was made: enough to make every figure again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunMeta {
    /// navbat's version (the CLI package's).
    pub navbat_version: String,
    /// The command line, words joined by spaces.
    pub command: String,
    /// The scenario path given on the command line.
    pub scenario_file: String,
    /// SHA-256 of `scenario.ron` as saved, lowercase hex.
    pub scenario_sha256: String,
    /// Master seed.
    pub seed: u64,
    /// Replications.
    pub replications: u32,
    /// Whether the no-kiosk baseline was run (`baseline.csv`).
    pub baseline: bool,
    /// `--set` overrides, as given (`path=value`).
    pub overrides: Vec<String>,
    /// How the number of replications was chosen when `--precision` chose it; absent for a
    /// fixed `--replications`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<SequentialStop>,
}

/// Where Law & Kelton's sequential procedure stopped: replications were added until every
/// headline measure's 95 % half-width was within `adjusted` = γ/(1+γ) of its mean (so the
/// relative error is at most γ = `target`), or the cap was reached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SequentialStop {
    /// γ, the relative precision asked for (`--precision`).
    pub target: f64,
    /// γ/(1+γ), the half-width over the mean the procedure stops at.
    pub adjusted: f64,
    /// Replications of the first stage.
    pub initial: u32,
    /// Replications added at a time after it.
    pub step: u32,
    /// The most replications allowed (`--max-replications`).
    pub cap: u32,
    /// The worst relative half-width at the stop.
    pub reached: f64,
    /// True when the cap stopped the procedure before the precision was met.
    pub capped: bool,
    /// The measures watched, as `site: measure`.
    pub measures: Vec<String>,
}

/// What a results folder records of its scenario: names, places, prices and switches that a
/// report shows, taken from the validated scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioOutline {
    /// The scenario's short name.
    pub name: String,
    /// Its paragraph for readers (may be empty).
    pub description: String,
    /// The simulated period.
    pub horizon: HorizonDates,
    /// Public holidays, by date.
    pub holidays: Vec<HolidayDate>,
    /// Applicant segment ids.
    pub segments: Vec<String>,
    /// The services, in the scenario's order.
    pub services: Vec<ServiceName>,
    /// Every site, pilot and candidate, in the scenario's order.
    pub sites: Vec<SiteOutline>,
    /// Ids of the sites that are candidates for extension (the rest are pilot sites), in the
    /// scenario's order.
    pub candidates: Vec<String>,
    /// Face-ID settings; `None` when Face-ID was off.
    pub face_id: Option<FaceIdOutline>,
    /// Whether case workflows and the back office were simulated.
    pub workflows: bool,
    /// Prices; `None` when the scenario gives none.
    pub economics: Option<Prices>,
    /// Comments of `scenario.ron` that cite a source, by line.
    pub sources: Vec<SourceComment>,
    /// The extension rule's numbers; `None` in results written before navbat recorded them
    /// (the report then uses [`DecisionRule::DEFAULT`] and says so).
    #[serde(default)]
    pub decision: Option<DecisionRule>,
}

/// The numbers of the report's extension rule, from the scenario's `decision` block.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DecisionRule {
    /// Non-inferiority margin for abandonment: percentage points of arrivals a site may add.
    pub abandonment_margin_points: f64,
    /// Relative half-width of the 95 % interval the headline numbers must reach.
    pub precision: f64,
    /// Family-wise error rate of the verdicts across pilot sites (Holm).
    pub family_alpha: f64,
    /// True when the scenario stated the block; false when its defaults applied.
    pub stated: bool,
}

impl DecisionRule {
    /// The scenario loader's defaults (0.5 points, ±5 %, 5 %), not stated by a scenario.
    pub const DEFAULT: Self =
        Self { abandonment_margin_points: 0.5, precision: 0.05, family_alpha: 0.05, stated: false };
}

impl ScenarioOutline {
    /// The site with id `id`.
    pub fn site(&self, id: &str) -> Option<&SiteOutline> {
        self.sites.iter().find(|s| s.id == id)
    }

    /// True for a site the scenario names as an extension candidate.
    pub fn is_candidate(&self, id: &str) -> bool {
        self.candidates.iter().any(|c| c == id)
    }
}

/// The simulated period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HorizonDates {
    /// First simulated day, `YYYY-MM-DD`.
    pub start: String,
    /// Last simulated day (inclusive), `YYYY-MM-DD`.
    pub end: String,
    /// Days at the start whose applicants are left out of the statistics.
    pub warm_up_days: u32,
}

/// A public holiday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayDate {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// What it is.
    pub name: String,
}

/// A service's id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceName {
    /// Id, as in `breakdown.csv`.
    pub id: String,
    /// Human name.
    pub name: String,
}

/// A site as the scenario gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteOutline {
    /// Id, as in the CSV files' `site` column.
    pub id: String,
    /// Human name.
    pub name: String,
    /// District (tuman) or city; `"-"` or empty where there is none.
    pub district: String,
    /// Region (viloyat) or republic.
    pub region: String,
    /// Officer counters, all groups.
    pub counters: u32,
    /// Kiosks, all groups.
    pub kiosks: u32,
}

/// What a report needs of the Face-ID settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FaceIdOutline {
    /// A ratio between groups' error rates above this is flagged.
    pub flag_ratio: f64,
}

/// The scenario's `economics` block: kiosk costs, officer cost and the value of citizens'
/// time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prices {
    /// Currency code the amounts are in (e.g. `UZS`).
    pub currency: String,
    /// One kiosk, bought and installed.
    pub kiosk_capital: f64,
    /// Years over which a kiosk's capital is written off.
    pub kiosk_life_years: f64,
    /// One kiosk's running cost a year (maintenance, connectivity, consumables).
    pub kiosk_running_per_year: f64,
    /// One officer hour, fully loaded.
    pub officer_hour: f64,
    /// The value of one hour of a citizen's time.
    pub citizen_hour: f64,
}

/// A comment of the scenario file that cites where a parameter comes from: `[P: section]` (the
/// parameter register, with its published source) or `[est.]` (the modellers' estimate).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceComment {
    /// Line in `scenario.ron`, from 1.
    pub line: u32,
    /// The comment's text after `//`, trimmed.
    pub comment: String,
}

impl SourceComment {
    /// True when the comment cites the parameter register (`[P: ...]`).
    pub fn published(&self) -> bool {
        self.comment.contains("[P:")
    }

    /// True when the comment marks an estimate (`[est.]`).
    pub fn estimate(&self) -> bool {
        self.comment.contains("[est.]")
    }

    /// Every `//` comment of `text` that cites a source, in line order.
    ///
    /// ```
    /// use navbat_record::SourceComment;
    /// let text = "(\n  yearly: 900, // [P: 3.2] register\n  share: 0.4, // a guess\n)";
    /// let found = SourceComment::scan(text);
    /// assert_eq!(found, [SourceComment { line: 2, comment: "[P: 3.2] register".into() }]);
    /// ```
    pub fn scan(text: &str) -> Vec<Self> {
        text.lines()
            .zip(1u32..)
            .filter_map(|(line, number)| {
                let comment = line[line.find("//")? + 2..].trim();
                let cited = Self { line: number, comment: comment.to_owned() };
                (cited.published() || cited.estimate()).then_some(cited)
            })
            .collect()
    }
}

/// Why `run.json` could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResultsError {
    /// The file is not the JSON this layout expects.
    #[error("{source}")]
    Json {
        /// The parser's error, with line and column.
        source: serde_json::Error,
    },
    /// The folder was written with another layout.
    #[error(
        "results folder layout {} (format_version), but this navbat reads layout {expected}; make the results again with `navbat run SCENARIO --out DIR` (the folder's scenario.ron is the scenario as run)",
        .found.as_deref().unwrap_or("1 (no format_version)")
    )]
    Layout {
        /// The `format_version` found, as written; `None` when there is none (layout 1).
        found: Option<String>,
        /// The layout this navbat reads ([`RESULTS_FORMAT`]).
        expected: u32,
    },
}

/// A sweep's `summary.json`: the sweep and every point's summary.
///
/// Keys are written in alphabetical order, here and inside each point's summary, as the file
/// has always listed them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepSummary {
    /// The changed paths, one per axis.
    pub axes: Vec<String>,
    /// One entry per point, in grid order.
    pub points: Vec<SweepPoint>,
    /// Replications per point.
    pub replications: u32,
    /// The scenario file, resolved against the sweep file's folder.
    pub scenario: String,
    /// Master seed.
    pub seed: u64,
    /// The sweep file, as given.
    pub sweep: String,
}

/// One point of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    /// Index in grid order, from 0.
    pub point: usize,
    /// The value of each axis's path at this point.
    pub set: BTreeMap<String, serde_json::Value>,
    /// The point's summary (with its paired baseline differences when the sweep has them).
    #[serde(serialize_with = "keys_sorted")]
    pub summary: RunSummary,
}

/// Writes `value` with every object's keys in alphabetical order (through a JSON value, whose
/// objects are sorted maps).
fn keys_sorted<S: serde::Serializer>(value: &RunSummary, s: S) -> Result<S::Ok, S::Error> {
    serde_json::to_value(value).map_err(serde::ser::Error::custom)?.serialize(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_file() -> RunFile {
        RunFile {
            format_version: RESULTS_FORMAT,
            run: RunMeta {
                navbat_version: "0.1.0".to_owned(),
                command: "navbat run s.ron --out r".to_owned(),
                scenario_file: "s.ron".to_owned(),
                scenario_sha256: "00".repeat(32),
                seed: u64::MAX,
                replications: 3,
                baseline: true,
                overrides: vec!["sites.a.kiosks.k.count=2".to_owned()],
                precision: None,
            },
            scenario: ScenarioOutline {
                name: "s".to_owned(),
                description: String::new(),
                horizon: HorizonDates {
                    start: "2026-01-01".to_owned(),
                    end: "2026-12-31".to_owned(),
                    warm_up_days: 7,
                },
                holidays: vec![HolidayDate {
                    date: "2026-03-21".to_owned(),
                    name: "Navruz".into(),
                }],
                segments: vec!["adult".to_owned()],
                services: vec![ServiceName { id: "visa".to_owned(), name: "Visa".to_owned() }],
                sites: vec![SiteOutline {
                    id: "a".to_owned(),
                    name: "A unit".to_owned(),
                    district: "-".to_owned(),
                    region: "Tashkent".to_owned(),
                    counters: 4,
                    kiosks: 2,
                }],
                candidates: vec![],
                face_id: Some(FaceIdOutline { flag_ratio: 1.25 }),
                workflows: false,
                economics: None,
                sources: SourceComment::scan("// [est.] all made up"),
                decision: Some(DecisionRule::DEFAULT),
            },
        }
    }

    #[test]
    fn run_json_reads_back_what_was_written() {
        let file = run_file();
        let text = serde_json::to_string_pretty(&file).expect("serialise");
        assert_eq!(RunFile::from_json(&text).expect("read back"), file);
        // The run's fields stay at the top level, as readers of layout 1 found them.
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(v["seed"], u64::MAX);
        assert_eq!(v["format_version"], RESULTS_FORMAT);
        assert_eq!(v["scenario"]["sites"][0]["kiosks"], 2);
    }

    #[test]
    fn another_layout_is_refused_with_its_number() {
        let layout_1 = r#"{"baseline": true, "command": "navbat run s.ron", "seed": 1}"#;
        let err = RunFile::from_json(layout_1).unwrap_err();
        assert!(matches!(&err, ResultsError::Layout { found: None, expected: RESULTS_FORMAT }));
        assert!(err.to_string().contains("layout 1 (no format_version)"), "{err}");
        let mut v = serde_json::to_value(run_file()).expect("value");
        v["format_version"] = serde_json::json!(RESULTS_FORMAT + 1);
        let err = RunFile::from_json(&v.to_string()).unwrap_err();
        assert!(err.to_string().contains("layout 3 (format_version)"), "{err}");
        let err = RunFile::from_json("[1, 2]").unwrap_err();
        assert!(matches!(err, ResultsError::Json { .. }), "{err}");
        // The right layout with a field missing names the field.
        v["format_version"] = serde_json::json!(RESULTS_FORMAT);
        if let Some(o) = v.as_object_mut() {
            o.remove("seed");
        }
        let err = RunFile::from_json(&v.to_string()).unwrap_err();
        assert!(err.to_string().contains("missing field `seed`"), "{err}");
    }

    #[test]
    fn source_comments_are_the_cited_ones_with_their_lines() {
        let text = "a: 1, // [P: 2.1] register\nb: 2,\nc: 3 // [est.] and [P: 4]\nd // plain\n";
        let found = SourceComment::scan(text);
        let lines: Vec<(u32, bool, bool)> =
            found.iter().map(|c| (c.line, c.published(), c.estimate())).collect();
        assert_eq!(lines, [(1, true, false), (3, true, true)]);
        assert_eq!(found[1].comment, "[est.] and [P: 4]");
    }

    #[test]
    fn a_sweep_summary_lists_keys_alphabetically_at_every_level() {
        let summary = RunSummary::from_replications("s", 3, &[]);
        let sweep = SweepSummary {
            axes: vec!["b".to_owned(), "a".to_owned()],
            points: vec![SweepPoint {
                point: 0,
                set: [("b", 1), ("a", 2)]
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), serde_json::json!(v)))
                    .collect(),
                summary,
            }],
            replications: 2,
            scenario: "s.ron".to_owned(),
            seed: 3,
            sweep: "w.ron".to_owned(),
        };
        let text = serde_json::to_string(&sweep).expect("serialise");
        assert_eq!(
            text,
            r#"{"axes":["b","a"],"points":[{"point":0,"set":{"a":2,"b":1},"summary":{"replications":0,"scenario":"s","seed":3,"sites":[]}}],"replications":2,"scenario":"s.ron","seed":3,"sweep":"w.ron"}"#
        );
        let back: SweepSummary = serde_json::from_str(&text).expect("read back");
        assert_eq!(back, sweep);
    }
}
