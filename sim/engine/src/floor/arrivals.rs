//! Arrivals: the next arrival scheduled, a newcomer's needs drawn and their line chosen;
//! people the app sends from another site; pickup visits of the back office's cases.

use navbat_scenario::Discipline;
use rand::RngExt;

use super::{Line, SiteState};
use crate::components::{Applicant, Board, Event, Whereabouts};
use crate::event_loop::Env;
use crate::model::{Channel, Model, Offered, SegmentDraws, ServiceDraws};
use crate::rows::{FloorRow, TicketChannel, TicketNumber, TicketOutcome, TicketRow};
use crate::streams::{PURPOSES, Purpose, StreamRng};
use crate::time::{HOUR_MS, SimTime, minutes_to_ms};

impl SiteState {
    /// Schedules the next arrival: the next of those drawn ahead (see
    /// [`crate::plan::Arrivals`]), drawing a batch when none is left.
    pub(crate) fn schedule_next_arrival(&mut self, env: &mut Env<'_>) {
        if env.fixed.limit.is_some_and(|l| *env.requests >= l.max) {
            return;
        }
        if let Some(replay) = &env.model.replay[env.site] {
            if let Some(r) = replay.get(self.replayed) {
                self.replayed += 1;
                env.schedule(r.at, Event::Arrival);
            }
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

    pub(super) fn arrive<const PLAIN: bool>(&mut self, env: &mut Env<'_>) {
        let piece = self.piece;
        // The replayed arrival being made now, if arrivals are replayed here.
        let replayed = env.model.replay[env.site]
            .as_ref()
            .and_then(|r| r.get(self.replayed.wrapping_sub(1)))
            .copied();
        *env.requests += 1;
        self.requests += 1;
        let id = crate::streams::person_id(env.model.site_keys[env.site], self.requests);
        self.schedule_next_arrival(env);
        let model = env.model;
        let sc = &model.scenario;
        let s = env.site;
        // Draws are made only where there is a choice, so a simple model pays for none.
        let now = env.now;
        let rng = env.rng(Purpose::Choice);
        let plan = &model.plans[s];
        let service = match replayed {
            Some(r) => r.service,
            None if plan.services.len() == 1 => plan.services[0],
            None => plan.service_at(piece, rng.random::<f64>()),
        };
        let sv = &model.service_draws[usize::from(service)];
        let segment = match (replayed.and_then(|r| r.segment), sv.only_segment) {
            (Some(given), _) => given,
            (None, Some(only)) => only,
            (None, None) => draw_segment(&sc.services[usize::from(service)].segments, rng),
        };
        let sg = &model.segment_draws[usize::from(segment)];
        let (by_counter, by_kiosk) = model.servable[s][usize::from(service)];
        // Most requests choose the same way every time, without a draw (see
        // `Model::fixed_channel`); the others weigh what the site offers.
        let nseg = model.segment_draws.len();
        let fixed = model.fixed_channel[s].get(usize::from(service) * nseg + usize::from(segment));
        let given = replayed.and_then(|r| match r.channel {
            Some(TicketChannel::Counter) if by_counter => Some(Channel::Counter),
            Some(TicketChannel::Kiosk) if by_kiosk => Some(Channel::Kiosk),
            Some(TicketChannel::Portal) if sv.portal => Some(Channel::Portal),
            _ => None,
        });
        let channel = match (given, fixed) {
            (Some(channel), _) => channel,
            (None, Some(&Some(channel))) => channel,
            (None, _) => {
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
            let (number, issued) = (TicketNumber::Request(self.requests), env.now);
            env.note(FloorRow::Ticket(TicketRow {
                site: s,
                number,
                service,
                segment,
                channel: TicketChannel::Portal,
                issued,
                started: None,
                finished: issued,
                desk: None,
                outcome: TicketOutcome::Redirected,
            }));
            crate::office::open_online(env, id, service, segment, counted);
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
            id,
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
            sent_on: None,
            face_jobs: 0,
            visit: 0,
        };
        let wants_kiosk = channel == Channel::Kiosk;
        if follows_app && let Some((to, travel_ms)) = advise(service, env) {
            if counted {
                env.tally.routed_away += 1;
            }
            let line = if wants_kiosk { Line::Kiosk } else { Line::Counter };
            env.note_ticket(&applicant, line.channel(), None, TicketOutcome::Redirected);
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
    pub(super) fn admit<const PLAIN: bool>(
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
    pub(super) fn transfer_arrive(&mut self, index: u32, env: &mut Env<'_>) {
        let Some((mut a, wants_kiosk)) = env.transfers.take(index) else { return };
        a.arrived = env.now;
        a.queued_at = env.now;
        (a.keys.month, a.keys.weekday_hour) = self.clock_keys(env.now, env.model);
        self.admit::<false>(a, wants_kiosk, env);
    }

    /// A person whose case is ready comes back to collect the document.
    #[inline(never)]
    pub(super) fn pickup_arrive(&mut self, case: u64, env: &mut Env<'_>) {
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
            sent_on: None,
            face_jobs: 0,
            visit: 0,
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

    /// The month (index in the model's months) and weekday-hour keys of `now`, worked out
    /// again only when `now` leaves the clock hour of the last arrival: months start on the
    /// hour, so neither key changes within one. Arrivals come in time order, so the month
    /// is a cursor that only moves forward.
    pub(super) fn clock_keys(&mut self, now: SimTime, model: &Model) -> (u16, u16) {
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
}

/// The app's advice for a person asking for `service` at the site of `env`: another open
/// site within the radius that serves it, where extra travel plus announced wait is less
/// than the announced wait here; `None` to stay. The announced wait of a site is the people
/// in its lines times the mean officer minutes, over its servers working.
#[inline(never)]
fn advise(service: u16, env: &Env<'_>) -> Option<(usize, i64)> {
    let model = env.model;
    let per = model.announced_min_per_person;
    let wait = |b: &Board| f64::from(b.waiting) * per / f64::from(b.servers.max(1));
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
        Some(d) => {
            minutes_to_ms(d.sample(&mut rng[Purpose::KioskService.site_slot()])) + sv.kiosk_check_ms
        }
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
    pub(super) fn put(&mut self, a: Applicant, wants_kiosk: bool) -> u32 {
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

    pub(super) fn take(&mut self, i: u32) -> Option<(Applicant, bool)> {
        let t = self.slots.get_mut(i as usize)?.take()?;
        self.free.push(i);
        Some(t)
    }
}

/// Weekday (Monday = 0) × 24 + hour of `t`.
fn weekday_hour(t: SimTime) -> u16 {
    let days = t.0.div_euclid(crate::time::DAY_MS);
    // 1970-01-01 was a Thursday (Monday = 0 makes it 3).
    let weekday = (days + 3).rem_euclid(7);
    let hour = t.0.rem_euclid(crate::time::DAY_MS) / HOUR_MS;
    u16::try_from(weekday * 24 + hour).unwrap_or(0)
}
