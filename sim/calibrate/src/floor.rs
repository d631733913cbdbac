//! The floor: opening hours and desks on duty by hour of the week, and balking against the
//! counter line seen on arrival.
//!
//! Desks on duty come from the roster when there is one. Without a roster they are inferred
//! from the tickets: a desk counts as present while it serves, and through a gap between two
//! of its services when the gap is at most `gap_minutes` (a short pause or an idle spell with
//! nobody to call); a longer gap, and the time before its first and after its last service
//! of a day, count as absent. The naive count — every desk that started a service in the
//! hour counts as a whole desk for the hour — is kept beside it: it overstates the staffing
//! of hours in which desks came and went (docs/evidence: 2.6 % predicted abandonment
//! against 12.9 % measured on the bank month).

use navbat_fit::{ProportionInterval, proportion_interval};
use navbat_record::calibration::{BalkingFit, Interval, StaffingFit};
use navbat_records::{Outcome, RosterShift};
use navbat_scenario::{Day, RawCounter, RawHours, RawShift};

use crate::tickets::{HOUR_MS, MINUTE_MS, TicketData, day_of, hour_of_week, local_ms};

/// Adds the time of `[a, b)` (local ms) to the hour-of-week cells it covers, in desk-hours.
fn spread(cells: &mut [f64], a: i64, b: i64) {
    let mut t = a;
    while t < b {
        let next = ((t.div_euclid(HOUR_MS)) + 1) * HOUR_MS;
        let end = next.min(b);
        cells[hour_of_week(t)] += (end - t) as f64 / HOUR_MS as f64;
        t = end;
    }
}

/// Divides hour-of-week sums by the number of dates of each weekday.
fn per_date(cells: &mut [f64], per_wd: [u32; 7]) {
    for (i, c) in cells.iter_mut().enumerate() {
        *c /= f64::from(per_wd[i / 24].max(1));
    }
}

/// Desks on duty at site `s` by hour of the week.
pub(crate) fn staffing(
    data: &TicketData,
    s: usize,
    roster: Option<&[RosterShift]>,
    gap_minutes: f64,
) -> StaffingFit {
    let per_wd = data.dates_per_weekday();
    let rows = data.site_rows(s);
    let mut seen = vec![0.0; 168];
    {
        let mut seen_set = std::collections::BTreeSet::new();
        for o in rows.iter().filter(|o| o.counter_line) {
            if let (Some(st), Some(d)) = (o.started, o.desk) {
                seen_set.insert((st.div_euclid(HOUR_MS), d));
            }
        }
        for (hour, _) in seen_set {
            seen[hour_of_week(hour * HOUR_MS)] += 1.0;
        }
        per_date(&mut seen, per_wd);
    }
    let mut on = vec![0.0; 168];
    let source;
    let site = &data.sites.list[s];
    let (lo, hi) =
        (data.first_day * crate::tickets::DAY_MS, (data.last_day + 1) * crate::tickets::DAY_MS);
    match roster {
        Some(shifts) => {
            source = "roster".to_owned();
            for r in shifts.iter().filter(|r| &r.site == site) {
                let (a, b) = (local_ms(&r.on_duty_from).max(lo), local_ms(&r.on_duty_to).min(hi));
                if a < b {
                    spread(&mut on, a, b);
                }
            }
        }
        None => {
            source = format!(
                "inferred from busy periods (gaps up to {gap_minutes} min count as present)"
            );
            let gap = (gap_minutes * MINUTE_MS as f64) as i64;
            let mut by_desk: Vec<Vec<(i64, i64)>> = vec![Vec::new(); data.desks[s].len()];
            for o in rows.iter().filter(|o| o.counter_line) {
                if let (Some(st), Some(f), Some(d)) = (o.started, o.finished, o.desk) {
                    by_desk[d].push((st, f.max(st)));
                }
            }
            for busy in &mut by_desk {
                busy.sort_unstable();
                let mut cur: Option<(i64, i64)> = None;
                for &(a, b) in busy.iter() {
                    cur = match cur {
                        Some((ca, cb)) if a - cb <= gap && day_of(a) == day_of(cb) => {
                            Some((ca, cb.max(b)))
                        }
                        Some((ca, cb)) => {
                            spread(&mut on, ca, cb);
                            Some((a, b))
                        }
                        None => Some((a, b)),
                    };
                }
                if let Some((ca, cb)) = cur {
                    spread(&mut on, ca, cb);
                }
            }
        }
    }
    per_date(&mut on, per_wd);
    let written = on.iter().map(|&x| x.round().max(0.0) as u32).collect();
    StaffingFit { site: site.clone(), source, mean_on_duty: on, written, seen_serving: seen }
}

const DAYS: [Day; 7] = [Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri, Day::Sat, Day::Sun];

fn hhmm(h: usize) -> String {
    format!("{h:02}:00")
}

