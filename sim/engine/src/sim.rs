//! Assembling a replication's world and running it: build, step, finish.

use std::collections::VecDeque;
use std::sync::Arc;

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings, ScheduleLabel, SingleThreadedExecutor};
use navbat_record::{BreakdownRow, Dimension, ReplicationRecord};

use crate::calendar::Calendar;
use crate::components::{
    ArrivalLimit, Clock, CounterOf, CounterState, Help, KioskOf, KioskState, People, SiteState,
    StepTarget, Whereabouts,
};
use crate::face::{FaceContext, FaceWorker};
use crate::model::{Model, ModelRes};
use crate::office::{CaseExporter, Office};
use crate::streams::Streams;
use crate::tally::{Cell, Cells, SiteTally, SiteTotals, Tally};
use crate::time::SimTime;
use crate::twin::{Floors, RunState, handle_due_events, prime};

/// The schedule that advances the twin; one pass handles every event up to [`StepTarget`].
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
pub struct Advance;

/// One replication of a scenario: a Bevy `World` in which each site is an entity carrying
/// its floor ([`SiteState`]: lines, counters, kiosks, people), counters and kiosks are
/// entities of their own, and the [`Advance`] schedule moves the clock.
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
        for (s, site) in sc.sites.iter().enumerate() {
            let mut counters = Vec::new();
            for (g, group) in site.counters.iter().enumerate() {
                for _ in 0..group.count {
                    counters.push(CounterState {
                        group: u16::try_from(g).unwrap_or(u16::MAX),
                        on_duty: false,
                        overtime: false,
                        serving: None,
                        session: 0,
                        busy_since: model.start,
                        duty_since: None,
                        next_shift: 0,
                        shift_end: model.start,
                    });
                }
            }
            let mut kiosks = Vec::new();
            for (g, group) in site.kiosks.iter().enumerate() {
                for _ in 0..group.count {
                    kiosks.push(KioskState {
                        group: u16::try_from(g).unwrap_or(u16::MAX),
                        capabilities: group.capabilities,
                        up: true,
                        serving: None,
                        session: 0,
                        busy_since: model.start,
                        down_since: model.start,
                        help: Help::None,
                    });
                }
            }
            let (n_counters, n_kiosks) = (counters.len(), kiosks.len());
            let site_e = world
                .spawn(SiteState {
                    open: false,
                    close_at: model.start,
                    next_window: 0,
                    piece: 0,
                    arrivals: crate::plan::Arrivals::starting_at(model.start),
                    month: 0,
                    hour: (0, 0, 0),
                    counter_line: [VecDeque::new(), VecDeque::new()],
                    kiosk_line: VecDeque::new(),
                    counters,
                    kiosks,
                    people: People::default(),
                    counter_waiting: 0,
                    idle_counters: 0,
                    generalists: model.group_handles.get(s).is_some_and(|h| h.iter().all(|&h| h)),
                    kiosk_waiting: 0,
                    face_session: None,
                    assistants_free: site.floor_assistants,
                    assist_line: VecDeque::new(),
                })
                .id();
            for index in 0..n_counters {
                let index = u16::try_from(index).unwrap_or(u16::MAX);
                world.spawn(CounterOf { site: site_e, index });
            }
            for index in 0..n_kiosks {
                let index = u16::try_from(index).unwrap_or(u16::MAX);
                world.spawn(KioskOf { site: site_e, index });
            }
            sites.push(site_e);
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
            streams: Streams::new(seed, replication, n),
            sites,
            requests: 0,
            face,
            face_worker: None,
            office,
            board: vec![crate::components::Board::default(); n],
            transfers: Default::default(),
        });
        world.insert_resource(Tally {
            sites: (0..n)
                .map(|_| SiteTally {
                    last_change: model.start,
                    cells: Cells::new(sc.services.len(), sc.segments.len(), model.months.len()),
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
        if let Some(office) = run.office.as_mut().map(crate::twin::office_mut) {
            office.set_auditor(auditor);
        }
        run.face_worker = worker;
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
        let n_sites = tally.sites.len();
        let mut sla_by_service: Vec<Vec<[u64; 2]>> = Vec::new();
        let (back_office, open_cases) = match self.world.get_resource_mut::<RunState>() {
            Some(mut run) => match run.office.as_mut().map(crate::twin::office_mut) {
                Some(office) => {
                    office.settle_audits();
                    for (t, c) in tally.sites.iter_mut().zip(&office.sites) {
                        t.cases = c.clone();
                    }
                    for (t, f) in tally.sites.iter_mut().zip(&office.face) {
                        t.face_search = *f;
                    }
                    sla_by_service = office.sla_by_service.clone();
                    office.finish(n_sites)
                }
                None => (Vec::new(), Vec::new()),
            },
            None => (Vec::new(), Vec::new()),
        };
        let sc = &self.model.scenario;
        let horizon_ms = end.0 - self.model.start.0;
        let clip = |(a, b): &(i64, i64)| (b.min(&end.0) - a).max(0);
        let floors = self.floors();
        let sites = tally
            .sites
            .iter_mut()
            .zip(floors)
            .enumerate()
            .map(|(s, (t, floor))| {
                let mut in_system = 0;
                // People still in a line: their time so far counts on both sides of
                // Little's law.
                for a in floor.people.iter() {
                    if a.at != Whereabouts::InService {
                        t.time_in_line_ms += i128::from(end.0 - a.queued_at.0);
                    }
                    in_system += u64::from(a.counted);
                }
                for c in &floor.counters {
                    if c.serving.is_some() {
                        t.busy_ms += end.0 - c.busy_since.0;
                    }
                    if let Some(since) = c.duty_since {
                        t.duty_ms += end.0 - since.0;
                    }
                }
                for k in &floor.kiosks {
                    if k.serving.is_some() {
                        t.kiosk_busy_ms += end.0 - k.busy_since.0;
                    }
                    if !k.up {
                        t.kiosk_down_ms += end.0 - k.down_since.0;
                    }
                }
                t.touch(end);
                let totals = SiteTotals {
                    kiosks: u32::try_from(floor.kiosks.len()).unwrap_or(u32::MAX),
                    floor_assistants: sc.sites[s].floor_assistants,
                    open_ms: self.model.plans[s].open.iter().map(clip).sum(),
                    horizon_ms,
                    in_system_end: in_system,
                    cases_open_end: open_cases.get(s).copied().unwrap_or(0),
                };
                t.record(self.replication, &sc.sites[s].id, totals)
            })
            .collect();
        let mut breakdown = Vec::new();
        for (s, t) in tally.sites.iter().enumerate() {
            let site = &sc.sites[s].id;
            let mut rows = |dimension, cells: &[Cell], key: &dyn Fn(usize) -> String| {
                for (i, c) in cells.iter().enumerate() {
                    breakdown.push(BreakdownRow {
                        replication: self.replication,
                        site: site.clone(),
                        dimension,
                        key: key(i),
                        arrivals: c.arrivals,
                        served: c.served,
                        served_kiosk: c.served_kiosk,
                        abandoned: c.abandoned,
                        mean_wait_min: if c.served == 0 {
                            0.0
                        } else {
                            c.wait_ms as f64 / c.served as f64 / crate::time::MINUTE_MS as f64
                        },
                        sla_cases: 0,
                        sla_met: 0,
                    });
                }
            };
            rows(Dimension::Service, &t.cells.by_service(), &|i| sc.services[i].id.clone());
            rows(Dimension::Segment, &t.cells.by_segment(), &|i| sc.segments[i].id.clone());
            rows(Dimension::Month, &t.cells.by_month(), &|i| self.model.months[i].1.clone());
            rows(Dimension::WeekdayHour, &t.cells.by_weekday_hour(), &|i| {
                const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
                format!("{} {:02}", DAYS[i / 24], i % 24)
            });
        }
        // SLA compliance by service, from the back office.
        for row in breakdown.iter_mut().filter(|r| r.dimension == Dimension::Service) {
            let site = sc.sites.iter().position(|x| x.id == row.site);
            let service = sc.services.iter().position(|x| x.id == row.key);
            if let (Some(si), Some(vi)) = (site, service)
                && let Some(cell) = sla_by_service.get(si).and_then(|v| v.get(vi))
            {
                row.sla_cases = cell[0];
                row.sla_met = cell[1];
            }
        }
        let mut face = Vec::new();
        if self.model.face.is_some() {
            for (s, t) in tally.sites.iter().enumerate() {
                for (g, cell) in t.face.iter().enumerate() {
                    face.push(navbat_record::FaceRow {
                        replication: self.replication,
                        site: sc.sites[s].id.clone(),
                        age_band: if g / 2 == 1 { "elderly" } else { "adult" }.to_owned(),
                        sex: if g % 2 == 1 { "female" } else { "male" }.to_owned(),
                        attempts: cell[0],
                        failed_to_acquire: cell[1],
                        false_non_matches: cell[2],
                        searches: t.face_search[g][0],
                        adjudications: t.face_search[g][1],
                        extra_min: t.face_extra_ms[g] as f64 / crate::time::MINUTE_MS as f64,
                    });
                }
            }
            face.retain(|r| r.attempts > 0 || r.searches > 0);
        }
        ReplicationRecord {
            replication: self.replication,
            events: self.events(),
            sites,
            breakdown,
            face,
            back_office,
        }
    }
}
