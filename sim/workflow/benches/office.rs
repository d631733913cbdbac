//! Whole cases per second as the simulator's back office drives them: a seeded mix of the
//! bundled services, each case opened, driven by the world (capture, payment, Face-ID,
//! checks, consents, production, pickup, appeals), decided by officers through the queues,
//! its timers fired through the store, then evicted and its chain verified.
//!
//! This mirrors how `sim/engine/src/office.rs` calls the store: `current_step` before every
//! move, `fire_due(now)` before every case event, claims from the per-skill queues and
//! `complete` with one reason code, one timer wake-up at the earliest armed timer, and a
//! finished-case sink whose cases get `verify_chain` and `sla_status`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark stops if its bundled fixtures do not load"
)]

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use criterion::{Criterion, Throughput, criterion_group};
use navbat_workflow::{
    Case, CaseId, CaseStore, CheckResult, Decision, Event, Facts, MatchInputs, OfficerId, Outcome,
    Pseudonym, ReasonCode, Retention, ServiceCatalog, ServiceId, Skill, StoreConfig, TaskId,
    Timestamp, Trigger, WorkCalendar, load_services, sla_status, verify_chain,
};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Cases opened per benchmark iteration.
const CASES: u64 = 10_000;
/// Arrivals per simulated day (the pilot year opens about 260,000 cases: ~700 a day).
const CASES_PER_DAY: u64 = 700;
const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 60 * MINUTE_MS;
const DAY_MS: i64 = 24 * HOUR_MS;

/// The service mix, by catalogue name and weight.
const MIX: [(&str, u32); 10] = [
    ("id-card", 40),
    ("foreign-passport", 25),
    ("residence-registration", 10),
    ("foreigner-registration", 8),
    ("student-registration", 4),
    ("e-visa-extension", 4),
    ("work-permit", 4),
    ("stateless-travel-document", 1),
    ("compatriot-invitation", 2),
    ("citizenship-application", 2),
];

fn catalog() -> ServiceCatalog {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/services");
    load_services(&dir).unwrap_or_else(|e| panic!("services: {e}"))
}

fn t0() -> Timestamp {
    Timestamp::from_civil(jiff::civil::date(2026, 1, 5).at(9, 0, 0, 0))
}

/// What the world does next, in time order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Action {
    Open(u64),
    Case(CaseId, Step),
    Claim(Skill),
    Decide(TaskId, Skill),
    Timer,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Match,
    Pay,
    Check(u8),
    Consent(u8),
    Produced,
    Collected,
    Appeal,
}

struct Meta {
    id: CaseId,
    pay_now: bool,
    pay_never: bool,
    verify_score: f32,
    liveness_score: f32,
    candidate: Option<f32>,
}

/// Totals of one run, checked so the work cannot be optimised away.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Tally {
    finished: u64,
    verified: u64,
    sla_met: u64,
    events: u64,
    /// Wrapping sum of the first eight bytes of every finished case's chain head.
    heads: u64,
}

struct Office {
    store: CaseStore,
    finished: Arc<Mutex<Vec<Case>>>,
    services: Vec<(ServiceId, u32)>,
    meta: Vec<Option<Meta>>,
    calendar: BinaryHeap<Reverse<(i64, u64, Action)>>,
    seq: u64,
    timer_wake: Option<i64>,
    officer: u32,
    rng: ChaCha8Rng,
    tally: Tally,
}

