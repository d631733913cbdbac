//! Fuzz targets for navbat's input files, and a deterministic mutator for a short pass in
//! `cargo test`.
//!
//! # Brief overview
//!
//! Each target takes arbitrary bytes and must never panic, hang or allocate without bound:
//!
//! - [`scenario`]: scenario text → parse, validate (service definitions from
//!   `scenarios/services`), locate the error; an accepted scenario must save and load again.
//! - [`overrides`]: one `--set path=value` a line → `Override::parse`, applied to the pilot
//!   scenario and validated.
//! - [`sweep`]: sweep text → parse and expand the grid; the first point is applied to the
//!   pilot and validated.
//! - [`service`]: service-definition text → parse and validate; an accepted service goes into
//!   a catalogue and its deadline through the working-day arithmetic.
//! - [`records`]: record-file bytes (plain or gzip) → the ticket, kiosk or roster reader
//!   (the first byte picks which, and strict or lenient); every error names a line inside the
//!   file; accepted rows written out, read back and written again give the same bytes.
//!
//! Every error must render with `miette` and, when it has a position, the position must lie
//! in the text. The AFL++ binaries (`src/bin/`, feature `afl`) call these functions; so does
//! `tests/fixed_seed.rs`, on the committed corpus and on [`Mutator`]'s edits of it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a fuzz target reports a broken promise by panicking: that is its job"
)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use navbat_scenario::{Override, RawScenario, ScenarioError};

/// The repository's `scenarios/` folder (service definitions, the pilot scenario).
pub fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios")
}

/// The pilot scenario's raw form, parsed once.
fn pilot() -> Option<&'static RawScenario> {
    static PILOT: OnceLock<Option<RawScenario>> = OnceLock::new();
    PILOT
        .get_or_init(|| {
            let text = std::fs::read_to_string(scenarios_dir().join("pilot-2026.ron")).ok()?;
            navbat_scenario::parse_raw("pilot-2026.ron", &text).ok()
        })
        .as_ref()
}

/// Checks what every error must give: a rendering, and a position inside `text`.
fn check_error(err: &ScenarioError, file: &str, text: &str) {
    let shown = err.to_string();
    if let Some((line, col)) = err.position() {
        let lines = text.split('\n').count();
        assert!(line >= 1 && line <= lines, "line {line} of {lines}: {shown}");
        assert!(col >= 1, "{shown}");
        assert!(shown.starts_with(&format!("{file}:{line}:{col}: ")), "{shown}");
    }
    let mut out = String::new();
    // The rendering itself must not panic, whatever span the error carries.
    let _ = miette::GraphicalReportHandler::new().render_report(&mut out, err);
}

/// Scenario text: parse, validate, locate; an accepted scenario round-trips through `to_ron`.
pub fn scenario(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let base = scenarios_dir();
    match navbat_scenario::from_str_at("fuzz.ron", text, &base) {
        Err(e) => check_error(&e, "fuzz.ron", text),
        Ok(first) => {
            let raw = navbat_scenario::parse_raw("fuzz.ron", text);
            let raw = raw.unwrap_or_else(|e| panic!("validated but does not parse: {e}"));
            let again = navbat_scenario::from_raw_at("saved", &raw, &base);
            let again = again.unwrap_or_else(|e| panic!("saved form is refused: {e}"));
            assert_eq!(again.sites.len(), first.sites.len());
        }
    }
}

/// `--set` overrides, one a line (at most eight), applied to the pilot scenario.
pub fn overrides(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Some(pilot) = pilot() else { return };
    let changes: Vec<Override> =
        text.lines().take(8).filter_map(|l| Override::parse(l).ok()).collect();
    for c in &changes {
        // What is shown must parse back to the same change.
        let again = Override::parse(&c.to_string());
        let same = match (&again, &c.value) {
            // serde_json (without `float_roundtrip`) may read a shown float back one unit
            // in the last place away: the same number for any scenario field.
            (Ok(o), serde_json::Value::Number(x)) => {
                let (a, b) = (o.value.as_f64().unwrap_or(f64::NAN), x.as_f64().unwrap_or(0.0));
                o.path == c.path && (a == b || (a - b).abs() <= 1e-15 * b.abs())
            }
            (Ok(o), _) => o == c,
            (Err(_), _) => false,
        };
        assert!(same, "{c} parses back as {again:?}");
    }
    let Ok(raw) = navbat_scenario::apply_overrides(pilot, &changes) else { return };
    if let Err(e) = navbat_scenario::from_raw_at("pilot --set", &raw, &scenarios_dir()) {
        check_error(&e, "pilot --set", &navbat_scenario::to_ron(&raw));
    }
}

