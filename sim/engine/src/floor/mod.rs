//! A site's floor: its lines, officer counters, kiosks and the people inside, and the
//! handlers of the events that happen there.
//!
//! [`SiteState`] is one component of the site's entity; every handler is one of its
//! methods, grouped by topic:
//! - `arrivals`: newcomers, people the app sends here, pickup visits;
//! - `lines`: joining a line, being served at once, waiting, being picked by a server;
//! - `counters`: the hand-over at a counter, officers' shifts, sending people home;
//! - `kiosks`: kiosk sessions, floor assistants, breakdowns;
//! - `leaving`: the end of a service (and the case it opens), leaving served or not;
//! - `returns`: people who left unserved coming back another day, or lost for good;
//! - `hours`: opening and closing windows, and what starts a replication.
//!
//! The handlers that the hot path runs for every person (`arrive`, `join`, `service_done`,
//! the counter's hand-over) carry `#[inline]` attributes and a `PLAIN` const parameter
//! that were measured, not guessed: see ARCHITECTURE.md before changing them.

mod arrivals;
mod counters;
mod hours;
mod kiosks;
mod leaving;
mod lines;
mod returns;

use std::collections::VecDeque;

use bevy_ecs::prelude::*;
use navbat_scenario::Capabilities;

pub(crate) use self::arrivals::Transfers;
use crate::components::{Applicant, Board, Event, FaceSession, People, PersonKey};
use crate::event_loop::Env;
use crate::model::Model;
use crate::time::SimTime;

/// A site and everything on its floor.
///
/// Outside the engine a floor is only ever seen through a shared reference
/// ([`crate::Simulation::floors`]); the fields it is read by are public. Those that must be
/// kept in step with others (the count of idle counters, the lines' handles, the cursors
/// into the site's plan) are private to the floor's handlers.
#[derive(Component, Debug)]
pub struct SiteState {
    /// Whether a window is open now.
    pub open: bool,
    /// Close time of the current or last window.
    close_at: SimTime,
    /// Next open window to schedule.
    next_window: usize,
    /// Rate piece of the arrival scheduled last.
    piece: usize,
    /// Replayed arrivals scheduled so far (see [`crate::Model::replaying`]).
    replayed: usize,
    /// Arrivals drawn ahead.
    arrivals: crate::plan::Arrivals,
    /// People who left unserved and will come back (see the `returns` module), with
    /// whether they come for a kiosk.
    returning: Transfers,
    /// Requests made here so far, portal included: numbers this site's people (see
    /// [`crate::person_id`]), whatever happens at other sites.
    requests: u64,
    /// Calendar month (index in the model's months) of the latest arrival.
    month: u16,
    /// The clock hour of the latest arrival, `[start, end)` ms, and its weekday-hour key.
    hour: (i64, i64, u16),
    /// Counter line: priority class first. A person who left it (reneged, sent home) may
    /// leave their handle behind; it is dropped when a counter comes to it.
    counter_line: [VecDeque<PersonKey>; 2],
    /// Kiosk line (stale handles as in the counter line).
    kiosk_line: VecDeque<PersonKey>,
    /// Officer counters. Read only: their `on_duty` and `serving` are changed by the floor
    /// alone, which keeps its count of idle counters in step.
    pub counters: Vec<CounterState>,
    /// Kiosks.
    pub kiosks: Vec<KioskState>,
    /// People at the site.
    pub people: People,
    /// People waiting in the counter line (the live handles in it).
    pub counter_waiting: u32,
    /// People waiting in the kiosk line.
    pub kiosk_waiting: u32,
    /// Counters on duty and serving nobody, kept in step with their `on_duty` and `serving`
    /// so that finding none costs no walk over the counters (checked after every event in
    /// debug builds).
    idle_counters: u32,
    /// Every counter here handles every service (no need to ask [`crate::Model::handles`]).
    generalists: bool,
    /// The Face-ID session of the kiosk session that just ended (person, session), handed
    /// to the case the request opens.
    face_session: Option<(PersonKey, FaceSession)>,
    /// Floor assistants free now.
    assistants_free: u32,
    /// Kiosks whose person waits for an assistant, first come first helped (kiosk, session).
    assist_line: VecDeque<(u16, u32)>,
}

