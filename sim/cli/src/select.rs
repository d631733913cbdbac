//! The expansion proposal by ranking and selection: for each candidate site, KN++
//! (`navbat-select`) picks the kiosk count (0 to `--max-kiosks`) with the largest yearly net
//! benefit against no kiosks, with common random numbers (replication r of every count sees
//! the same people) and an indifference zone in the scenario's currency a year. Sites do not
//! interact, so the best plan over sites × counts is the best count per site; each site's
//! selection is made at 1 − (1 − PCS)/sites, so all of them are right together with
//! probability at least PCS (Bonferroni). The chosen counts are then re-estimated against no
//! kiosks on fresh replications, numbered after every replication the selection used.

use std::collections::HashMap;
use std::sync::Arc;

use navbat_engine::{Model, Unit, only_sites, run_units, with_kiosk_count};
use navbat_record::{ExpansionRow, ReplicationRecord, SelectionRow};
use navbat_scenario::Scenario;
use navbat_select::{Procedure, kn_plus_plus};

/// What the selection and its confirmation found.
#[derive(Debug, Clone, Default)]
pub(crate) struct Selected {
    /// Every plan of every candidate site.
    pub(crate) plans: Vec<SelectionRow>,
    /// The chosen count and no kiosks, per candidate site, on fresh replications.
    pub(crate) confirmation: Vec<ExpansionRow>,
}

/// The settings: indifference zone (currency a year), joint PCS, first stage, cap, and the
/// replications of the confirmation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    pub(crate) indifference: f64,
    pub(crate) pcs: f64,
    pub(crate) first_stage: u32,
    pub(crate) max_replications: u32,
    pub(crate) confirm: u32,
    pub(crate) max_kiosks: u32,
}

/// Net benefit of `plan` against `none`, one replication, at the scenario's prices: officer
/// hours freed and citizen hours saved, valued, less the plan's kiosks' yearly cost.
fn net_benefit(s: &Scenario, plan: &ReplicationRecord, none: &ReplicationRecord, k: u32) -> f64 {
    let Some(e) = &s.economics else { return 0.0 };
    let sum = |r: &ReplicationRecord, f: fn(&navbat_record::SiteRecord) -> f64| -> f64 {
        r.sites.iter().map(f).sum()
    };
    (sum(none, |x| x.officer_busy_hours) - sum(plan, |x| x.officer_busy_hours)) * e.officer_hour
        + (sum(none, |x| x.citizen_hours) - sum(plan, |x| x.citizen_hours)) * e.citizen_hour
        - f64::from(k) * e.kiosk_per_year()
}

fn row(rep: &ReplicationRecord, k: u32) -> Vec<ExpansionRow> {
    rep.sites.iter().map(|s| ExpansionRow::of(rep.replication, s, k)).collect()
}

/// Selects a kiosk count per candidate site of `scenario` and confirms it; empty without
/// candidates or prices. Runs on the current rayon pool, the candidate sites side by side
/// (each site's procedure is its own: sites do not interact).
pub(crate) fn select_expansion(
    scenario: &Scenario,
    seed: u64,
    settings: Settings,
) -> Result<Selected, String> {
    use rayon::prelude::*;
    if scenario.candidates.is_empty() || scenario.economics.is_none() {
        return Ok(Selected::default());
    }
    let sites = scenario.candidates.len();
    let per_site_pcs = 1.0 - (1.0 - settings.pcs) / sites as f64;
    let procedure = Procedure {
        delta: settings.indifference,
        pcs: per_site_pcs,
        first_stage: settings.first_stage,
        max_replications: settings.max_replications,
    };
    let each: Vec<Selected> = scenario
        .candidates
        .par_iter()
        .map(|&c| select_site(scenario, c, seed, &procedure, settings))
        .collect::<Result<_, _>>()?;
    let mut out = Selected::default();
    for one in each {
        out.plans.extend(one.plans);
        out.confirmation.extend(one.confirmation);
    }
    Ok(out)
}

