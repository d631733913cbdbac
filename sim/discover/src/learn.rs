//! What a case log teaches about its back office: the control flow as successions with rare
//! ones filtered as noise, the case arrival process, activity processing times fitted with
//! navbat-fit, resource roles with their sizes and weekday × hour calendars, and the list of
//! what could not be learned. `navbat discover` turns this into the project's scenario and
//! service files.
//!
//! # Method
//!
//! - **Successions**: in each case's instance sequence (by start, then end), every directly
//!   following pair, with `START` before the first and `END` after the last. A succession
//!   whose share of its source's outgoing successions is below the noise threshold (default
//!   2 %) is dropped and the rest renormalised; how many were dropped, and how many cases
//!   held one, is reported.
//! - **Arrivals**: case starts counted by month, weekday and hour of the log's wall clock,
//!   and a piecewise-constant Poisson rate per hour of the week (`navbat_fit::piecewise_rate`,
//!   Garwood intervals) over the whole weeks the log spans.
//! - **Resource roles**: each resource's profile is the set of activities making at least
//!   10 % of its instances; resources with the same profile form a role. A role is on duty in
//!   an hour of the week when its members were active then in at least a quarter of the
//!   observed weeks (default); a role seen too rarely to show its hours that way (fewer than
//!   half the office's hours pass) takes the office's working hours, every resource pooled.
//!   The role's size is its number of members.
//! - **Processing times** (minutes): from `start`/`complete` pairs where the log has them.
//!   Otherwise an instance's work is taken to begin when both the case (its previous instance
//!   ended) and the resource (its previous instance ended) were free, and only the resource's
//!   role's on-duty hours in between count: waiting for an absent officer is not work. The
//!   family is chosen by AIC among exponential, gamma, lognormal and Weibull
//!   (`navbat_fit::select_by_aic`).
//! - **The office's working hours**: the hours of the week in which any resource was active
//!   in at least a quarter of the weeks (every resource pooled).
//! - **Extraneous delays** (activities with start events): the wait before an instance from
//!   the first instant after its case was ready at which its resource was free and on duty,
//!   to its start, counted in the office's working hours; and the most such delays of the
//!   activity in progress at once.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use navbat_fit::{Family, Sample, piecewise_rate, select_by_aic};

use crate::log::{EventLog, Instance};
use crate::time::{DAY_MS, HOUR_MS};

/// The learner's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LearnOptions {
    /// A succession below this share of its source's successions is noise.
    pub noise_threshold: f64,
    /// A role is on duty in an hour of the week active in at least this share of weeks.
    pub calendar_min_share: f64,
    /// An activity is in a resource's profile from this share of its instances.
    pub profile_min_share: f64,
    /// Fewest positive durations for a fitted distribution.
    pub min_durations: usize,
}

impl Default for LearnOptions {
    fn default() -> Self {
        Self {
            noise_threshold: 0.02,
            calendar_min_share: 0.25,
            profile_min_share: 0.10,
            min_durations: 10,
        }
    }
}

/// The name of the succession source before a case's first activity.
pub const START: &str = "START";
/// The name of the succession target after a case's last activity.
pub const END: &str = "END";

/// One kept succession.
#[derive(Debug, Clone, PartialEq)]
pub struct Succession {
    /// The activity before (or [`START`]).
    pub from: String,
    /// The activity after (or [`END`]).
    pub to: String,
    /// How often it was observed.
    pub count: u64,
    /// Its share of the kept successions out of `from` (the branch probability).
    pub probability: f64,
}

/// What the noise filter removed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NoiseReport {
    /// The threshold used.
    pub threshold: f64,
    /// Distinct successions dropped.
    pub dropped_successions: usize,
    /// Observed transitions they accounted for.
    pub dropped_transitions: u64,
    /// All observed transitions.
    pub transitions: u64,
    /// Cases that held at least one dropped succession.
    pub cases_affected: usize,
}

/// The case arrival process.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrivals {
    /// Case starts by month, January first.
    pub by_month: [u64; 12],
    /// Case starts by weekday, Monday first.
    pub by_weekday: [u64; 7],
    /// Case starts by hour of the day.
    pub by_hour: [u64; 24],
    /// Rate per hour for each hour of the week (Monday 00:00 first): (rate, ci95 low, high).
    pub per_hour_of_week: Vec<(f64, f64, f64)>,
    /// Whole weeks the rates are estimated over.
    pub weeks: f64,
}

/// How an activity's processing times were obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimesFrom {
    /// `start`/`complete` pairs.
    StartComplete,
    /// Completion times, work separated from waiting by the resources' on-duty hours.
    ResourceAvailability,
}

