//! Opening hours: windows open and close, and what starts a replication at a site.

use navbat_scenario::AtClosing;

use super::{
    Line, SiteState,
    kiosks::{schedule_failure, schedule_part_failure},
};
use crate::components::Event;
use crate::event_loop::Env;
use crate::time::SimTime;

impl SiteState {
    #[inline(never)]
    pub(super) fn open_window(&mut self, env: &mut Env<'_>) {
        let Some(&(_, close)) = env.model.plans[env.site].open.get(self.next_window) else {
            return;
        };
        self.open = true;
        self.close_at = SimTime(close);
        self.next_window += 1;
        env.schedule(SimTime(close), Event::Close);
    }

    #[inline(never)]
    pub(super) fn close_window(&mut self, env: &mut Env<'_>) {
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
            let group = usize::from(st.group);
            schedule_failure(k, group, env);
            let parts = env.model.scenario.sites[env.site].kiosks[group].components.len();
            for i in 0..parts {
                schedule_part_failure(k, group, i, env);
            }
        }
    }
}
