//! Durations: service and repair times (complete samples) and patience (censored), fitted by
//! maximum likelihood, ranked by AIC, the chosen family tested by parametric bootstrap, and
//! written as the scenario's `Dist`.

use navbat_fit::{
    CensoredSample, Distribution, Family, Fit, GofConfig, KaplanMeier, Sample, bootstrap_gof,
    select_by_aic, select_censored_by_aic,
};
use navbat_record::calibration::{DurationFit, FamilyFit, GofResult, Interval, PatienceFit};
use navbat_scenario::Dist;

use crate::CalibrateError;

/// Settings shared by every duration fit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DurationSettings {
    pub(crate) replicates: usize,
    pub(crate) seed: u64,
    pub(crate) min_n: usize,
}

/// The scenario's distribution for a fitted one, and what was given up on the way (a
/// coefficient of variation over the scenario's limit is capped, the mean kept).
pub fn to_dist(d: &Distribution) -> (Dist, Option<String>) {
    let (dist, caveat) = to_dist_uncapped(d);
    let capped = match dist {
        Dist::Gamma { mean, cv } | Dist::LogNormal { mean, cv }
            if cv >= navbat_scenario::MAX_CV =>
        {
            Some(format!(
                "cv capped at the scenario's limit {} (mean kept {mean:.4})",
                navbat_scenario::MAX_CV
            ))
        }
        _ => None,
    };
    let caveat = match (caveat, capped) {
        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
        (a, b) => a.or(b),
    };
    (dist, caveat)
}

fn to_dist_uncapped(d: &Distribution) -> (Dist, Option<String>) {
    let cv_cap = |cv: f64| cv.min(navbat_scenario::MAX_CV);
    match *d {
        Distribution::Exponential { rate } => (Dist::Exponential { mean: 1.0 / rate }, None),
        Distribution::Gamma { shape, rate } => {
            (Dist::Gamma { mean: shape / rate, cv: cv_cap(1.0 / shape.sqrt()) }, None)
        }
        Distribution::LogNormal { mu, sigma } => {
            let s2 = sigma * sigma;
            (Dist::LogNormal { mean: (mu + s2 / 2.0).exp(), cv: cv_cap(s2.exp_m1().sqrt()) }, None)
        }
        Distribution::Weibull { shape, scale } => {
            // The scenario's shape range; past it, the closest shape with the same mean.
            let k =
                shape.clamp(navbat_scenario::MIN_WEIBULL_SHAPE, navbat_scenario::MAX_WEIBULL_SHAPE);
            let g = |k: f64| statrs::function::gamma::gamma(1.0 + 1.0 / k);
            if k == shape {
                (Dist::Weibull { shape, scale }, None)
            } else {
                (
                    Dist::Weibull { shape: k, scale: scale * g(shape) / g(k) },
                    Some(format!(
                        "shape {shape:.4} brought to the scenario's limit {k} (mean kept)"
                    )),
                )
            }
        }
    }
}

/// A short text of a scenario distribution.
pub(crate) fn dist_text(d: &Dist) -> String {
    match d {
        Dist::Exponential { mean } => format!("Exponential(mean {mean:.4})"),
        Dist::LogNormal { mean, cv } => format!("LogNormal(mean {mean:.4}, cv {cv:.4})"),
        Dist::Gamma { mean, cv } => format!("Gamma(mean {mean:.4}, cv {cv:.4})"),
        Dist::Constant { value } => format!("Constant({value:.4})"),
        Dist::Weibull { shape, scale } => format!("Weibull(shape {shape:.4}, scale {scale:.4})"),
        other => format!("{other:?}"),
    }
}

/// The families as fitted, best first, and the AIC gap to the runner-up as the note says it.
fn ranked(fits: &[Fit]) -> (Vec<FamilyFit>, String) {
    let fits: Vec<FamilyFit> = fits.iter().map(family_fit).collect();
    let runner = fits
        .get(1)
        .map_or(String::new(), |r| format!("; ΔAIC to {} {:.1}", r.family, r.aic - fits[0].aic));
    (fits, runner)
}

fn family_fit(f: &Fit) -> FamilyFit {
    FamilyFit {
        family: f.distribution.family().name().to_owned(),
        parameters: f
            .parameters
            .iter()
            .map(|p| Interval {
                name: p.name.to_owned(),
                value: p.value,
                ci95_low: p.ci95_low,
                ci95_high: p.ci95_high,
            })
            .collect(),
        log_likelihood: f.log_likelihood,
        aic: f.aic,
        mean: f.distribution.mean(),
    }
}

/// `name value [low, high]` of every parameter.
pub(crate) fn parameters_text(f: &FamilyFit) -> String {
    let ps: Vec<String> = f
        .parameters
        .iter()
        .map(|p| format!("{} {:.4} [{:.4}, {:.4}]", p.name, p.value, p.ci95_low, p.ci95_high))
        .collect();
    format!("{}({})", f.family, ps.join(", "))
}

