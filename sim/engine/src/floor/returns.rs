//! People who leave unserved — balked, reneged, sent home at closing, or not servable here —
//! come back another day with their segment's probability, after its delay, up to its
//! number of visits (scenario `retrial`); the rest are lost demand. A return is a later
//! visit the floor simulates like an arrival: the same person, with the same needs, in the
//! same line; only their patience and balking draw are drawn again for the new day.
//!
//! Every draw about a return comes from the person's own stream for that visit
//! ([`Purpose::Retrial`], ChaCha8 stream = the visit number), never from the site's
//! streams: newcomers see the same random numbers with returns or without, so first visits
//! are the same in both (a test checks it), and a variant of the scenario (say, without
//! kiosks) sends the same person back after the same delay.

use rand::RngExt;

use super::SiteState;
use crate::components::{Applicant, Event, Whereabouts};
use crate::event_loop::Env;
use crate::streams::{Purpose, person_stream};
use crate::time::{DAY_MS, MINUTE_MS, SimTime, minutes_to_ms};

impl SiteState {
    /// `a` has just left unserved from the kiosk line (`from_kiosk`) or the counter line:
    /// books the wasted trip, then sends them home to come back later, or counts them lost.
    pub(super) fn after_failed_visit(
        &mut self,
        mut a: Applicant,
        from_kiosk: bool,
        env: &mut Env<'_>,
    ) {
        let model = env.model;
        let sg = &model.segment_draws[usize::from(a.segment)];
        if a.counted {
            env.tally.wasted_trip_ms += env.now.0 - a.arrived.0 + sg.trip_ms;
            // The time at the site is already citizen time; the wasted round trip is too.
            env.tally.citizen_ms += sg.trip_ms;
        }
        let Some(r) = &sg.retrial else {
            env.tally.lost += u64::from(a.counted);
            return;
        };
        let visits = u32::from(a.visit) + 1;
        let mut rng = person_stream(env.fixed.seed, env.fixed.replication, Purpose::Retrial, a.id);
        rng.set_stream(u64::from(a.visit));
        let comes_back = rng.random::<f64>() < r.probability;
        let delay_days = r.delay_days.sample(&mut rng);
        if !comes_back || visits >= r.max_visits {
            env.tally.lost += u64::from(a.counted);
            return;
        }
        env.tally.returns_promised += u64::from(a.counted);
        // At least a minute later; outside opening hours, when the site next opens.
        let delay_ms = ((delay_days * DAY_MS as f64).round() as i64).max(MINUTE_MS);
        let at = next_open(&model.plans[env.site].open, env.now.0 + delay_ms);
        // The new day's patience and balking.
        a.patience_ms = sg.patience.as_ref().map(|d| minutes_to_ms(d.sample(&mut rng)));
        if sg.balking.is_some() {
            a.balk_draw = rng.random::<f64>();
        }
        a.visit = a.visit.saturating_add(1);
        let Some(at) = at else { return };
        let index = self.returning.put(a, from_kiosk);
        env.schedule(SimTime(at), Event::Return(index));
    }

    /// A person who left unserved comes back: a new visit, counted as an arrival (and a
    /// return) here.
    #[inline(never)]
    pub(super) fn return_visit(&mut self, index: u32, env: &mut Env<'_>) {
        let Some((mut a, wants_kiosk)) = self.returning.take(index) else { return };
        a.arrived = env.now;
        a.queued_at = env.now;
        a.at = Whereabouts::InService;
        a.stay = 0;
        a.waited_ms = 0;
        a.face_fallback = None;
        a.sent_on = None;
        a.face_jobs = 0;
        (a.keys.month, a.keys.weekday_hour) = self.clock_keys(env.now, env.model);
        env.tally.returns += u64::from(a.counted);
        self.admit::<false>(a, wants_kiosk, env);
    }
}

/// The first instant at or after `t` when the site is open (`open`: its windows, sorted),
/// `None` past its last window.
fn next_open(open: &[(i64, i64)], t: i64) -> Option<i64> {
    let i = open.partition_point(|&(_, end)| end <= t);
    open.get(i).map(|&(start, _)| start.max(t))
}

#[cfg(test)]
mod tests {
    use super::next_open;

    #[test]
    fn a_return_outside_opening_hours_comes_at_the_next_opening() {
        let open = [(10, 20), (30, 40)];
        assert_eq!(next_open(&open, 5), Some(10));
        assert_eq!(next_open(&open, 10), Some(10));
        assert_eq!(next_open(&open, 15), Some(15));
        assert_eq!(next_open(&open, 20), Some(30));
        assert_eq!(next_open(&open, 39), Some(39));
        assert_eq!(next_open(&open, 40), None);
    }
}
