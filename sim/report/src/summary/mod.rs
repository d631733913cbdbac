//! The executive summary: the five headline numbers, pilot against baseline with paired
//! confidence intervals, the per-site sentences and the recommendation by stated rules.

use navbat_record::{DecisionRule, Estimate};

use crate::build::{Ctx, SiteRuns, num, over, phrase, short_label};
use crate::chart::{Chart, ChartKind};
use crate::doc::{Block, Table};
use crate::expansion::Plan;

pub(crate) mod headline;

use headline::{Decision, Headline, Key, Verdict};
use headline::{decide, headlines, pool};

/// Label of the pooled rows.
const ALL: &str = "All pilot sites";

/// Per site and (with more than one site) pooled headlines.
type Headlines<'s, 'a> = (Vec<(&'s SiteRuns<'a>, Vec<Headline>)>, Option<Vec<Headline>>);

pub(crate) fn section(blocks: &mut Vec<Block>, ctx: &Ctx<'_>, plan: Option<&Plan<'_>>) {
    intro(blocks, ctx);
    let (per_site, all) = all_headlines(ctx);
    let header = header(ctx);
    five_numbers(blocks, ctx, &per_site, all.as_deref(), &header);
    let verdicts = sentences(blocks, ctx, &per_site, all.as_deref());
    blocks.push(Block::Heading { level: 3, text: "Recommendation".to_owned() });
    if ctx.has_baseline {
        let rule = rule(ctx);
        blocks.push(Block::Para(rule_words(&rule)));
        evidence(blocks, &verdicts);
        let verdicts: Vec<(String, Verdict)> =
            verdicts.into_iter().map(|(n, d)| (n, d.verdict)).collect();
        let mut text = recommendation(&verdicts, plan, crate::selection::chosen(ctx).is_some());
        if let Some(clause) = money_clause(ctx) {
            text.push(' ');
            text.push_str(&clause);
        }
        blocks.push(Block::Para(text));
    } else {
        blocks.push(ctx.no_baseline("The recommendation on the pilot sites"));
        if let Some(p) = plan.filter(|p| !p.recommended.is_empty()) {
            blocks.push(Block::Para(format!(
                "The expansion analysis, which has its own paired baseline, recommends: {}.",
                p.recommended.join("; ")
            )));
        }
    }

    detail(blocks, ctx, &per_site, all.as_deref(), header);
}

fn intro(blocks: &mut Vec<Block>, ctx: &Ctx<'_>) {
    let sc = &ctx.res.scenario;
    blocks.push(Block::Heading { level: 2, text: "Executive summary".to_owned() });
    if !sc.description.is_empty() {
        blocks.push(Block::Para(sc.description.clone()));
    }
    let candidates = if sc.candidates.is_empty() {
        String::new()
    } else {
        " Candidate sites for extension are not part of these figures; they are weighed in \
         the expansion proposal."
            .to_owned()
    };
    if ctx.has_baseline {
        blocks.push(Block::Para(format!(
            "The figures compare the {} pilot sites (with kiosks) against a baseline run of the \
             same year without kiosks, simulated with the same random numbers (common random \
             numbers), over {} paired replications. Each difference is the mean of the paired \
             differences with its Student-t 95 % confidence interval (CI). Horizon {} to {}.{candidates}",
            ctx.sites.len(),
            ctx.reps,
            sc.horizon.start,
            sc.horizon.end
        )));
    } else {
        blocks.push(Block::Para(format!(
            "The figures are the {} pilot sites' levels over {} replications, each a mean with its \
             Student-t 95 % confidence interval (CI). Horizon {} to {}.{candidates}",
            ctx.sites.len(),
            ctx.reps,
            sc.horizon.start,
            sc.horizon.end
        )));
        blocks.push(ctx.no_baseline(
            "Comparing the pilot with the same year without kiosks (differences, hours saved, \
             the recommendation)",
        ));
    }
}

