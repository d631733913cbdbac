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
//!
//! This file holds the office's data and set-up; `cases` drives cases, `officers` the
//! people who decide their tasks.

mod cases;
mod officers;

pub(crate) use cases::open_online;

use std::sync::{Arc, Mutex, PoisonError};

use navbat_matching::Template;
use navbat_record::{BackOfficeRow, WaitHistogram};
use navbat_workflow::{
    Case, CaseId, CaseStore, CheckResult, OfficerId, Retention, RuleKind, ServiceCatalog,
    ServiceId, Skill, StoreConfig, TaskId, Timestamp, WorkCalendar, WorkflowError,
};
use rand_distr::Beta;
use rand_pcg::Pcg32;

use crate::calendar::Calendar;
use crate::components::{Event, OFFICE};
use crate::face::GROUPS_PER_SEGMENT;
use crate::face::{Auditor, FaceContext};
use crate::model::Model;
use crate::sample::Sampler;
use crate::tally::CaseTally;
use crate::time::{HOUR_MS, SimTime};

/// What a case waits for from the world, when the office has scheduled it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CaseStep {
    /// Face-ID results (1:1 and, where the service asks, 1:N).
    Match,
    /// The state duty is paid.
    Pay,
    /// An inter-agency check answers.
    Check(CheckOutcome),
    /// E-Rozilik answers a request for consent.
    Consent(ConsentAnswer),
    /// The document is produced.
    Produced,
    /// The applicant appeals.
    Appeal,
    /// A timer of the store may be due.
    Timer,
}

/// What an inter-agency registry check answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CheckOutcome {
    /// Nothing against the applicant.
    Clear,
    /// A record against the applicant: an officer looks into it.
    Hit,
    /// The registry could not be asked (down, or no answer in time).
    Failed,
}

impl From<CheckOutcome> for CheckResult {
    fn from(o: CheckOutcome) -> Self {
        match o {
            CheckOutcome::Clear => CheckResult::Clear,
            CheckOutcome::Hit => CheckResult::Hit,
            CheckOutcome::Failed => CheckResult::Failed,
        }
    }
}

/// What E-Rozilik answers a request for the applicant's consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConsentAnswer {
    /// The applicant consents.
    Given,
    /// The applicant refuses.
    Refused,
    /// No answer before the request lapses.
    NoAnswer,
}

/// The most events [`Office::drive`] applies to a case at once, one after another (a capture
/// at the desk, the duty paid during the visit). A definition takes one or two in a row;
/// the bound only stops a definition whose steps lead from one such event back to another
/// from driving a case forever. A case that reaches it is counted
/// ([`BackOfficeErrors::drives_cut_short`]) and waits where it is.
const AT_ONCE: usize = 8;

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

/// How a request reached the office: the channel counted per site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CaseChannel {
    /// Taken at a kiosk.
    Kiosk = 0,
    /// Taken at a counter (or sent on to one).
    Counter = 1,
    /// Made online (the portal or app): no visit.
    Portal = 2,
}

/// The request a case is opened for, as the floor knows it.
pub(crate) struct Request {
    pub(crate) channel: CaseChannel,
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
    /// Who the capture showed: an impostor, a true duplicate, and whether it matched.
    pub(crate) face: FaceFacts,
}

/// What Face-ID knew of a request's person beyond the scores.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FaceFacts {
    /// The live face was an impostor's.
    pub(crate) impostor: bool,
    /// The person is a true duplicate.
    pub(crate) duplicate: bool,
    /// The 1:1 check matched.
    pub(crate) matched: bool,
    /// A duplicate's search made with the capture: the earlier enrolment's score.
    pub(crate) mate: Option<f32>,
}

impl FaceFacts {
    /// The facts of `session`.
    pub(crate) fn of(session: &crate::components::FaceSession) -> Self {
        Self {
            impostor: session.impostor,
            duplicate: session.duplicate,
            matched: session.outcome == 0,
            mate: session.mate,
        }
    }
}

