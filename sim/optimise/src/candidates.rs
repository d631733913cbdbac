//! Candidate sites: every unit of the scenario the plan may equip, plus new stations (malls,
//! leisure centres, tourist zones) that take their demand from the units they draw on.
//!
//! A candidate file is RON (`scenarios/candidates-2026.ron`, written by
//! `cargo run -p navbat-optimise --example candidates`):
//!
//! ```text
//! Candidates(
//!     costs: Costs(assistant_per_year: 72e6, new_site_capital: 150e6, new_site_per_year: 144e6),
//!     max_kiosks: 6,
//!     max_assistants: 2,
//!     sites: [
//!         Unit(site: "samarkand-region-01"),
//!         New(id: "samarkand-mall", name: "…", kind: ShoppingMall, region: "Samarkand region",
//!             lat: 39.65, lon: 66.95, footfall_per_day: 20000.0,
//!             draws: [Draw(unit: "samarkand-region-01", share: 0.08, services: [])]),
//!     ],
//! )
//! ```
//!
//! A new station opened by a plan takes `share` of each drawn unit's yearly demand (of the
//! listed services, or all) and the unit keeps the rest, so no request is counted twice: for
//! every unit and service the shares drawn add up to at most 1 (checked here), and a plan's
//! demand adds up to the scenario's (tested). Errors point at the file's line and column.

use std::collections::BTreeMap;

use navbat_locate::{Path as FieldPath, line_col, locate};
use navbat_scenario::{RawScenario, SiteKind};
use serde::{Deserialize, Serialize};

use crate::OptimiseError;

/// What the optimiser's money needs beyond the scenario's `economics` block.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Costs")]
pub struct Costs {
    /// One floor assistant a year, in the scenario's currency.
    pub assistant_per_year: f64,
    /// Fitting out a new station (counter, furniture, network), once, in the currency; part
    /// of the capital budget.
    pub new_site_capital: f64,
    /// Running a new station a year (rent, its officer, the fit-out over its life), in the
    /// currency.
    pub new_site_per_year: f64,
}

/// The candidate file as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Candidates")]
pub struct RawCandidates {
    /// Money beyond the scenario's economics.
    pub costs: Costs,
    /// Most kiosks a plan puts at one site.
    pub max_kiosks: u32,
    /// Most floor assistants a plan puts at one site.
    pub max_assistants: u32,
    /// The candidates.
    pub sites: Vec<RawCandidate>,
}

/// One candidate as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum RawCandidate {
    /// A site of the scenario (a district unit): the plan sets its kiosks and assistants.
    Unit {
        /// The scenario site's id.
        site: String,
    },
    /// A new station, opened only if the plan gives it a kiosk.
    New {
        /// Site id (unique among the scenario's and the candidates').
        id: String,
        /// Name for tables.
        name: String,
        /// What kind of place.
        kind: SiteKind,
        /// Region, for fairness and tables.
        region: String,
        /// Latitude, degrees.
        lat: f64,
        /// Longitude, degrees.
        lon: f64,
        /// People passing through a day (what the draws were derived from; for tables).
        footfall_per_day: f64,
        /// The units whose demand it takes when open.
        draws: Vec<RawDraw>,
    },
}

/// A share of a unit's demand a new station takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Draw")]
pub struct RawDraw {
    /// The unit's site id.
    pub unit: String,
    /// Share of the unit's yearly demand, in (0, 1].
    pub share: f64,
    /// Services drawn (empty: all).
    #[serde(default)]
    pub services: Vec<String>,
}

/// Checked candidates, tied to one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidates {
    /// Money beyond the scenario's economics.
    pub costs: Costs,
    /// Most kiosks at one site.
    pub max_kiosks: u32,
    /// Most floor assistants at one site.
    pub max_assistants: u32,
    /// Candidates in file order.
    pub sites: Vec<Candidate>,
}

/// A checked candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Site id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Region.
    pub region: String,
    /// Kind of place.
    pub kind: SiteKind,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// A unit of the scenario, or a new station.
    pub source: Source,
}

/// Where a candidate comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// Site `site` of the scenario (its index in `sites`).
    Unit {
        /// Index of the scenario site.
        site: usize,
    },
    /// A new station.
    New {
        /// People passing a day.
        footfall_per_day: f64,
        /// Its draws on units.
        draws: Vec<Draw>,
    },
}

