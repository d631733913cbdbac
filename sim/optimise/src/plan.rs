//! Plans and the scenarios they make: a [`Plan`] gives every candidate a kiosk count and a
//! number of floor assistants; a new station is open when it has a kiosk. The [`Universe`]
//! is the scenario with every new station added, checked once; a plan's scenario (for
//! `navbat run`) and a site's own one-site scenario (what an evaluation simulates) are cut
//! from it.

use std::path::{Path, PathBuf};

use navbat_scenario::{RawCounter, RawDemand, RawKiosk, RawScenario, RawSite, Scenario};
use serde::{Deserialize, Serialize};

use crate::OptimiseError;
use crate::candidates::{Candidates, Source};

/// Kiosks and floor assistants per candidate (indexed as the candidates are).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Plan {
    /// Kiosks at each candidate; a new station with 0 is not opened.
    pub kiosks: Vec<u32>,
    /// Floor assistants at each candidate (0 where there are no kiosks).
    pub assistants: Vec<u32>,
}

impl Plan {
    /// No kiosks and no assistants anywhere: every unit as the baseline has it.
    pub fn empty(candidates: usize) -> Self {
        Self { kiosks: vec![0; candidates], assistants: vec![0; candidates] }
    }

    /// Kiosks in all.
    pub fn total_kiosks(&self) -> u32 {
        self.kiosks.iter().sum()
    }

    /// Assistants in all.
    pub fn total_assistants(&self) -> u32 {
        self.assistants.iter().sum()
    }
}

/// One site as a plan configures it: what an evaluation simulates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteConfig {
    /// The candidate.
    pub candidate: usize,
    /// Kiosks.
    pub kiosks: u32,
    /// Floor assistants.
    pub assistants: u32,
    /// For each demand line of the site, the share it keeps (1 at a new station; less at a
    /// unit some open stations draw on).
    pub keep: Vec<f64>,
}

/// The scenario with every candidate station added, checked.
#[derive(Debug, Clone)]
pub struct Universe {
    /// The raw scenario with the new stations appended (each with one kiosk, no assistants
    /// and the whole demand it can draw).
    pub raw: RawScenario,
    /// `raw`, checked.
    pub scenario: Scenario,
    /// The candidates.
    pub candidates: Candidates,
    /// For each candidate, its index among `scenario.sites`.
    pub site_of: Vec<usize>,
    /// Folder relative paths of the scenario start from.
    pub base: PathBuf,
    /// The kiosk group given to a unit that has none.
    kiosk_template: Option<RawKiosk>,
    /// For each site of `raw`, the (station candidate, draw) pairs that draw on it.
    drawn_by: Vec<Vec<(usize, usize)>>,
}

