//! The event loop: one system pops every due event and hands it to the floor of its site.
//!
//! Running the whole schedule per event would cost far more than handling the event (see
//! ARCHITECTURE.md), so a schedule pass handles a batch: all events up to [`StepTarget`].
//! Each handler is a method of [`SiteState`] that receives the site's slice of the run —
//! its random streams and tally, the calendar and the prepared model — as a [`Env`].

use bevy_ecs::prelude::*;
use navbat_scenario::{AtClosing, Discipline};
use rand::RngExt;
use rand_distr::{Distribution, Exp1};

use crate::calendar::Calendar;
use crate::components::{
    Applicant, ArrivalLimit, Clock, Event, FaceSession, Help, OFFICE, PersonKey, Server, SiteState,
    StepTarget, Whereabouts,
};
use crate::face::{FaceContext, FaceJob, FaceWorker, Taken};
use crate::model::{Channel, Model, ModelRes, Offered, SegmentDraws, ServiceDraws};
use crate::office::{Office, Request};
use crate::streams::{PURPOSES, Purpose, StreamRng, Streams};
use crate::tally::{SiteTally, Tally};
use crate::time::{HOUR_MS, SimTime, minutes_to_ms};

/// Per-replication state that is not an entity: streams, site entities, request count.
#[derive(Resource, Debug)]
pub(crate) struct RunState {
    /// Random streams.
    pub(crate) streams: Streams,
    /// Site entities by scenario index.
    pub(crate) sites: Vec<Entity>,
    /// Requests so far, portal included (everyone: for the arrival limit and ids).
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
    pub(crate) board: Vec<crate::components::Board>,
    /// People travelling between sites on the app's advice.
    pub(crate) transfers: Transfers,
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
    let (handled, last) = with_parts(world, |world, parts| {
        let (mut handled, mut last) = (0u64, None);
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
        let fixed =
            Fixed { face: run.face.as_deref(), face_worker: run.face_worker.as_ref(), limit };
        let mut office = run.office.as_mut().map(office_mut);
        while let Some(s) = parts.cal.pop_due(until) {
            if s.site == OFFICE {
                if let Some(office) = office.as_deref_mut() {
                    office.handle(s.event, s.time, &model, parts.cal);
                }
                handled += 1;
                last = Some(s.time);
                continue;
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
}

/// What a site's handlers may touch besides the floor itself.
pub(crate) struct Env<'a> {
    pub(crate) fixed: &'a Fixed<'a>,
    pub(crate) board: &'a [crate::components::Board],
    pub(crate) transfers: &'a mut Transfers,
    pub(crate) office: Option<&'a mut Office>,
    pub(crate) cal: &'a mut Calendar,
    pub(crate) rng: &'a mut [StreamRng; PURPOSES],
    pub(crate) tally: &'a mut SiteTally,
    pub(crate) requests: &'a mut u64,
    pub(crate) model: &'a Model,
    pub(crate) site: usize,
    pub(crate) now: SimTime,
}

impl Env<'_> {
    fn rng(&mut self, p: Purpose) -> &mut StreamRng {
        &mut self.rng[p.site_slot()]
    }

    #[inline(always)]
    fn schedule(&mut self, at: SimTime, event: Event) {
        self.cal.schedule(at, self.site as u32, event);
    }
}

/// Which line a person joins.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Line {
    Counter,
    Kiosk,
}

impl SiteState {
    /// Handles `event`. `PLAIN`: this floor is plain (see [`Model::plain`]), so what only
    /// kiosks, Face-ID, the back office, the app or impatient people need is left out when
    /// the handlers are compiled; the outcome is the same either way.
    fn handle<const PLAIN: bool>(&mut self, event: Event, env: &mut Env<'_>) {
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
            Event::KioskFail(k) => self.kiosk_fail(usize::from(k), env),
            Event::KioskRepaired(k) => self.kiosk_repaired(usize::from(k), env),
            Event::Pickup(case) => self.pickup_arrive(case, env),
            Event::Transfer(index) => self.transfer_arrive(index, env),
            Event::AssistDone => {
                self.assistants_free += 1;
                self.next_assist(env);
            }
            // Back-office events never reach a floor.
            Event::Case(..) | Event::Officer(..) => {}
        }
        debug_assert_eq!(
            self.idle_counters as usize,
            self.counters.iter().filter(|c| c.on_duty && c.serving.is_none()).count(),
            "idle counters out of step"
        );
    }

    // ----- arrivals -----

    /// Schedules the next arrival: the next of those drawn ahead (see
    /// [`crate::plan::Arrivals`]), drawing a batch when none is left.
    pub(crate) fn schedule_next_arrival(&mut self, env: &mut Env<'_>) {
        if env.fixed.limit.is_some_and(|l| *env.requests >= l.max) {
            return;
        }
        if self.arrivals.is_empty() {
            let plan = &env.model.plans[env.site];
            self.arrivals.draw(plan, &mut env.rng[Purpose::Arrivals.site_slot()]);
        }
        if let Some((t, piece)) = self.arrivals.take_next() {
            self.piece = piece;
            env.schedule(SimTime(t), Event::Arrival);
        }
    }

