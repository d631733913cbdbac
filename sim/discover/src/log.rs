//! The compact event log every reader fills and every measure reads: activities and
//! resources interned, cases in the order the file gave them, events in file order.

use std::collections::HashMap;

use crate::time::Stamp;

/// Where an event sits in an activity's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lifecycle {
    /// `start`: work on an activity instance began.
    Start,
    /// `complete` (or no lifecycle given): the instance ended.
    Complete,
    /// Any other transition (`schedule`, `assign`, `suspend`, …): kept, not used as time.
    Other,
}

impl Lifecycle {
    /// The lifecycle of an XES `lifecycle:transition` value (case-insensitive).
    pub fn from_xes(value: &str) -> Self {
        if value.eq_ignore_ascii_case("start") {
            Self::Start
        } else if value.eq_ignore_ascii_case("complete") {
            Self::Complete
        } else {
            Self::Other
        }
    }
}

/// One event of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogEvent {
    /// Index into [`EventLog::activities`].
    pub activity: u32,
    /// Its lifecycle transition.
    pub lifecycle: Lifecycle,
    /// When.
    pub time: Stamp,
    /// Index into [`EventLog::resources`], when the log names who.
    pub resource: Option<u32>,
}

/// One case (trace): its id, its attributes as text, its events in file order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogCase {
    /// The case id (`concept:name` of the trace).
    pub id: String,
    /// The case's other attributes, key and value as text, in file order.
    pub attributes: Vec<(String, String)>,
    /// The events, in the order the file gave them.
    pub events: Vec<LogEvent>,
}

/// An activity instance: a `start` paired with its `complete`, or a lone `complete`
/// (start = end). The unit every distance measure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instance {
    /// Index into [`EventLog::activities`].
    pub activity: u32,
    /// When work began (the `start` event, else the `complete`).
    pub start: Stamp,
    /// When it ended (the `complete` event).
    pub end: Stamp,
    /// Who completed it (else who started it).
    pub resource: Option<u32>,
}

/// A case log: interned names and the cases.
#[derive(Debug, Clone, Default)]
pub struct EventLog {
    /// Activity names; events refer to them by index.
    pub activities: Vec<String>,
    /// Resource names; events refer to them by index.
    pub resources: Vec<String>,
    /// The cases, in file order.
    pub cases: Vec<LogCase>,
    activity_index: HashMap<String, u32>,
    resource_index: HashMap<String, u32>,
}

fn intern(names: &mut Vec<String>, index: &mut HashMap<String, u32>, name: &str) -> u32 {
    if let Some(&i) = index.get(name) {
        return i;
    }
    // More than 4 billion distinct names cannot be held in memory first.
    let i = u32::try_from(names.len()).unwrap_or(u32::MAX);
    names.push(name.to_owned());
    index.insert(name.to_owned(), i);
    i
}

