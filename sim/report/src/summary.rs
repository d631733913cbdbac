//! The executive summary: the five headline numbers, pilot against baseline with paired
//! confidence intervals, the per-site sentences and the recommendation by stated rules.

use std::collections::BTreeMap;

use navbat_record::{Estimate, SiteRecord};

use crate::build::{Ctx, SiteRuns, est, num, over, phrase, short_label};
use crate::chart::{Chart, ChartKind};
use crate::doc::{Block, Table};
use crate::expansion::Plan;

/// Which measure a headline row holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    MeanWait,
    P90Wait,
    EndToEnd,
    OfficerFree,
    CitizenHours,
    CostPerTransaction,
    HoursFreed,
    KioskShare,
    Abandoned,
}

impl Key {
    /// The five numbers of the summary table, in order (P90 per site).
    const FIVE: [Self; 6] = [
        Self::MeanWait,
        Self::P90Wait,
        Self::EndToEnd,
        Self::OfficerFree,
        Self::CitizenHours,
        Self::CostPerTransaction,
    ];
}

/// One measure of one site (or of all pilot sites): the pilot's level and, with a baseline,
/// the paired difference.
pub(crate) struct Headline {
    pub(crate) key: Key,
    pub(crate) measure: String,
    pub(crate) unit: String,
    pub(crate) decimals: usize,
    pub(crate) pilot: Estimate,
    pub(crate) baseline: Option<f64>,
    /// Paired difference, in the direction the measure names.
    pub(crate) difference: Option<Estimate>,
}

impl Headline {
    fn row(&self, site: &str) -> Vec<String> {
        let d = self.decimals;
        let mut row = vec![site.to_owned(), self.measure.clone(), self.unit.clone()];
        match (self.baseline, self.difference) {
            (Some(b), Some(diff)) => row.extend([
                num(self.pilot.mean, d),
                num(b, d),
                num(diff.mean, d),
                num(diff.ci95_low, d),
                num(diff.ci95_high, d),
            ]),
            _ => row.extend([
                num(self.pilot.mean, d),
                num(self.pilot.ci95_low, d),
                num(self.pilot.ci95_high, d),
            ]),
        }
        row
    }

    /// The difference (or without a baseline, the level) with its interval, as a phrase.
    pub(crate) fn phrase(&self) -> String {
        match &self.difference {
            // A change in a share is in percentage points.
            Some(d) if self.unit == "%" => phrase(d, self.decimals, "percentage points"),
            Some(d) => phrase(d, self.decimals, &self.unit),
            None => phrase(&self.pilot, self.decimals, &self.unit),
        }
    }
}

/// Per replication, the aggregate of one or more sites.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Pooled {
    served: f64,
    served_kiosk: f64,
    wait_sum_min: f64,
    busy_hours: f64,
    abandoned: f64,
    citizen_hours: f64,
    delivered: f64,
    end_to_end_sum_days: f64,
    no_officer: f64,
    kiosks: f64,
}

impl Pooled {
    fn add(&mut self, r: &SiteRecord, kiosks: f64, citizen_hours: f64) {
        self.served += r.served as f64;
        self.served_kiosk += r.served_kiosk as f64;
        self.wait_sum_min += r.mean_wait_min * r.served as f64;
        self.busy_hours += r.officer_busy_hours;
        self.abandoned += r.abandoned() as f64;
        self.citizen_hours += citizen_hours;
        self.delivered += r.cases_delivered as f64;
        self.end_to_end_sum_days += r.end_to_end_mean_days * r.cases_delivered as f64;
        self.no_officer += r.cases_no_officer as f64;
        self.kiosks += kiosks;
    }
    fn mean_wait(&self) -> f64 {
        if self.served > 0.0 { self.wait_sum_min / self.served } else { 0.0 }
    }
}

/// The records of `sites` pooled per replication number, in replication order.
fn pool(ctx: &Ctx<'_>, sites: &[&SiteRuns<'_>], pilot: bool) -> Vec<Pooled> {
    let mut map: BTreeMap<u32, Pooled> = BTreeMap::new();
    for s in sites {
        for r in if pilot { &s.pilot } else { &s.baseline } {
            map.entry(r.replication).or_default().add(
                r,
                ctx.kiosks(r, pilot),
                ctx.citizen_hours(r),
            );
        }
    }
    map.into_values().collect()
}

struct Spec {
    key: Key,
    level: String,
    change: String,
    unit: String,
    decimals: usize,
    /// True when the difference is pilot − baseline; false for savings (baseline − pilot).
    pilot_minus_baseline: bool,
}

fn headline(spec: Spec, pilot: &[f64], baseline: Option<&[f64]>) -> Headline {
    let difference = baseline.map(|b| {
        let diffs: Vec<f64> = pilot
            .iter()
            .zip(b)
            .map(|(p, b)| if spec.pilot_minus_baseline { p - b } else { b - p })
            .collect();
        est(&diffs)
    });
    Headline {
        key: spec.key,
        measure: if baseline.is_some() {
            format!("{} ({})", spec.level, spec.change)
        } else {
            spec.level
        },
        unit: spec.unit,
        decimals: spec.decimals,
        pilot: est(pilot),
        baseline: baseline.map(|b| est(b).mean),
        difference,
    }
}