/// Thousands separated by thin spaces, as the issue writes counts.
pub(crate) fn count_text(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// Floors values at half a second, counting the zeros.
pub(crate) fn floor_zeros(values: &mut [f64], half: f64) -> usize {
    let mut zeros = 0;
    for v in values.iter_mut() {
        if *v < half {
            if *v <= 0.0 {
                zeros += 1;
            }
            *v = half;
        }
    }
    zeros
}

/// A complete sample fitted: the families by AIC, the best tested, curves for the report.
/// `None` when there are fewer than `min_n` values.
pub(crate) fn fit_complete(
    what: String,
    scope: String,
    unit: &str,
    mut values: Vec<f64>,
    half: f64,
    settings: DurationSettings,
    stream: u64,
) -> Result<Option<(DurationFit, Dist)>, CalibrateError> {
    if values.len() < settings.min_n.max(Sample::MIN_LEN) {
        return Ok(None);
    }
    let zeros = floor_zeros(&mut values, half);
    let fit_err = |source| CalibrateError::Fit { what: what.clone(), source };
    let sample = Sample::new(&values).map_err(fit_err)?;
    let selection = select_by_aic(&sample, &Family::ALL).map_err(fit_err)?;
    let best = selection.best().distribution;
    let gof = bootstrap_gof(
        best.family(),
        &sample,
        GofConfig::new(settings.replicates, settings.seed.wrapping_add(stream)),
    )
    .map_err(fit_err)?;
    let sorted = sample.sorted();
    let q =
        |p: f64| sorted[((p * (sorted.len() - 1) as f64).round() as usize).min(sorted.len() - 1)];
    let top = q(0.99).max(f64::MIN_POSITIVE);
    let bins = 30;
    let width = top / bins as f64;
    let mut histogram: Vec<(f64, f64, u64)> =
        (0..bins).map(|i| (i as f64 * width, (i + 1) as f64 * width, 0)).collect();
    for &v in sorted {
        let i = ((v / width) as usize).min(bins - 1);
        histogram[i].2 += 1;
    }
    let density =
        (1..=100).map(|i| top * f64::from(i) / 100.0).map(|x| (x, best.ln_pdf(x).exp())).collect();
    let qq = (1..=99).map(|i| f64::from(i) / 100.0).map(|p| (best.quantile(p), q(p))).collect();
    let (dist, caveat) = to_dist(&best);
    let (fits, runner) = ranked(&selection.fits);
    let written_as = format!(
        "{}{}; n = {} ({scope}), KS p = {:.3}, AD p = {:.3} (bootstrap B = {}, tested n = {}){runner}{}",
        parameters_text(&fits[0]),
        format_args!(" → {} {unit}", dist_text(&dist)),
        count_text(values.len()),
        gof.ks_p_value,
        gof.ad_p_value,
        gof.replicates,
        count_text(gof.n_tested),
        caveat.map_or(String::new(), |c| format!("; {c}")),
    );
    Ok(Some((
        DurationFit {
            what,
            scope,
            unit: unit.to_owned(),
            n: values.len(),
            zeros,
            fits,
            gof: Some(GofResult {
                n_tested: gof.n_tested,
                ks: gof.ks,
                ks_p: gof.ks_p_value,
                ad: gof.ad,
                ad_p: gof.ad_p_value,
                replicates: gof.replicates,
            }),
            written_as,
            histogram,
            density,
            qq,
        },
        dist,
    )))
}

/// Patience from censored waits: abandonments observed, served and sent-home waits
/// censored. `None` (nobody leaves) without abandonments.
pub(crate) fn fit_patience(
    segment: &str,
    scope: String,
    mut events: Vec<f64>,
    mut censored: Vec<f64>,
    half: f64,
) -> Result<(PatienceFit, Option<Dist>), CalibrateError> {
    let what = format!("patience of segment {segment}");
    let n = events.len() + censored.len();
    floor_zeros(&mut events, half);
    floor_zeros(&mut censored, half);
    if events.is_empty() || n < 2 {
        let fit = PatienceFit {
            segment: segment.to_owned(),
            scope,
            n,
            events: 0,
            kaplan_meier: Vec::new(),
            km_median: None,
            fits: Vec::new(),
            fitted_survival: Vec::new(),
            written_as: format!(
                "no abandonment among {} waits: nobody leaves the line",
                count_text(n)
            ),
        };
        return Ok((fit, None));
    }
    let fit_err = |source| CalibrateError::Fit { what: what.clone(), source };
    let sample = CensoredSample::new(&events, &censored).map_err(fit_err)?;
    let families: &[Family] = if events.len() < 10 {
        &[Family::Exponential]
    } else {
        &[Family::Exponential, Family::Weibull, Family::LogNormal]
    };
    let selection = select_censored_by_aic(&sample, families).map_err(fit_err)?;
    let best = selection.best().distribution;
    let km = KaplanMeier::new(&sample);
    let step = (km.steps.len() / 300).max(1);
    let kaplan_meier: Vec<(f64, f64, f64, f64)> = km
        .steps
        .iter()
        .enumerate()
        .filter(|(i, _)| i % step == 0 || *i + 1 == km.steps.len())
        .map(|(_, s)| (s.time, s.survival, s.ci95_low, s.ci95_high))
        .collect();
    let top = km.steps.last().map_or(1.0, |s| s.time).max(f64::MIN_POSITIVE);
    let fitted_survival =
        (0..=100).map(|i| top * f64::from(i) / 100.0).map(|t| (t, best.sf(t))).collect();
    let (dist, caveat) = to_dist(&best);
    let (fits, runner) = ranked(&selection.fits);
    let written_as = format!(
        "censored {} → {} min; {} waits, {} abandoned ({scope}); Kaplan–Meier median {}{runner}{}",
        parameters_text(&fits[0]),
        dist_text(&dist),
        count_text(n),
        count_text(events.len()),
        km.median().map_or("not reached".to_owned(), |m| format!("{m:.2} min")),
        caveat.map_or(String::new(), |c| format!("; {c}")),
    );
    Ok((
        PatienceFit {
            segment: segment.to_owned(),
            scope,
            n,
            events: events.len(),
            kaplan_meier,
            km_median: km.median(),
            fits,
            fitted_survival,
            written_as,
        },
        Some(dist),
    ))
}