/// An activity's processing times.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityTimes {
    /// The activity.
    pub activity: String,
    /// Instances observed.
    pub instances: usize,
    /// How the times were obtained.
    pub from: TimesFrom,
    /// Mean of the positive durations, minutes.
    pub mean_minutes: f64,
    /// Share of instances with zero duration (instant, or no on-duty time in between).
    pub zero_share: f64,
    /// The AIC-chosen fit (`None` with too few positive durations).
    pub fit: Option<navbat_fit::Fit>,
    /// The role that performs it most.
    pub role: Option<String>,
    /// Every instance's duration, minutes (zeros included), ascending: the empirical
    /// distribution, for where no fitted family keeps the sample's mean.
    pub durations: Vec<f64>,
    /// Extraneous delays before the activity, minutes of the performing resource's on-duty
    /// time (its role's calendar), ascending (zeros included): for each instance that
    /// follows another in its case, the on-duty time from the first instant after the case
    /// was ready (its previous instance ended) at which the resource was free (no instance
    /// of any case in hand) and on duty to the instance's start — waiting no resource
    /// explains. Counted in working time, as the twin runs them, so that a delay ends in
    /// working hours as the log's do. Only activities with start events have them (without,
    /// that wait is inside the processing time).
    pub delays: Vec<f64>,
    /// The most of the activity's extraneous delays in progress at one instant in the log
    /// (wall clock): what a twin must hold waiting at once.
    pub delay_peak: usize,
}

impl ActivityTimes {
    /// The AIC-chosen fit when its mean lies within `tolerance` (relative) of the positive
    /// durations' mean and at most `tolerance` of the instances take no time; `None`
    /// otherwise (the fitted family would not reproduce the work the log shows).
    pub fn faithful_fit(&self, tolerance: f64) -> Option<&navbat_fit::Fit> {
        let fit = self.fit.as_ref()?;
        let mean = fit.distribution.mean();
        let close = (mean - self.mean_minutes).abs() <= tolerance * self.mean_minutes;
        (close && self.zero_share <= tolerance).then_some(fit)
    }
}

/// A resource role.
#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    /// `role-1`, `role-2`, … by size.
    pub id: String,
    /// The activities of the profile.
    pub activities: Vec<String>,
    /// The resources in it.
    pub members: Vec<String>,
    /// On duty by weekday (Monday first) and hour.
    pub on_duty: [[bool; 24]; 7],
}

impl Role {
    /// On-duty hours per week.
    pub fn hours_per_week(&self) -> usize {
        self.on_duty.iter().flatten().filter(|b| **b).count()
    }
}

/// Everything learned from a log.
#[derive(Debug, Clone, PartialEq)]
pub struct Discovery {
    /// Cases read (with at least one instance).
    pub cases: usize,
    /// The settings.
    pub options: LearnOptions,
    /// Kept successions, by source then count.
    pub successions: Vec<Succession>,
    /// The noise filter's report.
    pub noise: NoiseReport,
    /// Case arrivals.
    pub arrivals: Arrivals,
    /// Processing times per activity.
    pub activities: Vec<ActivityTimes>,
    /// Resource roles.
    pub roles: Vec<Role>,
    /// The office's working hours by weekday (Monday first) and hour: every resource pooled
    /// (round the clock for a log without resources). Extraneous delays are counted in them.
    pub office_on_duty: [[bool; 24]; 7],
    /// What the log did not allow to learn, in words.
    pub not_learned: Vec<String>,
}

/// Learn a back-office model from a log.
pub fn learn(log: &EventLog, options: LearnOptions) -> Discovery {
    let cases: Vec<Vec<Instance>> =
        log.cases.iter().map(EventLog::instances).filter(|v| !v.is_empty()).collect();
    let (successions, noise) = successions(log, &cases, options.noise_threshold);
    let arrivals = arrivals(&cases);
    let office_on_duty = office_calendar(&cases, options);
    let (roles, role_of_resource) = roles(log, &cases, &office_on_duty, options);
    let activities =
        activity_times(log, &cases, &roles, &role_of_resource, &office_on_duty, options);
    let mut not_learned = vec![
        "case attributes that steer branches: branch probabilities are marginal per activity, not conditioned on case data".to_owned(),
        "multitasking and batching of resources".to_owned(),
    ];
    if activities.iter().all(|a| a.from == TimesFrom::ResourceAvailability) {
        not_learned.push(
            "extraneous delays (waiting no resource explains): the log has no start events, so that waiting stays inside the processing times".to_owned(),
        );
    }
    let without_start: Vec<&str> = activities
        .iter()
        .filter(|a| a.from == TimesFrom::ResourceAvailability)
        .map(|a| a.activity.as_str())
        .collect();
    if !without_start.is_empty() {
        not_learned.push(format!(
            "processing times of {} activities without start events ({}): separated from waiting by on-duty hours, an upper bound on work",
            without_start.len(),
            without_start.join(", ")
        ));
    }
    if log.resources.is_empty() {
        not_learned.push("resources: the log names none, so no roles or calendars".to_owned());
    }
    for a in &activities {
        if a.fit.is_none() {
            not_learned.push(format!(
                "processing time of {:?}: fewer than {} positive durations",
                a.activity, options.min_durations
            ));
        }
    }
    Discovery {
        cases: cases.len(),
        options,
        successions,
        noise,
        arrivals,
        activities,
        roles,
        office_on_duty,
        not_learned,
    }
}