/// Counter groups of one desk each, desk `k` on duty in the hours where at least `k` desks
/// are written: the hour-of-week staffing as the scenario's shifts.
pub(crate) fn counters(written: &[u32]) -> Vec<RawCounter> {
    let top = written.iter().copied().max().unwrap_or(0);
    (1..=top)
        .map(|k| {
            // (start hour, end hour) → days.
            let mut runs: std::collections::BTreeMap<(usize, usize), Vec<Day>> = Default::default();
            for (wd, day) in DAYS.iter().enumerate() {
                let mut h = 0;
                while h < 24 {
                    if written[wd * 24 + h] >= k {
                        let start = h;
                        while h < 24 && written[wd * 24 + h] >= k {
                            h += 1;
                        }
                        runs.entry((start, h)).or_default().push(*day);
                    } else {
                        h += 1;
                    }
                }
            }
            RawCounter {
                id: format!("desk-{k}"),
                count: 1,
                services: Vec::new(),
                shifts: runs
                    .into_iter()
                    .map(|((a, b), days)| RawShift {
                        days,
                        time: format!("{}-{}", hhmm(a), hhmm(b)),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Opening hours from the arrivals: on each weekday, from the first to the last hour with
/// at least half an arrival per date on average (Monday to Friday share one range, their
/// union, as the scenario has one list for them).
pub(crate) fn opening_hours(data: &TicketData, s: usize) -> RawHours {
    let per_wd = data.dates_per_weekday();
    let mut mean = [[0.0f64; 24]; 7];
    for o in data.site_rows(s).iter().filter(|o| o.on_floor()) {
        let how = hour_of_week(o.issued);
        mean[how / 24][how % 24] += 1.0 / f64::from(per_wd[how / 24].max(1));
    }
    let range = |rows: &[[f64; 24]]| -> Vec<String> {
        let busy: Vec<usize> = (0..24).filter(|&h| rows.iter().any(|r| r[h] >= 0.5)).collect();
        match (busy.first(), busy.last()) {
            (Some(&a), Some(&b)) => vec![format!("{}-{}", hhmm(a), hhmm(b + 1))],
            _ => Vec::new(),
        }
    };
    RawHours {
        weekdays: range(&mean[0..5]),
        saturday: range(&mean[5..6]),
        sunday: range(&mean[6..7]),
        open_on_holidays: true,
    }
}

/// Counter-line length seen by each ticket of site `s` in the counter line on arrival
/// (people issued earlier, not yet called, not yet gone; pickups at counters included), in the order of `data.site_rows(s)`.
pub(crate) fn line_seen(data: &TicketData, s: usize) -> Vec<Option<u32>> {
    let rows = data.site_rows(s);
    // Departures from the line: (time, +/-).
    let mut leave: Vec<i64> = Vec::new();
    for o in rows.iter().filter(|o| o.counter_line) {
        let joined = !matches!(o.outcome, Outcome::Balked | Outcome::Redirected);
        if joined {
            let out = o.started.or(o.finished).unwrap_or(o.issued);
            leave.push(out.max(o.issued));
        }
    }
    leave.sort_unstable();
    let mut seen = Vec::with_capacity(rows.len());
    let (mut joined_before, mut li) = (0u32, 0usize);
    let mut left = 0u32;
    for o in rows {
        while li < leave.len() && leave[li] <= o.issued {
            li += 1;
            left += 1;
        }
        if o.counter_line {
            seen.push(Some(joined_before.saturating_sub(left)));
            if !matches!(o.outcome, Outcome::Balked | Outcome::Redirected) {
                joined_before += 1;
            }
        } else {
            seen.push(None);
        }
    }
    seen
}

/// Balking of one segment: the step rule (nobody below a threshold, probability p at and
/// above) whose two-share Bernoulli likelihood is highest.
pub(crate) fn balking(segment: &str, by_length: &[(u64, u64)]) -> Option<BalkingFit> {
    let arrivals: u64 = by_length.iter().map(|x| x.0).sum();
    let balked: u64 = by_length.iter().map(|x| x.1).sum();
    if balked == 0 {
        return None;
    }
    let ll = |k: u64, n: u64| {
        if k == 0 || k == n {
            0.0
        } else {
            let p = k as f64 / n as f64;
            k as f64 * p.ln() + (n - k) as f64 * (1.0 - p).ln()
        }
    };
    let mut best = (f64::NEG_INFINITY, 1usize);
    for t in 1..by_length.len() {
        let (nb, kb) = by_length[..t].iter().fold((0, 0), |a, x| (a.0 + x.0, a.1 + x.1));
        let (na, ka) = (arrivals - nb, balked - kb);
        if na == 0 {
            break;
        }
        let l = ll(kb, nb) + ll(ka, na);
        if l > best.0 {
            best = (l, t);
        }
    }
    let t = best.1;
    let (nb, kb) = by_length[..t].iter().fold((0, 0), |a, x| (a.0 + x.0, a.1 + x.1));
    let (na, ka) = (arrivals - nb, balked - kb);
    let iv = |name: &str, k: u64, n: u64| {
        let (lo, hi) = proportion_interval(k, n, ProportionInterval::Wilson);
        Interval {
            name: name.into(),
            value: k as f64 / n.max(1) as f64,
            ci95_low: lo,
            ci95_high: hi,
        }
    };
    Some(BalkingFit {
        segment: segment.to_owned(),
        arrivals,
        balked,
        by_length: by_length.iter().enumerate().map(|(l, x)| (l as u32, x.0, x.1)).collect(),
        threshold: t as u32,
        above: iv("balking at or above the threshold", ka, na),
        below: iv("balking below the threshold", kb, nb),
    })
}
