//! Kiosk adoption: a segment's kiosk share over the months, a logistic trend by maximum
//! likelihood (`navbat_fit::logistic_trend`), and what it writes into the scenario.

use navbat_fit::logistic_trend;
use navbat_record::calibration::{AdoptionFit, Interval};
use navbat_records::Channel;

use crate::tickets::{TicketData, date_of_day, day_of};

/// Days in an average month, the trend's unit of time.
const MONTH_DAYS: f64 = 365.25 / 12.0;

/// The kiosk share of segment `g` by calendar month, among its requests at a site and service
/// that offered a kiosk and another channel (`offered[site][service]`: kiosk, counter,
/// portal seen), with the logistic trend over time in months since the records' first day;
/// its share on `horizon` (first and last day numbers) with intervals. `None` with fewer than
/// two months, or when the trend has no finite maximum (a share of 0 or 1 throughout).
pub(crate) fn kiosk_adoption(
    data: &TicketData,
    g: usize,
    offered: &[Vec<[bool; 3]>],
    horizon: (i64, i64),
) -> Option<AdoptionFit> {
    // Per calendar month: (sum of positions in months, kiosk, all).
    let mut months: std::collections::BTreeMap<(i16, i8), (f64, u64, u64)> = Default::default();
    for o in data.rows.iter().filter(|o| o.segment == g && o.arrival()) {
        let [kiosk, counter, portal] = offered[o.site][o.service];
        if !(kiosk && (counter || portal)) {
            continue;
        }
        let is_kiosk = match o.channel {
            Channel::Kiosk => true,
            Channel::Counter | Channel::Portal => false,
            _ => continue,
        };
        let day = day_of(o.issued);
        let date = date_of_day(day);
        let cell = months.entry((date.year(), date.month())).or_default();
        cell.0 += (day - data.first_day) as f64 / MONTH_DAYS;
        cell.1 += u64::from(is_kiosk);
        cell.2 += 1;
    }
    if months.len() < 2 {
        return None;
    }
    let monthly: Vec<(f64, u64, u64)> =
        months.values().map(|&(t, k, n)| (t / n as f64, k, n)).collect();
    let times: Vec<f64> = monthly.iter().map(|m| m.0).collect();
    let kiosk: Vec<u64> = monthly.iter().map(|m| m.1).collect();
    let all: Vec<u64> = monthly.iter().map(|m| m.2).collect();
    let trend = logistic_trend(&times, &kiosk, &all).ok()?;
    let at = |day: i64| {
        let (value, ci95_low, ci95_high) =
            trend.share_at((day - data.first_day) as f64 / MONTH_DAYS);
        Interval {
            name: format!("kiosk share on {}", date_of_day(day)),
            value,
            ci95_low,
            ci95_high,
        }
    };
    let p = |name: &str, q: &navbat_fit::Parameter| Interval {
        name: name.into(),
        value: q.value,
        ci95_low: q.ci95_low,
        ci95_high: q.ci95_high,
    };
    Some(AdoptionFit {
        segment: data.segments.list[g].clone(),
        monthly,
        parameters: vec![
            p("intercept (log-odds on the first day)", &trend.intercept),
            p("slope (log-odds per month)", &trend.slope),
        ],
        start: at(horizon.0),
        end: at(horizon.1),
    })
}

/// Whether the trend's slope is told apart from no trend (its 95 % interval excludes 0).
pub(crate) fn trend_is_clear(fit: &AdoptionFit) -> bool {
    fit.parameters.get(1).is_some_and(|s| s.ci95_low > 0.0 || s.ci95_high < 0.0)
}
