//! Evaluations on the twin: each site of a plan simulated alone, replication by replication,
//! every result cached under the content hash of the one-site scenario and the seed, and
//! appended to a file so that a run resumes where it stopped.
//!
//! A plan's value is the sum of its sites' values: sites share nothing but the back office and
//! the app's routing, and a site's random streams are keyed by its id and the replication, so
//! the same person comes to a site in every plan that configures it alike (common random
//! numbers), and a site configured alike in two plans is simulated once.

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use navbat_engine::{Model, Unit, run_units};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::OptimiseError;
use crate::plan::{Plan, SiteConfig, Universe};

/// What one replication of one site gives the plan's money and fairness.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SiteOutcome {
    /// Officer hours busy serving, over the horizon.
    pub officer_busy_hours: f64,
    /// Citizen hours spent at the site (and on wasted trips), over the horizon.
    pub citizen_hours: f64,
    /// Arrivals.
    pub arrivals: u64,
    /// Mean wait of those served, minutes.
    pub mean_wait_min: f64,
}

/// One line of the cache file.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CacheLine {
    key: String,
    replication: u32,
    #[serde(flatten)]
    outcome: SiteOutcome,
}

/// A plan's value in one replication.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanReplication {
    /// Net benefit against the baseline (every unit without kiosks or assistants, no new
    /// station): officer and citizen hours valued at the scenario's prices, less the plan's
    /// yearly cost; in the scenario's currency.
    pub net: f64,
    /// Officer busy hours freed against the baseline.
    pub officer_hours_freed: f64,
    /// Citizen hours saved against the baseline.
    pub citizen_hours_saved: f64,
    /// Mean wait by region (regions in [`Evaluator::regions`] order), minutes.
    pub region_wait_min: Vec<f64>,
    /// Arrivals by region.
    pub region_arrivals: Vec<f64>,
}

/// Cached site evaluations and the arithmetic of plans.
pub struct Evaluator<'u> {
    universe: &'u Universe,
    seed: u64,
    cache: HashMap<(String, u32), SiteOutcome>,
    keys: HashMap<ConfigKey, String>,
    file: Option<(PathBuf, std::fs::File)>,
    regions: Vec<String>,
    region_of: Vec<usize>,
    /// Site replications simulated by this evaluator (not found in the cache).
    pub simulated: u64,
    /// Site replications read from the cache file at start.
    pub loaded: u64,
    /// The baseline's officer and citizen hours by replication.
    baseline: HashMap<u32, (f64, f64)>,
    /// Set by another thread to stop before the next batch of simulations.
    cancel: Option<Arc<AtomicBool>>,
}

/// A site configuration as a hashable key (the kept shares by their bits).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ConfigKey {
    candidate: usize,
    kiosks: u32,
    assistants: u32,
    keep: Vec<u64>,
}

impl ConfigKey {
    fn of(cfg: &SiteConfig) -> Self {
        Self {
            candidate: cfg.candidate,
            kiosks: cfg.kiosks,
            assistants: cfg.assistants,
            keep: cfg.keep.iter().map(|k| k.to_bits()).collect(),
        }
    }
}

