//! The search: greedy marginal allocation on the twin, shortlisted by the surrogate; local
//! search by moves and swaps; the final few compared by KN++ (`navbat-select`).
//!
//! Every plan is scored on the same replications `0..R` (common random numbers: the same
//! people at a site in every plan), by its mean *score*: the net benefit, less a penalty when
//! a fairness bound is set and a region's mean wait exceeds it (every excess minute of every
//! person in the region counted at ten citizen hours, so a plan that breaks the bound loses to
//! any plan that keeps it, unless none does).

use std::collections::HashMap;

use navbat_select::{Procedure, Selection, kn_plus_plus};

use crate::OptimiseError;
use crate::evaluate::{Evaluator, PlanReplication};
use crate::plan::{Plan, SiteConfig, Universe};
use crate::surrogate::{SurrogateSite, surrogate_site};

/// How the search runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Capital budget: kiosks and new stations' fit-out, in the scenario's currency.
    pub budget: f64,
    /// Most plans evaluated on the twin (each plan counted once, however many replications).
    pub max_evaluations: usize,
    /// Replications every plan of the search is scored on.
    pub replications: u32,
    /// No region's mean wait above this, minutes (a penalty, see the module doc).
    pub fairness_max_wait_min: Option<f64>,
    /// Increments simulated in a greedy step: the surrogate's best.
    pub shortlist: usize,
    /// Donors and receivers tried in a local-search round.
    pub neighbours: usize,
    /// Plans compared by ranking and selection at the end.
    pub final_few: usize,
    /// The selection's indifference zone, probability, first stage and cap.
    pub procedure: Procedure,
}

/// One point of the convergence record.
#[derive(Debug, Clone, PartialEq)]
pub struct TracePoint {
    /// Plans evaluated so far.
    pub evaluations: usize,
    /// `greedy`, `local` or `selection`.
    pub phase: &'static str,
    /// The plan just evaluated: its mean score.
    pub score: f64,
    /// The best mean score so far.
    pub best: f64,
}

/// What the search found.
#[derive(Debug, Clone)]
pub struct Found {
    /// The selected plan.
    pub best: Plan,
    /// Where greedy allocation stopped.
    pub greedy: Plan,
    /// Where local search stopped.
    pub local: Plan,
    /// The surrogate's own plan (the same greedy rule on the surrogate alone).
    pub surrogate: Plan,
    /// The plans compared at the end, the selection's indices refer to them.
    pub finalists: Vec<Plan>,
    /// The ranking and selection.
    pub selection: Selection,
    /// Every plan evaluated, in order.
    pub trace: Vec<TracePoint>,
    /// Plans evaluated on the twin.
    pub evaluations: usize,
    /// Increments the surrogate kept off the twin (ranked below the shortlist).
    pub pruned: usize,
}

/// A plan's score on the search's replications.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// Mean score (net benefit less the fairness penalty).
    pub mean: f64,
    /// Whether every region's mean wait keeps the fairness bound (always true without one).
    pub fair: bool,
}

/// The search over one evaluator.
pub struct Search<'e, 'u> {
    ev: &'e mut Evaluator<'u>,
    s: Settings,
    seen: HashMap<Plan, Scored>,
    trace: Vec<TracePoint>,
    surrogate: HashMap<(usize, u32, u32, Vec<u64>), SurrogateSite>,
    pruned: usize,
    on_done: &'e (dyn Fn() + Sync),
}

/// Most shortlists a greedy step tries before it stops.
const GREEDY_ROUNDS: usize = 4;

/// Excess wait penalty, in citizen hours per excess minute of each person.
const PENALTY_CITIZEN_HOURS_PER_MIN: f64 = 10.0;

impl<'e, 'u> Search<'e, 'u> {
    /// A search over `ev` with settings `s`; `on_done` is called once per site simulation.
    pub fn new(ev: &'e mut Evaluator<'u>, s: Settings, on_done: &'e (dyn Fn() + Sync)) -> Self {
        Self {
            ev,
            s,
            seen: HashMap::new(),
            trace: Vec::new(),
            surrogate: HashMap::new(),
            pruned: 0,
            on_done,
        }
    }

