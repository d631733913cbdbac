//! From loaded results to the report's blocks: the numbers, the rules and the words.

use std::collections::BTreeMap;

use navbat_record::{BreakdownRow, Dimension, Estimate, SiteRecord};
use navbat_scenario::RawSite;

use crate::chart::{Chart, ChartKind};
use crate::doc::{Block, Table};
use crate::input::Results;

/// The report, ready to render.
#[derive(Debug, Clone)]
pub(crate) struct Report {
    pub(crate) title: String,
    pub(crate) blocks: Vec<Block>,
    pub(crate) footer: Vec<Block>,
}

/// One site's paired records, replication by replication.
struct SiteRuns<'a> {
    site: &'a RawSite,
    pilot: Vec<&'a SiteRecord>,
    baseline: Vec<&'a SiteRecord>,
}

fn est(values: &[f64]) -> Estimate {
    Estimate::from_samples(values)
}

/// Mean and 95 % interval of `f` over the pilot's replications.
fn over<'a>(runs: &[&'a SiteRecord], f: impl Fn(&'a SiteRecord) -> f64) -> Estimate {
    est(&runs.iter().map(|r| f(r)).collect::<Vec<_>>())
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

/// Formats a number with `d` decimals; `-0.0` prints as `0.0`.
fn num(x: f64, d: usize) -> String {
    if !x.is_finite() {
        return "n/a".to_owned();
    }
    let s = format!("{x:.d$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_owned()
    } else {
        s
    }
}

fn with_ci(e: &Estimate, d: usize) -> String {
    format!("{} ({} to {})", num(e.mean, d), num(e.ci95_low, d), num(e.ci95_high, d))
}

/// One headline measure of one site (or of all sites).
struct Headline {
    measure: &'static str,
    unit: &'static str,
    decimals: usize,
    pilot: f64,
    baseline: f64,
    /// Paired difference, in the direction the measure names.
    difference: Estimate,
}

impl Headline {
    fn row(&self, site: &str) -> Vec<String> {
        let d = self.decimals;
        vec![
            site.to_owned(),
            self.measure.to_owned(),
            self.unit.to_owned(),
            num(self.pilot, d),
            num(self.baseline, d),
            num(self.difference.mean, d),
            num(self.difference.ci95_low, d),
            num(self.difference.ci95_high, d),
        ]
    }

    fn phrase(&self) -> String {
        let d = self.decimals;
        format!(
            "{} {} (95 % CI {} to {})",
            num(self.difference.mean, d),
            self.unit,
            num(self.difference.ci95_low, d),
            num(self.difference.ci95_high, d)
        )
    }
}

const MEAN_WAIT: &str = "Mean wait (pilot − baseline)";
const P90_WAIT: &str = "P90 wait (pilot − baseline)";
const HOURS_FREED: &str = "Officer hours freed (baseline − pilot busy hours)";
const KIOSK_SHARE: &str = "Officer-free (kiosk) share of served (pilot − baseline)";
const ABANDONED: &str = "Abandoned (pilot − baseline)";
const CITIZEN_HOURS: &str = "Citizen waiting hours saved (baseline − pilot)";

/// Paired per-replication values: `(pilot, baseline)` of `f` over a set of site pairs.
fn paired(
    pilot: &[f64],
    baseline: &[f64],
    measure: &'static str,
    unit: &'static str,
    decimals: usize,
    pilot_minus_baseline: bool,
) -> Headline {
    let diffs: Vec<f64> = pilot
        .iter()
        .zip(baseline)
        .map(|(p, b)| if pilot_minus_baseline { p - b } else { b - p })
        .collect();
    Headline {
        measure,
        unit,
        decimals,
        pilot: est(pilot).mean,
        baseline: est(baseline).mean,
        difference: est(&diffs),
    }
}

/// Per replication, the aggregate of several sites: sums, and served-weighted mean wait.
#[derive(Debug, Clone, Copy, Default)]
struct Pooled {
    served: f64,
    served_kiosk: f64,
    wait_sum_min: f64,
    busy_hours: f64,
    abandoned: f64,
    line_hours: f64,
}

impl Pooled {
    fn add(&mut self, r: &SiteRecord) {
        self.served += r.served as f64;
        self.served_kiosk += r.served_kiosk as f64;
        self.wait_sum_min += r.mean_wait_min * r.served as f64;
        self.busy_hours += r.officer_busy_hours;
        self.abandoned += r.abandoned() as f64;
        self.line_hours += r.time_in_line_min / 60.0;
    }
    fn mean_wait(&self) -> f64 {
        if self.served > 0.0 { self.wait_sum_min / self.served } else { 0.0 }
    }
}

fn headlines(
    pilot: &[Pooled],
    baseline: &[Pooled],
    p90: Option<(&[f64], &[f64])>,
) -> Vec<Headline> {
    let col = |v: &[Pooled], f: fn(&Pooled) -> f64| v.iter().map(f).collect::<Vec<f64>>();
    let mut out = vec![paired(
        &col(pilot, Pooled::mean_wait),
        &col(baseline, Pooled::mean_wait),
        MEAN_WAIT,
        "min",
        2,
        true,
    )];
    if let Some((p, b)) = p90 {
        out.push(paired(p, b, P90_WAIT, "min", 2, true));
    }
    out.push(paired(
        &col(pilot, |p| p.busy_hours),
        &col(baseline, |p| p.busy_hours),
        HOURS_FREED,
        "h",
        0,
        false,
    ));
    let kiosk = |p: &Pooled| if p.served > 0.0 { 100.0 * p.served_kiosk / p.served } else { 0.0 };
    out.push(paired(&col(pilot, kiosk), &col(baseline, kiosk), KIOSK_SHARE, "%", 1, true));
    out.push(paired(
        &col(pilot, |p| p.abandoned),
        &col(baseline, |p| p.abandoned),
        ABANDONED,
        "people",
        0,
        true,
    ));
    out.push(paired(
        &col(pilot, |p| p.line_hours),
        &col(baseline, |p| p.line_hours),
        CITIZEN_HOURS,
        "h",
        0,
        false,
    ));
    out
}

fn pooled(rows: &[&SiteRecord]) -> Vec<Pooled> {
    rows.iter()
        .map(|r| {
            let mut p = Pooled::default();
            p.add(r);
            p
        })
        .collect()
}

/// The verdict of the stated rules for one site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Extend,
    ExtendWithCare,
    Inconclusive,
    DoNotExtend,
}