    fn arrive<const PLAIN: bool>(&mut self, env: &mut Env<'_>) {
        let piece = self.piece;
        *env.requests += 1;
        self.schedule_next_arrival(env);
        let model = env.model;
        let sc = &model.scenario;
        let s = env.site;
        // Draws are made only where there is a choice, so a simple model pays for none.
        let now = env.now;
        let rng = env.rng(Purpose::Choice);
        let plan = &model.plans[s];
        let service = if plan.services.len() == 1 {
            plan.services[0]
        } else {
            plan.service_at(piece, rng.random::<f64>())
        };
        let sv = &model.service_draws[usize::from(service)];
        let segment = match sv.only_segment {
            Some(only) => only,
            None => draw_segment(&sc.services[usize::from(service)].segments, rng),
        };
        let sg = &model.segment_draws[usize::from(segment)];
        let (by_counter, by_kiosk) = model.servable[s][usize::from(service)];
        // Most requests choose the same way every time, without a draw (see
        // `Model::fixed_channel`); the others weigh what the site offers.
        let nseg = model.segment_draws.len();
        let fixed = model.fixed_channel[s].get(usize::from(service) * nseg + usize::from(segment));
        let channel = match fixed {
            Some(&Some(channel)) => channel,
            _ => {
                // Only a segment whose kiosk use grows over the horizon has shares that change.
                let ch = match sg.channel {
                    Some(ch) => ch,
                    None => {
                        let span = (model.end.0 - model.start.0).max(1) as f64;
                        sc.segments[usize::from(segment)]
                            .channel_at((now.0 - model.start.0) as f64 / span)
                    }
                };
                let offered = Offered { counter: by_counter, kiosk: by_kiosk, portal: sv.portal };
                // Whether to draw depends on the segment alone (see
                // `SegmentDraws::channel_draw`).
                let u: f64 = if sg.channel_draw { rng.random::<f64>() } else { 0.0 };
                offered.choose(ch, u)
            }
        };
        let counted = env.now >= model.warm_up_end
            && env.fixed.limit.is_none_or(|l| *env.requests > l.uncounted_first);
        if channel == Channel::Portal {
            if counted {
                env.tally.portal += 1;
            }
            return;
        }
        let (month, weekday_hour) = self.clock_keys(env.now, model);
        let keys = crate::tally::Keys { service, segment, month, weekday_hour };
        // With the app's routing on, whether this person follows its advice is drawn for
        // everyone (so variants with routing stay in step).
        let follows_app = !PLAIN
            && sc.routing.is_some_and(|r| env.rng(Purpose::Choice).random::<f64>() < r.app_share);
        // Everything random about this person is drawn now, in arrival order, each from its
        // own stream: the same person needs the same officer time, kiosk time and patience
        // in every variant of the scenario (common random numbers, synchronised by person).
        let counter_ms = minutes_to_ms(sv.counter_time.sample(env.rng(Purpose::CounterService)));
        // Most people need nothing but officer time: the rest is drawn apart, for those
        // whose service or segment has more to draw.
        let more = if !PLAIN && (sv.draws_more || sg.draws_more) {
            draw_more(sv, sg, env.rng)
        } else {
            More::NOTHING
        };
        let applicant = Applicant {
            id: ((s as u64) << 40) | *env.requests,
            service,
            segment,
            priority: sg.priority,
            counted,
            arrived: env.now,
            at: Whereabouts::InService,
            queued_at: env.now,
            stay: 0,
            waited_ms: 0,
            counter_ms,
            kiosk_ms: more.kiosk_ms,
            patience_ms: more.patience_ms,
            kiosk_ok: more.kiosk_ok,
            balk_draw: more.balk_draw,
            assist_ms: more.assist_ms,
            keys,
            pickup: None,
            face_fallback: None,
            face_jobs: 0,
        };
        let wants_kiosk = channel == Channel::Kiosk;
        if follows_app && let Some((to, travel_ms)) = advise(service, env) {
            if counted {
                env.tally.routed_away += 1;
            }
            let index = env.transfers.put(applicant, wants_kiosk);
            env.cal.schedule(
                SimTime(env.now.0 + travel_ms.max(1)),
                to as u32,
                Event::Transfer(index),
            );
            return;
        }
        self.admit::<PLAIN>(applicant, wants_kiosk, env);
    }

    /// Takes in a person who has just arrived (here first, or sent by the app): counts them,
    /// then puts them in the line of their channel.
    #[inline(always)]
    fn admit<const PLAIN: bool>(
        &mut self,
        applicant: Applicant,
        wants_kiosk: bool,
        env: &mut Env<'_>,
    ) {
        let (counted, keys, service) = (applicant.counted, applicant.keys, applicant.service);
        if counted {
            env.tally.arrivals += 1;
            env.tally.cells.bump(keys, |c| c.arrivals += 1);
        }
        let need = env.model.service_draws[usize::from(service)].kiosk_needs;
        let by_counter = env.model.servable[env.site][usize::from(service)].0;
        let key = self.people.insert(applicant);
        let line = if !PLAIN && wants_kiosk && self.kiosk_up_for(need) {
            Line::Kiosk
        } else if by_counter {
            Line::Counter
        } else {
            Line::Kiosk
        };
        self.join::<PLAIN>(key, line, true, env);
    }

    /// A person the app sent here arrives; their breakdown keys are those of now and here.
    #[inline(never)]
    fn transfer_arrive(&mut self, index: u32, env: &mut Env<'_>) {
        let Some((mut a, wants_kiosk)) = env.transfers.take(index) else { return };
        a.arrived = env.now;
        a.queued_at = env.now;
        (a.keys.month, a.keys.weekday_hour) = self.clock_keys(env.now, env.model);
        self.admit::<false>(a, wants_kiosk, env);
    }

    /// The month (index in the model's months) and weekday-hour keys of `now`, worked out
    /// again only when `now` leaves the clock hour of the last arrival: months start on the
    /// hour, so neither key changes within one. Arrivals come in time order, so the month
    /// is a cursor that only moves forward.
    fn clock_keys(&mut self, now: SimTime, model: &Model) -> (u16, u16) {
        let (start, end, key) = self.hour;
        if start <= now.0 && now.0 < end {
            return (self.month, key);
        }
        let start = now.0 - now.0.rem_euclid(HOUR_MS);
        let key = weekday_hour(now);
        self.hour = (start, start + HOUR_MS, key);
        while model.months.get(usize::from(self.month) + 1).is_some_and(|(start, _)| *start <= now)
        {
            self.month += 1;
        }
        (self.month, key)
    }

