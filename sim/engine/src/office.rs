//! The back office: every request becomes a case of `navbat-workflow`, driven by simulated
//! events until it ends.
//!
//! The floor opens a case when a person's request is taken at a kiosk or a counter. From
//! then on the case's own definition decides what it waits for; this module plays the world
//! around it:
//! - Face-ID results arrive after the matching crate's latency at the national gallery size;
//! - the state duty is paid during the visit, later, or never;
//! - inter-agency checks and E-Rozilik consents answer after their response times, with hits,
//!   failures, refusals and silence in the scenario's shares;
//! - documents are produced off-site, then collected on a later visit that the floor
//!   simulates like any other (a pickup at a document terminal or a counter);
//! - refused applicants appeal in the scenario's share;
//! - back-office officers, by team, skill and working hours, pull human tasks from the
//!   store's queues and decide them;
//! - timers fire through the store.
//!
//! Every random choice about a case comes from the person's own stream, so a variant of the
//! scenario (say, without kiosks) sends the same person down the same path where it can.
//! Finished cases leave the store at once; their audit chain is verified and their outcome
//! tallied by the site of the request, so memory follows the cases open, not the year.

use std::sync::{Arc, Mutex, PoisonError};

use navbat_matching::Template;
use navbat_record::{BackOfficeRow, WaitHistogram};
use navbat_workflow::{
    Case, CaseId, CaseStore, CheckResult, Decision, Event as CaseEvent, Facts, MatchInputs,
    OfficerId, Outcome, Pseudonym, ReasonCode, Resolution, Retention, RuleKind, Service,
    ServiceCatalog, ServiceId, Skill, StoreConfig, TaskId, Timestamp, Trigger, WorkCalendar,
};
use rand::{RngExt, SeedableRng};
use rand_distr::{Beta, Distribution};
use rand_pcg::Pcg32;

use crate::calendar::Calendar;
use crate::components::{Event, OFFICE};
use crate::face::{Auditor, FaceContext};
use crate::model::Model;
use crate::sample::Sampler;
use crate::streams::{Purpose, person_stream};
use crate::tally::{CaseTally, FACE_GROUPS};
use crate::time::{DAY_MS, HOUR_MS, SimTime, minutes_to_ms};

/// What a case waits for from the world, when the office has scheduled it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CaseStep {
    /// Face-ID results (1:1 and, where the service asks, 1:N).
    Match,
    /// The state duty is paid.
    Pay,
    /// An inter-agency check answers: 0 clear, 1 hit, 2 failed.
    Check(u8),
    /// E-Rozilik: 0 consent, 1 refusal, 2 no answer.
    Consent(u8),
    /// The document is produced.
    Produced,
    /// The applicant appeals.
    Appeal,
    /// A timer of the store may be due.
    Timer,
}

/// What happens to a back-office officer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum OfficerStep {
    /// A working window starts.
    On,
    /// A working window ends.
    Off,
    /// The task in hand is decided.
    TaskDone,
}

/// The request a case is opened for, as the floor knows it.
pub(crate) struct Request {
    pub(crate) site: usize,
    pub(crate) person: u64,
    pub(crate) service: u16,
    pub(crate) segment: u16,
    pub(crate) arrived: SimTime,
    pub(crate) counted: bool,
    /// Served at a counter (or sent on to one), so an officer took part.
    pub(crate) officer_contact: bool,
    /// Face-ID group index (age band × 2 + female).
    pub(crate) group: usize,
    /// 1:1 score of the capture the request was taken with (0 when none was usable).
    pub(crate) verify_score: f32,
    /// That capture, for the 1:N search.
    pub(crate) template: Option<Template>,
    /// The 1:N search, when it was made with the capture.
    pub(crate) searched: Option<Option<f32>>,
}

/// A pickup visit as the floor needs it.
pub(crate) struct PickupVisit {
    pub(crate) person: u64,
    pub(crate) service: u16,
    pub(crate) segment: u16,
    pub(crate) counter_ms: i64,
    pub(crate) kiosk_ms: i64,
}

struct Meta {
    id: CaseId,
    site: u16,
    service: u16,
    segment: u16,
    person: u64,
    arrived: SimTime,
    counted: bool,
    officer_contact: bool,
    group: u8,
    pay_now: bool,
    pay_never: bool,
    verify_score: f32,
    candidate: Option<f32>,
    rng: Pcg32,
}

struct Officer {
    id: OfficerId,
    team: usize,
    on_duty: bool,
    task: Option<(TaskId, Skill, SimTime)>,
    next_window: usize,
}

#[derive(Default)]
struct SkillTally {
    opened: u64,
    done: u64,
    waits: WaitHistogram,
    busy_ms: i64,
}