/// Sweep text: parse and expand; the first point applied to the pilot and validated.
pub fn sweep(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let at = scenarios_dir().join("sweeps/fuzz.ron");
    match navbat_scenario::sweep_from_str("fuzz.ron", text, &at) {
        Err(e) => check_error(&e, "fuzz.ron", text),
        Ok(s) => {
            let runs = s.points.len() as u64 * u64::from(s.replications);
            assert!(runs <= navbat_scenario::MAX_SWEEP_RUNS, "{runs} runs");
            let (Some(pilot), Some(first)) = (pilot(), s.points.first()) else { return };
            if let Ok(raw) = navbat_scenario::apply_overrides(pilot, first)
                && let Err(e) = navbat_scenario::from_raw_at("point", &raw, &scenarios_dir())
            {
                check_error(&e, "point", &navbat_scenario::to_ron(&raw));
            }
        }
    }
}

/// Service-definition text: parse and validate; an accepted service's deadline goes through
/// the working-day arithmetic.
pub fn service(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match navbat_workflow::parse_service("fuzz.ron", text) {
        Err(e) => {
            let _ = e.to_string();
        }
        Ok(s) => {
            let days = s.deadline.as_ref().map_or(0, |d| d.working_days);
            let holidays = [jiff::civil::date(2026, 5, 9), jiff::civil::date(2026, 9, 1)];
            if let Ok(cal) = navbat_workflow::WorkCalendar::new(
                &[jiff::civil::Weekday::Monday, jiff::civil::Weekday::Friday],
                &holidays,
            ) {
                let from = navbat_workflow::Timestamp::from_civil(
                    jiff::civil::date(2026, 5, 1).at(9, 0, 0, 0),
                );
                let due = cal.add_working_days(from, days);
                let last = navbat_workflow::Timestamp(due.0 - 1);
                assert_eq!(cal.working_days_between(from, last), days);
            }
            let _ = navbat_workflow::ServiceCatalog::new(vec![s]);
        }
    }
}

/// Record-file bytes: the first byte picks the format (ticket, kiosk or roster log) and the
/// mode (strict or lenient); the rest is the file, plain or gzip.
pub fn records(data: &[u8]) {
    let Some((&pick, file)) = data.split_first() else { return };
    let options = if pick & 4 == 0 {
        navbat_records::ReadOptions::strict()
    } else {
        navbat_records::ReadOptions::lenient()
    };
    match pick % 3 {
        0 => record_file::<navbat_records::Ticket>(file, options),
        1 => record_file::<navbat_records::KioskEvent>(file, options),
        _ => record_file::<navbat_records::RosterShift>(file, options),
    }
}

