//! Variants of a scenario for the expansion proposal: its candidate sites alone, with a
//! given number of kiosks, and with one assumption moved for the sensitivity analysis.

use navbat_scenario::{Dist, Scenario};

/// An assumption the sensitivity analysis moves, as a multiplier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assumption {
    /// Yearly demand at every site.
    Demand,
    /// The share of people choosing a kiosk (and its growth over the year), capped at 1.
    KioskAdoption,
    /// The share of kiosk sessions that succeed (capped at 1).
    KioskSuccess,
    /// The length of kiosk sessions.
    KioskMinutes,
}

impl Assumption {
    /// Every assumption, in report order.
    pub const ALL: [Assumption; 4] = [
        Assumption::Demand,
        Assumption::KioskAdoption,
        Assumption::KioskSuccess,
        Assumption::KioskMinutes,
    ];

    /// Name used in tables.
    pub fn name(self) -> &'static str {
        match self {
            Assumption::Demand => "demand",
            Assumption::KioskAdoption => "kiosk_adoption",
            Assumption::KioskSuccess => "kiosk_success",
            Assumption::KioskMinutes => "kiosk_minutes",
        }
    }

    /// The low and high multipliers the analysis uses: ±20 % for demand and adoption, ±5 %
    /// for kiosk success, ±25 % for session length.
    pub fn range(self) -> (f64, f64) {
        match self {
            Assumption::Demand | Assumption::KioskAdoption => (0.8, 1.2),
            Assumption::KioskSuccess => (0.95, 1.05),
            Assumption::KioskMinutes => (0.75, 1.25),
        }
    }
}

/// The scenario reduced to the sites at `keep` (scenario order kept); the candidate list
/// follows the sites it names.
pub fn only_sites(scenario: &Scenario, keep: &[usize]) -> Scenario {
    let mut s = scenario.clone();
    s.sites = keep.iter().filter_map(|&i| scenario.sites.get(i).cloned()).collect();
    s.candidates = keep
        .iter()
        .enumerate()
        .filter(|(_, i)| scenario.candidates.contains(i))
        .map(|(new, _)| new)
        .collect();
    s
}

/// The scenario with `count` kiosks at every site: the site's first kiosk group takes the
/// count and the others go (no kiosks at all for 0). Sites without a kiosk group keep none.
pub fn with_kiosk_count(scenario: &Scenario, count: u32) -> Scenario {
    let mut s = scenario.clone();
    for site in &mut s.sites {
        if count == 0 {
            site.kiosks.clear();
        } else {
            site.kiosks.truncate(1);
            if let Some(k) = site.kiosks.first_mut() {
                k.count = count;
            }
        }
    }
    s
}

/// The scenario with `assumption` multiplied by `factor`.
pub fn scaled(scenario: &Scenario, assumption: Assumption, factor: f64) -> Scenario {
    let mut s = scenario.clone();
    match assumption {
        Assumption::Demand => {
            for d in s.sites.iter_mut().flat_map(|site| site.demand.iter_mut()) {
                d.yearly *= factor;
            }
        }
        Assumption::KioskAdoption => {
            for seg in &mut s.segments {
                let c = &mut seg.channel;
                let kiosk = (c.kiosk * factor).min(1.0);
                let rest = c.counter + c.portal;
                if rest > 0.0 {
                    c.counter *= (1.0 - kiosk) / rest;
                    c.portal *= (1.0 - kiosk) / rest;
                }
                c.kiosk = kiosk;
                if let Some((a, b)) = seg.kiosk_adoption.as_mut() {
                    *a = (*a * factor).min(1.0);
                    *b = (*b * factor).min(1.0);
                }
            }
        }
        Assumption::KioskSuccess => {
            for seg in &mut s.segments {
                seg.kiosk_success = (seg.kiosk_success * factor).min(1.0);
            }
        }
        Assumption::KioskMinutes => {
            for svc in &mut s.services {
                if let Some(d) = svc.kiosk_minutes.as_mut() {
                    *d = scale_dist(d, factor);
                }
            }
        }
    }
    s
}

/// A duration distribution stretched by `factor` (the shape, and so the CV, unchanged).
fn scale_dist(d: &Dist, factor: f64) -> Dist {
    match d {
        Dist::Constant { value } => Dist::Constant { value: value * factor },
        Dist::Exponential { mean } => Dist::Exponential { mean: mean * factor },
        Dist::LogNormal { mean, cv } => Dist::LogNormal { mean: mean * factor, cv: *cv },
        Dist::Gamma { mean, cv } => Dist::Gamma { mean: mean * factor, cv: *cv },
        Dist::Weibull { shape, scale } => Dist::Weibull { shape: *shape, scale: scale * factor },
        Dist::Triangular { min, mode, max } => {
            Dist::Triangular { min: min * factor, mode: mode * factor, max: max * factor }
        }
        Dist::Empirical { values } => {
            Dist::Empirical { values: values.iter().map(|v| v * factor).collect() }
        }
    }
}
