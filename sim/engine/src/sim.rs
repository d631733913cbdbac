//! Assembling a replication's world and running it: build, step, finish.

use std::collections::VecDeque;
use std::sync::Arc;

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{ScheduleBuildSettings, ScheduleLabel, SingleThreadedExecutor};
use navbat_record::ReplicationRecord;

use crate::components::{
    Applicant, ArrivalLimit, Calendar, Clock, CounterState, KioskState, SiteState, StepTarget,
    Whereabouts,
};
use crate::model::{Model, ModelRes};
use crate::streams::Streams;
use crate::tally::{SiteTally, SiteTotals, Tally};
use crate::time::SimTime;
use crate::twin::{RunState, handle_due_events, prime};

/// The schedule that advances the twin; one pass handles every event up to [`StepTarget`].
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
pub struct Advance;

/// One replication of a scenario: a Bevy `World` with sites, counters, kiosks and
/// applicants as entities, and the [`Advance`] schedule that moves its clock.
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
        Self::build(model, seed, replication, None)
    }

    /// Like [`Simulation::new`], but nobody arrives after `max_arrivals` people have come,
    /// and the first `warm_up` of them are left out of statistics.
    pub fn with_arrival_limit(
        model: Arc<Model>,
        seed: u64,
        replication: u32,
        max_arrivals: u64,
        warm_up: u64,
    ) -> Self {
        let limit = ArrivalLimit { max: max_arrivals, uncounted_first: warm_up };
        Self::build(model, seed, replication, Some(limit))
    }

    fn build(model: Arc<Model>, seed: u64, replication: u32, limit: Option<ArrivalLimit>) -> Self {
        let mut world = World::new();
        let sc = &model.scenario;
        let mut sites = Vec::with_capacity(sc.sites.len());
        for (i, site) in sc.sites.iter().enumerate() {
            let index = u32::try_from(i).unwrap_or(u32::MAX);
            let site_e = world.spawn_empty().id();
            let mut counters = Vec::new();
            for (g, group) in site.counters.iter().enumerate() {
                for _ in 0..group.count {
                    counters.push(
                        world
                            .spawn(CounterState {
                                site: index,
                                group: u16::try_from(g).unwrap_or(u16::MAX),
                                on_duty: false,
                                overtime: false,
                                serving: None,
                                session: 0,
                                busy_since: model.start,
                                duty_since: SimTime(i64::MIN),
                                next_shift: 0,
                                shift_end: model.start,
                            })
                            .id(),
                    );
                }
            }
            let mut kiosks = Vec::new();
            for (g, group) in site.kiosks.iter().enumerate() {
                for _ in 0..group.count {
                    kiosks.push(
                        world
                            .spawn(KioskState {
                                site: index,
                                group: u16::try_from(g).unwrap_or(u16::MAX),
                                capabilities: group.capabilities,
                                up: true,
                                serving: None,
                                session: 0,
                                busy_since: model.start,
                                down_since: model.start,
                            })
                            .id(),
                    );
                }
            }
            world.entity_mut(site_e).insert(SiteState {
                index,
                open: false,
                close_at: model.start,
                next_window: 0,
                piece: 0,
                counter_line: [VecDeque::new(), VecDeque::new()],
                kiosk_line: VecDeque::new(),
                kiosk_capabilities: site.kiosks.iter().map(|k| k.capabilities).collect(),
                counters,
                kiosks,
                counter_waiting: 0,
                kiosk_waiting: 0,
            });
            sites.push(site_e);
        }
        let n = sites.len();
        world.insert_resource(ModelRes(model.clone()));
        world.insert_resource(Calendar::default());
        world.insert_resource(Clock { now: model.start, events: 0, last_event: model.start });
        world.insert_resource(StepTarget { until: model.start });
        world.insert_resource(RunState {
            streams: Streams::new(seed, replication, n),
            sites,
            arrivals: 0,
        });
        world.insert_resource(Tally {
            sites: (0..n)
                .map(|_| SiteTally { last_change: model.start, ..SiteTally::default() })
                .collect(),
        });
        if let Some(limit) = limit {
            world.insert_resource(limit);
        }
        prime(&mut world);

        let mut schedule = Schedule::new(Advance);
        schedule.set_executor(SingleThreadedExecutor::new());
        schedule.set_build_settings(ScheduleBuildSettings {
            ambiguity_detection: bevy_ecs::schedule::LogLevel::Error,
            ..Default::default()
        });
        schedule.add_systems(handle_due_events);
        Self { world, schedule, model, replication }
    }

    /// The simulated now.
    pub fn now(&self) -> SimTime {
        self.world.resource::<Clock>().now
    }

    /// End of the horizon.
    pub fn end(&self) -> SimTime {
        self.model.end
    }

    /// Events handled so far.
    pub fn events(&self) -> u64 {
        self.world.resource::<Clock>().events
    }

    /// Handles every event up to `until` (capped at the end of the horizon) in one pass of
    /// the [`Advance`] schedule.
    pub fn step_until(&mut self, until: SimTime) {
        let until = SimTime(until.0.min(self.model.end.0 - 1));
        self.world.resource_mut::<StepTarget>().until = until;
        self.schedule.run(&mut self.world);
    }

    /// Runs to the end of the horizon.
    pub fn run_to_end(&mut self) {
        self.step_until(self.model.end);
    }

    /// Whether no event is left before the end of the horizon.
    pub fn is_done(&self) -> bool {
        self.world.resource::<Calendar>().next_time().is_none_or(|t| t >= self.model.end)
    }

    /// Read access to the world (for the planner's drawing and for tests).
    pub fn world(&self) -> &World {
        &self.world
    }

    /// Closes the books at the end of the horizon and returns what was measured.
    pub fn finish(mut self) -> ReplicationRecord {
        self.run_to_end();
        // A run with an arrival limit ends when its last person leaves; others at the horizon.
        let end = if self.world.contains_resource::<ArrivalLimit>() {
            self.world.resource::<Clock>().last_event
        } else {
            self.model.end
        };
        let mut tally = self.world.remove_resource::<Tally>().unwrap_or_default();
        // People still in a line: their time so far counts on both sides of Little's law.
        let mut in_system = vec![0u64; tally.sites.len()];
        let mut q = self.world.query::<&Applicant>();
        for a in q.iter(&self.world) {
            let s = a.site as usize;
            if a.at != Whereabouts::InService {
                tally.sites[s].time_in_line_ms += i128::from(end.0 - a.queued_at.0);
            }
            if a.counted {
                in_system[s] += 1;
            }
        }
        let mut q = self.world.query::<&CounterState>();
        for c in q.iter(&self.world) {
            let t = &mut tally.sites[c.site as usize];
            if c.serving.is_some() {
                t.busy_ms += end.0 - c.busy_since.0;
            }
            if c.duty_since.0 != i64::MIN {
                t.duty_ms += end.0 - c.duty_since.0;
            }
        }
        let mut q = self.world.query::<&KioskState>();
        for k in q.iter(&self.world) {
            let t = &mut tally.sites[k.site as usize];
            if k.serving.is_some() {
                t.kiosk_busy_ms += end.0 - k.busy_since.0;
            }
            if !k.up {
                t.kiosk_down_ms += end.0 - k.down_since.0;
            }
        }
        let sc = &self.model.scenario;
        let horizon_ms = end.0 - self.model.start.0;
        let clip = |(a, b): &(i64, i64)| (b.min(&end.0) - a).max(0);
        let sites = tally
            .sites
            .iter_mut()
            .enumerate()
            .map(|(s, t)| {
                t.touch(end);
                let plan = &self.model.plans[s];
                let totals = SiteTotals {
                    kiosks: sc.sites[s].kiosks.iter().map(|k| k.count).sum(),
                    open_ms: plan.open.iter().map(clip).sum(),
                    horizon_ms,
                    in_system_end: in_system[s],
                };
                t.record(self.replication, &sc.sites[s].id, totals)
            })
            .collect();
        ReplicationRecord { replication: self.replication, events: self.events(), sites }
    }
}
