//! Sensitivity to the estimates: the Morris screening of `screening.json` ranked (a table
//! and a μ*–σ chart on the net benefit), the strongest factors at their ends with paired
//! intervals and the verdicts they give, and the estimates left unvaried.

use std::collections::BTreeMap;

use navbat_record::screening::{EffectRow, EndRow, Output, Screening};
use navbat_record::{DecisionRule, Estimate};

use crate::build::{Ctx, est, num, with_ci};
use crate::chart::{Chart, ChartKind, XySeries, XyStyle};
use crate::doc::{Block, Table};
use crate::summary::headline::{PairedSite, Verdict, verdicts_from};

pub(crate) fn section(blocks: &mut Vec<Block>, ctx: &Ctx<'_>) {
    blocks.push(Block::Heading { level: 2, text: "Sensitivity to the estimates".to_owned() });
    let Some(s) = &ctx.res.screening else {
        blocks.push(Block::Note(
            "This run did not screen the scenario's estimated parameters (made without \
             --sensitivity), so which estimates could change the verdict is not shown."
                .to_owned(),
        ));
        return;
    };
    let currency = ctx.money.as_ref().map_or("", |m| m.e.currency.as_str());
    blocks.push(Block::Para(method_words(s)));
    let ranked = ranked(s);
    let rule = ctx.res.scenario.decision.unwrap_or(DecisionRule::DEFAULT);
    let ends = end_summaries(s, &rule);
    let rows = ranked
        .iter()
        .enumerate()
        .map(|(i, (id, score, top))| {
            let net = s.effects.iter().find(|e| &e.factor == id && e.output == Output::NetBenefit);
            let ranges = s
                .factors
                .iter()
                .find(|f| &f.id == id)
                .map_or(String::new(), |f| f.ranges.join("; "));
            vec![
                (i + 1).to_string(),
                id.clone(),
                ranges,
                num(*score, 2),
                top.clone(),
                net.map_or("n/a".to_owned(), |e| {
                    with_ci(
                        &Estimate {
                            mean: e.mu_star / 1e6,
                            ci95_low: e.mu_star_low / 1e6,
                            ci95_high: e.mu_star_high / 1e6,
                        },
                        1,
                    )
                }),
                net.map_or("n/a".to_owned(), |e| num(e.sigma / 1e6, 1)),
                match ends.iter().find(|e| &e.factor == id) {
                    None => "not re-run".to_owned(),
                    Some(e) if e.flips.is_empty() => "no".to_owned(),
                    Some(e) => format!("yes: {}", e.flips.join(", ")),
                },
            ]
        })
        .collect();
    blocks.push(Block::Table(Table {
        name: "screening".to_owned(),
        caption: format!(
            "Estimated parameters ranked by their largest relative μ* (μ* over the largest μ* \
             of any factor on the same output; ties by the mean over outputs) over the verdict's \
             quantities (per pilot site: mean-wait difference, officer hours freed, \
             abandonment difference) and the net benefit; μ* and σ of the net benefit in \
             million {currency} a year per the factor's whole range, μ* with its Student-t \
             95 % interval over the {} trajectories; the last column says whether the \
             factor's low or high end changes a site's verdict (end runs below)",
            s.trajectories
        ),
        header: [
            "Rank",
            "Factor",
            "Range",
            "Largest relative μ*",
            "On",
            "μ* net benefit (95 % CI)",
            "σ net benefit",
            "Changes a verdict",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows,
    }));
    blocks.push(Block::Chart(chart(s, &ranked, currency)));
    ends_table(blocks, s, &ends, currency);
    if !s.not_varied.is_empty() {
        blocks.push(Block::Table(Table {
            name: "screening-not-varied".to_owned(),
            caption: "Estimates the screening leaves as written, and why".to_owned(),
            header: ["Path", "Reason"].map(str::to_owned).to_vec(),
            rows: s.not_varied.iter().map(|(p, r)| vec![p.clone(), r.clone()]).collect(),
        }));
    }
}

fn method_words(s: &Screening) -> String {
    format!(
        "Every estimate the scenario marks [est.] is listed in its sensitivity block: a factor \
         with a stated range (below, with its reason in the data file), or left as written \
         with a reason (last table). The {} factors were screened by Morris's method of \
         elementary effects (Morris 1991) with μ*, the mean absolute effect (Campolongo, \
         Cariboni and Saltelli 2007): {} random one-at-a-time trajectories over a grid of {} \
         levels of each range, step Δ = {} of the range, {} points ({} simulated; points that \
         differ only in prices reuse a simulation, and a no-kiosk baseline that a factor leaves \
         unchanged is simulated once for every point that shares it: a run depends only on its \
         scenario, seed and replication number, so reuse changes no figure). Each point \
         simulates the pilot sites with kiosks and without (common random numbers), over the \
         first {} days of the horizon (long enough that the longest warm-up leaves a week \
         measured), \
         {} replication{} a point with the same replication numbers at every point, so that \
         two points of a trajectory differ only by the factor moved; hours are scaled to a \
         year. An elementary effect is the change of an output over the change of the level, \
         so it reads as the output's change across the factor's whole range; σ large beside \
         μ* means interactions or a curved response. The {} strongest factors were then \
         simulated at their low and high ends beside the scenario as written, {} paired \
         replications each, and the extension rule applied to each as to the main run. \
         The screening took {} s of wall-clock time. Its short horizon and few replications \
         rank the factors; they do not replace the main run's estimates.",
        s.factors.len(),
        s.trajectories,
        s.levels,
        num(s.delta, 3),
        s.points,
        s.points_simulated,
        s.horizon_days,
        s.replications,
        if s.replications == 1 { "" } else { "s" },
        s.strongest.len(),
        s.end_replications,
        num(s.seconds, 0),
    )
}

/// Factors by their largest relative μ* (ties in the scenario's order), with the output it
/// was largest on.
fn ranked(s: &Screening) -> Vec<(String, f64, String)> {
    let site_name =
        |id: &str| s.sites.iter().find(|(i, _)| i == id).map_or(id.to_owned(), |(_, n)| n.clone());
    let mut out: Vec<(usize, String, f64, String, f64)> = s
        .factors
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let best: Option<&EffectRow> = s
                .effects
                .iter()
                .filter(|e| e.factor == f.id)
                .max_by(|a, b| a.relative.total_cmp(&b.relative));
            let (score, on) = best.map_or((0.0, String::new()), |e| {
                let what = match e.output {
                    Output::WaitDifference => "wait difference",
                    Output::HoursFreed => "hours freed",
                    Output::AbandonmentDifference => "abandonment difference",
                    Output::NetBenefit => "net benefit",
                };
                let on = if e.site.is_empty() {
                    what.to_owned()
                } else {
                    format!("{what}, {}", site_name(&e.site))
                };
                (e.relative, on)
            });
            (i, f.id.clone(), score, on, mean_relative(s, &f.id))
        })
        .collect();
    out.sort_by(|a, b| b.2.total_cmp(&a.2).then(b.4.total_cmp(&a.4)).then(a.0.cmp(&b.0)));
    out.into_iter().map(|(_, id, score, on, _)| (id, score, on)).collect()
}

