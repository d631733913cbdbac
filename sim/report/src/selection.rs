//! The expansion proposal as ranking and selection found it (`selection.csv`): per candidate
//! site, the kiosk count KN++ selected with common random numbers and its guaranteed
//! probability of correct selection, and that count's net benefit re-estimated against no
//! kiosks on fresh replications (`confirmation.csv`), which is the figure the report quotes.

use std::collections::BTreeMap;

use navbat_record::{Estimate, ExpansionRow};

use crate::build::{Ctx, Money, est, num, phrase, with_ci};
use crate::doc::{Block, Table};
use crate::money::{big_decimals, scaled};

/// One candidate site's selected count and its confirmation.
pub(crate) struct Chosen {
    pub(crate) site: String,
    pub(crate) name: String,
    pub(crate) kiosks: u32,
    /// Net benefit against no kiosks a year on the fresh replications, in currency.
    pub(crate) net: Estimate,
    /// The fresh replications' numbers, first and last.
    pub(crate) fresh: Option<(u32, u32)>,
}

/// The net benefit of `k` kiosks against none per fresh replication at `site`.
fn confirmed_net(m: &Money<'_>, rows: &[ExpansionRow], site: &str, k: u32) -> (Vec<f64>, Vec<u32>) {
    let mut none: BTreeMap<u32, &ExpansionRow> = BTreeMap::new();
    let mut plan: BTreeMap<u32, &ExpansionRow> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.site == site) {
        if r.kiosks == 0 {
            none.insert(r.replication, r);
        }
        if r.kiosks == k {
            plan.insert(r.replication, r);
        }
    }
    let mut values = Vec::new();
    let mut reps = Vec::new();
    for (rep, p) in &plan {
        if let Some(n) = none.get(rep) {
            let gross = m.value(
                n.officer_busy_hours - p.officer_busy_hours,
                n.citizen_hours - p.citizen_hours,
            );
            values.push(gross - f64::from(k) * m.kiosk_per_year());
            reps.push(*rep);
        }
    }
    (values, reps)
}

/// The selected count of every candidate site with its confirmation, in scenario order;
/// `None` without `selection.csv` or prices.
pub(crate) fn chosen(ctx: &Ctx<'_>) -> Option<Vec<Chosen>> {
    let sel = ctx.res.selection.as_deref()?;
    let m = ctx.money.as_ref()?;
    let confirm = ctx.res.confirmation.as_deref().unwrap_or(&[]);
    let out = ctx
        .res
        .scenario
        .sites
        .iter()
        .filter_map(|s| {
            let best = sel.iter().find(|r| r.site == s.id && r.selected)?;
            let (values, reps) = confirmed_net(m, confirm, &s.id, best.kiosks);
            Some(Chosen {
                site: s.id.clone(),
                name: s.name.clone(),
                kiosks: best.kiosks,
                net: est(&values),
                fresh: reps.first().copied().zip(reps.last().copied()),
            })
        })
        .collect();
    Some(out)
}

/// "Site: k kiosks" for every site where a count above zero was selected.
pub(crate) fn recommended(chosen: &[Chosen]) -> Vec<String> {
    chosen
        .iter()
        .filter(|c| c.kiosks > 0)
        .map(|c| format!("{}: {} kiosk{}", c.name, c.kiosks, if c.kiosks == 1 { "" } else { "s" }))
        .collect()
}

pub(crate) fn section(blocks: &mut Vec<Block>, ctx: &Ctx<'_>) {
    let (Some(sel), Some(m), Some(chosen)) =
        (ctx.res.selection.as_deref(), ctx.money.as_ref(), chosen(ctx))
    else {
        return;
    };
    let Some(first) = sel.first() else { return };
    blocks.push(Block::Heading {
        level: 3,
        text: "Selection with a known chance of being right".to_owned(),
    });
    let sites = chosen.len().max(1);
    let joint = 1.0 - (1.0 - first.pcs) * sites as f64;
    let capped: Vec<&str> = chosen
        .iter()
        .filter(|c| sel.iter().any(|r| r.site == c.site && r.capped))
        .map(|c| c.name.as_str())
        .collect();
    let d = big_decimals(m);
    blocks.push(Block::Para(format!(
        "For each candidate site, the kiosk count (0 to {}) with the largest net benefit a year \
         against no kiosks was selected by KN++ (Kim & Nelson's fully sequential procedure, \
         updated variances) with common random numbers: every count sees the same people in \
         replication r. Indifference zone {} {} a year: counts whose true net benefits differ \
         by less are equally good. Each site's selection is right with probability at least \
         {} % when the best count leads by the indifference zone or more, so all {} are right \
         together with probability at least {} % (Bonferroni); first stage {} replications, \
         then one at a time, at most {}.{}",
        sel.iter().map(|r| r.kiosks).max().unwrap_or(0),
        num(first.indifference / m.big, d),
        m.big_unit,
        num(100.0 * first.pcs, 2),
        sites,
        num(100.0 * joint, 1),
        first.first_stage,
        first.max_replications,
        if capped.is_empty() {
            String::new()
        } else {
            format!(
                " The cap stopped the procedure at {} before one count was left: there the \
                 best sample mean was taken and the probability is not guaranteed.",
                capped.join(", ")
            )
        }
    )));
    let rows = sel
        .iter()
        .map(|r| {
            let name = ctx.res.scenario.site(&r.site).map_or(r.site.clone(), |s| s.name.clone());
            vec![
                name,
                r.kiosks.to_string(),
                r.replications.to_string(),
                num(r.mean_net_benefit / m.big, d),
                r.eliminated_after.map_or("-".to_owned(), |n| format!("after {n}")),
                if r.selected { "selected".to_owned() } else { String::new() },
            ]
        })
        .collect();
    blocks.push(Block::Table(Table {
        name: "expansion-selection".to_owned(),
        caption: format!(
            "KN++ per candidate site: replications each kiosk count received and its mean net \
             benefit a year against no kiosks ({}), eliminated after how many replications",
            m.big_unit
        ),
        header: ["Site", "Kiosks", "Replications", "Mean net benefit", "Eliminated", "Selected"]
            .map(str::to_owned)
            .to_vec(),
        rows,
    }));
    let rows = chosen
        .iter()
        .map(|c| {
            vec![
                c.name.clone(),
                c.kiosks.to_string(),
                c.fresh.map_or("none".to_owned(), |(a, b)| format!("{a} to {b}")),
                with_ci(&scaled(&c.net, m.big), d),
            ]
        })
        .collect();
    blocks.push(Block::Table(Table {
        name: "expansion-confirmation".to_owned(),
        caption: format!(
            "The selected counts re-estimated on fresh replications (numbered after every one the \
             selection used), paired against no kiosks: net benefit a year, {} (95 % CI, \
             paired t)",
            m.big_unit
        ),
        header: ["Site", "Kiosks", "Fresh replications", "Net benefit"].map(str::to_owned).to_vec(),
        rows,
    }));
    let words: Vec<String> = chosen
        .iter()
        .filter(|c| c.kiosks > 0)
        .map(|c| {
            format!(
                "{}: {} kiosk{}, confirmed net benefit {} a year",
                c.name,
                c.kiosks,
                if c.kiosks == 1 { "" } else { "s" },
                phrase(&scaled(&c.net, m.big), d, &m.big_unit)
            )
        })
        .collect();
    blocks.push(Block::Para(if words.is_empty() {
        "Selected: no kiosks at any candidate site (none pays for itself within the \
         indifference zone)."
            .to_owned()
    } else {
        format!("Selected and confirmed: {}.", words.join("; "))
    }));
}