impl Office {
    fn new(catalog: &Arc<ServiceCatalog>, seed: u64) -> Self {
        let config = StoreConfig { record_log: true, retention: Retention::Evict };
        let mut store = CaseStore::new(Arc::clone(catalog), WorkCalendar::weekdays(), config);
        let finished = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&finished);
        store.set_finished_sink(Box::new(move |case| {
            sink.lock().unwrap_or_else(PoisonError::into_inner).push(case);
        }));
        let services = MIX
            .iter()
            .map(|(name, w)| (catalog.id(name).unwrap_or_else(|| panic!("{name}")), *w))
            .collect();
        Office {
            store,
            finished,
            services,
            meta: Vec::new(),
            calendar: BinaryHeap::new(),
            seq: 0,
            timer_wake: None,
            officer: 0,
            rng: ChaCha8Rng::seed_from_u64(seed),
            tally: Tally::default(),
        }
    }

    fn schedule(&mut self, at: i64, action: Action) {
        self.seq += 1;
        self.calendar.push(Reverse((at, self.seq, action)));
    }

    fn run(mut self, start: Timestamp) -> Tally {
        let arrival = |i: u64| start.0 + (i * DAY_MS as u64 / CASES_PER_DAY) as i64;
        self.schedule(arrival(0), Action::Open(0));
        while let Some(Reverse((now, _, action))) = self.calendar.pop() {
            match action {
                Action::Open(person) => {
                    if person + 1 < CASES {
                        self.schedule(arrival(person + 1), Action::Open(person + 1));
                    }
                    self.open(person, now);
                }
                Action::Case(id, step) => self.case_event(id, step, now),
                Action::Claim(skill) => self.claim(skill, now),
                Action::Decide(task, skill) => self.decide(task, skill, now),
                Action::Timer => {
                    if self.timer_wake != Some(now) {
                        continue;
                    }
                    self.timer_wake = None;
                    self.fire_timers(now);
                    if let Some((due, _)) = self.store.next_due_timer() {
                        self.wake_for_timer(due.0.max(now + 1));
                    }
                }
            }
        }
        self.tally
    }

    fn open(&mut self, person: u64, now: i64) {
        let total: u32 = self.services.iter().map(|s| s.1).sum();
        let mut pick = self.rng.random_range(0..total);
        let mut service = self.services[0].0;
        for &(id, w) in &self.services {
            if pick < w {
                service = id;
                break;
            }
            pick -= w;
        }
        let pay_now = self.rng.random::<f64>() < 0.85;
        let pay_never = !pay_now && self.rng.random::<f64>() < 0.1;
        // Cosine scores on the definitions' scale: most captures pass, some are grey, a few fail.
        let u: f64 = self.rng.random();
        let verify_score = if u < 0.9 {
            0.45
        } else if u < 0.97 {
            0.17
        } else {
            0.05
        };
        let liveness_score = if self.rng.random::<f64>() < 0.97 { 0.9 } else { 0.3 };
        let candidate = Some(if self.rng.random::<f64>() < 0.002 { 0.3 } else { 0.12 });
        let Ok(out) = self.store.open(service, Pseudonym(person), Facts::default(), Timestamp(now))
        else {
            return;
        };
        let id = out.case;
        let slot = (id.0 & 0xffff_ffff) as usize;
        if self.meta.len() <= slot {
            self.meta.resize_with(slot + 1, || None);
        }
        self.meta[slot] =
            Some(Meta { id, pay_now, pay_never, verify_score, liveness_score, candidate });
        self.after(&out, now);
        self.drive(id, now);
    }

    fn meta(&mut self, id: CaseId) -> Option<&mut Meta> {
        let slot = (id.0 & 0xffff_ffff) as usize;
        self.meta.get_mut(slot)?.as_mut().filter(|m| m.id == id)
    }

    /// Schedules what the case's current step waits for, applying at once capture and
    /// payment during the visit (as the engine's `drive`).
    fn drive(&mut self, id: CaseId, now: i64) {
        for _ in 0..8 {
            let Some(step) = self.store.current_step(id) else { return };
            if step.task.is_some() || step.outcome.is_some() {
                return;
            }
            let has = |t: Trigger| step.on.iter().any(|tr| tr.trigger == t);
            let (captured, match_, paid, check, consent, produced, collected, appealed) = (
                has(Trigger::Captured),
                has(Trigger::MatchPass) || has(Trigger::MatchFail),
                has(Trigger::Paid),
                has(Trigger::CheckClear),
                has(Trigger::ConsentGiven),
                has(Trigger::Produced),
                has(Trigger::Collected),
                has(Trigger::Appealed),
            );
            if captured {
                let Ok(out) = self.store.apply(id, Event::Captured, Timestamp(now)) else {
                    return;
                };
                self.tally.events += 1;
                self.after(&out, now);
                continue;
            }
            let r: f64 = self.rng.random();
            let Some(m) = self.meta(id) else { return };
            let later = |ms: i64| now + ms.max(1);
            if match_ {
                self.schedule(later(3_000), Action::Case(id, Step::Match));
                return;
            }
            if paid {
                if m.pay_now {
                    m.pay_now = false;
                    let Ok(out) = self.store.apply(id, Event::Paid, Timestamp(now)) else {
                        return;
                    };
                    self.tally.events += 1;
                    self.after(&out, now);
                    continue;
                }
                if !m.pay_never {
                    self.schedule(
                        later((r * 6.0 * DAY_MS as f64) as i64),
                        Action::Case(id, Step::Pay),
                    );
                }
                return;
            }
            if check {
                let result = if r < 0.02 {
                    1
                } else if r < 0.03 {
                    2
                } else {
                    0
                };
                self.schedule(later(5 * MINUTE_MS), Action::Case(id, Step::Check(result)));
                return;
            }
            if consent {
                let answer = if r < 0.05 {
                    1
                } else if r < 0.15 {
                    2
                } else {
                    0
                };
                self.schedule(later(20 * HOUR_MS), Action::Case(id, Step::Consent(answer)));
                return;
            }
            if produced {
                self.schedule(later(DAY_MS * 4 / 5), Action::Case(id, Step::Produced));
                return;
            }
            if collected {
                if r >= 0.02 {
                    self.schedule(later(4 * DAY_MS), Action::Case(id, Step::Collected));
                }
                return;
            }
            if appealed && r < 0.25 {
                self.schedule(later(7 * DAY_MS), Action::Case(id, Step::Appeal));
            }
            return;
        }
    }

    fn case_event(&mut self, id: CaseId, step: Step, now: i64) {
        let Some(m) = self.meta(id) else { return };
        let event = match step {
            Step::Match => Event::Matched(MatchInputs {
                verify_score: m.verify_score,
                liveness_score: m.liveness_score,
                best_candidate_score: m.candidate,
            }),
            Step::Pay => Event::Paid,
            Step::Check(0) => Event::CheckReturned(CheckResult::Clear),
            Step::Check(1) => Event::CheckReturned(CheckResult::Hit),
            Step::Check(_) => Event::CheckReturned(CheckResult::Failed),
            Step::Consent(0) => Event::ConsentGiven,
            Step::Consent(1) => Event::ConsentRefused,
            Step::Consent(_) => Event::ConsentTimedOut,
            Step::Produced => Event::Produced,
            Step::Collected => Event::Collected,
            Step::Appeal => Event::Appealed,
        };
        self.fire_timers(now);
        let Ok(out) = self.store.apply(id, event, Timestamp(now)) else { return };
        self.tally.events += 1;
        self.after(&out, now);
        self.drive(id, now);
    }

    fn fire_timers(&mut self, now: i64) {
        let Ok(outs) = self.store.fire_due(Timestamp(now)) else { return };
        for out in &outs {
            self.tally.events += 1;
            self.after(out, now);
            self.drive(out.case, now);
        }
    }

    fn wake_for_timer(&mut self, due: i64) {
        if self.timer_wake.is_none_or(|t| due < t) {
            self.timer_wake = Some(due);
            self.schedule(due, Action::Timer);
        }
    }

    /// An officer of the skill takes the oldest waiting task they may take.
    fn claim(&mut self, skill: Skill, now: i64) {
        for _ in 0..3 {
            self.officer = self.officer % 12 + 1;
            match self.store.claim(skill, OfficerId(self.officer), Timestamp(now)) {
                Ok(Some(task)) => {
                    self.tally.events += 1;
                    let minutes = 5 + i64::from(self.officer);
                    self.schedule(now + minutes * MINUTE_MS, Action::Decide(task, skill));
                    return;
                }
                Ok(None) if self.store.queue_len(skill) > 0 => {}
                _ => return,
            }
        }
        // Everyone tried was barred (an appeal of their own decision): try again later.
        self.schedule(now + HOUR_MS, Action::Claim(skill));
    }

    fn decide(&mut self, task: TaskId, skill: Skill, now: i64) {
        let approve = self.rng.random::<f64>() < if skill == Skill::Appeal { 0.3 } else { 0.9 };
        let (decision, code) = if approve {
            (Decision::Approve, ReasonCode(0))
        } else {
            (Decision::Reject, ReasonCode(1))
        };
        let Ok(out) = self.store.complete(task, decision, &[code], Timestamp(now)) else { return };
        self.tally.events += 1;
        self.after(&out, now);
        self.drive(task.case, now);
    }

    /// Books an outcome: the timer wake-up, a task to dispatch, and the finished cases.
    fn after(&mut self, out: &Outcome, now: i64) {
        if let Some(due) = out.timer_set {
            self.wake_for_timer(due.0.max(now));
        }
        if let Some((_, skill)) = out.task_opened {
            self.schedule(now + MINUTE_MS, Action::Claim(skill));
        }
        self.drain();
    }

    /// Verifies and tallies the cases the store evicted (as the engine's `drain`).
    fn drain(&mut self) {
        let done: Vec<Case> =
            std::mem::take(&mut *self.finished.lock().unwrap_or_else(PoisonError::into_inner));
        for case in done {
            let slot = (case.id.0 & 0xffff_ffff) as usize;
            if let Some(m) = self.meta.get_mut(slot)
                && m.as_ref().is_some_and(|m| m.id == case.id)
            {
                *m = None;
            }
            self.tally.finished += 1;
            self.tally.verified += u64::from(verify_chain(&case).is_ok());
            let mut head = [0; 8];
            head.copy_from_slice(&case.state.head[..8]);
            self.tally.heads = self.tally.heads.wrapping_add(u64::from_le_bytes(head));
            let st = &case.state;
            if let Some(s) = self.store.catalog().get(st.service)
                && let Some(status) = sla_status(s, self.store.calendar(), st, st.last_at)
                && status.stopped.is_some()
            {
                self.tally.sla_met += u64::from(status.state == navbat_workflow::SlaState::OnTime);
            }
        }
    }
}

