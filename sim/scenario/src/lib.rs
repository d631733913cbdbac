//! navbat's scenario format: what a simulated year of migration stations looks like.
//!
//! # Brief overview
//!
//! A scenario is a RON file with sites (district offices, malls, leisure centres, tourist
//! zones), their opening hours, officer counters and kiosks, the service catalogue, applicant
//! segments and yearly demand with hour, weekday and month profiles. Loading happens in two
//! steps, as for command-line arguments in well-kept tools:
//!
//! 1. the text is parsed into [`RawScenario`] — plain serde types that mirror the file and
//!    deny unknown fields;
//! 2. [`validate`](crate::from_str) checks ranges and references and builds a [`Scenario`]:
//!    ids become indices, weights are normalised, times become minutes.
//!
//! Any problem is a [`ScenarioError`] that names the file, line, column and field, and renders
//! the offending line with `miette`. Nothing panics on bad input.
//!
//! ```
//! let text = r#"Scenario(
//!     name: "one desk",
//!     horizon: (start: "2026-05-01", end: "2026-05-07"),
//!     profiles: [(id: "flat", hour_of_day: [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],
//!                 weekday: [1,1,1,1,1,1,1], month: [1,1,1,1,1,1,1,1,1,1,1,1])],
//!     segments: [(id: "all", kind: CitizenAdult,
//!                 channel: (kiosk: 0, counter: 1, portal: 0), kiosk_success: 1.0)],
//!     services: [(id: "id-card", name: "ID card", counter_minutes: Exponential(mean: 10.0),
//!                 segments: [("all", 1.0)])],
//!     sites: [(id: "desk", name: "Desk", kind: DistrictOffice, district: "D", region: "R",
//!              lat: 41.3, lon: 69.2, hours: (weekdays: ["09:00-18:00"]),
//!              counters: [(id: "c", shifts: [(days: [Mon, Tue, Wed, Thu, Fri], time: "09:00-18:00")])],
//!              demand: [(service: "id-card", yearly: 5000, profile: "flat")])],
//! )"#;
//! let scenario = navbat_scenario::from_str("desk.ron", text).unwrap();
//! assert_eq!(scenario.days(), 7);
//! assert_eq!(scenario.sites[0].hours.by_weekday[0], vec![(540, 1080)]);
//!
//! let bad = text.replace("yearly: 5000", "yearly: -5");
//! let err = navbat_scenario::from_str("desk.ron", &bad).unwrap_err();
//! assert!(err.to_string().starts_with("desk.ron:13:"), "{err}");
//! ```

mod error;
mod limits;
use navbat_locate as locate;
mod model;
mod notes;
mod overrides;
mod raw;
mod sensitivity;
mod validate;

use std::path::Path;
use std::sync::Arc;

use miette::NamedSource;

pub use crate::error::ScenarioError;
pub use crate::limits::{
    MAX_CV, MAX_DURATION_DAYS, MAX_EMPIRICAL_VALUES, MAX_FLOOR_ASSISTANTS, MAX_GROUP_COUNT,
    MAX_HORIZON_DAYS, MAX_REPLICATIONS, MAX_SWEEP_RUNS, MAX_TEAM_OFFICERS, MAX_TOTAL_YEARLY_VOLUME,
    MAX_TRIP_MINUTES, MAX_VISITS, MAX_WEIBULL_SHAPE, MAX_YEAR, MAX_YEARLY_VOLUME,
    MIN_WEIBULL_SHAPE, MIN_YEAR,
};
pub use crate::model::{
    Assistance, AtClosing, Balking, Capabilities, Capability, ChannelChoice, ComponentFailures,
    CounterGroup, DayMinute, Decision, Demand, Discipline, Dist, Economics, FaceIdSettings,
    Holiday, KioskFailures, KioskGroup, OpeningHours, Profile, ProfileIdx, QueuePolicy, Retrial,
    ReviewerErrors, Routing, Scenario, Segment, SegmentIdx, SegmentKind, Service, ServiceIdx,
    Shift, Site, SiteKind, Team, Workflows, weekday_index,
};
pub use crate::notes::{FieldPath, Note, to_ron_with_notes};
pub use crate::overrides::{
    AxisValue, MAX_SWEEP_POINTS, Override, OverrideError, RawAxis, RawSweep, Sweep, apply_overrides,
};
pub use crate::raw::{
    Day, KioskPart, RawAdoption, RawAssistance, RawBalking, RawChannelChoice, RawCounter,
    RawDecision, RawDemand, RawEconomics, RawFaceId, RawFactShare, RawHoliday, RawHorizon,
    RawHours, RawKiosk, RawKioskComponent, RawMinors, RawProfile, RawQueuePolicy, RawRegional,
    RawRetrial, RawReviewerErrors, RawRouting, RawScenario, RawSegment, RawService, RawShift,
    RawSite, RawTeam, RawTruth, RawWorkflows,
};
pub use crate::sensitivity::{
    Change, Factor, RawFactor, RawNotVaried, RawSensitivity, Sensitivity, reach,
};

/// Reads and checks the scenario file at `path`.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let text = read(path)?;
    let file = path.display().to_string();
    let raw = parse_raw(&file, &text)?;
    validate_with_text(&file, &text, &raw, base_of(path))
}