/// Reads `file` as a log of `T`; checks the error's line, and the accepted rows' round trip.
fn record_file<T>(file: &[u8], options: navbat_records::ReadOptions)
where
    T: navbat_records::Record + PartialEq + std::fmt::Debug,
{
    use navbat_records::{ReadError, RecordReader};
    let lines = file.split(|&b| b == b'\n').count() as u64;
    let read = RecordReader::<T, _>::from_reader(file, "fuzz.csv", options)
        .and_then(RecordReader::read_all);
    let log = match read {
        Ok(log) => log,
        Err(e) => {
            let shown = e.to_string();
            assert!(shown.starts_with("fuzz.csv"), "{shown}");
            // Gzip input counts lines of what it unpacks to: only plain text is checked.
            if let ReadError::BadRow(bad) = &e
                && !file.starts_with(&[0x1f, 0x8b])
            {
                let line = bad.location.line;
                assert!(line >= 2 && line <= lines, "line {line} of {lines}: {shown}");
            }
            return;
        }
    };
    for bad in &log.skipped.examples {
        let line = bad.location.line;
        let plain = !file.starts_with(&[0x1f, 0x8b]);
        assert!(line >= 2 && (!plain || line <= lines), "line {line} of {lines}: {bad}");
    }
    let first = write_rows(&log.rows).unwrap_or_else(|e| panic!("a row read is refused: {e}"));
    let again =
        RecordReader::<T, _>::from_reader(first.as_slice(), "again.csv", Default::default())
            .and_then(RecordReader::read_all);
    let again = again.unwrap_or_else(|e| panic!("navbat's own records are refused: {e}"));
    assert_eq!(again.rows.len(), log.rows.len());
    let second = write_rows(&again.rows).unwrap_or_else(|e| panic!("rewrite refused: {e}"));
    assert!(second == first, "writing what was read back is not stable");
}

/// The rows written as a plain log at millisecond precision.
fn write_rows<T: navbat_records::Record>(
    rows: &[T],
) -> Result<Vec<u8>, navbat_records::WriteError> {
    use navbat_records::{Compress, Precision, RecordWriter, WriteOptions};
    let options = WriteOptions { precision: Precision::Milliseconds, ..WriteOptions::tashkent() };
    let mut w = RecordWriter::<T, _>::to_writer(Vec::new(), "out.csv", Compress::No, options)?;
    for r in rows {
        w.push(r)?;
    }
    w.finish()
}

/// A small seeded mutator for the fixed-seed pass: byte flips, deletions, duplications, and
/// insertions of tokens that have broken navbat before (huge numbers, zero timers, a BOM,
/// CRLF).
#[derive(Debug, Clone)]
pub struct Mutator {
    state: u64,
}

/// Tokens worth inserting: limits and just past them, odd numbers, syntax.
const TOKENS: &[&str] = &[
    "4294967295",
    "1e12",
    "1e308",
    "1e300",
    "1e-200",
    "-1",
    "0",
    "0.0",
    "NaN",
    "inf",
    "1001",
    "10000001",
    "\u{feff}",
    "\r\n",
    "\"9999-12-01\"",
    "\"1899-01-01\"",
    "Minutes(0)",
    "Days(0)",
    "WorkingDays(4294967295)",
    "Some(",
    ")",
    "]",
    "[",
    ",",
    ":",
    "\"",
    "//",
    "/*",
    "Gamma(mean: 1.0, cv: 1e-200)",
    "LogNormal(mean: 10.0, cv: 1e300)",
    "replications: 4000000000",
    "sites.*.kiosks.*.count=",
    "=",
    ".",
    "*",
];

impl Mutator {
    /// A mutator whose edits follow from `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1 }
    }

    fn next(&mut self) -> u64 {
        // xorshift64*
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }

    /// One to four edits of `input`.
    pub fn mutate(&mut self, input: &[u8]) -> Vec<u8> {
        let mut out = input.to_vec();
        for _ in 0..=self.below(4) {
            let at = self.below(out.len() + 1);
            match self.below(5) {
                0 if !out.is_empty() => {
                    let i = at.min(out.len() - 1);
                    out[i] ^= 1 << self.below(8);
                }
                1 => {
                    let end = (at + 1 + self.below(16)).min(out.len());
                    out.drain(at.min(end)..end);
                }
                2 => {
                    let end = (at + 1 + self.below(32)).min(out.len());
                    let piece = out[at.min(end)..end].to_vec();
                    let to = self.below(out.len() + 1);
                    out.splice(to..to, piece);
                }
                _ => {
                    let token = TOKENS[self.below(TOKENS.len())].as_bytes();
                    // Replace the number or word at `at` half of the time, else insert.
                    let end = if self.below(2) == 0 {
                        let len = out[at..]
                            .iter()
                            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-'))
                            .count();
                        at + len
                    } else {
                        at
                    };
                    out.splice(at..end, token.iter().copied());
                }
            }
        }
        out
    }
}
