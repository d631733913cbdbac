//! The expansion proposal: candidate sites ranked by net benefit per kiosk (paired against
//! the same site without kiosks), a recommended kiosk count per candidate by a stated rule,
//! and a tornado of the proposal's net benefit over the main assumptions.

use std::collections::BTreeMap;

use navbat_record::{Estimate, ExpansionRow, SensitivityRow, SiteOutline};

use crate::build::{Ctx, Money, est, num, phrase, with_ci};
use crate::chart::{Chart, ChartKind};
use crate::doc::{Block, Table};
use crate::money::{big_decimals, scaled};

/// The economic assumptions the report varies itself: (label, low factor, high factor).
const ECONOMIC: [(&str, f64, f64); 3] = [
    ("Citizen hour value", 0.5, 1.5),
    ("Officer hour cost", 0.75, 1.25),
    ("Kiosk cost", 0.75, 1.25),
];

/// One kiosk count at one candidate: per replication (paired with the same replication at 0
/// kiosks), what the kiosks change.
pub(crate) struct Level {
    pub(crate) kiosks: u32,
    pub(crate) officer_freed: Vec<f64>,
    pub(crate) citizen_saved: Vec<f64>,
    pub(crate) wait_change: Vec<f64>,
    pub(crate) served_kiosk: Vec<f64>,
}

/// A candidate site and its kiosk counts, in increasing order (0 excluded).
pub(crate) struct Candidate<'a> {
    pub(crate) site: &'a SiteOutline,
    pub(crate) levels: Vec<Level>,
    /// The recommended kiosk count (0: none pays); only with money.
    pub(crate) recommended: u32,
}

/// The proposal: candidates in rank order and the words the summary quotes.
pub(crate) struct Plan<'a> {
    pub(crate) candidates: Vec<Candidate<'a>>,
    /// True when the scenario gives prices, so candidates are ranked by money.
    pub(crate) valued: bool,
    /// "Site: k kiosks" for each candidate with a recommended count, in rank order.
    pub(crate) recommended: Vec<String>,
}

/// Gross yearly value of a level, per replication.
fn gross(m: &Money<'_>, l: &Level) -> Vec<f64> {
    l.officer_freed.iter().zip(&l.citizen_saved).map(|(o, c)| m.value(*o, *c)).collect()
}

/// Net yearly benefit per kiosk, per replication.
fn net_per_kiosk(m: &Money<'_>, l: &Level) -> Vec<f64> {
    let cost = f64::from(l.kiosks) * m.kiosk_per_year();
    gross(m, l).iter().map(|g| (g - cost) / f64::from(l.kiosks)).collect()
}

/// Marginal benefit of each added kiosk of level `i` over level `i - 1` (or 0 kiosks), per
/// replication and per kiosk added.
fn marginal(m: &Money<'_>, levels: &[Level], i: usize) -> Vec<f64> {
    let now = gross(m, &levels[i]);
    let (before, k0) = match i.checked_sub(1) {
        Some(j) => (gross(m, &levels[j]), levels[j].kiosks),
        None => (vec![0.0; now.len()], 0),
    };
    let added = f64::from(levels[i].kiosks - k0);
    now.iter().zip(&before).map(|(a, b)| (a - b) / added).collect()
}

/// The rule: the largest kiosk count whose marginal benefit (mean over replications) exceeds
/// one kiosk's yearly cost; 0 when none does.
pub(crate) fn recommend(m: &Money<'_>, levels: &[Level]) -> u32 {
    (0..levels.len())
        .filter(|&i| est(&marginal(m, levels, i)).mean > m.kiosk_per_year())
        .map(|i| levels[i].kiosks)
        .max()
        .unwrap_or(0)
}

/// The level ranked on: the recommended count, or the smallest when none is recommended.
fn ranked_level<'c>(c: &'c Candidate<'_>) -> Option<&'c Level> {
    c.levels.iter().find(|l| l.kiosks == c.recommended).or(c.levels.first())
}

