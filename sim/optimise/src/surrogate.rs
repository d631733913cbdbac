//! The queueing surrogate: a site's yearly officer busy hours and citizen hours from Erlang C,
//! hour by hour of the opening day, in microseconds instead of a simulated year. It ranks
//! and prunes; the twin judges.
//!
//! Per demand line: the segments' channel shares at mid-horizon (portal users stay home;
//! kiosk users where the site has kiosks and the service can be done there; the rest at a
//! counter), kiosk sessions that fail and users who need help where no assistant works go on
//! to a counter. Each open hour gets its share of the day's demand by the line's profile;
//! counters (all groups pooled) and kiosks are M/M/c queues (`erlang_c_mean_wait`), and an
//! hour past saturation waits the segments' mean patience. Citizen hours = people × (wait +
//! service); officer busy hours = counter people × counter minutes.

use navbat_engine::erlang_c_mean_wait;
use navbat_scenario::{Dist, Scenario};

/// What the surrogate says of one site over the horizon.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SurrogateSite {
    /// Officer busy hours.
    pub officer_busy_hours: f64,
    /// Citizen hours at the site.
    pub citizen_hours: f64,
    /// People who came.
    pub arrivals: f64,
    /// Mean wait, minutes.
    pub mean_wait_min: f64,
}

/// Waiting minutes past saturation (and the cap on any hour's wait) [est.: about the
/// segments' mean patience in the pilot scenario].
const SATURATED_WAIT_MIN: f64 = 90.0;

/// Mean wait in an M/M/c queue with `per_hour` arrivals and `minutes` service, capped.
fn wait_min(per_hour: f64, minutes: f64, servers: u32) -> f64 {
    if per_hour <= 0.0 || minutes <= 0.0 {
        return 0.0;
    }
    if servers == 0 {
        return SATURATED_WAIT_MIN;
    }
    let (lambda, mu) = (per_hour / 60.0, 1.0 / minutes);
    erlang_c_mean_wait(lambda, mu, servers)
        .map_or(SATURATED_WAIT_MIN, |w| w.min(SATURATED_WAIT_MIN))
}

/// The surrogate of site 0 of `scenario` (a one-site scenario, as [`crate::Universe::site_scenario`]
/// makes).
pub fn surrogate_site(scenario: &Scenario) -> SurrogateSite {
    let Some(site) = scenario.sites.first() else { return SurrogateSite::default() };
    let days = (scenario.end - scenario.start).get_days().max(1) as f64;
    let weeks = days / 7.0;
    let counters: u32 = site.counters.iter().map(|c| c.count).sum();
    let kiosks: u32 = site.kiosks.iter().map(|k| k.count).sum();
    let caps = site.kiosks.first().map(|k| k.capabilities);
    // Open hours of each hour of day in a week.
    let mut open_per_week = [0.0f64; 24];
    for day in &site.hours.by_weekday {
        for &(a, b) in day {
            for (h, slot) in open_per_week.iter_mut().enumerate() {
                let (hs, he) = (h as f64 * 60.0, (h + 1) as f64 * 60.0);
                let overlap = (f64::from(b).min(he) - f64::from(a).max(hs)).max(0.0);
                *slot += overlap / 60.0;
            }
        }
    }
    // Per hour of day: counter and kiosk arrivals a year, and their service minutes summed.
    let mut counter = [(0.0f64, 0.0f64); 24];
    let mut kiosk = [(0.0f64, 0.0f64); 24];
    let mut helpers = [(0.0f64, 0.0f64); 24];
    let mut arrivals = 0.0;
    for d in &site.demand {
        let Some(svc) = scenario.services.get(usize::from(d.service)) else { continue };
        let Some(profile) = scenario.profiles.get(usize::from(d.profile)) else { continue };
        let open_weight: f64 =
            (0..24).filter(|&h| open_per_week[h] > 0.0).map(|h| profile.hour_of_day[h]).sum();
        if open_weight <= 0.0 {
            continue;
        }
        let at_kiosk_possible = kiosks > 0
            && svc.kiosk_minutes.is_some()
            && svc.kiosk_needs.is_some_and(|n| caps.is_some_and(|c| c.0 & n.0 == n.0));
        let counter_min = Dist::mean(&svc.counter_minutes);
        let kiosk_min = svc.kiosk_minutes.as_ref().map_or(0.0, Dist::mean);
        for &(seg_idx, weight) in &svc.segments {
            let Some(seg) = scenario.segments.get(usize::from(seg_idx)) else { continue };
            let ch = seg.channel_at(0.5);
            // Yearly volumes are spread over 365 days from the start; the horizon takes its days.
            let people = d.yearly * weight * (days / 365.0).min(1.0);
            let portal = if svc.portal { ch.portal } else { 0.0 };
            let came = people * (1.0 - portal);
            arrivals += came;
            let (help_share, help_min) =
                seg.assistance.as_ref().map_or((0.0, 0.0), |a| (a.share, Dist::mean(&a.minutes)));
            let kiosk_users = if at_kiosk_possible { people * ch.kiosk } else { 0.0 };
            let helped = if site.floor_assistants > 0 { kiosk_users * help_share } else { 0.0 };
            let unhelped = if site.floor_assistants > 0 { 0.0 } else { kiosk_users * help_share };
            let kiosk_sessions = kiosk_users - unhelped;
            let fallback = kiosk_sessions * (1.0 - seg.kiosk_success) + unhelped;
            let counter_people = came - kiosk_users + fallback;
            for h in 0..24 {
                if open_per_week[h] <= 0.0 {
                    continue;
                }
                let share = profile.hour_of_day[h] / open_weight;
                counter[h].0 += counter_people * share;
                counter[h].1 += counter_people * share * counter_min;
                kiosk[h].0 += kiosk_sessions * share;
                kiosk[h].1 += kiosk_sessions * share * kiosk_min + helped * share * help_min;
                helpers[h].0 += helped * share;
                helpers[h].1 += helped * share * help_min;
            }
        }
    }
    let mut out = SurrogateSite { arrivals, ..SurrogateSite::default() };
    let mut waited = 0.0;
    for h in 0..24 {
        let hours = open_per_week[h] * weeks;
        if hours <= 0.0 {
            continue;
        }
        let (cn, cm) = counter[h];
        let (kn, km) = kiosk[h];
        let (an, am) = helpers[h];
        let c_min = if cn > 0.0 { cm / cn } else { 0.0 };
        let k_min = if kn > 0.0 { km / kn } else { 0.0 };
        let a_min = if an > 0.0 { am / an } else { 0.0 };
        let wc = wait_min(cn / hours, c_min, counters);
        let wk = wait_min(kn / hours, k_min, kiosks);
        let wa = wait_min(an / hours, a_min, site.floor_assistants);
        out.officer_busy_hours += cm / 60.0;
        out.citizen_hours += (cn * wc + cm + kn * wk + km + an * wa) / 60.0;
        waited += cn * wc + kn * wk;
    }
    out.mean_wait_min = if arrivals > 0.0 { waited / arrivals } else { 0.0 };
    out
}