/// The office's calendar: the hours of the week in which any resource was active in at
/// least `calendar_min_share` of the weeks the log shows activity in (every resource pooled).
fn office_calendar(cases: &[Vec<Instance>], options: LearnOptions) -> [[bool; 24]; 7] {
    let mut slot_weeks: Vec<BTreeSet<i64>> = vec![BTreeSet::new(); 168];
    let mut weeks = BTreeSet::new();
    for i in cases.iter().flatten().filter(|i| i.resource.is_some()) {
        for s in [i.start, i.end] {
            let week = (s.local_ms().div_euclid(DAY_MS) + 3).div_euclid(7);
            let slot = usize::from(s.local_weekday()) * 24 + usize::from(s.local_hour());
            slot_weeks[slot].insert(week);
            weeks.insert(week);
        }
    }
    #[expect(clippy::cast_precision_loss, reason = "weeks far below 2^52")]
    let n_weeks = weeks.len().max(1) as f64;
    let mut on_duty = [[false; 24]; 7];
    for (s, ws) in slot_weeks.iter().enumerate() {
        #[expect(clippy::cast_precision_loss, reason = "weeks far below 2^52")]
        let share = ws.len() as f64 / n_weeks;
        on_duty[s / 24][s % 24] = share >= options.calendar_min_share;
    }
    if !on_duty.iter().flatten().any(|b| *b) {
        on_duty = [[true; 24]; 7];
    }
    on_duty
}

fn successions(
    log: &EventLog,
    cases: &[Vec<Instance>],
    threshold: f64,
) -> (Vec<Succession>, NoiseReport) {
    let name = |a: Option<u32>, end: bool| match a {
        Some(a) => log.activity_name(a).to_owned(),
        None if end => END.to_owned(),
        None => START.to_owned(),
    };
    let mut counts: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut pairs_of_case: Vec<Vec<(String, String)>> = Vec::with_capacity(cases.len());
    for c in cases {
        let mut seq: Vec<Option<u32>> = vec![None];
        seq.extend(c.iter().map(|i| Some(i.activity)));
        seq.push(None);
        let mut mine = Vec::with_capacity(seq.len());
        for (k, w) in seq.windows(2).enumerate() {
            let p = (name(w[0], false), name(w[1], k + 2 == seq.len()));
            *counts.entry(p.clone()).or_default() += 1;
            mine.push(p);
        }
        pairs_of_case.push(mine);
    }
    let mut out_total: HashMap<&str, u64> = HashMap::new();
    for ((from, _), n) in &counts {
        *out_total.entry(from.as_str()).or_default() += n;
    }
    let transitions: u64 = counts.values().sum();
    let mut dropped = BTreeSet::new();
    let mut dropped_transitions = 0;
    #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
    for ((from, to), n) in &counts {
        let total = out_total.get(from.as_str()).copied().unwrap_or(1) as f64;
        if (*n as f64) / total < threshold {
            dropped.insert((from.clone(), to.clone()));
            dropped_transitions += n;
        }
    }
    let mut kept_total: HashMap<&str, u64> = HashMap::new();
    for ((from, to), n) in &counts {
        if !dropped.contains(&(from.clone(), to.clone())) {
            *kept_total.entry(from.as_str()).or_default() += n;
        }
    }
    let mut list: Vec<Succession> = counts
        .iter()
        .filter(|(k, _)| !dropped.contains(*k))
        .map(|((from, to), &n)| {
            #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
            let p = n as f64 / kept_total.get(from.as_str()).copied().unwrap_or(1) as f64;
            Succession { from: from.clone(), to: to.clone(), count: n, probability: p }
        })
        .collect();
    list.sort_by(|a, b| a.from.cmp(&b.from).then(b.count.cmp(&a.count)).then(a.to.cmp(&b.to)));
    let cases_affected =
        pairs_of_case.iter().filter(|ps| ps.iter().any(|p| dropped.contains(p))).count();
    let report = NoiseReport {
        threshold,
        dropped_successions: dropped.len(),
        dropped_transitions,
        transitions,
        cases_affected,
    };
    (list, report)
}