impl EventLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// The index of an activity name, added if new.
    pub fn activity_id(&mut self, name: &str) -> u32 {
        intern(&mut self.activities, &mut self.activity_index, name)
    }

    /// The index of a resource name, added if new.
    pub fn resource_id(&mut self, name: &str) -> u32 {
        intern(&mut self.resources, &mut self.resource_index, name)
    }

    /// The name of an activity index (`"?"` if out of range).
    pub fn activity_name(&self, id: u32) -> &str {
        self.activities.get(id as usize).map_or("?", String::as_str)
    }

    /// Events in the whole log.
    pub fn event_count(&self) -> usize {
        self.cases.iter().map(|c| c.events.len()).sum()
    }

    /// A case's activity instances, ordered by (start, end), ties in file order: each
    /// `complete` closes the earliest open `start` of the same activity, a `complete` with
    /// none open is an instant instance, a `start` never completed is left out, other
    /// transitions are ignored.
    pub fn instances(case: &LogCase) -> Vec<Instance> {
        let mut open: HashMap<u32, std::collections::VecDeque<(Stamp, Option<u32>)>> =
            HashMap::new();
        let mut out = Vec::with_capacity(case.events.len());
        for e in &case.events {
            match e.lifecycle {
                Lifecycle::Start => {
                    open.entry(e.activity).or_default().push_back((e.time, e.resource))
                }
                Lifecycle::Complete => {
                    let started = open.get_mut(&e.activity).and_then(|q| q.pop_front());
                    let (start, who) = started.unwrap_or((e.time, e.resource));
                    out.push(Instance {
                        activity: e.activity,
                        start,
                        end: e.time,
                        resource: e.resource.or(who),
                    });
                }
                Lifecycle::Other => {}
            }
        }
        out.sort_by_key(|i| (i.start.utc_ms, i.end.utc_ms));
        out
    }

    /// Whether any case pairs a `start` with a `complete`.
    pub fn has_start_events(&self) -> bool {
        self.cases.iter().flat_map(|c| &c.events).any(|e| e.lifecycle == Lifecycle::Start)
    }

    /// The earliest instance start of a case (`None` for a case without instances).
    pub fn case_start(case: &LogCase) -> Option<Stamp> {
        Self::instances(case).iter().map(|i| i.start).min_by_key(|s| s.utc_ms)
    }

    /// The same log with only the events whose activity `keep` accepts (cases left empty
    /// are dropped; names keep their indices).
    pub fn filter_activities(&self, keep: impl Fn(&str) -> bool) -> Self {
        let kept: Vec<bool> = self.activities.iter().map(|a| keep(a)).collect();
        let mut out = self.clone();
        for c in &mut out.cases {
            c.events.retain(|e| kept.get(e.activity as usize).copied().unwrap_or(false));
        }
        out.cases.retain(|c| !c.events.is_empty());
        out
    }

    /// The log split by case start: cases starting before `at_ms` (UTC milliseconds), then
    /// the others. Cases without instances go to neither.
    pub fn split_at(&self, at_ms: i64) -> (Self, Self) {
        let mut early = self.clone();
        let mut late = self.clone();
        early.cases.clear();
        late.cases.clear();
        for c in &self.cases {
            match Self::case_start(c) {
                Some(s) if s.utc_ms < at_ms => early.cases.push(c.clone()),
                Some(_) => late.cases.push(c.clone()),
                None => {}
            }
        }
        (early, late)
    }

    /// The case start that leaves `fraction` of the cases (by start time) before it.
    pub fn start_quantile(&self, fraction: f64) -> Option<i64> {
        let mut starts: Vec<i64> =
            self.cases.iter().filter_map(Self::case_start).map(|s| s.utc_ms).collect();
        starts.sort_unstable();
        if starts.is_empty() {
            return None;
        }
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss,
            reason = "an index within the list, fraction clamped to [0, 1]"
        )]
        let k = ((starts.len() as f64) * fraction.clamp(0.0, 1.0)).floor() as usize;
        Some(starts[k.min(starts.len() - 1)])
    }

    /// The same log with every timestamp moved by `ms` milliseconds (offsets kept).
    pub fn shifted(&self, ms: i64) -> Self {
        let mut out = self.clone();
        for e in out.cases.iter_mut().flat_map(|c| c.events.iter_mut()) {
            e.time.utc_ms += ms;
        }
        out
    }

    /// The naive reference for a compared log: "the last period again". The calibration
    /// cases (`self`) that started in the last stretch of the calibration period as long as
    /// the compared log's span of case starts, moved by the whole number of weeks nearest to
    /// the distance between that stretch's start and the compared log's first case start
    /// (so weekday and hour of day stay). `None` when either log has no instance.
    pub fn naive_reference(&self, compared: &Self) -> Option<Self> {
        let starts = |l: &Self| -> Vec<i64> {
            l.cases.iter().filter_map(Self::case_start).map(|s| s.utc_ms).collect()
        };
        let (cal, cmp) = (starts(self), starts(compared));
        let (cmp_lo, cmp_hi) = (*cmp.iter().min()?, *cmp.iter().max()?);
        let cal_hi = *cal.iter().max()?;
        let from = cal_hi - (cmp_hi - cmp_lo);
        let (_, last) = self.split_at(from);
        const WEEK_MS: i64 = 7 * crate::time::DAY_MS;
        let weeks = (cmp_lo - from + WEEK_MS / 2).div_euclid(WEEK_MS);
        Some(last.shifted(weeks * WEEK_MS))
    }

    /// The first and last instants of the log's instances (UTC milliseconds).
    pub fn span_ms(&self) -> Option<(i64, i64)> {
        let mut lo = i64::MAX;
        let mut hi = i64::MIN;
        for c in &self.cases {
            for i in Self::instances(c) {
                lo = lo.min(i.start.utc_ms);
                hi = hi.max(i.end.utc_ms);
            }
        }
        (lo <= hi).then_some((lo, hi))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_iso;

    fn ev(log: &mut EventLog, a: &str, l: Lifecycle, t: &str) -> LogEvent {
        LogEvent {
            activity: log.activity_id(a),
            lifecycle: l,
            time: parse_iso(t).unwrap(),
            resource: None,
        }
    }

    #[test]
    fn instances_pair_start_and_complete_in_order() {
        let mut log = EventLog::new();
        let events = vec![
            ev(&mut log, "A", Lifecycle::Other, "2020-01-01T08:00"),
            ev(&mut log, "A", Lifecycle::Start, "2020-01-01T09:00"),
            ev(&mut log, "B", Lifecycle::Complete, "2020-01-01T09:30"),
            ev(&mut log, "A", Lifecycle::Complete, "2020-01-01T10:00"),
            ev(&mut log, "C", Lifecycle::Start, "2020-01-01T11:00"),
        ];
        let case = LogCase { id: "1".into(), attributes: vec![], events };
        let inst = EventLog::instances(&case);
        assert_eq!(inst.len(), 2, "C never completes, the schedule is ignored");
        assert_eq!(log.activity_name(inst[0].activity), "A");
        assert_eq!(inst[0].end.utc_ms - inst[0].start.utc_ms, 3_600_000);
        assert_eq!(log.activity_name(inst[1].activity), "B");
    }

    #[test]
    fn the_naive_reference_is_the_last_period_moved_by_whole_weeks() {
        let week = 7 * crate::time::DAY_MS;
        let mut cal = EventLog::new();
        let a = cal.activity_id("A");
        // Calibration: one case a week for ten weeks, Mondays 09:00 UTC from 2026-03-02.
        let t0 = parse_iso("2026-03-02T09:00:00Z").unwrap().utc_ms;
        let case = |k: i64, at: i64| LogCase {
            id: k.to_string(),
            attributes: vec![],
            events: vec![LogEvent {
                activity: a,
                lifecycle: Lifecycle::Complete,
                time: Stamp { utc_ms: at, offset_s: 0 },
                resource: None,
            }],
        };
        cal.cases = (0..10).map(|k| case(k, t0 + k * week)).collect();
        // Compared: weeks 10 to 13, on Wednesdays (two days later).
        let mut cmp = cal.clone();
        cmp.cases = (10..14).map(|k| case(k, t0 + k * week + 2 * crate::time::DAY_MS)).collect();
        let naive = cal.naive_reference(&cmp).unwrap();
        let starts: Vec<i64> = naive.cases.iter().map(|c| c.events[0].time.utc_ms).collect();
        // The last three weeks' span (weeks 6 to 9) moved by the whole weeks nearest to
        // week 10 + 2 days minus week 6: four weeks; Mondays stay Mondays.
        assert_eq!(starts, (10..14).map(|k| t0 + k * week).collect::<Vec<_>>());
    }
}
