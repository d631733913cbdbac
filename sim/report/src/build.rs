//! From loaded results to the report's blocks: the shared context, the helpers every section
//! uses, and the order of the sections.

use std::collections::BTreeMap;

use navbat_record::{Estimate, Prices, SiteOutline, SiteRecord};

use crate::doc::Block;
use crate::input::Results;
use crate::{expansion, fairness, governance, method, money, site, summary};

/// The report, ready to render.
#[derive(Debug, Clone)]
pub(crate) struct Report {
    pub(crate) title: String,
    pub(crate) blocks: Vec<Block>,
    pub(crate) footer: Vec<Block>,
}

/// One pilot site's records, replication by replication (baseline empty without one).
pub(crate) struct SiteRuns<'a> {
    pub(crate) site: &'a SiteOutline,
    pub(crate) pilot: Vec<&'a SiteRecord>,
    pub(crate) baseline: Vec<&'a SiteRecord>,
}

/// Money as the scenario's `economics` block states it, with the unit large sums are shown in.
pub(crate) struct Money<'a> {
    pub(crate) e: &'a Prices,
    /// Divisor for yearly sums (1, 1e3 or 1e6) and its words.
    pub(crate) big: f64,
    pub(crate) big_unit: String,
}

impl<'a> Money<'a> {
    pub(crate) fn new(e: &'a Prices) -> Self {
        let per_year = e.kiosk_capital / e.kiosk_life_years + e.kiosk_running_per_year;
        let (big, words) = if per_year >= 1e6 {
            (1e6, "million ")
        } else if per_year >= 1e4 {
            (1e3, "thousand ")
        } else {
            (1.0, "")
        };
        Self { e, big, big_unit: format!("{words}{}", e.currency) }
    }

    /// Cost of one kiosk for one year: capital written off over its life, plus running cost.
    pub(crate) fn kiosk_per_year(&self) -> f64 {
        self.e.kiosk_capital / self.e.kiosk_life_years + self.e.kiosk_running_per_year
    }

    /// Value of officer and citizen hours, in currency.
    pub(crate) fn value(&self, officer_hours: f64, citizen_hours: f64) -> f64 {
        officer_hours * self.e.officer_hour + citizen_hours * self.e.citizen_hour
    }
}

/// What every section reads.
pub(crate) struct Ctx<'a> {
    pub(crate) res: &'a Results,
    /// Pilot sites (the scenario's sites that are not extension candidates) with records.
    pub(crate) sites: Vec<SiteRuns<'a>>,
    /// Replications per site.
    pub(crate) reps: usize,
    pub(crate) has_baseline: bool,
    /// True when the pilot's records hold case-workflow results (any case opened).
    pub(crate) workflows: bool,
    pub(crate) money: Option<Money<'a>>,
    /// True when the records hold citizen hours at the site; older results hold only the
    /// time in line, which then stands in.
    pub(crate) citizen_at_site: bool,
}

impl Ctx<'_> {
    /// Citizen hours of record `r`: at the site when recorded, else in line.
    pub(crate) fn citizen_hours(&self, r: &SiteRecord) -> f64 {
        if self.citizen_at_site { r.citizen_hours } else { r.time_in_line_min / 60.0 }
    }

    /// Kiosks at the site of record `r`: the record's own count, or for pilot records written
    /// before the count was recorded, the scenario's.
    pub(crate) fn kiosks(&self, r: &SiteRecord, pilot: bool) -> f64 {
        if r.kiosks > 0 || !pilot {
            return f64::from(r.kiosks);
        }
        self.res.scenario.site(&r.site).map_or(0.0, |s| f64::from(s.kiosks))
    }

    /// The sentence a section that needs the baseline shows without one.
    pub(crate) fn no_baseline(&self, what: &str) -> Block {
        Block::Note(format!(
            "{what} needs the no-kiosk baseline, and this run has none (it was made without \
             --baseline)."
        ))
    }
}

pub(crate) fn est(values: &[f64]) -> Estimate {
    let e = Estimate::from_samples(values);
    if values.len() < 2 {
        // One replication has no spread to make an interval from: none is shown.
        Estimate { mean: e.mean, ci95_low: f64::NAN, ci95_high: f64::NAN }
    } else {
        e
    }
}

/// `e` with its bounds clamped to `lo..=hi` (a rate cannot be negative, a share cannot pass
/// 100 %); NaN bounds stay NaN.
pub(crate) fn clamped(e: Estimate, lo: f64, hi: f64) -> Estimate {
    let c = |x: f64| if x.is_finite() { x.clamp(lo, hi) } else { x };
    Estimate { mean: e.mean, ci95_low: c(e.ci95_low), ci95_high: c(e.ci95_high) }
}