fn arrivals(cases: &[Vec<Instance>]) -> Arrivals {
    let mut by_month = [0u64; 12];
    let mut by_weekday = [0u64; 7];
    let mut by_hour = [0u64; 24];
    let mut per_slot = vec![0u64; 168];
    let mut lo = i64::MAX;
    let mut hi = i64::MIN;
    for c in cases {
        let Some(first) = c.iter().map(|i| i.start).min_by_key(|s| s.utc_ms) else { continue };
        by_month[usize::from(first.local_month() - 1)] += 1;
        let (d, h) = (usize::from(first.local_weekday()), usize::from(first.local_hour()));
        by_weekday[d] += 1;
        by_hour[h] += 1;
        per_slot[d * 24 + h] += 1;
        lo = lo.min(first.local_ms());
        hi = hi.max(first.local_ms());
    }
    // Exposure of each hour of the week: how many times it occurred between the first and
    // the last case start (whole hours).
    let mut exposure = vec![0.0f64; 168];
    if lo <= hi {
        let mut t = lo.div_euclid(HOUR_MS) * HOUR_MS;
        while t <= hi {
            let day = t.div_euclid(DAY_MS);
            let d = (day + 3).rem_euclid(7);
            let h = t.rem_euclid(DAY_MS) / HOUR_MS;
            #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "0..168")]
            let slot = (d * 24 + h) as usize;
            exposure[slot] += 1.0;
            t += HOUR_MS;
        }
    }
    let weeks = exposure.iter().sum::<f64>() / 168.0;
    let safe: Vec<f64> = exposure.iter().map(|e| e.max(1.0)).collect();
    let per_hour_of_week = piecewise_rate(&per_slot, &safe)
        .map(|r| r.pieces.iter().map(|p| (p.rate, p.ci95_low, p.ci95_high)).collect())
        .unwrap_or_default();
    Arrivals { by_month, by_weekday, by_hour, per_hour_of_week, weeks }
}

fn roles(
    log: &EventLog,
    cases: &[Vec<Instance>],
    office: &[[bool; 24]; 7],
    options: LearnOptions,
) -> (Vec<Role>, HashMap<u32, usize>) {
    let mut work: BTreeMap<u32, BTreeMap<u32, u64>> = BTreeMap::new();
    let mut active: HashMap<u32, BTreeSet<(i64, usize)>> = HashMap::new();
    for i in cases.iter().flatten() {
        let Some(r) = i.resource else { continue };
        *work.entry(r).or_default().entry(i.activity).or_default() += 1;
        for s in [i.start, i.end] {
            let week = (s.local_ms().div_euclid(DAY_MS) + 3).div_euclid(7);
            let slot = usize::from(s.local_weekday()) * 24 + usize::from(s.local_hour());
            active.entry(r).or_default().insert((week, slot));
        }
    }
    let mut by_profile: BTreeMap<Vec<u32>, Vec<u32>> = BTreeMap::new();
    for (r, acts) in &work {
        let total: u64 = acts.values().sum();
        #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
        let profile: Vec<u32> = acts
            .iter()
            .filter(|(_, n)| **n as f64 >= options.profile_min_share * total as f64)
            .map(|(a, _)| *a)
            .collect();
        by_profile.entry(profile).or_default().push(*r);
    }
    let weeks: BTreeSet<i64> = active.values().flatten().map(|(w, _)| *w).collect();
    #[expect(clippy::cast_precision_loss, reason = "weeks far below 2^52")]
    let n_weeks = weeks.len().max(1) as f64;
    let mut groups: Vec<(Vec<u32>, Vec<u32>)> = by_profile.into_iter().collect();
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    let mut roles = Vec::new();
    let mut role_of = HashMap::new();
    for (k, (profile, members)) in groups.into_iter().enumerate() {
        let mut slot_weeks: Vec<BTreeSet<i64>> = vec![BTreeSet::new(); 168];
        for m in &members {
            role_of.insert(*m, k);
            for (w, s) in active.get(m).into_iter().flatten() {
                slot_weeks[*s].insert(*w);
            }
        }
        let mut on_duty = [[false; 24]; 7];
        for (s, ws) in slot_weeks.iter().enumerate() {
            #[expect(clippy::cast_precision_loss, reason = "weeks far below 2^52")]
            let share = ws.len() as f64 / n_weeks;
            on_duty[s / 24][s % 24] = share >= options.calendar_min_share;
        }
        let own = on_duty.iter().flatten().filter(|b| **b).count();
        let pooled = office.iter().flatten().filter(|b| **b).count();
        if 2 * own < pooled {
            // A role seen too rarely to show its hours (fewer than half the office's pass
            // the threshold): the office's calendar, every resource pooled.
            on_duty = *office;
        }
        roles.push(Role {
            id: format!("role-{}", k + 1),
            activities: profile.iter().map(|a| log.activity_name(*a).to_owned()).collect(),
            members: members
                .iter()
                .map(|m| log.resources.get(*m as usize).cloned().unwrap_or_default())
                .collect(),
            on_duty,
        });
    }
    (roles, role_of)
}