    fn universe(&self) -> &'u Universe {
        self.ev.universe()
    }

    /// The score of one replication's value.
    fn score(&self, v: &PlanReplication) -> (f64, bool) {
        let Some(bound) = self.s.fairness_max_wait_min else { return (v.net, true) };
        let citizen = self.universe().scenario.economics.as_ref().map_or(0.0, |e| e.citizen_hour);
        let mut penalty = 0.0;
        let mut fair = true;
        for (w, n) in v.region_wait_min.iter().zip(&v.region_arrivals) {
            if *w > bound {
                fair = false;
                penalty += (w - bound) * n * PENALTY_CITIZEN_HOURS_PER_MIN * citizen.max(1.0);
            }
        }
        (v.net - penalty, fair)
    }

    /// Scores of replication `r` of `plans` (simulating what is missing).
    pub fn sample(&mut self, plans: &[&Plan], r: u32) -> Result<Vec<f64>, OptimiseError> {
        self.ev.ensure(plans, r..r + 1, self.on_done)?;
        plans
            .iter()
            .map(|p| {
                let v = self.ev.value(p, r).ok_or_else(|| missing(r))?;
                Ok(self.score(&v).0)
            })
            .collect()
    }

    /// Scores `plans` on replications `0..R`, simulating what is missing in one batch; plans
    /// seen before are not evaluated again. At most the evaluations left are made: the plans
    /// past them are left out of the answer.
    fn evaluate(
        &mut self,
        plans: Vec<Plan>,
        phase: &'static str,
    ) -> Result<Vec<(Plan, Scored)>, OptimiseError> {
        let left = self.s.max_evaluations.saturating_sub(self.seen.len());
        let mut new: Vec<Plan> = Vec::new();
        for p in plans.iter() {
            if !self.seen.contains_key(p) && !new.contains(p) && new.len() < left {
                new.push(p.clone());
            }
        }
        let refs: Vec<&Plan> = new.iter().collect();
        self.ev.ensure(&refs, 0..self.s.replications, self.on_done)?;
        for p in new {
            let mut total = 0.0;
            let mut fair = true;
            for r in 0..self.s.replications {
                let v = self.ev.value(&p, r).ok_or_else(|| missing(r))?;
                let (sc, f) = self.score(&v);
                total += sc;
                fair &= f;
            }
            let scored = Scored { mean: total / f64::from(self.s.replications.max(1)), fair };
            let best = self.trace.last().map_or(scored.mean, |t| t.best.max(scored.mean));
            self.trace.push(TracePoint {
                evaluations: self.seen.len() + 1,
                phase,
                score: scored.mean,
                best,
            });
            self.seen.insert(p, scored);
        }
        Ok(plans.into_iter().filter_map(|p| self.seen.get(&p).cloned().map(|s| (p, s))).collect())
    }

    /// The surrogate's value of a site configuration (negated cost of its hours).
    fn surrogate_value(&mut self, cfg: &SiteConfig) -> f64 {
        let key = (
            cfg.candidate,
            cfg.kiosks,
            cfg.assistants,
            cfg.keep.iter().map(|k| k.to_bits()).collect(),
        );
        let u = self.universe();
        let site =
            *self.surrogate.entry(key).or_insert_with(|| surrogate_site(&u.site_scenario(cfg)));
        let (o, c) =
            u.scenario.economics.as_ref().map_or((0.0, 0.0), |e| (e.officer_hour, e.citizen_hour));
        -(site.officer_busy_hours * o + site.citizen_hours * c)
    }

    /// Candidates whose configuration changes between `a` and `b` (a station's drawn units
    /// change with it).
    fn affected(&self, a: &Plan, b: &Plan) -> Vec<usize> {
        let u = self.universe();
        let mut out = Vec::new();
        for c in 0..u.len() {
            if a.kiosks[c] != b.kiosks[c] || a.assistants[c] != b.assistants[c] {
                out.push(c);
                if let crate::Source::New { draws, .. } = &u.candidates.sites[c].source {
                    for d in draws {
                        if let Some(unit) = u.site_of.iter().position(|&s| s == d.unit) {
                            out.push(unit);
                        }
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The surrogate's change in net benefit from `a` to `b`.
    pub fn surrogate_delta(&mut self, a: &Plan, b: &Plan) -> f64 {
        let u = self.universe();
        let mut delta = u.yearly_cost(a) - u.yearly_cost(b);
        for c in self.affected(a, b) {
            if let Some(cfg) = u.config(b, c) {
                delta += self.surrogate_value(&cfg);
            }
            if let Some(cfg) = u.config(a, c) {
                delta -= self.surrogate_value(&cfg);
            }
        }
        delta
    }

    /// Plans one step up from `plan` (a kiosk or an assistant more at one site) that keep the
    /// budget.
    fn increments(&self, plan: &Plan) -> Vec<Plan> {
        let u = self.universe();
        let (max_k, max_a) = (u.candidates.max_kiosks, u.candidates.max_assistants);
        let mut out = Vec::new();
        for c in 0..u.len() {
            if plan.kiosks[c] < max_k {
                let mut p = plan.clone();
                p.kiosks[c] += 1;
                if u.capital(&p) <= self.s.budget {
                    out.push(p);
                }
            }
            if plan.kiosks[c] > 0 && plan.assistants[c] < max_a {
                let mut p = plan.clone();
                p.assistants[c] += 1;
                out.push(p);
            }
        }
        out
    }

    /// Benefit per unit of capital, for ranking steps: a step that costs no capital ranks by
    /// its benefit alone, above any that does.
    fn ratio(&self, from: &Plan, to: &Plan, delta: f64) -> (bool, f64) {
        let capital = self.universe().capital(to) - self.universe().capital(from);
        if capital > 0.0 {
            (false, delta / capital)
        } else if delta > 0.0 {
            (true, delta)
        } else {
            // A step that costs no capital and adds nothing ranks last, not first.
            (false, f64::NEG_INFINITY)
        }
    }

    /// Greedy allocation on the surrogate alone: the surrogate's own plan.
    pub fn surrogate_plan(&mut self) -> Plan {
        let mut plan = Plan::empty(self.universe().len());
        loop {
            let mut best: Option<((bool, f64), Plan)> = None;
            for p in self.increments(&plan) {
                let d = self.surrogate_delta(&plan, &p);
                if d <= 0.0 {
                    continue;
                }
                let key = self.ratio(&plan, &p, d);
                if best.as_ref().is_none_or(|(k, _)| key > *k) {
                    best = Some((key, p));
                }
            }
            match best {
                Some((_, p)) => plan = p,
                None => return plan,
            }
        }
    }

    /// Greedy marginal allocation on the twin, from no kiosks: at each step the surrogate
    /// shortlists the steps, the twin scores them, and the one with the most benefit per unit
    /// of capital is taken while it adds benefit.
    pub fn greedy(&mut self) -> Result<Plan, OptimiseError> {
        let mut plan = Plan::empty(self.universe().len());
        let mut current = self.evaluate(vec![plan.clone()], "greedy")?;
        let Some((_, mut score)) = current.pop() else { return Ok(plan) };
        loop {
            let mut ranked: Vec<((bool, f64), Plan)> = self
                .increments(&plan)
                .into_iter()
                .map(|p| {
                    let d = self.surrogate_delta(&plan, &p);
                    (self.ratio(&plan, &p, d), p)
                })
                .collect();
            ranked.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
            let mut taken = None;
            // The surrogate's shortlist first; further shortlists while none of it adds
            // benefit and the surrogate still expects some.
            for round in 0..GREEDY_ROUNDS {
                if round > 0 && ranked.get(round * self.s.shortlist).is_none_or(|(k, _)| k.1 <= 0.0)
                {
                    break;
                }
                let from = round * self.s.shortlist;
                let batch: Vec<Plan> = ranked
                    .iter()
                    .skip(from)
                    .take(self.s.shortlist)
                    .map(|(_, p)| p.clone())
                    .collect();
                if batch.is_empty() {
                    break;
                }
                let scored = self.evaluate(batch, "greedy")?;
                let mut best: Option<((bool, f64), Plan, Scored)> = None;
                for (p, sc) in scored {
                    let d = sc.mean - score.mean;
                    if d <= 0.0 {
                        continue;
                    }
                    let key = self.ratio(&plan, &p, d);
                    if best.as_ref().is_none_or(|(k, _, _)| key > *k) {
                        best = Some((key, p, sc));
                    }
                }
                if let Some((_, p, sc)) = best {
                    taken = Some((p, sc));
                    self.pruned += ranked.len().saturating_sub(from + self.s.shortlist);
                    break;
                }
            }
            match taken {
                Some((p, sc)) => {
                    plan = p;
                    score = sc;
                }
                None => return Ok(plan),
            }
            if self.seen.len() >= self.s.max_evaluations {
                return Ok(plan);
            }
        }
    }

    /// Local search from `start`: moves of one kiosk from a site where the surrogate says it
    /// does least to one where it does most, an assistant more or less, and swaps of an open
    /// station for a closed one; the best improving neighbour is taken until none improves.
    pub fn local(&mut self, start: Plan) -> Result<Plan, OptimiseError> {
        let mut plan = start;
        let Some(mut score) = self.seen.get(&plan).cloned() else { return Ok(plan) };
        loop {
            let neighbours = self.neighbours(&plan);
            if neighbours.is_empty() || self.seen.len() >= self.s.max_evaluations {
                return Ok(plan);
            }
            let scored = self.evaluate(neighbours, "local")?;
            let best = scored.into_iter().filter(|(_, s)| s.mean > score.mean).max_by(|a, b| {
                a.1.mean.partial_cmp(&b.1.mean).unwrap_or(std::cmp::Ordering::Equal)
            });
            match best {
                Some((p, s)) => {
                    plan = p;
                    score = s;
                }
                None => return Ok(plan),
            }
        }
    }

    fn neighbours(&mut self, plan: &Plan) -> Vec<Plan> {
        let u = self.universe();
        let k = self.s.neighbours;
        // Donors: sites whose last kiosk the surrogate values least.
        let mut donors: Vec<(f64, usize)> = (0..u.len())
            .filter(|&c| plan.kiosks[c] > 0)
            .map(|c| {
                let mut p = plan.clone();
                p.kiosks[c] -= 1;
                if p.kiosks[c] == 0 {
                    p.assistants[c] = 0;
                }
                (self.surrogate_delta(&p, plan), c)
            })
            .collect();
        donors.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
        // Receivers: sites whose next kiosk the surrogate values most.
        let mut receivers: Vec<(f64, usize)> = (0..u.len())
            .filter(|&c| plan.kiosks[c] < u.candidates.max_kiosks)
            .map(|c| {
                let mut p = plan.clone();
                p.kiosks[c] += 1;
                (self.surrogate_delta(plan, &p), c)
            })
            .collect();
        receivers.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
        let mut out = Vec::new();
        for &(_, d) in donors.iter().take(k) {
            for &(_, r) in receivers.iter().take(k) {
                if d == r {
                    continue;
                }
                let mut p = plan.clone();
                p.kiosks[d] -= 1;
                if p.kiosks[d] == 0 {
                    p.assistants[d] = 0;
                }
                p.kiosks[r] += 1;
                if u.capital(&p) <= self.s.budget {
                    out.push(p);
                }
            }
        }
        // An assistant more or less where the surrogate sees the most in it.
        for &(_, c) in donors.iter().rev().take(k) {
            if plan.assistants[c] < u.candidates.max_assistants {
                let mut p = plan.clone();
                p.assistants[c] += 1;
                out.push(p);
            }
            if plan.assistants[c] > 0 {
                let mut p = plan.clone();
                p.assistants[c] -= 1;
                out.push(p);
            }
        }
        // Swaps: an open station's kiosks and assistants to a closed one.
        let open: Vec<usize> =
            (0..u.len()).filter(|&c| u.is_new(c) && plan.kiosks[c] > 0).collect();
        let closed: Vec<usize> = receivers
            .iter()
            .map(|&(_, c)| c)
            .filter(|&c| u.is_new(c) && plan.kiosks[c] == 0)
            .take(k)
            .collect();
        for &a in open.iter().take(k) {
            for &b in &closed {
                let mut p = plan.clone();
                p.kiosks.swap(a, b);
                p.assistants.swap(a, b);
                if u.capital(&p) <= self.s.budget {
                    out.push(p);
                }
            }
        }
        out.retain(|p| !self.seen.contains_key(p));
        out
    }

    /// Runs the whole search: greedy, local search, then KN++ over the best few plans seen.
    pub fn run(mut self) -> Result<Found, OptimiseError> {
        let surrogate = self.surrogate_plan();
        let greedy = self.greedy()?;
        let local = self.local(greedy.clone())?;
        let mut ranked: Vec<(&Plan, &Scored)> = self.seen.iter().collect();
        ranked.sort_by(|a, b| {
            (b.1.fair, b.1.mean)
                .partial_cmp(&(a.1.fair, a.1.mean))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.0.cmp(b.0))
        });
        let mut finalists: Vec<Plan> = vec![local.clone()];
        for (p, _) in ranked {
            if finalists.len() >= self.s.final_few.max(1) {
                break;
            }
            if !finalists.contains(p) {
                finalists.push(p.clone());
            }
        }
        let procedure = self.s.procedure;
        let selection = if finalists.len() == 1 {
            Selection {
                best: 0,
                replications: vec![self.s.replications],
                means: vec![self.seen.get(&finalists[0]).map_or(0.0, |s| s.mean)],
                eliminated_after: vec![None],
                capped: false,
                procedure,
            }
        } else {
            let plans = finalists.clone();
            kn_plus_plus(plans.len(), &procedure, |alive, r| {
                let refs: Vec<&Plan> = alive.iter().map(|&i| &plans[i]).collect();
                self.sample(&refs, r)
            })
            .map_err(|e| OptimiseError::Options(e.to_string()))?
        };
        let best = finalists[selection.best].clone();
        let evaluations = self.seen.len();
        Ok(Found {
            best,
            greedy,
            local,
            surrogate,
            finalists,
            selection,
            trace: self.trace,
            evaluations,
            pruned: self.pruned,
        })
    }

    /// Scores `plan` on the search's replications (simulating what is missing), so that local
    /// search can start from it: a layout's own plan, say. Counts as an evaluation when new.
    pub fn score_plan(&mut self, plan: &Plan) -> Result<Scored, OptimiseError> {
        let scored = self.evaluate(vec![plan.clone()], "start")?;
        scored.into_iter().next().map(|(_, s)| s).ok_or_else(|| {
            OptimiseError::Options("no evaluations left to score the starting plan".to_owned())
        })
    }

    /// Plans evaluated so far.
    pub fn evaluations(&self) -> usize {
        self.seen.len()
    }

    /// The score of a plan seen by the search.
    pub fn scored(&self, plan: &Plan) -> Option<&Scored> {
        self.seen.get(plan)
    }
}

fn missing(r: u32) -> OptimiseError {
    OptimiseError::Options(format!("replication {r} of a site was not simulated"))
}

/// `kiosks` kiosks and `assistants` assistants spread as evenly as whole numbers allow over
/// the scenario's units (no new station): the remainders go to the units with most demand.
pub fn even_plan(u: &Universe, kiosks: u32, assistants: u32) -> Plan {
    let units: Vec<usize> = (0..u.len()).filter(|&c| !u.is_new(c)).collect();
    let mut by_demand = units.clone();
    let demand =
        |c: usize| -> f64 { u.raw.sites[u.site_of[c]].demand.iter().map(|d| d.yearly).sum() };
    by_demand.sort_by(|&a, &b| {
        demand(b).partial_cmp(&demand(a)).unwrap_or(std::cmp::Ordering::Equal).then(a.cmp(&b))
    });
    let mut plan = Plan::empty(u.len());
    let n = units.len().max(1) as u32;
    for (i, &c) in by_demand.iter().enumerate() {
        plan.kiosks[c] = kiosks / n + u32::from((i as u32) < kiosks % n);
    }
    let with: Vec<usize> = by_demand.iter().copied().filter(|&c| plan.kiosks[c] > 0).collect();
    let m = with.len().max(1) as u32;
    for (i, &c) in with.iter().enumerate() {
        plan.assistants[c] = (assistants / m + u32::from((i as u32) < assistants % m))
            .min(u.candidates.max_assistants.max(1));
    }
    plan
}

/// The scenario's own layout as a plan: each unit's kiosks and assistants as the scenario
/// gives them, no new station.
pub fn scenario_plan(u: &Universe) -> Plan {
    let mut plan = Plan::empty(u.len());
    for c in 0..u.len() {
        if u.is_new(c) {
            continue;
        }
        let site = &u.raw.sites[u.site_of[c]];
        plan.kiosks[c] = site.kiosks.iter().map(|k| k.count).sum();
        plan.assistants[c] = if plan.kiosks[c] > 0 { site.floor_assistants } else { 0 };
    }
    plan
}
