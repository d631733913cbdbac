//! The scenario's list of estimated parameters (`sensitivity`): each factor names the
//! `--set` paths it moves with their low and high ends, and why; paths left unvaried are
//! listed with the reason. A factor at level `x` (0 = every path at its low end, 1 = every
//! path at its high end) is a list of [`Override`]s, so a screening point is validated like
//! any other override.

use serde::{Deserialize, Serialize};

use serde_json::Value;

use crate::locate::Path;
use crate::overrides::{Override, OverrideError};
use crate::raw::RawScenario;
use crate::validate::Problem;

/// The `sensitivity` block as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSensitivity {
    /// The factors a screening moves, each one or more paths moved together.
    pub factors: Vec<RawFactor>,
    /// Estimated values left unvaried, each with the reason.
    #[serde(default)]
    pub not_varied: Vec<RawNotVaried>,
}

/// One factor as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFactor {
    /// Short name, unique in the block (`patience`).
    pub id: String,
    /// Why the range is what it is (`[est.] ...`).
    pub reason: String,
    /// The paths moved together, each with its ends.
    pub vary: Vec<Change>,
}

/// One path of a factor and its ends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Change {
    /// The value itself runs from `low` to `high` (whole numbers where the scenario's value
    /// is one).
    Set {
        /// An override path (`horizon.warm_up_days`); `*` moves every element alike.
        path: String,
        /// Value at level 0.
        low: f64,
        /// Value at level 1.
        high: f64,
    },
    /// Every value the path reaches is multiplied by a factor running from `low` to `high`
    /// (rounded where the value is a whole number), so values that differ keep their ratios.
    Scale {
        /// An override path (`sites.*.demand.*.yearly`).
        path: String,
        /// Multiplier at level 0 (> 0).
        low: f64,
        /// Multiplier at level 1.
        high: f64,
    },
}

impl Change {
    /// The override path.
    pub fn path(&self) -> &str {
        match self {
            Self::Set { path, .. } | Self::Scale { path, .. } => path,
        }
    }

    /// The ends (values, or multipliers for [`Change::Scale`]).
    pub fn ends(&self) -> (f64, f64) {
        match self {
            Self::Set { low, high, .. } | Self::Scale { low, high, .. } => (*low, *high),
        }
    }
}

/// An estimated value left out of the screening.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNotVaried {
    /// An override path.
    pub path: String,
    /// Why it is not varied.
    pub reason: String,
}

/// The checked block: every path reaches at least one number of the scenario.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Sensitivity {
    /// The factors, in the file's order.
    pub factors: Vec<Factor>,
    /// Values left unvaried, with reasons.
    pub not_varied: Vec<RawNotVaried>,
}

/// A checked factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Factor {
    /// Short name.
    pub id: String,
    /// Why its range is what it is.
    pub reason: String,
    /// Its paths and ends (`low < high`, finite; multipliers > 0).
    pub vary: Vec<Change>,
}

impl Factor {
    /// The overrides that put this factor at `level` (0 = low end, 1 = high end) in `raw`:
    /// one per value reached (`*` expanded), so a scaled path keeps each value's own base.
    pub fn overrides(&self, raw: &RawScenario, level: f64) -> Result<Vec<Override>, OverrideError> {
        let tree = image(raw)?;
        self.changes(&tree, level)
    }

    fn changes(&self, tree: &Value, level: f64) -> Result<Vec<Override>, OverrideError> {
        let mut out = Vec::new();
        for change in &self.vary {
            let (low, high) = change.ends();
            let at = low + level * (high - low);
            for (path, current) in resolve(tree, change.path())? {
                let whole = current.is_i64() || current.is_u64();
                let base = current.as_f64().ok_or_else(|| OverrideError::WrongValue {
                    path: path.clone(),
                    message: format!("expected a number to vary, found {current}"),
                })?;
                let x = match change {
                    Change::Set { .. } => at,
                    Change::Scale { .. } => base * at,
                };
                let value = if whole { Value::from(x.round() as i64) } else { Value::from(x) };
                out.push(Override { path, value });
            }
        }
        Ok(out)
    }
}

impl Sensitivity {
    /// `raw` with every factor at its level (`levels[i]` for `factors[i]`; NaN leaves a
    /// factor as written): one pass over the scenario's JSON image, so a screening point with
    /// hundreds of values costs one conversion. The result still has to be validated.
    pub fn apply(&self, raw: &RawScenario, levels: &[f64]) -> Result<RawScenario, OverrideError> {
        let base = image(raw)?;
        let mut tree = base.clone();
        for (factor, &level) in self.factors.iter().zip(levels) {
            if level.is_nan() {
                continue;
            }
            // Scaled values start from the file's values, whatever other factors did.
            for o in factor.changes(&base, level)? {
                put(&mut tree, &o.path, o.value);
            }
        }
        RawScenario::deserialize(tree).map_err(|e| OverrideError::WrongValue {
            path: "sensitivity".to_owned(),
            message: e.to_string(),
        })
    }
}

/// The JSON image of a raw scenario.
fn image(raw: &RawScenario) -> Result<Value, OverrideError> {
    serde_json::to_value(raw)
        .map_err(|e| OverrideError::WrongValue { path: String::new(), message: e.to_string() })
}