fn office(c: &mut Criterion) {
    let catalog = Arc::new(catalog());
    let first = Office::new(&catalog, 7).run(t0());
    println!(
        "office mix: {} cases opened, {} finished, {} chains verified, {} SLA met, {:.2} inputs per case, heads {:016x}",
        CASES,
        first.finished,
        first.verified,
        first.sla_met,
        first.events as f64 / CASES as f64,
        first.heads,
    );
    let mut g = c.benchmark_group("workflow");
    g.sample_size(20);
    g.throughput(Throughput::Elements(CASES));
    g.bench_function("office_mix_cases", |b| {
        b.iter(|| {
            let tally = Office::new(&catalog, 7).run(t0());
            assert_eq!(tally, first);
            black_box(tally)
        });
    });
    g.finish();
}

criterion_group!(benches, office);

fn main() {
    // `NAVBAT_OFFICE_RUNS=n`: run the office n times and exit, for counting cycles and
    // instructions (`perf stat`) on a shared machine where wall time is noisy.
    if let Some(runs) = std::env::var("NAVBAT_OFFICE_RUNS").ok().and_then(|v| v.parse::<u32>().ok())
    {
        let catalog = Arc::new(catalog());
        let mut last = Tally::default();
        for _ in 0..runs {
            last = black_box(Office::new(&catalog, 7).run(t0()));
        }
        println!("{runs} runs of {CASES} cases: {last:?}");
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