/// A factor's relative μ* averaged over every output (the tie-break of the ranking).
fn mean_relative(s: &Screening, id: &str) -> f64 {
    let (sum, n) = s
        .effects
        .iter()
        .filter(|e| e.factor == id)
        .fold((0.0, 0.0), |(sum, n), e| (sum + e.relative, n + 1.0));
    if n > 0.0 { sum / n } else { 0.0 }
}

fn chart(s: &Screening, ranked: &[(String, f64, String)], currency: &str) -> Chart {
    let point = |id: &str| {
        s.effects
            .iter()
            .find(|e| e.factor == id && e.output == Output::NetBenefit)
            .map(|e| (e.mu_star / 1e6, e.sigma / 1e6))
    };
    let mut series: Vec<XySeries> = ranked
        .iter()
        .take(5)
        .filter_map(|(id, _, _)| {
            point(id).map(|p| XySeries {
                name: id.clone(),
                points: vec![p],
                style: XyStyle::Points,
            })
        })
        .collect();
    let rest: Vec<(f64, f64)> = ranked.iter().skip(5).filter_map(|(id, _, _)| point(id)).collect();
    series.push(XySeries {
        name: "other factors".to_owned(),
        points: rest,
        style: XyStyle::Points,
    });
    Chart {
        name: "screening-mu-sigma".to_owned(),
        title: "Morris screening: μ* against σ on the net benefit".to_owned(),
        caption: format!(
            "Each factor's mean absolute elementary effect μ* (right: more influence) against \
             the spread σ of its effects (up: interactions or a curved response) on the pilot \
             sites' net benefit, million {currency} a year per the factor's range; the five \
             highest-ranked factors are named."
        ),
        x_label: format!("μ* (million {currency}/year)"),
        y_label: format!("σ (million {currency}/year)"),
        kind: ChartKind::Xy { series },
    }
}

/// One strongest factor at its ends.
struct EndSummary {
    factor: String,
    /// Net benefit, all pilot sites: at the low end, at the high end, high − low (paired).
    low: Estimate,
    high: Estimate,
    change: Estimate,
    /// Per site: verdict as written, at the low end, at the high end.
    verdicts: Vec<(String, Verdict, Verdict, Verdict)>,
    /// Sites whose verdict an end changes.
    flips: Vec<String>,
}