/// On-duty milliseconds of a calendar in (from, to], the instants on the log's wall clock.
fn on_duty_ms(on_duty: &[[bool; 24]; 7], from: i64, to: i64) -> i64 {
    let mut total = 0;
    let mut t = from;
    while t < to {
        let next = (t.div_euclid(HOUR_MS) + 1) * HOUR_MS;
        let end = next.min(to);
        let d = usize::try_from((t.div_euclid(DAY_MS) + 3).rem_euclid(7)).unwrap_or(0);
        let h = usize::try_from(t.rem_euclid(DAY_MS) / HOUR_MS).unwrap_or(0);
        if on_duty[d][h] {
            total += end - t;
        }
        t = end;
        if total == 0 && to - t > 60 * DAY_MS {
            // A calendar never on duty for two months: stop counting.
            break;
        }
    }
    total
}

/// The most intervals `[begin, end)` that hold one instant.
fn peak(spans: Vec<(i64, i64)>) -> usize {
    let mut edges: Vec<(i64, i8)> =
        spans.into_iter().flat_map(|(a, b)| [(a, 1), (b, -1)]).collect();
    // An end before a begin at the same instant: touching intervals do not overlap.
    edges.sort_unstable();
    let (mut now, mut most) = (0_i64, 0_i64);
    for (_, d) in edges {
        now += i64::from(d);
        most = most.max(now);
    }
    usize::try_from(most).unwrap_or(0)
}

/// A resource's busy intervals (local ms, by start) and the running latest end.
type Busy = (Vec<(i64, i64)>, Vec<i64>);

/// The first instant from `t` on (before `until`) at which a resource is neither busy with
/// an instance (`busy`, by start, with `reach[k]` the latest end among the first `k + 1`)
/// nor off duty by its role's calendar; `until` when there is none before it.
fn first_free(
    mut t: i64,
    until: i64,
    busy: &[(i64, i64)],
    reach: &[i64],
    on_duty: &[[bool; 24]; 7],
) -> i64 {
    // At most a year of hours skipped: past that the calendar explains nothing.
    for _ in 0..24 * 366 {
        if t >= until {
            return until;
        }
        let k = busy.partition_point(|(s, _)| *s <= t);
        if k > 0 && reach[k - 1] > t {
            t = reach[k - 1];
            continue;
        }
        let d = usize::try_from((t.div_euclid(DAY_MS) + 3).rem_euclid(7)).unwrap_or(0);
        let h = usize::try_from(t.rem_euclid(DAY_MS) / HOUR_MS).unwrap_or(0);
        if !on_duty[d][h] {
            t = (t.div_euclid(HOUR_MS) + 1) * HOUR_MS;
            continue;
        }
        return t;
    }
    until
}