/// Per service, what the office must know of its definition.
struct ServiceInfo {
    id: ServiceId,
    dedup: bool,
    /// Per skill: reason codes for approving and for rejecting.
    reasons: [(ReasonCode, ReasonCode); 7],
    /// Facts of the definition that hold for a share of cases: (bit, share).
    facts: Vec<(u16, f64)>,
    /// Days to produce this service's document, where it has its own.
    production_days: Option<Sampler>,
}

/// The back office of one replication.
pub(crate) struct Office {
    store: CaseStore,
    finished: Arc<Mutex<Vec<Case>>>,
    /// An empty list with room, swapped with the finished-case sink's list each drain.
    spare: Vec<Case>,
    services: Vec<ServiceInfo>,
    meta: Vec<Option<Meta>>,
    officers: Vec<Officer>,
    /// Officers on duty with no task in hand, a bit each (officer `o` is bit `o % 64` of
    /// word `o / 64`).
    free: Vec<u64>,
    /// Per skill, the officers whose team has it, in the same bits.
    skilled: [Vec<u64>; 7],
    windows: Vec<Vec<(i64, i64)>>,
    team_skills: Vec<Vec<Skill>>,
    task_time: Vec<Sampler>,
    approve: [f64; 7],
    skills: [SkillTally; 7],
    samplers: Samplers,
    liveness: Option<Beta<f64>>,
    /// Face-ID's population and gallery, when the scenario has Face-ID.
    matcher: Option<Arc<FaceContext>>,
    /// The worker that verifies finished cases' chains, when there is one.
    auditor: Option<Auditor>,
    match_latency_ms: i64,
    /// When the office's one timer wake-up is scheduled.
    timer_wake: Option<SimTime>,
    warm_up_end: SimTime,
    seed: u64,
    replication: u32,
    /// Per site: case outcomes.
    pub(crate) sites: Vec<CaseTally>,
    /// Per site and service: finished cases with a started deadline, and of them met.
    pub(crate) sla_by_service: Vec<Vec<[u64; 2]>>,
    /// Per site and Face-ID group: 1:N searches and adjudications.
    pub(crate) face: Vec<[[u64; 2]; FACE_GROUPS]>,
    export: Option<CaseExporter>,
}

impl std::fmt::Debug for Office {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Office")
            .field("open_cases", &self.store.open_cases())
            .field("officers", &self.officers.len())
            .finish_non_exhaustive()
    }
}

struct Samplers {
    pay_later_days: Sampler,
    check_minutes: Sampler,
    consent_hours: Sampler,
    production_days: Sampler,
    pickup_days: Sampler,
    pickup_counter_minutes: Sampler,
    pickup_kiosk_minutes: Sampler,
}

/// Receives every finished case with its audit log (e.g. to write an event log).
pub type CaseExporter = Box<dyn FnMut(&ServiceCatalog, &Case) + Send>;

fn ts(t: SimTime) -> Timestamp {
    Timestamp(t.0)
}

/// The first reason of `service` whose name contains one of `words`, else code 0.
fn reason(service: &Service, words: &[&str]) -> ReasonCode {
    service
        .review_reasons
        .iter()
        .position(|r| words.iter().any(|w| r.contains(w)))
        .and_then(|i| u16::try_from(i).ok())
        .map_or(ReasonCode(0), ReasonCode)
}

/// Reason codes by skill, from the service's own vocabulary: identity reviews confirm or
/// not, appeals are upheld or dismissed, other reviews take the first code that reads as a
/// finding for or against the applicant.
fn reasons_of(service: &Service) -> [(ReasonCode, ReasonCode); 7] {
    const FOR: &[&str] = &[
        "confirmed",
        "corrected",
        "successful",
        "verified",
        "justified",
        "grants",
        "-met",
        "accepted",
        "complete",
    ];
    const AGAINST: &[&str] = &[
        "not-",
        "blocks",
        "restriction",
        "refuses",
        "unreachable",
        "violation",
        "exhausted",
        "objection",
        "incomplete",
        "no-valid",
    ];
    let identity = (
        reason(service, &["identity-confirmed", "recapture-successful"]),
        reason(service, &["identity-not-confirmed"]),
    );
    let general = (reason(service, FOR), reason(service, AGAINST));
    let appeal = (reason(service, &["appeal-upheld"]), reason(service, &["appeal-dismissed"]));
    Skill::ALL.map(|s| match s {
        Skill::Intake | Skill::BiometricAdjudication => identity,
        Skill::Appeal => appeal,
        _ => general,
    })
}

