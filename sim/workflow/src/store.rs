//! The case store: slots with stable ids, timers, work queues by skill, SLA queries.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::sync::Arc;

use crate::case::{
    self, Advance, CaseId, CaseState, Decision, Event, Input, LogEntry, OfficerId, Outcome,
    Pseudonym, Review, ReviewReasons, TaskId, TaskState, TimerState,
};
use crate::definition::{Facts, ReasonCode, Service, ServiceCatalog, ServiceId, Skill};
use crate::error::WorkflowError;
use crate::sla::{SlaStatus, sla_status};
use crate::time::{Timestamp, WorkCalendar};

/// A case as the store holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    /// Its id.
    pub id: CaseId,
    /// Its pseudonymous subject.
    pub subject: Pseudonym,
    /// Live state (a pure function of the log).
    pub state: CaseState,
    /// The audit log (empty when the store does not record logs).
    pub log: Vec<LogEntry>,
}

impl Case {
    /// Heap bytes held by this case (its log's allocation).
    pub fn heap_bytes(&self) -> usize {
        self.log.capacity() * std::mem::size_of::<LogEntry>()
    }
}

/// What the store does with a case that reached a terminal outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retention {
    /// Keep it in the store (queryable, exportable).
    Keep,
    /// Remove it; hand it to the finished-case sink if one is set, else drop it.
    Evict,
}

/// How a store behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoreConfig {
    /// Keep each case's log entries in memory (the hash chain is computed either way).
    pub record_log: bool,
    /// What happens to finished cases.
    pub retention: Retention,
}

impl Default for StoreConfig {
    /// Record logs and keep finished cases: what an auditor expects.
    fn default() -> Self {
        StoreConfig { record_log: true, retention: Retention::Keep }
    }
}

/// A callback that receives each finished case when the store evicts it.
pub type FinishedSink = Box<dyn FnMut(Case) + Send>;

struct Slot {
    generation: u32,
    case: Option<Case>,
}

/// All cases of a run, their timers and their human-task queues.
pub struct CaseStore {
    catalog: Arc<ServiceCatalog>,
    calendar: WorkCalendar,
    config: StoreConfig,
    slots: Vec<Slot>,
    free: Vec<u32>,
    open_cases: usize,
    timers: BinaryHeap<Reverse<(Timestamp, CaseId, u32)>>,
    /// Per [`Skill::index`] of the catalogue (built-in skills, then named tasks).
    queues: Vec<VecDeque<TaskId>>,
    unclaimed: Vec<usize>,
    sink: Option<FinishedSink>,
    finished: u64,
    /// Where `case::open` and `case::advance` write a step before it is committed.
    scratch: Advance,
}

