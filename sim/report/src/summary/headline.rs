//! The numbers of the executive summary: the measures pooled per replication over sites
//! ([`Pooled`]), each measure's pilot level and paired difference against the baseline
//! ([`Headline`]), and the extension rule over them ([`Verdict`], [`decide`]): one-sided
//! paired t tests joined per site as an intersection-union test, Holm's adjustment across
//! sites, and no verdict before the headline numbers reach the stated precision. The words
//! are in the parent module.

use std::collections::BTreeMap;

use navbat_record::inference::{
    Side, holm_adjusted, minimal_detectable_difference, one_sided_p, relative_half_width,
};
use navbat_record::{DecisionRule, Estimate, SiteRecord};

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
    AbandonedShare,
}

/// The range a measure's level lives in; intervals are clamped to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Range {
    /// Counts, hours, minutes, money: never below zero.
    NonNegative,
    /// Shares in percent: 0 to 100 (a difference of shares: −100 to 100).
    Percent,
}

impl Range {
    fn clamp_level(self, e: Estimate) -> (Estimate, bool) {
        let (lo, hi) = match self {
            Self::NonNegative => (0.0, f64::INFINITY),
            Self::Percent => (0.0, 100.0),
        };
        clamp(e, lo, hi)
    }
    fn clamp_difference(self, e: Estimate) -> (Estimate, bool) {
        match self {
            Self::NonNegative => (e, false),
            Self::Percent => clamp(e, -100.0, 100.0),
        }
    }
}

/// `e` with its bounds inside `lo..=hi`, and whether a bound moved.
fn clamp(e: Estimate, lo: f64, hi: f64) -> (Estimate, bool) {
    let out = crate::build::clamped(e, lo, hi);
    let moved = out.ci95_low != e.ci95_low || out.ci95_high != e.ci95_high;
    (out, moved)
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
    /// The pilot's value per replication.
    pub(crate) samples: Vec<f64>,
    /// The paired differences per replication, in the direction the measure names.
    pub(crate) diffs: Option<Vec<f64>>,
    /// True when the shown interval was clamped to the measure's range.
    pub(crate) clamped: bool,
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
                num(self.detectable(), d),
            ]),
            _ => row.extend([
                num(self.pilot.mean, d),
                num(self.pilot.ci95_low, d),
                num(self.pilot.ci95_high, d),
            ]),
        }
        row.push(self.how());
        row
    }

    /// How the interval was made, for the table's last column.
    pub(crate) fn how(&self) -> String {
        let n = self.samples.len();
        if n < 2 {
            return "none: one replication".to_owned();
        }
        let kind = if self.diffs.is_some() { "paired t" } else { "t" };
        let clamped = if self.clamped { ", clamped to range" } else { "" };
        format!("{kind}, {n} replications{clamped}")
    }

    /// The smallest true difference a paired test at 5 % finds with power 0.8 (NaN without
    /// a baseline or below two replications).
    pub(crate) fn detectable(&self) -> f64 {
        self.diffs.as_deref().map_or(f64::NAN, minimal_detectable_difference)
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
    arrivals: f64,
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
        self.arrivals += r.arrivals as f64;
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
    range: Range,
}

fn headline(spec: Spec, pilot: &[f64], baseline: Option<&[f64]>) -> Headline {
    let diffs: Option<Vec<f64>> = baseline.map(|b| {
        pilot
            .iter()
            .zip(b)
            .map(|(p, b)| if spec.pilot_minus_baseline { p - b } else { b - p })
            .collect()
    });
    let (level, level_clamped) = spec.range.clamp_level(est(pilot));
    let (difference, diff_clamped) = match &diffs {
        Some(d) => {
            let (e, c) = spec.range.clamp_difference(est(d));
            (Some(e), c)
        }
        None => (None, false),
    };
    Headline {
        samples: pilot.to_vec(),
        diffs,
        clamped: if difference.is_some() { diff_clamped } else { level_clamped },
        key: spec.key,
        measure: if baseline.is_some() {
            format!("{} ({})", spec.level, spec.change)
        } else {
            spec.level
        },
        unit: spec.unit,
        decimals: spec.decimals,
        pilot: level,
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
        range: if unit == "%" { Range::Percent } else { Range::NonNegative },
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
    push(spec(Key::AbandonedShare, "Abandoned, share of arrivals", PMB, "%", 2, true), &|p| {
        if p.arrivals > 0.0 { 100.0 * p.abandoned / p.arrivals } else { 0.0 }
    });
    out
}

/// The verdict of the stated rules for one site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Extend,
    ExtendWithCare,
    Inconclusive,
    DoNotExtend,
    /// Too few replications for the stated precision (or one replication): no verdict.
    InsufficientEvidence,
}