/// A checked draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Draw {
    /// Index of the drawn unit among the scenario's sites.
    pub unit: usize,
    /// Share of its demand, in (0, 1].
    pub share: f64,
    /// Service ids drawn (empty: all).
    pub services: Vec<String>,
}

impl Draw {
    /// Whether this draw takes demand of `service`.
    pub fn takes(&self, service: &str) -> bool {
        self.services.is_empty() || self.services.iter().any(|s| s == service)
    }
}

/// Costs used when no candidate file is given: the generator's figures (see
/// `examples/candidates.rs` for their reasons) [est.].
pub const DEFAULT_COSTS: Costs =
    Costs { assistant_per_year: 72e6, new_site_capital: 150e6, new_site_per_year: 144e6 };

/// Most kiosks at a site when no candidate file is given.
pub const DEFAULT_MAX_KIOSKS: u32 = 6;

/// Most assistants at a site when no candidate file is given.
pub const DEFAULT_MAX_ASSISTANTS: u32 = 2;

/// Most kiosks or assistants a candidate file may allow at one site.
pub const MAX_PER_SITE: u32 = 50;

impl Candidates {
    /// Every site of `scenario` as a unit candidate, no new stations, default costs.
    pub fn units_of(scenario: &RawScenario) -> Self {
        Self {
            costs: DEFAULT_COSTS,
            max_kiosks: DEFAULT_MAX_KIOSKS,
            max_assistants: DEFAULT_MAX_ASSISTANTS,
            sites: scenario
                .sites
                .iter()
                .enumerate()
                .map(|(i, s)| Candidate {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    region: s.region.clone(),
                    kind: s.kind,
                    lat: s.lat,
                    lon: s.lon,
                    source: Source::Unit { site: i },
                })
                .collect(),
        }
    }

    /// Parses and checks the candidate file `text` (named `file` in errors) against
    /// `scenario`: every scenario site must be a unit candidate exactly once, ids must be new,
    /// draws must name unit candidates and services of the scenario, and the shares drawn
    /// from any unit for any service add up to at most 1.
    pub fn parse(file: &str, text: &str, scenario: &RawScenario) -> Result<Self, OptimiseError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let raw: RawCandidates =
            ron::Options::default().from_str(text).map_err(|e| OptimiseError::Candidates {
                file: file.to_owned(),
                line: e.span.start.line.max(1),
                col: e.span.start.col.max(1),
                message: e.code.to_string(),
            })?;
        check(&raw, scenario).map_err(|(path, message)| {
            let (start, _) = locate(text, &path);
            let (line, col) = line_col(text, start);
            OptimiseError::Candidates {
                file: file.to_owned(),
                line,
                col,
                message: format!("{path}: {message}"),
            }
        })
    }

    /// Index of the candidate whose id is `id`.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.sites.iter().position(|c| c.id == id)
    }
}

type Located = (FieldPath, String);