impl std::fmt::Debug for CaseStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaseStore")
            .field("services", &self.catalog.len())
            .field("config", &self.config)
            .field("open_cases", &self.open_cases)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl CaseStore {
    /// An empty store over a catalogue (owned, or shared with e.g. an export sink) and a
    /// working-day calendar.
    pub fn new(
        catalog: impl Into<Arc<ServiceCatalog>>,
        calendar: WorkCalendar,
        config: StoreConfig,
    ) -> Self {
        let catalog: Arc<ServiceCatalog> = catalog.into();
        let skills = catalog.skill_count();
        CaseStore {
            catalog,
            calendar,
            config,
            slots: Vec::new(),
            free: Vec::new(),
            open_cases: 0,
            timers: BinaryHeap::new(),
            queues: vec![VecDeque::new(); skills],
            unclaimed: vec![0; skills],
            sink: None,
            finished: 0,
            scratch: Advance::scratch(),
        }
    }

    /// Send every evicted finished case to `sink` (only with [`Retention::Evict`]).
    pub fn set_finished_sink(&mut self, sink: FinishedSink) {
        self.sink = Some(sink);
    }

    /// The services.
    pub fn catalog(&self) -> &ServiceCatalog {
        &self.catalog
    }

    /// The services, shared (e.g. for a finished-case sink that exports).
    pub fn shared_catalog(&self) -> Arc<ServiceCatalog> {
        Arc::clone(&self.catalog)
    }

    /// The working-day calendar.
    pub fn calendar(&self) -> &WorkCalendar {
        &self.calendar
    }

    /// Cases not yet at a terminal outcome.
    pub fn open_cases(&self) -> usize {
        self.open_cases
    }

    /// Cases that reached a terminal outcome so far.
    pub fn finished_cases(&self) -> u64 {
        self.finished
    }

    /// Open a case of `service` for `subject` with `facts`, at `at`.
    pub fn open(
        &mut self,
        service: ServiceId,
        subject: Pseudonym,
        facts: Facts,
        at: Timestamp,
    ) -> Result<Outcome, WorkflowError> {
        let Some(def) = self.catalog.get(service) else {
            return Err(WorkflowError::UnknownService { service: service.0 });
        };
        let (index, generation) = match self.free.pop() {
            Some(i) => (i, self.slots[i as usize].generation),
            None => {
                let i = u32::try_from(self.slots.len())
                    .map_err(|_| WorkflowError::UnknownCase { case: u64::MAX })?;
                self.slots.push(Slot { generation: 0, case: None });
                (i, 0)
            }
        };
        let id = CaseId((u64::from(generation) << 32) | u64::from(index));
        case::open(def, &self.calendar, id, service, subject, facts, at, &mut self.scratch);
        let mut log = Vec::new();
        if self.config.record_log {
            log.reserve_exact(8);
        }
        let placeholder = Case { id, subject, state: self.scratch.state, log };
        self.slots[index as usize].case = Some(placeholder);
        self.open_cases += 1;
        let from = def.initial;
        Ok(self.commit(id, None, None, from))
    }

    /// Apply an event to a case at `at`. A wrong event is an error and changes nothing.
    pub fn apply(
        &mut self,
        case: CaseId,
        event: Event,
        at: Timestamp,
    ) -> Result<Outcome, WorkflowError> {
        self.apply_input(case, Input::Event(event), at)
    }

    fn apply_input(
        &mut self,
        id: CaseId,
        input: Input,
        at: Timestamp,
    ) -> Result<Outcome, WorkflowError> {
        // let-else rather than `ok_or`: no error value is built (and dropped) on the hot path.
        let Some(c) = case_in(&self.slots, id) else {
            return Err(WorkflowError::UnknownCase { case: id.0 });
        };
        let old = &c.state;
        let Some(def) = self.catalog.get(old.service) else {
            return Err(WorkflowError::UnknownService { service: old.service.0 });
        };
        case::advance(def, &self.calendar, id, old, input, at, &mut self.scratch)?;
        let (task, timer, from) = (old.task, old.timer, old.step);
        Ok(self.commit(id, task, timer, from))
    }

    /// Store the step in the scratch space (state, log entry), then update queues and the
    /// timer heap from the old task and timer, then evict the case if it finished.
    fn commit(
        &mut self,
        id: CaseId,
        old_task: Option<TaskState>,
        old_timer: Option<TimerState>,
        from: crate::definition::StepId,
    ) -> Outcome {
        let index = (id.0 & 0xffff_ffff) as usize;
        // The case holds its new state before any bookkeeping below looks at it (a timer
        // heap compaction keeps only timers armed in the cases' current states).
        if let Some(c) = self.slots.get_mut(index).and_then(|s| s.case.as_mut()) {
            c.state = self.scratch.state;
            if self.config.record_log {
                c.log.push(self.scratch.entry);
            }
        }
        let (new_task, new_timer) = (self.scratch.state.task, self.scratch.state.timer);
        // Task bookkeeping: an unclaimed task leaving, a new task arriving.
        if let Some(t) = old_task
            && t.claimed_by.is_none()
            && new_task != Some(t)
        {
            self.unclaimed[t.skill.index()] -= 1;
            let k = t.skill.index();
            if self.queues[k].len() > 2 * self.unclaimed[k] + 1024 {
                self.compact_queue(k);
            }
        }
        let mut task_opened = None;
        if let Some(t) = new_task
            && old_task.map(|o| o.opened_seq) != Some(t.opened_seq)
        {
            let tid = TaskId { case: id, opened_seq: t.opened_seq };
            self.queues[t.skill.index()].push_back(tid);
            self.unclaimed[t.skill.index()] += 1;
            task_opened = Some((tid, t.skill));
        }
        if let (Some(o), Some(t)) = (old_task, new_task)
            && o.opened_seq == t.opened_seq
            && o.claimed_by.is_some()
            && t.claimed_by.is_none()
        {
            // Released: back to the front of its queue.
            self.queues[t.skill.index()].push_front(TaskId { case: id, opened_seq: t.opened_seq });
            self.unclaimed[t.skill.index()] += 1;
        }
        let mut timer_set = None;
        if let Some(t) = new_timer
            && old_timer != Some(t)
        {
            self.timers.push(Reverse((t.due, id, t.set_seq)));
            timer_set = Some(t.due);
            if self.timers.len() > 2 * self.open_cases + 4096 {
                self.compact_timers();
            }
        }
        let (state, entry) = (&self.scratch.state, &self.scratch.entry);
        let outcome = Outcome {
            case: id,
            from,
            to: state.step,
            trigger: entry.trigger,
            task_opened,
            timer_set,
            effects: self.scratch.effects,
            reasons: entry.reasons,
            resolution: state.resolution,
        };
        if outcome.resolution.is_some() {
            self.open_cases -= 1;
            self.finished += 1;
            if self.config.retention == Retention::Evict
                && let Some(slot) = self.slots.get_mut(index)
            {
                slot.generation = slot.generation.wrapping_add(1);
                let done = slot.case.take();
                self.free.push(index as u32);
                if let (Some(sink), Some(done)) = (self.sink.as_mut(), done) {
                    sink(done);
                }
            }
        }
        outcome
    }

    /// The case with this id, if present.
    pub fn case(&self, id: CaseId) -> Option<&Case> {
        case_in(&self.slots, id)
    }

    fn get(&self, id: CaseId) -> Result<&Case, WorkflowError> {
        self.case(id).ok_or(WorkflowError::UnknownCase { case: id.0 })
    }

    /// All cases held, in id order.
    pub fn cases(&self) -> impl Iterator<Item = &Case> {
        self.slots.iter().filter_map(|s| s.case.as_ref())
    }

    /// The service definition of a case.
    pub fn service_of(&self, id: CaseId) -> Option<&Service> {
        self.catalog.get(self.case(id)?.state.service)
    }

    /// The step a case is in, with its transitions: what the case waits for next.
    pub fn current_step(&self, id: CaseId) -> Option<&crate::definition::Step> {
        let c = self.case(id)?;
        self.catalog.get(c.state.service)?.step(c.state.step)
    }

    /// The earliest armed timer (dropping stale heap entries on the way).
    pub fn next_due_timer(&mut self) -> Option<(Timestamp, CaseId)> {
        while let Some(Reverse((due, id, seq))) = self.timers.peek().copied() {
            if self.timer_is_live(id, due, seq) {
                return Some((due, id));
            }
            self.timers.pop();
        }
        None
    }

    /// Drop heap entries of timers that were cancelled by leaving their step, so the heap
    /// stays proportional to open cases (amortised: runs when the heap doubles past them).
    fn compact_timers(&mut self) {
        let entries = std::mem::take(&mut self.timers).into_vec();
        let live: Vec<_> = entries
            .into_iter()
            .filter(|Reverse((due, id, seq))| self.timer_is_live(*id, *due, *seq))
            .collect();
        self.timers = BinaryHeap::from(live);
    }

    /// Drop queue entries of tasks that closed before anyone claimed them.
    fn compact_queue(&mut self, k: usize) {
        let entries = std::mem::take(&mut self.queues[k]);
        let live: VecDeque<TaskId> =
            entries.into_iter().filter(|t| self.task_is_waiting(*t)).collect();
        self.queues[k] = live;
    }

    /// Entries held in the queue of `skill` (waiting tasks plus not yet discarded closed
    /// ones), for memory accounting.
    pub fn queued_entries(&self, skill: Skill) -> usize {
        self.queues.get(skill.index()).map_or(0, VecDeque::len)
    }

    /// Heap entries held for timers (live and not yet discarded), for memory accounting.
    pub fn timer_entries(&self) -> usize {
        self.timers.len()
    }

    fn timer_is_live(&self, id: CaseId, due: Timestamp, seq: u32) -> bool {
        self.case(id).and_then(|c| c.state.timer).is_some_and(|t| t.due == due && t.set_seq == seq)
    }

    /// Fire every timer due at or before `until`, in (due, case) order, and return what they
    /// did. A timer fires at its due time, or at the case's last event time if the caller
    /// already applied a later event that left the timer armed (call `fire_due(now)` before
    /// applying events at `now` to honour timers exactly).
    pub fn fire_due(&mut self, until: Timestamp) -> Result<Vec<Outcome>, WorkflowError> {
        let mut fired = Vec::new();
        // The heap's top (live or cancelled) is the earliest entry: past `until`, nothing is
        // due, and there is no need to look at any case (the usual call, before each event).
        while self.timers.peek().is_some_and(|Reverse((due, ..))| *due <= until)
            && let Some((due, id)) = self.next_due_timer()
        {
            if due > until {
                break;
            }
            let at = self.case(id).map_or(due, |c| due.max(c.state.last_at));
            fired.push(self.apply_input(id, Input::TimerFired, at)?);
        }
        Ok(fired)
    }

    /// The state of a task while it is open (waiting or claimed).
    pub fn task(&self, task: TaskId) -> Option<crate::case::TaskState> {
        self.case(task.case).and_then(|c| c.state.task).filter(|t| t.opened_seq == task.opened_seq)
    }

    /// Unclaimed open tasks needing `skill`.
    pub fn queue_len(&self, skill: Skill) -> usize {
        self.unclaimed.get(skill.index()).copied().unwrap_or(0)
    }

    fn task_is_waiting(&self, t: TaskId) -> bool {
        self.case(t.case)
            .and_then(|c| c.state.task)
            .is_some_and(|s| s.opened_seq == t.opened_seq && s.claimed_by.is_none())
    }

    /// Unclaimed tasks needing `skill`, oldest first.
    pub fn waiting_tasks(&self, skill: Skill) -> impl Iterator<Item = TaskId> + '_ {
        let queue = self.queues.get(skill.index()).map(VecDeque::iter);
        queue.into_iter().flatten().copied().filter(|t| self.task_is_waiting(*t))
    }

    /// Give the oldest waiting task needing `skill` that `officer` may take to `officer`.
    /// `Ok(None)` when there is none.
    pub fn claim(
        &mut self,
        skill: Skill,
        officer: OfficerId,
        at: Timestamp,
    ) -> Result<Option<TaskId>, WorkflowError> {
        let q = skill.index();
        if q >= self.queues.len() {
            return Ok(None);
        }
        let mut i = 0;
        while i < self.queues[q].len() {
            let t = self.queues[q][i];
            let Some(state) = self.case(t.case).and_then(|c| c.state.task) else {
                self.queues[q].remove(i);
                continue;
            };
            if state.opened_seq != t.opened_seq || state.claimed_by.is_some() {
                self.queues[q].remove(i);
                continue;
            }
            if state.excluded == Some(officer) {
                i += 1;
                continue;
            }
            self.apply_input(t.case, Input::Claim { officer }, at)?;
            self.queues[q].remove(i);
            return Ok(Some(t));
        }
        Ok(None)
    }

    /// Claim a specific waiting task.
    pub fn claim_task(
        &mut self,
        task: TaskId,
        officer: OfficerId,
        at: Timestamp,
    ) -> Result<(), WorkflowError> {
        let current = self.case(task.case).and_then(|c| c.state.task);
        match current {
            Some(s) if s.opened_seq == task.opened_seq => {
                self.apply_input(task.case, Input::Claim { officer }, at)?;
                let q = &mut self.queues[s.skill.index()];
                if let Some(i) = q.iter().position(|t| *t == task) {
                    q.remove(i);
                }
                Ok(())
            }
            _ => Err(WorkflowError::TaskNotOpen { task: task.packed() }),
        }
    }

    /// The claimant gives a task back; it goes to the front of its queue.
    pub fn release(&mut self, task: TaskId, at: Timestamp) -> Result<(), WorkflowError> {
        self.claimant(task)?;
        self.apply_input(task.case, Input::Release, at)?;
        Ok(())
    }

    fn claimant(&self, task: TaskId) -> Result<OfficerId, WorkflowError> {
        let current = self.case(task.case).and_then(|c| c.state.task);
        let Some(state) = current.filter(|s| s.opened_seq == task.opened_seq) else {
            return Err(WorkflowError::TaskNotOpen { task: task.packed() });
        };
        match state.claimed_by {
            Some(officer) => Ok(officer),
            None => Err(WorkflowError::NotClaimant { task: task.packed(), officer: u32::MAX }),
        }
    }

    /// The claimant decides the task, giving 1 to 4 reason codes.
    pub fn complete(
        &mut self,
        task: TaskId,
        decision: Decision,
        reasons: &[ReasonCode],
        at: Timestamp,
    ) -> Result<Outcome, WorkflowError> {
        let officer = self.claimant(task)?;
        let Some(reasons) = ReviewReasons::new(reasons) else {
            return Err(WorkflowError::BadReasons {
                case: task.case.0,
                given: reasons.len(),
                bad: None,
            });
        };
        self.apply(task.case, Event::Reviewed(Review { officer, decision, reasons }), at)
    }

    /// SLA state of a case at `now` (None when its service has no deadline or the clock
    /// has not started).
    pub fn sla(&self, id: CaseId, now: Timestamp) -> Result<Option<SlaStatus>, WorkflowError> {
        let c = self.get(id)?;
        let def = self
            .catalog
            .get(c.state.service)
            .ok_or(WorkflowError::UnknownService { service: c.state.service.0 })?;
        Ok(sla_status(def, &self.calendar, &c.state, now))
    }
}

/// The case with this id in `slots`, if its slot still holds it.
fn case_in(slots: &[Slot], id: CaseId) -> Option<&Case> {
    let slot = slots.get((id.0 & 0xffff_ffff) as usize)?;
    if u64::from(slot.generation) != id.0 >> 32 {
        return None;
    }
    slot.case.as_ref()
}