    /// Asks the Face-ID worker, when there is one, for the session `p` will need at the end
    /// of `line`: the kiosk camera's where the service checks the face at a kiosk, otherwise
    /// an officer station's for the case. A guess: a person who leaves or changes lines
    /// first never takes it.
    fn foresee_face(&mut self, p: PersonKey, line: Line, env: &Env<'_>) {
        let Some(worker) = env.fixed.face_worker else { return };
        let Some(a) = self.people.get_mut(p) else { return };
        if a.pickup.is_some() {
            return;
        }
        let office = env.office.as_deref();
        let device = match line {
            Line::Kiosk if needs_face(a.service, env.model) => navbat_matching::Device::KioskCamera,
            _ if office.is_some() => navbat_matching::Device::OfficerStation,
            _ => return,
        };
        let search = office.is_some_and(|o| o.searches(a.service));
        a.face_jobs |= face_job_bit(device);
        worker.request(FaceJob { person: a.id, segment: a.segment, device, search });
    }

    /// Whether some working kiosk here covers `need`.
    fn kiosk_up_for(&self, need: Option<navbat_scenario::Capabilities>) -> bool {
        need.is_some_and(|n| self.kiosks.iter().any(|k| k.up && k.capabilities.covers(n)))
    }

    /// Puts person `p` in `line` (balking first if `may_balk`), then lets servers pick.
    fn join<const PLAIN: bool>(
        &mut self,
        p: PersonKey,
        line: Line,
        may_balk: bool,
        env: &mut Env<'_>,
    ) {
        let Some(a) = self.people.get(p) else { return };
        let (counted, patience, balk_draw, keys) = (a.counted, a.patience_ms, a.balk_draw, a.keys);
        let balking = env.model.segment_draws[usize::from(a.segment)].balking;
        if !PLAIN
            && may_balk
            && let Some(b) = balking
        {
            let waiting = match line {
                Line::Counter => self.counter_waiting,
                Line::Kiosk => self.kiosk_waiting,
            };
            if waiting >= b.queue_len && balk_draw < b.probability {
                if counted {
                    env.tally.balked += 1;
                    env.tally.cells.bump(keys, |c| c.abandoned += 1);
                }
                self.depart(p, env);
                return;
            }
        }
        if !PLAIN {
            self.foresee_face(p, line, env);
        }
        // Nobody ahead and a server free: served at once, without a stay in line.
        let server = self.people.get(p).and_then(|a| self.free_server_for(a, line, env));
        if let Some(server) = server {
            let Some(a) = self.people.get_mut(p) else { return };
            a.queued_at = env.now;
            let officer_ms = a.counter_ms;
            match server {
                Server::Counter(c) => {
                    self.start_counter_service(usize::from(c), p, officer_ms, env);
                }
                Server::Kiosk(k) => self.start_kiosk_session(usize::from(k), p, env),
            }
            return;
        }
        let stay = self.enqueue(p, line, false, env);
        if !PLAIN && let Some(patience) = patience {
            env.schedule(SimTime(env.now.0 + patience), Event::Renege(p, stay));
        }
        match line {
            Line::Counter => {
                // Usually every officer on duty is busy when someone has to wait.
                if self.idle_counters > 0 {
                    self.dispatch_counters(env);
                }
                // After closing, nobody new is served tomorrow: with no officer left
                // tonight, the person goes home rather than wait overnight.
                self.send_home_if_unstaffed(env);
            }
            Line::Kiosk => self.dispatch_kiosks(env),
        }
    }

    /// The server that would take `a` straight away: only when nobody waits in `line`, the
    /// first free server (in floor order) able to serve them, as dispatching would pick.
    fn free_server_for(&self, a: &Applicant, line: Line, env: &Env<'_>) -> Option<Server> {
        match line {
            Line::Counter if self.counter_waiting == 0 && self.idle_counters > 0 => {
                let (model, site) = (env.model, env.site);
                self.counters
                    .iter()
                    .position(|c| {
                        c.on_duty
                            && c.serving.is_none()
                            && (self.generalists || model.handles(site, c.group, a.service))
                    })
                    .map(|c| Server::Counter(c as u16))
            }
            Line::Kiosk if self.kiosk_waiting == 0 => {
                let need = kiosk_need(a, env.model)?;
                self.kiosks
                    .iter()
                    .position(|k| k.up && k.serving.is_none() && k.capabilities.covers(need))
                    .map(|k| Server::Kiosk(k as u16))
            }
            _ => None,
        }
    }

    /// Adds `p` to a line (at the front if `front`); returns the number of this stay.
    fn enqueue(&mut self, p: PersonKey, line: Line, front: bool, env: &mut Env<'_>) -> u32 {
        let Some(a) = self.people.get_mut(p) else { return 0 };
        a.at = match line {
            Line::Counter => Whereabouts::CounterLine,
            Line::Kiosk => Whereabouts::KioskLine,
        };
        a.queued_at = env.now;
        a.stay += 1;
        let (stay, class) = (a.stay, usize::from(!a.priority));
        env.tally.touch(env.now);
        env.tally.waiting += 1;
        let q = match line {
            Line::Counter => {
                self.counter_waiting += 1;
                &mut self.counter_line[class]
            }
            Line::Kiosk => {
                self.kiosk_waiting += 1;
                &mut self.kiosk_line
            }
        };
        if front {
            q.push_front(p)
        } else {
            q.push_back(p)
        }
        stay
    }

    /// Takes `p` out of its line's counts (the line drops the handle lazily or already did);
    /// returns the officer time they need, for the counter that takes them, if any.
    fn leave_line(&mut self, p: PersonKey, env: &mut Env<'_>) -> Option<i64> {
        let a = self.people.get_mut(p)?;
        let officer_ms = a.counter_ms;
        let stay_ms = env.now.0 - a.queued_at.0;
        let was = a.at;
        a.waited_ms += stay_ms;
        a.at = Whereabouts::InService;
        env.tally.touch(env.now);
        env.tally.waiting -= 1;
        env.tally.time_in_line_ms += i128::from(stay_ms);
        match was {
            Whereabouts::CounterLine => self.counter_waiting -= 1,
            Whereabouts::KioskLine => self.kiosk_waiting -= 1,
            Whereabouts::InService => {}
        }
        Some(officer_ms)
    }

