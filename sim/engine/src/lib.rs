//! navbat's discrete-event simulator of migration stations, on Bevy ECS.
//!
//! # Brief overview
//!
//! A [`Simulation`] is one replication of a [`Scenario`](navbat_scenario::Scenario): a Bevy
//! `World` in which each site is an entity carrying its floor ([`SiteState`]: lines, officer
//! counters, kiosks and the people inside), an event calendar keyed by (time, sequence) is a
//! resource, and one system — run by a
//! dedicated [`Advance`] schedule on a single-threaded executor — handles every event due up
//! to a target instant. Three steps:
//!
//! 1. prepare the scenario once: [`Model::new`] works out each site's calendar and arrival
//!    rates (a non-homogeneous Poisson process, piecewise constant by hour);
//! 2. assemble a replication: [`Simulation::new`] with a master seed and a replication number;
//!    every random stream is keyed by (seed, replication, purpose, site);
//! 3. run it: [`Simulation::step_until`] (the planner window, once per frame) or
//!    [`Simulation::finish`] (headless), which returns a [`ReplicationRecord`](navbat_record::ReplicationRecord).
//!
//! The same seed gives the same record, bit for bit, whatever else runs in parallel:
//! [`run_replications`] spreads replications over a rayon pool and gathers them in order.
//!
//! ```
//! use navbat_engine::{Model, Simulation, queue_scenario, QueueSpec};
//! let spec = QueueSpec { arrivals_per_hour: 10.0, service_minutes: 5.0, servers: 1, service_cv: 1.0 };
//! let model = Model::new(queue_scenario(&spec).unwrap());
//! let record = Simulation::with_arrival_limit(model, 7, 0, 2_000, 200).finish();
//! let site = &record.sites[0];
//! // Everyone who came was served or is still there; nobody was lost.
//! assert_eq!(site.arrivals, site.served + site.abandoned() + site.in_system_end);
//! // Little's law holds exactly: the queue-length integral equals the sum of waits.
//! assert_eq!(site.queue_area_min, site.time_in_line_min);
//! ```

mod calendar;
mod components;
mod erlang;
mod event_loop;
mod experiment;
mod face;
mod floor;
mod model;
mod office;
mod plan;
mod queue;
mod record;
mod rows;
mod sample;
mod selfcheck;
mod sim;
mod streams;
mod tally;
mod time;
mod transient;
mod variant;

pub use crate::components::{
    Applicant, Board, Clock, Event, People, PersonKey, Server, StepTarget, Whereabouts,
};
pub use crate::erlang::{
    ErlangA, cobham_mean_waits, erlang_a, erlang_b, erlang_c_mean_wait, erlang_c_wait_probability,
    erlang_c_wait_quantile, mg1_mean_wait, mmck_blocking,
};
pub use crate::event_loop::{MAX_EVENTS_WAITING, MAX_PEOPLE_AT_ONCE};
pub use crate::experiment::{
    Expansion, RowTap, Unit, run_expansion, run_models, run_models_tapped, run_replications,
    run_units, without_kiosks,
};
pub use crate::floor::{CounterState, Help, KioskState, SiteState};
pub use crate::model::{FaceModel, Model, Replayed};
pub use crate::office::{
    BackOfficeErrors, CaseExporter, CaseStep, CheckOutcome, ConsentAnswer, OfficerStep,
};
pub use crate::plan::SitePlan;
pub use crate::queue::{QueueSpec, queue_scenario};
pub use crate::rows::{
    DutyRow, FloorRow, KioskRow, RowExporter, TicketChannel, TicketNumber, TicketOutcome, TicketRow,
};
pub use crate::selfcheck::{
    SelfcheckDesign, SelfcheckError, replications_needed, run_selfcheck, run_selfcheck_against,
    t_test_power,
};
pub use crate::sim::{Advance, Simulation};
pub use crate::streams::{
    PERSON_NUMBER_BITS, Purpose, StreamRng, person_id, person_stream, site_key, stream,
};
pub use crate::tally::Keys;
pub use crate::time::{DAY_MS, HOUR_MS, MINUTE_MS, SimTime};
pub use crate::transient::{PeriodicQueue, periodic_mmc};
pub use crate::variant::{Assumption, only_sites, scaled, with_kiosk_count};
