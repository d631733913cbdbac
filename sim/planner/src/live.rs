//! The live twin: one replication of the engine, advanced a little every frame.
//!
//! The window owns a [`LiveTwin`] and calls [`LiveTwin::frame`] once per frame with the
//! simulated milliseconds the [`SimClock`](crate::SimClock) grants. The twin cuts that span at
//! the history's sampling instants and calls the engine's `step_until` for each piece — the
//! same `World` and `Advance` schedule a headless run uses, so a window run and a headless
//! run of the same scenario and seed measure the same KPIs.

use std::sync::Arc;

use navbat_engine::{DAY_MS, Model, SimTime, Simulation};
use navbat_record::ReplicationRecord;
use navbat_scenario::Scenario;

use crate::situation::{History, SiteReading};

/// Most simulated time a jump covers in one frame: a jump to a far date takes several frames,
/// so no frame waits long on the simulation.
pub const JUMP_PER_FRAME_MS: i64 = 7 * DAY_MS;

/// What one frame's stepping did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepReport {
    /// Simulated instant before the frame.
    pub from: SimTime,
    /// Simulated instant after the frame.
    pub to: SimTime,
    /// Events the engine handled.
    pub events: u64,
}

/// One replication of the layout, stepped frame by frame, with its readings and histories.
#[derive(Debug)]
pub struct LiveTwin {
    sim: Simulation,
    seed: u64,
    history: History,
    readings: Vec<SiteReading>,
    jump_to: Option<SimTime>,
}

impl LiveTwin {
    /// Replication 0 of `scenario` with master `seed`, at the start of its horizon.
    pub fn new(scenario: &Scenario, seed: u64) -> Self {
        Self::of_model(Model::new(scenario.clone()), seed)
    }

    /// Replication 0 of a prepared model.
    pub fn of_model(model: Arc<Model>, seed: u64) -> Self {
        let start = model.start;
        let sim = Simulation::new(model, seed, 0);
        let sites = sim.floors().len();
        let mut twin = Self {
            sim,
            seed,
            history: History::new(sites, start),
            readings: Vec::new(),
            jump_to: None,
        };
        twin.read();
        twin
    }

    /// The simulated now.
    pub fn now(&self) -> SimTime {
        self.sim.now()
    }

    /// Start of the horizon.
    pub fn start(&self) -> SimTime {
        self.sim.model().start
    }

    /// Last instant the twin can reach (just before the end of the horizon).
    pub fn last_instant(&self) -> SimTime {
        SimTime(self.sim.end().0 - 1)
    }

    /// Whether the twin has reached the end of its horizon.
    pub fn at_end(&self) -> bool {
        self.now() >= self.last_instant()
    }

    /// The master seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The engine's replication, read-only (for drawing and tests).
    pub fn simulation(&self) -> &Simulation {
        &self.sim
    }

    /// Each site's floor as of now, in scenario order.
    pub fn readings(&self) -> &[SiteReading] {
        &self.readings
    }

    /// Histories for sparklines.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// Where a jump in progress is heading.
    pub fn jump_target(&self) -> Option<SimTime> {
        self.jump_to
    }

    /// Starts a jump to `when` (clamped to the horizon), carried out over the next frames;
    /// a jump back in time starts the replication again from the beginning.
    pub fn jump_to(&mut self, when: SimTime) {
        let when = SimTime(when.0.clamp(self.start().0, self.last_instant().0));
        if when < self.now() {
            *self = Self::of_model(self.sim.model().clone(), self.seed);
        }
        self.jump_to = (when > self.now()).then_some(when);
    }

    /// Advances by `clock_ms` simulated milliseconds, or — while a jump is in progress — by
    /// up to [`JUMP_PER_FRAME_MS`] towards its target.
    pub fn frame(&mut self, clock_ms: i64) -> StepReport {
        let now = self.now();
        let target = match self.jump_to {
            Some(goal) => {
                let t = SimTime(goal.0.min(now.0 + JUMP_PER_FRAME_MS));
                if t >= goal {
                    self.jump_to = None;
                }
                t
            }
            None => SimTime(now.0 + clock_ms.max(0)),
        };
        self.advance_to(target)
    }

    /// Advances to `target` (clamped to the horizon), sampling histories on the way.
    pub fn advance_to(&mut self, target: SimTime) -> StepReport {
        let from = self.now();
        let events = self.sim.events();
        let target = SimTime(target.0.min(self.last_instant().0));
        while self.now() < target {
            let next = self.history.next_sample();
            if next <= target {
                if next > self.now() {
                    self.sim.step_until(next);
                }
                self.read();
                self.history.record(&self.readings);
            } else {
                self.sim.step_until(target);
            }
        }
        self.read();
        StepReport { from, to: self.now(), events: self.sim.events() - events }
    }

    fn read(&mut self) {
        let now = self.now();
        self.readings.clear();
        self.readings
            .extend(self.sim.floors().into_iter().map(|f| SiteReading::from_floor(f, now)));
    }

    /// Runs to the end of the horizon and returns what the replication measured.
    pub fn finish(self) -> ReplicationRecord {
        self.sim.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use navbat_engine::{HOUR_MS, QueueSpec, queue_scenario};

    fn small() -> Scenario {
        let spec = QueueSpec {
            arrivals_per_hour: 20.0,
            service_minutes: 5.0,
            servers: 2,
            service_cv: 1.0,
        };
        queue_scenario(&spec).expect("a valid queue scenario")
    }

    #[test]
    fn frames_move_the_clock_and_sample_every_quarter_hour() {
        let mut twin = LiveTwin::new(&small(), 1);
        let start = twin.now();
        let r = twin.frame(HOUR_MS);
        assert_eq!(r.from, start);
        assert_eq!(r.to, SimTime(start.0 + HOUR_MS));
        // Samples at 0, 15, 30, 45 and 60 minutes.
        assert_eq!(twin.history().sites[0].waiting.len(), 5);
        assert_eq!(twin.readings().len(), 1);
    }

    #[test]
    fn a_jump_goes_a_week_a_frame_and_back_restarts() {
        let mut twin = LiveTwin::new(&small(), 1);
        let start = twin.now();
        twin.jump_to(SimTime(start.0 + 10 * DAY_MS));
        twin.frame(0);
        assert_eq!(twin.now(), SimTime(start.0 + JUMP_PER_FRAME_MS));
        twin.frame(0);
        assert_eq!(twin.now(), SimTime(start.0 + 10 * DAY_MS));
        assert_eq!(twin.jump_target(), None);
        twin.jump_to(SimTime(start.0 + DAY_MS));
        assert_eq!(twin.now(), start);
        twin.frame(0);
        assert_eq!(twin.now(), SimTime(start.0 + DAY_MS));
    }
}