    /// First person in the counter line that counter group `group` handles, removed.
    #[inline(always)]
    fn take_for_counter(&mut self, group: u16, env: &Env<'_>) -> Option<PersonKey> {
        let (model, site) = (env.model, env.site);
        for class in 0..2 {
            let mut i = 0;
            while let Some(&p) = self.counter_line[class].get(i) {
                match self.people.get(p) {
                    Some(a) if a.at == Whereabouts::CounterLine => {
                        if self.generalists || model.handles(site, group, a.service) {
                            take_at(&mut self.counter_line[class], i);
                            return Some(p);
                        }
                        i += 1;
                    }
                    // Left already (reneged, sent home, or moved): drop the stale handle.
                    _ => {
                        take_at(&mut self.counter_line[class], i);
                    }
                }
            }
        }
        None
    }

    fn take_for_kiosk(&mut self, k: usize, env: &Env<'_>) -> Option<PersonKey> {
        let caps = self.kiosks[k].capabilities;
        let mut i = 0;
        while let Some(&p) = self.kiosk_line.get(i) {
            match self.people.get(p) {
                Some(a) if a.at == Whereabouts::KioskLine => {
                    if kiosk_need(a, env.model).is_some_and(|n| caps.covers(n)) {
                        take_at(&mut self.kiosk_line, i);
                        return Some(p);
                    }
                    i += 1;
                }
                _ => {
                    take_at(&mut self.kiosk_line, i);
                }
            }
        }
        None
    }

    // ----- counters -----

    fn dispatch_counters(&mut self, env: &mut Env<'_>) {
        for c in 0..self.counters.len() {
            if self.counter_waiting == 0 || self.idle_counters == 0 {
                return;
            }
            let st = &self.counters[c];
            if st.on_duty
                && st.serving.is_none()
                && let Some(p) = self.take_for_counter(st.group, env)
                && let Some(officer_ms) = self.leave_line(p, env)
            {
                self.start_counter_service(c, p, officer_ms, env);
            }
        }
    }

    /// Starts serving `p` (already out of any line), who needs `duration` ms of officer time,
    /// at counter `c`, which is on duty and idle.
    #[inline(always)]
    fn start_counter_service(&mut self, c: usize, p: PersonKey, duration: i64, env: &mut Env<'_>) {
        let st = &mut self.counters[c];
        debug_assert!(st.on_duty && st.serving.is_none());
        self.idle_counters -= 1;
        st.serving = Some(p);
        st.session += 1;
        st.busy_since = env.now;
        let event = Event::ServiceDone(Server::Counter(c as u16), st.session);
        env.schedule(SimTime(env.now.0 + duration), event);
    }

    /// A counter with nothing to do: serve the next person, or leave if its shift is over.
    #[inline(always)]
    fn counter_idle(&mut self, c: usize, env: &mut Env<'_>) {
        let (on_duty, overtime, group) = {
            let st = &self.counters[c];
            (st.on_duty, st.overtime, st.group)
        };
        if on_duty {
            if let Some(p) = self.take_for_counter(group, env) {
                if let Some(officer_ms) = self.leave_line(p, env) {
                    self.start_counter_service(c, p, officer_ms, env);
                }
                return;
            }
            if !overtime {
                return;
            }
        }
        self.counter_leaves(c, env);
    }

    /// The officer goes home: duty time is booked and the line checked.
    #[inline(never)]
    fn counter_leaves(&mut self, c: usize, env: &mut Env<'_>) {
        self.set_on_duty(c, false);
        let st = &mut self.counters[c];
        st.overtime = false;
        if let Some(since) = st.duty_since.take() {
            env.tally.duty_ms += env.now.0 - since.0;
        }
        self.send_home_if_unstaffed(env);
    }

    #[inline(never)]
    fn shift_start(&mut self, c: usize, env: &mut Env<'_>) {
        let st = &mut self.counters[c];
        let Some(&(_, end)) =
            env.model.plans[env.site].shifts[usize::from(st.group)].get(st.next_shift)
        else {
            return;
        };
        st.overtime = false;
        st.next_shift += 1;
        st.shift_end = SimTime(end);
        st.duty_since.get_or_insert(env.now);
        self.set_on_duty(c, true);
        env.schedule(SimTime(end), Event::ShiftEnd(c as u16));
        if self.counters[c].serving.is_none() {
            self.counter_idle(c, env);
        }
    }

    #[inline(never)]
    fn shift_end(&mut self, c: usize, env: &mut Env<'_>) {
        let close_at = self.close_at;
        let st = &mut self.counters[c];
        if let Some(&(start, _)) =
            env.model.plans[env.site].shifts[usize::from(st.group)].get(st.next_shift)
        {
            env.schedule(SimTime(start), Event::ShiftStart(c as u16));
        }
        let serve_waiting = env.model.scenario.queue.at_closing == AtClosing::ServeWaiting;
        let idle = st.serving.is_none();
        if serve_waiting && st.shift_end >= close_at {
            // The closing shift stays until everyone inside is served.
            st.overtime = true;
            if idle {
                self.counter_idle(c, env);
            }
        } else {
            self.set_on_duty(c, false);
            if idle {
                self.counter_leaves(c, env);
            }
        }
    }

    /// Puts counter `c` on duty or takes it off, keeping the count of idle counters.
    fn set_on_duty(&mut self, c: usize, on: bool) {
        let st = &mut self.counters[c];
        if st.on_duty != on && st.serving.is_none() {
            if on {
                self.idle_counters += 1;
            } else {
                self.idle_counters -= 1;
            }
        }
        st.on_duty = on;
    }

    /// After closing, people still in the counter line with no officer left are sent home.
    fn send_home_if_unstaffed(&mut self, env: &mut Env<'_>) {
        if self.open || self.counter_waiting == 0 {
            return;
        }
        if !self.counters.iter().any(|c| c.on_duty || c.serving.is_some()) {
            self.send_home(Line::Counter, env);
        }
    }

