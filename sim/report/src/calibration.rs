//! The calibration report: a saved calibration (`calibration.json`, written by
//! `navbat calibrate --report DIR`) as HTML and Markdown with the evaluation report's look:
//! for every duration its histogram with the fitted density, a Q–Q plot and the table of
//! families; Kaplan–Meier against the fitted survival of every segment's patience; observed
//! against fitted arrivals by hour of the week; desks on duty; balking, kiosk failures,
//! channel shares; the assumed parameters and the bad rows skipped.

use std::path::Path;

use navbat_record::calibration::{
    CALIBRATION_FILE, CALIBRATION_FORMAT, CalibrationFile, FamilyFit,
};
use navbat_record::folder;

use crate::ReportError;
use crate::build::Report;
use crate::chart::{Chart, ChartKind, XySeries, XyStyle};
use crate::doc::{Block, Table};

fn num(x: f64, digits: usize) -> String {
    format!("{x:.digits$}")
}

fn h(level: u8, text: impl Into<String>) -> Block {
    Block::Heading { level, text: text.into() }
}

fn slug(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect()
}

fn xy(
    name: String,
    title: String,
    caption: String,
    x: &str,
    y: &str,
    series: Vec<XySeries>,
) -> Block {
    Block::Chart(Chart {
        name,
        title,
        caption,
        x_label: x.to_owned(),
        y_label: y.to_owned(),
        kind: ChartKind::Xy { series },
    })
}

fn families_table(name: String, caption: String, fits: &[FamilyFit]) -> Block {
    let best = fits.first().map_or(0.0, |f| f.aic);
    Block::Table(Table {
        name,
        caption,
        header: ["family", "parameters (95 % CI)", "log-likelihood", "AIC", "ΔAIC", "mean"]
            .map(str::to_owned)
            .to_vec(),
        rows: fits
            .iter()
            .map(|f| {
                let ps: Vec<String> = f
                    .parameters
                    .iter()
                    .map(|p| {
                        format!("{} {:.4} [{:.4}, {:.4}]", p.name, p.value, p.ci95_low, p.ci95_high)
                    })
                    .collect();
                vec![
                    f.family.clone(),
                    ps.join("; "),
                    num(f.log_likelihood, 1),
                    num(f.aic, 1),
                    num(f.aic - best, 1),
                    num(f.mean, 3),
                ]
            })
            .collect(),
    })
}