impl Verdict {
    fn of(h: &[Headline]) -> Self {
        let find = |m: &str| h.iter().find(|x| x.measure == m).map(|x| x.difference);
        let (Some(wait), Some(freed), Some(aband)) =
            (find(MEAN_WAIT), find(HOURS_FREED), find(ABANDONED))
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

const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Breakdown cells of one site and dimension, summed over replications, in file order.
#[derive(Debug, Clone, Default)]
struct Cell {
    arrivals: u64,
    served: u64,
    served_kiosk: u64,
    abandoned: u64,
    wait_sum_min: f64,
}

fn cells<'a>(rows: &'a [BreakdownRow], site: &str, dim: Dimension) -> Vec<(&'a str, Cell)> {
    let mut order: Vec<&str> = Vec::new();
    let mut map: BTreeMap<&str, Cell> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.site == site && r.dimension == dim) {
        let c = map.entry(&r.key).or_insert_with(|| {
            order.push(&r.key);
            Cell::default()
        });
        c.arrivals += r.arrivals;
        c.served += r.served;
        c.served_kiosk += r.served_kiosk;
        c.abandoned += r.abandoned;
        c.wait_sum_min += r.mean_wait_min * r.served as f64;
    }
    order.into_iter().map(|k| (k, map.get(k).cloned().unwrap_or_default())).collect()
}

fn file_stem(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect()
}

/// True for district or region fields that name nothing (`""`, `"-"`).
fn placeholder(s: &str) -> bool {
    s.trim().trim_matches('-').is_empty()
}

/// A site's short label for chart titles and axes: its district, or its name when the
/// scenario gives no district.
fn short_label(site: &RawSite) -> String {
    if placeholder(&site.district) { site.name.clone() } else { site.district.clone() }
}

fn short_name(name: &str) -> String {
    name.split(" (").next().unwrap_or(name).to_owned()
}

