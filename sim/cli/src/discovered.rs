//! What `navbat discover` writes besides `discovery.json`: a runnable twin of the log's back
//! office in the project's own formats — `scenario.ron` (one office open round the clock,
//! every case arriving online with no floor visit, one back-office team per discovered
//! role with its weekday × hour calendar and officer count) and `services/discovered.ron`
//! (one named task per activity, leaving by the observed successions' shares).
//!
//! # Method
//!
//! - **Control flow**: the kept successions (noise filtered by `navbat_discover::learn`)
//!   become `Done` transitions with their shares; `END` is the terminal step `end`. Where
//!   the log's cases start with more than one activity, a zero-minute named task `route`
//!   draws the first by its share (it is no activity of the log, so comparisons leave it
//!   out). Activities no kept succession reaches are left out; an activity from which no
//!   kept succession leads to `END` ends the case (said in the notes).
//! - **Arrivals**: the cases' yearly volume (cases ÷ days from the first case start to the
//!   last, × 365) over an hour-of-day and weekday profile of case starts. The month of year
//!   is flat: a log of a few months cannot say how the year varies.
//! - **Teams**: each role's members are its officers, on duty in its on-duty hours of the
//!   week; it performs the activities of its profile and those it performs most.
//! - **Extraneous delays**: where an activity has start events, the wait before each
//!   instance that neither the case (its previous instance still running) nor the resource
//!   (busy with another instance, or off duty) explains (`ActivityTimes::delays`, counted in
//!   the office's working hours) is a step `wait: A` before the activity `A` (not before a
//!   case's first one): a named task of the team `extraneous-delays`, on duty in the
//!   office's working hours (`Discovery::office_on_duty`), so that a delay, like any named
//!   task, runs only in them and ends in them as the log's do; its officers are twice the
//!   most delays the log held at once plus ten (at most [`DELAY_SERVERS`]): an infinite
//!   server in effect. Its minutes are the delays' empirical distribution. Its instances are
//!   no activity of the log. An activity whose delays are all zero has no such step.
//! - **Task minutes**: the AIC-chosen family (`navbat-fit`, mapped as `navbat calibrate`
//!   maps its fits) where its mean is within 10 % of the positive durations' mean and at
//!   most 10 % of instances take no time; otherwise the empirical distribution (at most 2,000
//!   evenly spaced order statistics, zeros included). Times separated from waiting by
//!   on-duty hours are typically the second case.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use navbat_discover::learn::{END, START};
use navbat_discover::{Discovery, EventLog, civil_from_days};
use navbat_scenario::Dist;

/// The service's id and file name.
pub(crate) const SERVICE: &str = "discovered";
/// The step and named task that draws a case's first activity.
pub(crate) const ROUTE: &str = "route";
/// A fitted family is kept when its mean is within this share of the sample's.
const FAITHFUL: f64 = 0.10;
/// Most officers of the `extraneous-delays` team (twice the log's peak of delays at once,
/// plus ten, is used below this).
pub(crate) const DELAY_SERVERS: u32 = 5_000;
/// The prefix of a delay step's name and its named task.
pub(crate) const WAIT: &str = "wait: ";

/// One millisecond, the simulator's tick, in minutes: the time of a task that takes none.
const TICK_MINUTES: f64 = 1.0 / 60_000.0;
/// Most values an empirical task time keeps.
const EMPIRICAL_VALUES: usize = 2_000;

/// The files of a discovered model, and what writing them could not carry over.
pub(crate) struct ModelFiles {
    /// `scenario.ron`.
    pub(crate) scenario: String,
    /// `services/discovered.ron`.
    pub(crate) service: String,
    /// Notes for the reader (also written as comments in the files).
    pub(crate) notes: Vec<String>,
}