/// Builds the candidates' levels from `expansion.csv` rows.
fn levels(rows: &[ExpansionRow], site: &str) -> Vec<Level> {
    let base: BTreeMap<u32, &ExpansionRow> = rows
        .iter()
        .filter(|r| r.site == site && r.kiosks == 0)
        .map(|r| (r.replication, r))
        .collect();
    let mut by_k: BTreeMap<u32, Vec<&ExpansionRow>> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.site == site && r.kiosks > 0) {
        by_k.entry(r.kiosks).or_default().push(r);
    }
    by_k.into_iter()
        .map(|(kiosks, mut rs)| {
            rs.sort_by_key(|r| r.replication);
            let pairs: Vec<(&ExpansionRow, &ExpansionRow)> =
                rs.iter().filter_map(|r| base.get(&r.replication).map(|b| (*b, *r))).collect();
            Level {
                kiosks,
                officer_freed: pairs
                    .iter()
                    .map(|(b, r)| b.officer_busy_hours - r.officer_busy_hours)
                    .collect(),
                citizen_saved: pairs
                    .iter()
                    .map(|(b, r)| b.citizen_hours - r.citizen_hours)
                    .collect(),
                wait_change: pairs.iter().map(|(b, r)| r.mean_wait_min - b.mean_wait_min).collect(),
                served_kiosk: pairs.iter().map(|(_, r)| r.served_kiosk as f64).collect(),
            }
        })
        .filter(|l| !l.officer_freed.is_empty())
        .collect()
}

pub(crate) fn plan<'a>(ctx: &Ctx<'a>) -> Option<Plan<'a>> {
    let rows = ctx.res.expansion.as_deref()?;
    let mut candidates: Vec<Candidate<'a>> = ctx
        .res
        .scenario
        .sites
        .iter()
        .filter(|s| rows.iter().any(|r| r.site == s.id))
        .map(|site| Candidate { site, levels: levels(rows, &site.id), recommended: 0 })
        .filter(|c| !c.levels.is_empty())
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let Some(m) = &ctx.money else {
        return Some(Plan { candidates, valued: false, recommended: Vec::new() });
    };
    for c in &mut candidates {
        c.recommended = recommend(m, &c.levels);
    }
    let score = |c: &Candidate<'_>| {
        (
            c.recommended > 0,
            ranked_level(c).map_or(f64::NEG_INFINITY, |l| est(&net_per_kiosk(m, l)).mean),
        )
    };
    candidates.sort_by(|a, b| {
        let (ra, sa) = score(a);
        let (rb, sb) = score(b);
        rb.cmp(&ra).then(sb.total_cmp(&sa))
    });
    let recommended = candidates
        .iter()
        .filter(|c| c.recommended > 0)
        .map(|c| {
            format!(
                "{}: {} kiosk{}",
                c.site.name,
                c.recommended,
                if c.recommended == 1 { "" } else { "s" }
            )
        })
        .collect();
    Some(Plan { candidates, valued: true, recommended })
}

/// A candidate's label on chart axes: its name without the kind of unit (several candidates
/// can share a district, so the district alone would not tell them apart).
pub(crate) fn candidate_label(site: &SiteOutline) -> String {
    let name = site.name.as_str();
    [" migration unit", " station"]
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix))
        .unwrap_or(name)
        .to_owned()
}

fn ordinal(k: u32) -> String {
    match k {
        1 => "1st".to_owned(),
        2 => "2nd".to_owned(),
        3 => "3rd".to_owned(),
        k => format!("{k}th"),
    }
}