impl Office {
    /// The office of one replication, or `None` when the scenario has no workflows.
    pub(crate) fn new(
        model: &Model,
        seed: u64,
        replication: u32,
        matcher: Option<Arc<FaceContext>>,
        export: Option<CaseExporter>,
    ) -> Option<Self> {
        let sc = &model.scenario;
        let w = sc.workflows.as_ref()?;
        let catalog = w.catalog.clone();
        let holidays: Vec<jiff::civil::Date> = sc.holidays.iter().map(|h| h.date).collect();
        use jiff::civil::Weekday::*;
        let calendar =
            WorkCalendar::new(&[Monday, Tuesday, Wednesday, Thursday, Friday], &holidays)
                .unwrap_or_else(|_| WorkCalendar::weekdays());
        // Logs are kept while a case is open so its chain can be verified when it ends;
        // finished cases leave the store at once.
        let config = StoreConfig { record_log: true, retention: Retention::Evict };
        let mut store = CaseStore::new(catalog.clone(), calendar, config);
        let finished = Arc::new(Mutex::new(Vec::new()));
        let sink = finished.clone();
        store.set_finished_sink(Box::new(move |case| {
            sink.lock().unwrap_or_else(PoisonError::into_inner).push(case);
        }));
        let services = sc
            .services
            .iter()
            .filter_map(|s| {
                let id = catalog.id(&s.id)?;
                let def = catalog.get(id)?;
                let dedup =
                    def.rules.iter().any(|r| matches!(r.kind, RuleKind::DedupSearch { .. }));
                let facts = w
                    .facts
                    .iter()
                    .filter(|(service, _, _)| *service == s.id)
                    .filter_map(|(_, fact, share)| {
                        let bit = def.facts.iter().position(|f| f == fact)?;
                        Some((u16::try_from(bit).ok()?, *share))
                    })
                    .collect();
                let production_days = w
                    .production_days_by_service
                    .iter()
                    .find(|(service, _)| *service == s.id)
                    .map(|(_, d)| Sampler::new(d));
                Some(ServiceInfo { id, dedup, reasons: reasons_of(def), facts, production_days })
            })
            .collect::<Vec<_>>();
        if services.len() != sc.services.len() {
            return None;
        }
        let skill_index = |name: &str| Skill::from_name(name).map(Skill::index);
        let mut task_time: Vec<Sampler> =
            Skill::ALL.iter().map(|_| Sampler::Constant(10.0)).collect();
        for (name, d) in &w.task_minutes {
            if let Some(i) = skill_index(name) {
                task_time[i] = Sampler::new(d);
            }
        }
        let mut approve = [1.0; 7];
        for (name, p) in &w.approve {
            if let Some(i) = skill_index(name) {
                approve[i] = *p;
            }
        }
        let mut officers = Vec::new();
        let mut windows = Vec::new();
        let mut team_skills: Vec<Vec<Skill>> = Vec::new();
        for (t, team) in w.teams.iter().enumerate() {
            windows.push(crate::plan::windows(sc, &team.hours));
            team_skills.push(team.skills.iter().filter_map(|s| Skill::from_name(s)).collect());
            for _ in 0..team.officers {
                let id = OfficerId(u32::try_from(officers.len() + 1).unwrap_or(u32::MAX));
                officers.push(Officer { id, team: t, on_duty: false, task: None, next_window: 0 });
            }
        }
        let latency = navbat_matching::LatencyModel::default();
        let match_latency_ms = (latency.search_latency(navbat_matching::NATIONAL_GALLERY_SIZE)
            + latency.verify_latency())
        .as_millis();
        let m = w.liveness_mean;
        // A Beta with mean `m` and concentration 20: most live captures score near the mean.
        let liveness = Beta::new(20.0 * m, 20.0 * (1.0 - m)).ok();
        let n_sites = sc.sites.len();
        let words = officers.len().div_ceil(64);
        let mut skilled: [Vec<u64>; 7] = std::array::from_fn(|_| vec![0; words]);
        for (o, off) in officers.iter().enumerate() {
            for skill in &team_skills[off.team] {
                skilled[skill.index()][o / 64] |= 1 << (o % 64);
            }
        }
        Some(Self {
            store,
            finished,
            spare: Vec::new(),
            services,
            meta: Vec::new(),
            officers,
            free: vec![0; words],
            skilled,
            windows,
            team_skills,
            task_time,
            approve,
            skills: Default::default(),
            samplers: Samplers {
                pay_later_days: Sampler::new(&w.pay_later_days),
                check_minutes: Sampler::new(&w.check_minutes),
                consent_hours: Sampler::new(&w.consent_hours),
                production_days: Sampler::new(&w.production_days),
                pickup_days: Sampler::new(&w.pickup_days),
                pickup_counter_minutes: Sampler::new(&w.pickup_counter_minutes),
                pickup_kiosk_minutes: Sampler::new(&w.pickup_kiosk_minutes),
            },
            liveness,
            matcher,
            auditor: None,
            match_latency_ms: i64::try_from(match_latency_ms).unwrap_or(i64::MAX),
            timer_wake: None,
            warm_up_end: model.warm_up_end,
            seed,
            replication,
            sites: vec![CaseTally::default(); n_sites],
            sla_by_service: vec![vec![[0; 2]; sc.services.len()]; n_sites],
            face: vec![[[0; 2]; FACE_GROUPS]; n_sites],
            export,
        })
    }

