//! Face-ID at the floor: a person's capture session with the real matcher, and a worker
//! thread that makes the sessions of people already in line before they reach the camera.
//!
//! A session is a pure function of (seed, replication, person, device): the person's draws
//! come from their own stream, and the 1:N search reads the replication's gallery, which is
//! enrolled once when the world is built and never changes. So it does not matter where or
//! when a session is made. When a person joins a line, the floor asks the [`FaceWorker`]
//! for the session they will need; when they reach the camera it takes the finished
//! session, or makes it itself when the worker has not finished it (or was never asked). The record is the same, bit for bit, with the worker or without.
//!
//! When it has no session to make, the worker also verifies the audit chains of finished
//! cases that the back office hands it ([`Auditor::audit`]): a verification is a pure
//! function of the case, and only the per-site counts of verified and broken chains are
//! kept, which do not depend on the order. The queue of cases is bounded (the office
//! verifies a case itself when it is full), and [`Auditor::settle_audits`] finishes the
//! rest at the end of the run.
//!
//! The worker pays where a replication runs alone on a machine with a free core (one
//! replication of a scenario, the planner's window): Face-ID is about half of the work of a
//! replication with everything on. Where every core already runs a replication it would
//! only add switching, so [`crate::run_models`] turns it on only when there are more
//! threads than replications.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

use navbat_matching::{AgeBand, Device, Gallery, Group, PersonId, Population, Sex, Template};
use navbat_workflow::Case;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::components::FaceSession;
use crate::model::Model;
use crate::streams::{Purpose, person_stream};

/// Face-ID groups of one segment: four age bands (child, adolescent, adult, elderly) × two
/// sexes; a group's index is `segment × 8 + band × 2 + female`.
pub(crate) const GROUPS_PER_SEGMENT: usize = 8;

/// The bit that makes an impostor's own face: the identity of `person | IMPOSTOR_BIT` is
/// nobody's (people's ids keep bits 62 and 63 clear, the gallery's set bit 62).
const IMPOSTOR_BIT: u64 = 1 << 63;

/// What a person is to Face-ID beyond their face.
#[derive(Debug, Clone, Copy)]
struct Who {
    impostor: bool,
    duplicate: bool,
}

/// What a replication's Face-ID sessions are made from; shared with the worker thread.
pub(crate) struct FaceContext {
    population: Population,
    /// The scaled 1:N gallery, when the scenario has case workflows (only cases search).
    pub(crate) gallery: Option<Gallery>,
    model: Arc<Model>,
    seed: u64,
    replication: u32,
}

impl std::fmt::Debug for FaceContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaceContext")
            .field("gallery", &self.gallery.as_ref().map(Gallery::len))
            .finish_non_exhaustive()
    }
}

impl FaceContext {
    /// The Face-ID of replication (`seed`, `replication`) of `model`; `None` when the scenario
    /// has no Face-ID. The gallery is enrolled only when cases will search it.
    pub(crate) fn new(model: &Arc<Model>, seed: u64, replication: u32) -> Option<Self> {
        let face = model.face.as_ref()?;
        // The replication's synthetic population: identities depend on (seed, replication).
        let key = seed ^ u64::from(replication).rotate_left(32) ^ 0x6e61_7662_6174_4944;
        let population = Population::new(key, face.biometrics.clone()).ok()?;
        // The scaled 1:N gallery, with ids apart from every applicant's. Exact re-scoring
        // keeps the f32 rows: at a scaled gallery's size the memory is small and the best
        // score is the exact cosine.
        let gallery = if model.scenario.workflows.is_some() {
            let rescoring = navbat_matching::Rescoring::Exact;
            population.enrol_gallery(face.gallery, face.share_female, rescoring).ok().map(|g| g.0)
        } else {
            None
        };
        Some(Self { population, gallery, model: model.clone(), seed, replication })
    }