    #[inline(never)]
    fn send_home(&mut self, line: Line, env: &mut Env<'_>) {
        let (queue, want): (Vec<PersonKey>, _) = match line {
            Line::Counter => {
                let mut all: Vec<PersonKey> = self.counter_line[0].drain(..).collect();
                all.extend(self.counter_line[1].drain(..));
                (all, Whereabouts::CounterLine)
            }
            Line::Kiosk => (self.kiosk_line.drain(..).collect(), Whereabouts::KioskLine),
        };
        for p in queue {
            let Some(a) = self.people.get(p) else { continue };
            if a.at != want {
                continue;
            }
            let (counted, keys) = (a.counted, a.keys);
            self.leave_line(p, env);
            if counted {
                env.tally.sent_home += 1;
                env.tally.cells.bump(keys, |c| c.abandoned += 1);
            }
            self.depart(p, env);
        }
    }

    // ----- kiosks -----

    fn dispatch_kiosks(&mut self, env: &mut Env<'_>) {
        for k in 0..self.kiosks.len() {
            if self.kiosk_waiting == 0 {
                return;
            }
            let st = &self.kiosks[k];
            if st.up
                && st.serving.is_none()
                && let Some(p) = self.take_for_kiosk(k, env)
            {
                self.leave_line(p, env);
                self.start_kiosk_session(k, p, env);
            }
        }
    }

    /// Starts a session of `p` (already out of any line) at kiosk `k`. Someone who needs a
    /// floor assistant waits at the kiosk for one; the session ends after the help and
    /// their own time at the kiosk.
    fn start_kiosk_session(&mut self, k: usize, p: PersonKey, env: &mut Env<'_>) {
        let Some(a) = self.people.get(p) else { return };
        let duration = a.kiosk_ms;
        let needs_help = a.assist_ms > 0;
        let assistants = env.model.scenario.sites[env.site].floor_assistants;
        let st = &mut self.kiosks[k];
        st.serving = Some(p);
        st.session += 1;
        st.busy_since = env.now;
        st.help = match (needs_help, assistants) {
            (false, _) => Help::None,
            (true, 0) => Help::Missing,
            (true, _) => Help::Waiting { since: env.now },
        };
        if matches!(st.help, Help::Waiting { .. }) {
            self.assist_line.push_back((k as u16, st.session));
            self.next_assist(env);
        } else {
            let event = Event::ServiceDone(Server::Kiosk(k as u16), st.session);
            env.schedule(SimTime(env.now.0 + duration), event);
        }
    }

    /// Free floor assistants go to the people waiting for them at kiosks, in the order
    /// they started waiting; a kiosk that broke down since is passed over.
    #[inline(never)]
    fn next_assist(&mut self, env: &mut Env<'_>) {
        while self.assistants_free > 0 {
            let Some((k, session)) = self.assist_line.pop_front() else { return };
            let st = &mut self.kiosks[usize::from(k)];
            let (Help::Waiting { since }, Some(p)) = (st.help, st.serving) else {
                continue;
            };
            let Some(a) = self.people.get(p) else { continue };
            if st.session != session {
                continue;
            }
            st.help = Help::Given;
            self.assistants_free -= 1;
            if a.counted {
                let t = &mut *env.tally;
                t.assisted += 1;
                t.assist_wait_ms += env.now.0 - since.0;
            }
            env.tally.assist_busy_ms += a.assist_ms;
            let done = SimTime(env.now.0 + a.assist_ms);
            env.schedule(done, Event::AssistDone);
            let event = Event::ServiceDone(Server::Kiosk(k), session);
            env.schedule(SimTime(done.0 + a.kiosk_ms), event);
        }
    }

    #[inline(never)]
    fn kiosk_fail(&mut self, k: usize, env: &mut Env<'_>) {
        let st = &mut self.kiosks[k];
        st.up = false;
        st.down_since = env.now;
        st.session += 1;
        // Whoever was helped or waited for help starts again, needing it again.
        st.help = Help::None;
        let group = usize::from(st.group);
        env.tally.kiosk_failures += 1;
        if let Some(p) = st.serving.take() {
            env.tally.kiosk_busy_ms += env.now.0 - st.busy_since.0;
            // The person starts again at the head of the kiosk line.
            self.enqueue(p, Line::Kiosk, true, env);
            self.dispatch_kiosks(env);
        }
        let hours = match &env.model.repair[env.site][group] {
            Some(d) => d.sample(env.rng(Purpose::KioskRepair)),
            None => 0.0,
        };
        env.schedule(
            SimTime(env.now.0 + minutes_to_ms(hours * 60.0)),
            Event::KioskRepaired(k as u16),
        );
    }

    #[inline(never)]
    fn kiosk_repaired(&mut self, k: usize, env: &mut Env<'_>) {
        let st = &mut self.kiosks[k];
        st.up = true;
        env.tally.kiosk_down_ms += env.now.0 - st.down_since.0;
        let group = usize::from(st.group);
        schedule_failure(k, group, env);
        self.dispatch_kiosks(env);
    }

    // ----- completion and leaving -----

    fn service_done<const PLAIN: bool>(&mut self, server: Server, session: u32, env: &mut Env<'_>) {
        match server {
            Server::Counter(c) => {
                let c = usize::from(c);
                let st = &mut self.counters[c];
                if st.session != session {
                    return;
                }
                env.tally.busy_ms += env.now.0 - st.busy_since.0;
                self.idle_counters += u32::from(st.on_duty);
                if let Some(p) = st.serving.take() {
                    self.finish_served::<PLAIN>(p, false, env);
                }
                self.counter_idle(c, env);
            }
            Server::Kiosk(k) => {
                let k = usize::from(k);
                let st = &mut self.kiosks[k];
                if st.session != session {
                    return;
                }
                env.tally.kiosk_busy_ms += env.now.0 - st.busy_since.0;
                let helpless = std::mem::take(&mut st.help) == Help::Missing;
                if let Some(p) = st.serving.take() {
                    self.kiosk_session_ends(p, helpless, env);
                }
                self.dispatch_kiosks(env);
            }
        }
    }

