//! Kiosk failures and repairs from the kiosk log: per site and component, failures over
//! kiosk-hours up (a Poisson rate with Garwood's interval, competing risks: each
//! component's rate over the same exposure) and the repair times.
//!
//! Every kiosk is taken as up at the start of the period; the time until the period's end
//! counts as up or down as its last state says. A down spell's repair time goes to the
//! component whose failure began it.
//!
//! Two exposures are kept: kiosk-hours up over calendar time (the whole-device failures of
//! a kiosk group run on calendar time) and kiosk-hours up while the site is open (its
//! components' failures run on operating hours). Opening hours are the scenario's weekly
//! ones, holidays not taken out, and an hour's open minutes are taken as spread evenly
//! over it.

use std::collections::BTreeMap;

use navbat_fit::garwood_interval;
use navbat_record::calibration::{Interval, KioskFailureFit};
use navbat_records::{KioskEvent, KioskState};

use crate::arrivals::OpenMinutes;
use crate::tickets::{DAY_MS, HOUR_MS, TicketData, local_ms, weekday_of_day};

/// One state change of a kiosk: local ms, new state, failed component.
type Change<'a> = (i64, KioskState, Option<&'a str>);

/// Kiosk log of one site: the fits per component (and `all`), the repair times (hours) and
/// the kiosks seen.
pub(crate) struct SiteKiosks {
    pub(crate) fits: Vec<KioskFailureFit>,
    pub(crate) repairs_h: Vec<f64>,
    pub(crate) kiosks: usize,
    /// Failures and kiosk-hours up (all components).
    pub(crate) total: (u64, f64),
    /// Kiosk-hours up while the site is open.
    pub(crate) up_open_hours: f64,
    /// Failures per component named in the log (`unknown` where none is).
    pub(crate) failures: BTreeMap<String, u64>,
    /// Repair times (hours) per component that began the down spell.
    pub(crate) repairs: BTreeMap<String, Vec<f64>>,
}

/// Hours the site is open between local instants `a` and `b` (ms) under `open`.
fn open_hours_between(open: &OpenMinutes, a: i64, b: i64) -> f64 {
    let mut total_min = 0.0;
    let mut hour = a.div_euclid(HOUR_MS);
    while hour * HOUR_MS < b {
        let (lo, hi) = ((hour * HOUR_MS).max(a), ((hour + 1) * HOUR_MS).min(b));
        let day = hour.div_euclid(24);
        let minutes = open[weekday_of_day(day)][hour.rem_euclid(24) as usize];
        total_min += minutes * (hi - lo) as f64 / HOUR_MS as f64;
        hour += 1;
    }
    total_min / 60.0
}

/// Reads the kiosk log rows of site `s`, open as `open` says.
pub(crate) fn site_kiosks(
    data: &TicketData,
    s: usize,
    log: &[KioskEvent],
    open: &OpenMinutes,
) -> SiteKiosks {
    let site = &data.sites.list[s];
    let (lo, hi) = (data.first_day * DAY_MS, (data.last_day + 1) * DAY_MS);
    let mut per_kiosk: BTreeMap<&str, Vec<Change<'_>>> = BTreeMap::new();
    for e in log.iter().filter(|e| &e.site == site) {
        per_kiosk.entry(&e.kiosk).or_default().push((
            local_ms(&e.at),
            e.state,
            e.component.as_deref(),
        ));
    }
    let mut up_ms = 0i64;
    let mut up_open_hours = 0.0;
    let mut failures: BTreeMap<String, u64> = BTreeMap::new();
    let mut repairs: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for events in per_kiosk.values_mut() {
        events.sort_by_key(|e| e.0);
        let (mut up, mut since, mut down_cause) = (true, lo, String::new());
        for &(at, state, component) in events.iter() {
            let at = at.clamp(lo, hi);
            match (up, state) {
                (true, KioskState::Down) => {
                    up_ms += at - since;
                    up_open_hours += open_hours_between(open, since, at);
                    let c = component.unwrap_or("unknown").to_owned();
                    *failures.entry(c.clone()).or_default() += 1;
                    down_cause = c;
                    (up, since) = (false, at);
                }
                (false, KioskState::Up) => {
                    repairs
                        .entry(down_cause.clone())
                        .or_default()
                        .push((at - since) as f64 / HOUR_MS as f64);
                    (up, since) = (true, at);
                }
                _ => {}
            }
        }
        if up {
            up_ms += hi - since;
            up_open_hours += open_hours_between(open, since, hi);
        }
    }
    let up_hours = up_ms as f64 / HOUR_MS as f64;
    let fit = |component: &str, n: u64, rep: &[f64]| {
        let (lo_rate, hi_rate) = garwood_interval(n, up_hours.max(f64::MIN_POSITIVE));
        KioskFailureFit {
            site: site.clone(),
            component: component.to_owned(),
            failures: n,
            up_hours,
            mtbf_hours: Interval {
                name: "mean time between failures, hours".into(),
                value: if n > 0 { up_hours / n as f64 } else { f64::INFINITY.min(f64::MAX) },
                ci95_low: if hi_rate > 0.0 { 1.0 / hi_rate } else { 0.0 },
                ci95_high: if lo_rate > 0.0 { 1.0 / lo_rate } else { f64::MAX },
            },
            repairs: rep.len() as u64,
            mean_repair_hours: if rep.is_empty() {
                0.0
            } else {
                rep.iter().sum::<f64>() / rep.len() as f64
            },
        }
    };
    let all_repairs: Vec<f64> = repairs.values().flatten().copied().collect();
    let total: u64 = failures.values().sum();
    let mut fits: Vec<KioskFailureFit> = failures
        .iter()
        .map(|(c, &n)| fit(c, n, repairs.get(c).map_or(&[][..], Vec::as_slice)))
        .collect();
    fits.push(fit("all", total, &all_repairs));
    SiteKiosks {
        fits,
        repairs_h: all_repairs,
        kiosks: per_kiosk.len(),
        total: (total, up_hours),
        up_open_hours,
        failures,
        repairs,
    }
}
