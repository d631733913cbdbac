//! The event loop: one system pops every due event and handles it with plain functions.
//!
//! Running the whole schedule per event would cost far more than handling the event (see
//! ARCHITECTURE.md), so a schedule pass handles a batch: all events up to [`StepTarget`].

use bevy_ecs::prelude::*;
use navbat_scenario::{AtClosing, Discipline};
use rand::RngExt;
use rand_distr::{Distribution, Exp1};

use crate::components::{
    Applicant, ArrivalLimit, Calendar, Clock, CounterState, Event, KioskState, SiteState,
    StepTarget, Whereabouts,
};
use crate::model::{Model, ModelRes};
use crate::streams::{Purpose, Streams};
use crate::tally::Tally;
use crate::time::{HOUR_MS, SimTime, minutes_to_ms};

/// Per-replication state that is not an entity: streams and entity handles by index.
#[derive(Resource, Debug)]
pub struct RunState {
    /// Random streams.
    pub streams: Streams,
    /// Site entities by scenario index.
    pub sites: Vec<Entity>,
    /// Requests so far, portal included (everyone: for the arrival limit and ids).
    pub arrivals: u64,
}

/// The system: handles every event due up to the step target.
pub fn handle_due_events(world: &mut World) {
    let until = world.resource::<StepTarget>().until;
    let model = world.resource::<ModelRes>().0.clone();
    let limit = world.get_resource::<ArrivalLimit>().copied();
    world.resource_scope(|world, mut cal: Mut<Calendar>| {
        world.resource_scope(|world, mut run: Mut<RunState>| {
            world.resource_scope(|world, mut tally: Mut<Tally>| {
                let mut ctx = Ctx {
                    world,
                    cal: &mut cal,
                    run: &mut run,
                    tally: &mut tally,
                    model: &model,
                    now: SimTime::default(),
                    limit,
                };
                let mut handled = 0;
                let mut last = None;
                while let Some(s) = ctx.cal.pop_due(until) {
                    ctx.now = s.time;
                    ctx.handle(s.event);
                    handled += 1;
                    last = Some(s.time);
                }
                let mut clock = ctx.world.resource_mut::<Clock>();
                clock.events += handled;
                if let Some(t) = last {
                    clock.last_event = t;
                }
                clock.now = clock.now.max(until.min(model.end));
            });
        });
    });
}

struct Ctx<'a> {
    world: &'a mut World,
    cal: &'a mut Calendar,
    run: &'a mut RunState,
    tally: &'a mut Tally,
    model: &'a Model,
    now: SimTime,
    limit: Option<ArrivalLimit>,
}

/// Which line a person joins.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Line {
    Counter,
    Kiosk,
}

