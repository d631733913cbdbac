//! Checks of single values: dates, id lists, weights, profiles, probabilities and
//! distributions (each one the engine's sampler can draw from, within the limits).

use super::*;

pub(super) fn date(text: &str, path: &Path) -> Check<Date> {
    let d = text
        .parse::<Date>()
        .or_else(|_| problem(path, format!("expected a date as YYYY-MM-DD, found {text:?}")))?;
    if !(MIN_YEAR..=MAX_YEAR).contains(&d.year()) {
        return problem(
            path,
            format!("expected a date in the years {MIN_YEAR} to {MAX_YEAR}, found {text:?}"),
        );
    }
    Ok(d)
}

/// Checks ids are non-empty and unique; returns id -> index.
pub(super) fn ids<'a>(
    list: impl Iterator<Item = &'a str>,
    path: &Path,
) -> Check<BTreeMap<&'a str, u16>> {
    let mut map = BTreeMap::new();
    for (i, id) in list.enumerate() {
        let p = path.index(i).field("id");
        if id.trim().is_empty() {
            return problem(&p, "expected a non-empty id");
        }
        let Ok(index) = u16::try_from(i) else {
            return problem(&p, "expected at most 65535 entries");
        };
        if map.insert(id, index).is_some() {
            return problem(&p, format!("duplicate id {id:?}: ids must be unique"));
        }
    }
    Ok(map)
}

pub(super) fn weights<const N: usize>(list: &[f64], path: &Path, what: &str) -> Check<[f64; N]> {
    if list.len() != N {
        return problem(path, format!("expected {N} weights ({what}), found {}", list.len()));
    }
    let mut out = [0.0; N];
    for (i, &w) in list.iter().enumerate() {
        if !w.is_finite() || w < 0.0 {
            return problem(&path.index(i), format!("expected a finite weight >= 0, found {w}"));
        }
        out[i] = w;
    }
    let total: f64 = out.iter().sum();
    if total <= 0.0 {
        return problem(path, "expected at least one positive weight");
    }
    for w in &mut out {
        *w /= total;
    }
    Ok(out)
}

pub(super) fn profile(p: &RawProfile, path: &Path) -> Check<Profile> {
    Ok(Profile {
        id: p.id.clone(),
        hour_of_day: weights(&p.hour_of_day, &path.field("hour_of_day"), "hours 0 to 23")?,
        weekday: weights(&p.weekday, &path.field("weekday"), "Monday to Sunday")?,
        month: weights(&p.month, &path.field("month"), "January to December")?,
    })
}

pub(super) fn probability(x: f64, path: &Path) -> Check<f64> {
    if x.is_finite() && (0.0..=1.0).contains(&x) {
        Ok(x)
    } else {
        problem(path, format!("expected a probability between 0 and 1, found {x}"))
    }
}

/// The unit a duration field is written in (its name says which: `_minutes`, `_hours`,
/// `_days`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Minutes,
    Hours,
    Days,
}

impl Unit {
    /// [`MAX_DURATION_DAYS`] in this unit.
    fn max(self) -> f64 {
        match self {
            Self::Minutes => MAX_DURATION_DAYS * 24.0 * 60.0,
            Self::Hours => MAX_DURATION_DAYS * 24.0,
            Self::Days => MAX_DURATION_DAYS,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Minutes => "minutes",
            Self::Hours => "hours",
            Self::Days => "days",
        }
    }
}

