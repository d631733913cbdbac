//! The numbers of the executive summary: the measures pooled per replication over sites
//! ([`Pooled`]), each measure's pilot level and paired difference against the baseline
//! ([`Headline`]), and the extension rule over them ([`Verdict`]). The words are in the
//! parent module.

use std::collections::BTreeMap;

use navbat_record::{Estimate, SiteRecord};

use crate::build::{Ctx, SiteRuns, est, num, phrase};

/// Which measure a headline row holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    MeanWait,
    P90Wait,
    EndToEnd,
    OfficerFree,
    CitizenHours,
    CostPerTransaction,
    HoursFreed,
    KioskShare,
    Abandoned,
}

impl Key {
    /// The five numbers of the summary table, in order (P90 per site).
    pub(super) const FIVE: [Self; 6] = [
        Self::MeanWait,
        Self::P90Wait,
        Self::EndToEnd,
        Self::OfficerFree,
        Self::CitizenHours,
        Self::CostPerTransaction,
    ];
}

/// One measure of one site (or of all pilot sites): the pilot's level and, with a baseline,
/// the paired difference.
pub(crate) struct Headline {
    pub(crate) key: Key,
    pub(crate) measure: String,
    pub(crate) unit: String,
    pub(crate) decimals: usize,
    pub(crate) pilot: Estimate,
    pub(crate) baseline: Option<f64>,
    /// Paired difference, in the direction the measure names.
    pub(crate) difference: Option<Estimate>,
}

impl Headline {
    /// The row of the five-numbers table for `site`.
    pub(super) fn row(&self, site: &str) -> Vec<String> {
        let d = self.decimals;
        let mut row = vec![site.to_owned(), self.measure.clone(), self.unit.clone()];
        match (self.baseline, self.difference) {
            (Some(b), Some(diff)) => row.extend([
                num(self.pilot.mean, d),
                num(b, d),
                num(diff.mean, d),
                num(diff.ci95_low, d),
                num(diff.ci95_high, d),
            ]),
            _ => row.extend([
                num(self.pilot.mean, d),
                num(self.pilot.ci95_low, d),
                num(self.pilot.ci95_high, d),
            ]),
        }
        row
    }

    /// The difference (or without a baseline, the level) with its interval, as a phrase.
    pub(crate) fn phrase(&self) -> String {
        match &self.difference {
            // A change in a share is in percentage points.
            Some(d) if self.unit == "%" => phrase(d, self.decimals, "percentage points"),
            Some(d) => phrase(d, self.decimals, &self.unit),
            None => phrase(&self.pilot, self.decimals, &self.unit),
        }
    }
}

/// Per replication, the aggregate of one or more sites.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Pooled {
    served: f64,
    served_kiosk: f64,
    wait_sum_min: f64,
    busy_hours: f64,
    abandoned: f64,
    citizen_hours: f64,
    delivered: f64,
    end_to_end_sum_days: f64,
    no_officer: f64,
    kiosks: f64,
}

impl Pooled {
    fn add(&mut self, r: &SiteRecord, kiosks: f64, citizen_hours: f64) {
        self.served += r.served as f64;
        self.served_kiosk += r.served_kiosk as f64;
        self.wait_sum_min += r.mean_wait_min * r.served as f64;
        self.busy_hours += r.officer_busy_hours;
        self.abandoned += r.abandoned() as f64;
        self.citizen_hours += citizen_hours;
        self.delivered += r.cases_delivered as f64;
        self.end_to_end_sum_days += r.end_to_end_mean_days * r.cases_delivered as f64;
        self.no_officer += r.cases_no_officer as f64;
        self.kiosks += kiosks;
    }
    /// Mean wait of the people served, minutes.
    pub(super) fn mean_wait(&self) -> f64 {
        if self.served > 0.0 { self.wait_sum_min / self.served } else { 0.0 }
    }
}

/// The records of `sites` pooled per replication number, in replication order.
pub(super) fn pool(ctx: &Ctx<'_>, sites: &[&SiteRuns<'_>], pilot: bool) -> Vec<Pooled> {
    let mut map: BTreeMap<u32, Pooled> = BTreeMap::new();
    for s in sites {
        for r in if pilot { &s.pilot } else { &s.baseline } {
            map.entry(r.replication).or_default().add(
                r,
                ctx.kiosks(r, pilot),
                ctx.citizen_hours(r),
            );
        }
    }
    map.into_values().collect()
}