fn all_headlines<'s, 'a>(ctx: &'s Ctx<'a>) -> Headlines<'s, 'a> {
    // Per site and pooled headlines.
    let mut per_site: Vec<(&SiteRuns<'_>, Vec<Headline>)> = Vec::new();
    for s in &ctx.sites {
        let p90 = (
            s.pilot.iter().map(|r| r.p90_wait_min).collect::<Vec<_>>(),
            s.baseline.iter().map(|r| r.p90_wait_min).collect::<Vec<_>>(),
        );
        let p = pool(ctx, &[s], true);
        let b = pool(ctx, &[s], false);
        let h = headlines(ctx, &p, ctx.has_baseline.then_some(b.as_slice()), Some(p90));
        per_site.push((s, h));
    }
    let all: Option<Vec<Headline>> = (ctx.sites.len() > 1).then(|| {
        let refs: Vec<&SiteRuns<'_>> = ctx.sites.iter().collect();
        let p = pool(ctx, &refs, true);
        let b = pool(ctx, &refs, false);
        headlines(ctx, &p, ctx.has_baseline.then_some(b.as_slice()), None)
    });

    (per_site, all)
}

fn header(ctx: &Ctx<'_>) -> Vec<String> {
    if ctx.has_baseline {
        [
            "Site",
            "Measure",
            "Unit",
            "Pilot",
            "Baseline",
            "Difference",
            "95 % CI low",
            "95 % CI high",
            "Detectable difference",
            "Interval",
        ]
        .map(str::to_owned)
        .to_vec()
    } else {
        ["Site", "Measure", "Unit", "Pilot", "95 % CI low", "95 % CI high", "Interval"]
            .map(str::to_owned)
            .to_vec()
    }
}

/// The run's extension rule: the scenario's, or the defaults for results that predate it.
fn rule(ctx: &Ctx<'_>) -> DecisionRule {
    ctx.res.scenario.decision.unwrap_or(DecisionRule::DEFAULT)
}

fn rule_words(rule: &DecisionRule) -> String {
    let source = if rule.stated {
        "as the scenario states them"
    } else {
        "the defaults, as the results record no rule of the scenario's"
    };
    format!(
        "The recommendation follows fixed rules ({source}). A site meets the extension rule \
         when three one-sided paired t tests over the replications all reject: (1) the mean \
         wait is shorter with kiosks, (2) officer hours are freed and (3) the share of arrivals \
         who leave unserved rises by less than the non-inferiority margin of {} percentage \
         points. The site's p-value is the largest of the three (an intersection-union test), \
         and the sites' p-values are adjusted by Holm's step-down method so that the chance of \
         extending any site wrongly is at most {} %. No verdict is given before the pilot's \
         mean wait and officer busy hours are known within ±{} % (relative half-width of the \
         95 % CI), nor from one replication: such a site has insufficient evidence. A site \
         whose mean-wait CI lies wholly above zero is not to be extended as configured; a site \
         with shorter waits at the family-wise level that fails another test is to be extended \
         only with changes; the rest are inconclusive.",
        num(rule.abandonment_margin_points, 2),
        num(100.0 * rule.family_alpha, 1),
        num(100.0 * rule.precision, 1),
    )
}

/// A p-value as text: four decimals, small ones in scientific notation, and one that
/// underflowed to zero as a bound rather than "0.0e0".
pub(crate) fn p_value(x: f64) -> String {
    if x == 0.0 {
        "< 1e-300".to_owned()
    } else if x < 0.0001 {
        format!("{x:.1e}")
    } else {
        num(x, 4)
    }
}

/// The tests behind each site's verdict, as a table.
fn evidence(blocks: &mut Vec<Block>, decisions: &[(String, Decision)]) {
    let p = p_value;
    let rows = decisions
        .iter()
        .map(|(name, d)| {
            vec![
                name.clone(),
                d.n.to_string(),
                if d.precision.is_finite() {
                    format!("{} %", num(100.0 * d.precision, 1))
                } else {
                    "n/a".to_owned()
                },
                p(d.p_wait),
                p(d.p_freed),
                p(d.p_abandonment),
                p(d.p_site),
                p(d.p_holm),
                d.verdict.short().to_owned(),
            ]
        })
        .collect();
    blocks.push(Block::Table(Table {
        name: "verdict-evidence".to_owned(),
        caption: "The tests behind each verdict: replications, the relative half-width reached \
                  (worst of mean wait and officer busy hours), one-sided p-values of the three \
                  conditions, the site's intersection-union p-value and its Holm adjustment \
                  across sites"
            .to_owned(),
        header: [
            "Site",
            "Replications",
            "Precision reached",
            "p shorter wait",
            "p hours freed",
            "p abandonment within margin",
            "p site",
            "p Holm",
            "Verdict",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows,
    }));
}

fn five_numbers(
    blocks: &mut Vec<Block>,
    ctx: &Ctx<'_>,
    per_site: &[(&SiteRuns<'_>, Vec<Headline>)],
    all: Option<&[Headline]>,
    header: &[String],
) {
    // The five numbers: pooled where poolable, P90 per site.
    let mut five = Vec::new();
    for key in Key::FIVE {
        if key == Key::P90Wait || all.is_none() {
            for (s, h) in per_site {
                if let Some(x) = h.iter().find(|x| x.key == key) {
                    five.push(x.row(&s.site.name));
                }
            }
        } else if let Some(x) = all.and_then(|a| a.iter().find(|x| x.key == key)) {
            five.push(x.row(ALL));
        }
    }
    blocks.push(Block::Table(Table {
        name: "headline".to_owned(),
        caption: if ctx.has_baseline {
            "The five numbers: pilot against baseline a year, means over replications and the paired difference with its 95 % CI (P90 wait per site: quantiles do not pool)".to_owned()
        } else {
            "The five numbers: the pilot a year, means over replications with 95 % CI (P90 wait per site: quantiles do not pool)".to_owned()
        },
        header: header.to_vec(),
        rows: five,
    }));
    let mut missing = Vec::new();
    if !ctx.workflows {
        missing.push(
            "end-to-end days to the document (case workflows were not simulated in this run, so \
             the officer-free share is the share served at a kiosk)",
        );
    }
    if ctx.money.is_none() {
        missing.push("cost per transaction (the scenario has no economics block)");
    }
    if !missing.is_empty() {
        blocks.push(Block::Note(format!(
            "Left out of the five numbers rather than guessed: {}.",
            missing.join("; ")
        )));
    }
}

/// One sentence per site; returns the decisions (with a baseline).
fn sentences(
    blocks: &mut Vec<Block>,
    ctx: &Ctx<'_>,
    per_site: &[(&SiteRuns<'_>, Vec<Headline>)],
    all: Option<&[Headline]>,
) -> Vec<(String, Decision)> {
    // Sentences per site.
    let mut sentences = Vec::new();
    let mut verdicts = Vec::new();
    for (s, h) in per_site {
        let find = |k: Key| h.iter().find(|x| x.key == k);
        let mut parts = Vec::new();
        for (k, words) in [
            (Key::MeanWait, "mean wait"),
            (Key::P90Wait, "P90 wait"),
            (Key::EndToEnd, "end-to-end days to the document"),
            (Key::OfficerFree, "officer-free share"),
            (Key::HoursFreed, "officer busy hours"),
            (Key::CitizenHours, "citizen hours at the site"),
            (Key::CostPerTransaction, "cost per transaction"),
            (Key::Abandoned, "abandonment"),
            (Key::AbandonedShare, "abandoned share of arrivals"),
        ] {
            let Some(x) = find(k) else { continue };
            let verb = match (x.difference.is_some(), k) {
                (false, _) => format!("{words} {}", x.phrase()),
                (true, Key::HoursFreed) => format!("officer hours freed {}", x.phrase()),
                (true, Key::CitizenHours) => format!("citizen hours saved {}", x.phrase()),
                (true, _) => format!("{words} changes by {}", x.phrase()),
            };
            parts.push(verb);
        }
        let sentence = format!("{} ({}): {}.", s.site.name, s.site.district, parts.join("; "));
        sentences.push(sentence);
    }
    if ctx.has_baseline {
        let sites: Vec<&[Headline]> = per_site.iter().map(|(_, h)| h.as_slice()).collect();
        for ((s, _), (sentence, d)) in
            per_site.iter().zip(sentences.iter_mut().zip(decide(&sites, &rule(ctx))))
        {
            sentence.push_str(&format!(" Verdict: {}.", d.verdict.words()));
            verdicts.push((s.site.name.clone(), d));
        }
    }
    blocks.push(Block::List(sentences));
    if let Some(h) = &all
        && let (Some(w), Some(f)) = (
            h.iter().find(|x| x.key == Key::MeanWait),
            h.iter().find(|x| x.key == Key::OfficerFree),
        )
        && ctx.has_baseline
    {
        blocks.push(Block::Para(format!(
            "Across {}, the served-weighted mean wait changes by {} and the officer-free share \
             by {}.",
            if ctx.sites.len() == 2 {
                "both pilot sites".to_owned()
            } else {
                format!("all {} pilot sites", ctx.sites.len())
            },
            w.phrase(),
            f.phrase()
        )));
    }

    verdicts
}

fn detail(
    blocks: &mut Vec<Block>,
    ctx: &Ctx<'_>,
    per_site: &[(&SiteRuns<'_>, Vec<Headline>)],
    all: Option<&[Headline]>,
    header: Vec<String>,
) {
    blocks.push(Block::Heading { level: 3, text: "Pilot sites in detail".to_owned() });
    let mut rows = Vec::new();
    for (s, h) in per_site {
        rows.extend(h.iter().map(|x| x.row(&s.site.name)));
    }
    if let Some(h) = &all {
        rows.extend(h.iter().map(|x| x.row(ALL)));
    }
    blocks.push(Block::Table(Table {
        name: "summary".to_owned(),
        caption: if ctx.has_baseline {
            "Pilot against baseline, per year and site: means over replications and the paired difference with its 95 % CI".to_owned()
        } else {
            "The pilot per year and site: means over replications with 95 % CI".to_owned()
        },
        header,
        rows,
    }));
    let mut series = vec![(
        "Pilot (kiosks)".to_owned(),
        ctx.sites.iter().map(|s| over(&s.pilot, |r| r.mean_wait_min)).collect(),
    )];
    if ctx.has_baseline {
        series.push((
            "Baseline (no kiosks)".to_owned(),
            ctx.sites.iter().map(|s| over(&s.baseline, |r| r.mean_wait_min)).collect(),
        ));
    }
    blocks.push(Block::Chart(Chart {
        name: "wait-by-site".to_owned(),
        title: "Mean wait per pilot site".to_owned(),
        caption: "Mean wait in minutes per site, with 95 % CI over replications (whiskers)."
            .to_owned(),
        x_label: "Site".to_owned(),
        y_label: "Mean wait (min)".to_owned(),
        kind: ChartKind::PairedEstimates {
            labels: ctx.sites.iter().map(|s| short_label(s.site)).collect(),
            series,
            reference: None,
        },
    }));
    if ctx.has_baseline {
        let nan = Estimate { mean: f64::NAN, ci95_low: f64::NAN, ci95_high: f64::NAN };
        let diff = |h: &[Headline], k: Key| {
            h.iter().find(|x| x.key == k).and_then(|x| x.difference).unwrap_or(nan)
        };
        blocks.push(Block::Chart(Chart {
            name: "hours-freed-by-site".to_owned(),
            title: "Officer hours freed per pilot site".to_owned(),
            caption: "Officer busy hours a year in the baseline minus those in the pilot, paired by replication, with 95 % CI (whiskers).".to_owned(),
            x_label: "Site".to_owned(),
            y_label: "Officer hours freed (h/year)".to_owned(),
            kind: ChartKind::PairedEstimates {
                labels: per_site.iter().map(|(s, _)| short_label(s.site)).collect(),
                series: vec![(
                    "Hours freed".to_owned(),
                    per_site.iter().map(|(_, h)| diff(h, Key::HoursFreed)).collect(),
                )],
                reference: None,
            },
        }));
        if ctx.workflows {
            blocks.push(Block::Chart(Chart {
                name: "end-to-end-by-site".to_owned(),
                title: "Days from request to document per pilot site".to_owned(),
                caption: "Mean end-to-end days of delivered cases per site, with 95 % CI over replications (whiskers).".to_owned(),
                x_label: "Site".to_owned(),
                y_label: "End-to-end (days)".to_owned(),
                kind: ChartKind::PairedEstimates {
                    labels: ctx.sites.iter().map(|s| short_label(s.site)).collect(),
                    series: vec![
                        (
                            "Pilot (kiosks)".to_owned(),
                            ctx.sites.iter().map(|s| over(&s.pilot, |r| r.end_to_end_mean_days)).collect(),
                        ),
                        (
                            "Baseline (no kiosks)".to_owned(),
                            ctx.sites.iter().map(|s| over(&s.baseline, |r| r.end_to_end_mean_days)).collect(),
                        ),
                    ],
                    reference: None,
                },
            }));
        }
    }
}

/// The pilot's kiosks valued at the scenario's prices, as one sentence.
fn money_clause(ctx: &Ctx<'_>) -> Option<String> {
    let m = ctx.money.as_ref()?;
    let refs: Vec<&SiteRuns<'_>> = ctx.sites.iter().collect();
    let v = crate::money::value(ctx, m, &refs, String::new());
    let d = crate::money::big_decimals(m);
    let net = crate::money::scaled(&v.net, m.big);
    let verdict = if net.ci95_low > 0.0 {
        "the kiosks pay for themselves"
    } else if net.ci95_high < 0.0 {
        "the kiosks cost more than the time they save is worth"
    } else {
        "whether the kiosks pay for themselves is not settled: the interval includes zero"
    };
    Some(format!(
        "At the scenario's prices the pilot's {} kiosks return a net benefit of {} a year, {} \
         per kiosk: {verdict}.",
        num(v.kiosks, 0),
        phrase(&net, d, &m.big_unit),
        phrase(&crate::money::scaled(&v.net_per_kiosk, m.big), d, &m.big_unit),
    ))
}

fn recommendation(verdicts: &[(String, Verdict)], plan: Option<&Plan>, selected: bool) -> String {
    let extend: Vec<&str> =
        verdicts.iter().filter(|(_, v)| *v == Verdict::Extend).map(|(n, _)| n.as_str()).collect();
    let not_extend: Vec<String> = verdicts
        .iter()
        .filter(|(_, v)| *v != Verdict::Extend)
        .map(|(n, v)| format!("{n} ({})", v.words()))
        .collect();
    let whereto = match plan {
        Some(p) if !p.recommended.is_empty() && selected => format!(
            "For further sites, the expansion section's selection (KN++ over each candidate's \
             kiosk counts with common random numbers, for the largest yearly net benefit \
             against no kiosks, re-estimated on fresh replications) chose: {}.",
            p.recommended.join("; ")
        ),
        Some(p) if !p.recommended.is_empty() => format!(
            "For further sites, the expansion experiment's rule (add kiosks while one more \
             kiosk's mean marginal benefit over the replications exceeds its yearly cost) gives: \
             {}.",
            p.recommended.join("; ")
        ),
        Some(_) => "The expansion analysis below finds no candidate site where a kiosk's \
                    yearly cost is covered by its marginal benefit."
            .to_owned(),
        None => "Which further sites, and how many kiosks each, needs an expansion experiment, \
                 which this run does not hold."
            .to_owned(),
    };
    if verdicts.is_empty() {
        "No pilot site has results, so there is nothing to recommend.".to_owned()
    } else if not_extend.is_empty() {
        let all = match verdicts.len() {
            1 => "The pilot site meets".to_owned(),
            2 => "Both pilot sites meet".to_owned(),
            n => format!("All {n} pilot sites meet"),
        };
        format!(
            "{all} the extension rule. Recommendation: keep the kiosks at every pilot site and \
             extend the stations. {whereto}"
        )
    } else if verdicts.iter().all(|(_, v)| *v == Verdict::InsufficientEvidence) {
        format!(
            "No verdict: {} of {} pilot sites have insufficient evidence for the stated \
             precision. Recommendation: neither extend nor withdraw the stations yet; run \
             more replications (navbat run --precision) and report again.",
            verdicts.len(),
            verdicts.len()
        )
    } else if extend.is_empty() {
        format!(
            "No pilot site meets the extension rule: {}. Recommendation: do not extend the \
             stations on the present evidence; revise the configuration and simulate again.",
            not_extend.join("; ")
        )
    } else {
        format!(
            "{} of {} pilot sites meet the extension rule ({}). The others: {}. Recommendation: \
             keep the kiosks where the rule is met and revise the configuration of the others \
             before extending. {whereto}",
            extend.len(),
            verdicts.len(),
            extend.join(", "),
            not_extend.join("; ")
        )
    }
}
