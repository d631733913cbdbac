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
//!
//! A desk on duty is not a desk free for the line all the time: the share of on-duty desks
//! that were serving while someone waited is estimated from the same tickets
//! (`availability`), and the scenario gets the desks on duty times that share.

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

/// A desk's on-duty spell: the desk (its index where it served in the tickets), start and
/// end in local ms.
pub(crate) type Spell = (Option<usize>, i64, i64);

/// Desks on duty at site `s` by hour of the week, with the on-duty spells they come from.
pub(crate) fn staffing(
    data: &TicketData,
    s: usize,
    roster: Option<&[RosterShift]>,
    gap_minutes: f64,
) -> (StaffingFit, Vec<Spell>) {
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
    let (source, presence) = presence(data, s, roster, gap_minutes);
    let mut on = vec![0.0; 168];
    for &(_, a, b) in &presence {
        spread(&mut on, a, b);
    }
    per_date(&mut on, per_wd);
    let availability = availability(rows, &presence);
    let written = effective_desks(&on, availability.as_ref().map_or(1.0, |a| a.value));
    let fit = StaffingFit {
        site: data.sites.list[s].clone(),
        source,
        mean_on_duty: on,
        written,
        seen_serving: seen,
        availability,
    };
    (fit, presence)
}

/// Desks written to the scenario: the mean desks on duty times the share available to the
/// line, rounded per hour. A desk present for part of an hour still answers whoever comes:
/// at least one desk wherever one was on duty at all.
pub(crate) fn effective_desks(on: &[f64], share: f64) -> Vec<u32> {
    on.iter()
        .map(|&x| {
            let effective = (x * share).round().max(0.0) as u32;
            if x > 0.0 { effective.max(1) } else { 0 }
        })
        .collect()
}

/// The on-duty spells of site `s`'s desks (desk index where the desk served in the tickets,
/// start and end in local ms), from the roster or inferred from busy periods, with how they
/// were found.
fn presence(
    data: &TicketData,
    s: usize,
    roster: Option<&[RosterShift]>,
    gap_minutes: f64,
) -> (String, Vec<Spell>) {
    let site = &data.sites.list[s];
    let (lo, hi) =
        (data.first_day * crate::tickets::DAY_MS, (data.last_day + 1) * crate::tickets::DAY_MS);
    let mut spells = Vec::new();
    let source = match roster {
        Some(shifts) => {
            for r in shifts.iter().filter(|r| &r.site == site) {
                let (a, b) = (local_ms(&r.on_duty_from).max(lo), local_ms(&r.on_duty_to).min(hi));
                if a < b {
                    spells.push((data.desks[s].get(&r.desk), a, b));
                }
            }
            "roster".to_owned()
        }
        None => {
            let gap = (gap_minutes * MINUTE_MS as f64) as i64;
            let mut by_desk: Vec<Vec<(i64, i64)>> = vec![Vec::new(); data.desks[s].len()];
            for o in data.site_rows(s).iter().filter(|o| o.counter_line) {
                if let (Some(st), Some(f), Some(d)) = (o.started, o.finished, o.desk) {
                    by_desk[d].push((st, f.max(st)));
                }
            }
            for (d, busy) in by_desk.iter_mut().enumerate() {
                busy.sort_unstable();
                let mut cur: Option<(i64, i64)> = None;
                for &(a, b) in busy.iter() {
                    cur = match cur {
                        Some((ca, cb)) if a - cb <= gap && day_of(a) == day_of(cb) => {
                            Some((ca, cb.max(b)))
                        }
                        Some((ca, cb)) => {
                            spells.push((Some(d), ca, cb));
                            Some((a, b))
                        }
                        None => Some((a, b)),
                    };
                }
                spells.extend(cur.map(|(a, b)| (Some(d), a, b)));
            }
            format!("inferred from busy periods (gaps up to {gap_minutes} min count as present)")
        }
    };
    (source, spells)
}

/// Fewest moments with someone waiting for the availability to be estimated.
const MIN_WAITING_MOMENTS: usize = 30;

/// How long a request must have waited for its arrival to count as a moment with a line.
const WAITED_MS: i64 = 10 * 1000;

