//! Officer counters: the hand-over from one person to the next, shifts, and sending people
//! home when no officer is left after closing.

use navbat_scenario::AtClosing;

use super::{Line, SiteState};
use crate::components::{Event, PersonKey, Server, Whereabouts};
use crate::event_loop::Env;
use crate::rows::{DutyRow, FloorRow, TicketOutcome};
use crate::time::SimTime;

impl SiteState {
    pub(super) fn dispatch_counters(&mut self, env: &mut Env<'_>) {
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
    pub(super) fn start_counter_service(
        &mut self,
        c: usize,
        p: PersonKey,
        duration: i64,
        env: &mut Env<'_>,
    ) {
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
    pub(super) fn counter_idle(&mut self, c: usize, env: &mut Env<'_>) {
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
    pub(super) fn counter_leaves(&mut self, c: usize, env: &mut Env<'_>) {
        self.set_on_duty(c, false);
        let st = &mut self.counters[c];
        st.overtime = false;
        if let Some(since) = st.duty_since.take() {
            env.tally.duty_ms += env.now.0 - since.0;
            let (site, counter, to) = (env.site, c as u16, env.now);
            env.note(FloorRow::Duty(DutyRow { site, counter, from: since, to }));
        }
        self.send_home_if_unstaffed(env);
    }

    #[inline(never)]
    pub(super) fn shift_start(&mut self, c: usize, env: &mut Env<'_>) {
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
    pub(super) fn shift_end(&mut self, c: usize, env: &mut Env<'_>) {
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
    pub(super) fn set_on_duty(&mut self, c: usize, on: bool) {
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
    pub(super) fn send_home_if_unstaffed(&mut self, env: &mut Env<'_>) {
        if self.open || self.counter_waiting == 0 {
            return;
        }
        if !self.counters.iter().any(|c| c.on_duty || c.serving.is_some()) {
            self.send_home(Line::Counter, env);
        }
    }

    #[inline(never)]
    pub(super) fn send_home(&mut self, line: Line, env: &mut Env<'_>) {
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
            self.depart(p, TicketOutcome::SentHome, line, env);
        }
    }
}