    /// Schedules every officer's first working window.
    pub(crate) fn prime(&mut self, cal: &mut Calendar) {
        for (o, off) in self.officers.iter().enumerate() {
            if let Some(&(start, _)) = self.windows[off.team].first() {
                cal.schedule(SimTime(start), OFFICE, Event::Officer(o as u16, OfficerStep::On));
            }
        }
    }

    fn workflows<'m>(&self, model: &'m Model) -> Option<&'m navbat_scenario::Workflows> {
        model.scenario.workflows.as_ref()
    }

    /// Opens the case of `r` at `now` and drives it as far as it goes at once.
    pub(crate) fn open(&mut self, r: Request, now: SimTime, model: &Model, cal: &mut Calendar) {
        let Some(w) = self.workflows(model) else { return };
        let Some(info) = self.services.get(usize::from(r.service)) else { return };
        let mut draw = person_stream(self.seed, self.replication, Purpose::Case, r.person);
        let mut rng = Pcg32::from_rng(&mut draw);
        let pay_now = rng.random::<f64>() < w.pay_at_visit;
        let pay_never = !pay_now && rng.random::<f64>() < w.never_pay;
        let candidate = if info.dedup {
            let c = match r.searched {
                Some(c) => c,
                None => self.matcher.as_ref().and_then(|m| m.national_best(r.template.as_ref())),
            };
            if r.counted {
                let cell = &mut self.face[r.site][r.group];
                cell[0] += 1;
            }
            c
        } else {
            None
        };
        // The case's facts (first issue, minor applicant...) in the scenario's shares.
        let mut facts = Facts::default();
        for &(bit, share) in &info.facts {
            if rng.random::<f64>() < share {
                facts.0 |= 1 << bit;
            }
        }
        let Ok(out) = self.store.open(info.id, Pseudonym(r.person), facts, ts(now)) else {
            return;
        };
        let id = out.case;
        let slot = (id.0 & 0xffff_ffff) as usize;
        if self.meta.len() <= slot {
            self.meta.resize_with(slot + 1, || None);
        }
        self.meta[slot] = Some(Meta {
            id,
            site: r.site as u16,
            service: r.service,
            segment: r.segment,
            person: r.person,
            arrived: r.arrived,
            counted: r.counted,
            officer_contact: r.officer_contact,
            group: r.group as u8,
            pay_now,
            pay_never,
            verify_score: r.verify_score,
            candidate,
            rng,
        });
        if r.counted {
            self.sites[r.site].opened += 1;
        }
        self.after(&out, now, cal);
        self.drive(id, now, model, cal);
    }

    /// Whether a case of `service` searches the gallery (de-duplication) when it opens.
    pub(crate) fn searches(&self, service: u16) -> bool {
        self.matcher.as_ref().is_some_and(|m| m.gallery.is_some())
            && self.services.get(usize::from(service)).is_some_and(|s| s.dedup)
    }

    fn meta(&mut self, id: CaseId) -> Option<&mut Meta> {
        meta_mut(&mut self.meta, id)
    }

    /// Schedules what the case's current step waits for, applying at once what happens at
    /// once (capture, payment during the visit).
    fn drive(&mut self, id: CaseId, now: SimTime, model: &Model, cal: &mut Calendar) {
        let Some(w) = self.workflows(model) else { return };
        for _ in 0..8 {
            let Some(step) = self.store.current_step(id) else { return };
            if step.task.is_some() || step.outcome.is_some() {
                return;
            }
            let has = |t: Trigger| step.on.iter().any(|tr| tr.trigger == t);
            let (match_, paid, check, consent, produced, collected, appealed) = (
                has(Trigger::MatchPass) || has(Trigger::MatchFail),
                has(Trigger::Paid),
                has(Trigger::CheckClear),
                has(Trigger::ConsentGiven),
                has(Trigger::Produced),
                has(Trigger::Collected),
                has(Trigger::Appealed),
            );
            let captured = has(Trigger::Captured);
            let Some(m) = meta_mut(&mut self.meta, id) else { return };
            let site = m.site;
            let later = |ms: f64| SimTime(now.0 + (ms.max(0.0) as i64).max(1));
            if captured {
                let Ok(out) = self.store.apply(id, CaseEvent::Captured, ts(now)) else { return };
                self.after(&out, now, cal);
                continue;
            }
            if match_ {
                let at = SimTime(now.0 + self.match_latency_ms.max(1));
                cal.schedule(at, OFFICE, Event::Case(id.0, CaseStep::Match));
                return;
            }
            if paid {
                if m.pay_now {
                    m.pay_now = false;
                    let Ok(out) = self.store.apply(id, CaseEvent::Paid, ts(now)) else { return };
                    self.after(&out, now, cal);
                    continue;
                }
                if !m.pay_never {
                    let days = self.samplers.pay_later_days.sample(&mut m.rng);
                    cal.schedule(
                        later(days * DAY_MS as f64),
                        OFFICE,
                        Event::Case(id.0, CaseStep::Pay),
                    );
                }
                return;
            }
            if check {
                let u: f64 = m.rng.random();
                let result = if u < w.check_hit {
                    1
                } else if u < w.check_hit + w.check_failed {
                    2
                } else {
                    0
                };
                let min = self.samplers.check_minutes.sample(&mut m.rng);
                cal.schedule(
                    later(min * 60_000.0),
                    OFFICE,
                    Event::Case(id.0, CaseStep::Check(result)),
                );
                return;
            }
            if consent {
                let u: f64 = m.rng.random();
                let answer = if u < w.consent_refused {
                    1
                } else if u < w.consent_refused + w.consent_no_answer {
                    2
                } else {
                    0
                };
                let hours = self.samplers.consent_hours.sample(&mut m.rng);
                cal.schedule(
                    later(hours * HOUR_MS as f64),
                    OFFICE,
                    Event::Case(id.0, CaseStep::Consent(answer)),
                );
                return;
            }
            if produced {
                let days = match self.services.get(usize::from(m.service)) {
                    Some(ServiceInfo { production_days: Some(own), .. }) => own.sample(&mut m.rng),
                    _ => self.samplers.production_days.sample(&mut m.rng),
                };
                cal.schedule(
                    later(days * DAY_MS as f64),
                    OFFICE,
                    Event::Case(id.0, CaseStep::Produced),
                );
                return;
            }
            if collected {
                if m.rng.random::<f64>() >= w.never_collect {
                    let days = self.samplers.pickup_days.sample(&mut m.rng);
                    let at = visit_time(
                        model,
                        usize::from(site),
                        later(days * DAY_MS as f64),
                        &mut m.rng,
                    );
                    if let Some(at) = at {
                        cal.schedule(at, u32::from(site), Event::Pickup(id.0));
                    }
                }
                return;
            }
            if appealed {
                if m.rng.random::<f64>() < w.appeal {
                    // Within the first three weeks of the appeal window.
                    let days = 1.0 + 20.0 * m.rng.random::<f64>();
                    cal.schedule(
                        later(days * DAY_MS as f64),
                        OFFICE,
                        Event::Case(id.0, CaseStep::Appeal),
                    );
                }
                return;
            }
            return;
        }
    }

    /// Books what an outcome did: timers, tasks, decisions, the end of the case.
    fn after(&mut self, out: &Outcome, now: SimTime, cal: &mut Calendar) {
        let counted = self.meta(out.case).is_some_and(|m| m.counted);
        let site = self.meta(out.case).map_or(0, |m| usize::from(m.site));
        let group = self.meta(out.case).map_or(0, |m| usize::from(m.group));
        if let Some(due) = out.timer_set {
            self.wake_for_timer(SimTime(due.0.max(now.0)), cal);
        }
        if let Some(trigger) = out.trigger
            && counted
        {
            let t = &mut self.sites[site];
            match trigger {
                Trigger::MatchPass
                | Trigger::MatchFail
                | Trigger::MatchInconclusive
                | Trigger::CheckClear
                | Trigger::CheckHit
                | Trigger::CheckFailed => t.automated += 1,
                Trigger::Approved | Trigger::Rejected => t.reviewed += 1,
                Trigger::Appealed => t.appeals[0] += 1,
                _ => {}
            }
        }
        if let Some((_, skill)) = out.task_opened {
            if now >= self.warm_up_end {
                self.skills[skill.index()].opened += 1;
            }
            if skill == Skill::BiometricAdjudication && counted {
                self.sites[site].adjudications += 1;
                self.face[site][group][1] += 1;
            }
            self.dispatch(skill, now, cal);
        }
        self.drain();
    }

    /// Makes sure the office wakes at `due` to fire timers. The calendar holds one timer
    /// wake-up at a time, for the earliest armed timer, not one entry per case: a year's
    /// 30- and 90-day timers would otherwise fill it with a hundred thousand entries.
    fn wake_for_timer(&mut self, due: SimTime, cal: &mut Calendar) {
        if self.timer_wake.is_none_or(|t| due < t) {
            self.timer_wake = Some(due);
            cal.schedule(due, OFFICE, Event::Case(0, CaseStep::Timer));
        }
    }

    /// Tallies and drops the cases the store handed back as finished.
    fn drain(&mut self) {
        // The sink's list and this spare one swap places, so no list is allocated a case.
        let mut done = std::mem::take(&mut self.spare);
        std::mem::swap(
            &mut *self.finished.lock().unwrap_or_else(PoisonError::into_inner),
            &mut done,
        );
        for case in done.drain(..) {
            let slot = (case.id.0 & 0xffff_ffff) as usize;
            let Some(meta) = self.meta.get_mut(slot).and_then(Option::take) else { continue };
            if meta.id != case.id {
                continue;
            }
            if let Some(export) = self.export.as_mut() {
                export(self.store.catalog(), &case);
            }
            if !meta.counted {
                continue;
            }
            let t = &mut self.sites[usize::from(meta.site)];
            let st = &case.state;
            match st.resolution {
                Some(Resolution::Delivered) => {
                    t.delivered += 1;
                    t.end_to_end.add((st.last_at.0 - meta.arrived.0) / crate::tally::E2E_SCALE);
                    if !meta.officer_contact {
                        t.no_officer += 1;
                    }
                }
                Some(Resolution::Refused) => t.refused += 1,
                Some(_) => t.lapsed += 1,
                None => {}
            }
            let service = self.store.catalog().get(st.service);
            if let Some(s) = service
                && let Some(status) =
                    navbat_workflow::sla_status(s, self.store.calendar(), st, st.last_at)
                && status.stopped.is_some()
            {
                let met = status.state == navbat_workflow::SlaState::OnTime;
                t.sla[0] += 1;
                t.sla[1] += u64::from(met);
                if let Some(cell) = self
                    .sla_by_service
                    .get_mut(usize::from(meta.site))
                    .and_then(|v| v.get_mut(usize::from(meta.service)))
                {
                    cell[0] += 1;
                    cell[1] += u64::from(met);
                }
            }
            // Every chain is verified: by the worker when there is one, else here.
            let site = usize::from(meta.site);
            let left = match &self.auditor {
                Some(auditor) => auditor.audit(site, case),
                None => Some(case),
            };
            if let Some(case) = left {
                let verified = navbat_workflow::verify_chain(&case).is_ok();
                self.sites[site].audit[usize::from(!verified)] += 1;
            }
        }
        self.spare = done;
    }

    /// Hands finished cases' chains to `auditor` from now on (`None`: verify them here).
    /// The counts of a previous auditor are settled first.
    pub(crate) fn set_auditor(&mut self, auditor: Option<Auditor>) {
        self.settle_audits();
        self.auditor = auditor;
    }

    /// Adds in the chains the auditor has verified, once it has verified them all.
    pub(crate) fn settle_audits(&mut self) {
        let Some(auditor) = &self.auditor else { return };
        let counts = auditor.settle_audits(self.sites.len());
        for (t, c) in self.sites.iter_mut().zip(counts) {
            t.audit[0] += c[0];
            t.audit[1] += c[1];
        }
    }

    /// Lets idle officers on duty who have `skill` claim its waiting tasks.
    /// Officers are asked in their order; a claim changes only the claimant's bit, so the
    /// words can be read as they were when the walk reached them.
    fn dispatch(&mut self, skill: Skill, now: SimTime, cal: &mut Calendar) {
        for w in 0..self.free.len() {
            let mut idle = self.free[w] & self.skilled[skill.index()][w];
            while idle != 0 {
                if self.store.queue_len(skill) == 0 {
                    return;
                }
                let o = w * 64 + idle.trailing_zeros() as usize;
                idle &= idle - 1;
                self.claim(o, skill, now, cal);
            }
        }
    }

    /// Brings officer `o`'s bit in [`Office::free`] up to date.
    fn mark(&mut self, o: usize) {
        let free = self.officers[o].on_duty && self.officers[o].task.is_none();
        let (word, bit) = (o / 64, 1_u64 << (o % 64));
        if free {
            self.free[word] |= bit;
        } else {
            self.free[word] &= !bit;
        }
    }

    /// Officer `o` claims the oldest task of `skill` they may take; true if they did.
    fn claim(&mut self, o: usize, skill: Skill, now: SimTime, cal: &mut Calendar) -> bool {
        let officer = self.officers[o].id;
        let Ok(Some(task)) = self.store.claim(skill, officer, ts(now)) else { return false };
        let opened = self.store.task(task).map_or(now.0, |t| t.opened_at.0);
        if now >= self.warm_up_end {
            self.skills[skill.index()].waits.add(now.0 - opened);
        }
        let sampler = &self.task_time[skill.index()];
        let minutes = match meta_mut(&mut self.meta, task.case) {
            Some(m) => {
                m.officer_contact = true;
                sampler.sample(&mut m.rng)
            }
            None => sampler.sample(&mut Pcg32::seed_from_u64(task.packed())),
        };
        self.officers[o].task = Some((task, skill, now));
        self.mark(o);
        cal.schedule(
            SimTime(now.0 + minutes_to_ms(minutes).max(1)),
            OFFICE,
            Event::Officer(o as u16, OfficerStep::TaskDone),
        );
        true
    }

    /// Officer `o` is free: takes the next task among their skills, in the team's order.
    fn idle(&mut self, o: usize, now: SimTime, cal: &mut Calendar) {
        if !self.officers[o].on_duty {
            return;
        }
        let team = self.officers[o].team;
        for i in 0..self.team_skills[team].len() {
            let skill = self.team_skills[team][i];
            if self.store.queue_len(skill) > 0 && self.claim(o, skill, now, cal) {
                return;
            }
        }
    }

    /// Handles an office event.
    pub(crate) fn handle(&mut self, event: Event, now: SimTime, model: &Model, cal: &mut Calendar) {
        match event {
            Event::Case(case, step) => self.case_event(CaseId(case), step, now, model, cal),
            Event::Officer(o, step) => self.officer_event(usize::from(o), step, now, model, cal),
            _ => {}
        }
    }

    fn officer_event(
        &mut self,
        o: usize,
        step: OfficerStep,
        now: SimTime,
        model: &Model,
        cal: &mut Calendar,
    ) {
        let Some(off) = self.officers.get_mut(o) else { return };
        match step {
            OfficerStep::On => {
                let windows = &self.windows[off.team];
                let Some(&(_, end)) = windows.get(off.next_window) else { return };
                off.next_window += 1;
                off.on_duty = true;
                cal.schedule(SimTime(end), OFFICE, Event::Officer(o as u16, OfficerStep::Off));
                let idle = off.task.is_none();
                self.mark(o);
                if idle {
                    self.idle(o, now, cal);
                }
            }
            OfficerStep::Off => {
                off.on_duty = false;
                if let Some(&(start, _)) = self.windows[off.team].get(off.next_window) {
                    cal.schedule(SimTime(start), OFFICE, Event::Officer(o as u16, OfficerStep::On));
                }
                self.mark(o);
            }
            OfficerStep::TaskDone => {
                let Some((task, skill, since)) = off.task.take() else { return };
                self.mark(o);
                if now >= self.warm_up_end {
                    let s = &mut self.skills[skill.index()];
                    s.done += 1;
                    s.busy_ms += now.0 - since.0;
                }
                self.decide(task, skill, now, model, cal);
                self.idle(o, now, cal);
            }
        }
    }

    fn decide(
        &mut self,
        task: TaskId,
        skill: Skill,
        now: SimTime,
        model: &Model,
        cal: &mut Calendar,
    ) {
        let approve_share = self.approve[skill.index()];
        let (approve, service) = match self.meta(task.case) {
            Some(m) => (m.rng.random::<f64>() < approve_share, usize::from(m.service)),
            None => (true, 0),
        };
        let Some(info) = self.services.get(service) else { return };
        let (yes, no) = info.reasons[skill.index()];
        let (decision, code) =
            if approve { (Decision::Approve, yes) } else { (Decision::Reject, no) };
        let Ok(out) = self.store.complete(task, decision, &[code], ts(now)) else { return };
        if skill == Skill::Appeal
            && approve
            && let Some(m) = self.meta(task.case)
            && m.counted
        {
            let site = usize::from(m.site);
            self.sites[site].appeals[1] += 1;
        }
        self.after(&out, now, cal);
        self.drive(task.case, now, model, cal);
    }

    fn case_event(
        &mut self,
        id: CaseId,
        step: CaseStep,
        now: SimTime,
        model: &Model,
        cal: &mut Calendar,
    ) {
        if step == CaseStep::Timer {
            if self.timer_wake != Some(now) {
                // An earlier wake-up replaced this one.
                return;
            }
            self.timer_wake = None;
            self.fire_timers(now, model, cal);
            if let Some((due, _)) = self.store.next_due_timer() {
                self.wake_for_timer(SimTime(due.0.max(now.0 + 1)), cal);
            }
            return;
        }
        let liveness = self.liveness;
        let Some(m) = self.meta(id) else { return };
        let event = match step {
            CaseStep::Match => {
                let live = liveness.map_or(1.0, |b| b.sample(&mut m.rng)) as f32;
                CaseEvent::Matched(MatchInputs {
                    verify_score: m.verify_score,
                    liveness_score: live,
                    best_candidate_score: m.candidate,
                })
            }
            CaseStep::Pay => CaseEvent::Paid,
            CaseStep::Check(r) => CaseEvent::CheckReturned(match r {
                0 => CheckResult::Clear,
                1 => CheckResult::Hit,
                _ => CheckResult::Failed,
            }),
            CaseStep::Consent(0) => CaseEvent::ConsentGiven,
            CaseStep::Consent(1) => CaseEvent::ConsentRefused,
            CaseStep::Consent(_) => CaseEvent::ConsentTimedOut,
            CaseStep::Produced => CaseEvent::Produced,
            CaseStep::Appeal => CaseEvent::Appealed,
            CaseStep::Timer => return,
        };
        self.fire_timers(now, model, cal);
        let Ok(out) = self.store.apply(id, event, ts(now)) else { return };
        self.after(&out, now, cal);
        self.drive(id, now, model, cal);
    }

    /// Fires every timer due by `now` and drives the cases they moved, so an event that
    /// arrives late meets the state its case is in.
    fn fire_timers(&mut self, now: SimTime, model: &Model, cal: &mut Calendar) {
        let Ok(outs) = self.store.fire_due(ts(now)) else { return };
        for out in &outs {
            self.after(out, now, cal);
            self.drive(out.case, now, model, cal);
        }
    }

    /// The person of case `id` comes to collect: what the floor needs to serve them, or
    /// `None` when the case no longer waits for a pickup.
    pub(crate) fn pickup_visit(&mut self, id: u64) -> Option<PickupVisit> {
        let id = CaseId(id);
        let waits = self
            .store
            .current_step(id)
            .is_some_and(|s| s.on.iter().any(|t| t.trigger == Trigger::Collected));
        if !waits {
            return None;
        }
        let (c, k) = (&self.samplers.pickup_counter_minutes, &self.samplers.pickup_kiosk_minutes);
        let m = meta_mut(&mut self.meta, id)?;
        let counter_ms = minutes_to_ms(c.sample(&mut m.rng));
        let kiosk_ms = minutes_to_ms(k.sample(&mut m.rng));
        Some(PickupVisit {
            person: m.person,
            service: m.service,
            segment: m.segment,
            counter_ms,
            kiosk_ms,
        })
    }

    /// Whether case `id` counts in the statistics.
    pub(crate) fn counted(&mut self, id: u64) -> bool {
        self.meta(CaseId(id)).is_some_and(|m| m.counted)
    }

    /// The document of case `id` was handed over.
    pub(crate) fn collected(
        &mut self,
        id: u64,
        at_kiosk: bool,
        now: SimTime,
        model: &Model,
        cal: &mut Calendar,
    ) {
        let id = CaseId(id);
        if let Some(m) = self.meta(id)
            && !at_kiosk
        {
            m.officer_contact = true;
        }
        self.fire_timers(now, model, cal);
        if let Ok(out) = self.store.apply(id, CaseEvent::Collected, ts(now)) {
            self.after(&out, now, cal);
        }
    }

    /// The person of case `id` left without collecting: they come back another day.
    pub(crate) fn pickup_missed(
        &mut self,
        id: u64,
        now: SimTime,
        model: &Model,
        cal: &mut Calendar,
    ) {
        let id = CaseId(id);
        let days = {
            let s = &self.samplers.pickup_days;
            let Some(m) = meta_mut(&mut self.meta, id) else { return };
            s.sample(&mut m.rng).max(1.0)
        };
        let Some(m) = self.meta(id) else { return };
        let site = usize::from(m.site);
        let t = SimTime(now.0 + (days * DAY_MS as f64) as i64);
        if let Some(at) = visit_time(model, site, t, &mut m.rng) {
            cal.schedule(at, site as u32, Event::Pickup(id.0));
        }
    }

    /// Back-office rows by skill, and the cases still open per site, at the end.
    pub(crate) fn finish(&mut self, n_sites: usize) -> (Vec<BackOfficeRow>, Vec<u64>) {
        let rows = Skill::ALL
            .iter()
            .map(|&skill| {
                let s = &self.skills[skill.index()];
                BackOfficeRow {
                    replication: self.replication,
                    skill: skill.name().to_owned(),
                    tasks_opened: s.opened,
                    tasks_done: s.done,
                    mean_wait_hours: s.waits.mean_min() / 60.0,
                    p90_wait_hours: s.waits.quantile_min(0.9) / 60.0,
                    waiting_end: self.store.queue_len(skill) as u64,
                    busy_hours: s.busy_ms as f64 / HOUR_MS as f64,
                }
            })
            .filter(|r| r.tasks_opened > 0 || r.waiting_end > 0)
            .collect();
        let mut open = vec![0u64; n_sites];
        for m in self.meta.iter().flatten() {
            if m.counted {
                open[usize::from(m.site)] += 1;
            }
        }
        (rows, open)
    }
}

/// The case data of `id`, if its slot still holds that case.
fn meta_mut(metas: &mut [Option<Meta>], id: CaseId) -> Option<&mut Meta> {
    let slot = (id.0 & 0xffff_ffff) as usize;
    metas.get_mut(slot)?.as_mut().filter(|m| m.id == id)
}

/// A time for a visit on or after `t` while site `site` is open: the first open window that
/// ends after `t`, at a uniformly drawn moment of its first 80 %.
fn visit_time(model: &Model, site: usize, t: SimTime, rng: &mut Pcg32) -> Option<SimTime> {
    let open = &model.plans.get(site)?.open;
    let i = open.partition_point(|&(_, end)| end <= t.0);
    let &(start, end) = open.get(i)?;
    let from = start.max(t.0);
    let span = ((end - from) as f64 * 0.8).max(0.0);
    Some(SimTime(from + (rng.random::<f64>() * span) as i64))
}
