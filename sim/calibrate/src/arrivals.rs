//! Arrivals: the scenario's non-homogeneous Poisson process fitted by maximum likelihood.
//!
//! The engine's rate at date `d`, hour `h` is proportional to `weekday[wd(d)] ×
//! month[m(d)] × hour_of_day[h]` per open hour. With counts `n(d, h)` and open fractions
//! `e(d, h)` of each hour under the scenario's opening hours, the Poisson log-likelihood of
//! this log-linear model with three main effects is maximised by iterative proportional
//! fitting (each factor in turn set so that fitted totals match observed totals of its
//! margin; Bishop, Fienberg & Holland 1975, ch. 3), which converges to the MLE. The yearly
//! volume the scenario holds is then the fitted rate summed over the 365 days from the
//! horizon's start, as the engine spreads it.

use navbat_fit::{dispersion_test_by_group, garwood_interval};
use navbat_record::calibration::{ArrivalFit, DispersionTest, Interval};

use crate::CalibrateError;
use crate::tickets::{DAY_MS, TicketData, day_of, hour_of, month_of_day, weekday_of_day};

/// Open minutes of each hour of each weekday (Monday = 0) under some opening hours.
pub(crate) type OpenMinutes = [[f64; 24]; 7];

/// Parses `"HH:MM-HH:MM"` ranges into open minutes per hour (bad text opens nothing; the
/// scenario's own validation names it).
pub(crate) fn open_minutes(hours: &navbat_scenario::RawHours) -> OpenMinutes {
    let mut out = [[0.0; 24]; 7];
    let parse = |t: &str| -> Option<(u32, u32)> {
        let (a, b) = t.split_once('-')?;
        let m = |x: &str| -> Option<u32> {
            let (h, mi) = x.trim().split_once(':')?;
            Some(h.parse::<u32>().ok()? * 60 + mi.parse::<u32>().ok()?)
        };
        Some((m(a)?, m(b)?))
    };
    for (wd, row) in out.iter_mut().enumerate() {
        let list = match wd {
            5 => &hours.saturday,
            6 => &hours.sunday,
            _ => &hours.weekdays,
        };
        for (a, b) in list.iter().filter_map(|t| parse(t)) {
            for (h, cell) in row.iter_mut().enumerate() {
                let (lo, hi) = (h as u32 * 60, h as u32 * 60 + 60);
                let overlap = hi.min(b).saturating_sub(lo.max(a));
                *cell += f64::from(overlap);
            }
        }
    }
    out
}

/// The fitted process of one site.
pub(crate) struct SiteArrivals {
    pub(crate) fit: ArrivalFit,
    /// Arrivals per service (scenario order).
    pub(crate) per_service: Vec<u64>,
    /// Yearly volume per service.
    pub(crate) yearly: Vec<f64>,
}