/// A name as a RON string literal.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A day as `YYYY-MM-DD`.
fn date_text(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The first and last local days of the log's case starts and events.
fn local_days(log: &EventLog) -> Option<(i64, i64)> {
    let mut lo = i64::MAX;
    let mut hi = i64::MIN;
    for c in &log.cases {
        for i in EventLog::instances(c) {
            lo = lo.min(i.start.local_ms().div_euclid(navbat_discover::DAY_MS));
            hi = hi.max(i.end.local_ms().div_euclid(navbat_discover::DAY_MS));
        }
    }
    (lo <= hi).then_some((lo, hi))
}

/// The ranges `"HH:00-HH:00"` of the hours set in `on`.
fn hour_ranges(on: &[bool; 24]) -> Vec<String> {
    let mut out = Vec::new();
    let mut h = 0;
    while h < 24 {
        if on[h] {
            let start = h;
            while h < 24 && on[h] {
                h += 1;
            }
            out.push(format!("{start:02}:00-{h:02}:00"));
        } else {
            h += 1;
        }
    }
    out
}

/// A role's weekday × hour calendar as a RON `hours` block.
fn role_hours(on_duty: &[[bool; 24]; 7]) -> String {
    let mut days = Vec::new();
    for (k, day) in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].iter().enumerate() {
        let ranges: Vec<String> = hour_ranges(&on_duty[k]).iter().map(|h| quoted(h)).collect();
        days.push(format!("({day}, [{}])", ranges.join(", ")));
    }
    format!("(weekdays: [], days: [{}])", days.join(", "))
}

/// A list of numbers as RON.
fn numbers(values: &[f64]) -> String {
    let parts: Vec<String> = values.iter().map(|v| format!("{v}")).collect();
    format!("[{}]", parts.join(", "))
}

/// A scenario distribution as RON.
fn dist_ron(d: &Dist) -> String {
    match d {
        Dist::Constant { value } => format!("Constant(value: {value})"),
        Dist::Exponential { mean } => format!("Exponential(mean: {mean})"),
        Dist::LogNormal { mean, cv } => format!("LogNormal(mean: {mean}, cv: {cv})"),
        Dist::Gamma { mean, cv } => format!("Gamma(mean: {mean}, cv: {cv})"),
        Dist::Weibull { shape, scale } => format!("Weibull(shape: {shape}, scale: {scale})"),
        Dist::Triangular { min, mode, max } => {
            format!("Triangular(min: {min}, mode: {mode}, max: {max})")
        }
        Dist::Empirical { values } => format!("Empirical(values: {})", numbers(values)),
    }
}

/// At most `k` evenly spaced order statistics of an ascending sample (all of it when
/// shorter), rounded to milliseconds of a minute.
fn order_statistics(sorted: &[f64], k: usize) -> Vec<f64> {
    let round = |v: f64| (v * 60_000.0).round() / 60_000.0;
    if sorted.len() <= k {
        return sorted.iter().map(|v| round(*v)).collect();
    }
    (0..k)
        .map(|i| {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                clippy::cast_precision_loss,
                reason = "an index within the sample"
            )]
            let at = (((i as f64) + 0.5) / k as f64 * sorted.len() as f64) as usize;
            round(sorted[at.min(sorted.len() - 1)])
        })
        .collect()
}

/// The task time of an activity and how it was chosen.
fn task_time(a: &navbat_discover::learn::ActivityTimes) -> (Dist, String) {
    if let Some(fit) = a.faithful_fit(FAITHFUL) {
        let (dist, caveat) = navbat_calibrate::scenario_dist(&fit.distribution);
        let mut why = format!(
            "{:?} by AIC, mean {:.2} min (sample {:.2}, n = {})",
            fit.distribution.family(),
            fit.distribution.mean(),
            a.mean_minutes,
            a.instances
        );
        if let Some(c) = caveat {
            let _ = write!(why, "; {c}");
        }
        return (dist, why);
    }
    let values = order_statistics(&a.durations, EMPIRICAL_VALUES);
    let why = match &a.fit {
        Some(fit) => format!(
            "empirical ({} values): the AIC choice {:?} has mean {:.2} min against the sample's {:.2} ({:.0} % of instances take no time)",
            values.len(),
            fit.distribution.family(),
            fit.distribution.mean(),
            a.mean_minutes,
            100.0 * a.zero_share
        ),
        None => format!("empirical ({} values): too few positive durations to fit", values.len()),
    };
    if values.iter().all(|v| *v == 0.0) {
        // A duration must be positive: the clock's tick, which any task takes at least.
        let why = format!("{why}; every instance took no time: one millisecond");
        return (Dist::Constant { value: TICK_MINUTES }, why);
    }
    (Dist::Empirical { values }, why)
}