fn activity_times(
    log: &EventLog,
    cases: &[Vec<Instance>],
    roles: &[Role],
    role_of: &HashMap<u32, usize>,
    office: &[[bool; 24]; 7],
    options: LearnOptions,
) -> Vec<ActivityTimes> {
    // An activity with any instance of positive length has start events: its times come
    // from them; the others from resource availability.
    let paired: BTreeSet<u32> =
        cases.iter().flatten().filter(|i| i.start != i.end).map(|i| i.activity).collect();
    // Resource availability: each resource's completions in time order.
    let mut by_resource: HashMap<u32, Vec<i64>> = HashMap::new();
    for i in cases.iter().flatten() {
        if let Some(r) = i.resource {
            by_resource.entry(r).or_default().push(i.end.local_ms());
        }
    }
    for v in by_resource.values_mut() {
        v.sort_unstable();
    }
    // Each resource's busy intervals by start, with the running latest end.
    let mut busy: HashMap<u32, Busy> = HashMap::new();
    for i in cases.iter().flatten() {
        if let Some(r) = i.resource {
            busy.entry(r).or_default().0.push((i.start.local_ms(), i.end.local_ms()));
        }
    }
    for (v, reach) in busy.values_mut() {
        v.sort_unstable();
        let mut latest = i64::MIN;
        *reach = v
            .iter()
            .map(|(_, e)| {
                latest = latest.max(*e);
                latest
            })
            .collect();
    }
    let mut durations: BTreeMap<u32, Vec<f64>> = BTreeMap::new();
    let mut delays: BTreeMap<u32, Vec<f64>> = BTreeMap::new();
    // Each delay's (begin, end) on the wall clock, for the peak held at once.
    let mut spans: BTreeMap<u32, Vec<(i64, i64)>> = BTreeMap::new();
    let mut performed_by: HashMap<u32, HashMap<usize, u64>> = HashMap::new();
    let always = [[true; 24]; 7];
    for c in cases {
        let mut case_free: Option<i64> = None;
        for i in c {
            let role = i.resource.and_then(|r| role_of.get(&r).copied());
            if let Some(k) = role {
                *performed_by.entry(i.activity).or_default().entry(k).or_default() += 1;
            }
            let ms = if paired.contains(&i.activity) {
                if let Some(case_ready) = case_free {
                    let start = i.start.local_ms();
                    let calendar = role.and_then(|k| roles.get(k)).map_or(&always, |r| &r.on_duty);
                    let ready = match i.resource.and_then(|r| busy.get(&r)) {
                        Some((v, reach)) => first_free(case_ready, start, v, reach, calendar),
                        None => case_ready,
                    };
                    let waited = if start > ready { on_duty_ms(office, ready, start) } else { 0 };
                    #[expect(clippy::cast_precision_loss, reason = "milliseconds far below 2^52")]
                    let minutes = waited as f64 / 60_000.0;
                    delays.entry(i.activity).or_default().push(minutes);
                    if waited > 0 {
                        spans.entry(i.activity).or_default().push((ready, start));
                    }
                }
                i.end.utc_ms - i.start.utc_ms
            } else {
                let end = i.end.local_ms();
                let resource_free = i.resource.and_then(|r| by_resource.get(&r)).and_then(|v| {
                    let k = v.partition_point(|t| *t < end);
                    k.checked_sub(1).map(|k| v[k])
                });
                let ready = match (case_free, resource_free) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                };
                let calendar = role.and_then(|k| roles.get(k)).map_or(&always, |r| &r.on_duty);
                ready.map_or(0, |r| on_duty_ms(calendar, r.min(end), end))
            };
            case_free = Some(i.end.local_ms());
            #[expect(clippy::cast_precision_loss, reason = "milliseconds far below 2^52")]
            durations.entry(i.activity).or_default().push(ms as f64 / 60_000.0);
        }
    }
    durations
        .into_iter()
        .map(|(a, mut all)| {
            all.sort_by(f64::total_cmp);
            let positive: Vec<f64> = all.iter().copied().filter(|m| *m > 0.0).collect();
            #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
            let zero_share = 1.0 - positive.len() as f64 / all.len().max(1) as f64;
            #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
            let mean_minutes = positive.iter().sum::<f64>() / positive.len().max(1) as f64;
            let fit = (positive.len() >= options.min_durations)
                .then(|| Sample::new(&positive).ok())
                .flatten()
                .and_then(|s| select_by_aic(&s, &Family::ALL).ok())
                .map(|sel| sel.best().clone());
            let role = performed_by
                .get(&a)
                .and_then(|m| {
                    m.iter().max_by_key(|(k, n)| (**n, std::cmp::Reverse(**k))).map(|(k, _)| *k)
                })
                .and_then(|k| roles.get(k))
                .map(|r| r.id.clone());
            ActivityTimes {
                activity: log.activity_name(a).to_owned(),
                instances: all.len(),
                from: if paired.contains(&a) {
                    TimesFrom::StartComplete
                } else {
                    TimesFrom::ResourceAvailability
                },
                mean_minutes,
                zero_share,
                fit,
                role,
                durations: all,
                delay_peak: peak(spans.remove(&a).unwrap_or_default()),
                delays: {
                    let mut d = delays.remove(&a).unwrap_or_default();
                    d.sort_by(f64::total_cmp);
                    d
                },
            }
        })
        .collect()
}