impl Ctx<'_> {
    fn handle(&mut self, event: Event) {
        match event {
            Event::Arrival { site } => self.arrive(site as usize),
            Event::Open { site } => self.open(site as usize),
            Event::Close { site } => self.close(site as usize),
            Event::ShiftStart { counter } => self.shift_start(counter),
            Event::ShiftEnd { counter } => self.shift_end(counter),
            Event::ServiceDone { server, session } => self.service_done(server, session),
            Event::Renege { applicant, stay } => self.renege(applicant, stay),
            Event::KioskFail { kiosk } => self.kiosk_fail(kiosk),
            Event::KioskRepaired { kiosk } => self.kiosk_repaired(kiosk),
        }
    }

    fn site(&mut self, s: usize) -> Mut<'_, SiteState> {
        let e = self.run.sites[s];
        // Site entities live for the whole run.
        self.world.get_mut::<SiteState>(e).expect("site entity exists for the whole run")
    }

    // ----- arrivals -----

    /// Draws the next arrival after `from` at site `s` and schedules it.
    pub(crate) fn schedule_next_arrival(&mut self, s: usize, from: SimTime) {
        if self.limit.is_some_and(|l| self.run.arrivals >= l.max) {
            return;
        }
        let plan = &self.model.plans[s];
        let mut mass: f64 = Exp1.sample(self.run.streams.get(s, Purpose::Arrivals));
        let mut i = self.site(s).piece;
        while let Some(p) = plan.pieces.get(i) {
            let start = from.0.max(p.start);
            if start < p.end && p.rate_per_ms > 0.0 {
                let capacity = p.rate_per_ms * (p.end - start) as f64;
                if mass < capacity {
                    let t = (start + (mass / p.rate_per_ms) as i64).min(p.end - 1);
                    self.site(s).piece = i;
                    self.cal.schedule(SimTime(t), Event::Arrival { site: s as u32 });
                    return;
                }
                mass -= capacity;
            }
            i += 1;
        }
        self.site(s).piece = i;
    }

    fn arrive(&mut self, s: usize) {
        let piece = self.site(s).piece;
        self.run.arrivals += 1;
        self.schedule_next_arrival(s, SimTime(self.now.0 + 1));
        let model = self.model;
        let sc = &model.scenario;
        let rng = self.run.streams.get(s, Purpose::Choice);
        let service = model.plans[s].service_at(piece, rng.random::<f64>());
        let svc = &sc.services[usize::from(service)];
        let u: f64 = rng.random();
        let mut acc = 0.0;
        let mut segment = svc.segments[svc.segments.len() - 1].0;
        for &(seg, w) in &svc.segments {
            acc += w;
            if u < acc {
                segment = seg;
                break;
            }
        }
        let seg = &sc.segments[usize::from(segment)];
        let site = &sc.sites[s];
        let by_counter = site.counters.iter().any(|c| c.handles(service));
        let by_kiosk = svc
            .kiosk_needs
            .is_some_and(|need| site.kiosks.iter().any(|k| k.capabilities.covers(need)));
        let weights = [
            if by_kiosk { seg.channel.kiosk } else { 0.0 },
            if by_counter { seg.channel.counter } else { 0.0 },
            if svc.portal { seg.channel.portal } else { 0.0 },
        ];
        let total: f64 = weights.iter().sum();
        let u: f64 = rng.random::<f64>() * total;
        let channel = if total <= 0.0 {
            // The segment prefers only channels this site lacks: take what exists.
            if by_counter {
                1
            } else if by_kiosk {
                0
            } else {
                2
            }
        } else if u < weights[0] {
            0
        } else if u < weights[0] + weights[1] {
            1
        } else {
            2
        };
        let counted = self.now >= model.warm_up_end
            && self.limit.is_none_or(|l| self.run.arrivals > l.uncounted_first);
        if channel == 2 {
            if counted {
                self.tally.sites[s].portal += 1;
            }
            return;
        }
        if counted {
            self.tally.sites[s].arrivals += 1;
        }
        let priority = seg.priority && sc.queue.discipline == Discipline::Priority;
        let applicant = Applicant {
            id: ((s as u64) << 40) | self.run.arrivals,
            site: s as u32,
            service,
            segment,
            priority,
            counted,
            arrived: self.now,
            at: Whereabouts::InService,
            queued_at: self.now,
            stay: 0,
            waited_ms: 0,
        };
        let e = self.world.spawn(applicant).id();
        let line = if channel == 0 && self.kiosk_up_for(s, e) {
            Line::Kiosk
        } else if by_counter {
            Line::Counter
        } else {
            Line::Kiosk
        };
        self.join(e, line, true);
    }

    /// Whether some working kiosk at site `s` can serve applicant `e`.
    fn kiosk_up_for(&mut self, s: usize, e: Entity) -> bool {
        let service = self.applicant(e).map(|a| a.service);
        let Some(need) =
            service.and_then(|sv| self.model.scenario.services[usize::from(sv)].kiosk_needs)
        else {
            return false;
        };
        let kiosks = self.site(s).kiosks.clone();
        kiosks.iter().any(|&k| {
            self.world.get::<KioskState>(k).is_some_and(|k| k.up && k.capabilities.covers(need))
        })
    }

    fn applicant(&self, e: Entity) -> Option<&Applicant> {
        self.world.get::<Applicant>(e)
    }

    /// Puts person `e` in `line` (balking first if `may_balk`), then lets servers pick.
    fn join(&mut self, e: Entity, line: Line, may_balk: bool) {
        let Some(a) = self.applicant(e).cloned() else { return };
        let s = a.site as usize;
        let seg = &self.model.scenario.segments[usize::from(a.segment)];
        if may_balk && let Some(b) = seg.balking {
            let st = self.site(s);
            let waiting = match line {
                Line::Counter => st.counter_waiting,
                Line::Kiosk => st.kiosk_waiting,
            };
            if waiting >= b.queue_len {
                let u: f64 = self.run.streams.get(s, Purpose::Balking).random();
                if u < b.probability {
                    if a.counted {
                        self.tally.sites[s].balked += 1;
                    }
                    self.world.despawn(e);
                    return;
                }
            }
        }
        let now = self.now;
        self.enqueue(e, line, false);
        if let Some(p) = &self.model.patience[usize::from(a.segment)] {
            let patience = minutes_to_ms(p.sample(self.run.streams.get(s, Purpose::Patience)));
            let stay = self.applicant(e).map_or(0, |a| a.stay);
            self.cal.schedule(SimTime(now.0 + patience), Event::Renege { applicant: e, stay });
        }
        match line {
            Line::Counter => self.dispatch_counters(s),
            Line::Kiosk => self.dispatch_kiosks(s),
        }
    }

    /// Adds `e` to a line (at the front if `front`) and updates counts.
    fn enqueue(&mut self, e: Entity, line: Line, front: bool) {
        let now = self.now;
        let Some(mut a) = self.world.get_mut::<Applicant>(e) else { return };
        a.at = match line {
            Line::Counter => Whereabouts::CounterLine,
            Line::Kiosk => Whereabouts::KioskLine,
        };
        a.queued_at = now;
        a.stay += 1;
        let (s, class) = (a.site as usize, usize::from(!a.priority));
        self.tally.sites[s].touch(now);
        self.tally.sites[s].waiting += 1;
        let mut st = self.site(s);
        let q = match line {
            Line::Counter => {
                st.counter_waiting += 1;
                &mut st.counter_line[class]
            }
            Line::Kiosk => {
                st.kiosk_waiting += 1;
                &mut st.kiosk_line
            }
        };
        if front { q.push_front(e) } else { q.push_back(e) }
    }

    /// Takes `e` out of its line's counts (the line itself drops it lazily); returns the
    /// time it spent in this stay.
    fn leave_line(&mut self, e: Entity) -> i64 {
        let now = self.now;
        let Some(mut a) = self.world.get_mut::<Applicant>(e) else { return 0 };
        let stay_ms = now.0 - a.queued_at.0;
        let was = a.at;
        a.waited_ms += stay_ms;
        a.at = Whereabouts::InService;
        let s = a.site as usize;
        let t = &mut self.tally.sites[s];
        t.touch(now);
        t.waiting -= 1;
        t.time_in_line_ms += i128::from(stay_ms);
        let mut st = self.site(s);
        match was {
            Whereabouts::CounterLine => st.counter_waiting -= 1,
            Whereabouts::KioskLine => st.kiosk_waiting -= 1,
            Whereabouts::InService => {}
        }
        stay_ms
    }

    /// First person in the counter line of site `s` that `counter` can serve, removed.
    fn take_for_counter(&mut self, s: usize, group: u16) -> Option<Entity> {
        let model = self.model;
        let handles = |svc| model.scenario.sites[s].counters[usize::from(group)].handles(svc);
        for class in 0..2 {
            let mut i = 0;
            loop {
                let site_e = self.run.sites[s];
                let Some(&e) = self.world.get::<SiteState>(site_e)?.counter_line[class].get(i)
                else {
                    break;
                };
                match self.world.get::<Applicant>(e) {
                    Some(a) if a.at == Whereabouts::CounterLine => {
                        if handles(a.service) {
                            self.site(s).counter_line[class].remove(i);
                            return Some(e);
                        }
                        i += 1;
                    }
                    // Left already (reneged, sent home, or moved): drop the stale entry.
                    _ => {
                        self.site(s).counter_line[class].remove(i);
                    }
                }
            }
        }
        None
    }

    fn take_for_kiosk(&mut self, s: usize, kiosk: Entity) -> Option<Entity> {
        let caps = self.world.get::<KioskState>(kiosk)?.capabilities;
        let mut i = 0;
        loop {
            let site_e = self.run.sites[s];
            let &e = self.world.get::<SiteState>(site_e)?.kiosk_line.get(i)?;
            match self.world.get::<Applicant>(e) {
                Some(a) if a.at == Whereabouts::KioskLine => {
                    let need = self.model.scenario.services[usize::from(a.service)].kiosk_needs;
                    if need.is_some_and(|n| caps.covers(n)) {
                        self.site(s).kiosk_line.remove(i);
                        return Some(e);
                    }
                    i += 1;
                }
                _ => {
                    self.site(s).kiosk_line.remove(i);
                }
            }
        }
    }

    // ----- counters -----

    fn dispatch_counters(&mut self, s: usize) {
        if self.site(s).counter_waiting == 0 {
            return;
        }
        let counters = self.site(s).counters.clone();
        for c in counters {
            let Some(st) = self.world.get::<CounterState>(c) else { continue };
            if !st.on_duty || st.serving.is_some() {
                continue;
            }
            let group = st.group;
            if let Some(e) = self.take_for_counter(s, group) {
                self.start_counter_service(c, e);
            }
            if self.site(s).counter_waiting == 0 {
                break;
            }
        }
    }

    fn start_counter_service(&mut self, c: Entity, e: Entity) {
        self.leave_line(e);
        let Some(a) = self.applicant(e) else { return };
        let (s, service) = (a.site as usize, usize::from(a.service));
        let minutes = self.model.counter_time[service]
            .sample(self.run.streams.get(s, Purpose::CounterService));
        let now = self.now;
        let Some(mut st) = self.world.get_mut::<CounterState>(c) else { return };
        st.serving = Some(e);
        st.session += 1;
        st.busy_since = now;
        let session = st.session;
        self.cal.schedule(
            SimTime(now.0 + minutes_to_ms(minutes)),
            Event::ServiceDone { server: c, session },
        );
    }

    /// A counter with nothing to do: serve the next person, or leave if its shift is over.
    fn counter_idle(&mut self, c: Entity) {
        let Some(st) = self.world.get::<CounterState>(c) else { return };
        let (s, group, on_duty, overtime) = (st.site as usize, st.group, st.on_duty, st.overtime);
        if on_duty {
            if let Some(e) = self.take_for_counter(s, group) {
                self.start_counter_service(c, e);
                return;
            }
            if !overtime {
                return;
            }
        }
        self.counter_leaves(c);
    }

    /// The officer goes home: duty time is booked and the line checked.
    fn counter_leaves(&mut self, c: Entity) {
        let now = self.now;
        let Some(mut st) = self.world.get_mut::<CounterState>(c) else { return };
        if !st.on_duty && !st.overtime && st.duty_since == SimTime(i64::MIN) {
            return;
        }
        st.on_duty = false;
        st.overtime = false;
        let s = st.site as usize;
        let since = std::mem::replace(&mut st.duty_since, SimTime(i64::MIN));
        if since.0 != i64::MIN {
            self.tally.sites[s].duty_ms += now.0 - since.0;
        }
        self.send_home_if_unstaffed(s);
    }

    fn shift_start(&mut self, c: Entity) {
        let now = self.now;
        let Some(st) = self.world.get::<CounterState>(c) else { return };
        let (s, group, k) = (st.site as usize, usize::from(st.group), st.next_shift);
        let Some(&(_, end)) = self.model.plans[s].shifts[group].get(k) else { return };
        let Some(mut st) = self.world.get_mut::<CounterState>(c) else { return };
        st.on_duty = true;
        st.overtime = false;
        st.next_shift = k + 1;
        st.shift_end = SimTime(end);
        if st.duty_since.0 == i64::MIN {
            st.duty_since = now;
        }
        self.cal.schedule(SimTime(end), Event::ShiftEnd { counter: c });
        if self.world.get::<CounterState>(c).is_some_and(|st| st.serving.is_none()) {
            self.counter_idle(c);
        }
    }

    fn shift_end(&mut self, c: Entity) {
        let Some(st) = self.world.get::<CounterState>(c) else { return };
        let (s, group, k, serving, shift_end) =
            (st.site as usize, usize::from(st.group), st.next_shift, st.serving, st.shift_end);
        if let Some(&(start, _)) = self.model.plans[s].shifts[group].get(k) {
            self.cal.schedule(SimTime(start), Event::ShiftStart { counter: c });
        }
        let serve_waiting = self.model.scenario.queue.at_closing == AtClosing::ServeWaiting;
        let closing_shift = shift_end >= self.site(s).close_at;
        let Some(mut st) = self.world.get_mut::<CounterState>(c) else { return };
        if serve_waiting && closing_shift {
            st.overtime = true;
            if serving.is_none() {
                self.counter_idle(c);
            }
        } else {
            st.on_duty = false;
            if serving.is_none() {
                self.counter_leaves(c);
            }
        }
    }

    /// After closing, people still in the counter line with no officer left are sent home.
    fn send_home_if_unstaffed(&mut self, s: usize) {
        let st = self.site(s);
        if st.open || st.counter_waiting == 0 {
            return;
        }
        let counters = st.counters.clone();
        let staffed = counters.iter().any(|&c| {
            self.world.get::<CounterState>(c).is_some_and(|c| c.on_duty || c.serving.is_some())
        });
        if !staffed {
            self.send_home(s, Line::Counter);
        }
    }

    fn send_home(&mut self, s: usize, line: Line) {
        let queue: Vec<Entity> = {
            let mut st = self.site(s);
            match line {
                Line::Counter => {
                    let mut all: Vec<Entity> = st.counter_line[0].drain(..).collect();
                    all.extend(st.counter_line[1].drain(..));
                    all
                }
                Line::Kiosk => st.kiosk_line.drain(..).collect(),
            }
        };
        let want = match line {
            Line::Counter => Whereabouts::CounterLine,
            Line::Kiosk => Whereabouts::KioskLine,
        };
        for e in queue {
            match self.applicant(e) {
                Some(a) if a.at == want => {
                    let counted = a.counted;
                    self.leave_line(e);
                    if counted {
                        self.tally.sites[s].sent_home += 1;
                    }
                    self.world.despawn(e);
                }
                _ => {}
            }
        }
    }

    // ----- kiosks -----

    fn dispatch_kiosks(&mut self, s: usize) {
        if self.site(s).kiosk_waiting == 0 {
            return;
        }
        let kiosks = self.site(s).kiosks.clone();
        for k in kiosks {
            let Some(st) = self.world.get::<KioskState>(k) else { continue };
            if !st.up || st.serving.is_some() {
                continue;
            }
            if let Some(e) = self.take_for_kiosk(s, k) {
                self.start_kiosk_session(k, e);
            }
            if self.site(s).kiosk_waiting == 0 {
                break;
            }
        }
    }

    fn start_kiosk_session(&mut self, k: Entity, e: Entity) {
        self.leave_line(e);
        let Some(a) = self.applicant(e) else { return };
        let (s, service) = (a.site as usize, usize::from(a.service));
        let minutes = self.model.kiosk_time[service]
            .as_ref()
            .map_or(0.0, |d| d.sample(self.run.streams.get(s, Purpose::KioskService)));
        let now = self.now;
        let Some(mut st) = self.world.get_mut::<KioskState>(k) else { return };
        st.serving = Some(e);
        st.session += 1;
        st.busy_since = now;
        let session = st.session;
        self.cal.schedule(
            SimTime(now.0 + minutes_to_ms(minutes)),
            Event::ServiceDone { server: k, session },
        );
    }

    fn kiosk_fail(&mut self, k: Entity) {
        let now = self.now;
        let Some(mut st) = self.world.get_mut::<KioskState>(k) else { return };
        st.up = false;
        st.down_since = now;
        st.session += 1;
        let (s, group) = (st.site as usize, usize::from(st.group));
        let interrupted = st.serving.take();
        let busy_since = st.busy_since;
        self.tally.sites[s].kiosk_failures += 1;
        if let Some(e) = interrupted {
            self.tally.sites[s].kiosk_busy_ms += now.0 - busy_since.0;
            // The person starts again at the head of the kiosk line.
            self.enqueue(e, Line::Kiosk, true);
            self.dispatch_kiosks(s);
        }
        let hours = self.model.repair[s][group]
            .as_ref()
            .map_or(0.0, |d| d.sample(self.run.streams.get(s, Purpose::KioskRepair)));
        self.cal.schedule(
            SimTime(now.0 + minutes_to_ms(hours * 60.0)),
            Event::KioskRepaired { kiosk: k },
        );
    }

    fn kiosk_repaired(&mut self, k: Entity) {
        let now = self.now;
        let Some(mut st) = self.world.get_mut::<KioskState>(k) else { return };
        st.up = true;
        let (s, group, down_since) = (st.site as usize, usize::from(st.group), st.down_since);
        self.tally.sites[s].kiosk_down_ms += now.0 - down_since.0;
        self.schedule_failure(s, group, k);
        self.dispatch_kiosks(s);
    }

    /// Schedules the next breakdown of kiosk `k` (group `group` of site `s`), if it fails.
    pub(crate) fn schedule_failure(&mut self, s: usize, group: usize, k: Entity) {
        let Some(f) = &self.model.scenario.sites[s].kiosks[group].failures else { return };
        let e: f64 = Exp1.sample(self.run.streams.get(s, Purpose::KioskFailure));
        let after = (e * f.mtbf_hours * HOUR_MS as f64) as i64;
        self.cal.schedule(SimTime(self.now.0 + after.max(1)), Event::KioskFail { kiosk: k });
    }

    // ----- completion and leaving -----

    fn service_done(&mut self, server: Entity, session: u32) {
        if let Some(st) = self.world.get::<CounterState>(server) {
            if st.session != session {
                return;
            }
            if let Some(mut st) = self.world.get_mut::<CounterState>(server) {
                let (s, since) = (st.site as usize, st.busy_since);
                let served = st.serving.take();
                self.tally.sites[s].busy_ms += self.now.0 - since.0;
                if let Some(e) = served {
                    self.finish_served(e, false);
                }
            }
            self.counter_idle(server);
            return;
        }
        let Some(st) = self.world.get::<KioskState>(server) else { return };
        if st.session != session {
            return;
        }
        let (s, since) = (st.site as usize, st.busy_since);
        let Some(mut st) = self.world.get_mut::<KioskState>(server) else { return };
        let served = st.serving.take();
        self.tally.sites[s].kiosk_busy_ms += self.now.0 - since.0;
        if let Some(e) = served {
            self.kiosk_session_ends(s, e);
        }
        self.dispatch_kiosks(s);
    }

    fn kiosk_session_ends(&mut self, s: usize, e: Entity) {
        let Some(a) = self.applicant(e) else { return };
        let (service, segment, counted) = (a.service, a.segment, a.counted);
        let success = self.model.scenario.segments[usize::from(segment)].kiosk_success;
        let u: f64 = self.run.streams.get(s, Purpose::KioskOutcome).random();
        if u < success {
            self.finish_served(e, true);
            return;
        }
        if counted {
            self.tally.sites[s].kiosk_fallbacks += 1;
        }
        if self.model.scenario.sites[s].counters.iter().any(|c| c.handles(service)) {
            self.join(e, Line::Counter, false);
        } else {
            if counted {
                self.tally.sites[s].unserved += 1;
            }
            self.world.despawn(e);
        }
    }

    fn finish_served(&mut self, e: Entity, at_kiosk: bool) {
        let Some(a) = self.applicant(e) else { return };
        let (s, counted, waited, arrived) = (a.site as usize, a.counted, a.waited_ms, a.arrived);
        if counted {
            let t = &mut self.tally.sites[s];
            t.served += 1;
            if at_kiosk {
                t.served_kiosk += 1;
            }
            t.waits.add(waited);
            t.time_in_site_ms += self.now.0 - arrived.0;
        }
        self.world.despawn(e);
    }

    fn renege(&mut self, e: Entity, stay: u32) {
        let Some(a) = self.applicant(e) else { return };
        if a.stay != stay || a.at == Whereabouts::InService {
            return;
        }
        let (s, counted) = (a.site as usize, a.counted);
        self.leave_line(e);
        if counted {
            self.tally.sites[s].reneged += 1;
        }
        self.world.despawn(e);
    }

    // ----- opening hours -----

    fn open(&mut self, s: usize) {
        let k = self.site(s).next_window;
        let Some(&(_, close)) = self.model.plans[s].open.get(k) else { return };
        let mut st = self.site(s);
        st.open = true;
        st.close_at = SimTime(close);
        st.next_window = k + 1;
        self.cal.schedule(SimTime(close), Event::Close { site: s as u32 });
    }

    fn close(&mut self, s: usize) {
        let k = self.site(s).next_window;
        self.site(s).open = false;
        if let Some(&(open, _)) = self.model.plans[s].open.get(k) {
            self.cal.schedule(SimTime(open), Event::Open { site: s as u32 });
        }
        match self.model.scenario.queue.at_closing {
            AtClosing::SendHome => {
                self.send_home(s, Line::Counter);
                self.send_home(s, Line::Kiosk);
            }
            AtClosing::ServeWaiting => {
                self.send_home_if_unstaffed(s);
                let kiosks = self.site(s).kiosks.clone();
                let any_up =
                    kiosks.iter().any(|&k| self.world.get::<KioskState>(k).is_some_and(|k| k.up));
                if !any_up {
                    self.send_home(s, Line::Kiosk);
                }
            }
        }
    }
}

