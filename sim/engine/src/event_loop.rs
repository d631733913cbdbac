//! The event loop: one system pops every due event and hands it to the floor of its site.
//!
//! Running the whole schedule per event would cost far more than handling the event (see
//! ARCHITECTURE.md), so a schedule pass handles a batch: all events up to [`StepTarget`].
//! Each handler is a method of [`SiteState`] (see the `floor` module) that receives the
//! site's slice of the run — its random streams and tally, the calendar and the prepared
//! model — as an [`Env`]; back-office events go to the office.

use bevy_ecs::prelude::*;

use crate::calendar::Calendar;
use crate::components::{Applicant, ArrivalLimit, Board, Clock, Event, OFFICE, Server, StepTarget};
use crate::face::{FaceContext, FaceWorker};
use crate::floor::{SiteState, Transfers};
use crate::model::{Model, ModelRes};
use crate::office::Office;
use crate::rows::{FloorRow, RowExporter, TicketChannel, TicketOutcome, TicketRow};
use crate::streams::{PURPOSES, Purpose, StreamRng, Streams};
use crate::tally::{SiteTally, Tally};
use crate::time::SimTime;

/// Per-replication state that is not an entity: streams, site entities, request count.
#[derive(Resource, Debug)]
pub(crate) struct RunState {
    /// Random streams.
    pub(crate) streams: Streams,
    /// The run's seed.
    pub(crate) seed: u64,
    /// This replication's number.
    pub(crate) replication: u32,
    /// Site entities by scenario index.
    pub(crate) sites: Vec<Entity>,
    /// Requests so far at every site, portal included (for the arrival limit; people are
    /// numbered by their site's own count).
    pub(crate) requests: u64,
    /// This replication's Face-ID (population and gallery), when Face-ID is on.
    pub(crate) face: Option<std::sync::Arc<FaceContext>>,
    /// The thread that makes Face-ID sessions ahead of the floor, when one is running.
    pub(crate) face_worker: Option<FaceWorker>,
    /// The back office, when the scenario has case workflows. (A mutex only to make the
    /// resource `Sync`: the case store's callbacks are `Send` alone; it is never locked,
    /// only reached through `get_mut`.)
    pub(crate) office: Option<std::sync::Mutex<Office>>,
    /// What the app announces of each site (updated after each of its events).
    pub(crate) board: Vec<Board>,
    /// People travelling between sites on the app's advice.
    pub(crate) transfers: Transfers,
    /// Where the floor's rows go, when someone asked for them.
    pub(crate) rows: Option<RowSink>,
    /// The run-time guard: why the run was stopped, if it was.
    pub(crate) guard: Guard,
}

/// Events handled between two looks of the [`Guard`] (a power of two).
const GUARD_EVERY: u64 = 1 << 20;
/// Most people at all sites at once; more stops the run (about 2 GB of floors).
pub const MAX_PEOPLE_AT_ONCE: u64 = 20_000_000;
/// Most events waiting in the calendar at once; more stops the run (1.6 GB of entries).
pub const MAX_EVENTS_WAITING: usize = 50_000_000;

/// Stops a replication whose population or events explode, with a message that says what
/// and when, instead of running out of memory or never ending.
///
/// Every [`GUARD_EVERY`] events it looks at the clock (if it has not moved since its last
/// look, that many events happened at one instant: events that make events without time
/// passing), the calendar's length, and the people at the sites. A sound scenario never
/// comes near any limit: the pilot's busiest instant holds a few hundred events.
#[derive(Debug)]
pub(crate) struct Guard {
    /// Events between two looks (a power of two).
    pub(crate) every: u64,
    /// Most people at all sites at once.
    pub(crate) max_people: u64,
    /// Most events waiting in the calendar.
    pub(crate) max_waiting: usize,
    /// The clock at the last look (`None` before the first).
    seen: Option<SimTime>,
    /// A look found the people uncounted (the floors were borrowed): count them next.
    count_people: bool,
    /// Why the run stopped.
    pub(crate) fault: Option<String>,
}

