//! Costs and benefits of the pilot's kiosks: kiosk cost a year against officer and citizen
//! time saved, valued at the scenario's prices, paired by replication.

use navbat_record::Estimate;

use crate::build::{Ctx, Money, SiteRuns, est, num, phrase, short_label, with_ci};
use crate::chart::{Chart, ChartKind};
use crate::doc::{Block, Table};

/// One site's (or all pilot sites') yearly money, paired by replication.
pub(crate) struct Valued {
    pub(crate) label: String,
    pub(crate) kiosks: f64,
    pub(crate) kiosk_cost: f64,
    pub(crate) officer_value: Estimate,
    pub(crate) citizen_value: Estimate,
    pub(crate) net: Estimate,
    pub(crate) net_per_kiosk: Estimate,
}

/// Values `sites` (pooled): per replication, freed officer hours and saved citizen hours
/// priced, minus the kiosks' yearly cost.
pub(crate) fn value(
    ctx: &Ctx<'_>,
    m: &Money<'_>,
    sites: &[&SiteRuns<'_>],
    label: String,
) -> Valued {
    let reps = sites.first().map_or(0, |s| s.pilot.len());
    let mut officer = vec![0.0; reps];
    let mut citizen = vec![0.0; reps];
    let mut kiosks = 0.0;
    for s in sites {
        kiosks += s.pilot.first().map_or(0.0, |r| ctx.kiosks(r, true));
        for (i, (p, b)) in s.pilot.iter().zip(&s.baseline).enumerate().take(reps) {
            officer[i] += (b.officer_busy_hours - p.officer_busy_hours) * m.e.officer_hour;
            citizen[i] += (ctx.citizen_hours(b) - ctx.citizen_hours(p)) * m.e.citizen_hour;
        }
    }
    let kiosk_cost = kiosks * m.kiosk_per_year();
    let net: Vec<f64> = officer.iter().zip(&citizen).map(|(o, c)| o + c - kiosk_cost).collect();
    let per_kiosk: Vec<f64> =
        net.iter().map(|n| if kiosks > 0.0 { n / kiosks } else { f64::NAN }).collect();
    Valued {
        label,
        kiosks,
        kiosk_cost,
        officer_value: est(&officer),
        citizen_value: est(&citizen),
        net: est(&net),
        net_per_kiosk: est(&per_kiosk),
    }
}

/// A whole amount with thousands separated by commas (`150,000,000`).
pub(crate) fn grouped(x: f64) -> String {
    let s = num(x, 0);
    let (sign, digits) = s.strip_prefix('-').map_or(("", s.as_str()), |d| ("-", d));
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return s;
    }
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{sign}{out}")
}

/// Scales an estimate to the report's unit for large sums.
pub(crate) fn scaled(e: &Estimate, by: f64) -> Estimate {
    Estimate { mean: e.mean / by, ci95_low: e.ci95_low / by, ci95_high: e.ci95_high / by }
}

/// Decimals for sums shown in `m.big_unit`.
pub(crate) fn big_decimals(m: &Money<'_>) -> usize {
    if m.big > 1.0 { 2 } else { 0 }
}