/// The share of on-duty desks that serve the line while someone waits in it.
///
/// A desk on duty is not always a desk taking the next person: officers also do back-office
/// work or take breaks. When a request has waited at least 10 s (served later, or abandoned),
/// there was a line at its arrival, and every desk then free to serve that request was
/// serving someone. At 5 s after each such arrival, the desks that can serve its service (they
/// served it somewhere in the records: a desk of other services is not idle for this line)
/// and are on duty are counted, and so are those of them serving; the share is the ratio of
/// the two sums, with a 95 % interval by the delta method over dates as clusters (waiting
/// moments on one day are not independent). `None` with fewer than 30 such moments.
fn availability(rows: &[crate::tickets::Obs], presence: &[Spell]) -> Option<Interval> {
    let desks = rows.iter().filter_map(|o| o.desk).max().map_or(0, |d| d + 1);
    let services = rows.iter().map(|o| o.service).max().map_or(0, |k| k + 1);
    // Per desk: the services it served and the spells it served them in.
    let mut serves = vec![vec![false; services]; desks];
    let mut busy: Vec<Vec<(i64, i64)>> = vec![Vec::new(); desks];
    for o in rows.iter().filter(|o| o.counter_line) {
        if let (Some(st), Some(f), Some(d)) = (o.started, o.finished, o.desk) {
            serves[d][o.service] = true;
            busy[d].push((st, f.max(st)));
        }
    }
    let mut on: Vec<Vec<(i64, i64)>> = vec![Vec::new(); desks];
    for &(d, a, b) in presence {
        if let Some(d) = d.filter(|&d| d < desks) {
            on[d].push((a, b));
        }
    }
    // Each desk's spells as (starts, running maximum of the ends), so that whether an instant
    // falls in one of them is a binary search, overlapping spells included.
    let reach = |mut spells: Vec<(i64, i64)>| -> (Vec<i64>, Vec<i64>) {
        spells.sort_unstable();
        let starts = spells.iter().map(|s| s.0).collect();
        let ends = spells
            .iter()
            .scan(i64::MIN, |m, s| {
                *m = (*m).max(s.1);
                Some(*m)
            })
            .collect();
        (starts, ends)
    };
    let busy: Vec<(Vec<i64>, Vec<i64>)> = busy.into_iter().map(reach).collect();
    let on: Vec<(Vec<i64>, Vec<i64>)> = on.into_iter().map(reach).collect();
    let covers = |(starts, ends): &(Vec<i64>, Vec<i64>), t: i64| {
        let k = starts.partition_point(|&a| a <= t);
        k > 0 && ends[k - 1] > t
    };
    // Per date: (desks serving, desks on duty) summed over its waiting moments.
    let mut days: std::collections::BTreeMap<i64, (f64, f64)> = Default::default();
    let mut moments = 0;
    for o in rows.iter().filter(|o| o.counter_line) {
        let waited = match (o.started, o.outcome) {
            (Some(st), _) => st - o.issued,
            (None, Outcome::Abandoned) => o.finished.map_or(0, |f| f - o.issued),
            (None, _) => 0,
        };
        if waited < WAITED_MS {
            continue;
        }
        let t = o.issued + 5 * 1000;
        let (mut present, mut serving) = (0u32, 0u32);
        for d in (0..desks).filter(|&d| serves[d][o.service]) {
            if covers(&on[d], t) {
                present += 1;
                serving += u32::from(covers(&busy[d], t));
            }
        }
        if present == 0 {
            continue;
        }
        let cell = days.entry(day_of(t)).or_default();
        cell.0 += f64::from(serving);
        cell.1 += f64::from(present);
        moments += 1;
    }
    if moments < MIN_WAITING_MOMENTS || days.len() < 2 {
        return None;
    }
    let (b, p): (f64, f64) = days.values().fold((0.0, 0.0), |a, c| (a.0 + c.0, a.1 + c.1));
    let ratio = b / p;
    let n = days.len() as f64;
    let p_mean = p / n;
    let ss: f64 = days.values().map(|(bd, pd)| (bd - ratio * pd).powi(2)).sum();
    let se = (ss / (n * (n - 1.0))).sqrt() / p_mean;
    Some(Interval {
        name: format!(
            "share of the desks on duty that serve the waiting request's service, serving while \
             it waits ({moments} moments, {} dates)",
            days.len()
        ),
        value: ratio,
        ci95_low: (ratio - 1.96 * se).max(0.0),
        ci95_high: (ratio + 1.96 * se).min(1.0),
    })
}

const DAYS: [Day; 7] = [Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri, Day::Sat, Day::Sun];

fn hhmm(h: usize) -> String {
    format!("{h:02}:00")
}

