//! "Suggest placement": the placement optimiser (`navbat-optimise`) run off the window's
//! thread on the layout as edited and a capital budget, and its answer as a change per site
//! with the paired benefit against the layout.
//!
//! The candidates are the layout's own sites (`Candidates::units_of`), plus the new stations of
//! a candidate file when one is given. The search runs local search from the layout's own plan
//! and greedy allocation from no kiosks followed by local search, and keeps the best of the
//! layout and those two on its replications `0..R`. The benefit is the optimiser's own
//! valuation (each site simulated alone, officer and citizen hours at the scenario's prices
//! less yearly costs), paired by replication with the layout's plan on common random numbers,
//! on fresh replications `R..2R` (those the search chose on flatter the winner); the whole
//! network (back office, the app's routing) is judged by a comparison once it is applied.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;

use navbat_optimise::{
    Candidates, Evaluator, OptimiseError, Plan, Procedure, Search, Settings, Universe,
    scenario_plan,
};
use navbat_record::Estimate;
use navbat_scenario::RawScenario;

/// How a suggestion is searched.
#[derive(Debug, Clone, PartialEq)]
pub struct SuggestSettings {
    /// Capital budget for every kiosk and new station of the plan (existing kiosks included),
    /// in the scenario's currency.
    pub budget: f64,
    /// Replications each plan is scored on; the benefit is paired over as many fresh ones.
    pub replications: u32,
    /// Most plans evaluated on the twin.
    pub max_evaluations: usize,
    /// A candidate file (`navbat optimise --candidates`) whose new stations may open; `None`:
    /// the layout's sites only.
    pub candidates: Option<PathBuf>,
}

/// One site the suggestion changes.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteChange {
    /// Site id.
    pub id: String,
    /// Site name.
    pub name: String,
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
    /// Kiosks in the layout (0 for a new station).
    pub kiosks_before: u32,
    /// Kiosks in the suggestion.
    pub kiosks_after: u32,
    /// Floor assistants in the layout.
    pub assistants_before: u32,
    /// Floor assistants in the suggestion.
    pub assistants_after: u32,
    /// A station the layout does not have.
    pub new_site: bool,
}

/// The optimiser's answer for one layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The layout's revision it was computed from (applying it to a later one is refused).
    pub revision: u64,
    /// The suggested layout, raw (the layout's own settings, the plan's kiosks, assistants,
    /// demand and new stations).
    pub raw: RawScenario,
    /// The sites whose kiosks or assistants change, and the new stations.
    pub changes: Vec<SiteChange>,
    /// Yearly net benefit, suggestion minus layout, paired by replication on replications the
    /// search did not use, in the scenario's currency.
    pub benefit: Estimate,
    /// The layout's yearly net benefit against no kiosks.
    pub layout_net: Estimate,
    /// The suggestion's yearly net benefit against no kiosks.
    pub suggested_net: Estimate,
    /// Replications paired (fresh ones, after the search's).
    pub replications: u32,
    /// Plans the search evaluated on the twin.
    pub evaluations: usize,
    /// The layout's capital (kiosks and stations), in the scenario's currency.
    pub layout_capital: f64,
    /// The suggestion's capital.
    pub capital: f64,
    /// The scenario's currency.
    pub currency: String,
}