pub(crate) fn section(blocks: &mut Vec<Block>, ctx: &Ctx<'_>, plan: Option<&Plan<'_>>) {
    blocks.push(Block::Heading { level: 2, text: "Expansion proposal".to_owned() });
    let Some(plan) = plan else {
        let named = match ctx.res.scenario.candidates.len() {
            0 => String::new(),
            n => format!("The scenario names {n} candidate sites, but t"),
        };
        blocks.push(Block::Note(format!(
            "{}his run holds no expansion experiment (no expansion.csv: candidate sites \
             simulated with 0, 1, 2, ... kiosks), so there is no ranking of candidate sites, no \
             recommended kiosk counts and no sensitivity chart.",
            if named.is_empty() { "T" } else { named.as_str() }
        )));
        return;
    };
    crate::selection::section(blocks, ctx);
    blocks.push(Block::Para(format!(
        "Each candidate site is simulated as it is (0 kiosks) and with each kiosk count, with \
         the same random numbers, over {} replications; every change below is paired against \
         the same replication at 0 kiosks.",
        plan.candidates.first().and_then(|c| c.levels.first()).map_or(0, |l| l.officer_freed.len())
    )));
    match (&ctx.money, plan.valued) {
        (Some(m), true) => valued(blocks, ctx, m, plan),
        _ => {
            blocks.push(Block::Note(
                "The scenario has no economics block, so candidates are not ranked by money and \
                 no kiosk count is recommended; the physical effects follow."
                    .to_owned(),
            ));
            physical(blocks, plan);
        }
    }
}