impl Discovery {
    /// The discovery as JSON (the `discovery.json` `navbat discover` writes).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        let fit = |f: &navbat_fit::Fit| {
            json!({
                "family": f.distribution.family().name(),
                "parameters": f.parameters.iter().map(|p| json!({
                    "name": p.name, "value": p.value, "ci95_low": p.ci95_low, "ci95_high": p.ci95_high
                })).collect::<Vec<_>>(),
                "mean": f.distribution.mean(),
                "aic": f.aic,
                "n": f.n,
            })
        };
        json!({
            "cases": self.cases,
            "method": {
                "noise_threshold": self.options.noise_threshold,
                "calendar_min_share": self.options.calendar_min_share,
                "profile_min_share": self.options.profile_min_share,
                "min_durations": self.options.min_durations,
            },
            "successions": self.successions.iter().map(|s| json!({
                "from": s.from, "to": s.to, "count": s.count, "probability": s.probability
            })).collect::<Vec<_>>(),
            "noise": {
                "threshold": self.noise.threshold,
                "dropped_successions": self.noise.dropped_successions,
                "dropped_transitions": self.noise.dropped_transitions,
                "transitions": self.noise.transitions,
                "cases_affected": self.noise.cases_affected,
            },
            "arrivals": {
                "by_month": self.arrivals.by_month,
                "by_weekday": self.arrivals.by_weekday,
                "by_hour": self.arrivals.by_hour,
                "weeks": self.arrivals.weeks,
                "per_hour_of_week": self.arrivals.per_hour_of_week.iter().map(|(r, l, h)| json!({
                    "rate_per_hour": r, "ci95_low": l, "ci95_high": h
                })).collect::<Vec<_>>(),
            },
            "activities": self.activities.iter().map(|a| json!({
                "activity": a.activity,
                "instances": a.instances,
                "times_from": match a.from {
                    TimesFrom::StartComplete => "start_complete",
                    TimesFrom::ResourceAvailability => "resource_availability",
                },
                "mean_minutes": a.mean_minutes,
                "zero_share": a.zero_share,
                "fit_minutes": a.fit.as_ref().map(fit),
                "role": a.role,
                "delays": a.delays.len(),
                "delay_peak": a.delay_peak,
            })).collect::<Vec<_>>(),
            "roles": self.roles.iter().map(|r| json!({
                "id": r.id,
                "size": r.members.len(),
                "activities": r.activities,
                "members": r.members,
                "hours_per_week": r.hours_per_week(),
                "on_duty": r.on_duty.iter().map(|d| d.iter().map(|b| u8::from(*b)).collect::<Vec<_>>()).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "not_learned": self.not_learned,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::{Lifecycle, LogCase, LogEvent};
    use crate::time::parse_iso;

    /// Cases A → B (9 of 10) or A → C (1 of 10); A takes 30 minutes by start/complete, B
    /// and C complete only; resource "r1" does A, "r2" B and C, on Mondays 09:00-11:00.
    fn log() -> EventLog {
        let mut log = EventLog::new();
        let (a, b, c) = (log.activity_id("A"), log.activity_id("B"), log.activity_id("C"));
        let (r1, r2) = (log.resource_id("r1"), log.resource_id("r2"));
        for k in 0..40 {
            // Mondays from 2026-03-02, one case a week.
            let base = parse_iso("2026-03-02T09:00:00Z").unwrap().utc_ms + k * 7 * DAY_MS;
            let at = |m: i64| crate::time::Stamp { utc_ms: base + m * 60_000, offset_s: 0 };
            let next = if k % 10 == 3 { c } else { b };
            log.cases.push(LogCase {
                id: k.to_string(),
                attributes: vec![],
                events: vec![
                    LogEvent {
                        activity: a,
                        lifecycle: Lifecycle::Start,
                        time: at(0),
                        resource: Some(r1),
                    },
                    LogEvent {
                        activity: a,
                        lifecycle: Lifecycle::Complete,
                        time: at(30),
                        resource: Some(r1),
                    },
                    LogEvent {
                        activity: next,
                        lifecycle: Lifecycle::Complete,
                        time: at(75),
                        resource: Some(r2),
                    },
                ],
            });
        }
        log
    }

    #[test]
    fn learns_successions_times_and_roles() {
        let d = learn(&log(), LearnOptions::default());
        let p = |from: &str, to: &str| {
            d.successions.iter().find(|s| s.from == from && s.to == to).map(|s| s.probability)
        };
        assert_eq!(p(START, "A"), Some(1.0));
        assert!((p("A", "B").unwrap() - 0.9).abs() < 1e-12);
        assert!((p("A", "C").unwrap() - 0.1).abs() < 1e-12);
        assert_eq!(d.noise.dropped_successions, 0);
        // A noise threshold above 10 % drops A → C and renormalises.
        let strict =
            learn(&log(), LearnOptions { noise_threshold: 0.2, ..LearnOptions::default() });
        assert_eq!(strict.noise.dropped_successions, 1, "A → C (C → END is all of C's)");
        assert_eq!(strict.noise.cases_affected, 4);
        let a = d.activities.iter().find(|x| x.activity == "A").unwrap();
        assert_eq!(a.from, TimesFrom::StartComplete);
        assert!((a.mean_minutes - 30.0).abs() < 1e-9);
        // B: ready when A ended (09:30), completed 10:15; r2 is seen only in the 10:00 hour,
        // so only 10:00-10:15 counts as work: 15 minutes, not the 45 of elapsed time.
        let b = d.activities.iter().find(|x| x.activity == "B").unwrap();
        assert_eq!(b.from, TimesFrom::ResourceAvailability);
        assert!((b.mean_minutes - 15.0).abs() < 1e-9, "{}", b.mean_minutes);
        assert_eq!(d.roles.len(), 2);
        let r2 = d.roles.iter().find(|r| r.members == ["r2"]).unwrap();
        assert_eq!(r2.activities, ["B", "C"]);
        assert!(r2.on_duty[0][10] && !r2.on_duty[0][9] && !r2.on_duty[1][10]);
        assert_eq!(r2.hours_per_week(), 1);
        assert_eq!(d.arrivals.by_weekday[0], 40);
        assert_eq!(d.arrivals.by_hour[9], 40);
        assert!(
            d.not_learned.iter().any(|s| s.contains("without start events (B, C)")),
            "{:?}",
            d.not_learned
        );
    }

    /// A regression for the twin's circadian error: a delay that spans a night counts only
    /// the office's working hours, so the twin ends it in working hours as the log did.
    #[test]
    fn delays_are_counted_in_the_offices_working_hours() {
        let mut log = EventLog::new();
        let (a, d) = (log.activity_id("A"), log.activity_id("D"));
        let r1 = log.resource_id("r1");
        for k in 0..20 {
            let base = parse_iso("2026-03-02T09:00:00Z").unwrap().utc_ms + k * 7 * DAY_MS;
            let at = |m: i64| crate::time::Stamp { utc_ms: base + m * 60_000, offset_s: 0 };
            let event = |activity, lifecycle, m| LogEvent {
                activity,
                lifecycle,
                time: at(m),
                resource: Some(r1),
            };
            // A on Monday 09:00-09:30, D on Tuesday 09:00-09:20, both by r1.
            log.cases.push(LogCase {
                id: k.to_string(),
                attributes: vec![],
                events: vec![
                    event(a, Lifecycle::Start, 0),
                    event(a, Lifecycle::Complete, 30),
                    event(d, Lifecycle::Start, 24 * 60),
                    event(d, Lifecycle::Complete, 24 * 60 + 20),
                ],
            });
        }
        let found = learn(&log, LearnOptions::default());
        let office = found.office_on_duty;
        assert!(office[0][9] && office[1][9], "Monday and Tuesday 09:00 are worked");
        assert!(!office[0][10] && !office[1][8], "{office:?}");
        let times = found.activities.iter().find(|x| x.activity == "D").unwrap();
        // Ready at Monday 09:30 with r1 free: 30 minutes of Monday's working hour, none of
        // the night, none of Tuesday before 09:00 (the wall clock says 23.5 hours).
        assert_eq!(times.delays, vec![30.0; 20]);
        assert_eq!(times.delay_peak, 1, "one case a week: delays never overlap");
    }

    /// A regression for the receipt twin's waits: an officer seen a few times a season got a
    /// calendar of the few hours they were seen, and the twin's cases waited weeks for them.
    #[test]
    fn a_rarely_seen_role_takes_the_offices_hours() {
        let mut log = log();
        let (e, r3) = (log.activity_id("E"), log.resource_id("r3"));
        // r3 does E on four Tuesdays at 14:00: no hour reaches a quarter of the 40 weeks.
        for k in 0..4 {
            let at = parse_iso("2026-03-03T14:00:00Z").unwrap().utc_ms + k * 7 * DAY_MS;
            log.cases.push(LogCase {
                id: format!("e{k}"),
                attributes: vec![],
                events: vec![LogEvent {
                    activity: e,
                    lifecycle: Lifecycle::Complete,
                    time: crate::time::Stamp { utc_ms: at, offset_s: 0 },
                    resource: Some(r3),
                }],
            });
        }
        let d = learn(&log, LearnOptions::default());
        let r3 = d.roles.iter().find(|r| r.members == ["r3"]).unwrap();
        assert_eq!(r3.on_duty, d.office_on_duty);
        assert!(!r3.on_duty[1][14], "Tuesday 14:00 is no working hour of the office");
        // r2, seen every week in its hour, keeps its own.
        let r2 = d.roles.iter().find(|r| r.members == ["r2"]).unwrap();
        assert_eq!(r2.hours_per_week(), 1);
    }
}