impl Universe {
    /// Adds the candidates' new stations to `raw` (read from a file in folder `base`) and
    /// checks the result.
    pub fn new(
        raw: &RawScenario,
        candidates: Candidates,
        base: &Path,
    ) -> Result<Self, OptimiseError> {
        let kiosk_template = raw.sites.iter().find_map(|s| s.kiosks.first().cloned());
        let mut universe = raw.clone();
        // The sensitivity block's paths name the file's sites, which plans reshape; the
        // optimiser screens nothing.
        universe.sensitivity = None;
        let mut site_of = Vec::with_capacity(candidates.sites.len());
        for cand in &candidates.sites {
            match &cand.source {
                Source::Unit { site } => site_of.push(*site),
                Source::New { draws, .. } => {
                    let first = draws.first().map(|d| d.unit).unwrap_or_default();
                    let template = raw.sites.get(first).ok_or_else(|| OptimiseError::Plan {
                        what: cand.id.clone(),
                        message: "draws on no unit".to_owned(),
                    })?;
                    let mut demand: Vec<RawDemand> = Vec::new();
                    for d in draws {
                        for line in raw.sites.get(d.unit).map_or(&[][..], |s| &s.demand) {
                            if !d.takes(&line.service) {
                                continue;
                            }
                            let add = line.yearly * d.share;
                            match demand
                                .iter_mut()
                                .find(|x| x.service == line.service && x.profile == line.profile)
                            {
                                Some(x) => x.yearly += add,
                                None => demand.push(RawDemand { yearly: add, ..line.clone() }),
                            }
                        }
                    }
                    let shifts =
                        template.counters.first().map(|c| c.shifts.clone()).unwrap_or_default();
                    let kiosk = kiosk_template.clone().ok_or_else(|| OptimiseError::Plan {
                        what: cand.id.clone(),
                        message: "the scenario has no kiosk group to copy for new stations"
                            .to_owned(),
                    })?;
                    site_of.push(universe.sites.len());
                    universe.sites.push(RawSite {
                        id: cand.id.clone(),
                        name: cand.name.clone(),
                        kind: cand.kind,
                        district: cand.name.clone(),
                        region: cand.region.clone(),
                        lat: cand.lat,
                        lon: cand.lon,
                        hours: template.hours.clone(),
                        // One officer's counter for the requests a kiosk cannot finish [est.].
                        counters: vec![RawCounter {
                            id: "general".to_owned(),
                            count: 1,
                            services: Vec::new(),
                            shifts,
                        }],
                        kiosks: vec![RawKiosk { count: 1, ..kiosk }],
                        floor_assistants: 0,
                        demand,
                    });
                }
            }
        }
        let scenario =
            navbat_scenario::from_raw_at(&universe.name, &universe, base).map_err(|e| {
                OptimiseError::Plan {
                    what: "with every candidate".to_owned(),
                    message: e.to_string(),
                }
            })?;
        let mut drawn_by = vec![Vec::new(); universe.sites.len()];
        for (j, cand) in candidates.sites.iter().enumerate() {
            if let Source::New { draws, .. } = &cand.source {
                for (d, draw) in draws.iter().enumerate() {
                    if let Some(list) = drawn_by.get_mut(draw.unit) {
                        list.push((j, d));
                    }
                }
            }
        }
        Ok(Self {
            raw: universe,
            scenario,
            candidates,
            site_of,
            base: base.to_owned(),
            kiosk_template,
            drawn_by,
        })
    }

    /// Candidates in all.
    pub fn len(&self) -> usize {
        self.candidates.sites.len()
    }

    /// True when there are no candidates.
    pub fn is_empty(&self) -> bool {
        self.candidates.sites.is_empty()
    }

    /// Whether candidate `c` is a new station.
    pub fn is_new(&self, c: usize) -> bool {
        matches!(self.candidates.sites[c].source, Source::New { .. })
    }

    /// Whether candidate `c` is part of `plan`'s network (every unit; a new station with a
    /// kiosk).
    pub fn is_open(&self, plan: &Plan, c: usize) -> bool {
        !self.is_new(c) || plan.kiosks[c] > 0
    }

    /// The share of each demand line of candidate `c` that stays there under `plan`.
    pub fn keep(&self, plan: &Plan, c: usize) -> Vec<f64> {
        let site = &self.raw.sites[self.site_of[c]];
        let mut keep = vec![1.0; site.demand.len()];
        if self.is_new(c) {
            return keep;
        }
        for &(j, d) in &self.drawn_by[self.site_of[c]] {
            let Source::New { draws, .. } = &self.candidates.sites[j].source else { continue };
            if plan.kiosks[j] == 0 {
                continue;
            }
            let d = &draws[d];
            for (k, line) in site.demand.iter().enumerate() {
                if d.takes(&line.service) {
                    keep[k] -= d.share;
                }
            }
        }
        // Shares add up to at most 1 (checked with the candidates); rounding stays at 0.
        keep.iter_mut().for_each(|k| *k = k.max(0.0));
        keep
    }

    /// Candidate `c` as `plan` configures it, or `None` for a closed new station.
    pub fn config(&self, plan: &Plan, c: usize) -> Option<SiteConfig> {
        self.is_open(plan, c).then(|| SiteConfig {
            candidate: c,
            kiosks: plan.kiosks[c],
            assistants: if plan.kiosks[c] == 0 { 0 } else { plan.assistants[c] },
            keep: self.keep(plan, c),
        })
    }