pub(crate) fn section(blocks: &mut Vec<Block>, ctx: &Ctx<'_>) {
    blocks.push(Block::Heading { level: 2, text: "Costs and benefits".to_owned() });
    let Some(m) = &ctx.money else {
        blocks.push(Block::Note(
            "The scenario has no economics block (kiosk prices, officer and citizen hour \
             values), so costs and benefits are not valued; officer hours freed and citizen \
             hours saved are in the executive summary."
                .to_owned(),
        ));
        return;
    };
    let e = m.e;
    let cur = &e.currency;
    blocks.push(Block::Table(Table {
        name: "economics".to_owned(),
        caption: "Prices assumed by the scenario (economics block)".to_owned(),
        header: ["Parameter", "Value", "Unit"].map(str::to_owned).to_vec(),
        rows: vec![
            vec!["Kiosk, installed".to_owned(), grouped(e.kiosk_capital), cur.clone()],
            vec!["Kiosk life".to_owned(), num(e.kiosk_life_years, 1), "years".to_owned()],
            vec![
                "Kiosk running cost".to_owned(),
                grouped(e.kiosk_running_per_year),
                format!("{cur}/year"),
            ],
            vec![
                "Kiosk cost a year (capital / life + running)".to_owned(),
                grouped(m.kiosk_per_year()),
                format!("{cur}/year"),
            ],
            vec!["Officer hour".to_owned(), grouped(e.officer_hour), format!("{cur}/h")],
            vec!["Citizen hour".to_owned(), grouped(e.citizen_hour), format!("{cur}/h")],
        ],
    }));
    if !ctx.has_baseline {
        blocks.push(ctx.no_baseline("Valuing the time the kiosks save"));
        return;
    }
    blocks.push(Block::Para(format!(
        "Benefit is officer busy hours freed (valued at {} {cur}/h) plus citizen hours saved \
         at the site (valued at {} {cur}/h), baseline minus pilot, paired by replication; the \
         cost is the kiosks' yearly cost. The freed officer hours are a benefit only as far as \
         the ministry puts them to other work; the citizen hours are the applicants' own. \
         Sums are in {} a year.",
        grouped(e.officer_hour),
        grouped(e.citizen_hour),
        m.big_unit
    )));
    let refs: Vec<&SiteRuns<'_>> = ctx.sites.iter().collect();
    let mut valued: Vec<Valued> =
        refs.iter().map(|s| value(ctx, m, &[*s], s.site.name.clone())).collect();
    if refs.len() > 1 {
        valued.push(value(ctx, m, &refs, "All pilot sites".to_owned()));
    }
    let d = big_decimals(m);
    let rows = valued
        .iter()
        .map(|v| {
            vec![
                v.label.clone(),
                num(v.kiosks, 0),
                num(v.kiosk_cost / m.big, d),
                with_ci(&scaled(&v.officer_value, m.big), d),
                with_ci(&scaled(&v.citizen_value, m.big), d),
                with_ci(&scaled(&v.net, m.big), d),
                with_ci(&scaled(&v.net_per_kiosk, m.big), d),
            ]
        })
        .collect();
    let unit = &m.big_unit;
    blocks.push(Block::Table(Table {
        name: "costs-benefits".to_owned(),
        caption: format!("Costs and benefits of the pilot's kiosks, {unit} a year: mean (95 % CI) over paired replications"),
        header: vec![
            "Site".to_owned(),
            "Kiosks".to_owned(),
            format!("Kiosk cost ({unit}/year)"),
            format!("Officer time freed ({unit}/year)"),
            format!("Citizen time saved ({unit}/year)"),
            format!("Net benefit ({unit}/year)"),
            format!("Net benefit per kiosk ({unit}/year)"),
        ],
        rows,
    }));
    if let Some(all) = valued.last() {
        blocks.push(Block::Para(format!(
            "{}: net benefit {} a year; per kiosk {}.",
            all.label,
            phrase(&scaled(&all.net, m.big), d, unit),
            phrase(&scaled(&all.net_per_kiosk, m.big), d, unit),
        )));
    }
    let per_site = &valued[..refs.len()];
    blocks.push(Block::Chart(Chart {
        name: "benefit-components".to_owned(),
        title: "Yearly benefit and cost per pilot site".to_owned(),
        caption: format!("Officer time freed and citizen time saved (valued), against the kiosks' yearly cost, {unit} a year; whiskers: 95 % CI over paired replications."),
        x_label: "Site".to_owned(),
        y_label: format!("Value ({unit}/year)"),
        kind: ChartKind::PairedEstimates {
            labels: refs.iter().map(|s| short_label(s.site)).collect(),
            series: vec![
                ("Officer time freed".to_owned(), per_site.iter().map(|v| scaled(&v.officer_value, m.big)).collect()),
                ("Citizen time saved".to_owned(), per_site.iter().map(|v| scaled(&v.citizen_value, m.big)).collect()),
                (
                    "Kiosk cost".to_owned(),
                    per_site.iter().map(|v| {
                        let c = v.kiosk_cost / m.big;
                        Estimate { mean: c, ci95_low: c, ci95_high: c }
                    }).collect(),
                ),
            ],
            reference: None,
        },
    }));
    blocks.push(Block::Chart(Chart {
        name: "net-benefit-per-kiosk".to_owned(),
        title: "Net benefit per kiosk, pilot sites".to_owned(),
        caption: format!("Net benefit a year per kiosk installed, {unit}, with 95 % CI over paired replications (whiskers)."),
        x_label: "Site".to_owned(),
        y_label: format!("Net benefit per kiosk ({unit}/year)"),
        kind: ChartKind::PairedEstimates {
            labels: refs.iter().map(|s| short_label(s.site)).collect(),
            series: vec![(
                "Net benefit per kiosk".to_owned(),
                per_site.iter().map(|v| scaled(&v.net_per_kiosk, m.big)).collect(),
            )],
            reference: None,
        },
    }));
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn amounts_are_grouped_by_thousands() {
        assert_eq!(grouped(150_000_000.0), "150,000,000");
        assert_eq!(grouped(-1234.4), "-1,234");
        assert_eq!(grouped(999.0), "999");
        assert_eq!(grouped(f64::NAN), "n/a");
    }
}