impl<'u> Evaluator<'u> {
    /// An evaluator of `universe` with master `seed`, the cache read from and appended to
    /// `cache_file` when given (lines that do not parse, such as a last line cut short by a
    /// crash, are skipped).
    pub fn new(
        universe: &'u Universe,
        seed: u64,
        cache_file: Option<&Path>,
    ) -> Result<Self, OptimiseError> {
        let mut regions: Vec<String> = Vec::new();
        let region_of = universe
            .candidates
            .sites
            .iter()
            .map(|c| match regions.iter().position(|r| *r == c.region) {
                Some(i) => i,
                None => {
                    regions.push(c.region.clone());
                    regions.len() - 1
                }
            })
            .collect();
        let mut ev = Self {
            universe,
            seed,
            cache: HashMap::new(),
            keys: HashMap::new(),
            file: None,
            regions,
            region_of,
            simulated: 0,
            loaded: 0,
            baseline: HashMap::new(),
            cancel: None,
        };
        if let Some(path) = cache_file {
            ev.loaded = ev.read_cache(path)?;
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| cache_error(path, &e))?;
            ev.file = Some((path.to_owned(), file));
        }
        Ok(ev)
    }

    /// The evaluator that stops with [`OptimiseError::Cancelled`] before its next batch of
    /// simulations once `flag` is set (a window's "cancel"). With a flag, batches are as
    /// large as the rayon pool has threads, so a cancel waits for at most one simulation per
    /// thread.
    pub fn with_cancel(self, flag: Arc<AtomicBool>) -> Self {
        Self { cancel: Some(flag), ..self }
    }

    /// Adds the lines of `path` (if it exists) to the cache; returns how many were read.
    pub fn read_cache(&mut self, path: &Path) -> Result<u64, OptimiseError> {
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(cache_error(path, &e)),
        };
        let mut n = 0;
        for line in std::io::BufReader::new(file).lines() {
            let line = line.map_err(|e| cache_error(path, &e))?;
            if let Ok(c) = serde_json::from_str::<CacheLine>(&line) {
                self.cache.insert((c.key, c.replication), c.outcome);
                n += 1;
            }
        }
        Ok(n)
    }

    /// The regions, in candidate order of first appearance.
    pub fn regions(&self) -> &[String] {
        &self.regions
    }

    /// The universe evaluated.
    pub fn universe(&self) -> &'u Universe {
        self.universe
    }

    /// Every cached line, sorted by key and replication (what a results folder saves).
    pub fn cache_lines(&self) -> Vec<u8> {
        let mut keys: Vec<&(String, u32)> = self.cache.keys().collect();
        keys.sort();
        let mut out = Vec::new();
        for k in keys {
            let line = CacheLine { key: k.0.clone(), replication: k.1, outcome: self.cache[k] };
            if let Ok(text) = serde_json::to_string(&line) {
                out.extend_from_slice(text.as_bytes());
                out.push(b'\n');
            }
        }
        out
    }

    /// The content key of a site configuration: SHA-256 of the one-site scenario as the
    /// engine receives it and of the seed.
    fn key(&mut self, cfg: &SiteConfig) -> String {
        let ck = ConfigKey::of(cfg);
        if let Some(k) = self.keys.get(&ck) {
            return k.clone();
        }
        let scenario = self.universe.site_scenario(cfg);
        let mut h = Sha256::new();
        h.update(format!("{scenario:?}").as_bytes());
        h.update(self.seed.to_le_bytes());
        let key: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        self.keys.insert(ck, key.clone());
        key
    }

    /// The site evaluations `configs × replications` still missing, in a fixed order.
    pub fn missing(
        &mut self,
        configs: &[SiteConfig],
        replications: std::ops::Range<u32>,
    ) -> Vec<(SiteConfig, u32)> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for cfg in configs {
            let key = self.key(cfg);
            for r in replications.clone() {
                if !self.cache.contains_key(&(key.clone(), r)) && seen.insert((key.clone(), r)) {
                    out.push((cfg.clone(), r));
                }
            }
        }
        out
    }

    /// Simulates `work` (site configurations and replications) on the current rayon pool,
    /// caching and appending every result; `on_done` is called once per simulation.
    pub fn run(
        &mut self,
        work: &[(SiteConfig, u32)],
        on_done: &(dyn Fn() + Sync),
    ) -> Result<(), OptimiseError> {
        // One model per configuration, built a batch at a time so memory stays bounded.
        const BATCH: usize = 256;
        let batch = if self.cancel.is_some() { rayon::current_num_threads().max(1) } else { BATCH };
        for chunk in work.chunks(batch) {
            if self.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed)) {
                return Err(OptimiseError::Cancelled { simulated: self.simulated });
            }
            let mut configs: Vec<&SiteConfig> = Vec::new();
            let mut units = Vec::with_capacity(chunk.len());
            for (cfg, r) in chunk {
                let model = match configs.iter().position(|c| *c == cfg) {
                    Some(i) => i,
                    None => {
                        configs.push(cfg);
                        configs.len() - 1
                    }
                };
                units.push(Unit { model, replication: *r });
            }
            let models: Vec<Arc<Model>> =
                configs.iter().map(|c| Model::new(self.universe.site_scenario(c))).collect();
            let records = run_units(&models, self.seed, &units, on_done);
            let mut text = String::new();
            for (u, rec) in units.iter().zip(records) {
                let cfg = configs[u.model];
                let site = &self.universe.candidates.sites[cfg.candidate].id;
                if let Some(message) = rec.fault {
                    return Err(OptimiseError::Fault {
                        site: site.clone(),
                        replication: u.replication,
                        message,
                    });
                }
                let s = rec.sites.first();
                let outcome = SiteOutcome {
                    officer_busy_hours: s.map_or(0.0, |s| s.officer_busy_hours),
                    citizen_hours: s.map_or(0.0, |s| s.citizen_hours),
                    arrivals: s.map_or(0, |s| s.arrivals),
                    mean_wait_min: s.map_or(0.0, |s| s.mean_wait_min),
                };
                let key = self.key(cfg);
                let line = CacheLine { key: key.clone(), replication: u.replication, outcome };
                if let Ok(t) = serde_json::to_string(&line) {
                    text.push_str(&t);
                    text.push('\n');
                }
                self.cache.insert((key, u.replication), outcome);
                self.simulated += 1;
            }
            if let Some((path, file)) = &mut self.file {
                file.write_all(text.as_bytes())
                    .and_then(|()| file.flush())
                    .map_err(|e| cache_error(path, &e))?;
            }
        }
        Ok(())
    }

    /// The configurations of every open site of `plan`.
    pub fn configs(&self, plan: &Plan) -> Vec<SiteConfig> {
        (0..self.universe.len()).filter_map(|c| self.universe.config(plan, c)).collect()
    }

    /// Simulates whatever `plans` still need for `replications`.
    pub fn ensure(
        &mut self,
        plans: &[&Plan],
        replications: std::ops::Range<u32>,
        on_done: &(dyn Fn() + Sync),
    ) -> Result<usize, OptimiseError> {
        let mut configs: Vec<SiteConfig> = self.configs(&Plan::empty(self.universe.len()));
        for p in plans {
            configs.extend(self.configs(p));
        }
        let work = self.missing(&configs, replications);
        self.run(&work, on_done)?;
        Ok(work.len())
    }

    /// The value of `plan` in replication `r`, from the cache (`None` if a site of it or of
    /// the baseline has not been simulated for `r`).
    pub fn value(&mut self, plan: &Plan, r: u32) -> Option<PlanReplication> {
        let prices = self.universe.scenario.economics.as_ref();
        let (officer_price, citizen_price) =
            prices.map_or((0.0, 0.0), |e| (e.officer_hour, e.citizen_hour));
        let (b_off, b_cit) = match self.baseline.get(&r) {
            Some(&b) => b,
            None => {
                let base_plan = Plan::empty(self.universe.len());
                let (mut b_off, mut b_cit) = (0.0, 0.0);
                for cfg in self.configs(&base_plan) {
                    let o = self.outcome(&cfg, r)?;
                    b_off += o.officer_busy_hours;
                    b_cit += o.citizen_hours;
                }
                self.baseline.insert(r, (b_off, b_cit));
                (b_off, b_cit)
            }
        };
        let (mut p_off, mut p_cit) = (0.0, 0.0);
        let mut waits = vec![(0.0, 0.0); self.regions.len()];
        for cfg in self.configs(plan) {
            let o = self.outcome(&cfg, r)?;
            p_off += o.officer_busy_hours;
            p_cit += o.citizen_hours;
            let w = &mut waits[self.region_of[cfg.candidate]];
            w.0 += o.arrivals as f64 * o.mean_wait_min;
            w.1 += o.arrivals as f64;
        }
        let officer_hours_freed = b_off - p_off;
        let citizen_hours_saved = b_cit - p_cit;
        Some(PlanReplication {
            net: officer_hours_freed * officer_price + citizen_hours_saved * citizen_price
                - self.universe.yearly_cost(plan),
            officer_hours_freed,
            citizen_hours_saved,
            region_wait_min: waits
                .iter()
                .map(|(s, n)| if *n > 0.0 { s / n } else { 0.0 })
                .collect(),
            region_arrivals: waits.iter().map(|(_, n)| *n).collect(),
        })
    }

    /// The cached outcome of `cfg` in replication `r`.
    pub fn outcome(&mut self, cfg: &SiteConfig, r: u32) -> Option<SiteOutcome> {
        let key = self.key(cfg);
        self.cache.get(&(key, r)).copied()
    }
}

fn cache_error(path: &Path, e: &std::io::Error) -> OptimiseError {
    OptimiseError::Cache { path: path.to_owned(), message: e.to_string() }
}