/// Per site and Face-ID group, what the office counts of identity fraud and 1:N searches
/// (indices into [`FaceCounts`]).
pub(crate) mod fc {
    /// 1:N searches.
    pub(crate) const SEARCHES: usize = 0;
    /// Biometric adjudication tasks opened.
    pub(crate) const ADJUDICATIONS: usize = 1;
    /// Requests made by an impostor.
    pub(crate) const IMPOSTORS: usize = 2;
    /// Of them, matched at 1:1 (a false match: fraud missed).
    pub(crate) const IMPOSTORS_MATCHED: usize = 3;
    /// Searches of true duplicates (mated searches).
    pub(crate) const DUPLICATES: usize = 4;
    /// Of them, the earlier enrolment below the candidate threshold (a false negative).
    pub(crate) const DUPLICATES_MISSED: usize = 5;
    /// Searches of everyone else (non-mated searches).
    pub(crate) const NONMATED: usize = 6;
    /// Of them, a candidate at or above the threshold (a false positive).
    pub(crate) const NONMATED_HITS: usize = 7;
    /// Genuine 1:1 checks at the opening of a case (every channel).
    pub(crate) const GENUINE: usize = 8;
    /// Of them, not matched (a false non-match or a failure to acquire).
    pub(crate) const GENUINE_UNMATCHED: usize = 9;
    /// Counts per group.
    pub(crate) const N: usize = 10;
}

/// One group's counts at one site (see [`fc`]).
pub(crate) type FaceCounts = [u64; fc::N];

/// What a case truly is, which reviewers see through their error rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Truth {
    /// Eligible and genuine: a correct review approves it.
    Sound = 0,
    /// Not allowed by the rules: a correct review refuses it.
    Ineligible = 1,
    /// Fraudulent (false statements, forged documents, an impostor, a duplicate identity).
    Fraudulent = 2,
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
    group: u16,
    pay_now: bool,
    pay_never: bool,
    verify_score: f32,
    candidate: Option<f32>,
    truth: Truth,
    /// The last human decision on the case refused it (cleared when one approves).
    refused_by_review: bool,
    /// The refusal an appeal was lodged against: 0 wrongful (a sound case refused by a
    /// reviewer), 1 rightful (an unsound case), 2 neither (a sound case refused by the
    /// world: a consent refused, say).
    appealed: u8,
    /// An impostor whom the 1:1 check matched (counted as missed unless the case ends
    /// refused).
    impostor_matched: bool,
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
    /// The score at or above which a 1:N candidate goes to an adjudicator.
    candidate_min: f32,
    /// Facts of the definition that hold for a share of cases: (bit, share).
    facts: Vec<(u16, f64)>,
    /// The bit of the definition's [`navbat_workflow::ONLINE`] fact, where it declares one.
    online: Option<u16>,
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
    /// Per skill (by [`Skill::index`]: the built-in skills, then the catalogue's named
    /// tasks; every per-skill table has the catalogue's `skill_count` rows), the officers
    /// whose team has it, in the same bits.
    skilled: Vec<Vec<u64>>,
    windows: Vec<Vec<(i64, i64)>>,
    team_skills: Vec<Vec<Skill>>,
    task_time: Vec<Sampler>,
    approve: Vec<f64>,
    /// Per skill, reviewers' (false approval, false refusal) rates where the scenario gives
    /// them: those skills decide by the case's truth.
    reviewer: Vec<Option<(f64, f64)>>,
    /// Per service: shares of ineligible and fraudulent applications.
    truth: Vec<[f64; 2]>,
    skills: Vec<SkillTally>,
    samplers: Samplers,
    liveness: Option<Beta<f64>>,
    /// Face-ID's population and gallery, when the scenario has Face-ID.
    matcher: Option<Arc<FaceContext>>,
    /// The worker that verifies finished cases' chains, when there is one.
    auditor: Option<Auditor>,
    match_latency_ms: i64,
    /// The national 1:N service's time per search, µs, when it has a capacity.
    search_us: Option<i64>,
    /// When the national 1:N service is next free, µs since the epoch of `SimTime`.
    search_free_us: i64,
    /// When the office's one timer wake-up is scheduled.
    timer_wake: Option<SimTime>,
    warm_up_end: SimTime,
    /// Where each calendar month of the horizon starts (`Model::months`).
    months: Vec<SimTime>,
    seed: u64,
    replication: u32,
    /// Per site: case outcomes.
    pub(crate) sites: Vec<CaseTally>,
    /// Per site and service: finished cases with a started deadline, and of them met.
    pub(crate) sla_by_service: Vec<Vec<[u64; 2]>>,
    /// Per site and Face-ID group: searches, adjudications and identity fraud ([`fc`]).
    pub(crate) face: Vec<Vec<FaceCounts>>,
    export: Option<CaseExporter>,
    /// What went wrong between the office and the case store.
    pub(crate) errors: BackOfficeErrors,
}

