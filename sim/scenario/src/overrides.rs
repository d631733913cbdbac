//! `--set path=value` overrides and sweep files: changes to a raw scenario named by a path.
//!
//! A path walks the raw scenario's fields with dots. A list is entered by an element's `id`
//! (`sites.urgut`), by its index (`holidays.0`) or by `*` for every element; enum values are
//! entered by their variant name (`counter_minutes.LogNormal.mean`). A value is JSON (`3`,
//! `0.5`, `true`, `"text"`) or a bare word (`Fifo`, `ShoppingMall`). The changed raw scenario
//! is then validated as usual, so an override can never produce an unchecked scenario.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::limits::{MAX_REPLICATIONS, MAX_SWEEP_RUNS};
use crate::raw::RawScenario;
use crate::validate::Problem;

/// Why an override or a sweep could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OverrideError {
    /// The text is not `path=value`.
    #[error("`{text}`: expected path=value, e.g. sites.urgut.kiosks.k.count=3")]
    Syntax {
        /// What was given.
        text: String,
    },
    /// A step of the path names nothing.
    #[error("`{path}`: no `{step}` at `{at}`")]
    NoSuchField {
        /// The whole path.
        path: String,
        /// The step that failed.
        step: String,
        /// Where it was looked for.
        at: String,
    },
    /// The new value has the wrong type for the field.
    #[error("`{path}`: {message}")]
    WrongValue {
        /// The whole path.
        path: String,
        /// What serde said.
        message: String,
    },
}

/// One change: a path and the value it sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Override {
    /// Dotted path.
    pub path: String,
    /// The value (JSON form).
    pub value: Value,
}

impl Override {
    /// Parses `path=value`.
    pub fn parse(text: &str) -> Result<Self, OverrideError> {
        let Some((path, value)) = text.split_once('=') else {
            return Err(OverrideError::Syntax { text: text.to_owned() });
        };
        let (path, value) = (path.trim(), value.trim());
        if path.is_empty() || value.is_empty() {
            return Err(OverrideError::Syntax { text: text.to_owned() });
        }
        let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_owned()));
        Ok(Self { path: path.to_owned(), value })
    }
}

impl std::fmt::Display for Override {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A word is shown bare when it reads back as the same word (`Fifo`); otherwise
        // (`""`, `" x"`, `"3"`) as JSON, so what is shown always parses back to this change.
        match &self.value {
            Value::String(s)
                if Self::parse(&format!("{}={s}", self.path)).is_ok_and(|o| o == *self) =>
            {
                write!(f, "{}={s}", self.path)
            }
            v => write!(f, "{}={v}", self.path),
        }
    }
}

/// Applies `changes` in order to a copy of `raw`.
pub fn apply_overrides(
    raw: &RawScenario,
    changes: &[Override],
) -> Result<RawScenario, OverrideError> {
    if changes.is_empty() {
        return Ok(raw.clone());
    }
    let wrong = |path: &str, e: serde_json::Error| OverrideError::WrongValue {
        path: path.to_owned(),
        message: e.to_string(),
    };
    let mut tree = serde_json::to_value(raw).map_err(|e| wrong("", e))?;
    let last = changes.len() - 1;
    for (i, change) in changes.iter().enumerate() {
        let steps: Vec<&str> = change.path.split('.').collect();
        let hits = set(&mut tree, &steps, &change.value, &change.path, "")?;
        if hits == 0 {
            return Err(OverrideError::NoSuchField {
                path: change.path.clone(),
                step: change.path.clone(),
                at: "the scenario".to_owned(),
            });
        }
        // Check the type now, so the error names this change (the last one is checked by
        // the conversion below). Read from the tree in place: no copy of the scenario.
        if i < last {
            RawScenario::deserialize(&tree).map_err(|e| wrong(&change.path, e))?;
        }
    }
    RawScenario::deserialize(tree).map_err(|e| wrong(&changes[last].path, e))
}

fn set(
    node: &mut Value,
    steps: &[&str],
    value: &Value,
    path: &str,
    at: &str,
) -> Result<usize, OverrideError> {
    let Some((&step, rest)) = steps.split_first() else {
        *node = value.clone();
        return Ok(1);
    };
    let missing = || OverrideError::NoSuchField {
        path: path.to_owned(),
        step: step.to_owned(),
        at: if at.is_empty() { "the top".to_owned() } else { at.to_owned() },
    };
    let here = if at.is_empty() { step.to_owned() } else { format!("{at}.{step}") };
    match node {
        Value::Object(map) => match map.get_mut(step) {
            Some(child) => set(child, rest, value, path, &here),
            None => Err(missing()),
        },
        Value::Array(items) => {
            let mut hits = 0;
            for (i, item) in items.iter_mut().enumerate() {
                let id_matches = item.get("id").and_then(Value::as_str) == Some(step);
                let index_matches = step.parse::<usize>().ok() == Some(i);
                if step == "*" || id_matches || index_matches {
                    hits += set(item, rest, value, path, &here)?;
                }
            }
            if hits == 0 { Err(missing()) } else { Ok(hits) }
        }
        _ => Err(missing()),
    }
}