    /// The one-site scenario an evaluation of `cfg` simulates. Sites share nothing but the
    /// back office and the app's routing, and a site's random streams are keyed by its id, so
    /// a site alone sees the people it sees in the whole network.
    pub fn site_scenario(&self, cfg: &SiteConfig) -> Scenario {
        let mut s = navbat_engine::only_sites(&self.scenario, &[self.site_of[cfg.candidate]]);
        s.routing = None;
        if let Some(site) = s.sites.first_mut() {
            if cfg.kiosks == 0 {
                site.kiosks.clear();
            } else if site.kiosks.is_empty() {
                // A unit without kiosks in the scenario: `plan_raw` gives it the template's.
                if let Some(k) = self.universe_kiosk() {
                    site.kiosks.push(navbat_scenario::KioskGroup { count: cfg.kiosks, ..k });
                }
            } else {
                site.kiosks.truncate(1);
                site.kiosks[0].count = cfg.kiosks;
            }
            site.floor_assistants = cfg.assistants;
            for (d, keep) in site.demand.iter_mut().zip(&cfg.keep) {
                d.yearly *= keep;
            }
        }
        s
    }

    /// A checked kiosk group from the universe (the first one), for units without one.
    fn universe_kiosk(&self) -> Option<navbat_scenario::KioskGroup> {
        self.scenario.sites.iter().find_map(|s| s.kiosks.first().cloned())
    }

    /// `plan` as a raw scenario: units with the plan's kiosks, assistants and the demand the
    /// open stations leave them; open stations added; closed ones left out.
    pub fn plan_raw(&self, plan: &Plan) -> RawScenario {
        let mut raw = self.raw.clone();
        let mut sites = Vec::with_capacity(raw.sites.len());
        for (c, &s) in self.site_of.iter().enumerate() {
            if !self.is_open(plan, c) {
                continue;
            }
            let mut site = raw.sites[s].clone();
            let keep = self.keep(plan, c);
            for (d, k) in site.demand.iter_mut().zip(&keep) {
                d.yearly *= k;
            }
            if plan.kiosks[c] == 0 {
                site.kiosks.clear();
            } else if let Some(k) = site.kiosks.first_mut() {
                k.count = plan.kiosks[c];
                site.kiosks.truncate(1);
            } else if let Some(k) = &self.kiosk_template {
                site.kiosks.push(RawKiosk { count: plan.kiosks[c], ..k.clone() });
            }
            site.floor_assistants = if plan.kiosks[c] == 0 { 0 } else { plan.assistants[c] };
            sites.push(site);
        }
        // Sites in the scenario's order (units), then the stations.
        raw.sites = sites;
        raw.candidates.clear();
        raw
    }

    /// `plan` as a checked scenario.
    pub fn plan_scenario(&self, plan: &Plan) -> Result<Scenario, OptimiseError> {
        navbat_scenario::from_raw_at(&self.raw.name, &self.plan_raw(plan), &self.base)
            .map_err(|e| OptimiseError::Plan { what: "chosen".to_owned(), message: e.to_string() })
    }

    /// The capital `plan` needs: kiosks at the scenario's price and new stations' fit-out.
    pub fn capital(&self, plan: &Plan) -> f64 {
        let kiosk = self.scenario.economics.as_ref().map_or(0.0, |e| e.kiosk_capital);
        let stations = (0..self.len()).filter(|&c| self.is_new(c) && plan.kiosks[c] > 0).count();
        f64::from(plan.total_kiosks()) * kiosk
            + stations as f64 * self.candidates.costs.new_site_capital
    }

    /// Assistants `plan` pays for: those at sites with kiosks.
    pub fn assistants(&self, plan: &Plan) -> u32 {
        plan.kiosks.iter().zip(&plan.assistants).filter(|(k, _)| **k > 0).map(|(_, a)| a).sum()
    }

    /// The yearly cost of `plan`: kiosks (capital over life plus running), assistants and new
    /// stations' running cost.
    pub fn yearly_cost(&self, plan: &Plan) -> f64 {
        let kiosk = self
            .scenario
            .economics
            .as_ref()
            .map_or(0.0, |e| e.kiosk_capital / e.kiosk_life_years + e.kiosk_running_per_year);
        let c = &self.candidates.costs;
        let stations = (0..self.len()).filter(|&i| self.is_new(i) && plan.kiosks[i] > 0).count();
        f64::from(plan.total_kiosks()) * kiosk
            + f64::from(self.assistants(plan)) * c.assistant_per_year
            + stations as f64 * c.new_site_per_year
    }
}