/// The model files of a discovery made from `log` (the log it learned from, for the
/// horizon). `source` names the log in comments.
pub(crate) fn model_files(d: &Discovery, log: &EventLog, source: &str) -> ModelFiles {
    let mut notes = Vec::new();
    // Successions by source, in the discovery's order.
    let mut out: BTreeMap<&str, Vec<(&str, f64)>> = BTreeMap::new();
    for s in &d.successions {
        out.entry(s.from.as_str()).or_default().push((s.to.as_str(), s.probability));
    }
    // Activities reachable from START by kept successions.
    let mut reached: BTreeSet<&str> = BTreeSet::new();
    let mut stack = vec![START];
    while let Some(a) = stack.pop() {
        for (to, _) in out.get(a).map_or(&[][..], Vec::as_slice) {
            if *to != END && reached.insert(to) {
                stack.push(to);
            }
        }
    }
    // Activities from which END is reachable.
    let mut ends: BTreeSet<&str> = BTreeSet::from([END]);
    loop {
        let before = ends.len();
        for (from, tos) in &out {
            if tos.iter().any(|(to, _)| ends.contains(to)) {
                ends.insert(from);
            }
        }
        if ends.len() == before {
            break;
        }
    }
    let step_name = |a: &str| if a == END { "end".to_owned() } else { a.to_owned() };
    let tasks: Vec<&str> = reached.iter().copied().collect();
    // Extraneous delays by activity, where any is positive.
    let delays: BTreeMap<&str, &navbat_discover::learn::ActivityTimes> = d
        .activities
        .iter()
        .filter(|a| {
            reached.contains(a.activity.as_str())
                && order_statistics(&a.delays, EMPIRICAL_VALUES).iter().any(|x| *x > 0.0)
        })
        .map(|a| (a.activity.as_str(), a))
        .collect();
    // A task's successor step: its delay step where it has one.
    let next_step = |a: &str| {
        if delays.contains_key(a) { format!("{WAIT}{a}") } else { step_name(a) }
    };
    let dropped: Vec<&str> =
        d.activities.iter().map(|a| a.activity.as_str()).filter(|a| !reached.contains(a)).collect();
    if !dropped.is_empty() {
        notes.push(format!("left out, no kept succession leads to them: {}", dropped.join(", ")));
    }
    let first: Vec<(&str, f64)> = out.get(START).cloned().unwrap_or_default();
    let routed = first.len() > 1;

    // The service definition.
    let mut svc = String::new();
    let _ = writeln!(svc, "// The back office of {source}, discovered by navbat discover.");
    let _ = writeln!(
        svc,
        "// One named task per activity; `Done` shares are the observed successions'"
    );
    let _ = writeln!(
        svc,
        "// (noise threshold {:.1} %: {} of {} successions dropped).",
        100.0 * d.noise.threshold,
        d.noise.dropped_transitions,
        d.noise.transitions
    );
    let _ = writeln!(svc, "(");
    let _ = writeln!(svc, "    name: {},", quoted(SERVICE));
    let _ = writeln!(svc, "    title: {},", quoted(&format!("Discovered from {source}")));
    let _ = writeln!(svc, "    // Every case is asked for online: no visit to a site.");
    let _ = writeln!(svc, "    facts: [{}],", quoted(navbat_workflow::ONLINE));
    let _ = writeln!(svc, "    review_reasons: [\"performed\"],");
    let mut task_names: Vec<String> = tasks.iter().map(|t| quoted(t)).collect();
    if routed {
        task_names.push(quoted(ROUTE));
    }
    task_names.extend(delays.keys().map(|a| quoted(&format!("{WAIT}{a}"))));
    let _ = writeln!(svc, "    tasks: [{}],", task_names.join(", "));
    let _ = writeln!(svc, "    initial: \"arrival\", withdrawn: \"withdrawn\",");
    let _ = writeln!(svc, "    steps: [");
    let done = |to: &str, share: f64| {
        format!("(on: Done, to: {}, share: Some({share}))", quoted(&step_name(to)))
    };
    let first_step = match first.as_slice() {
        [(only, _)] => step_name(only),
        _ => ROUTE.to_owned(),
    };
    let _ = writeln!(
        svc,
        "        (name: \"arrival\", on: [(on: Captured, to: {})]),",
        quoted(&first_step)
    );
    if routed {
        let branches: Vec<String> = first.iter().map(|(to, p)| done(to, *p)).collect();
        let _ = writeln!(
            svc,
            "        (name: {r}, task: Some({r}), on: [{}]),",
            branches.join(", "),
            r = quoted(ROUTE)
        );
    }
    for t in &tasks {
        let mut branches: Vec<(&str, f64)> = out.get(t).cloned().unwrap_or_default();
        if !ends.contains(t) || branches.is_empty() {
            notes.push(format!(
                "{t}: no kept succession leads on to the end, so its cases end there"
            ));
            branches = vec![(END, 1.0)];
        }
        let list: Vec<String> = branches
            .iter()
            .map(|(to, p)| format!("(on: Done, to: {}, share: Some({p}))", quoted(&next_step(to))))
            .collect();
        let _ = writeln!(
            svc,
            "        (name: {n}, task: Some({n}), on: [{}]),",
            list.join(", "),
            n = quoted(t)
        );
    }
    for a in delays.keys() {
        let _ = writeln!(
            svc,
            "        (name: {w}, task: Some({w}), on: [(on: Done, to: {}, share: Some(1))]),",
            quoted(a),
            w = quoted(&format!("{WAIT}{a}"))
        );
    }
    let _ = writeln!(svc, "        (name: \"end\", outcome: Some(Delivered)),");
    let _ = writeln!(svc, "        (name: \"withdrawn\", outcome: Some(Withdrawn)),");
    let _ = writeln!(svc, "    ],");
    let _ = writeln!(svc, ")");

    // Teams: one per role, performing its profile and what it performs most.
    let mut skills: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for r in &d.roles {
        let set = skills.entry(r.id.as_str()).or_default();
        set.extend(r.activities.iter().map(String::as_str).filter(|a| reached.contains(a)));
    }
    let mut orphans = Vec::new();
    for a in &d.activities {
        if !reached.contains(a.activity.as_str()) {
            continue;
        }
        let name = a.activity.as_str();
        if let Some(set) = a.role.as_deref().and_then(|r| skills.get_mut(r)) {
            set.insert(name);
        } else if !skills.values().any(|s| s.contains(name)) {
            orphans.push(name);
        }
    }
    let mut teams = String::new();
    for r in &d.roles {
        let Some(set) = skills.get(r.id.as_str()).filter(|s| !s.is_empty()) else { continue };
        let list: Vec<String> = set.iter().map(|a| quoted(a)).collect();
        let _ = writeln!(
            teams,
            "            // {}: {} members seen, on duty {} h a week.",
            r.id,
            r.members.len(),
            r.hours_per_week()
        );
        let _ = writeln!(
            teams,
            "            (id: {}, officers: {}, skills: [{}],\n             hours: {}),",
            quoted(&r.id),
            r.members.len().max(1),
            list.join(", "),
            role_hours(&r.on_duty)
        );
    }
    if !orphans.is_empty() {
        notes.push(format!(
            "no role performs {}: a team of 100 on duty round the clock does (no contention)",
            orphans.join(", ")
        ));
        let list: Vec<String> = orphans.iter().map(|a| quoted(a)).collect();
        let _ = writeln!(
            teams,
            "            // No role of the log performs these: no contention for them.\n            (id: \"unassigned\", officers: 100, skills: [{}],\n             hours: (weekdays: [\"00:00-24:00\"], saturday: [\"00:00-24:00\"], sunday: [\"00:00-24:00\"], open_on_holidays: true)),",
            list.join(", ")
        );
    }
    if routed {
        let _ = writeln!(
            teams,
            "            // Draws each case's first activity at once: not an activity of the log.\n            (id: \"routing\", officers: 8, skills: [{}],\n             hours: (weekdays: [\"00:00-24:00\"], saturday: [\"00:00-24:00\"], sunday: [\"00:00-24:00\"], open_on_holidays: true)),",
            quoted(ROUTE)
        );
    }
    // Extraneous delays: one team per role that performs delayed activities, on that role's
    // calendar (the delays are its working time), as many officers as twice the most delays
    // the log held at once, and ten more: an infinite server in effect.
    if !delays.is_empty() {
        let peak: usize = delays.values().map(|t| t.delay_peak).sum();
        let list: Vec<String> = delays.keys().map(|a| quoted(&format!("{WAIT}{a}"))).collect();
        let officers = u32::try_from(2 * peak + 10).unwrap_or(DELAY_SERVERS).min(DELAY_SERVERS);
        let _ = writeln!(
            teams,
            "            // Extraneous delays: waiting no resource explains, in the office's working hours (the log held at most {peak} at once).\n            (id: \"extraneous-delays\", officers: {officers}, skills: [{}],\n             hours: {}),",
            list.join(", "),
            role_hours(&d.office_on_duty)
        );
    }
    let mut minutes = String::new();
    for (a, times) in &delays {
        let values = order_statistics(&times.delays, EMPIRICAL_VALUES);
        #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        let _ = writeln!(
            minutes,
            "            // {WAIT}{a}: extraneous delays, empirical ({} values, mean {mean:.1} min)",
            values.len()
        );
        let _ = writeln!(
            minutes,
            "            ({}, {}),",
            quoted(&format!("{WAIT}{a}")),
            dist_ron(&Dist::Empirical { values })
        );
    }
    for a in d.activities.iter().filter(|a| reached.contains(a.activity.as_str())) {
        let (dist, why) = task_time(a);
        let _ = writeln!(minutes, "            // {}: {why}", a.activity);
        let _ = writeln!(minutes, "            ({}, {}),", quoted(&a.activity), dist_ron(&dist));
    }
    if routed {
        let _ =
            writeln!(minutes, "            ({}, Constant(value: {TICK_MINUTES})),", quoted(ROUTE));
    }
    for skill in navbat_workflow::Skill::ALL {
        let _ = writeln!(minutes, "            ({}, Constant(value: 1.0)),", quoted(skill.name()));
    }

    // Arrivals: the yearly volume over hour and weekday shares, flat months.
    let (first_day, last_day) = local_days(log).unwrap_or((0, 0));
    let starts: Vec<i64> =
        log.cases.iter().filter_map(EventLog::case_start).map(|s| s.local_ms()).collect();
    let (lo, hi) = (starts.iter().min().copied(), starts.iter().max().copied());
    #[expect(clippy::cast_precision_loss, reason = "milliseconds and counts far below 2^52")]
    let span_days = match (lo, hi) {
        (Some(lo), Some(hi)) if hi > lo => (hi - lo) as f64 / navbat_discover::DAY_MS as f64,
        _ => 1.0,
    };
    #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
    let yearly = (d.cases as f64 / span_days * 365.0).round().max(1.0);
    #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
    let shares = |v: &[u64]| -> Vec<f64> { v.iter().map(|n| *n as f64).collect() };
    let mut hour = shares(&d.arrivals.by_hour);
    let mut weekday = shares(&d.arrivals.by_weekday);
    // A profile needs some weight: an empty log leaves every hour alike.
    for v in [&mut hour, &mut weekday] {
        if v.iter().all(|x| *x == 0.0) {
            v.iter_mut().for_each(|x| *x = 1.0);
        }
    }
    notes.push(format!(
        "arrivals: {} cases over {span_days:.1} days ({yearly} a year); month of year flat (a log of {} months cannot show a year's seasons)",
        d.cases,
        ((last_day - first_day) as f64 / 30.4).round()
    ));

    let mut sc = String::new();
    let _ = writeln!(sc, "// The back office of {source}, discovered by `navbat discover`.");
    let _ = writeln!(
        sc,
        "// Every case arrives online (no floor visit) at one office open round the clock;"
    );
    let _ = writeln!(
        sc,
        "// its back-office teams are the log's roles. What the log did not allow to learn:"
    );
    for n in &d.not_learned {
        let _ = writeln!(sc, "// - {n}");
    }
    for n in &notes {
        let _ = writeln!(sc, "// - {n}");
    }
    let _ = writeln!(sc, "Scenario(");
    let _ = writeln!(sc, "    name: \"discovered\",");
    let _ = writeln!(
        sc,
        "    description: {},",
        quoted(&format!("Back office discovered from {source}"))
    );
    let _ = writeln!(
        sc,
        "    // The period the log covers.\n    horizon: (start: \"{}\", end: \"{}\", warm_up_days: 0),",
        date_text(first_day),
        date_text(last_day.max(first_day + 1))
    );
    let _ = writeln!(sc, "    profiles: [(id: \"cases\",");
    let _ = writeln!(sc, "        // Case starts by hour of the log's wall clock and by weekday.");
    let _ = writeln!(sc, "        hour_of_day: {},", numbers(&hour));
    let _ = writeln!(sc, "        weekday: {},", numbers(&weekday));
    let _ = writeln!(sc, "        month: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])],");
    let _ = writeln!(sc, "    segments: [(id: \"applicants\", kind: CitizenAdult,");
    let _ =
        writeln!(sc, "        channel: (kiosk: 0, counter: 0, portal: 1), kiosk_success: 1.0)],");
    let _ = writeln!(
        sc,
        "    services: [(id: {s}, name: \"Discovered process\", portal: true,\n        counter_minutes: Constant(value: 1.0), segments: [(\"applicants\", 1.0)])],",
        s = quoted(SERVICE)
    );
    let _ = writeln!(
        sc,
        "    sites: [(id: \"office\", name: \"Back office\", kind: DistrictOffice, district: \"-\", region: \"-\",\n        lat: 41.3, lon: 69.3,\n        hours: (weekdays: [\"00:00-24:00\"], saturday: [\"00:00-24:00\"], sunday: [\"00:00-24:00\"], open_on_holidays: true),\n        demand: [(service: {s}, yearly: {yearly}, profile: \"cases\")])],",
        s = quoted(SERVICE)
    );
    let _ = writeln!(sc, "    workflows: Some((");
    let _ = writeln!(sc, "        services: \"services\",");
    let _ = writeln!(sc, "        back_office: [");
    sc.push_str(&teams);
    let _ = writeln!(sc, "        ],");
    let _ = writeln!(
        sc,
        "        // Officer minutes per task (the built-in review skills are unused here)."
    );
    let _ = writeln!(sc, "        task_minutes: [");
    sc.push_str(&minutes);
    let _ = writeln!(sc, "        ],");
    let _ = writeln!(
        sc,
        "        // The discovered service waits for none of the world's answers below.\n        approve: [],\n        pay_at_visit: 1.0, pay_later_days: Constant(value: 1.0), never_pay: 0.0,\n        check_minutes: Constant(value: 1.0), check_hit: 0.0, check_failed: 0.0,\n        consent_hours: Constant(value: 1.0), consent_refused: 0.0, consent_no_answer: 0.0,\n        production_days: Constant(value: 1.0),\n        pickup_days: Constant(value: 1.0), never_collect: 0.0,\n        pickup_counter_minutes: Constant(value: 1.0), pickup_kiosk_minutes: Constant(value: 1.0),\n        appeal: 0.0, liveness_mean: 0.9,"
    );
    let _ = writeln!(sc, "    )),");
    let _ = writeln!(sc, ")");
    ModelFiles { scenario: sc, service: svc, notes }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hour_ranges_merge_adjacent_hours() {
        let mut on = [false; 24];
        for h in [8, 9, 10, 13, 23] {
            on[h] = true;
        }
        assert_eq!(hour_ranges(&on), ["08:00-11:00", "13:00-14:00", "23:00-24:00"]);
        assert!(hour_ranges(&[false; 24]).is_empty());
    }

    #[test]
    fn order_statistics_keep_short_samples_and_thin_long_ones() {
        assert_eq!(order_statistics(&[0.0, 1.0, 2.0], 5), [0.0, 1.0, 2.0]);
        let long: Vec<f64> = (0..1000).map(f64::from).collect();
        let k = order_statistics(&long, 10);
        assert_eq!(k.len(), 10);
        assert_eq!(k[0], 50.0);
        assert_eq!(k[9], 950.0);
    }

    #[test]
    fn names_are_quoted_for_ron() {
        assert_eq!(quoted(r#"W_"x"\y"#), r#""W_\"x\"\\y""#);
    }
}