impl SiteState {
    /// The floor of site `site` of `model` at the start of the horizon: closed, nobody
    /// inside, every counter off duty and every kiosk up.
    pub(crate) fn new(model: &Model, site: usize) -> Self {
        let spec = &model.scenario.sites[site];
        let mut counters = Vec::new();
        for (g, group) in spec.counters.iter().enumerate() {
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
        for (g, group) in spec.kiosks.iter().enumerate() {
            for _ in 0..group.count {
                kiosks.push(KioskState {
                    group: u16::try_from(g).unwrap_or(u16::MAX),
                    capabilities: group.capabilities,
                    up: true,
                    down: 0,
                    serving: None,
                    session: 0,
                    busy_since: model.start,
                    down_since: model.start,
                    help: Help::None,
                });
            }
        }
        Self {
            open: false,
            close_at: model.start,
            next_window: 0,
            piece: 0,
            replayed: 0,
            arrivals: crate::plan::Arrivals::starting_at(model.start),
            requests: 0,
            returning: Transfers::default(),
            month: 0,
            hour: (0, 0, 0),
            counter_line: [VecDeque::new(), VecDeque::new()],
            kiosk_line: VecDeque::new(),
            counters,
            kiosks,
            people: People::default(),
            counter_waiting: 0,
            kiosk_waiting: 0,
            idle_counters: 0,
            generalists: model.group_handles.get(site).is_some_and(|h| h.iter().all(|&h| h)),
            face_session: None,
            assistants_free: spec.floor_assistants,
            assist_line: VecDeque::new(),
        }
    }

    /// The site as the app announces it now.
    pub fn board(&self) -> Board {
        let officers = self.counters.iter().filter(|c| c.on_duty).count();
        let kiosks = self.kiosks.iter().filter(|k| k.up).count();
        Board {
            waiting: self.counter_waiting + self.kiosk_waiting,
            servers: u32::try_from(officers + kiosks).unwrap_or(u32::MAX),
            open: self.open,
        }
    }

    /// Counters on duty and serving nobody.
    pub fn idle_counters(&self) -> u32 {
        self.idle_counters
    }

    /// In debug builds, checks the count of idle counters against a recount.
    fn debug_check_idle_counters(&self) {
        debug_assert_eq!(
            self.idle_counters as usize,
            self.counters.iter().filter(|c| c.on_duty && c.serving.is_none()).count(),
            "idle counters out of step"
        );
    }
}

/// An officer counter's live state.
#[derive(Debug, Clone)]
pub struct CounterState {
    /// Group index in the site.
    pub group: u16,
    /// On shift (or in closing overtime): takes new people.
    pub on_duty: bool,
    /// Serving past the end of the shift until the line is empty.
    pub overtime: bool,
    /// Person being served.
    pub serving: Option<PersonKey>,
    /// Session counter.
    pub session: u32,
    /// Start of the current service.
    pub busy_since: SimTime,
    /// Start of the current presence, if present.
    pub duty_since: Option<SimTime>,
    /// Next shift window to schedule.
    pub next_shift: usize,
    /// End of the current shift window.
    pub shift_end: SimTime,
}

/// A kiosk's live state.
#[derive(Debug, Clone)]
pub struct KioskState {
    /// Group index in the site.
    pub group: u16,
    /// What it can do.
    pub capabilities: Capabilities,
    /// Working (no part broken).
    pub up: bool,
    /// The parts broken now, a bit each: bit 0 the whole device, bit `1 + i` its group's
    /// `i`-th component.
    pub down: u8,
    /// Person in a session.
    pub serving: Option<PersonKey>,
    /// Session counter.
    pub session: u32,
    /// Start of the current session.
    pub busy_since: SimTime,
    /// Start of the current breakdown.
    pub down_since: SimTime,
    /// Whether the person in the current session needs, awaits or had a floor assistant.
    pub help: Help,
}

/// A kiosk session's need of a floor assistant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Help {
    /// The person manages alone.
    #[default]
    None,
    /// Waiting at the kiosk since `since` for the help the person needs
    /// ([`Applicant::assist_ms`]).
    Waiting {
        /// When the person started waiting.
        since: SimTime,
    },
    /// An assistant helped.
    Given,
    /// Help was needed and nobody on this floor gives it: the session cannot finish.
    Missing,
}