/// What went wrong between the back office and its case store during a run: nothing, in a
/// sound scenario. The engine never drops an error of the store silently; it counts it
/// here, where a test or a caller can see it ([`crate::Simulation::back_office_errors`]),
/// and the case concerned waits where it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackOfficeErrors {
    /// Requests the case store refused (a `WorkflowError`): an event that did not fit the
    /// case's step, a task that was not open, and the like.
    pub refused: u64,
    /// The first of them, as the store worded it (it names the case and the step).
    pub first_refusal: Option<String>,
    /// Answers of the world (a check, a consent, a payment...) that came when the case no
    /// longer waited for them, its timer having moved it on first: ignored, as a late
    /// reply is. Not an error of the engine; counted so that it is not mistaken for one.
    pub late_answers: u64,
    /// Cases whose run of events applied at once was cut short (see `AT_ONCE`).
    pub drives_cut_short: u64,
}

impl BackOfficeErrors {
    /// The value of `result`, or `None` with the error counted.
    fn check<T>(&mut self, result: Result<T, WorkflowError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.refused += 1;
                self.first_refusal.get_or_insert_with(|| e.to_string());
                None
            }
        }
    }

    /// Like [`BackOfficeErrors::check`], for an answer of the world to a case: one that
    /// the case's step no longer expects is a late answer, not an error.
    fn check_answer<T>(&mut self, result: Result<T, WorkflowError>) -> Option<T> {
        match result {
            Err(WorkflowError::EventNotExpected { .. }) => {
                self.late_answers += 1;
                None
            }
            result => self.check(result),
        }
    }
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
                let candidate_min = def.rules.iter().find_map(|r| match r.kind {
                    RuleKind::DedupSearch { candidate_min } => Some(candidate_min),
                    _ => None,
                });
                let dedup = candidate_min.is_some();
                let candidate_min = candidate_min.unwrap_or(f32::INFINITY);
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
                let online = def
                    .facts
                    .iter()
                    .position(|f| f == navbat_workflow::ONLINE)
                    .and_then(|b| u16::try_from(b).ok());
                Some(ServiceInfo { id, dedup, candidate_min, facts, online, production_days })
            })
            .collect::<Vec<_>>();
        if services.len() != sc.services.len() {
            return None;
        }
        let n_skills = catalog.skill_count();
        let skill_index = |name: &str| catalog.skill(name).map(Skill::index);
        let mut task_time: Vec<Sampler> = vec![Sampler::Constant(10.0); n_skills];
        for (name, d) in &w.task_minutes {
            if let Some(i) = skill_index(name) {
                task_time[i] = Sampler::new(d);
            }
        }
        let mut approve = vec![1.0; n_skills];
        for (name, p) in &w.approve {
            if let Some(i) = skill_index(name) {
                approve[i] = *p;
            }
        }
        let mut reviewer = vec![None; n_skills];
        for (name, e) in &w.reviewer_errors {
            if let Some(i) = skill_index(name) {
                reviewer[i] = Some((e.false_approval, e.false_refusal));
            }
        }
        let mut officers = Vec::new();
        let mut windows = Vec::new();
        let mut team_skills: Vec<Vec<Skill>> = Vec::new();
        for (t, team) in w.teams.iter().enumerate() {
            windows.push(crate::plan::windows(sc, &team.hours));
            team_skills.push(team.skills.iter().filter_map(|s| catalog.skill(s)).collect());
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
        let mut skilled: Vec<Vec<u64>> = vec![vec![0; words]; n_skills];
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
            reviewer,
            truth: w.truth.clone(),
            skills: (0..n_skills).map(|_| SkillTally::default()).collect(),
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
            search_us: model.face.as_ref().and_then(|f| f.search_us),
            search_free_us: i64::MIN,
            timer_wake: None,
            warm_up_end: model.warm_up_end,
            months: model.months.iter().map(|(start, _)| *start).collect(),
            seed,
            replication,
            sites: vec![CaseTally::new(sc.services.len(), sc.segments.len()); n_sites],
            sla_by_service: vec![vec![[0; 2]; sc.services.len()]; n_sites],
            face: vec![vec![[0; fc::N]; sc.segments.len() * GROUPS_PER_SEGMENT]; n_sites],
            export,
            errors: BackOfficeErrors::default(),
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

    /// Whether a case of `service` searches the gallery (de-duplication) when it opens.
    pub(crate) fn searches(&self, service: u16) -> bool {
        self.matcher.as_ref().is_some_and(|m| m.gallery.is_some())
            && self.services.get(usize::from(service)).is_some_and(|s| s.dedup)
    }

    fn meta(&mut self, id: CaseId) -> Option<&mut Meta> {
        meta_mut(&mut self.meta, id)
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

    /// Handles an office event.
    pub(crate) fn handle(&mut self, event: Event, now: SimTime, model: &Model, cal: &mut Calendar) {
        match event {
            Event::Case(case, step) => self.case_event(CaseId(case), step, now, model, cal),
            Event::Officer(o, step) => self.officer_event(usize::from(o), step, now, model, cal),
            _ => {}
        }
    }

    /// Whether case `id` counts in the statistics.
    pub(crate) fn counted(&mut self, id: u64) -> bool {
        self.meta(CaseId(id)).is_some_and(|m| m.counted)
    }

    /// Back-office rows by skill, and the cases still open per site, at the end.
    pub(crate) fn finish(&mut self, n_sites: usize) -> (Vec<BackOfficeRow>, Vec<u64>) {
        let catalog = self.store.catalog();
        let rows = catalog
            .skills()
            .map(|skill| {
                let s = &self.skills[skill.index()];
                BackOfficeRow {
                    replication: self.replication,
                    skill: catalog.skill_name(skill).to_owned(),
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

impl Office {
    /// Counted cases still open: (site index, ms since the request) at `end`.
    pub(crate) fn open_case_ages(&self, end: SimTime) -> impl Iterator<Item = (usize, i64)> + '_ {
        self.meta
            .iter()
            .flatten()
            .filter(|m| m.counted)
            .map(move |m| (usize::from(m.site), end.0 - m.arrived.0))
    }
}

/// The case data of `id`, if its slot still holds that case.
fn meta_mut(metas: &mut [Option<Meta>], id: CaseId) -> Option<&mut Meta> {
    let slot = (id.0 & 0xffff_ffff) as usize;
    metas.get_mut(slot)?.as_mut().filter(|m| m.id == id)
}

/// Adds the decree's outcomes of `sites` (their case tallies, copied from the office) into the by-month
/// rows of `breakdown`: certificates and registrations by calendar month of issue.
pub(crate) fn add_decrees_by_month(
    model: &Model,
    breakdown: &mut [navbat_record::BreakdownRow],
    sites: &[crate::tally::SiteTally],
) {
    for row in breakdown.iter_mut().filter(|r| r.dimension == navbat_record::Dimension::Month) {
        let site = model.scenario.sites.iter().position(|s| s.id == row.site);
        let month = model.months.iter().position(|(_, key)| *key == row.key);
        if let (Some(si), Some(mi)) = (site, month)
            && let Some(cell) = sites.get(si).and_then(|t| t.cases.decrees_by_month.get(mi))
        {
            row.esign_certificates = cell[0];
            row.egov_registrations = cell[1];
        }
    }
}