    /// The session of `p` ends; `helpless`: they needed an assistant and the site has none,
    /// so they could not finish and go on to a counter.
    fn kiosk_session_ends(&mut self, p: PersonKey, helpless: bool, env: &mut Env<'_>) {
        let Some(a) = self.people.get(p) else { return };
        if a.pickup.is_some() {
            self.finish_served::<false>(p, true, env);
            return;
        }
        let (service, counted, keys) = (a.service, a.counted, a.keys);
        let face_ok = helpless || !needs_face(service, env.model) || self.face_check(p, env);
        let Some(a) = self.people.get(p) else { return };
        if a.kiosk_ok && face_ok && !helpless {
            self.finish_served::<false>(p, true, env);
            return;
        }
        if counted {
            env.tally.kiosk_fallbacks += 1;
            env.tally.assistance_missing += u64::from(helpless);
        }
        if !face_ok
            && let Some((key, f)) = &self.face_session
            && *key == p
        {
            let group = f.group as u8;
            if let Some(a) = self.people.get_mut(p) {
                a.face_fallback = Some((env.now, group));
            }
        }
        if env.model.servable[env.site][usize::from(service)].0 {
            self.join::<false>(p, Line::Counter, false, env);
        } else {
            if counted {
                env.tally.unserved += 1;
                env.tally.cells.bump(keys, |c| c.abandoned += 1);
            }
            self.depart(p, env);
        }
    }

    /// Face-ID of person `p` at a kiosk with the real matcher: their identity, a record
    /// photo taken at an officer station, a kiosk capture, then 1:1 verification. Returns
    /// whether they were matched; a failure to acquire or a false non-match sends them on
    /// to an officer. Always true when Face-ID is off.
    fn face_check(&mut self, p: PersonKey, env: &mut Env<'_>) -> bool {
        let Some(a) = self.people.get(p) else { return true };
        let counted = a.counted;
        let Some(f) = face_session(a, navbat_matching::Device::KioskCamera, env) else {
            return true;
        };
        if counted {
            let cell = &mut env.tally.face[f.group];
            cell[0] += 1;
            if f.outcome > 0 {
                cell[usize::from(f.outcome)] += 1;
            }
        }
        let matched = f.outcome == 0;
        if let Some(a) = self.people.get_mut(p) {
            a.face_jobs &= !face_job_bit(navbat_matching::Device::KioskCamera);
        }
        self.face_session = Some((p, f));
        matched
    }

    /// A person whose case is ready comes back to collect the document.
    #[inline(never)]
    fn pickup_arrive(&mut self, case: u64, env: &mut Env<'_>) {
        let model = env.model;
        let Some(office) = env.office.as_deref_mut() else { return };
        let Some(v) = office.pickup_visit(case) else { return };
        let sc = &model.scenario;
        let seg = &sc.segments[usize::from(v.segment)];
        let by_counter = model.servable[env.site][usize::from(v.service)].0;
        let key = self.people.insert(Applicant {
            id: v.person,
            service: v.service,
            segment: v.segment,
            priority: seg.priority && sc.queue.discipline == Discipline::Priority,
            // Pickups are not new requests: they are tallied apart.
            counted: false,
            arrived: env.now,
            at: Whereabouts::InService,
            queued_at: env.now,
            stay: 0,
            waited_ms: 0,
            counter_ms: v.counter_ms,
            kiosk_ms: v.kiosk_ms,
            patience_ms: None,
            kiosk_ok: true,
            balk_draw: 1.0,
            assist_ms: 0,
            keys: crate::tally::Keys::default(),
            pickup: Some(case),
            face_fallback: None,
            face_jobs: 0,
        });
        // A terminal that works is used unless its line is longer, per server, than the
        // counters' (people see both lines when they come in).
        let pickup = navbat_scenario::Capabilities::of(navbat_scenario::Capability::DocumentPickup);
        let terminals =
            self.kiosks.iter().filter(|k| k.up && k.capabilities.covers(pickup)).count();
        let officers = self.counters.iter().filter(|c| c.on_duty).count();
        let per_terminal = f64::from(self.kiosk_waiting) / terminals.max(1) as f64;
        let per_officer = f64::from(self.counter_waiting) / officers.max(1) as f64;
        let line = if terminals > 0 && (per_terminal <= per_officer || !by_counter) {
            Line::Kiosk
        } else if by_counter {
            Line::Counter
        } else {
            Line::Kiosk
        };
        self.join::<false>(key, line, false, env);
    }

    fn finish_served<const PLAIN: bool>(
        &mut self,
        p: PersonKey,
        at_kiosk: bool,
        env: &mut Env<'_>,
    ) {
        let a = if PLAIN {
            let Some(a) = self.leave_site::<true>(p, env) else { return };
            a
        } else {
            // The kiosk's capture, if its session just ended (the slot is only written when
            // there is one: most people leave none).
            let session = match self.face_session.is_some().then(|| self.face_session.take()) {
                Some(Some((key, f))) if key == p && at_kiosk => Some(f),
                _ => None,
            };
            let Some(a) = self.depart_served(p, at_kiosk, env) else { return };
            if a.pickup.is_some() {
                return;
            }
            let mut face_jobs = a.face_jobs;
            if env.office.is_some() {
                face_jobs = open_case(a, session, at_kiosk, env);
            }
            // A session made ahead for a way this person did not take is not needed now.
            if face_jobs != 0
                && let Some(worker) = env.fixed.face_worker
            {
                worker.forget(a.id);
            }
            a
        };
        if a.counted {
            let t = &mut *env.tally;
            t.served += 1;
            t.served_kiosk += u64::from(at_kiosk);
            t.waits.add(a.waited_ms);
            t.cells.bump(a.keys, |c| {
                c.served += 1;
                c.served_kiosk += u64::from(at_kiosk);
                c.wait_ms += a.waited_ms;
            });
            t.time_in_site_ms += env.now.0 - a.arrived.0;
        }
    }