fn spec(key: Key, level: &str, change: &str, unit: &str, decimals: usize, pmb: bool) -> Spec {
    Spec {
        key,
        level: level.to_owned(),
        change: change.to_owned(),
        unit: unit.to_owned(),
        decimals,
        pilot_minus_baseline: pmb,
    }
}

/// Every headline measure the data supports for pooled replications.
fn headlines(
    ctx: &Ctx<'_>,
    pilot: &[Pooled],
    baseline: Option<&[Pooled]>,
    p90: Option<(Vec<f64>, Vec<f64>)>,
) -> Vec<Headline> {
    let col = |v: &[Pooled], f: &dyn Fn(&Pooled) -> f64| v.iter().map(f).collect::<Vec<f64>>();
    let mut out = Vec::new();
    let mut push = |spec: Spec, f: &dyn Fn(&Pooled) -> f64| {
        let b = baseline.map(|b| col(b, f));
        out.push(headline(spec, &col(pilot, f), b.as_deref()));
    };
    const PMB: &str = "pilot − baseline";
    push(spec(Key::MeanWait, "Mean wait", PMB, "min", 2, true), &Pooled::mean_wait);
    if let Some((p, b)) = &p90 {
        out.push(headline(
            spec(Key::P90Wait, "P90 wait", PMB, "min", 2, true),
            p,
            baseline.map(|_| b.as_slice()),
        ));
    }
    let mut push = |spec: Spec, f: &dyn Fn(&Pooled) -> f64| {
        let b = baseline.map(|b| col(b, f));
        out.push(headline(spec, &col(pilot, f), b.as_deref()));
    };
    if ctx.workflows {
        push(spec(Key::EndToEnd, "End-to-end days to document", PMB, "days", 2, true), &|p| {
            if p.delivered > 0.0 { p.end_to_end_sum_days / p.delivered } else { f64::NAN }
        });
        push(
            spec(Key::OfficerFree, "Officer-free share of delivered cases", PMB, "%", 1, true),
            &|p| if p.delivered > 0.0 { 100.0 * p.no_officer / p.delivered } else { f64::NAN },
        );
    } else {
        push(
            spec(Key::OfficerFree, "Officer-free (kiosk) share of served", PMB, "%", 1, true),
            &|p| if p.served > 0.0 { 100.0 * p.served_kiosk / p.served } else { 0.0 },
        );
    }
    push(
        spec(
            Key::CitizenHours,
            if ctx.citizen_at_site {
                "Citizen hours at the site"
            } else {
                "Citizen hours waiting in line"
            },
            "hours saved: baseline − pilot",
            "h",
            0,
            false,
        ),
        &|p| p.citizen_hours,
    );
    if let Some(m) = &ctx.money {
        let (per_year, officer_hour) = (m.kiosk_per_year(), m.e.officer_hour);
        push(
            spec(Key::CostPerTransaction, "Cost per transaction", PMB, &m.e.currency, 0, true),
            &move |p| {
                if p.served > 0.0 {
                    (p.busy_hours * officer_hour + p.kiosks * per_year) / p.served
                } else {
                    f64::NAN
                }
            },
        );
    }
    push(
        spec(Key::HoursFreed, "Officer busy hours", "hours freed: baseline − pilot", "h", 0, false),
        &|p| p.busy_hours,
    );
    if ctx.workflows {
        push(
            spec(Key::KioskShare, "Served at a kiosk, share of served", PMB, "%", 1, true),
            &|p| {
                if p.served > 0.0 { 100.0 * p.served_kiosk / p.served } else { 0.0 }
            },
        );
    }
    push(spec(Key::Abandoned, "Abandoned", PMB, "people", 0, true), &|p| p.abandoned);
    out
}

/// The verdict of the stated rules for one site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Extend,
    ExtendWithCare,
    Inconclusive,
    DoNotExtend,
}

impl Verdict {
    pub(crate) fn of(h: &[Headline]) -> Self {
        let find = |k: Key| h.iter().find(|x| x.key == k).and_then(|x| x.difference);
        let (Some(wait), Some(freed), Some(aband)) =
            (find(Key::MeanWait), find(Key::HoursFreed), find(Key::Abandoned))
        else {
            return Self::Inconclusive;
        };
        if wait.ci95_low > 0.0 {
            Self::DoNotExtend
        } else if wait.ci95_high < 0.0 && freed.ci95_low > 0.0 && aband.ci95_low <= 0.0 {
            Self::Extend
        } else if wait.ci95_high < 0.0 {
            Self::ExtendWithCare
        } else {
            Self::Inconclusive
        }
    }