impl Suggestion {
    /// The change in a few words: kiosks added, moved, removed and stations opened.
    pub fn summary(&self) -> String {
        let added: u32 =
            self.changes.iter().map(|c| c.kiosks_after.saturating_sub(c.kiosks_before)).sum();
        let removed: u32 =
            self.changes.iter().map(|c| c.kiosks_before.saturating_sub(c.kiosks_after)).sum();
        let moved = added.min(removed);
        let stations = self.changes.iter().filter(|c| c.new_site).count();
        let mut parts = Vec::new();
        if moved > 0 {
            parts.push(format!("move {moved} kiosk{}", plural(moved)));
        }
        if added > moved {
            parts.push(format!("add {} kiosk{}", added - moved, plural(added - moved)));
        }
        if removed > moved {
            parts.push(format!("remove {} kiosk{}", removed - moved, plural(removed - moved)));
        }
        if stations > 0 {
            parts.push(format!("open {stations} station{}", plural(stations as u32)));
        }
        let assistants: i64 = self
            .changes
            .iter()
            .map(|c| i64::from(c.assistants_after) - i64::from(c.assistants_before))
            .sum();
        if assistants != 0 {
            parts.push(format!("{assistants:+} floor assistants"));
        }
        if parts.is_empty() { "keep the layout".to_owned() } else { parts.join(", ") }
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Why a suggestion could not be made.
fn optimise_error(e: OptimiseError) -> String {
    match e {
        OptimiseError::Cancelled { .. } => "cancelled".to_owned(),
        e => e.to_string(),
    }
}

/// The capital the layout's own kiosks stand for, at the scenario's kiosk price: the budget a
/// suggestion starts from (the same money placed again).
pub fn layout_capital(raw: &RawScenario) -> f64 {
    let kiosks: u32 = raw.sites.iter().flat_map(|s| &s.kiosks).map(|k| k.count).sum();
    raw.economics.as_ref().map_or(0.0, |e| f64::from(kiosks) * e.kiosk_capital)
}

/// Searches a placement for `raw` (whose relative paths start at `base`) within the budget;
/// `on_done` is called after each site replication simulated; `cancel` stops the search.
pub fn suggest(
    raw: &RawScenario,
    base: &Path,
    revision: u64,
    seed: u64,
    settings: &SuggestSettings,
    on_done: &(dyn Fn() + Sync),
    cancel: Arc<AtomicBool>,
) -> Result<Suggestion, String> {
    let economics = raw.economics.as_ref().ok_or_else(|| {
        "the scenario has no economics block: the optimiser values hours at its prices".to_owned()
    })?;
    if !(settings.budget.is_finite() && settings.budget > 0.0) {
        return Err(format!("expected a budget above 0, found {}", settings.budget));
    }
    let candidates = match &settings.candidates {
        None => Candidates::units_of(raw),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
            Candidates::parse(&path.display().to_string(), &text, raw).map_err(optimise_error)?
        }
    };
    let universe = Universe::new(raw, candidates, base).map_err(optimise_error)?;
    let mut ev = Evaluator::new(&universe, seed, None).map_err(optimise_error)?.with_cancel(cancel);
    // Half a kiosk's yearly cost: the indifference zone `navbat optimise` uses by default.
    let kiosk_year =
        economics.kiosk_capital / economics.kiosk_life_years + economics.kiosk_running_per_year;
    let reps = settings.replications.max(2);
    let search = Settings {
        budget: settings.budget,
        max_evaluations: settings.max_evaluations.max(1),
        replications: reps,
        fairness_max_wait_min: None,
        shortlist: 4,
        neighbours: 3,
        final_few: 3,
        procedure: Procedure {
            delta: 0.5 * kiosk_year,
            pcs: 0.95,
            first_stage: reps,
            max_replications: 2 * reps,
        },
    };
    // Local search from the layout's own plan (moves, assistants, swaps), and greedy
    // allocation from no kiosks followed by local search; the best of the layout and the two
    // on the search's replications is the suggestion, so it is never worth less there.
    let current = scenario_plan(&universe);
    let (best, evaluations) = {
        let mut s = Search::new(&mut ev, search, on_done);
        s.score_plan(&current).map_err(optimise_error)?;
        let near = s.local(current.clone()).map_err(optimise_error)?;
        let greedy = s.greedy().map_err(optimise_error)?;
        let far = s.local(greedy).map_err(optimise_error)?;
        let mean = |p: &Plan| s.scored(p).map_or(f64::NEG_INFINITY, |x| x.mean);
        let best = [current.clone(), near, far]
            .into_iter()
            .fold(None::<Plan>, |b, p| match b {
                Some(b) if mean(&b) >= mean(&p) => Some(b),
                _ => Some(p),
            })
            .unwrap_or_else(|| current.clone());
        let evaluations = s.evaluations();
        (best, evaluations)
    };
    // The benefit on fresh replications: the ones the search chose on flatter the winner.
    let fresh = reps..2 * reps;
    ev.ensure(&[&best, &current], fresh.clone(), on_done).map_err(optimise_error)?;
    let nets = |ev: &mut Evaluator<'_>, p: &Plan| -> Result<Vec<f64>, String> {
        fresh
            .clone()
            .map(|r| {
                ev.value(p, r).map(|v| v.net).ok_or_else(|| format!("replication {r} missing"))
            })
            .collect()
    };
    let suggested = nets(&mut ev, &best)?;
    let layout = nets(&mut ev, &current)?;
    let diff: Vec<f64> = suggested.iter().zip(&layout).map(|(a, b)| a - b).collect();
    let mut plan_raw = universe.plan_raw(&best);
    // The layout's own list of expansion candidates stays (those still open).
    plan_raw.candidates = raw
        .candidates
        .iter()
        .filter(|c| plan_raw.sites.iter().any(|s| s.id == **c))
        .cloned()
        .collect();
    let changes = (0..universe.len())
        .filter_map(|c| {
            let cand = &universe.candidates.sites[c];
            let (kb, ka) = (current.kiosks[c], best.kiosks[c]);
            let assistants = |p: &Plan| if p.kiosks[c] == 0 { 0 } else { p.assistants[c] };
            let (ab, aa) = (assistants(&current), assistants(&best));
            let new_site = universe.is_new(c);
            let changed = kb != ka || ab != aa;
            (changed && (!new_site || ka > 0)).then(|| SiteChange {
                id: cand.id.clone(),
                name: cand.name.clone(),
                lat: cand.lat,
                lon: cand.lon,
                kiosks_before: kb,
                kiosks_after: ka,
                assistants_before: ab,
                assistants_after: aa,
                new_site,
            })
        })
        .collect();
    Ok(Suggestion {
        revision,
        raw: plan_raw,
        changes,
        benefit: Estimate::from_samples(&diff),
        layout_net: Estimate::from_samples(&layout),
        suggested_net: Estimate::from_samples(&suggested),
        replications: reps,
        evaluations,
        layout_capital: universe.capital(&current),
        capital: universe.capital(&best),
        currency: economics.currency.clone(),
    })
}