impl Default for Guard {
    fn default() -> Self {
        Guard {
            every: GUARD_EVERY,
            max_people: MAX_PEOPLE_AT_ONCE,
            max_waiting: MAX_EVENTS_WAITING,
            seen: None,
            count_people: false,
            fault: None,
        }
    }
}

impl Guard {
    /// Whether a look is due after `handled` events of the replication.
    #[inline(always)]
    fn due(&self, handled: u64) -> bool {
        handled & (self.every - 1) == 0
    }

    /// Looks at the clock and the calendar's length (the people are counted next, by
    /// [`Guard::count`]). Returns whether the run must stop.
    #[cold]
    fn look_now(&mut self, now: SimTime, waiting: usize) -> bool {
        let at = now.to_datetime();
        if self.seen == Some(now) {
            self.fault = Some(format!(
                "the run stopped at {at}: over {} events happened at that one \
                 instant, so something makes events without time passing",
                self.every
            ));
        } else if waiting > self.max_waiting {
            self.fault = Some(format!(
                "the run stopped at {at}: {waiting} events were waiting, over the {} \
                 allowed; the scenario's demand or delays explode",
                self.max_waiting
            ));
        }
        self.seen = Some(now);
        self.count_people = true;
        self.fault.is_some()
    }

    /// Counts the people at the sites if the last look asked for it. Returns whether the
    /// run must stop.
    #[inline(always)]
    fn count(&mut self, people: impl FnOnce() -> u64) -> bool {
        if !self.count_people {
            return false;
        }
        self.count_people = false;
        let people = people();
        if people > self.max_people {
            let at = self.seen.map(SimTime::to_datetime);
            let at = at.map_or_else(String::new, |t| format!(" at {t}"));
            self.fault = Some(format!(
                "the run stopped{at}: {people} people were at the sites at once, over the \
                 {} allowed; demand far exceeds what the counters and kiosks can serve",
                self.max_people
            ));
        }
        self.fault.is_some()
    }
}

/// The exporter of the floor's rows, behind a mutex only to make the resource `Sync` (it is
/// never locked, only reached through `get_mut`, like the office).
pub(crate) struct RowSink(pub(crate) std::sync::Mutex<RowExporter>);

impl RowSink {
    /// The exporter (poisoning cannot happen: nothing locks it).
    pub(crate) fn get(&mut self) -> &mut RowExporter {
        self.0.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl std::fmt::Debug for RowSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RowSink")
    }
}