    fn words(self) -> &'static str {
        match self {
            Self::Extend => "meets the extension rule",
            Self::ExtendWithCare => {
                "shorter waits, but fewer officer hours freed or more people abandoning than the rule allows: extend only with changes"
            }
            Self::Inconclusive => {
                "inconclusive: the interval for the change in mean wait includes zero"
            }
            Self::DoNotExtend => "waits are longer with kiosks: do not extend as configured",
        }
    }
}

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
        blocks.push(Block::Para(
            "The recommendation follows fixed rules applied to the table below. A site meets the \
             extension rule when (1) the 95 % CI of the change in mean wait lies wholly below \
             zero, (2) the CI of officer hours freed lies wholly above zero and (3) the CI of the \
             change in abandonment does not lie wholly above zero. A site whose mean-wait CI lies \
             wholly above zero is not to be extended as configured; a site whose mean-wait CI \
             includes zero is inconclusive."
                .to_owned(),
        ));
        let mut text = recommendation(&verdicts, plan);
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
        ]
        .map(str::to_owned)
        .to_vec()
    } else {
        ["Site", "Measure", "Unit", "Pilot", "95 % CI low", "95 % CI high"]
            .map(str::to_owned)
            .to_vec()
    }
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

/// One sentence per site; returns the verdicts (with a baseline).
fn sentences(
    blocks: &mut Vec<Block>,
    ctx: &Ctx<'_>,
    per_site: &[(&SiteRuns<'_>, Vec<Headline>)],
    all: Option<&[Headline]>,
) -> Vec<(String, Verdict)> {
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
        let mut sentence = format!("{} ({}): {}.", s.site.name, s.site.district, parts.join("; "));
        if ctx.has_baseline {
            let v = Verdict::of(h);
            verdicts.push((s.site.name.clone(), v));
            sentence.push_str(&format!(" Verdict: {}.", v.words()));
        }
        sentences.push(sentence);
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

fn recommendation(verdicts: &[(String, Verdict)], plan: Option<&Plan>) -> String {
    let extend: Vec<&str> =
        verdicts.iter().filter(|(_, v)| *v == Verdict::Extend).map(|(n, _)| n.as_str()).collect();
    let not_extend: Vec<String> = verdicts
        .iter()
        .filter(|(_, v)| *v != Verdict::Extend)
        .map(|(n, v)| format!("{n} ({})", v.words()))
        .collect();
    let whereto = match plan {
        Some(p) if !p.recommended.is_empty() => format!(
            "The expansion analysis below recommends, by its stated rule: {}.",
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

#[cfg(test)]
mod tests {
    use super::*;

    fn headline(key: Key, low: f64, high: f64) -> Headline {
        let e = Estimate { mean: (low + high) / 2.0, ci95_low: low, ci95_high: high };
        Headline {
            key,
            measure: String::new(),
            unit: String::new(),
            decimals: 0,
            pilot: e,
            baseline: Some(0.0),
            difference: Some(e),
        }
    }

    fn verdict(wait: (f64, f64), freed: (f64, f64), abandoned: (f64, f64)) -> Verdict {
        Verdict::of(&[
            headline(Key::MeanWait, wait.0, wait.1),
            headline(Key::HoursFreed, freed.0, freed.1),
            headline(Key::Abandoned, abandoned.0, abandoned.1),
        ])
    }

    #[test]
    fn the_extension_rule_needs_all_three_conditions() {
        assert_eq!(verdict((-3.0, -1.0), (10.0, 20.0), (-5.0, 5.0)), Verdict::Extend);
        assert_eq!(verdict((-3.0, -1.0), (-10.0, 20.0), (-5.0, 5.0)), Verdict::ExtendWithCare);
        assert_eq!(verdict((-3.0, -1.0), (10.0, 20.0), (1.0, 5.0)), Verdict::ExtendWithCare);
        assert_eq!(verdict((-3.0, 1.0), (10.0, 20.0), (-5.0, 5.0)), Verdict::Inconclusive);
        assert_eq!(verdict((0.5, 1.0), (10.0, 20.0), (-5.0, 5.0)), Verdict::DoNotExtend);
        assert_eq!(Verdict::of(&[]), Verdict::Inconclusive);
    }

    #[test]
    fn without_a_baseline_a_headline_shows_the_level_and_no_verdict() {
        let h = super::headline(
            spec(Key::MeanWait, "Mean wait", "pilot − baseline", "min", 1, true),
            &[2.0, 4.0],
            None,
        );
        assert_eq!(h.measure, "Mean wait");
        assert_eq!(h.row("A")[..4], ["A", "Mean wait", "min", "3.0"]);
        assert_eq!(h.row("A").len(), 6);
        assert_eq!(Verdict::of(&[h]), Verdict::Inconclusive);
        let paired = super::headline(
            spec(Key::HoursFreed, "Officer busy hours", "freed", "h", 0, false),
            &[10.0, 12.0],
            Some(&[15.0, 18.0]),
        );
        // Savings are baseline − pilot: 5 and 6.
        assert_eq!(paired.difference.map(|d| d.mean), Some(5.5));
        assert_eq!(paired.measure, "Officer busy hours (freed)");
    }
}
