//! The floor's two lines: joining one (or balking), being served at once by a free server,
//! waiting, leaving the line, and being picked by a counter or a kiosk.

use super::{Line, SiteState, face_job_bit, kiosk_need, needs_face, take_at};
use crate::components::{Applicant, Event, PersonKey, Server, Whereabouts};
use crate::event_loop::Env;
use crate::face::FaceJob;
use crate::rows::TicketOutcome;
use crate::time::SimTime;

impl SiteState {
    /// Puts person `p` in `line` (balking first if `may_balk`), then lets servers pick.
    pub(super) fn join<const PLAIN: bool>(
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
                self.depart(p, TicketOutcome::Balked, line, env);
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
    pub(super) fn free_server_for(
        &self,
        a: &Applicant,
        line: Line,
        env: &Env<'_>,
    ) -> Option<Server> {
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
    pub(super) fn enqueue(
        &mut self,
        p: PersonKey,
        line: Line,
        front: bool,
        env: &mut Env<'_>,
    ) -> u32 {
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
    pub(super) fn leave_line(&mut self, p: PersonKey, env: &mut Env<'_>) -> Option<i64> {
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
    pub(super) fn take_for_counter(&mut self, group: u16, env: &Env<'_>) -> Option<PersonKey> {
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

    pub(super) fn take_for_kiosk(&mut self, k: usize, env: &Env<'_>) -> Option<PersonKey> {
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

    /// Asks the Face-ID worker, when there is one, for the session `p` will need at the end
    /// of `line`: the kiosk camera's where the service checks the face at a kiosk, otherwise
    /// an officer station's for the case. A guess: a person who leaves or changes lines
    /// first never takes it.
    pub(super) fn foresee_face(&mut self, p: PersonKey, line: Line, env: &Env<'_>) {
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
    pub(super) fn kiosk_up_for(&self, need: Option<navbat_scenario::Capabilities>) -> bool {
        need.is_some_and(|n| self.kiosks.iter().any(|k| k.up && k.capabilities.covers(n)))
    }
}
