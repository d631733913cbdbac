//! Kiosks: sessions, floor assistants who help at them, breakdowns and repairs.

use rand_distr::{Distribution, Exp1};

use super::{Help, Line, SiteState};
use crate::components::{Event, PersonKey, Server};
use crate::event_loop::Env;
use crate::rows::{FloorRow, KioskRow};
use crate::streams::Purpose;
use crate::time::{HOUR_MS, SimTime, minutes_to_ms};

impl SiteState {
    pub(super) fn dispatch_kiosks(&mut self, env: &mut Env<'_>) {
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
    pub(super) fn start_kiosk_session(&mut self, k: usize, p: PersonKey, env: &mut Env<'_>) {
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
    pub(super) fn next_assist(&mut self, env: &mut Env<'_>) {
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
    pub(super) fn kiosk_fail(&mut self, k: usize, env: &mut Env<'_>) {
        let st = &mut self.kiosks[k];
        st.up = false;
        st.down_since = env.now;
        st.session += 1;
        // Whoever was helped or waited for help starts again, needing it again.
        st.help = Help::None;
        let group = usize::from(st.group);
        env.tally.kiosk_failures += 1;
        let (site, at) = (env.site, env.now);
        env.note(FloorRow::Kiosk(KioskRow { site, kiosk: k as u16, at, up: false }));
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
    pub(super) fn kiosk_repaired(&mut self, k: usize, env: &mut Env<'_>) {
        let st = &mut self.kiosks[k];
        st.up = true;
        env.tally.kiosk_down_ms += env.now.0 - st.down_since.0;
        let (site, at) = (env.site, env.now);
        env.note(FloorRow::Kiosk(KioskRow { site, kiosk: k as u16, at, up: true }));
        let group = usize::from(st.group);
        schedule_failure(k, group, env);
        self.dispatch_kiosks(env);
    }
}

/// Schedules the next breakdown of kiosk `k` (of group `group`), if its kind fails.
pub(super) fn schedule_failure(k: usize, group: usize, env: &mut Env<'_>) {
    let Some(f) = &env.model.scenario.sites[env.site].kiosks[group].failures else { return };
    let e: f64 = Exp1.sample(env.rng(Purpose::KioskFailure));
    let after = (e * f.mtbf_hours * HOUR_MS as f64) as i64;
    env.schedule(SimTime(env.now.0 + after.max(1)), Event::KioskFail(k as u16));
}