impl SiteState {
    /// Handles `event`. `PLAIN`: this floor is plain (see [`Model::plain`]), so what only
    /// kiosks, Face-ID, the back office, the app or impatient people need is left out when
    /// the handlers are compiled; the outcome is the same either way.
    pub(crate) fn handle<const PLAIN: bool>(&mut self, event: Event, env: &mut Env<'_>) {
        if !self.open
            && matches!(
                event,
                Event::Arrival | Event::Return(_) | Event::Pickup(_) | Event::Transfer(_)
            )
            && self.opens_now(env)
        {
            // Whoever comes at the very instant the site opens walks in once it has opened
            // and its officers have started: those events, already on the calendar for this
            // instant, go first, whatever order they were scheduled in. Before, a return
            // booked for the next opening could be seen before the opening and sent home at
            // the door.
            env.schedule(env.now, event);
            return;
        }
        match event {
            Event::Arrival => self.arrive::<PLAIN>(env),
            Event::Open => self.open_window(env),
            Event::Close => self.close_window(env),
            Event::ShiftStart(c) => self.shift_start(usize::from(c), env),
            Event::ShiftEnd(c) => self.shift_end(usize::from(c), env),
            Event::ServiceDone(server, session) => {
                self.service_done::<PLAIN>(server, session, env);
            }
            Event::Renege(p, stay) => self.renege(p, stay, env),
            Event::KioskFail(k, part) => self.kiosk_fail(usize::from(k), part, env),
            Event::KioskRepaired(k, part) => self.kiosk_repaired(usize::from(k), part, env),
            Event::Pickup(case) => self.pickup_arrive(case, env),
            Event::Transfer(index) => self.transfer_arrive(index, env),
            Event::Return(index) => self.return_visit(index, env),
            Event::AssistDone => {
                self.assistants_free += 1;
                self.next_assist(env);
            }
            // Back-office events never reach a floor.
            Event::Case(..) | Event::Officer(..) => {}
        }
        self.debug_check_idle_counters();
    }
}

impl SiteState {
    /// Whether the site's next window opens at this very instant.
    fn opens_now(&self, env: &Env<'_>) -> bool {
        env.model.plans[env.site].open.get(self.next_window).is_some_and(|w| w.0 == env.now.0)
    }
}

/// Which line a person joins.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Line {
    Counter,
    Kiosk,
}

impl Line {
    /// The ticket log's channel of someone who leaves from this line.
    fn channel(self) -> crate::rows::TicketChannel {
        match self {
            Line::Counter => crate::rows::TicketChannel::Counter,
            Line::Kiosk => crate::rows::TicketChannel::Kiosk,
        }
    }
}

/// What a kiosk must be able to do for person `a`: hand out a document on a pickup visit,
/// otherwise what their service needs.
fn kiosk_need(a: &Applicant, model: &Model) -> Option<navbat_scenario::Capabilities> {
    if a.pickup.is_some() {
        return Some(navbat_scenario::Capabilities::of(
            navbat_scenario::Capability::DocumentPickup,
        ));
    }
    model.scenario.services[usize::from(a.service)].kiosk_needs
}

/// The bit of [`Applicant::face_jobs`] that stands for a session on `device`.
fn face_job_bit(device: navbat_matching::Device) -> u8 {
    match device {
        navbat_matching::Device::KioskCamera => 1,
        _ => 2,
    }
}

/// Whether a kiosk session of `service` checks the person's face.
fn needs_face(service: u16, model: &Model) -> bool {
    model.scenario.services[usize::from(service)].kiosk_needs.is_some_and(|n| {
        n.covers(navbat_scenario::Capabilities::of(navbat_scenario::Capability::BiometricCapture))
    })
}

/// Removes element `i` of a line; the head, by far the most common case, is a cheap pop.
fn take_at(line: &mut std::collections::VecDeque<PersonKey>, i: usize) {
    if i == 0 {
        line.pop_front();
    } else {
        line.remove(i);
    }
}