struct Spec {
    key: Key,
    level: String,
    change: String,
    unit: String,
    decimals: usize,
    /// True when the difference is pilot − baseline; false for savings (baseline − pilot).
    pilot_minus_baseline: bool,
}

fn headline(spec: Spec, pilot: &[f64], baseline: Option<&[f64]>) -> Headline {
    let difference = baseline.map(|b| {
        let diffs: Vec<f64> = pilot
            .iter()
            .zip(b)
            .map(|(p, b)| if spec.pilot_minus_baseline { p - b } else { b - p })
            .collect();
        est(&diffs)
    });
    Headline {
        key: spec.key,
        measure: if baseline.is_some() {
            format!("{} ({})", spec.level, spec.change)
        } else {
            spec.level
        },
        unit: spec.unit,
        decimals: spec.decimals,
        pilot: est(pilot),
        baseline: baseline.map(|b| est(b).mean),
        difference,
    }
}

fn spec(key: Key, level: &str, change: &str, unit: &str, decimals: usize, pmb: bool) -> Spec {
    Spec {
        key,
        level: level.to_owned(),
        change: change.to_owned(),
        unit: unit.to_owned(),
        decimals,
        pilot_minus_baseline: pmb,
    }
}

/// Every headline measure the data supports for pooled replications.
pub(super) fn headlines(
    ctx: &Ctx<'_>,
    pilot: &[Pooled],
    baseline: Option<&[Pooled]>,
    p90: Option<(Vec<f64>, Vec<f64>)>,
) -> Vec<Headline> {
    let col = |v: &[Pooled], f: &dyn Fn(&Pooled) -> f64| v.iter().map(f).collect::<Vec<f64>>();
    let mut out = Vec::new();
    let mut push = |spec: Spec, f: &dyn Fn(&Pooled) -> f64| {
        let b = baseline.map(|b| col(b, f));
        out.push(headline(spec, &col(pilot, f), b.as_deref()));
    };
    const PMB: &str = "pilot − baseline";
    push(spec(Key::MeanWait, "Mean wait", PMB, "min", 2, true), &Pooled::mean_wait);
    if let Some((p, b)) = &p90 {
        out.push(headline(
            spec(Key::P90Wait, "P90 wait", PMB, "min", 2, true),
            p,
            baseline.map(|_| b.as_slice()),
        ));
    }
    let mut push = |spec: Spec, f: &dyn Fn(&Pooled) -> f64| {
        let b = baseline.map(|b| col(b, f));
        out.push(headline(spec, &col(pilot, f), b.as_deref()));
    };
    if ctx.workflows {
        push(spec(Key::EndToEnd, "End-to-end days to document", PMB, "days", 2, true), &|p| {
            if p.delivered > 0.0 { p.end_to_end_sum_days / p.delivered } else { f64::NAN }
        });
        push(
            spec(Key::OfficerFree, "Officer-free share of delivered cases", PMB, "%", 1, true),
            &|p| if p.delivered > 0.0 { 100.0 * p.no_officer / p.delivered } else { f64::NAN },
        );
    } else {
        push(
            spec(Key::OfficerFree, "Officer-free (kiosk) share of served", PMB, "%", 1, true),
            &|p| if p.served > 0.0 { 100.0 * p.served_kiosk / p.served } else { 0.0 },
        );
    }
    push(
        spec(
            Key::CitizenHours,
            if ctx.citizen_at_site {
                "Citizen hours at the site"
            } else {
                "Citizen hours waiting in line"
            },
            "hours saved: baseline − pilot",
            "h",
            0,
            false,
        ),
        &|p| p.citizen_hours,
    );
    if let Some(m) = &ctx.money {
        let (per_year, officer_hour) = (m.kiosk_per_year(), m.e.officer_hour);
        push(
            spec(Key::CostPerTransaction, "Cost per transaction", PMB, &m.e.currency, 0, true),
            &move |p| {
                if p.served > 0.0 {
                    (p.busy_hours * officer_hour + p.kiosks * per_year) / p.served
                } else {
                    f64::NAN
                }
            },
        );
    }
    push(
        spec(Key::HoursFreed, "Officer busy hours", "hours freed: baseline − pilot", "h", 0, false),
        &|p| p.busy_hours,
    );
    if ctx.workflows {
        push(
            spec(Key::KioskShare, "Served at a kiosk, share of served", PMB, "%", 1, true),
            &|p| {
                if p.served > 0.0 { 100.0 * p.served_kiosk / p.served } else { 0.0 }
            },
        );
    }
    push(spec(Key::Abandoned, "Abandoned", PMB, "people", 0, true), &|p| p.abandoned);
    out
}