/// Per site, the paired numbers of one end, in site order.
fn paired(s: &Screening, factor: &str, end: &str) -> Vec<PairedSite> {
    s.sites
        .iter()
        .map(|(id, _)| {
            let rows: Vec<&EndRow> = s
                .ends
                .iter()
                .filter(|r| r.factor == factor && r.end == end && &r.site == id)
                .collect();
            let col = |f: &dyn Fn(&EndRow) -> f64| rows.iter().map(|r| f(r)).collect::<Vec<f64>>();
            PairedSite {
                wait: (col(&|r| r.pilot_wait_min), col(&|r| r.baseline_wait_min)),
                busy: (col(&|r| r.pilot_busy_hours), col(&|r| r.baseline_busy_hours)),
                abandoned_pct: (
                    col(&|r| r.pilot_abandoned_pct),
                    col(&|r| r.baseline_abandoned_pct),
                ),
            }
        })
        .collect()
}

/// Net benefit of all pilot sites per replication at one end.
fn net_by_replication(s: &Screening, factor: &str, end: &str) -> Vec<f64> {
    let mut by: BTreeMap<u32, f64> = BTreeMap::new();
    for r in s.ends.iter().filter(|r| r.factor == factor && r.end == end) {
        *by.entry(r.replication).or_default() += r.net_benefit;
    }
    by.into_values().collect()
}

fn end_summaries(s: &Screening, rule: &DecisionRule) -> Vec<EndSummary> {
    let base = verdicts_from(&paired(s, "", "base"), rule);
    s.strongest
        .iter()
        .map(|id| {
            let low = verdicts_from(&paired(s, id, "low"), rule);
            let high = verdicts_from(&paired(s, id, "high"), rule);
            let (nl, nh) = (net_by_replication(s, id, "low"), net_by_replication(s, id, "high"));
            let diff: Vec<f64> = nh.iter().zip(&nl).map(|(h, l)| h - l).collect();
            let mut verdicts = Vec::new();
            let mut flips = Vec::new();
            for (i, (_, name)) in s.sites.iter().enumerate() {
                let (b, l, h) = (base[i], low[i], high[i]);
                if l != b || h != b {
                    flips.push(name.clone());
                }
                verdicts.push((name.clone(), b, l, h));
            }
            EndSummary {
                factor: id.clone(),
                low: est(&nl),
                high: est(&nh),
                change: est(&diff),
                verdicts,
                flips,
            }
        })
        .collect()
}

fn ends_table(blocks: &mut Vec<Block>, s: &Screening, ends: &[EndSummary], currency: &str) {
    if ends.is_empty() {
        blocks.push(Block::Note("No factor had an effect to re-run at its ends.".to_owned()));
        return;
    }
    let m = |e: &Estimate| {
        with_ci(
            &Estimate {
                mean: e.mean / 1e6,
                ci95_low: e.ci95_low / 1e6,
                ci95_high: e.ci95_high / 1e6,
            },
            1,
        )
    };
    let rows = ends
        .iter()
        .flat_map(|e| {
            e.verdicts.iter().enumerate().map(move |(i, (site, b, l, h))| {
                let first = i == 0;
                vec![
                    if first { e.factor.clone() } else { String::new() },
                    if first { m(&e.low) } else { String::new() },
                    if first { m(&e.high) } else { String::new() },
                    if first { m(&e.change) } else { String::new() },
                    site.clone(),
                    b.short().to_owned(),
                    l.short().to_owned(),
                    h.short().to_owned(),
                ]
            })
        })
        .collect();
    blocks.push(Block::Table(Table {
        name: "screening-ends".to_owned(),
        caption: format!(
            "The strongest factors at their low and high ends, {} replications each on the \
             screening's {} days, common random numbers: the pilot sites' net benefit (million \
             {currency} a year, mean and Student-t 95 % CI), its paired change from low to \
             high, and each site's verdict by the extension rule as written and at each end",
            s.end_replications, s.horizon_days
        ),
        header: [
            "Factor",
            "Net benefit, low end",
            "Net benefit, high end",
            "High − low (paired)",
            "Site",
            "Verdict as written",
            "Verdict, low end",
            "Verdict, high end",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows,
    }));
    let flips: Vec<String> = ends
        .iter()
        .filter(|e| !e.flips.is_empty())
        .map(|e| format!("{} ({})", e.factor, e.flips.join(", ")))
        .collect();
    blocks.push(Block::Para(if flips.is_empty() {
        "No re-run factor changes a pilot site's verdict at either end of its range on these \
         runs."
            .to_owned()
    } else {
        format!(
            "Factors whose stated range changes a pilot site's verdict on these runs: {}. \
             Their estimates are the ones to measure first in the pilot's records.",
            flips.join("; ")
        )
    }));
}