/// Schedules what starts a replication: first arrivals, openings, shifts, kiosk failures.
pub(crate) fn prime(world: &mut World) {
    let model = world.resource::<ModelRes>().0.clone();
    let limit = world.get_resource::<ArrivalLimit>().copied();
    world.resource_scope(|world, mut cal: Mut<Calendar>| {
        world.resource_scope(|world, mut run: Mut<RunState>| {
            world.resource_scope(|world, mut tally: Mut<Tally>| {
                let mut ctx = Ctx {
                    world,
                    cal: &mut cal,
                    run: &mut run,
                    tally: &mut tally,
                    model: &model,
                    now: model.start,
                    limit,
                };
                for s in 0..model.plans.len() {
                    if let Some(&(open, _)) = model.plans[s].open.first() {
                        ctx.cal.schedule(SimTime(open), Event::Open { site: s as u32 });
                    }
                    ctx.schedule_next_arrival(s, model.start);
                    let site_e = ctx.run.sites[s];
                    let counters = ctx.world.get::<SiteState>(site_e).map(|st| st.counters.clone());
                    for c in counters.unwrap_or_default() {
                        let group =
                            ctx.world.get::<CounterState>(c).map_or(0, |st| usize::from(st.group));
                        if let Some(&(start, _)) = model.plans[s].shifts[group].first() {
                            ctx.cal.schedule(SimTime(start), Event::ShiftStart { counter: c });
                        }
                    }
                    let kiosks = ctx.world.get::<SiteState>(site_e).map(|st| st.kiosks.clone());
                    for k in kiosks.unwrap_or_default() {
                        let group =
                            ctx.world.get::<KioskState>(k).map_or(0, |st| usize::from(st.group));
                        ctx.schedule_failure(s, group, k);
                    }
                }
            });
        });
    });
}