/// A suggestion being searched on a background thread.
#[derive(Debug)]
pub struct SuggestJob {
    done: Arc<AtomicU64>,
    cancel: Arc<AtomicBool>,
    handle: Option<JoinHandle<Result<Suggestion, String>>>,
    result: Option<Result<Suggestion, String>>,
}

impl SuggestJob {
    /// Starts the search for `raw` on its own thread with a rayon pool of `threads` workers.
    pub fn start(
        raw: &RawScenario,
        base: &Path,
        revision: u64,
        seed: u64,
        settings: SuggestSettings,
        threads: usize,
    ) -> Self {
        let done = Arc::new(AtomicU64::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let (counter, stop) = (done.clone(), cancel.clone());
        let (raw, base) = (raw.clone(), base.to_path_buf());
        let handle = std::thread::spawn(move || {
            let tick = move || {
                counter.fetch_add(1, Ordering::Relaxed);
            };
            let run = || suggest(&raw, &base, revision, seed, &settings, &tick, stop.clone());
            match rayon::ThreadPoolBuilder::new().num_threads(threads.max(1)).build() {
                Ok(pool) => pool.install(run),
                Err(_) => run(),
            }
        });
        Self { done, cancel, handle: Some(handle), result: None }
    }

    /// Site replications simulated so far.
    pub fn progress(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    /// Asks the search to stop before its next batch of simulations.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Whether cancel was asked.
    pub fn cancelling(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// The suggestion once the search is over (`Err` if it failed or was cancelled).
    pub fn poll(&mut self) -> Option<&Result<Suggestion, String>> {
        if self.result.is_none() && self.handle.as_ref().is_some_and(JoinHandle::is_finished) {
            let handle = self.handle.take()?;
            self.result = Some(
                handle.join().unwrap_or_else(|_| Err("the optimiser's worker failed".to_owned())),
            );
        }
        self.result.as_ref()
    }

    /// Waits for the search (tests and scripts).
    pub fn wait(mut self) -> Result<Suggestion, String> {
        if let Some(r) = self.result.take() {
            return r;
        }
        match self.handle.take() {
            Some(h) => h.join().unwrap_or_else(|_| Err("the optimiser's worker failed".to_owned())),
            None => Err("the search has no worker".to_owned()),
        }
    }
}