/// The cached query that reaches a site's floor without a per-call type lookup.
#[derive(Resource)]
pub(crate) struct Floors(pub(crate) QueryState<(Entity, &'static mut SiteState)>);

/// The system: handles every event due up to the step target.
pub(crate) fn handle_due_events(world: &mut World) {
    let until = world.resource::<StepTarget>().until;
    let model = world.resource::<ModelRes>().0.clone();
    let limit = world.get_resource::<ArrivalLimit>().copied();
    let routing = model.scenario.routing.is_some();
    let before = world.resource::<Clock>().events;
    let (handled, last) = with_parts(world, |world, parts| {
        let (mut handled, mut last) = (0u64, None);
        if parts.run.guard.fault.is_some() {
            return (handled, last);
        }
        // Each site's floor is looked up once a pass, not once an event. Floors iterate in
        // the order they were spawned (site order), so the guess is right at once.
        let sites = &parts.run.sites;
        let mut by_site: Vec<Option<Mut<'_, SiteState>>> = sites.iter().map(|_| None).collect();
        for (k, (e, floor)) in parts.floors.0.iter_mut(world).enumerate() {
            let i =
                if sites.get(k) == Some(&e) { Some(k) } else { sites.iter().position(|&x| x == e) };
            if let Some(slot) = i.and_then(|i| by_site.get_mut(i)) {
                *slot = Some(floor);
            }
        }
        let mut floors: Vec<Option<&mut SiteState>> =
            by_site.iter_mut().map(|f| f.as_mut().map(|f| f.bypass_change_detection())).collect();
        // What every event of the pass shares is looked up once.
        let run = &mut *parts.run;
        let fixed = Fixed {
            face: run.face.as_deref(),
            face_worker: run.face_worker.as_ref(),
            limit,
            seed: run.seed,
            replication: run.replication,
        };
        let mut office = run.office.as_mut().map(office_mut);
        let guard = &mut run.guard;
        let mut stop = false;
        while let Some(s) = parts.cal.pop_due(until) {
            if s.site == OFFICE {
                if let Some(office) = office.as_deref_mut() {
                    office.handle(s.event, s.time, &model, parts.cal);
                }
                handled += 1;
                last = Some(s.time);
                if guard.due(before + handled) && guard.look_now(s.time, parts.cal.len()) {
                    break;
                }
                continue;
            }
            if guard.count(|| floors.iter().flatten().map(|f| u64::from(f.people.len())).sum()) {
                break;
            }
            let site = s.site as usize;
            let Some(floor) = floors.get_mut(site).and_then(Option::as_deref_mut) else {
                continue;
            };
            let plain = model.plain.get(site).copied().unwrap_or(false);
            let mut env = Env {
                fixed: &fixed,
                board: &run.board,
                transfers: &mut run.transfers,
                office: office.as_deref_mut(),
                cal: parts.cal,
                rng: run.streams.site_mut(site),
                tally: &mut parts.tally.sites[site],
                requests: &mut run.requests,
                rows: run.rows.as_mut().map(RowSink::get),
                model: &model,
                site,
                now: s.time,
            };
            // The events that follow at the same site are handled with the same `Env`.
            let mut s = s;
            loop {
                if plain {
                    floor.handle::<true>(s.event, &mut env);
                } else {
                    floor.handle::<false>(s.event, &mut env);
                }
                handled += 1;
                last = Some(s.time);
                // People are counted in the outer loop, where the floors are free.
                if guard.due(before + handled) {
                    stop = guard.look_now(s.time, env.cal.len());
                    break;
                }
                // The board is updated after each event (below), with `Env` let go.
                if routing {
                    break;
                }
                match env.cal.pop_due_at(until, s.site) {
                    Some(next) => {
                        s = next;
                        env.now = s.time;
                    }
                    None => break,
                }
            }
            // Only the app's routing reads the board.
            if routing && let Some(b) = run.board.get_mut(site) {
                *b = floor.board();
            }
            if stop {
                break;
            }
        }
        (handled, last)
    });
    let mut clock = world.resource_mut::<Clock>();
    clock.events += handled;
    if let Some(t) = last {
        clock.last_event = t;
    }
    clock.now = clock.now.max(until.min(model.end));
}

/// The resources a pass borrows while it walks the calendar.
pub(crate) struct Parts<'a> {
    pub(crate) cal: &'a mut Calendar,
    pub(crate) run: &'a mut RunState,
    pub(crate) tally: &'a mut Tally,
    pub(crate) floors: &'a mut Floors,
}

/// Takes the calendar, run state, tally and floor query out of the world for `f`.
pub(crate) fn with_parts<R>(
    world: &mut World,
    f: impl FnOnce(&mut World, &mut Parts<'_>) -> R,
) -> R {
    world.resource_scope(|world, mut cal: Mut<Calendar>| {
        world.resource_scope(|world, mut run: Mut<RunState>| {
            world.resource_scope(|world, mut tally: Mut<Tally>| {
                world.resource_scope(|world, mut floors: Mut<Floors>| {
                    let mut parts = Parts {
                        cal: &mut cal,
                        run: &mut run,
                        tally: &mut tally,
                        floors: &mut floors,
                    };
                    f(world, &mut parts)
                })
            })
        })
    })
}

/// What stays the same for every event of a pass.
pub(crate) struct Fixed<'a> {
    pub(crate) face: Option<&'a FaceContext>,
    pub(crate) face_worker: Option<&'a FaceWorker>,
    pub(crate) limit: Option<ArrivalLimit>,
    /// The run's seed and this replication's number (for people's own streams).
    pub(crate) seed: u64,
    /// Replication number.
    pub(crate) replication: u32,
}

/// What a site's handlers may touch besides the floor itself.
pub(crate) struct Env<'a> {
    pub(crate) fixed: &'a Fixed<'a>,
    pub(crate) board: &'a [Board],
    pub(crate) transfers: &'a mut Transfers,
    pub(crate) office: Option<&'a mut Office>,
    pub(crate) cal: &'a mut Calendar,
    pub(crate) rng: &'a mut [StreamRng; PURPOSES],
    pub(crate) tally: &'a mut SiteTally,
    pub(crate) requests: &'a mut u64,
    /// Where rows go, if anywhere (see the `rows` module).
    pub(crate) rows: Option<&'a mut RowExporter>,
    pub(crate) model: &'a Model,
    pub(crate) site: usize,
    pub(crate) now: SimTime,
}

