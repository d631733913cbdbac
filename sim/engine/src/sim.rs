//! Assembling a replication's world and running it: build, step, finish.

use std::sync::Arc;

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings, ScheduleLabel, SingleThreadedExecutor};
use navbat_record::ReplicationRecord;

use crate::calendar::Calendar;
use crate::components::{ArrivalLimit, Board, Clock, StepTarget};
use crate::event_loop::{Floors, RowSink, RunState, handle_due_events, office_mut, prime};
use crate::face::{FaceContext, FaceWorker};
use crate::floor::SiteState;
use crate::model::{Model, ModelRes};
use crate::office::{BackOfficeErrors, CaseExporter, Office};
use crate::record::BackOfficeBooks;
use crate::rows::RowExporter;
use crate::streams::Streams;
use crate::tally::{Cells, SiteTally, Tally};
use crate::time::SimTime;

/// The schedule that advances the twin; one pass handles every event up to [`StepTarget`].
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
pub struct Advance;

/// One replication of a scenario: a Bevy `World` in which each site is an entity carrying
/// its floor ([`SiteState`]: lines, counters, kiosks, people), and the [`Advance`] schedule
/// moves the clock.
///
/// Build it with [`Simulation::new`], move it with [`Simulation::step_until`] (the planner
/// window does this once per frame) or [`Simulation::run_to_end`], then read the
/// [`ReplicationRecord`] with [`Simulation::finish`].
pub struct Simulation {
    world: World,
    schedule: Schedule,
    model: Arc<Model>,
    replication: u32,
}

impl std::fmt::Debug for Simulation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulation")
            .field("replication", &self.replication)
            .field("now", &self.now())
            .finish_non_exhaustive()
    }
}

impl Simulation {
    /// A replication of `model` with master `seed`, ready at the start of the horizon.
    pub fn new(model: Arc<Model>, seed: u64, replication: u32) -> Self {
        Self::build(model, seed, replication, None, None)
    }

    /// Like [`Simulation::new`], keeping every case's audit log and handing each finished
    /// case to `export` (e.g. an XES or OCEL writer). Cases still open at the end are not
    /// handed over.
    pub fn with_case_export(
        model: Arc<Model>,
        seed: u64,
        replication: u32,
        export: CaseExporter,
    ) -> Self {
        Self::build(model, seed, replication, None, Some(export))
    }

    /// Like [`Simulation::new`], but nobody comes after `max_arrivals` requests, and the
    /// first `warm_up` of them are left out of statistics; the run ends when the last
    /// person leaves.
    pub fn with_arrival_limit(
        model: Arc<Model>,
        seed: u64,
        replication: u32,
        max_arrivals: u64,
        warm_up: u64,
    ) -> Self {
        let limit = ArrivalLimit { max: max_arrivals, uncounted_first: warm_up };
        Self::build(model, seed, replication, Some(limit), None)
    }

    fn build(
        model: Arc<Model>,
        seed: u64,
        replication: u32,
        limit: Option<ArrivalLimit>,
        export: Option<CaseExporter>,
    ) -> Self {
        let mut world = World::new();
        let sc = &model.scenario;
        let mut sites = Vec::with_capacity(sc.sites.len());
        for s in 0..sc.sites.len() {
            sites.push(world.spawn(SiteState::new(&model, s)).id());
        }
        let n = sites.len();
        world.insert_resource(ModelRes(model.clone()));
        world.insert_resource(Calendar::ending_at(model.end));
        world.insert_resource(Clock { now: model.start, events: 0, last_event: model.start });
        world.insert_resource(StepTarget { until: model.start });
        let face = FaceContext::new(&model, seed, replication).map(Arc::new);
        let office =
            Office::new(&model, seed, replication, face.clone(), export).map(std::sync::Mutex::new);
        world.insert_resource(RunState {
            streams: Streams::new(seed, replication, &model.site_keys),
            seed,
            replication,
            sites,
            requests: 0,
            face,
            face_worker: None,
            office,
            board: vec![Board::default(); n],
            transfers: Default::default(),
            rows: None,
            guard: Default::default(),
        });
        let face_groups = if model.face.is_some() {
            sc.segments.len() * crate::face::GROUPS_PER_SEGMENT
        } else {
            0
        };
        world.insert_resource(Tally {
            sites: (0..n)
                .map(|_| SiteTally {
                    last_change: model.start,
                    cells: Cells::new(sc.services.len(), sc.segments.len(), model.months.len()),
                    face: vec![[0; 3]; face_groups],
                    face_extra_ms: vec![0; face_groups],
                    ..SiteTally::default()
                })
                .collect(),
        });
        if let Some(limit) = limit {
            world.insert_resource(limit);
        }
        let floors = Floors(world.query());
        world.insert_resource(floors);
        prime(&mut world);

        let mut schedule = Schedule::new(Advance);
        schedule.set_executor(SingleThreadedExecutor::new());
        schedule.set_build_settings(ScheduleBuildSettings {
            ambiguity_detection: LogLevel::Error,
            ..Default::default()
        });
        schedule.add_systems(handle_due_events);
        // Built now, with the world, rather than on the first step. Building one system
        // cannot fail; were it to, the schedule would stay unbuilt and the first step would
        // try again and report it.
        let _reported_by_the_first_step = schedule.initialize(&mut world);
        Self { world, schedule, model, replication }
    }

    /// With `on`, Face-ID sessions are made ahead on a thread of their own while the floor
    /// goes on (see the `face` module): for a replication that runs alone on a machine with
    /// a free core. The record is the same with it or without; without Face-ID it does
    /// nothing.
    #[must_use]
    pub fn with_face_worker(mut self, on: bool) -> Self {
        let mut run = self.world.resource_mut::<RunState>();
        let face = run.face.clone();
        let worker = match (face, on) {
            (Some(face), true) => run.face_worker.take().or_else(|| FaceWorker::start(face)),
            _ => None,
        };
        let auditor = worker.as_ref().map(FaceWorker::auditor);
        if let Some(office) = run.office.as_mut().map(office_mut) {
            office.set_auditor(auditor);
        }
        run.face_worker = worker;
        self
    }