fn physical(blocks: &mut Vec<Block>, plan: &Plan<'_>) {
    let mut rows = Vec::new();
    for c in &plan.candidates {
        for l in &c.levels {
            rows.push(vec![
                c.site.name.clone(),
                l.kiosks.to_string(),
                with_ci(&est(&l.citizen_saved), 0),
                with_ci(&est(&l.officer_freed), 0),
                with_ci(&est(&l.wait_change), 2),
                with_ci(&est(&l.served_kiosk), 0),
            ]);
        }
    }
    blocks.push(Block::Table(Table {
        name: "expansion-effects".to_owned(),
        caption: "Candidate sites by kiosk count, a year: mean (95 % CI) of the paired change against 0 kiosks".to_owned(),
        header: [
            "Candidate",
            "Kiosks",
            "Citizen hours saved (h/year)",
            "Officer hours freed (h/year)",
            "Mean wait change (min)",
            "Served at a kiosk (people/year)",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows,
    }));
}

fn valued(blocks: &mut Vec<Block>, ctx: &Ctx<'_>, m: &Money<'_>, plan: &Plan<'_>) {
    let unit = &m.big_unit;
    let d = big_decimals(m);
    let per_year = m.kiosk_per_year();
    blocks.push(Block::Para(format!(
        "Rule for the kiosk count: a candidate gets the largest number of kiosks k for which \
         the k-th kiosk's marginal benefit (the value of the officer hours it frees and the \
         citizen hours it saves, beyond k − 1 kiosks, mean over replications) exceeds one \
         kiosk's yearly cost of {} {unit}; none when no kiosk does. Candidates are ranked by \
         net benefit per kiosk at that count (those with none recommended last, at their \
         smallest count).",
        num(per_year / m.big, d)
    )));
    let mut rows = Vec::new();
    let mut labels = Vec::new();
    let mut per_kiosk = Vec::new();
    for (i, c) in plan.candidates.iter().enumerate() {
        let Some(l) = ranked_level(c) else { continue };
        let pk = scaled(&est(&net_per_kiosk(m, l)), m.big);
        let cost = f64::from(l.kiosks) * per_year;
        let net: Vec<f64> = gross(m, l).iter().map(|g| (g - cost) / m.big).collect();
        rows.push(vec![
            (i + 1).to_string(),
            c.site.name.clone(),
            c.recommended.to_string(),
            l.kiosks.to_string(),
            with_ci(&pk, d),
            with_ci(&est(&net), d),
            with_ci(&est(&l.citizen_saved), 0),
            with_ci(&est(&l.officer_freed), 0),
            with_ci(&est(&l.wait_change), 2),
        ]);
        labels.push(candidate_label(c.site));
        per_kiosk.push(pk);
    }
    blocks.push(Block::Table(Table {
        name: "expansion-ranking".to_owned(),
        caption: format!("Candidate sites ranked by net benefit per kiosk, {unit} a year: mean (95 % CI) of the paired change against 0 kiosks"),
        header: vec![
            "Rank".to_owned(),
            "Candidate".to_owned(),
            "Recommended kiosks".to_owned(),
            "Kiosks evaluated".to_owned(),
            format!("Net benefit per kiosk ({unit}/year)"),
            format!("Net benefit ({unit}/year)"),
            "Citizen hours saved (h/year)".to_owned(),
            "Officer hours freed (h/year)".to_owned(),
            "Mean wait change (min)".to_owned(),
        ],
        rows,
    }));
    blocks.push(Block::Para(if plan.recommended.is_empty() {
        "Proposal: no candidate site, because at none does even the first kiosk's benefit \
         cover its yearly cost."
            .to_owned()
    } else {
        let by = if ctx.res.selection.is_some() {
            " (by the ranking and selection above, not by the marginal rule of this table)"
        } else {
            ""
        };
        format!("Proposal{by}: {}.", plan.recommended.join("; "))
    }));
    blocks.push(Block::Chart(Chart {
        name: "candidates-net-benefit-per-kiosk".to_owned(),
        title: "Candidate sites: net benefit per kiosk".to_owned(),
        caption: format!("Net benefit a year per kiosk at the recommended count (or the smallest count evaluated when none is recommended), {unit}, in rank order; whiskers: 95 % CI over paired replications."),
        x_label: "Candidate".to_owned(),
        y_label: format!("Net benefit per kiosk ({unit}/year)"),
        kind: ChartKind::PairedEstimates {
            labels,
            series: vec![("Net benefit per kiosk".to_owned(), per_kiosk)],
            reference: None,
        },
    }));

    // Marginal benefit of each added kiosk against its cost.
    let ks: Vec<u32> = {
        let mut ks: Vec<u32> =
            plan.candidates.iter().flat_map(|c| c.levels.iter().map(|l| l.kiosks)).collect();
        ks.sort_unstable();
        ks.dedup();
        ks
    };
    let mut rows = Vec::new();
    let mut series = Vec::new();
    for c in &plan.candidates {
        let mut by_k = Vec::new();
        for k in &ks {
            let e = match c.levels.iter().position(|l| l.kiosks == *k) {
                Some(i) => {
                    let e = scaled(&est(&marginal(m, &c.levels, i)), m.big);
                    rows.push(vec![
                        c.site.name.clone(),
                        k.to_string(),
                        with_ci(&e, d),
                        num(per_year / m.big, d),
                        if e.mean > per_year / m.big { "yes" } else { "no" }.to_owned(),
                    ]);
                    e
                }
                None => Estimate { mean: f64::NAN, ci95_low: f64::NAN, ci95_high: f64::NAN },
            };
            by_k.push(e);
        }
        series.push((candidate_label(c.site), by_k));
    }
    blocks.push(Block::Table(Table {
        name: "expansion-marginal".to_owned(),
        caption: format!("Marginal benefit of each added kiosk against one kiosk's yearly cost, {unit} a year: mean (95 % CI)"),
        header: vec![
            "Candidate".to_owned(),
            "Kiosks".to_owned(),
            format!("Marginal benefit per added kiosk ({unit}/year)"),
            format!("Kiosk cost ({unit}/year)"),
            "Benefit exceeds cost".to_owned(),
        ],
        rows,
    }));
    blocks.push(Block::Chart(Chart {
        name: "candidates-marginal-benefit".to_owned(),
        title: "Marginal benefit of each added kiosk".to_owned(),
        caption: format!("Value a year of the officer and citizen hours the k-th kiosk adds at each candidate, {unit}, with 95 % CI (whiskers); dashed line: one kiosk's yearly cost."),
        x_label: "Kiosk added".to_owned(),
        y_label: format!("Marginal benefit ({unit}/year)"),
        kind: ChartKind::PairedEstimates {
            labels: ks.iter().map(|k| ordinal(*k)).collect(),
            series,
            reference: Some(("Kiosk yearly cost".to_owned(), per_year / m.big)),
        },
    }));
    tornado(blocks, ctx, m, plan);
}

/// Per replication, the proposal's freed officer hours and saved citizen hours.
fn proposal_totals(plan: &Plan<'_>) -> (Vec<f64>, Vec<f64>, u32) {
    let mut officer: Vec<f64> = Vec::new();
    let mut citizen: Vec<f64> = Vec::new();
    let mut kiosks = 0;
    for c in plan.candidates.iter().filter(|c| c.recommended > 0) {
        let Some(l) = c.levels.iter().find(|l| l.kiosks == c.recommended) else { continue };
        kiosks += c.recommended;
        if officer.is_empty() {
            officer = vec![0.0; l.officer_freed.len()];
            citizen = vec![0.0; l.citizen_saved.len()];
        }
        for (a, v) in officer.iter_mut().zip(&l.officer_freed) {
            *a += v;
        }
        for (a, v) in citizen.iter_mut().zip(&l.citizen_saved) {
            *a += v;
        }
    }
    (officer, citizen, kiosks)
}

fn humanize(s: &str) -> String {
    let t = s.replace(['_', '-'], " ");
    let mut chars = t.chars();
    chars.next().map_or_else(String::new, |f| f.to_uppercase().collect::<String>() + chars.as_str())
}

/// One bar of the tornado: label, net benefit at the low and at the high setting.
pub(crate) struct Bar {
    pub(crate) label: String,
    pub(crate) low: f64,
    pub(crate) high: f64,
}

/// Mean net benefit of sensitivity rows of one level (per replication, then averaged).
fn sensitivity_net(m: &Money<'_>, rows: &[&SensitivityRow], cost: f64) -> Option<(f64, f64)> {
    if rows.is_empty() {
        return None;
    }
    let nets: Vec<f64> =
        rows.iter().map(|r| m.value(r.officer_hours_freed, r.citizen_hours_saved) - cost).collect();
    Some((est(&nets).mean, rows[0].factor))
}

/// The tornado's bars, sorted by swing (largest first), and the base net benefit.
pub(crate) fn bars(
    m: &Money<'_>,
    officer: &[f64],
    citizen: &[f64],
    kiosks: u32,
    sensitivity: Option<&[SensitivityRow]>,
) -> (f64, Vec<Bar>, bool) {
    let k = f64::from(kiosks);
    let e = m.e;
    let net_at = |oh: f64, ch: f64, kiosk: f64| {
        let nets: Vec<f64> = officer
            .iter()
            .zip(citizen)
            .map(|(o, c)| o * oh + c * ch - k * m.kiosk_per_year() * kiosk)
            .collect();
        est(&nets).mean
    };
    let base = net_at(e.officer_hour, e.citizen_hour, 1.0);
    let mut out = Vec::new();
    for (label, lo, hi) in ECONOMIC {
        let at = |f: f64| match label {
            "Citizen hour value" => net_at(e.officer_hour, e.citizen_hour * f, 1.0),
            "Officer hour cost" => net_at(e.officer_hour * f, e.citizen_hour, 1.0),
            _ => net_at(e.officer_hour, e.citizen_hour, f),
        };
        out.push(Bar { label: format!("{label} (×{lo} / ×{hi})"), low: at(lo), high: at(hi) });
    }
    let mut shifted = false;
    if let Some(rows) = sensitivity {
        let cost = k * m.kiosk_per_year();
        let mut names: Vec<&str> = Vec::new();
        for r in rows {
            if !names.contains(&r.assumption.as_str()) {
                names.push(&r.assumption);
            }
        }
        for name in names.into_iter().filter(|n| *n != "base") {
            let level = |lv: &str| -> Vec<&SensitivityRow> {
                rows.iter().filter(|r| r.assumption == name && r.level == lv).collect()
            };
            let (Some((low, flo)), Some((high, fhi))) =
                (sensitivity_net(m, &level("low"), cost), sensitivity_net(m, &level("high"), cost))
            else {
                continue;
            };
            // Against the experiment's own base run (the assumption's own, else the shared
            // one): only the change is carried over onto the proposal's base.
            let own = level("base");
            let shared: Vec<&SensitivityRow> = rows.iter().filter(|r| r.level == "base").collect();
            let base_rows = if own.is_empty() { shared } else { own };
            let offset = match sensitivity_net(m, &base_rows, cost) {
                Some((b, _)) => {
                    shifted = true;
                    base - b
                }
                None => 0.0,
            };
            out.push(Bar {
                label: format!("{} (×{flo} / ×{fhi})", humanize(name)),
                low: low + offset,
                high: high + offset,
            });
        }
    }
    out.sort_by(|a, b| (b.high - b.low).abs().total_cmp(&(a.high - a.low).abs()));
    (base, out, shifted)
}

fn tornado(blocks: &mut Vec<Block>, ctx: &Ctx<'_>, m: &Money<'_>, plan: &Plan<'_>) {
    blocks.push(Block::Heading { level: 3, text: "Sensitivity of the proposal".to_owned() });
    let (officer, citizen, kiosks) = proposal_totals(plan);
    if kiosks == 0 {
        blocks.push(Block::Note(
            "No kiosk is proposed, so there is no proposal whose net benefit could be varied."
                .to_owned(),
        ));
        return;
    }
    let unit = &m.big_unit;
    let d = big_decimals(m);
    let sens = ctx.res.sensitivity.as_deref();
    let (base, bars, shifted) = bars(m, &officer, &citizen, kiosks, sens);
    let configured: u32 = ctx
        .res
        .scenario
        .sites
        .iter()
        .filter(|s| ctx.res.is_candidate(&s.id))
        .map(|s| s.kiosks)
        .sum();
    let base_est = {
        let cost = f64::from(kiosks) * m.kiosk_per_year();
        let nets: Vec<f64> =
            officer.iter().zip(&citizen).map(|(o, c)| (m.value(*o, *c) - cost) / m.big).collect();
        est(&nets)
    };
    blocks.push(Block::Para(format!(
        "The proposal ({kiosks} kiosk{}) has a net benefit of {} a year. The tornado moves one \
         assumption at a time to a low and a high setting and shows the proposal's net \
         benefit at each, sorted by the swing. {}",
        if kiosks == 1 { "" } else { "s" },
        phrase(&base_est, d, unit),
        match sens {
            Some(_) if shifted => format!("Simulated assumptions come from sensitivity.csv, where the candidate sites as the scenario equips them ({configured} kiosks) run with one assumption moved at a time, paired against no kiosks; each bar carries the change against that experiment's base run over onto the proposal's base, so it measures the assumption's effect, not a difference between kiosk plans. The economic assumptions are computed here from the expansion runs."),
            Some(_) => "Simulated assumptions come from sensitivity.csv (valued with the proposal's kiosk cost, as the file holds no base run); the economic ones are computed here from the expansion runs.".to_owned(),
            None => "This run holds no sensitivity experiment (no sensitivity.csv), so only the economic assumptions, which the report can vary itself, are shown; demand, adoption and other simulated assumptions are not.".to_owned(),
        }
    )));
    let rows = bars
        .iter()
        .map(|b| {
            vec![
                b.label.clone(),
                num(b.low / m.big, d),
                num(b.high / m.big, d),
                num((b.high - b.low).abs() / m.big, d),
            ]
        })
        .collect();
    blocks.push(Block::Table(Table {
        name: "sensitivity".to_owned(),
        caption: format!(
            "Net benefit of the proposal, {unit} a year, when one assumption moves (base {})",
            num(base / m.big, d)
        ),
        header: vec![
            "Assumption (low / high factor)".to_owned(),
            format!("Low setting ({unit}/year)"),
            format!("High setting ({unit}/year)"),
            format!("Swing ({unit}/year)"),
        ],
        rows,
    }));
    blocks.push(Block::Chart(Chart {
        name: "tornado".to_owned(),
        title: "Net benefit of the proposal: sensitivity".to_owned(),
        caption: format!("Net benefit a year of the proposal, {unit}, at the low and the high setting of each assumption (mean over replications); the vertical line is the base."),
        x_label: format!("Net benefit ({unit}/year)"),
        y_label: "Assumption".to_owned(),
        kind: ChartKind::Tornado {
            labels: bars.iter().map(|b| b.label.clone()).collect(),
            base: base / m.big,
            low: bars.iter().map(|b| b.low / m.big).collect(),
            high: bars.iter().map(|b| b.high / m.big).collect(),
        },
    }));
}

#[cfg(test)]
mod tests {
    use navbat_record::Prices;

    use super::*;

    fn econ() -> Prices {
        Prices {
            currency: "UZS".to_owned(),
            kiosk_capital: 500.0,
            kiosk_life_years: 5.0,
            kiosk_running_per_year: 0.0,
            officer_hour: 1.0,
            citizen_hour: 0.0,
        }
    }

    fn level(kiosks: u32, officer: f64) -> Level {
        Level {
            kiosks,
            officer_freed: vec![officer - 1.0, officer + 1.0],
            citizen_saved: vec![0.0, 0.0],
            wait_change: vec![0.0, 0.0],
            served_kiosk: vec![0.0, 0.0],
        }
    }

    #[test]
    fn the_recommended_count_is_the_largest_whose_marginal_benefit_beats_the_cost() {
        let e = econ();
        let m = Money::new(&e);
        assert_eq!(m.kiosk_per_year(), 100.0);
        // Marginal benefits 250, 150, 60: the 3rd kiosk does not pay.
        let levels = [level(1, 250.0), level(2, 400.0), level(3, 460.0)];
        assert_eq!(recommend(&m, &levels), 2);
        assert_eq!(est(&marginal(&m, &levels, 1)).mean, 150.0);
        // Largest, not first: a later kiosk that pays again is taken.
        let bumpy = [level(1, 50.0), level(2, 300.0)];
        assert_eq!(recommend(&m, &bumpy), 2);
        // None pays.
        assert_eq!(recommend(&m, &[level(1, 80.0)]), 0);
        // Gaps: 2 kiosks then 4; the step is per added kiosk ((500 - 300) / 2 = 100, not above).
        assert_eq!(recommend(&m, &[level(2, 300.0), level(4, 500.0)]), 2);
    }

    #[test]
    fn the_tornado_is_sorted_by_swing_and_carries_simulated_changes_over() {
        let mut e = econ();
        e.citizen_hour = 2.0;
        let m = Money::new(&e);
        let row = |assumption: &str, level: &str, factor: f64, citizen: f64| SensitivityRow {
            assumption: assumption.to_owned(),
            level: level.to_owned(),
            factor,
            replication: 0,
            citizen_hours_saved: citizen,
            officer_hours_freed: 0.0,
            served_kiosk: 0,
        };
        let sens = [
            row("demand", "low", 0.8, 50.0),
            row("base", "base", 1.0, 100.0),
            row("demand", "high", 1.2, 400.0),
        ];
        // Proposal: 1 kiosk, 200 officer hours and 100 citizen hours: 200 + 200 - 100 = 300.
        let (base, bars, shifted) = bars(&m, &[200.0], &[100.0], 1, Some(&sens));
        assert_eq!(base, 300.0);
        assert!(shifted);
        assert_eq!(bars[0].label, "Demand (×0.8 / ×1.2)");
        // Demand: base run worth 200 - 100 = 100; low 0, high 700: shifted by +200.
        assert_eq!((bars[0].low, bars[0].high), (200.0, 900.0));
        let swings: Vec<f64> = bars.iter().map(|b| (b.high - b.low).abs()).collect();
        assert!(swings.windows(2).all(|w| w[0] >= w[1]), "{swings:?}");
        // Citizen hour ×0.5 / ×1.5: 300 ∓ 100.
        let c = bars.iter().find(|b| b.label.starts_with("Citizen")).map(|b| (b.low, b.high));
        assert_eq!(c, Some((200.0, 400.0)));
    }
}