impl Env<'_> {
    pub(crate) fn rng(&mut self, p: Purpose) -> &mut StreamRng {
        &mut self.rng[p.site_slot()]
    }

    /// Hands `row` to the exporter, when there is one.
    pub(crate) fn note(&mut self, row: FloorRow) {
        if let Some(export) = self.rows.as_deref_mut() {
            export(&row);
        }
    }

    /// Hands the ticket row of `a`, leaving now, to the exporter, when there is one (the
    /// row is not even made otherwise).
    #[inline(always)]
    pub(crate) fn note_ticket(
        &mut self,
        a: &Applicant,
        channel: TicketChannel,
        served: Option<(Server, SimTime)>,
        outcome: TicketOutcome,
    ) {
        if let Some(export) = self.rows.as_deref_mut() {
            let row = TicketRow::of(self.site, a, channel, self.now, served, outcome);
            export(&FloorRow::Ticket(row));
        }
    }

    #[inline(always)]
    pub(crate) fn schedule(&mut self, at: SimTime, event: Event) {
        self.cal.schedule(at, self.site as u32, event);
    }
}

/// The office behind its mutex (poisoning cannot happen: nothing locks it).
pub(crate) fn office_mut(m: &mut std::sync::Mutex<Office>) -> &mut Office {
    m.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Primes every site of a freshly built world.
pub(crate) fn prime(world: &mut World) {
    let model = world.resource::<ModelRes>().0.clone();
    let limit = world.get_resource::<ArrivalLimit>().copied();
    with_parts(world, |world, parts| {
        for site in 0..parts.run.sites.len() {
            let Ok((_, mut floor)) = parts.floors.0.get_mut(world, parts.run.sites[site]) else {
                continue;
            };
            let fixed = Fixed {
                face: parts.run.face.as_deref(),
                face_worker: parts.run.face_worker.as_ref(),
                limit,
                seed: parts.run.seed,
                replication: parts.run.replication,
            };
            let mut env = Env {
                fixed: &fixed,
                board: &parts.run.board,
                transfers: &mut parts.run.transfers,
                office: parts.run.office.as_mut().map(office_mut),
                cal: parts.cal,
                rng: parts.run.streams.site_mut(site),
                tally: &mut parts.tally.sites[site],
                requests: &mut parts.run.requests,
                rows: parts.run.rows.as_mut().map(RowSink::get),
                model: &model,
                site,
                now: model.start,
            };
            floor.prime(&mut env);
        }
        if let Some(office) = parts.run.office.as_mut().map(office_mut) {
            office.prime(parts.cal);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_that_has_not_moved_between_two_looks_stops_the_run() {
        let mut g = Guard::default();
        let t = SimTime(3_600_000);
        assert!(!g.look_now(t, 10));
        assert!(!g.look_now(SimTime(3_600_001), 10), "time passed");
        assert!(g.look_now(SimTime(3_600_001), 10), "no time passed");
        let fault = g.fault.unwrap_or_default();
        assert!(fault.contains("events happened at that one instant"), "{fault}");
    }
}