/// The tests behind one site's verdict.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Decision {
    pub(crate) verdict: Verdict,
    /// Paired replications.
    pub(crate) n: usize,
    /// The worst relative half-width of the pilot's mean wait and officer busy hours.
    pub(crate) precision: f64,
    /// One-sided p-values: shorter waits, hours freed, abandonment within the margin.
    pub(crate) p_wait: f64,
    pub(crate) p_freed: f64,
    pub(crate) p_abandonment: f64,
    /// The intersection-union p-value (the largest of the three) and its Holm adjustment.
    pub(crate) p_site: f64,
    pub(crate) p_holm: f64,
}

/// The verdicts of every site's headlines under `rule`: a site is extended when all three
/// one-sided tests reject (waits shorter, hours freed, abandonment not worse by the margin),
/// their intersection-union p-value (the largest) survives Holm's adjustment across the
/// sites at the rule's family-wise α, and the pilot's mean wait and officer busy hours have
/// reached the rule's relative precision.
pub(crate) fn decide(sites: &[&[Headline]], rule: &DecisionRule) -> Vec<Decision> {
    let samples = |h: &[Headline], k: Key| -> (Vec<f64>, Option<Vec<f64>>) {
        h.iter()
            .find(|x| x.key == k)
            .map_or((Vec::new(), None), |x| (x.samples.clone(), x.diffs.clone()))
    };
    let mut out: Vec<Decision> = sites
        .iter()
        .map(|h| {
            let (wait, wait_d) = samples(h, Key::MeanWait);
            let (busy, freed_d) = samples(h, Key::HoursFreed);
            let (_, aband_d) = samples(h, Key::AbandonedShare);
            let precision = relative_half_width(&wait).max(relative_half_width(&busy));
            let p = |d: &Option<Vec<f64>>, null: f64, side: Side| {
                d.as_deref().map_or(1.0, |d| one_sided_p(d, null, side))
            };
            let p_wait = p(&wait_d, 0.0, Side::Below);
            let p_freed = p(&freed_d, 0.0, Side::Above);
            let p_abandonment = p(&aband_d, rule.abandonment_margin_points, Side::Below);
            let harm = wait_d.as_deref().map(est).is_some_and(|e| e.ci95_low > 0.0);
            let verdict = if wait_d.is_none() || freed_d.is_none() || aband_d.is_none() {
                Verdict::Inconclusive
            } else if wait.len() < 2 {
                Verdict::InsufficientEvidence
            } else if harm {
                Verdict::DoNotExtend
            } else if precision.is_nan() || precision > rule.precision {
                Verdict::InsufficientEvidence
            } else {
                Verdict::Inconclusive
            };
            Decision {
                verdict,
                n: wait.len(),
                precision,
                p_wait,
                p_freed,
                p_abandonment,
                p_site: p_wait.max(p_freed).max(p_abandonment),
                p_holm: 1.0,
            }
        })
        .collect();
    let holm = holm_adjusted(&out.iter().map(|d| d.p_site).collect::<Vec<_>>());
    let holm_wait = holm_adjusted(&out.iter().map(|d| d.p_wait).collect::<Vec<_>>());
    for ((d, adj), adj_wait) in out.iter_mut().zip(holm).zip(holm_wait) {
        d.p_holm = adj;
        if d.verdict == Verdict::Inconclusive && d.n >= 2 {
            if adj <= rule.family_alpha {
                d.verdict = Verdict::Extend;
            } else if adj_wait <= rule.family_alpha {
                d.verdict = Verdict::ExtendWithCare;
            }
        }
    }
    out
}

/// One site's per-replication numbers, pilot and baseline, as [`verdicts_from`] takes them.
pub(crate) struct PairedSite {
    /// Mean wait, minutes: pilot, baseline.
    pub(crate) wait: (Vec<f64>, Vec<f64>),
    /// Officer busy hours: pilot, baseline.
    pub(crate) busy: (Vec<f64>, Vec<f64>),
    /// Share of arrivals who left unserved, percent: pilot, baseline.
    pub(crate) abandoned_pct: (Vec<f64>, Vec<f64>),
}