/// The report's blocks for a calibration.
fn build(c: &CalibrationFile) -> Report {
    let mut b = Vec::new();
    b.push(Block::Para(format!(
        "{} tickets from {}, {} to {}{}. Every fit below is a maximum-likelihood fit with 95 % \
         intervals; a duration's family is chosen by AIC and tested by Kolmogorov–Smirnov and \
         Anderson–Darling with parametric-bootstrap p-values (refitting on every bootstrap \
         sample).",
        c.tickets,
        c.source,
        c.period.0,
        c.period.1,
        c.base.as_ref().map_or(String::new(), |b| format!(", base scenario {b}"))
    )));
    b.push(h(2, "Assumed, not fitted"));
    b.push(Block::List(c.assumed.clone()));
    if !c.remarks.is_empty() {
        b.push(h(2, "Remarks"));
        b.push(Block::List(c.remarks.clone()));
    }
    b.push(h(2, "Bad rows"));
    if c.skipped.is_empty() {
        b.push(Block::Para("No row was skipped.".into()));
    } else {
        b.push(Block::Table(Table {
            name: "bad-rows".into(),
            caption: "Rows skipped with --skip-bad-rows, per file and reason.".into(),
            header: vec!["file".into(), "reason".into(), "rows".into()],
            rows: c
                .skipped
                .iter()
                .flat_map(|s| {
                    s.counts.iter().map(|(r, n)| vec![s.file.clone(), r.clone(), n.to_string()])
                })
                .collect(),
        }));
        b.push(Block::List(c.skipped.iter().flat_map(|s| s.examples.clone()).collect()));
    }

    b.push(h(2, "Arrivals"));
    for a in &c.arrivals {
        let site = slug(&a.site);
        b.push(h(3, format!("Site {}", a.site)));
        let dispersion = a.dispersion.as_ref().map_or(
            "Too few days to test the dispersion of daily counts.".to_owned(),
            |d| {
                format!(
                    "Daily counts against one mean per weekday and month: dispersion index \
                     {:.2}, χ²({}) = {:.1}, p(over-dispersed) = {:.4}{}.",
                    d.index,
                    d.df,
                    d.statistic,
                    d.p_over,
                    if d.p_over < 0.05 { " — over-dispersed against Poisson" } else { "" }
                )
            },
        );
        b.push(Block::Para(format!(
            "{} arrivals in {} days: {:.0} a year, 95 % CI [{:.0}, {:.0}] (Garwood, Poisson); \
             [{:.0}, {:.0}] quasi-Poisson. {dispersion} {} arrivals fell outside the \
             scenario's opening hours.",
            a.arrivals,
            a.days,
            a.yearly.value,
            a.yearly.ci95_low,
            a.yearly.ci95_high,
            a.yearly_quasi.ci95_low,
            a.yearly_quasi.ci95_high,
            a.outside_hours
        )));
        let pts = |v: &[f64]| v.iter().enumerate().map(|(i, &y)| (i as f64, y)).collect();
        b.push(xy(
            format!("arrivals-{site}"),
            format!("Arrivals by hour of the week, {}", a.site),
            "Mean arrivals per hour over the period's dates, Monday 0:00 = 0; the fitted \
             weekday × month × hour process over the same dates."
                .into(),
            "hour of the week",
            "arrivals per hour",
            vec![
                XySeries {
                    name: "observed".into(),
                    points: pts(&a.observed_hour_of_week),
                    style: XyStyle::Step,
                },
                XySeries {
                    name: "fitted NHPP".into(),
                    points: pts(&a.fitted_hour_of_week),
                    style: XyStyle::Line,
                },
            ],
        ));
        b.push(Block::Table(Table {
            name: format!("volumes-{site}"),
            caption: format!("Yearly volume per service at {} (Garwood 95 % CI).", a.site),
            header: vec!["service".into(), "arrivals".into(), "a year".into(), "95 % CI".into()],
            rows: a
                .per_service
                .iter()
                .map(|(s, n, iv)| {
                    vec![
                        s.clone(),
                        n.to_string(),
                        num(iv.value, 0),
                        format!("[{:.0}, {:.0}]", iv.ci95_low, iv.ci95_high),
                    ]
                })
                .collect(),
        }));
    }
    for s in &c.staffing {
        let site = slug(&s.site);
        let pts = |v: &[f64]| v.iter().enumerate().map(|(i, &y)| (i as f64, y)).collect();
        b.push(xy(
            format!("desks-{site}"),
            format!("Desks on duty, {}", s.site),
            format!(
                "Desks on duty by hour of the week ({}), the rounded schedule the scenario got, and desks seen starting a service in the hour. {}",
                s.source,
                match &s.availability {
                    Some(a) => format!(
                        "The scenario got the desks on duty times {:.3} (95 % CI {:.3} to {:.3}), the {}.",
                        a.value, a.ci95_low, a.ci95_high, a.name
                    ),
                    None => "Too few moments with a line to tell what share of the desks on duty served it: all of them were written.".to_owned(),
                }
            ),
            "hour of the week",
            "desks",
            vec![
                XySeries { name: "mean on duty".into(), points: pts(&s.mean_on_duty), style: XyStyle::Line },
                XySeries {
                    name: "written".into(),
                    points: s.written.iter().enumerate().map(|(i, &y)| (i as f64, f64::from(y))).collect(),
                    style: XyStyle::Step,
                },
                XySeries { name: "seen serving".into(), points: pts(&s.seen_serving), style: XyStyle::Line },
            ],
        ));
    }

    b.push(h(2, "Service and repair times"));
    for d in &c.durations {
        let name = slug(&d.what);
        b.push(h(3, d.what.clone()));
        b.push(Block::Para(format!(
            "{} values ({}; {} recorded as zero, taken as half a second). Written: {}.",
            d.n, d.scope, d.zeros, d.written_as
        )));
        if let Some(g) = &d.gof {
            b.push(Block::Table(Table {
                name: format!("gof-{name}"),
                caption: format!(
                    "Goodness of fit of {} (parametric bootstrap, B = {}).",
                    d.fits.first().map_or("", |f| &f.family),
                    g.replicates
                ),
                header: vec![
                    "tested n".into(),
                    "KS D".into(),
                    "KS p".into(),
                    "AD A²".into(),
                    "AD p".into(),
                ],
                rows: vec![vec![
                    g.n_tested.to_string(),
                    num(g.ks, 4),
                    num(g.ks_p, 3),
                    num(g.ad, 3),
                    num(g.ad_p, 3),
                ]],
            }));
        }
        b.push(families_table(
            format!("families-{name}"),
            format!("Families fitted to {}, best AIC first.", d.what),
            &d.fits,
        ));
        let total = d.histogram.iter().map(|x| x.2).sum::<u64>().max(1) as f64;
        let width = d.histogram.first().map_or(1.0, |x| x.1 - x.0);
        b.push(xy(
            format!("hist-{name}"),
            format!("{}: histogram and fitted density", d.what),
            "Share of values per unit in each bin (the last bin holds everything above the 99th percentile), and the chosen family's density.".into(),
            &format!("{} ({})", "duration", d.unit),
            "density",
            vec![
                XySeries {
                    name: "observed".into(),
                    points: d.histogram.iter().map(|&(lo, _, n)| (lo, n as f64 / total / width)).collect(),
                    style: XyStyle::Bars { width },
                },
                XySeries { name: format!("fitted {}", d.fits.first().map_or("", |f| &f.family)), points: d.density.clone(), style: XyStyle::Line },
            ],
        ));
        let top = d.qq.iter().map(|p| p.0.max(p.1)).fold(0.0, f64::max);
        b.push(xy(
            format!("qq-{name}"),
            format!("{}: Q–Q plot", d.what),
            "Observed percentiles 1 to 99 against the fitted family's; on the diagonal where the fit is good.".into(),
            &format!("fitted quantile ({})", d.unit),
            &format!("observed quantile ({})", d.unit),
            vec![
                XySeries { name: "percentiles".into(), points: d.qq.clone(), style: XyStyle::Points },
                XySeries { name: "diagonal".into(), points: vec![(0.0, 0.0), (top, top)], style: XyStyle::Line },
            ],
        ));
    }

    b.push(h(2, "Patience"));
    for p in &c.patience {
        let name = slug(&p.segment);
        b.push(h(3, format!("Segment {}", p.segment)));
        b.push(Block::Para(format!(
            "{} waits, {} abandoned ({}). {}.",
            p.n, p.events, p.scope, p.written_as
        )));
        if p.fits.is_empty() {
            continue;
        }
        b.push(families_table(
            format!("patience-families-{name}"),
            format!("Censored fits of the patience of {}, best AIC first.", p.segment),
            &p.fits,
        ));
        b.push(xy(
            format!("patience-{name}"),
            format!("Patience of {}: Kaplan–Meier and fitted survival", p.segment),
            "Share still willing to wait after t minutes: Kaplan–Meier with Greenwood log-log 95 % band, and the chosen family.".into(),
            "minutes waited",
            "survival",
            vec![
                XySeries { name: "Kaplan–Meier".into(), points: p.kaplan_meier.iter().map(|k| (k.0, k.1)).collect(), style: XyStyle::Step },
                XySeries { name: format!("fitted {}", p.fits[0].family), points: p.fitted_survival.clone(), style: XyStyle::Line },
                XySeries { name: "KM 95 % low".into(), points: p.kaplan_meier.iter().map(|k| (k.0, k.2)).collect(), style: XyStyle::Step },
                XySeries { name: "KM 95 % high".into(), points: p.kaplan_meier.iter().map(|k| (k.0, k.3)).collect(), style: XyStyle::Step },
            ],
        ));
    }

    b.push(h(2, "Balking, channels and kiosks"));
    b.push(Block::Table(Table {
        name: "balking".into(),
        caption: "Balking against the counter line seen on arrival: the step rule's threshold and probability (Wilson 95 % CI), and the share below it.".into(),
        header: vec!["segment".into(), "arrivals".into(), "balked".into(), "threshold".into(), "p at or above".into(), "share below".into()],
        rows: c
            .balking
            .iter()
            .map(|x| {
                vec![
                    x.segment.clone(),
                    x.arrivals.to_string(),
                    x.balked.to_string(),
                    x.threshold.to_string(),
                    format!("{:.4} [{:.4}, {:.4}]", x.above.value, x.above.ci95_low, x.above.ci95_high),
                    format!("{:.4} [{:.4}, {:.4}]", x.below.value, x.below.ci95_low, x.below.ci95_high),
                ]
            })
            .collect(),
    }));
    b.push(Block::Table(Table {
        name: "channels".into(),
        caption: "Channel weights per segment (Luce choice model among the channels offered; approximate Wilson 95 % CIs over the tickets that had a choice).".into(),
        header: vec!["segment".into(), "channel".into(), "tickets".into(), "weight".into()],
        rows: c
            .shares
            .iter()
            .map(|s| vec![s.segment.clone(), s.channel.clone(), s.count.to_string(), format!("{:.4} [{:.4}, {:.4}]", s.share.value, s.share.ci95_low, s.share.ci95_high)])
            .collect(),
    }));
    b.push(Block::Table(Table {
        name: "kiosk-failures".into(),
        caption: "Kiosk failures per site and component: MTBF = kiosk-hours up ÷ failures (Garwood 95 % CI).".into(),
        header: vec!["site".into(), "component".into(), "failures".into(), "hours up".into(), "MTBF h".into(), "repairs".into(), "mean repair h".into()],
        rows: c
            .kiosks
            .iter()
            .map(|k| {
                vec![
                    k.site.clone(),
                    k.component.clone(),
                    k.failures.to_string(),
                    num(k.up_hours, 0),
                    format!("{:.1} [{:.1}, {:.1}]", k.mtbf_hours.value, k.mtbf_hours.ci95_low, k.mtbf_hours.ci95_high),
                    k.repairs.to_string(),
                    num(k.mean_repair_hours, 2),
                ]
            })
            .collect(),
    }));
    let footer = vec![Block::Code(vec![c.command.clone()])];
    Report { title: "navbat calibration report".into(), blocks: b, footer }
}