pub(crate) fn build(res: &Results) -> Report {
    let sc = &res.scenario;
    let n = res.meta.replications;
    let sites: Vec<SiteRuns<'_>> = sc
        .sites
        .iter()
        .filter_map(|site| {
            let pilot: Vec<&SiteRecord> = res.pilot.iter().filter(|r| r.site == site.id).collect();
            let baseline: Vec<&SiteRecord> =
                res.baseline.iter().filter(|r| r.site == site.id).collect();
            (!pilot.is_empty()).then_some(SiteRuns { site, pilot, baseline })
        })
        .collect();
    let reps = sites.first().map_or(0, |s| s.pilot.len());

    let mut blocks = Vec::new();
    let title = format!("One-year evaluation of the smart migration stations: {}", sc.name);

    // ---- Executive summary
    blocks.push(Block::Heading { level: 2, text: "Executive summary".to_owned() });
    if !sc.description.is_empty() {
        blocks.push(Block::Para(sc.description.clone()));
    }
    blocks.push(Block::Para(format!(
        "The figures compare the pilot (sites with kiosks) against a baseline run of the same \
         year without kiosks, simulated with the same random numbers (common random numbers), \
         over {reps} paired replications. Each difference is the mean of the paired \
         differences with its Student-t 95 % confidence interval (CI). Horizon {} to {}.",
        sc.horizon.start, sc.horizon.end
    )));
    let mut rows = Vec::new();
    let mut per_site: Vec<(&SiteRuns<'_>, Vec<Headline>)> = Vec::new();
    for s in &sites {
        let p90 = (
            s.pilot.iter().map(|r| r.p90_wait_min).collect::<Vec<_>>(),
            s.baseline.iter().map(|r| r.p90_wait_min).collect::<Vec<_>>(),
        );
        let h = headlines(&pooled(&s.pilot), &pooled(&s.baseline), Some((&p90.0, &p90.1)));
        for x in &h {
            rows.push(x.row(&s.site.name));
        }
        per_site.push((s, h));
    }
    let all_label = "All sites";
    let mut all: Option<Vec<Headline>> = None;
    if sites.len() > 1 {
        let mut p = vec![Pooled::default(); reps];
        let mut b = vec![Pooled::default(); reps];
        for s in &sites {
            for (acc, r) in p.iter_mut().zip(&s.pilot) {
                acc.add(r);
            }
            for (acc, r) in b.iter_mut().zip(&s.baseline) {
                acc.add(r);
            }
        }
        let h = headlines(&p, &b, None);
        for x in &h {
            rows.push(x.row(all_label));
        }
        all = Some(h);
    }
    let summary_table = Table {
        name: "summary".to_owned(),
        caption: "Pilot against baseline, per year and site: means over replications and the paired difference with its 95 % CI".to_owned(),
        header: ["Site", "Measure", "Unit", "Pilot", "Baseline", "Difference", "95 % CI low", "95 % CI high"]
            .map(str::to_owned)
            .to_vec(),
        rows,
    };

    // Headline sentences and the recommendation, from the numbers and the stated rules.
    let mut sentences = Vec::new();
    let mut verdicts = Vec::new();
    for (s, h) in &per_site {
        let find = |m: &str| h.iter().find(|x| x.measure == m);
        let (Some(w), Some(p90), Some(f), Some(k), Some(a), Some(c)) = (
            find(MEAN_WAIT),
            find(P90_WAIT),
            find(HOURS_FREED),
            find(KIOSK_SHARE),
            find(ABANDONED),
            find(CITIZEN_HOURS),
        ) else {
            continue;
        };
        let v = Verdict::of(h);
        verdicts.push((s.site.name.clone(), v));
        sentences.push(format!(
            "{} ({}): mean wait changes by {}, P90 wait by {}; {} officer hours are freed a year \
             ({} h to {} h); the officer-free (kiosk) share changes by {}; abandonment changes by \
             {}; citizens spend {} fewer hours waiting in line. Verdict: {}.",
            s.site.name,
            s.site.district,
            w.phrase(),
            p90.phrase(),
            num(f.difference.mean, f.decimals),
            num(f.difference.ci95_low, f.decimals),
            num(f.difference.ci95_high, f.decimals),
            k.phrase(),
            a.phrase(),
            num(c.difference.mean, c.decimals),
            v.words()
        ));
    }
    blocks.push(Block::List(sentences));
    if let Some(h) = &all
        && let (Some(w), Some(f), Some(k)) = (
            h.iter().find(|x| x.measure == MEAN_WAIT),
            h.iter().find(|x| x.measure == HOURS_FREED),
            h.iter().find(|x| x.measure == KIOSK_SHARE),
        )
    {
        blocks.push(Block::Para(format!(
            "Across all {} sites, the served-weighted mean wait changes by {}, {} officer \
                 hours are freed a year and the officer-free share changes by {}.",
            sites.len(),
            w.phrase(),
            num(f.difference.mean, f.decimals),
            k.phrase()
        )));
    }
    blocks.push(Block::Heading { level: 3, text: "Recommendation".to_owned() });
    blocks.push(Block::Para(
        "The recommendation follows fixed rules applied to the table above. A site meets the \
         extension rule when (1) the 95 % CI of the change in mean wait lies wholly below zero, \
         (2) the CI of officer hours freed lies wholly above zero and (3) the CI of the change \
         in abandonment does not lie wholly above zero. A site whose mean-wait CI lies wholly \
         above zero is not to be extended as configured; a site whose mean-wait CI includes \
         zero is inconclusive."
            .to_owned(),
    ));
    let extend: Vec<&str> =
        verdicts.iter().filter(|(_, v)| *v == Verdict::Extend).map(|(n, _)| n.as_str()).collect();
    let not_extend: Vec<String> = verdicts
        .iter()
        .filter(|(_, v)| *v != Verdict::Extend)
        .map(|(n, v)| format!("{n} ({})", v.words()))
        .collect();
    let rec = if verdicts.is_empty() {
        "No site has results, so there is nothing to recommend.".to_owned()
    } else if not_extend.is_empty() {
        format!(
            "All {} pilot sites meet the extension rule. Recommendation: keep the kiosks at \
             every pilot site and extend the stations to further districts. Which districts, \
             and how many kiosks each, waits for the expansion analysis, which the simulator \
             does not produce yet (see below).",
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
             keep the kiosks where the rule is met, revise the configuration of the others \
             before extending, and choose further districts once the expansion analysis exists.",
            extend.len(),
            verdicts.len(),
            extend.join(", "),
            not_extend.join("; ")
        )
    };
    blocks.push(Block::Para(rec));
    blocks.push(Block::Note(
        "Not in this summary yet: end-to-end days to the finished document and cost per \
         transaction. The simulator does not model the back-office workflow or costs yet, so \
         these two of the five headline numbers are left out rather than guessed."
            .to_owned(),
    ));

    blocks.push(Block::Heading { level: 3, text: "Pilot against baseline, in detail".to_owned() });
    blocks.push(Block::Table(summary_table));
    blocks.push(Block::Chart(Chart {
        name: "wait-by-site".to_owned(),
        title: "Mean wait per site, pilot and baseline".to_owned(),
        caption: "Mean wait in minutes per site, with 95 % CI over replications (whiskers)."
            .to_owned(),
        x_label: "Site".to_owned(),
        y_label: "Mean wait (min)".to_owned(),
        kind: ChartKind::PairedEstimates {
            labels: sites.iter().map(|s| short_label(s.site)).collect(),
            series: vec![
                (
                    "Pilot (kiosks)".to_owned(),
                    sites.iter().map(|s| over(&s.pilot, |r| r.mean_wait_min)).collect(),
                ),
                (
                    "Baseline (no kiosks)".to_owned(),
                    sites.iter().map(|s| over(&s.baseline, |r| r.mean_wait_min)).collect(),
                ),
            ],
        },
    }));
    blocks.push(Block::Chart(Chart {
        name: "hours-freed-by-site".to_owned(),
        title: "Officer hours freed per site".to_owned(),
        caption: "Officer busy hours a year in the baseline minus those in the pilot, paired by replication, with 95 % CI (whiskers).".to_owned(),
        x_label: "Site".to_owned(),
        y_label: "Officer hours freed (h/year)".to_owned(),
        kind: ChartKind::PairedEstimates {
            labels: per_site.iter().map(|(s, _)| short_label(s.site)).collect(),
            series: vec![(
                "Hours freed".to_owned(),
                per_site
                    .iter()
                    .map(|(_, h)| {
                        h.iter().find(|x| x.measure == HOURS_FREED).map_or(
                            Estimate { mean: f64::NAN, ci95_low: f64::NAN, ci95_high: f64::NAN },
                            |x| x.difference,
                        )
                    })
                    .collect(),
            )],
        },
    }));

    // ---- Per district
    blocks.push(Block::Heading { level: 2, text: "Per district".to_owned() });
    blocks.push(Block::Para(
        "One subsection per pilot site. Demand, adoption and wait patterns are the pilot's, \
         averaged over replications; the operations table sets the pilot beside the baseline."
            .to_owned(),
    ));
    for s in &sites {
        site_section(&mut blocks, res, s, n);
    }

    // ---- Not yet simulated
    blocks.push(Block::Heading { level: 2, text: "Sections waiting for later work".to_owned() });
    blocks.push(Block::Para(
        "The evaluation asked for these sections too. The simulator does not produce their \
         inputs yet, so this report states that plainly instead of showing invented numbers."
            .to_owned(),
    ));
    for (head, text) in [
        (
            "Identity and fairness",
            "Face-ID outcomes per group (false non-matches, adjudications, extra minutes per group) and the ratios between groups: not yet simulated; the results hold no identity-check records.",
        ),
        (
            "SLA compliance and end-to-end days",
            "Compliance with service deadlines and days from application to document: not yet simulated; the results cover the visit to the site only.",
        ),
        (
            "Governance",
            "Share of decisions automated and reviewed, appeals, audit-chain verification, personal data kept: not yet simulated.",
        ),
        (
            "Costs and benefits",
            "Kiosk capital and running cost, officer time and citizen time valued in money, benefit per kiosk: not yet simulated; the scenario holds no cost parameters yet. Officer hours freed and citizen waiting hours saved above are the physical quantities such an analysis would value.",
        ),
        (
            "Expansion proposal",
            "Candidate sites ranked by expected benefit per kiosk, recommended kiosk counts and a sensitivity (tornado) chart over the main assumptions: not yet simulated; it needs runs over candidate sites and a sweep over the [est.] parameters listed under Method.",
        ),
    ] {
        blocks.push(Block::Heading { level: 3, text: head.to_owned() });
        blocks.push(Block::Note(text.to_owned()));
    }

    // ---- Method
    method_section(&mut blocks, res, reps);

    let m = &res.meta;
    let footer = vec![
        Block::Heading { level: 2, text: "Reproducibility".to_owned() },
        Block::List(vec![
            format!("navbat version: {}", m.navbat_version),
            format!("Scenario file: {}", m.scenario_file),
            format!("Scenario SHA-256: {}", m.scenario_sha256),
            format!("Seed: {}", m.seed),
            format!("Replications: {}", m.replications),
            format!(
                "Overrides: {}",
                if m.overrides.is_empty() { "none".to_owned() } else { m.overrides.join(", ") }
            ),
        ]),
        Block::Para("Command that produced the results:".to_owned()),
        Block::Code(vec![m.command.clone()]),
        Block::Para(
            "Every figure in this report is computed from that run's output directory \
             (replications.csv, baseline.csv, breakdown.csv, scenario.ron, run.json); the \
             numbers behind every chart and table are in data/*.csv beside this report."
                .to_owned(),
        ),
    ];
    // A chart with nothing to show is not drawn: say so instead.
    let blocks = blocks
        .into_iter()
        .map(|b| match b {
            Block::Chart(c) if !c.has_data() => {
                Block::Note(format!("{}: no data in this run, so no chart.", c.title))
            }
            other => other,
        })
        .collect();
    Report { title, blocks, footer }
}

fn site_section(blocks: &mut Vec<Block>, res: &Results, s: &SiteRuns<'_>, _n: u32) {
    let site = s.site;
    let stem = file_stem(&site.id);
    let reps = s.pilot.len().max(1) as f64;
    blocks.push(Block::Heading {
        level: 3,
        text: if placeholder(&site.district) {
            site.name.clone()
        } else {
            format!("{} district, {}: {}", site.district, site.region, site.name)
        },
    });
    let arrivals = over(&s.pilot, |r| r.arrivals as f64);
    let kiosk_share = over(&s.pilot, |r| 100.0 * share(r.served_kiosk, r.served));
    blocks.push(Block::Para(format!(
        "{} people arrive a year (95 % CI {} to {}); {} % of those served are \
         served at a kiosk without an officer. The site has {} officer counters and {} kiosks.",
        num(arrivals.mean, 0),
        num(arrivals.ci95_low, 0),
        num(arrivals.ci95_high, 0),
        num(kiosk_share.mean, 1),
        site.counters.iter().map(|c| u64::from(c.count)).sum::<u64>(),
        site.kiosks.iter().map(|k| u64::from(k.count)).sum::<u64>()
    )));

    // Demand by service.
    let services = cells(&res.breakdown, &site.id, Dimension::Service);
    let service_name = |id: &str| {
        res.scenario
            .services
            .iter()
            .find(|x| x.id == id)
            .map_or_else(|| id.to_owned(), |x| short_name(&x.name))
    };
    blocks.push(Block::Chart(Chart {
        name: format!("{stem}-demand-by-service"),
        title: format!("{}: demand by service", short_label(site)),
        caption: "Arrivals a year per service (mean over replications).".to_owned(),
        x_label: "Arrivals (people/year)".to_owned(),
        y_label: "Service".to_owned(),
        kind: ChartKind::HorizontalBars {
            labels: services.iter().map(|(k, _)| service_name(k)).collect(),
            values: services.iter().map(|(_, c)| c.arrivals as f64 / reps).collect(),
        },
    }));

    // Demand and adoption by month.
    let months = cells(&res.breakdown, &site.id, Dimension::Month);
    let month_label = |k: &str| {
        k.split('-')
            .nth(1)
            .and_then(|m| m.parse::<usize>().ok())
            .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
            .map_or_else(|| k.to_owned(), |m| (*m).to_owned())
    };
    let span = match (months.first(), months.last()) {
        (Some((a, _)), Some((b, _))) => format!(" ({a} to {b})"),
        _ => String::new(),
    };
    blocks.push(Block::Chart(Chart {
        name: format!("{stem}-demand-by-month"),
        title: format!("{}: demand by month", short_label(site)),
        caption: "Arrivals per calendar month (mean over replications); the first and last months may be partial.".to_owned(),
        x_label: format!("Month{span}"),
        y_label: "Arrivals (people/month)".to_owned(),
        kind: ChartKind::Bars {
            labels: months.iter().map(|(k, _)| month_label(k)).collect(),
            values: months.iter().map(|(_, c)| c.arrivals as f64 / reps).collect(),
        },
    }));
    blocks.push(Block::Chart(Chart {
        name: format!("{stem}-kiosk-share-by-month"),
        title: format!("{}: kiosk adoption over the year", short_label(site)),
        caption: "Share of people served at a kiosk without an officer, per month (pooled over replications).".to_owned(),
        x_label: format!("Month{span}"),
        y_label: "Served at a kiosk (%)".to_owned(),
        kind: ChartKind::Line {
            labels: months.iter().map(|(k, _)| month_label(k)).collect(),
            values: months.iter().map(|(_, c)| 100.0 * share(c.served_kiosk, c.served)).collect(),
        },
    }));

    // Waits by weekday and hour.
    let wh = cells(&res.breakdown, &site.id, Dimension::WeekdayHour);
    let mut grid = [[None::<f64>; 24]; 7];
    let mut open_hours = Vec::new();
    for (k, c) in &wh {
        let mut parts = k.split(' ');
        let (Some(day), Some(hour)) =
            (parts.next(), parts.next().and_then(|h| h.parse::<usize>().ok()))
        else {
            continue;
        };
        let Some(d) = WEEKDAYS.iter().position(|w| *w == day) else { continue };
        if hour < 24 && c.served > 0 {
            grid[d][hour] = Some(c.wait_sum_min / c.served as f64);
            open_hours.push(hour);
        }
    }
    let (first, last) = (
        open_hours.iter().copied().min().unwrap_or(0),
        open_hours.iter().copied().max().unwrap_or(23),
    );
    blocks.push(Block::Chart(Chart {
        name: format!("{stem}-wait-heatmap"),
        title: format!("{}: mean wait by weekday and hour", short_label(site)),
        caption: "Mean wait in minutes of people served, by weekday and hour of arrival (pooled over replications); grey: nobody served.".to_owned(),
        x_label: "Hour of arrival".to_owned(),
        y_label: "Wait (min)".to_owned(),
        kind: ChartKind::Heatmap {
            rows: WEEKDAYS.iter().map(|d| (*d).to_owned()).collect(),
            cols: (first..=last).map(|h| format!("{h:02}")).collect(),
            values: grid.iter().map(|row| row[first..=last].to_vec()).collect(),
        },
    }));

    // Distribution across replications.
    let col = |rows: &[&SiteRecord], f: fn(&SiteRecord) -> f64| {
        rows.iter().map(|r| f(r)).collect::<Vec<f64>>()
    };
    blocks.push(Block::Chart(Chart {
        name: format!("{stem}-wait-distribution"),
        title: format!("{}: waits across replications", short_label(site)),
        caption: "Box plots over replications of the year's mean and 90th-percentile wait; dots are single replications.".to_owned(),
        x_label: "Measure".to_owned(),
        y_label: "Wait (min)".to_owned(),
        kind: ChartKind::Boxes {
            labels: ["Mean, pilot", "Mean, baseline", "P90, pilot", "P90, baseline"].map(str::to_owned).to_vec(),
            samples: vec![
                col(&s.pilot, |r| r.mean_wait_min),
                col(&s.baseline, |r| r.mean_wait_min),
                col(&s.pilot, |r| r.p90_wait_min),
                col(&s.baseline, |r| r.p90_wait_min),
            ],
        },
    }));

    // By applicant segment.
    let segments = cells(&res.breakdown, &site.id, Dimension::Segment);
    let seg_rows: Vec<Vec<String>> = segments
        .iter()
        .filter(|(_, c)| c.arrivals > 0)
        .map(|(k, c)| {
            vec![
                (*k).to_owned(),
                num(c.arrivals as f64 / reps, 0),
                num(100.0 * share(c.served_kiosk, c.served), 1),
                num(if c.served > 0 { c.wait_sum_min / c.served as f64 } else { f64::NAN }, 2),
                num(100.0 * share(c.abandoned, c.arrivals), 2),
            ]
        })
        .collect();
    if !seg_rows.is_empty() {
        blocks.push(Block::Table(Table {
            name: format!("{stem}-segments"),
            caption: format!(
                "{}: pilot by applicant segment, a year (pooled over replications)",
                site.name
            ),
            header: [
                "Segment",
                "Arrivals (people/year)",
                "Served at a kiosk (%)",
                "Mean wait (min)",
                "Abandoned (% of arrivals)",
            ]
            .map(str::to_owned)
            .to_vec(),
            rows: seg_rows,
        }));
    }

    // Operations table.
    let both =
        |label: &str, unit: &str, d: usize, f: fn(&SiteRecord) -> f64, baseline_applies: bool| {
            vec![
                label.to_owned(),
                unit.to_owned(),
                with_ci(&over(&s.pilot, f), d),
                if baseline_applies {
                    with_ci(&over(&s.baseline, f), d)
                } else {
                    crate::doc::NO_KIOSKS.to_owned()
                },
            ]
        };
    let rows = vec![
        both("Arrivals", "people/year", 0, |r| r.arrivals as f64, true),
        both("Diverted to the online portal", "people/year", 0, |r| r.portal as f64, true),
        both("Served", "people/year", 0, |r| r.served as f64, true),
        both("Served at a kiosk", "people/year", 0, |r| r.served_kiosk as f64, false),
        both(
            "Served by an officer at a counter",
            "people/year",
            0,
            |r| r.served.saturating_sub(r.served_kiosk) as f64,
            true,
        ),
        both(
            "Kiosk attempts sent on to a counter",
            "people/year",
            0,
            |r| r.kiosk_fallbacks as f64,
            false,
        ),
        both("Officer utilisation", "%", 1, |r| 100.0 * r.utilization, true),
        both("Officer hours on duty", "h/year", 0, |r| r.officer_hours, true),
        both("Officer busy hours", "h/year", 0, |r| r.officer_busy_hours, true),
        both("Kiosk utilisation", "%", 1, |r| 100.0 * r.kiosk_utilization, false),
        both("Kiosk uptime", "%", 2, |r| 100.0 * r.kiosk_uptime, false),
        both("Kiosk failures", "per year", 0, |r| r.kiosk_failures as f64, false),
        both("Left on seeing the queue (balked)", "people/year", 0, |r| r.balked as f64, true),
        both("Left the queue (reneged)", "people/year", 0, |r| r.reneged as f64, true),
        both("Sent home at closing", "people/year", 0, |r| r.sent_home as f64, true),
        both("Still unserved at the end", "people/year", 0, |r| r.unserved as f64, true),
        both(
            "Abandonment rate",
            "% of arrivals",
            2,
            |r| 100.0 * share(r.abandoned(), r.arrivals),
            true,
        ),
    ];
    blocks.push(Block::Table(Table {
        name: format!("{stem}-operations"),
        caption: format!("{}: officers, kiosks and abandonment, mean (95 % CI) a year", site.name),
        header: ["Measure", "Unit", "Pilot", "Baseline"].map(str::to_owned).to_vec(),
        rows,
    }));
}

fn method_section(blocks: &mut Vec<Block>, res: &Results, reps: usize) {
    let sc = &res.scenario;
    blocks.push(Block::Heading { level: 2, text: "Method and assumptions".to_owned() });
    blocks.push(Block::Para(format!(
        "Model: navbat, a discrete-event simulation of each site over the simulated year. \
         Applicants arrive per service from yearly demand shaped by hour-of-day, weekday and \
         month profiles; each applicant belongs to a segment that chooses the online portal, a \
         kiosk or an officer's counter; kiosks fail and are repaired; officers work on shifts \
         and serve the services their counter offers; people may balk at or leave a long \
         queue. The scenario defines {} sites, {} services, {} applicant segments and {} \
         public holidays.",
        sc.sites.len(),
        sc.services.len(),
        sc.segments.len(),
        sc.holidays.len()
    )));
    blocks.push(Block::List(vec![
        format!("Horizon: {} to {}; the first {} days are a warm-up whose applicants are left out of the statistics.", sc.horizon.start, sc.horizon.end, sc.horizon.warm_up_days),
        format!("Replications: {reps} independent replications of the year from seed {}.", res.meta.seed),
        "Baseline: the same scenario without kiosks. Pilot and baseline share seeds and random-number streams (common random numbers), so replication r of both sees the same applicants; differences are taken pair by pair, which removes most of the noise that two independent runs would carry.".to_owned(),
        "Intervals: mean over replications with a Student-t 95 % confidence interval (n − 1 degrees of freedom). P90 wait is the 90th percentile of one replication's waits, averaged over replications.".to_owned(),
        "Wait: minutes a person served spent in line (kiosk line, counter line, or both after a kiosk attempt sent on to a counter). Citizen waiting hours: all time spent in line by everyone who queued, served or not.".to_owned(),
    ]));
    blocks.push(Block::Para(
        "Sources of the parameters, as the scenario file cites them: [P: section] points to the \
         project's parameter register with its published source; [est.] marks the modellers' \
         own estimate, which a sensitivity analysis should vary."
            .to_owned(),
    ));
    let mut rows = Vec::new();
    for (i, line) in res.scenario_text.lines().enumerate() {
        let Some(pos) = line.find("//") else { continue };
        let comment = line[pos + 2..].trim();
        let kind = match (comment.contains("[P:"), comment.contains("[est.]")) {
            (true, true) => "published and estimate",
            (true, false) => "published",
            (false, true) => "estimate",
            (false, false) => continue,
        };
        rows.push(vec![(i + 1).to_string(), kind.to_owned(), comment.to_owned()]);
    }
    if rows.is_empty() {
        blocks.push(Block::Note(
            "The scenario file cites no sources ([P: ...] or [est.] comments).".to_owned(),
        ));
    } else {
        blocks.push(Block::Table(Table {
            name: "sources".to_owned(),
            caption: "Source comments in scenario.ron, by line".to_owned(),
            header: ["Line", "Kind", "Comment"].map(str::to_owned).to_vec(),
            rows,
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headline(measure: &'static str, low: f64, high: f64) -> Headline {
        Headline {
            measure,
            unit: "",
            decimals: 0,
            pilot: 0.0,
            baseline: 0.0,
            difference: Estimate { mean: (low + high) / 2.0, ci95_low: low, ci95_high: high },
        }
    }

    fn verdict(wait: (f64, f64), freed: (f64, f64), abandoned: (f64, f64)) -> Verdict {
        Verdict::of(&[
            headline(MEAN_WAIT, wait.0, wait.1),
            headline(HOURS_FREED, freed.0, freed.1),
            headline(ABANDONED, abandoned.0, abandoned.1),
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
    fn numbers_print_without_negative_zero() {
        assert_eq!(num(-0.0001, 2), "0.00");
        assert_eq!(num(-1.5, 0), "-2");
        assert_eq!(num(f64::NAN, 1), "n/a");
        assert_eq!(
            with_ci(&Estimate { mean: 1.0, ci95_low: 0.5, ci95_high: 1.5 }, 1),
            "1.0 (0.5 to 1.5)"
        );
    }
}