/// The verdicts `rule` gives sites known only by their paired numbers (the sensitivity
/// section's end runs): the same tests, Holm and precision as the summary's.
pub(crate) fn verdicts_from(sites: &[PairedSite], rule: &DecisionRule) -> Vec<Verdict> {
    let heads: Vec<Vec<Headline>> = sites
        .iter()
        .map(|s| {
            vec![
                headline(
                    spec(Key::MeanWait, "Mean wait", "", "min", 2, true),
                    &s.wait.0,
                    Some(&s.wait.1),
                ),
                headline(
                    spec(Key::HoursFreed, "Officer busy hours", "", "h", 0, false),
                    &s.busy.0,
                    Some(&s.busy.1),
                ),
                headline(
                    spec(Key::AbandonedShare, "Abandoned", "", "%", 2, true),
                    &s.abandoned_pct.0,
                    Some(&s.abandoned_pct.1),
                ),
            ]
        })
        .collect();
    let refs: Vec<&[Headline]> = heads.iter().map(Vec::as_slice).collect();
    decide(&refs, rule).into_iter().map(|d| d.verdict).collect()
}

impl Verdict {
    /// The verdict in a few words, for tables.
    pub(crate) fn short(self) -> &'static str {
        match self {
            Self::Extend => "extend",
            Self::ExtendWithCare => "extend with changes",
            Self::Inconclusive => "inconclusive",
            Self::DoNotExtend => "do not extend",
            Self::InsufficientEvidence => "insufficient evidence",
        }
    }

    /// The verdict in words, for the per-site sentences.
    pub(super) fn words(self) -> &'static str {
        match self {
            Self::Extend => "meets the extension rule",
            Self::ExtendWithCare => {
                "shorter waits, but the officer hours freed or the abandonment within its margin are not shown at the family-wise level: extend only with changes"
            }
            Self::Inconclusive => {
                "inconclusive: shorter waits are not shown at the family-wise level"
            }
            Self::DoNotExtend => "waits are longer with kiosks: do not extend as configured",
            Self::InsufficientEvidence => {
                "insufficient evidence: too few replications for the stated precision, so no verdict"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A headline of `key` whose pilot values are `pilot` and paired differences `diffs`.
    fn h(key: Key, pilot: &[f64], diffs: &[f64]) -> Headline {
        let unit = if key == Key::AbandonedShare { "%" } else { "x" };
        let baseline: Vec<f64> = pilot.iter().zip(diffs).map(|(p, d)| p - d).collect();
        let mut x = super::headline(spec(key, "m", "c", unit, 2, true), pilot, Some(&baseline));
        // Savings are baseline − pilot: keep the differences as given.
        x.diffs = Some(diffs.to_vec());
        x
    }

    /// A site: mean wait around 10 min (spread `spread`), wait change `wait`, hours freed
    /// `freed`, abandonment share change `aband` (percentage points), each ± a little noise.
    fn site(n: usize, spread: f64, wait: f64, freed: f64, aband: f64) -> Vec<Headline> {
        let noise: Vec<f64> = (0..n).map(|i| if i % 2 == 0 { -1.0 } else { 1.0 }).collect();
        let at = |c: f64, s: f64| noise.iter().map(|e| c + s * e).collect::<Vec<f64>>();
        vec![
            h(Key::MeanWait, &at(10.0, spread), &at(wait, 0.5)),
            h(Key::HoursFreed, &at(1000.0, spread * 100.0), &at(freed, 10.0)),
            h(Key::AbandonedShare, &at(2.0, 0.1), &at(aband, 0.05)),
        ]
    }

    fn verdicts(sites: &[Vec<Headline>], rule: &DecisionRule) -> Vec<Verdict> {
        let refs: Vec<&[Headline]> = sites.iter().map(Vec::as_slice).collect();
        decide(&refs, rule).into_iter().map(|d| d.verdict).collect()
    }

    const RULE: DecisionRule = DecisionRule::DEFAULT;

    #[test]
    fn one_replication_is_insufficient_evidence_never_extend() {
        // Issue 19: one replication printed "95 % CI -13.20 to -13.20 … extend".
        let one = site(1, 0.0, -13.2, 500.0, 0.0);
        assert_eq!(verdicts(&[one], &RULE), [Verdict::InsufficientEvidence]);
    }

    #[test]
    fn imprecise_headlines_give_no_verdict() {
        // Mean wait 10 ± 3 over four replications: a half-width far above 5 %.
        let loose = site(4, 3.0, -5.0, 500.0, 0.0);
        assert_eq!(verdicts(&[loose], &RULE), [Verdict::InsufficientEvidence]);
        let tight = site(20, 0.1, -5.0, 500.0, 0.0);
        assert_eq!(verdicts(&[tight], &RULE), [Verdict::Extend]);
    }

    #[test]
    fn abandonment_must_stay_within_the_margin() {
        // +0.3 points is within the 0.5-point margin; +0.8 points is not (the old rule asked
        // only that the interval not lie wholly above zero, so both failed, or both passed).
        let within = site(20, 0.1, -5.0, 500.0, 0.3);
        let beyond = site(20, 0.1, -5.0, 500.0, 0.8);
        assert_eq!(verdicts(&[within, beyond], &RULE), [Verdict::Extend, Verdict::ExtendWithCare]);
    }

    #[test]
    fn holm_controls_the_error_across_sites() {
        // Each site's p-value is about 0.03 alone; Holm over two asks 0.025 of the smaller.
        let borderline = || {
            let wait = [-0.2, 0.2, -1.4, 0.1, -0.9, -0.4, 0.3, -1.1, 0.0, -0.7];
            let mut s = site(10, 0.1, 0.0, 500.0, 0.0);
            s[0] =
                h(Key::MeanWait, &[10.0, 10.1, 9.9, 10.0, 10.1, 9.9, 10.0, 10.1, 9.9, 10.0], &wait);
            s
        };
        let p = one_sided_p(
            &[-0.2, 0.2, -1.4, 0.1, -0.9, -0.4, 0.3, -1.1, 0.0, -0.7],
            0.0,
            Side::Below,
        );
        assert!(p < 0.05 && p > 0.025, "fixture p = {p}");
        assert_eq!(verdicts(&[borderline()], &RULE), [Verdict::Extend]);
        assert_eq!(
            verdicts(&[borderline(), borderline()], &RULE),
            [Verdict::Inconclusive, Verdict::Inconclusive]
        );
    }

    #[test]
    fn longer_waits_are_do_not_extend_and_missing_baseline_inconclusive() {
        assert_eq!(verdicts(&[site(20, 0.1, 3.0, 500.0, 0.0)], &RULE), [Verdict::DoNotExtend]);
        let no_base =
            vec![super::headline(spec(Key::MeanWait, "m", "c", "min", 1, true), &[2.0, 4.0], None)];
        assert_eq!(verdicts(&[no_base], &RULE), [Verdict::Inconclusive]);
    }

    #[test]
    fn intervals_stay_in_their_range_and_say_how_they_were_made() {
        // A share near zero: 0.1, 0.1, 0.1, 3.9 % has a t interval reaching below zero.
        let x = super::headline(
            spec(Key::AbandonedShare, "Abandoned", "c", "%", 2, true),
            &[0.1, 0.1, 0.1, 3.9],
            None,
        );
        assert_eq!(x.pilot.ci95_low, 0.0);
        assert!(x.how().contains("clamped"), "{}", x.how());
        let one =
            super::headline(spec(Key::MeanWait, "m", "c", "min", 1, true), &[2.0], Some(&[3.0]));
        assert_eq!(one.how(), "none: one replication");
        assert!(one.phrase().contains("no interval"), "{}", one.phrase());
        let n = super::headline(
            spec(Key::MeanWait, "m", "c", "min", 1, true),
            &[2.0, 3.0],
            Some(&[3.0, 3.5]),
        );
        assert_eq!(n.how(), "paired t, 2 replications");
    }

    #[test]
    fn without_a_baseline_a_headline_shows_the_level() {
        let h = super::headline(
            spec(Key::MeanWait, "Mean wait", "pilot − baseline", "min", 1, true),
            &[2.0, 4.0],
            None,
        );
        assert_eq!(h.measure, "Mean wait");
        assert_eq!(h.row("A")[..4], ["A", "Mean wait", "min", "3.0"]);
        assert_eq!(h.row("A").len(), 7);
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