/// Mean and 95 % interval of `f` over records (one per replication).
pub(crate) fn over<'a>(runs: &[&'a SiteRecord], f: impl Fn(&'a SiteRecord) -> f64) -> Estimate {
    est(&runs.iter().map(|r| f(r)).collect::<Vec<_>>())
}

pub(crate) fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

/// `part / whole` or NaN ("n/a") when `whole` is 0.
pub(crate) fn ratio(part: f64, whole: f64) -> f64 {
    if whole > 0.0 { part / whole } else { f64::NAN }
}

/// Formats a number with `d` decimals; `-0.0` prints as `0.0`, non-finite as `n/a`.
pub(crate) fn num(x: f64, d: usize) -> String {
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

pub(crate) fn with_ci(e: &Estimate, d: usize) -> String {
    format!("{} ({} to {})", num(e.mean, d), num(e.ci95_low, d), num(e.ci95_high, d))
}

/// `"x unit (95 % CI a to b)"`.
pub(crate) fn phrase(e: &Estimate, d: usize, unit: &str) -> String {
    if e.mean.is_finite() && !(e.ci95_low.is_finite() && e.ci95_high.is_finite()) {
        return format!("{} {unit} (no interval: one replication)", num(e.mean, d));
    }
    format!("{} {unit} (95 % CI {} to {})", num(e.mean, d), num(e.ci95_low, d), num(e.ci95_high, d))
}

/// Values per replication number, summed over every record of that replication, in
/// replication order.
pub(crate) fn by_replication<'a, T: 'a>(
    rows: impl IntoIterator<Item = &'a T>,
    replication: impl Fn(&T) -> u32,
    value: impl Fn(&T) -> f64,
) -> BTreeMap<u32, f64> {
    let mut out = BTreeMap::new();
    for r in rows {
        *out.entry(replication(r)).or_insert(0.0) += value(r);
    }
    out
}

pub(crate) fn file_stem(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect()
}

/// True for district or region fields that name nothing (`""`, `"-"`).
pub(crate) fn placeholder(s: &str) -> bool {
    s.trim().trim_matches('-').is_empty()
}

/// A site's short label for chart titles and axes: its district, or its name when the
/// scenario gives no district.
pub(crate) fn short_label(site: &SiteOutline) -> String {
    if placeholder(&site.district) { site.name.clone() } else { site.district.clone() }
}

pub(crate) fn build(res: &Results) -> Report {
    let sc = &res.scenario;
    let sites: Vec<SiteRuns<'_>> = sc
        .sites
        .iter()
        .filter(|site| !res.is_candidate(&site.id))
        .filter_map(|site| {
            let pilot: Vec<&SiteRecord> = res.pilot.iter().filter(|r| r.site == site.id).collect();
            let baseline: Vec<&SiteRecord> =
                res.baseline.iter().flatten().filter(|r| r.site == site.id).collect();
            (!pilot.is_empty()).then_some(SiteRuns { site, pilot, baseline })
        })
        .collect();
    let ctx = Ctx {
        res,
        reps: sites.first().map_or(0, |s| s.pilot.len()),
        workflows: sites.iter().flat_map(|s| &s.pilot).any(|r| r.cases_opened > 0),
        has_baseline: res.baseline.is_some(),
        money: sc.economics.as_ref().map(Money::new),
        citizen_at_site: res.pilot.iter().any(|r| r.citizen_hours > 0.0),
        sites,
    };
    let title = format!("One-year evaluation of the smart migration stations: {}", sc.name);
    let mut plan = expansion::plan(&ctx);
    // With a ranking and selection in the results, its confirmed counts are the proposal.
    if let (Some(p), Some(chosen)) = (plan.as_mut(), crate::selection::chosen(&ctx)) {
        p.recommended = crate::selection::recommended(&chosen);
    }

    let mut blocks = Vec::new();
    summary::section(&mut blocks, &ctx, plan.as_ref());
    blocks.push(Block::Heading { level: 2, text: "Per district".to_owned() });
    blocks.push(Block::Para(
        "One subsection per pilot site. Demand, adoption and wait patterns are the pilot's, \
         averaged over replications; the operations and case tables set the pilot beside the \
         baseline."
            .to_owned(),
    ));
    for s in &ctx.sites {
        site::section(&mut blocks, &ctx, s);
    }
    fairness::section(&mut blocks, &ctx);
    governance::section(&mut blocks, &ctx);
    crate::integrity::section(&mut blocks, &ctx);
    money::section(&mut blocks, &ctx);
    expansion::section(&mut blocks, &ctx, plan.as_ref());
    crate::screening::section(&mut blocks, &ctx);
    method::section(&mut blocks, &ctx);
    let footer = method::footer(res);

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

#[cfg(test)]
mod tests {
    use super::*;

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