/// Fits the arrivals of site `s` under `open` (its scenario opening hours); the scenario's
/// horizon starts on day number `horizon_start`.
pub(crate) fn fit_site(
    data: &TicketData,
    s: usize,
    open: &OpenMinutes,
    horizon_start: i64,
) -> Result<SiteArrivals, CalibrateError> {
    let days = data.days() as usize;
    let mut counts = vec![[0u64; 24]; days];
    let mut per_service = vec![0u64; data.services.len()];
    let mut outside = 0u64;
    let mut total = 0u64;
    for o in data.site_rows(s).iter().filter(|o| o.arrival()) {
        let d = (day_of(o.issued) - data.first_day) as usize;
        let (h, wd) = (hour_of(o.issued), weekday_of_day(day_of(o.issued)));
        if open[wd][h] <= 0.0 {
            outside += 1;
            continue;
        }
        counts[d][h] += 1;
        per_service[o.service] += 1;
        total += 1;
    }
    let day_no = |i: usize| data.first_day + i as i64;
    let expo = |i: usize, h: usize| open[weekday_of_day(day_no(i))][h] / 60.0;
    // Iterative proportional fitting of weekday × month × hour.
    let (mut w, mut m, mut hr) = ([1.0f64; 7], [1.0f64; 12], [1.0f64; 24]);
    let mut n_w = [0.0; 7];
    let mut n_m = [0.0; 12];
    let mut n_h = [0.0; 24];
    for (i, row) in counts.iter().enumerate() {
        for (h, &c) in row.iter().enumerate() {
            n_w[weekday_of_day(day_no(i))] += c as f64;
            n_m[month_of_day(day_no(i)) - 1] += c as f64;
            n_h[h] += c as f64;
        }
    }
    let months_seen: Vec<u8> = (0..days)
        .map(|i| month_of_day(day_no(i)) as u8)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    for _ in 0..500 {
        let mut change = 0.0f64;
        let mut den_w = [0.0; 7];
        for i in 0..days {
            let (wd, mo) = (weekday_of_day(day_no(i)), month_of_day(day_no(i)) - 1);
            for (h, r) in hr.iter().enumerate() {
                den_w[wd] += expo(i, h) * m[mo] * r;
            }
        }
        for k in 0..7 {
            let new = if den_w[k] > 0.0 { n_w[k] / den_w[k] } else { 0.0 };
            change = change.max((new - w[k]).abs() / new.max(1e-300));
            w[k] = new;
        }
        let mut den_m = [0.0; 12];
        for i in 0..days {
            let (wd, mo) = (weekday_of_day(day_no(i)), month_of_day(day_no(i)) - 1);
            for (h, r) in hr.iter().enumerate() {
                den_m[mo] += expo(i, h) * w[wd] * r;
            }
        }
        for k in 0..12 {
            if den_m[k] > 0.0 {
                let new = n_m[k] / den_m[k];
                change = change.max((new - m[k]).abs() / new.max(1e-300));
                m[k] = new;
            }
        }
        let mut den_h = [0.0; 24];
        for i in 0..days {
            let (wd, mo) = (weekday_of_day(day_no(i)), month_of_day(day_no(i)) - 1);
            for (h, d) in den_h.iter_mut().enumerate() {
                *d += expo(i, h) * w[wd] * m[mo];
            }
        }
        for k in 0..24 {
            let new = if den_h[k] > 0.0 { n_h[k] / den_h[k] } else { 0.0 };
            change = change.max((new - hr[k]).abs() / new.max(1e-300));
            hr[k] = new;
        }
        if change < 1e-10 {
            break;
        }
    }
    // Months without data: the mean of those with.
    let seen_mean = months_seen.iter().map(|&k| m[usize::from(k) - 1]).sum::<f64>()
        / months_seen.len().max(1) as f64;
    for (k, v) in m.iter_mut().enumerate() {
        if !months_seen.contains(&(k as u8 + 1)) {
            *v = seen_mean;
        }
    }
    // Scale: weekday weights to mean 1 over open weekdays, months to mean 1, hours carry it.
    let rate = |day: i64, h: usize| {
        w[weekday_of_day(day)] * m[month_of_day(day) - 1] * hr[h] * open[weekday_of_day(day)][h]
            / 60.0
    };
    let volume: f64 =
        (0..365).map(|i| (0..24).map(|h| rate(horizon_start + i, h)).sum::<f64>()).sum();
    let mut observed = vec![0.0; 168];
    let mut fitted = vec![0.0; 168];
    let per_wd = data.dates_per_weekday();
    for (i, row) in counts.iter().enumerate() {
        let wd = weekday_of_day(day_no(i));
        for (h, &c) in row.iter().enumerate() {
            observed[wd * 24 + h] += c as f64 / f64::from(per_wd[wd]);
            fitted[wd * 24 + h] += rate(day_no(i), h) / f64::from(per_wd[wd]);
        }
    }
    // Daily counts of open days, one mean per weekday and month (the fitted model's
    // factors over a day).
    let mut daily = Vec::new();
    let mut groups = Vec::new();
    for (i, row) in counts.iter().enumerate() {
        let wd = weekday_of_day(day_no(i));
        if open[wd].iter().any(|&x| x > 0.0) {
            daily.push(row.iter().sum::<u64>());
            groups.push(wd + 7 * (month_of_day(day_no(i)) - 1));
        }
    }
    // Too few days (one per weekday and month or fewer) leave nothing to test: said, not
    // made up.
    let dispersion = dispersion_test_by_group(&daily, &groups).ok().map(|d| DispersionTest {
        index: d.index,
        statistic: d.statistic,
        df: d.df,
        p_over: d.p_over,
    });
    let scale = if total > 0 { volume / total as f64 } else { 0.0 };
    let interval = |name: String, n: u64| {
        let (lo, hi) = garwood_interval(n, 1.0);
        Interval { name, value: n as f64 * scale, ci95_low: lo * scale, ci95_high: hi * scale }
    };
    let yearly = interval("requests a year".into(), total);
    let phi = dispersion.as_ref().map_or(1.0, |d| d.index.max(1.0));
    let half = navbat_fit::Z_SCORE_95 * (phi * total as f64).sqrt() * scale;
    let yearly_quasi = Interval {
        name: "requests a year (quasi-Poisson)".into(),
        value: yearly.value,
        ci95_low: (yearly.value - half).max(0.0),
        ci95_high: yearly.value + half,
    };
    let yearly_by_service: Vec<f64> = per_service.iter().map(|&n| n as f64 * scale).collect();
    let fit = ArrivalFit {
        site: data.sites.list[s].clone(),
        arrivals: total,
        days: data.days() as u32,
        yearly,
        yearly_quasi,
        per_service: per_service
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(k, &n)| {
                (data.services.list[k].clone(), n, interval("requests a year".into(), n))
            })
            .collect(),
        dispersion,
        weekday: w.to_vec(),
        hour: hr.to_vec(),
        month: m.to_vec(),
        months_seen,
        observed_hour_of_week: observed,
        fitted_hour_of_week: fitted,
        outside_hours: outside,
    };
    let _ = DAY_MS;
    Ok(SiteArrivals { fit, per_service, yearly: yearly_by_service })
}