/// Checks a distribution of a positive duration in `unit`: every parameter in range, and a
/// distribution the engine's sampler (`rand_distr`, built exactly as `navbat-engine` builds
/// it) can draw from.
pub(crate) fn dist(d: &Dist, path: &Path, unit: Unit) -> Check<Dist> {
    let max = unit.max();
    let too_long = |x: f64, at: &Path| -> Check<()> {
        if x <= max {
            Ok(())
        } else {
            problem(
                at,
                format!(
                    "expected at most {max} {} ({MAX_DURATION_DAYS} days), found {x}",
                    unit.name()
                ),
            )
        }
    };
    let positive = |x: f64, field: &'static str| -> Check<()> {
        if x.is_finite() && x > 0.0 {
            too_long(x, &path.field(field))
        } else {
            problem(&path.field(field), format!("expected a finite number > 0, found {x}"))
        }
    };
    let cv_ok = |cv: f64| -> Check<()> {
        if cv.is_finite() && cv > 0.0 && cv <= MAX_CV {
            Ok(())
        } else {
            problem(
                &path.field("cv"),
                format!("expected a coefficient of variation in (0, {MAX_CV}], found {cv}"),
            )
        }
    };
    let drawable = |ok: bool| -> Check<()> {
        if ok {
            Ok(())
        } else {
            problem(path, "these parameters give no distribution that can be sampled")
        }
    };
    match d {
        Dist::Constant { value } => positive(*value, "value")?,
        Dist::Exponential { mean } => {
            positive(*mean, "mean")?;
            drawable(rand_distr::Exp::new(1.0 / mean).is_ok())?;
        }
        Dist::LogNormal { mean, cv } => {
            positive(*mean, "mean")?;
            cv_ok(*cv)?;
            let s2 = (1.0 + cv * cv).ln();
            drawable(rand_distr::LogNormal::new(mean.ln() - s2 / 2.0, s2.sqrt()).is_ok())?;
        }
        Dist::Gamma { mean, cv } => {
            positive(*mean, "mean")?;
            cv_ok(*cv)?;
            let shape = 1.0 / (cv * cv);
            drawable(rand_distr::Gamma::new(shape, mean / shape).is_ok())?;
        }
        Dist::Weibull { shape, scale } => {
            if !(shape.is_finite() && (MIN_WEIBULL_SHAPE..=MAX_WEIBULL_SHAPE).contains(shape)) {
                return problem(
                    &path.field("shape"),
                    format!(
                        "expected a Weibull shape in [{MIN_WEIBULL_SHAPE}, {MAX_WEIBULL_SHAPE}], \
                         found {shape}"
                    ),
                );
            }
            positive(*scale, "scale")?;
            let g1 = statrs::function::gamma::gamma(1.0 + 1.0 / shape);
            let g2 = statrs::function::gamma::gamma(1.0 + 2.0 / shape);
            too_long(scale * g1, &path.field("scale"))?;
            let cv = (g2 / (g1 * g1) - 1.0).max(0.0).sqrt();
            if cv > MAX_CV {
                return problem(
                    &path.field("shape"),
                    format!(
                        "a shape of {shape} gives a coefficient of variation of {cv:.1}, over \
                         the limit {MAX_CV}"
                    ),
                );
            }
            drawable(rand_distr::Weibull::new(*scale, *shape).is_ok())?;
        }
        Dist::Triangular { min, mode, max } => {
            for (x, f) in [(*min, "min"), (*mode, "mode"), (*max, "max")] {
                if !x.is_finite() || x < 0.0 {
                    return problem(
                        &path.field(f),
                        format!("expected a finite number >= 0, found {x}"),
                    );
                }
                too_long(x, &path.field(f))?;
            }
            if !(min <= mode && mode <= max && min < max) {
                return problem(path, "expected min <= mode <= max and min < max");
            }
            drawable(rand_distr::Triangular::new(*min, *max, *mode).is_ok())?;
        }
        Dist::Empirical { values } => {
            if values.is_empty() || values.len() > MAX_EMPIRICAL_VALUES {
                return problem(
                    &path.field("values"),
                    format!(
                        "expected 1 to {MAX_EMPIRICAL_VALUES} observed values, found {}",
                        values.len()
                    ),
                );
            }
            for (i, &v) in values.iter().enumerate() {
                if !v.is_finite() || v < 0.0 {
                    return problem(
                        &path.field("values").index(i),
                        format!("expected a finite number >= 0, found {v}"),
                    );
                }
                too_long(v, &path.field("values").index(i))?;
            }
            if values.iter().all(|&v| v == 0.0) {
                return problem(&path.field("values"), "expected at least one value > 0");
            }
        }
    }
    Ok(d.clone())
}
