//! Kiosks: sessions, floor assistants who help at them, breakdowns and repairs.

use rand_distr::{Distribution, Exp1};

use super::{Help, Line, SiteState, kiosk_need};
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

    /// Part `part` of kiosk `k` breaks down (0 the whole device, `1 + i` its group's
    /// `i`-th component). A kiosk that was working goes out of service and the person at it
    /// goes back to the head of the kiosk line. After any breakdown (a component's, or the
    /// whole device's calendar-time failure), everyone in the kiosk line whom no working
    /// kiosk can serve goes to a counter.
    #[inline(never)]
    pub(super) fn kiosk_fail(&mut self, k: usize, part: u8, env: &mut Env<'_>) {
        let st = &mut self.kiosks[k];
        let was_up = st.up;
        st.down |= 1 << part;
        st.up = false;
        let group = usize::from(st.group);
        let component = component_of(env, group, part);
        let (site, at) = (env.site, env.now);
        env.note(FloorRow::Kiosk(KioskRow { site, kiosk: k as u16, at, up: false, component }));
        let hours = match part {
            0 => env.model.repair[site][group]
                .as_ref()
                .map(|d| d.sample(env.rng(Purpose::KioskRepair))),
            _ => env.model.part_repair[site][group]
                .get(usize::from(part) - 1)
                .map(|d| d.sample(env.rng(Purpose::KioskRepair))),
        };
        let hours = hours.unwrap_or(0.0);
        env.schedule(
            SimTime(env.now.0 + minutes_to_ms(hours * 60.0)),
            Event::KioskRepaired(k as u16, part),
        );
        if !was_up {
            return;
        }
        let st = &mut self.kiosks[k];
        st.down_since = env.now;
        st.session += 1;
        // Whoever was helped or waited for help starts again, needing it again.
        st.help = Help::None;
        env.tally.kiosk_failures += 1;
        if let Some(p) = st.serving.take() {
            env.tally.kiosk_busy_ms += env.now.0 - st.busy_since.0;
            // The person starts again at the head of the kiosk line, or goes to a counter
            // when no other kiosk can serve them.
            self.enqueue(p, Line::Kiosk, true, env);
        }
        // Whatever broke, the line does not wait for a repair that may take hours: people
        // whom no working kiosk can serve go on to counters.
        self.move_kiosk_line_to_counters(env);
        self.dispatch_kiosks(env);
    }

    /// Everyone in the kiosk line whose request no working kiosk can take and a counter
    /// can goes to the counter line (keeping their place in arrival order).
    fn move_kiosk_line_to_counters(&mut self, env: &mut Env<'_>) {
        if self.kiosk_waiting == 0 {
            return;
        }
        let line: Vec<PersonKey> = self.kiosk_line.iter().copied().collect();
        for p in line {
            let Some(a) = self.people.get(p) else { continue };
            if a.at != crate::components::Whereabouts::KioskLine {
                continue;
            }
            let need = kiosk_need(a, env.model);
            let by_counter = env.model.servable[env.site][usize::from(a.service)].0;
            if self.kiosk_up_for(need) || !by_counter {
                continue;
            }
            self.leave_line(p, env);
            self.send_on_to_counters(p, None, env);
        }
    }

    #[inline(never)]
    pub(super) fn kiosk_repaired(&mut self, k: usize, part: u8, env: &mut Env<'_>) {
        let st = &mut self.kiosks[k];
        st.down &= !(1 << part);
        let group = usize::from(st.group);
        match part {
            0 => schedule_failure(k, group, env),
            _ => schedule_part_failure(k, group, usize::from(part) - 1, env),
        }
        let st = &mut self.kiosks[k];
        if st.down != 0 || st.up {
            return;
        }
        st.up = true;
        env.tally.kiosk_down_ms += env.now.0 - st.down_since.0;
        let (site, at) = (env.site, env.now);
        env.note(FloorRow::Kiosk(KioskRow {
            site,
            kiosk: k as u16,
            at,
            up: true,
            component: None,
        }));
        self.dispatch_kiosks(env);
    }
}

/// The component that part `part` of a kiosk of group `group` names (`None`: the device).
fn component_of(env: &Env<'_>, group: usize, part: u8) -> Option<navbat_scenario::KioskPart> {
    let i = usize::from(part).checked_sub(1)?;
    env.model.scenario.sites[env.site].kiosks[group].components.get(i).map(|c| c.part)
}

/// Schedules the next breakdown of component `i` of kiosk `k` (of group `group`): after an
/// exponential number of operating hours (the site's open windows), so a kiosk wears only
/// while in use; none if that falls past the horizon.
pub(super) fn schedule_part_failure(k: usize, group: usize, i: usize, env: &mut Env<'_>) {
    let Some(c) = env.model.scenario.sites[env.site].kiosks[group].components.get(i) else {
        return;
    };
    let e: f64 = Exp1.sample(env.rng(Purpose::KioskFailure));
    let operating_ms = ((e * c.mtbf_operating_hours * HOUR_MS as f64) as i64).max(1);
    let open = &env.model.plans[env.site].open;
    if let Some(at) = after_operating(open, env.now.0, operating_ms) {
        let part = u8::try_from(i + 1).unwrap_or(u8::MAX);
        env.schedule(SimTime(at), Event::KioskFail(k as u16, part));
    }
}

/// The instant `operating_ms` of open time after `now`, counting only the open windows
/// `open` (sorted, disjoint); `None` past the last window.
fn after_operating(open: &[(i64, i64)], now: i64, operating_ms: i64) -> Option<i64> {
    let mut left = operating_ms;
    let mut i = open.partition_point(|&(_, end)| end <= now);
    while let Some(&(start, end)) = open.get(i) {
        let from = start.max(now);
        if left <= end - from {
            return Some(from + left);
        }
        left -= end - from;
        i += 1;
    }
    None
}

/// Schedules the next breakdown of kiosk `k` (of group `group`), if its kind fails.
pub(super) fn schedule_failure(k: usize, group: usize, env: &mut Env<'_>) {
    let Some(f) = &env.model.scenario.sites[env.site].kiosks[group].failures else { return };
    let e: f64 = Exp1.sample(env.rng(Purpose::KioskFailure));
    let after = (e * f.mtbf_hours * HOUR_MS as f64) as i64;
    env.schedule(SimTime(env.now.0 + after.max(1)), Event::KioskFail(k as u16, 0));
}

#[cfg(test)]
mod tests {
    use super::after_operating;

    #[test]
    fn operating_time_counts_only_open_windows() {
        let open = [(10, 20), (30, 40), (50, 60)];
        assert_eq!(after_operating(&open, 0, 5), Some(15));
        assert_eq!(after_operating(&open, 15, 5), Some(20));
        assert_eq!(after_operating(&open, 15, 6), Some(31));
        assert_eq!(after_operating(&open, 25, 15), Some(55));
        assert_eq!(after_operating(&open, 0, 31), None);
    }
}