/// The verdict of the stated rules for one site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Extend,
    ExtendWithCare,
    Inconclusive,
    DoNotExtend,
}

impl Verdict {
    pub(crate) fn of(h: &[Headline]) -> Self {
        let find = |k: Key| h.iter().find(|x| x.key == k).and_then(|x| x.difference);
        let (Some(wait), Some(freed), Some(aband)) =
            (find(Key::MeanWait), find(Key::HoursFreed), find(Key::Abandoned))
        else {
            return Self::Inconclusive;
        };
        if wait.ci95_low > 0.0 {
            Self::DoNotExtend
        } else if wait.ci95_high < 0.0 && freed.ci95_low > 0.0 && aband.ci95_low <= 0.0 {
            Self::Extend
        } else if wait.ci95_high < 0.0 {
            Self::ExtendWithCare
        } else {
            Self::Inconclusive
        }
    }

    /// The verdict in words, for the per-site sentences.
    pub(super) fn words(self) -> &'static str {
        match self {
            Self::Extend => "meets the extension rule",
            Self::ExtendWithCare => {
                "shorter waits, but fewer officer hours freed or more people abandoning than the rule allows: extend only with changes"
            }
            Self::Inconclusive => {
                "inconclusive: the interval for the change in mean wait includes zero"
            }
            Self::DoNotExtend => "waits are longer with kiosks: do not extend as configured",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headline(key: Key, low: f64, high: f64) -> Headline {
        let e = Estimate { mean: (low + high) / 2.0, ci95_low: low, ci95_high: high };
        Headline {
            key,
            measure: String::new(),
            unit: String::new(),
            decimals: 0,
            pilot: e,
            baseline: Some(0.0),
            difference: Some(e),
        }
    }

    fn verdict(wait: (f64, f64), freed: (f64, f64), abandoned: (f64, f64)) -> Verdict {
        Verdict::of(&[
            headline(Key::MeanWait, wait.0, wait.1),
            headline(Key::HoursFreed, freed.0, freed.1),
            headline(Key::Abandoned, abandoned.0, abandoned.1),
        ])
    }

    #[test]
    fn the_extension_rule_needs_all_three_conditions() {
        assert_eq!(verdict((-3.0, -1.0), (10.0, 20.0), (-5.0, 5.0)), Verdict::Extend);
        assert_eq!(verdict((-3.0, -1.0), (-10.0, 20.0), (-5.0, 5.0)), Verdict::ExtendWithCare);
        assert_eq!(verdict((-3.0, -1.0), (10.0, 20.0), (1.0, 5.0)), Verdict::ExtendWithCare);
        assert_eq!(verdict((-3.0, 1.0), (10.0, 20.0), (-5.0, 5.0)), Verdict::Inconclusive);
        assert_eq!(verdict((0.5, 1.0), (10.0, 20.0), (-5.0, 5.0)), Verdict::DoNotExtend);
        assert_eq!(Verdict::of(&[]), Verdict::Inconclusive);
    }

    #[test]
    fn without_a_baseline_a_headline_shows_the_level_and_no_verdict() {
        let h = super::headline(
            spec(Key::MeanWait, "Mean wait", "pilot − baseline", "min", 1, true),
            &[2.0, 4.0],
            None,
        );
        assert_eq!(h.measure, "Mean wait");
        assert_eq!(h.row("A")[..4], ["A", "Mean wait", "min", "3.0"]);
        assert_eq!(h.row("A").len(), 6);
        assert_eq!(Verdict::of(&[h]), Verdict::Inconclusive);
        let paired = super::headline(
            spec(Key::HoursFreed, "Officer busy hours", "freed", "h", 0, false),
            &[10.0, 12.0],
            Some(&[15.0, 18.0]),
        );
        // Savings are baseline − pilot: 5 and 6.
        assert_eq!(paired.difference.map(|d| d.mean), Some(5.5));
        assert_eq!(paired.measure, "Officer busy hours (freed)");
    }
}