    /// Who person `person` of segment `segment` is to Face-ID: their group (age band, sex,
    /// regional cohort), the group's index in the tallies, whether they are an impostor and
    /// whether a true duplicate, and their `FaceId` stream after the draw of their sex.
    ///
    /// The sex is the first draw of the person's `FaceId` stream, as it always was; the age
    /// band of a minor, the impostor and the duplicate come from their own `FaceTruth`
    /// stream (three uniforms, always drawn when any share is set), so everyone's captures
    /// stay the same when those shares change.
    fn who(&self, person: u64, segment: u16) -> Option<(Group, usize, Who, ChaCha8Rng)> {
        let face = self.model.face.as_ref()?;
        let mut rng = person_stream(self.seed, self.replication, Purpose::FaceId, person);
        let seg = usize::from(segment);
        let mut age = match self.model.scenario.segments.get(seg)?.kind {
            navbat_scenario::SegmentKind::CitizenElderly => AgeBand::Elderly,
            _ => AgeBand::Adult,
        };
        let mut who = Who { impostor: false, duplicate: false };
        if face.draws_truth {
            let mut t = person_stream(self.seed, self.replication, Purpose::FaceTruth, person);
            let [child, adolescent] = face.minors.get(seg).copied().unwrap_or_default();
            let u: f64 = t.random();
            if u < child {
                age = AgeBand::Child;
            } else if u < child + adolescent {
                age = AgeBand::Adolescent;
            }
            who.impostor = t.random::<f64>() < face.impostors;
            who.duplicate = t.random::<f64>() < face.duplicates;
        }
        let female = rng.random::<f64>() < face.share_female;
        let mut group = Group::new(age, if female { Sex::Female } else { Sex::Male });
        if let Some(label) = face.cohorts.get(seg).filter(|l| !l.is_empty()) {
            group = group.with_cohort(label.clone());
        }
        let band = match age {
            AgeBand::Child => 0,
            AgeBand::Adolescent => 1,
            AgeBand::Adult => 2,
            AgeBand::Elderly => 3,
        };
        Some((group, seg * GROUPS_PER_SEGMENT + band * 2 + usize::from(female), who, rng))
    }

    /// Person `person` of segment `segment` captured on `device`, verified against their
    /// record photo (taken at an officer station); with `search`, the live capture is also
    /// searched in the gallery (see [`FaceContext::search`]) and not kept.
    ///
    /// The person's draws come from their own stream: the first decides their sex, the next
    /// make the record photo, then the live capture, so the record photo is the same
    /// whichever device the live capture is made on. An impostor's live capture is of
    /// another face of the same group (their own), compared with the claimed person's
    /// record photo.
    pub(crate) fn session(
        &self,
        person: u64,
        segment: u16,
        device: Device,
        search: bool,
    ) -> Option<FaceSession> {
        let face = self.model.face.as_ref()?;
        let population = &self.population;
        let (group, index, who, mut rng) = self.who(person, segment)?;
        let identity = population.identity(PersonId(person), &group);
        // The record photo is only ever compared with this live capture: its score is drawn
        // from its exact law given the live capture (`LatentCapture`), not built.
        let record = population.latent_capture(&identity, Device::OfficerStation, &mut rng);
        let live = if who.impostor {
            let own = population.identity(PersonId(person | IMPOSTOR_BIT), &group);
            population.capture(&own, device, &mut rng).into_capture()
        } else {
            population.capture(&identity, device, &mut rng).into_capture()
        };
        let (outcome, score, template) = match live {
            Some(l) => match record.score(&identity, &l.template) {
                Ok(Some(score)) => {
                    (if face.threshold.accepts(score) { 0 } else { 2 }, score, Some(l.template))
                }
                Ok(None) => (1, 0.0, None),
                Err(_) => (2, 0.0, Some(l.template)),
            },
            None => (1, 0.0, None),
        };
        let (template, searched, mate) = if search {
            let (best, mate) = self.search(person, segment, who.duplicate, template.as_ref());
            (None, Some(best), mate)
        } else {
            (template, None, None)
        };
        Some(FaceSession {
            group: index,
            outcome,
            score,
            template,
            searched,
            impostor: who.impostor,
            duplicate: who.duplicate,
            mate,
        })
    }