/// Sets the value at a concrete path (names and indices only) that [`resolve`] returned.
fn put(tree: &mut Value, concrete: &str, value: Value) {
    let mut node = tree;
    for step in concrete.split('.') {
        let next = match node {
            Value::Object(map) => map.get_mut(step),
            Value::Array(items) => step.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => return,
        }
    }
    *node = value;
}

/// The concrete paths (list elements by index) that the override path `path` reaches in
/// `raw`: what a [`Change`] or an entry of `not_varied` stands for.
pub fn reach(raw: &RawScenario, path: &str) -> Result<Vec<String>, OverrideError> {
    let tree = image(raw)?;
    Ok(resolve(&tree, path)?.into_iter().map(|(p, _)| p).collect())
}

/// Every value `path` reaches in the JSON image of a raw scenario, with its concrete path
/// (list elements by index), in document order.
pub(crate) fn resolve(tree: &Value, path: &str) -> Result<Vec<(String, Value)>, OverrideError> {
    let steps: Vec<&str> = path.split('.').collect();
    let mut out = Vec::new();
    walk(tree, &steps, "", path, &mut out)?;
    Ok(out)
}

fn walk(
    node: &Value,
    steps: &[&str],
    at: &str,
    path: &str,
    out: &mut Vec<(String, Value)>,
) -> Result<(), OverrideError> {
    let Some((&step, rest)) = steps.split_first() else {
        out.push((at.to_owned(), node.clone()));
        return Ok(());
    };
    let missing = || OverrideError::NoSuchField {
        path: path.to_owned(),
        step: step.to_owned(),
        at: if at.is_empty() { "the top".to_owned() } else { at.to_owned() },
    };
    let join = |s: &str| if at.is_empty() { s.to_owned() } else { format!("{at}.{s}") };
    match node {
        Value::Object(map) => match map.get(step) {
            Some(child) => walk(child, rest, &join(step), path, out),
            None => Err(missing()),
        },
        Value::Array(items) => {
            // Under `*`, elements the rest of the path does not reach are passed over (a
            // site without an ID-card demand line); the path must reach something.
            let before = out.len();
            for (i, item) in items.iter().enumerate() {
                let named = |key: &str| item.get(key).and_then(Value::as_str) == Some(step);
                let index_matches = step.parse::<usize>().ok() == Some(i);
                if step == "*" {
                    let _passed_over = walk(item, rest, &join(&i.to_string()), path, out);
                } else if named("id") || named("service") || index_matches {
                    walk(item, rest, &join(&i.to_string()), path, out)?;
                }
            }
            if out.len() == before { Err(missing()) } else { Ok(()) }
        }
        _ => Err(missing()),
    }
}

/// Checks the block against the scenario it belongs to.
pub(crate) fn check(
    raw: &RawScenario,
    block: Option<&RawSensitivity>,
    at: &Path,
) -> Result<Sensitivity, Problem> {
    let Some(block) = block else {
        return Ok(Sensitivity::default());
    };
    let fail = |path: Path, message: String| Err(Problem { path, message });
    let tree = serde_json::to_value(raw).map_err(|e| Problem {
        path: at.clone(),
        message: format!("cannot read the scenario's values: {e}"),
    })?;
    let numbers = |path: &str, p: &Path| -> Result<(), Problem> {
        let reached = resolve(&tree, path)
            .map_err(|e| Problem { path: p.clone(), message: e.to_string() })?;
        match reached.iter().find(|(_, v)| !v.is_number()) {
            Some((concrete, v)) => Err(Problem {
                path: p.clone(),
                message: format!("`{path}` reaches `{concrete}` = {v}, not a number to vary"),
            }),
            None => Ok(()),
        }
    };
    let mut factors = Vec::with_capacity(block.factors.len());
    let fp = at.field("factors");
    for (i, f) in block.factors.iter().enumerate() {
        let p = fp.index(i);
        if f.id.trim().is_empty() {
            return fail(p.field("id"), "expected a non-empty id".to_owned());
        }
        if block.factors[..i].iter().any(|g| g.id == f.id) {
            return fail(p.field("id"), format!("duplicate id {:?}: ids must be unique", f.id));
        }
        if f.reason.trim().is_empty() {
            return fail(p.field("reason"), "expected the reason for the range".to_owned());
        }
        if f.vary.is_empty() {
            return fail(p.field("vary"), "expected at least one path to vary".to_owned());
        }
        for (j, change) in f.vary.iter().enumerate() {
            let cp = p.field("vary").index(j);
            let (low, high) = change.ends();
            if !(low.is_finite() && high.is_finite() && low < high) {
                return fail(
                    cp,
                    format!("expected finite ends with low < high, found {low} and {high}"),
                );
            }
            if matches!(change, Change::Scale { .. }) && low <= 0.0 {
                return fail(cp.field("low"), format!("expected a multiplier > 0, found {low}"));
            }
            numbers(change.path(), &cp.field("path"))?;
        }
        factors.push(Factor { id: f.id.clone(), reason: f.reason.clone(), vary: f.vary.clone() });
    }
    for (i, n) in block.not_varied.iter().enumerate() {
        let p = at.field("not_varied").index(i);
        resolve(&tree, &n.path)
            .map_err(|e| Problem { path: p.field("path"), message: e.to_string() })?;
        if n.reason.trim().is_empty() {
            return fail(p.field("reason"), "expected the reason it is not varied".to_owned());
        }
    }
    Ok(Sensitivity { factors, not_varied: block.not_varied.clone() })
}