    /// Person `p` leaves the site unserved; their time here is booked as citizen time, and
    /// a pickup visitor will come back another day.
    #[inline(never)]
    fn depart(&mut self, p: PersonKey, env: &mut Env<'_>) -> Option<&Applicant> {
        let a = self.leave_site::<false>(p, env)?;
        if a.face_jobs != 0
            && let Some(worker) = env.fixed.face_worker
        {
            worker.forget(a.id);
        }
        if let Some(case) = a.pickup {
            let (now, model) = (env.now, env.model);
            if let Some(office) = env.office.as_deref_mut() {
                office.pickup_missed(case, now, model, env.cal);
            }
        }
        Some(a)
    }

    /// Person `p` leaves the site served; a pickup visitor's document is handed over.
    fn depart_served(
        &mut self,
        p: PersonKey,
        at_kiosk: bool,
        env: &mut Env<'_>,
    ) -> Option<&Applicant> {
        let a = self.leave_site::<false>(p, env)?;
        if let Some(case) = a.pickup {
            let (now, model) = (env.now, env.model);
            if let Some(office) = env.office.as_deref_mut() {
                if office.counted(case) {
                    env.tally.pickups[0] += 1;
                    env.tally.pickups[1] += u64::from(at_kiosk);
                }
                office.collected(case, at_kiosk, now, model, env.cal);
            }
        }
        Some(a)
    }

    /// Removes `p` from the floor, booking citizen time and Face-ID's extra minutes.
    fn leave_site<const PLAIN: bool>(
        &mut self,
        p: PersonKey,
        env: &mut Env<'_>,
    ) -> Option<&Applicant> {
        let a = self.people.remove(p)?;
        let counted = a.counted
            || !PLAIN
                && a.pickup
                    .is_some_and(|c| env.office.as_deref_mut().is_some_and(|o| o.counted(c)));
        if counted {
            env.tally.citizen_ms += env.now.0 - a.arrived.0;
        }
        if !PLAIN
            && a.counted
            && let Some((since, group)) = a.face_fallback
        {
            env.tally.face_extra_ms[usize::from(group)] += env.now.0 - since.0;
        }
        Some(a)
    }

    #[inline(never)]
    fn renege(&mut self, p: PersonKey, stay: u32, env: &mut Env<'_>) {
        let Some(a) = self.people.get(p) else { return };
        if a.stay != stay || a.at == Whereabouts::InService {
            return;
        }
        let (counted, keys) = (a.counted, a.keys);
        self.leave_line(p, env);
        if counted {
            env.tally.reneged += 1;
            env.tally.cells.bump(keys, |c| c.abandoned += 1);
        }
        self.depart(p, env);
    }

    // ----- opening hours -----

    #[inline(never)]
    fn open_window(&mut self, env: &mut Env<'_>) {
        let Some(&(_, close)) = env.model.plans[env.site].open.get(self.next_window) else {
            return;
        };
        self.open = true;
        self.close_at = SimTime(close);
        self.next_window += 1;
        env.schedule(SimTime(close), Event::Close);
    }

    #[inline(never)]
    fn close_window(&mut self, env: &mut Env<'_>) {
        self.open = false;
        if let Some(&(open, _)) = env.model.plans[env.site].open.get(self.next_window) {
            env.schedule(SimTime(open), Event::Open);
        }
        match env.model.scenario.queue.at_closing {
            AtClosing::SendHome => {
                self.send_home(Line::Counter, env);
                self.send_home(Line::Kiosk, env);
            }
            AtClosing::ServeWaiting => {
                self.send_home_if_unstaffed(env);
                if !self.kiosks.iter().any(|k| k.up) {
                    self.send_home(Line::Kiosk, env);
                }
            }
        }
    }

    /// Schedules what starts a replication at this site: first arrival, first opening,
    /// shifts, kiosk failures.
    pub(crate) fn prime(&mut self, env: &mut Env<'_>) {
        let plan = &env.model.plans[env.site];
        if let Some(&(open, _)) = plan.open.first() {
            env.schedule(SimTime(open), Event::Open);
        }
        self.schedule_next_arrival(env);
        for (c, st) in self.counters.iter().enumerate() {
            if let Some(&(start, _)) = plan.shifts[usize::from(st.group)].first() {
                env.schedule(SimTime(start), Event::ShiftStart(c as u16));
            }
        }
        for (k, st) in self.kiosks.iter().enumerate() {
            schedule_failure(k, usize::from(st.group), env);
        }
    }
}