/// Reads a text file, without the UTF-8 byte-order mark some editors put first (so that
/// positions count from the first character a person sees).
fn read(path: &Path) -> Result<String, ScenarioError> {
    let mut text = std::fs::read_to_string(path)
        .map_err(|source| ScenarioError::Io { path: path.to_path_buf(), source })?;
    if text.starts_with(BOM) {
        text.drain(..BOM.len_utf8());
    }
    Ok(text)
}

/// The UTF-8 byte-order mark.
const BOM: char = '\u{feff}';

/// `text` without a leading byte-order mark.
fn without_bom(text: &str) -> &str {
    text.strip_prefix(BOM).unwrap_or(text)
}

/// The folder a scenario file's relative paths (e.g. `workflows.services`) start from.
fn base_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Reads the scenario at `path`, applies `changes` (`--set` overrides) and checks the result.
/// Without changes, errors point into the file itself.
pub fn load_with(path: &Path, changes: &[Override]) -> Result<Scenario, ScenarioError> {
    let text = read(path)?;
    let file = path.display().to_string();
    let raw = parse_raw(&file, &text)?;
    if changes.is_empty() {
        return validate_with_text(&file, &text, &raw, base_of(path));
    }
    let changed = apply_overrides(&raw, changes)
        .map_err(|problem| ScenarioError::Override { file: file.clone(), problem })?;
    let list: Vec<String> = changes.iter().map(ToString::to_string).collect();
    from_raw_at(&format!("{file} with --set {}", list.join(" ")), &changed, base_of(path))
}

/// Reads a sweep file and expands its grid.
pub fn load_sweep(path: &Path) -> Result<Sweep, ScenarioError> {
    let text = read(path)?;
    sweep_from_str(&path.display().to_string(), &text, path)
}

/// Parses sweep `text` and expands its grid; `file` names it in errors and `path` is where
/// it is (its scenario is found from there).
pub fn sweep_from_str(file: &str, text: &str, path: &Path) -> Result<Sweep, ScenarioError> {
    let text = without_bom(text);
    let raw: RawSweep =
        ron::Options::default().from_str(text).map_err(|e| syntax(file, text, &e))?;
    raw.expand_checked(path).map_err(|p| invalid(file, text, p))
}

/// Parses and checks scenario `text`; `file` names it in errors.
pub fn from_str(file: &str, text: &str) -> Result<Scenario, ScenarioError> {
    let text = without_bom(text);
    let raw = parse_raw(file, text)?;
    validate_with_text(file, text, &raw, Path::new("."))
}

/// Like [`from_str`], with relative paths (e.g. `workflows.services`) starting from `base`
/// (the folder the text came from).
pub fn from_str_at(file: &str, text: &str, base: &Path) -> Result<Scenario, ScenarioError> {
    let text = without_bom(text);
    let raw = parse_raw(file, text)?;
    validate_with_text(file, text, &raw, base)
}

/// Parses `text` into raw types without checking values (for editors that keep raw form).
pub fn parse_raw(file: &str, text: &str) -> Result<RawScenario, ScenarioError> {
    let text = without_bom(text);
    ron::Options::default().from_str::<RawScenario>(text).map_err(|e| syntax(file, text, &e))
}

fn syntax(file: &str, text: &str, e: &ron::error::SpannedError) -> ScenarioError {
    let (line, col) = (e.span.start.line.max(1), e.span.start.col.max(1));
    let offset = error::offset_of(text, line, col);
    let end = error::offset_of(text, e.span.end.line.max(1), e.span.end.col.max(1));
    ScenarioError::Syntax {
        file: file.to_owned(),
        line,
        col,
        message: e.code.to_string(),
        src: Arc::new(NamedSource::new(file, text.to_owned())),
        span: (offset, end.saturating_sub(offset).max(1)).into(),
    }
}

/// Checks a raw scenario built in code; errors point into its pretty-printed RON form.
/// Relative paths start from the working folder; see [`from_raw_at`].
pub fn from_raw(name: &str, raw: &RawScenario) -> Result<Scenario, ScenarioError> {
    from_raw_at(name, raw, Path::new("."))
}

/// Checks a raw scenario built in code whose relative paths start from `base` (the folder
/// of the file it came from).
pub fn from_raw_at(name: &str, raw: &RawScenario, base: &Path) -> Result<Scenario, ScenarioError> {
    // The text is only needed to locate a problem: print it then, not for every accepted one.
    validate::validate(raw, base).map_err(|p| invalid(name, &to_ron(raw), p))
}

/// Writes a raw scenario as pretty RON; loading the result gives the same scenario.
pub fn to_ron(raw: &RawScenario) -> String {
    let config = ron::ser::PrettyConfig::default().struct_names(true);
    // Serialising plain data with string keys cannot fail; an empty string would be caught
    // at the next load.
    ron::ser::to_string_pretty(raw, config).unwrap_or_default()
}

fn validate_with_text(
    file: &str,
    text: &str,
    raw: &RawScenario,
    base: &Path,
) -> Result<Scenario, ScenarioError> {
    validate::validate(raw, base).map_err(|p| invalid(file, text, p))
}

/// The located error of a problem found after parsing `text`.
fn invalid(file: &str, text: &str, p: validate::Problem) -> ScenarioError {
    let (start, end) = locate::locate(text, &p.path);
    let (line, col) = error::line_col(text, start);
    ScenarioError::Invalid {
        file: file.to_owned(),
        line,
        col,
        field: p.path.to_string(),
        message: p.message,
        src: Arc::new(NamedSource::new(file, text.to_owned())),
        span: (start, end.saturating_sub(start).max(1)).into(),
    }
}
