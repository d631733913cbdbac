//! navbat's placement optimiser: which districts, malls, leisure centres and tourist zones get
//! stations, how many kiosks each and how many floor assistants, within a capital budget, to
//! make the most yearly net benefit (citizen and officer hours valued as the report values
//! them, less the plan's yearly cost), with the twin as the judge.
//!
//! # Brief overview
//!
//! 1. Read the candidates ([`Candidates::parse`]): every unit of the scenario, plus new
//!    stations that take a share of the demand of the units they draw on.
//! 2. Build the [`Universe`]: the scenario with every station added, checked once. A
//!    [`Plan`] cuts from it the scenario to run (`plan_scenario`) and, for each site, the
//!    one-site scenario an evaluation simulates (`site_scenario`).
//! 3. Evaluate on the twin ([`Evaluator`]): a plan's value is the sum of its sites', each site
//!    simulated alone with the engine (`run_units`, rayon), every site replication cached
//!    under the SHA-256 of its one-site scenario and the seed and appended to a file, so a run
//!    resumes and plans that share a site share its simulation (common random numbers: a
//!    site's streams are keyed by its id and the replication).
//! 4. Search ([`Search::run`]): the Erlang C surrogate ([`surrogate_site`]) ranks the steps and
//!    gives its own plan; greedy marginal allocation on the twin (benefit per unit of capital,
//!    a shortlist of the surrogate's best steps simulated each time), local search by kiosk
//!    moves, assistants and station swaps, and KN++ (`navbat-select`) over the best few.
//! 5. Draw the plan's map and the convergence chart ([`plan_map`], [`convergence`]).
//!
//! ```
//! use navbat_optimise::{Candidates, Plan, Universe};
//! let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/pilot-2026.ron");
//! let text = std::fs::read_to_string(&path).unwrap();
//! let raw = navbat_scenario::parse_raw("pilot-2026.ron", &text).unwrap();
//! let universe = Universe::new(&raw, Candidates::units_of(&raw), path.parent().unwrap()).unwrap();
//! let mut plan = Plan::empty(universe.len());
//! plan.kiosks[0] = 3;
//! let scenario = universe.plan_scenario(&plan).unwrap();
//! assert_eq!(scenario.sites[0].kiosks[0].count, 3);
//! assert!(scenario.sites[1].kiosks.is_empty());
//! ```

mod candidates;
mod chart;
mod error;
mod evaluate;
mod plan;
mod search;
mod surrogate;

pub use crate::candidates::{
    Candidate, Candidates, Costs, DEFAULT_COSTS, DEFAULT_MAX_ASSISTANTS, DEFAULT_MAX_KIOSKS, Draw,
    MAX_PER_SITE, RawCandidate, RawCandidates, RawDraw, Source,
};
pub use crate::chart::{Drawn, convergence, plan_map};
pub use crate::error::OptimiseError;
pub use crate::evaluate::{Evaluator, PlanReplication, SiteOutcome};
pub use crate::plan::{Plan, SiteConfig, Universe};
pub use crate::search::{Found, Scored, Search, Settings, TracePoint, even_plan, scenario_plan};
pub use crate::surrogate::{SurrogateSite, surrogate_site};
pub use navbat_select::{Procedure, Selection};