/// KN++ over the kiosk counts of candidate site `c` alone, then its confirmation.
fn select_site(
    scenario: &Scenario,
    c: usize,
    seed: u64,
    procedure: &Procedure,
    settings: Settings,
) -> Result<Selected, String> {
    let alone = only_sites(scenario, &[c]);
    let id = scenario.sites[c].id.clone();
    let counts = settings.max_kiosks + 1;
    let models: Vec<Arc<Model>> =
        (0..counts).map(|k| Model::new(with_kiosk_count(&alone, k))).collect();
    // Replications of the first stage, every plan: KN++ eliminates nothing before the first
    // stage is complete, so they are run at once (one batch keeps the cores busy) and handed
    // to the procedure one replication at a time, as it asks for them. A run is a function
    // of its model, seed and replication number, so the batch changes no value.
    let mut prefetched: HashMap<(usize, u32), ReplicationRecord> = HashMap::new();
    let mut fetched = false;
    // Replication r of every plan still in contention, and of no kiosks (the reference of
    // the net benefit).
    let mut sample = |alive: &[usize], r: u32| -> Result<Vec<f64>, String> {
        if r < procedure.first_stage && !fetched {
            fetched = true;
            let units: Vec<Unit> = (0..procedure.first_stage)
                .flat_map(|r| (0..models.len()).map(move |m| Unit { model: m, replication: r }))
                .collect();
            let records = run_units(&models, seed, &units, &|| {});
            prefetched = units.iter().map(|u| (u.model, u.replication)).zip(records).collect();
        }
        let mut wanted: Vec<usize> = alive.to_vec();
        if !wanted.contains(&0) {
            wanted.push(0);
        }
        let mut got: HashMap<usize, ReplicationRecord> =
            wanted.iter().filter_map(|&m| prefetched.remove(&(m, r)).map(|rec| (m, rec))).collect();
        let missing: Vec<Unit> = wanted
            .iter()
            .filter(|m| !got.contains_key(m))
            .map(|&m| Unit { model: m, replication: r })
            .collect();
        if !missing.is_empty() {
            let records = run_units(&models, seed, &missing, &|| {});
            got.extend(missing.iter().map(|u| u.model).zip(records));
        }
        let none =
            got.get(&0).ok_or_else(|| format!("{id}: replication {r} of no kiosks is missing"))?;
        alive
            .iter()
            .map(|&m| {
                got.get(&m)
                    .map(|rec| net_benefit(&alone, rec, none, u32::try_from(m).unwrap_or(u32::MAX)))
                    .ok_or_else(|| format!("{id}: replication {r} of {m} kiosks is missing"))
            })
            .collect()
    };
    let sel = kn_plus_plus(counts as usize, procedure, &mut sample)
        .map_err(|e| format!("expansion selection at {id}: {e}"))?;
    let mut out = Selected::default();
    for k in 0..counts as usize {
        out.plans.push(SelectionRow {
            site: id.clone(),
            kiosks: u32::try_from(k).unwrap_or(u32::MAX),
            replications: sel.replications[k],
            mean_net_benefit: sel.means[k],
            eliminated_after: sel.eliminated_after[k],
            selected: k == sel.best,
            capped: sel.capped,
            indifference: settings.indifference,
            pcs: procedure.pcs,
            first_stage: settings.first_stage,
            max_replications: settings.max_replications,
        });
    }
    // Fresh replications: numbered after every one the selection used at this site.
    let used = sel.replications.iter().copied().max().unwrap_or(0);
    let confirm: Vec<usize> = if sel.best == 0 { vec![0] } else { vec![0, sel.best] };
    let units: Vec<Unit> = (used..used + settings.confirm)
        .flat_map(|r| confirm.iter().map(move |&m| Unit { model: m, replication: r }))
        .collect();
    let records = run_units(&models, seed, &units, &|| {});
    for (u, rec) in units.iter().zip(&records) {
        out.confirmation.extend(row(rec, u32::try_from(u.model).unwrap_or(u32::MAX)));
    }
    Ok(out)
}