/// The office behind its mutex (poisoning cannot happen: nothing locks it).
pub(crate) fn office_mut(m: &mut std::sync::Mutex<Office>) -> &mut Office {
    m.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The app's advice for a person asking for `service` at the site of `env`: another open
/// site within the radius that serves it, where extra travel plus announced wait is less
/// than the announced wait here; `None` to stay. The announced wait of a site is the people
/// in its lines times the mean officer minutes, over its servers working.
#[inline(never)]
fn advise(service: u16, env: &Env<'_>) -> Option<(usize, i64)> {
    let model = env.model;
    let per = model.announced_min_per_person;
    let wait =
        |b: &crate::components::Board| f64::from(b.waiting) * per / f64::from(b.servers.max(1));
    let mut best = (wait(env.board.get(env.site)?), env.site, 0);
    for &(to, travel_ms) in model.neighbours.get(env.site)? {
        let b = env.board.get(to)?;
        let (by_counter, by_kiosk) = model.servable[to][usize::from(service)];
        if !b.open || !(by_counter || by_kiosk) {
            continue;
        }
        let cost = travel_ms as f64 / 60_000.0 + wait(b);
        if cost < best.0 {
            best = (cost, to, travel_ms);
        }
    }
    (best.1 != env.site).then_some((best.1, best.2))
}

/// The segment of a request for a service with several: a draw over its shares, the last
/// segment when the shares fall short of the draw.
fn draw_segment(
    segments: &[(navbat_scenario::SegmentIdx, f64)],
    rng: &mut StreamRng,
) -> navbat_scenario::SegmentIdx {
    let u: f64 = rng.random();
    let mut acc = 0.0;
    for &(seg, w) in segments {
        acc += w;
        if u < acc {
            return seg;
        }
    }
    segments.last().map_or(0, |&(seg, _)| seg)
}

/// What a person may need besides officer time, drawn on arrival.
#[derive(Clone, Copy)]
struct More {
    kiosk_ms: i64,
    kiosk_ok: bool,
    patience_ms: Option<i64>,
    balk_draw: f64,
    assist_ms: i64,
}

impl More {
    /// For a service kiosks cannot do, and a segment with unlimited patience that neither
    /// balks nor needs a floor assistant.
    const NOTHING: Self =
        Self { kiosk_ms: 0, kiosk_ok: true, patience_ms: None, balk_draw: 1.0, assist_ms: 0 };
}

/// Draws what a person of service `sv` and segment `sg` needs besides officer time, each
/// from its own stream (so the same person needs the same in every variant).
#[inline(never)]
fn draw_more(sv: &ServiceDraws, sg: &SegmentDraws, rng: &mut [StreamRng; PURPOSES]) -> More {
    let kiosk_ms = match &sv.kiosk_time {
        Some(d) => minutes_to_ms(d.sample(&mut rng[Purpose::KioskService.site_slot()])),
        None => 0,
    };
    let kiosk_ok = sv.kiosk_needs.is_none()
        || rng[Purpose::KioskOutcome.site_slot()].random::<f64>() < sg.kiosk_success;
    let patience_ms = sg
        .patience
        .as_ref()
        .map(|d| minutes_to_ms(d.sample(&mut rng[Purpose::Patience.site_slot()])));
    let balk_draw =
        if sg.balking.is_some() { rng[Purpose::Balking.site_slot()].random::<f64>() } else { 1.0 };
    // Digital literacy: drawn for everyone of a segment that may need help, whatever their
    // channel, so variants stay in step.
    let assist_ms = match &sg.assistance {
        Some((share, minutes)) => {
            let rng = &mut rng[Purpose::Assistance.site_slot()];
            let needed = rng.random::<f64>() < *share;
            let ms = minutes_to_ms(minutes.sample(rng)).max(1);
            if needed { ms } else { 0 }
        }
        None => 0,
    };
    More { kiosk_ms, kiosk_ok, patience_ms, balk_draw, assist_ms }
}

/// People on their way from one site to another on the app's advice.
#[derive(Debug, Default)]
pub(crate) struct Transfers {
    slots: Vec<Option<(Applicant, bool)>>,
    free: Vec<u32>,
}

impl Transfers {
    fn put(&mut self, a: Applicant, wants_kiosk: bool) -> u32 {
        match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = Some((a, wants_kiosk));
                i
            }
            None => {
                self.slots.push(Some((a, wants_kiosk)));
                u32::try_from(self.slots.len() - 1).unwrap_or(u32::MAX)
            }
        }
    }

    fn take(&mut self, i: u32) -> Option<(Applicant, bool)> {
        let t = self.slots.get_mut(i as usize)?.take()?;
        self.free.push(i);
        Some(t)
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

/// A Face-ID capture of person `a` on `device`, verified against their record photo (taken
/// at an officer station), with the real matcher: from the worker when it made it ahead,
/// made here otherwise (the same session either way). `None` when Face-ID is off.
fn face_session(
    a: &Applicant,
    device: navbat_matching::Device,
    env: &Env<'_>,
) -> Option<FaceSession> {
    let context = env.fixed.face?;
    if let Some(worker) = env.fixed.face_worker
        && let Taken::Made(session) = worker.take(a.id, device)
    {
        return session;
    }
    // Made here, the case searches when it opens (a failed kiosk session never does).
    context.session(a.id, a.segment, device, false)
}

/// The request of `a`, just served, becomes a case in the back office, with the capture it
/// was taken with: the kiosk's `session`, or an officer station's at the counter. Returns
/// the person's Face-ID sessions still asked of the worker and not taken.
#[inline(never)]
fn open_case(a: &Applicant, session: Option<FaceSession>, at_kiosk: bool, env: &mut Env<'_>) -> u8 {
    let mut face_jobs = a.face_jobs;
    let f = session.or_else(|| {
        face_jobs &= !face_job_bit(navbat_matching::Device::OfficerStation);
        face_session(a, navbat_matching::Device::OfficerStation, env)
    });
    let (group, score, template, searched) = match f {
        Some(f) => (f.group, f.score, f.template, f.searched),
        None => (0, 0.0, None, None),
    };
    let request = Request {
        site: env.site,
        person: a.id,
        service: a.service,
        segment: a.segment,
        arrived: a.arrived,
        counted: a.counted,
        officer_contact: !at_kiosk,
        group,
        verify_score: score,
        template,
        searched,
    };
    let (now, model) = (env.now, env.model);
    if let Some(office) = env.office.as_deref_mut() {
        office.open(request, now, model, env.cal);
    }
    face_jobs
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

/// Weekday (Monday = 0) × 24 + hour of `t`.
fn weekday_hour(t: SimTime) -> u16 {
    let days = t.0.div_euclid(crate::time::DAY_MS);
    // 1970-01-01 was a Thursday (Monday = 0 makes it 3).
    let weekday = (days + 3).rem_euclid(7);
    let hour = t.0.rem_euclid(crate::time::DAY_MS) / HOUR_MS;
    u16::try_from(weekday * 24 + hour).unwrap_or(0)
}

/// Removes element `i` of a line; the head, by far the most common case, is a cheap pop.
fn take_at(line: &mut std::collections::VecDeque<PersonKey>, i: usize) {
    if i == 0 {
        line.pop_front();
    } else {
        line.remove(i);
    }
}

/// Schedules the next breakdown of kiosk `k` (of group `group`), if its kind fails.
fn schedule_failure(k: usize, group: usize, env: &mut Env<'_>) {
    let Some(f) = &env.model.scenario.sites[env.site].kiosks[group].failures else { return };
    let e: f64 = Exp1.sample(env.rng(Purpose::KioskFailure));
    let after = (e * f.mtbf_hours * HOUR_MS as f64) as i64;
    env.schedule(SimTime(env.now.0 + after.max(1)), Event::KioskFail(k as u16));
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