    /// A 1:N search with `probe`, the live capture of person `person` (segment `segment`),
    /// who is a true `duplicate` or not (as their session found): the best candidate's
    /// score (see [`FaceContext::national_best`]), and for a true duplicate the score of
    /// their earlier enrolment, which the national gallery holds under their other identity
    /// (`None` for anyone else). The best is the larger of the two. The earlier enrolment is
    /// an officer-station capture of the person's face, drawn on their `FaceTruth` stream
    /// after its three shares.
    ///
    /// The flag comes from the caller, who has it, so that everyone else's search (all but
    /// 1 in 2,000 in the pilot) does not set up their two person streams again.
    pub(crate) fn search(
        &self,
        person: u64,
        segment: u16,
        duplicate: bool,
        probe: Option<&Template>,
    ) -> (Option<f32>, Option<f32>) {
        let best = self.national_best(probe);
        if !duplicate {
            return (best, None);
        }
        let Some((group, _, who, _)) = self.who(person, segment) else { return (best, None) };
        if !who.duplicate {
            return (best, None);
        }
        let mut t = person_stream(self.seed, self.replication, Purpose::FaceTruth, person);
        for _ in 0..3 {
            let _: f64 = t.random();
        }
        let identity = self.population.identity(PersonId(person), &group);
        let enrolled = self.population.capture(&identity, Device::OfficerStation, &mut t);
        let mate = match (enrolled.capture(), probe) {
            (Some(e), Some(p)) => p.score(&e.template).ok(),
            _ => None,
        };
        // A mate without a usable probe or enrolment cannot be found: it scores nothing.
        let mate = Some(mate.unwrap_or(-1.0));
        let best = match (best, mate) {
            (Some(b), Some(m)) => Some(b.max(m)),
            (b, m) => b.or(m),
        };
        (best, mate)
    }

    /// The best score of a 1:N search with `probe`, mapped to the national gallery: the
    /// score whose impostor tail is the scaled gallery's tail times (scaled size / national
    /// size), which is where the same search's maximum would stand among 38 million.
    /// `None` without a probe or a gallery.
    pub(crate) fn national_best(&self, probe: Option<&Template>) -> Option<f32> {
        let (gallery, probe, face) = (self.gallery.as_ref()?, probe?, self.model.face.as_ref()?);
        let best = gallery.search(probe, 1).ok()?.first()?.score;
        Some(face.national_score(best))
    }
}

/// A session the floor will need: whose, on which device, and whether the case searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FaceJob {
    pub(crate) person: u64,
    pub(crate) segment: u16,
    pub(crate) device: Device,
    pub(crate) search: bool,
}

type Key = (u64, Device);

enum Status {
    /// Asked for, not started.
    Pending,
    /// Being made by the worker.
    Running,
    /// Being made, but the person has left: drop it when done.
    Abandoned,
    /// Made, waiting to be taken.
    Done(Option<FaceSession>),
}

/// Finished cases waiting for verification, at most this many (a case keeps its whole log).
const MAX_AUDITS_QUEUED: usize = 4_096;

#[derive(Default)]
struct Queue {
    jobs: VecDeque<FaceJob>,
    /// Finished cases to verify, with the site of their request.
    audits: VecDeque<(usize, Case)>,
    /// The worker is verifying a case.
    audit_running: bool,
    /// Per site: chains the worker verified, and chains it found broken.
    audited: Vec<[u64; 2]>,
    status: HashMap<Key, Status>,
    /// The worker sleeps until a job comes (so a job is signalled only then).
    worker_idle: bool,
    /// The simulation is over: the worker stops.
    closed: bool,
    /// The worker has stopped (also if it failed): asking it is useless.
    worker_gone: bool,
}

struct Shared {
    context: Arc<FaceContext>,
    queue: Mutex<Queue>,
    job_ready: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The thread that makes Face-ID sessions ahead of the floor. Dropping it stops the thread.
pub(crate) struct FaceWorker {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for FaceWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaceWorker").finish_non_exhaustive()
    }
}

/// What the worker had of a session: made (possibly `None`: Face-ID off), or not.
pub(crate) enum Taken {
    Made(Option<FaceSession>),
    NotMade,
}

impl FaceWorker {
    /// Starts a worker for `context`; `None` if the system refuses a thread (the floor then
    /// makes every session itself).
    pub(crate) fn start(context: Arc<FaceContext>) -> Option<Self> {
        let shared = Arc::new(Shared {
            context,
            queue: Mutex::new(Queue::default()),
            job_ready: Condvar::new(),
        });
        let theirs = shared.clone();
        let thread = std::thread::Builder::new()
            .name("navbat-face".to_owned())
            .spawn(move || work(&theirs))
            .ok()?;
        Some(Self { shared, thread: Some(thread) })
    }

    /// The handle through which the back office hands the worker finished cases.
    pub(crate) fn auditor(&self) -> Auditor {
        Auditor(self.shared.clone())
    }

    /// Asks for `job`'s session (nothing if it was already asked for).
    pub(crate) fn request(&self, job: FaceJob) {
        let mut q = self.shared.lock();
        if q.worker_gone {
            return;
        }
        let key = (job.person, job.device);
        if q.status.contains_key(&key) {
            return;
        }
        q.status.insert(key, Status::Pending);
        q.jobs.push_back(job);
        if q.worker_idle {
            self.shared.job_ready.notify_one();
        }
    }

