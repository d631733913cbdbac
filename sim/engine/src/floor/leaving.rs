//! The end of a visit: a service that ends (at a counter, or at a kiosk with its Face-ID
//! check), the case it opens in the back office, and people who leave served, give up,
//! or are sent away.

use super::{Help, Line, SiteState, face_job_bit, needs_face};
use crate::components::{Applicant, FaceSession, PersonKey, Server, Whereabouts};
use crate::event_loop::Env;
use crate::face::Taken;
use crate::office::{CaseChannel, Request};
use crate::rows::{TicketChannel, TicketOutcome};

impl SiteState {
    pub(super) fn service_done<const PLAIN: bool>(
        &mut self,
        server: Server,
        session: u32,
        env: &mut Env<'_>,
    ) {
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
                    self.finish_served::<PLAIN>(p, Server::Counter(c as u16), env);
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
                    self.kiosk_session_ends(p, k as u16, helpless, env);
                }
                self.dispatch_kiosks(env);
            }
        }
    }

    /// The session of `p` at kiosk `k` ends; `helpless`: they needed an assistant and the
    /// site has none, so they could not finish and go on to a counter.
    pub(super) fn kiosk_session_ends(
        &mut self,
        p: PersonKey,
        k: u16,
        helpless: bool,
        env: &mut Env<'_>,
    ) {
        let Some(a) = self.people.get(p) else { return };
        if a.pickup.is_some() {
            self.finish_served::<false>(p, Server::Kiosk(k), env);
            return;
        }
        let (service, counted, keys) = (a.service, a.counted, a.keys);
        let face_ok = helpless || !needs_face(service, env.model) || self.face_check(p, env);
        let Some(a) = self.people.get(p) else { return };
        if a.kiosk_ok && face_ok && !helpless {
            self.finish_served::<false>(p, Server::Kiosk(k), env);
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
            let group = f.group as u16;
            if let Some(a) = self.people.get_mut(p) {
                a.face_fallback = Some((env.now, group));
            }
        }
        if env.model.servable[env.site][usize::from(service)].0 {
            let session = (Server::Kiosk(k), self.kiosks[usize::from(k)].busy_since);
            self.send_on_to_counters(p, Some(session), env);
        } else {
            if counted {
                env.tally.unserved += 1;
                env.tally.cells.bump(keys, |c| c.abandoned += 1);
            }
            self.depart(p, TicketOutcome::Abandoned, Line::Kiosk, env);
        }
    }

    /// Person `p` goes from the kiosks (after `session` at one, or from the kiosk line) to
    /// the counter line: their kiosk ticket ends `redirected` and the counter line issues
    /// them a ticket of its own now, as a queue system would.
    pub(super) fn send_on_to_counters(
        &mut self,
        p: PersonKey,
        session: Option<(Server, crate::time::SimTime)>,
        env: &mut Env<'_>,
    ) {
        if let Some(a) = self.people.get(p) {
            env.note_ticket(a, TicketChannel::Kiosk, session, TicketOutcome::Redirected);
        }
        if let Some(a) = self.people.get_mut(p) {
            a.sent_on = Some(env.now);
        }
        self.join::<false>(p, Line::Counter, false, env);
    }

    /// Face-ID of person `p` at a kiosk with the real matcher: their identity, a record
    /// photo taken at an officer station, a kiosk capture, then 1:1 verification. Returns
    /// whether they were matched; a failure to acquire or a false non-match sends them on
    /// to an officer. Always true when Face-ID is off.
    pub(super) fn face_check(&mut self, p: PersonKey, env: &mut Env<'_>) -> bool {
        let Some(a) = self.people.get(p) else { return true };
        let counted = a.counted;
        let Some(f) = face_session(a, navbat_matching::Device::KioskCamera, env) else {
            return true;
        };
        // Genuine attempts only: an impostor's is counted by the case it opens.
        if counted
            && !f.impostor
            && let Some(cell) = env.tally.face.get_mut(f.group)
        {
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

    /// Person `p` leaves served by `server`.
    pub(super) fn finish_served<const PLAIN: bool>(
        &mut self,
        p: PersonKey,
        server: Server,
        env: &mut Env<'_>,
    ) {
        let (at_kiosk, started, channel) = match server {
            Server::Counter(c) => {
                (false, self.counters[usize::from(c)].busy_since, TicketChannel::Counter)
            }
            Server::Kiosk(k) => {
                (true, self.kiosks[usize::from(k)].busy_since, TicketChannel::Kiosk)
            }
        };
        let served = Some((server, started));
        let a = if PLAIN {
            let Some(a) = self.leave_site::<true>(p, env) else { return };
            env.note_ticket(a, channel, served, TicketOutcome::Served);
            a
        } else {
            // The kiosk's capture, if its session just ended (the slot is only written when
            // there is one: most people leave none).
            let session = match self.face_session.is_some().then(|| self.face_session.take()) {
                Some(Some((key, f))) if key == p && at_kiosk => Some(f),
                _ => None,
            };
            let Some(a) = self.depart_served(p, at_kiosk, env) else { return };
            env.note_ticket(a, channel, served, TicketOutcome::Served);
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

    /// Person `p` leaves the site unserved (`why`) from `line`; their time here is booked
    /// as citizen time, a pickup visitor will come back another day, and anyone else may
    /// come back too (see the `returns` module) or be lost demand.
    #[inline(never)]
    pub(super) fn depart(
        &mut self,
        p: PersonKey,
        why: TicketOutcome,
        line: Line,
        env: &mut Env<'_>,
    ) {
        let Some(a) = self.leave_site::<false>(p, env) else { return };
        env.note_ticket(a, line.channel(), None, why);
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
            return;
        }
        let a = a.clone();
        self.after_failed_visit(a, line == Line::Kiosk, env);
    }

    /// Person `p` leaves the site served; a pickup visitor's document is handed over.
    pub(super) fn depart_served(
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
    pub(super) fn leave_site<const PLAIN: bool>(
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
            && let Some(extra) = env.tally.face_extra_ms.get_mut(usize::from(group))
        {
            *extra += env.now.0 - since.0;
        }
        Some(a)
    }

    #[inline(never)]
    pub(super) fn renege(&mut self, p: PersonKey, stay: u32, env: &mut Env<'_>) {
        let Some(a) = self.people.get(p) else { return };
        if a.stay != stay || a.at == Whereabouts::InService {
            return;
        }
        let (counted, keys) = (a.counted, a.keys);
        let line = if a.at == Whereabouts::KioskLine { Line::Kiosk } else { Line::Counter };
        self.leave_line(p, env);
        if counted {
            env.tally.reneged += 1;
            env.tally.cells.bump(keys, |c| c.abandoned += 1);
        }
        self.depart(p, TicketOutcome::Abandoned, line, env);
    }
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
    let face = f.as_ref().map(crate::office::FaceFacts::of).unwrap_or_default();
    let (group, score, template, searched) = match f {
        Some(f) => (f.group, f.score, f.template, f.searched),
        None => (0, 0.0, None, None),
    };
    let channel = if at_kiosk { CaseChannel::Kiosk } else { CaseChannel::Counter };
    let request = Request {
        channel,
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
        face,
    };
    let (now, model) = (env.now, env.model);
    if let Some(office) = env.office.as_deref_mut() {
        office.open(request, now, model, env.cal);
    }
    face_jobs
}