/// A sweep: a scenario, the experiment's settings and a grid of overrides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Sweep")]
pub struct RawSweep {
    /// Scenario file, relative to the sweep file.
    pub scenario: String,
    /// Replications per point.
    #[serde(default = "ten")]
    pub replications: u32,
    /// Master seed.
    #[serde(default = "one")]
    pub seed: u64,
    /// Also run every point without kiosks, with common random numbers.
    #[serde(default)]
    pub baseline: bool,
    /// The grid: every combination of one value per axis is a point.
    pub axes: Vec<RawAxis>,
}

fn ten() -> u32 {
    10
}

fn one() -> u64 {
    1
}

/// One axis of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAxis {
    /// Override path, as for `--set`.
    pub path: String,
    /// Values it takes.
    pub values: Vec<AxisValue>,
}

/// A value on an axis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AxisValue {
    /// A whole number.
    Int(i64),
    /// A number.
    Float(f64),
    /// A flag.
    Bool(bool),
    /// A word or text.
    Text(String),
}

impl AxisValue {
    fn to_json(&self) -> Value {
        match self {
            Self::Int(i) => Value::from(*i),
            Self::Float(x) => Value::from(*x),
            Self::Bool(b) => Value::from(*b),
            Self::Text(t) => Value::from(t.as_str()),
        }
    }
}

/// A checked sweep: its scenario file and one list of overrides per grid point.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// The scenario file, resolved against the sweep file's folder.
    pub scenario: PathBuf,
    /// Replications per point.
    pub replications: u32,
    /// Master seed.
    pub seed: u64,
    /// Whether each point is compared with its no-kiosk baseline.
    pub baseline: bool,
    /// Points in grid order (the last axis varies fastest).
    pub points: Vec<Vec<Override>>,
}

/// Most points a sweep may have.
pub const MAX_SWEEP_POINTS: usize = 100_000;

impl RawSweep {
    /// Expands the grid; `file` is where the sweep was read from. An error names the field
    /// (`` `replications`: ... ``).
    pub fn expand(&self, file: &Path) -> Result<Sweep, String> {
        self.expand_checked(file).map_err(|p| format!("`{}`: {}", p.path, p.message))
    }

    /// Expands the grid, or says which field of the sweep is wrong.
    pub(crate) fn expand_checked(&self, file: &Path) -> Result<Sweep, Problem> {
        let root = crate::locate::Path::default();
        let fail = |path: crate::locate::Path, message: String| Err(Problem { path, message });
        if self.axes.is_empty() {
            return fail(root.field("axes"), "expected at least one axis".to_owned());
        }
        if self.replications == 0 || self.replications > MAX_REPLICATIONS {
            return fail(
                root.field("replications"),
                format!(
                    "expected 1 to {MAX_REPLICATIONS} replications, found {}",
                    self.replications
                ),
            );
        }
        // Count the points before making any, so a huge grid costs nothing.
        let mut count = 1usize;
        for (i, axis) in self.axes.iter().enumerate() {
            if axis.values.is_empty() {
                return fail(
                    root.field("axes").index(i).field("values"),
                    "expected at least one value".to_owned(),
                );
            }
            count = count.saturating_mul(axis.values.len());
            if count > MAX_SWEEP_POINTS {
                return fail(
                    root.field("axes").index(i),
                    format!("the grid has more than {MAX_SWEEP_POINTS} points"),
                );
            }
        }
        let per_point = u64::from(self.replications) * if self.baseline { 2 } else { 1 };
        let runs = (count as u64).saturating_mul(per_point);
        if runs > MAX_SWEEP_RUNS {
            return fail(
                root.field("replications"),
                format!(
                    "{count} points × {per_point} runs each is {runs} runs; expected at most {MAX_SWEEP_RUNS}"
                ),
            );
        }
        let mut points: Vec<Vec<Override>> = vec![Vec::new()];
        for axis in &self.axes {
            points = points
                .iter()
                .flat_map(|p| {
                    axis.values.iter().map(move |v| {
                        let mut q = p.clone();
                        q.push(Override { path: axis.path.clone(), value: v.to_json() });
                        q
                    })
                })
                .collect();
        }
        let dir = file.parent().unwrap_or(Path::new("."));
        Ok(Sweep {
            scenario: dir.join(&self.scenario),
            replications: self.replications,
            seed: self.seed,
            baseline: self.baseline,
            points,
        })
    }
}