    /// The session of `person` on `device` if the worker has made it; otherwise
    /// [`Taken::NotMade`], and the worker drops it. The floor does not wait for a session
    /// being made: on a busy machine the worker may be off its core for a whole time slice,
    /// while making the session here costs a few microseconds.
    pub(crate) fn take(&self, person: u64, device: Device) -> Taken {
        let mut q = self.shared.lock();
        match q.status.remove(&(person, device)) {
            Some(Status::Done(s)) => Taken::Made(s),
            Some(Status::Running) => {
                q.status.insert((person, device), Status::Abandoned);
                Taken::NotMade
            }
            _ => Taken::NotMade,
        }
    }

    /// `person` has left: whatever was asked for them is no longer needed.
    pub(crate) fn forget(&self, person: u64) {
        let mut q = self.shared.lock();
        for device in [Device::KioskCamera, Device::OfficerStation] {
            let key = (person, device);
            match q.status.get_mut(&key) {
                Some(s @ Status::Running) => *s = Status::Abandoned,
                Some(Status::Pending | Status::Done(_)) => {
                    q.status.remove(&key);
                }
                _ => {}
            }
        }
    }
}

/// The back office's way to hand finished cases to the worker for verification.
#[derive(Clone)]
pub(crate) struct Auditor(Arc<Shared>);

impl std::fmt::Debug for Auditor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auditor").finish_non_exhaustive()
    }
}

impl Auditor {
    /// Hands over finished `case`, requested at `site`, for its audit chain to be verified.
    /// Returns it when the queue is full or the worker has stopped: the caller verifies it.
    pub(crate) fn audit(&self, site: usize, case: Case) -> Option<Case> {
        let mut q = self.0.lock();
        if q.worker_gone || q.audits.len() >= MAX_AUDITS_QUEUED {
            return Some(case);
        }
        q.audits.push_back((site, case));
        if q.worker_idle {
            self.0.job_ready.notify_one();
        }
        None
    }

    /// Verifies here every case still queued, waits for the one the worker is verifying,
    /// and returns per site the chains verified and the chains found broken since the last
    /// call (`n_sites` long).
    pub(crate) fn settle_audits(&self, n_sites: usize) -> Vec<[u64; 2]> {
        let mut counts = vec![[0_u64; 2]; n_sites];
        let left = loop {
            let mut q = self.0.lock();
            if !q.audit_running || q.worker_gone {
                for (site, c) in q.audited.iter().enumerate() {
                    if let Some(count) = counts.get_mut(site) {
                        count[0] += c[0];
                        count[1] += c[1];
                    }
                }
                q.audited.clear();
                break std::mem::take(&mut q.audits);
            }
            drop(q);
            std::thread::yield_now();
        };
        for (site, case) in left {
            let verified = navbat_workflow::verify_chain(&case).is_ok();
            if let Some(count) = counts.get_mut(site) {
                count[usize::from(!verified)] += 1;
            }
        }
        counts
    }
}

impl Drop for FaceWorker {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.job_ready.notify_all();
        if let Some(thread) = self.thread.take() {
            // A worker that failed has already marked itself gone; nothing to add.
            let _ = thread.join();
        }
    }
}

/// Marks the worker gone when its thread ends, however it ends.
struct Gone<'a>(&'a Shared);

impl Drop for Gone<'_> {
    fn drop(&mut self) {
        self.0.lock().worker_gone = true;
    }
}

/// What the worker does next.
enum Work {
    Session(FaceJob),
    Audit(usize, Case),
}

fn work(shared: &Shared) {
    let _gone = Gone(shared);
    while let Some(next) = next_work(shared) {
        match next {
            Work::Session(job) => {
                let session =
                    shared.context.session(job.person, job.segment, job.device, job.search);
                let mut q = shared.lock();
                let key = (job.person, job.device);
                match q.status.get_mut(&key) {
                    Some(s @ Status::Running) => *s = Status::Done(session),
                    Some(Status::Abandoned) => {
                        q.status.remove(&key);
                    }
                    _ => {}
                }
            }
            Work::Audit(site, case) => {
                let verified = navbat_workflow::verify_chain(&case).is_ok();
                // The case and its log are freed here, off the floor's thread.
                drop(case);
                let mut q = shared.lock();
                if q.audited.len() <= site {
                    q.audited.resize(site + 1, [0; 2]);
                }
                q.audited[site][usize::from(!verified)] += 1;
                q.audit_running = false;
            }
        }
    }
}