/// Parses saved calibration results (the bytes of `calibration.json`); `file` names them in
/// errors.
fn parse(file: &Path, bytes: &[u8]) -> Result<CalibrationFile, ReportError> {
    let bad = |message: String| ReportError::Inconsistent { path: file.to_path_buf(), message };
    let c: CalibrationFile = serde_json::from_slice(bytes).map_err(|e| bad(e.to_string()))?;
    if c.format != CALIBRATION_FORMAT {
        return Err(bad(format!("layout {} (this navbat reads {CALIBRATION_FORMAT})", c.format)));
    }
    Ok(c)
}

/// Writes the folder `out_dir` holding the saved calibration results `json` (the bytes of
/// `calibration.json`, kept as given) and the calibration report rendered from them:
/// `index.html`, `report.md`, `charts/*.png`, `data/*.csv`, the manifest. All or nothing; an
/// earlier folder of navbat's is replaced whole, any other is refused.
pub fn write_calibration_folder(json: &[u8], out_dir: &Path) -> Result<(), ReportError> {
    let c = parse(&out_dir.join(CALIBRATION_FILE), json)?;
    let report = build(&c);
    let out_dir = &folder::resolve(out_dir)?;
    folder::write_folder_with(out_dir, |tmp: &Path| {
        let path = tmp.join(CALIBRATION_FILE);
        std::fs::write(&path, json).map_err(|source| ReportError::Io { path, source })?;
        crate::write::write_all(&report, tmp)?;
        Ok::<(), ReportError>(())
    })
}

/// Renders the calibration report again from a folder written by
/// [`write_calibration_folder`] into `out_dir` (apart from it).
pub fn rewrite_calibration_report(results_dir: &Path, out_dir: &Path) -> Result<(), ReportError> {
    let path = results_dir.join(CALIBRATION_FILE);
    let bytes =
        std::fs::read(&path).map_err(|source| ReportError::Io { path: path.clone(), source })?;
    let c = parse(&path, &bytes)?;
    let report = build(&c);
    folder::check_apart(out_dir, results_dir)?;
    let out_dir = &folder::resolve(out_dir)?;
    folder::write_folder_with(out_dir, |tmp: &Path| {
        crate::write::write_all(&report, tmp)?;
        Ok::<(), ReportError>(())
    })
}