/// Counter groups of one desk each, desk `k` on duty in the hours where at least `k` desks
/// are written: the hour-of-week staffing as the scenario's shifts.
pub(crate) fn counters(written: &[u32]) -> Vec<RawCounter> {
    counters_of("desk", &[], written)
}

/// Desks on duty by group when the base scenario's counters are specialised.
///
/// A desk of the records belongs to the base group whose services cover every service it
/// served there, the narrowest such group (a desk of foreigners' services is not a desk of
/// every service); a desk on the roster that served nobody goes to the broadest group. Each
/// group's desks on duty by hour of the week, times `share` (the desks' availability to the
/// line, [`effective_desks`]), become counters of that group's services, named after it
/// (`foreigners-1`, `foreigners-2`, …; a base name's own trailing desk number is dropped, so
/// a calibrated scenario used as a base keeps its names).
///
/// `Ok(None)` where the base has no specialised group (every group serves everything): the
/// desks are pooled as before. `Err` names a desk whose services no one group covers.
pub(crate) fn grouped_counters(
    data: &TicketData,
    s: usize,
    presence: &[Spell],
    base: &[RawCounter],
    share: f64,
) -> Result<Option<Vec<RawCounter>>, String> {
    if base.iter().all(|c| c.services.is_empty()) {
        return Ok(None);
    }
    // Base groups with one service list each, in the base's order; `None` serves everything.
    let mut groups: Vec<(String, Option<std::collections::BTreeSet<&str>>)> = Vec::new();
    for c in base {
        let services = (!c.services.is_empty()).then(|| {
            c.services.iter().map(String::as_str).collect::<std::collections::BTreeSet<_>>()
        });
        if !groups.iter().any(|g| g.1 == services) {
            groups.push((family(&c.id).to_owned(), services));
        }
    }
    let width =
        |g: &Option<std::collections::BTreeSet<&str>>| g.as_ref().map_or(usize::MAX, |x| x.len());
    let broadest = (0..groups.len()).max_by_key(|&g| (width(&groups[g].1), std::cmp::Reverse(g)));
    let desks = &data.desks[s];
    let mut served = vec![std::collections::BTreeSet::new(); desks.len()];
    for o in data.site_rows(s).iter().filter(|o| o.counter_line) {
        if let (Some(_), Some(d)) = (o.started, o.desk) {
            served[d].insert(data.services.list[o.service].as_str());
        }
    }
    let mut group_of = Vec::with_capacity(desks.len());
    for (d, seen) in served.iter().enumerate() {
        let fits = (0..groups.len())
            .filter(|&g| groups[g].1.as_ref().is_none_or(|list| seen.is_subset(list)))
            .min_by_key(|&g| (width(&groups[g].1), g));
        match if seen.is_empty() { broadest } else { fits } {
            Some(g) => group_of.push(g),
            None => {
                return Err(format!(
                    "desk {} served {} but no counter group of the base offers them all",
                    desks.list[d],
                    seen.iter().copied().collect::<Vec<_>>().join(", ")
                ));
            }
        }
    }
    let per_wd = data.dates_per_weekday();
    let mut on = vec![vec![0.0; 168]; groups.len()];
    for &(d, a, b) in presence {
        let g = match d {
            Some(d) => group_of.get(d).copied(),
            None => broadest,
        };
        if let Some(g) = g {
            spread(&mut on[g], a, b);
        }
    }
    let mut out = Vec::new();
    for (g, (name, services)) in groups.iter().enumerate() {
        per_date(&mut on[g], per_wd);
        let services: Vec<String> = services.iter().flatten().map(|x| (*x).to_owned()).collect();
        out.extend(counters_of(name, &services, &effective_desks(&on[g], share)));
    }
    Ok(Some(out))
}

/// A counter group's name without a trailing desk number (`foreigners-2` → `foreigners`).
fn family(id: &str) -> &str {
    match id.rsplit_once('-') {
        Some((head, n))
            if !head.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) =>
        {
            head
        }
        _ => id,
    }
}

/// Counters named `{name}-{k}` serving `services` (empty: all), desk `k` on duty in the hours
/// where at least `k` desks are written.
fn counters_of(name: &str, services: &[String], written: &[u32]) -> Vec<RawCounter> {
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
                id: format!("{name}-{k}"),
                count: 1,
                services: services.to_vec(),
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
        days: Vec::new(),
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