fn check(raw: &RawCandidates, scenario: &RawScenario) -> Result<Candidates, Located> {
    let top = FieldPath::default();
    let costs = top.field("costs");
    for (name, value) in [
        ("assistant_per_year", raw.costs.assistant_per_year),
        ("new_site_capital", raw.costs.new_site_capital),
        ("new_site_per_year", raw.costs.new_site_per_year),
    ] {
        if !(value.is_finite() && (0.0..=1e15).contains(&value)) {
            return Err((costs.field(name), format!("{value} is not an amount from 0 to 1e15")));
        }
    }
    if !(1..=MAX_PER_SITE).contains(&raw.max_kiosks) {
        return Err((top.field("max_kiosks"), format!("must be 1 to {MAX_PER_SITE}")));
    }
    if raw.max_assistants > MAX_PER_SITE {
        return Err((top.field("max_assistants"), format!("must be 0 to {MAX_PER_SITE}")));
    }
    let site_index: BTreeMap<&str, usize> =
        scenario.sites.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
    let services: Vec<&str> = scenario.services.iter().map(|s| s.id.as_str()).collect();
    let mut unit_seen: BTreeMap<usize, usize> = BTreeMap::new();
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut sites = Vec::with_capacity(raw.sites.len());
    let list = top.field("sites");
    // Units first, so draws may name a unit listed after the station.
    for (c, cand) in raw.sites.iter().enumerate() {
        if let RawCandidate::Unit { site } = cand {
            let at = list.index(c).field("site");
            let &i = site_index
                .get(site.as_str())
                .ok_or_else(|| (at.clone(), format!("the scenario has no site {site:?}")))?;
            if let Some(prev) = unit_seen.insert(i, c) {
                return Err((at, format!("{site:?} is already candidate {prev}")));
            }
        }
    }
    if let Some(missing) = (0..scenario.sites.len()).find(|i| !unit_seen.contains_key(i)) {
        return Err((
            list,
            format!(
                "the scenario's site {:?} is not a candidate: list every site as Unit(site: ..)",
                scenario.sites[missing].id
            ),
        ));
    }
    // Shares drawn per (unit, service index); `None` service: all.
    let mut drawn: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for (c, cand) in raw.sites.iter().enumerate() {
        let at = list.index(c);
        let candidate = match cand {
            RawCandidate::Unit { site } => {
                let i = site_index[site.as_str()];
                let s = &scenario.sites[i];
                Candidate {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    region: s.region.clone(),
                    kind: s.kind,
                    lat: s.lat,
                    lon: s.lon,
                    source: Source::Unit { site: i },
                }
            }
            RawCandidate::New { id, name, kind, region, lat, lon, footfall_per_day, draws } => {
                if id.is_empty() || site_index.contains_key(id.as_str()) {
                    return Err((at.field("id"), format!("{id:?} is empty or a scenario site")));
                }
                if !(lat.is_finite() && (-90.0..=90.0).contains(lat)) {
                    return Err((at.field("lat"), format!("{lat} is not a latitude")));
                }
                if !(lon.is_finite() && (-180.0..=180.0).contains(lon)) {
                    return Err((at.field("lon"), format!("{lon} is not a longitude")));
                }
                if !(footfall_per_day.is_finite() && *footfall_per_day >= 0.0) {
                    return Err((at.field("footfall_per_day"), "must be 0 or more".to_owned()));
                }
                if draws.is_empty() {
                    return Err((
                        at.field("draws"),
                        "a new station must draw on a unit".to_owned(),
                    ));
                }
                let mut checked = Vec::with_capacity(draws.len());
                for (d, draw) in draws.iter().enumerate() {
                    let dat = at.field("draws").index(d);
                    let &unit = site_index.get(draw.unit.as_str()).ok_or_else(|| {
                        (
                            dat.field("unit"),
                            format!("{:?} is not a unit of the scenario", draw.unit),
                        )
                    })?;
                    if !(draw.share.is_finite() && draw.share > 0.0 && draw.share <= 1.0) {
                        return Err((
                            dat.field("share"),
                            format!("{} is not in (0, 1]", draw.share),
                        ));
                    }
                    let mut svc = Vec::new();
                    for (k, s) in draw.services.iter().enumerate() {
                        let idx = services.iter().position(|x| x == s).ok_or_else(|| {
                            (dat.field("services").index(k), format!("no service {s:?}"))
                        })?;
                        svc.push(idx);
                    }
                    let taken: Vec<usize> =
                        if svc.is_empty() { (0..services.len()).collect() } else { svc };
                    for s in taken {
                        let total = drawn.entry((unit, s)).or_insert(0.0);
                        *total += draw.share;
                        if *total > 1.0 + 1e-12 {
                            return Err((
                                dat.field("share"),
                                format!(
                                    "the shares drawn from {:?} for {:?} add up to {total:.3}, \
                                     over 1: demand would be counted twice",
                                    draw.unit, services[s]
                                ),
                            ));
                        }
                    }
                    checked.push(Draw { unit, share: draw.share, services: draw.services.clone() });
                }
                Candidate {
                    id: id.clone(),
                    name: name.clone(),
                    region: region.clone(),
                    kind: *kind,
                    lat: *lat,
                    lon: *lon,
                    source: Source::New { footfall_per_day: *footfall_per_day, draws: checked },
                }
            }
        };
        if let Some(prev) = ids.insert(candidate.id.clone(), c) {
            return Err((at, format!("id {:?} is already candidate {prev}", candidate.id)));
        }
        sites.push(candidate);
    }
    Ok(Candidates {
        costs: raw.costs,
        max_kiosks: raw.max_kiosks,
        max_assistants: raw.max_assistants,
        sites,
    })
}