/// The newest session still wanted (marked running), else the oldest case to verify;
/// `None` when the simulation is over.
///
/// An idle worker sleeps until the floor signals a job. Looking at the queue in a loop
/// instead (spinning, or yielding between looks) was measured: on a machine whose other
/// core is busy, spinning took the floor's core half the time, and yielding left the worker
/// hardly any.
fn next_work(shared: &Shared) -> Option<Work> {
    let mut q = shared.lock();
    loop {
        if q.closed {
            return None;
        }
        // Newest first: the floor needs the oldest soonest and makes those itself when the
        // worker is behind, so the two rarely make the same session.
        while let Some(job) = q.jobs.pop_back() {
            // The floor may have made it itself, or the person left.
            if let Some(s @ Status::Pending) = q.status.get_mut(&(job.person, job.device)) {
                *s = Status::Running;
                return Some(Work::Session(job));
            }
        }
        if let Some((site, case)) = q.audits.pop_front() {
            q.audit_running = true;
            return Some(Work::Audit(site, case));
        }
        q.worker_idle = true;
        q = shared.job_ready.wait(q).unwrap_or_else(PoisonError::into_inner);
        q.worker_idle = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> Arc<FaceContext> {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/pilot-2026.ron");
        let scenario = navbat_scenario::load(&path).expect("the bundled pilot is valid");
        let model = Model::new(scenario);
        Arc::new(FaceContext::new(&model, 3, 1).expect("the pilot has Face-ID"))
    }

    /// Everything of a session, as bits (group, outcome, score, search, capture values).
    fn bits(s: &Option<FaceSession>) -> Option<Vec<u64>> {
        s.as_ref().map(|s| {
            let head = [
                s.group as u64,
                u64::from(s.outcome),
                u64::from(s.score.to_bits()),
                s.searched.map_or(u64::MAX, |b| b.map_or(u64::MAX - 1, |v| u64::from(v.to_bits()))),
            ];
            let capture = s.template.iter().flat_map(|t| t.as_slice().iter());
            head.into_iter().chain(capture.map(|v| u64::from(v.to_bits()))).collect()
        })
    }

    fn wait_until_done(worker: &FaceWorker, key: Key) {
        for _ in 0..10_000 {
            if matches!(worker.shared.lock().status.get(&key), Some(Status::Done(_))) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        panic!("the worker did not make {key:?} within ten seconds");
    }

    #[test]
    fn a_session_made_by_the_worker_is_the_one_made_here() {
        let context = context();
        let worker = FaceWorker::start(context.clone()).expect("a thread");
        for (person, device, search) in
            [(11, Device::KioskCamera, false), (12, Device::OfficerStation, true)]
        {
            let here = context.session(person, 1, device, search);
            assert!(here.is_some());
            worker.request(FaceJob { person, segment: 1, device, search });
            wait_until_done(&worker, (person, device));
            let Taken::Made(made) = worker.take(person, device) else {
                panic!("the worker had made it")
            };
            assert_eq!(bits(&made), bits(&here));
            // Taken once: it is gone.
            assert!(matches!(worker.take(person, device), Taken::NotMade));
        }
        // A search made with the session drops the capture; the same search made later
        // from the kept capture gives the same score.
        let kept = context.session(12, 1, Device::OfficerStation, false).expect("a session");
        let searched = context.session(12, 1, Device::OfficerStation, true).expect("a session");
        assert!(searched.template.is_none());
        assert_eq!(
            searched.searched.expect("searched").map(f32::to_bits),
            context.national_best(kept.template.as_ref()).map(f32::to_bits)
        );
    }

    #[test]
    fn what_a_person_leaves_behind_is_dropped() {
        let context = context();
        let worker = FaceWorker::start(context).expect("a thread");
        worker.request(FaceJob {
            person: 5,
            segment: 0,
            device: Device::KioskCamera,
            search: true,
        });
        wait_until_done(&worker, (5, Device::KioskCamera));
        worker.forget(5);
        assert!(matches!(worker.take(5, Device::KioskCamera), Taken::NotMade));
        assert!(worker.shared.lock().status.is_empty());
    }

    #[test]
    fn dropping_the_worker_stops_it_with_jobs_queued() {
        let worker = FaceWorker::start(context()).expect("a thread");
        for person in 0..500 {
            worker.request(FaceJob {
                person,
                segment: 0,
                device: Device::KioskCamera,
                search: true,
            });
        }
        // Returns once the thread has stopped (the test would hang otherwise).
        drop(worker);
    }
}