    /// Hands every row of the pilot's record files this replication makes (tickets, kiosk
    /// breakdowns, officers' duty) to `export`, as it happens (see [`crate::FloorRow`]). The record
    /// is the same with rows or without: writing them down draws nothing.
    #[must_use]
    pub fn with_rows(mut self, export: RowExporter) -> Self {
        self.world.resource_mut::<RunState>().rows = Some(RowSink(std::sync::Mutex::new(export)));
        self
    }

    /// The simulated now.
    pub fn now(&self) -> SimTime {
        self.world.resource::<Clock>().now
    }

    /// End of the horizon.
    pub fn end(&self) -> SimTime {
        self.model.end
    }

    /// The prepared model this replication runs.
    pub fn model(&self) -> &Arc<Model> {
        &self.model
    }

    /// Events handled so far.
    pub fn events(&self) -> u64 {
        self.world.resource::<Clock>().events
    }

    /// Handles every event up to `until` (capped just before the end of the horizon) in one
    /// pass of the [`Advance`] schedule.
    pub fn step_until(&mut self, until: SimTime) {
        let until = SimTime(until.0.min(self.model.end.0 - 1));
        self.world.resource_mut::<StepTarget>().until = until;
        self.schedule.run(&mut self.world);
    }

    /// Runs to the end of the horizon.
    pub fn run_to_end(&mut self) {
        self.step_until(self.model.end);
    }

    /// What went wrong between the back office and its case store so far: nothing in a
    /// sound scenario (see [`BackOfficeErrors`]); nothing without a back office either.
    pub fn back_office_errors(&mut self) -> BackOfficeErrors {
        let Some(mut run) = self.world.get_resource_mut::<RunState>() else {
            return BackOfficeErrors::default();
        };
        run.office.as_mut().map(office_mut).map(|o| o.errors.clone()).unwrap_or_default()
    }

    /// Each site's floor, in scenario order.
    pub fn floors(&self) -> Vec<&SiteState> {
        let run = self.world.resource::<RunState>();
        run.sites.iter().filter_map(|&e| self.world.get::<SiteState>(e)).collect()
    }

    /// Closes the books and returns what was measured: at the end of the horizon, or for a
    /// run with an arrival limit when its last person left.
    pub fn finish(mut self) -> ReplicationRecord {
        self.run_to_end();
        let end = if self.world.contains_resource::<ArrivalLimit>() {
            self.world.resource::<Clock>().last_event
        } else {
            self.model.end
        };
        let mut tally = self.world.remove_resource::<Tally>().unwrap_or_default();
        let office = self.close_office(&mut tally, end);
        let floors = self.floors();
        let mut record = crate::record::replication_record(
            &self.model,
            self.replication,
            self.events(),
            end,
            &mut tally,
            &floors,
            office,
        );
        record.fault = self.fault();
        record
    }

    /// The same simulation with a tighter run-time guard: it looks every `every` events
    /// (rounded up to a power of two) and stops the run past `max_people` people at the
    /// sites or `max_waiting` events waiting. The defaults
    /// ([`MAX_PEOPLE_AT_ONCE`](crate::MAX_PEOPLE_AT_ONCE),
    /// [`MAX_EVENTS_WAITING`](crate::MAX_EVENTS_WAITING), every 2^20 events) suit every
    /// sound scenario; tighter ones are for tests and for callers that want an early stop.
    pub fn with_guard(mut self, every: u64, max_people: u64, max_waiting: usize) -> Self {
        if let Some(mut run) = self.world.get_resource_mut::<RunState>() {
            run.guard.every = every.max(1).next_power_of_two();
            run.guard.max_people = max_people;
            run.guard.max_waiting = max_waiting;
        }
        self
    }

    /// Why the run-time guard stopped this replication, if it did (see
    /// [`MAX_PEOPLE_AT_ONCE`](crate::MAX_PEOPLE_AT_ONCE) and
    /// [`MAX_EVENTS_WAITING`](crate::MAX_EVENTS_WAITING)).
    pub fn fault(&self) -> Option<String> {
        self.world.get_resource::<RunState>().and_then(|r| r.guard.fault.clone())
    }

    /// Settles the back office's audits, copies its per-site counts into `tally`, and hands
    /// over what goes into the record (nothing without a back office).
    fn close_office(&mut self, tally: &mut Tally, end: SimTime) -> BackOfficeBooks {
        let n_sites = tally.sites.len();
        let Some(mut run) = self.world.get_resource_mut::<RunState>() else {
            return BackOfficeBooks::default();
        };
        let Some(office) = run.office.as_mut().map(office_mut) else {
            return BackOfficeBooks::default();
        };
        office.settle_audits();
        for (t, c) in tally.sites.iter_mut().zip(&office.sites) {
            t.cases = c.clone();
        }
        for (t, f) in tally.sites.iter_mut().zip(&office.face) {
            t.face_search.clone_from(f);
        }
        // Cases still open are censored end-to-end times (Kaplan–Meier in the record).
        for (site, age_ms) in office.open_case_ages(end) {
            if let Some(t) = tally.sites.get_mut(site) {
                t.end_to_end_open.add(age_ms / crate::tally::E2E_SCALE);
            }
        }
        let sla_by_service = office.sla_by_service.clone();
        let (rows, open_cases) = office.finish(n_sites);
        BackOfficeBooks { rows, open_cases, sla_by_service }
    }
}
