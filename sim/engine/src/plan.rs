//! The calendar of each site over the horizon, worked out once before a run: when it is
//! open, the arrival rate of every service in each open piece, and the counters' shifts.
//!
//! Demand is a non-homogeneous Poisson process with a piecewise-constant rate. Each open
//! window is cut at whole hours; a piece on date `d`, hour `h` has density
//! `weekday[wd(d)] * month[m(d)] * hour_of_day[h]` per hour of opening. A service's yearly
//! volume `V` is spread over the 365 days that start with the horizon in proportion to that
//! density, so a one-year horizon expects exactly `V` requests; closed days and hours shift
//! demand to open ones.

use jiff::civil::Date;
use navbat_scenario::{OpeningHours, Scenario, ServiceIdx, Site, weekday_index};
use rand_distr::{Distribution, Exp1};

use crate::streams::StreamRng;
use crate::time::{DAY_MS, MINUTE_MS, SimTime};

/// A piece of opening time with constant arrival rates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RatePiece {
    /// Start, ms.
    pub start: i64,
    /// End, ms (exclusive).
    pub end: i64,
    /// Total arrival rate over the site's services, per ms.
    pub rate_per_ms: f64,
}

/// One site's plan.
#[derive(Debug, Clone, PartialEq)]
pub struct SitePlan {
    /// Open windows `[open, close)` in time order.
    pub open: Vec<(i64, i64)>,
    /// Rate pieces in time order.
    pub pieces: Vec<RatePiece>,
    /// Services with demand here, in the order of `cumulative` rows.
    pub services: Vec<ServiceIdx>,
    /// Per piece, cumulative rates over `services` (row-major, `services.len()` per piece).
    pub cumulative: Vec<f64>,
    /// Per counter group, its duty windows in time order.
    pub shifts: Vec<Vec<(i64, i64)>>,
    /// Expected requests over the horizon (all channels).
    pub expected_requests: f64,
}

impl SitePlan {
    /// Picks the service of an arrival in piece `piece` from a uniform draw `u` in [0, 1).
    pub fn service_at(&self, piece: usize, u: f64) -> ServiceIdx {
        let n = self.services.len();
        let row = &self.cumulative[piece * n..(piece + 1) * n];
        let total = row[n - 1];
        let x = u * total;
        let k = row.iter().position(|&c| x < c).unwrap_or(n - 1);
        self.services[k]
    }
}

/// A site's arrival instants, drawn ahead a batch at a time from its arrival stream.
///
/// Each arrival is the inversion of the integrated piecewise-constant rate from the
/// millisecond after the one before: a unit exponential of "mass" is spent across the
/// pieces. The instants depend on nothing but the plan and the stream, so drawing a batch
/// gives the same instants as drawing one at each arrival, and the event loop reads them
/// without waiting on the division that ends each draw.
#[derive(Debug, Clone)]
pub struct Arrivals {
    /// The batch drawn last: (instant ms, rate piece).
    ahead: Vec<(i64, usize)>,
    /// How many of the batch have been handed out.
    taken: usize,
    /// Where the next draw starts: the millisecond after the last arrival drawn.
    from: i64,
    /// Rate piece of the last arrival drawn.
    piece: usize,
}

/// Arrivals drawn at a time.
const ARRIVAL_BATCH: usize = 16;

impl Arrivals {
    /// Nothing drawn yet; the first arrival comes at `start` or later.
    pub fn starting_at(start: SimTime) -> Self {
        Self { ahead: Vec::with_capacity(ARRIVAL_BATCH), taken: 0, from: start.0, piece: 0 }
    }

    /// Whether every arrival drawn has been taken.
    pub fn is_empty(&self) -> bool {
        self.taken >= self.ahead.len()
    }

    /// Hands out the next arrival drawn: (instant ms, rate piece).
    pub fn take_next(&mut self) -> Option<(i64, usize)> {
        let next = self.ahead.get(self.taken).copied();
        self.taken += 1;
        next
    }

    /// Draws up to a batch of arrivals from `rng` (fewer when the plan runs out).
    pub fn draw(&mut self, plan: &SitePlan, rng: &mut StreamRng) {
        self.ahead.clear();
        self.taken = 0;
        'draws: for _ in 0..ARRIVAL_BATCH {
            let mut mass: f64 = Exp1.sample(rng);
            let mut i = self.piece;
            while let Some(p) = plan.pieces.get(i) {
                let start = self.from.max(p.start);
                if start < p.end && p.rate_per_ms > 0.0 {
                    let capacity = p.rate_per_ms * (p.end - start) as f64;
                    if mass < capacity {
                        let t = (start + (mass / p.rate_per_ms) as i64).min(p.end - 1);
                        self.piece = i;
                        self.from = t + 1;
                        self.ahead.push((t, i));
                        continue 'draws;
                    }
                    mass -= capacity;
                }
                i += 1;
            }
            // The plan is spent: no one else comes.
            self.piece = i;
            return;
        }
    }
}

/// Open pieces of `date` cut at whole hours: (start minute, end minute, hour).
fn day_pieces(hours: &OpeningHours, date: Date, holiday: bool) -> Vec<(u16, u16, usize)> {
    let mut out = Vec::new();
    for &(open, close) in hours.on(date, holiday) {
        let mut a = open;
        while a < close {
            let b = ((a / 60 + 1) * 60).min(close);
            out.push((a, b, usize::from(a / 60)));
            a = b;
        }
    }
    out
}

fn days(from: Date, count: i64) -> impl Iterator<Item = Date> {
    (0..count).filter_map(move |i| from.checked_add(jiff::Span::new().days(i)).ok())
}

/// Builds the plan of site `site` of `scenario`.
pub fn site_plan(scenario: &Scenario, site: &Site) -> SitePlan {
    let horizon_days = i64::from(scenario.days());
    let density = |profile: usize, date: Date, hour: usize| {
        let p = &scenario.profiles[profile];
        p.weekday[weekday_index(date.weekday())]
            * p.month[usize::from(date.month().unsigned_abs()) - 1]
            * p.hour_of_day[hour]
    };
    // Normalisers: density-weighted opening hours over the reference year, per demand.
    let demands: Vec<_> = site.demand.iter().filter(|d| d.yearly > 0.0).collect();
    let mut year_weight = vec![0.0; demands.len()];
    for date in days(scenario.start, 365) {
        for (a, b, h) in day_pieces(&site.hours, date, scenario.is_holiday(date)) {
            let hours_open = f64::from(b - a) / 60.0;
            for (k, d) in demands.iter().enumerate() {
                year_weight[k] += density(usize::from(d.profile), date, h) * hours_open;
            }
        }
    }

    let services: Vec<ServiceIdx> = demands.iter().map(|d| d.service).collect();
    let mut open = Vec::new();
    let mut pieces = Vec::new();
    let mut cumulative = Vec::new();
    let mut expected = 0.0;
    for date in days(scenario.start, horizon_days) {
        let holiday = scenario.is_holiday(date);
        let midnight = SimTime::at_midnight(date).0;
        for &(a, b) in site.hours.on(date, holiday) {
            open.push((midnight + i64::from(a) * MINUTE_MS, midnight + i64::from(b) * MINUTE_MS));
        }
        for (a, b, h) in day_pieces(&site.hours, date, holiday) {
            let start = midnight + i64::from(a) * MINUTE_MS;
            let end = midnight + i64::from(b) * MINUTE_MS;
            let mut acc = 0.0;
            for (k, d) in demands.iter().enumerate() {
                if year_weight[k] > 0.0 {
                    // Requests per hour of opening, then per ms.
                    let per_hour =
                        d.yearly * density(usize::from(d.profile), date, h) / year_weight[k];
                    acc += per_hour / (60.0 * MINUTE_MS as f64);
                }
                cumulative.push(acc);
            }
            expected += acc * (end - start) as f64;
            pieces.push(RatePiece { start, end, rate_per_ms: acc });
        }
    }

    let shifts = site
        .counters
        .iter()
        .map(|group| {
            let mut windows = Vec::new();
            for date in days(scenario.start, horizon_days) {
                if site.hours.on(date, scenario.is_holiday(date)).is_empty() {
                    continue;
                }
                let wd = weekday_index(date.weekday());
                let midnight = SimTime::at_midnight(date).0;
                for s in group.shifts.iter().filter(|s| s.runs_on(wd)) {
                    windows.push((
                        midnight + i64::from(s.start) * MINUTE_MS,
                        midnight + i64::from(s.end) * MINUTE_MS,
                    ));
                }
            }
            merge_adjacent(windows)
        })
        .collect();
    let open = merge_adjacent(open);

    SitePlan { open, pieces, services, cumulative, shifts, expected_requests: expected }
}

/// Sorts windows and joins those that touch or overlap, so a site open until midnight and
/// again from midnight has one window, not a close and an open at the same instant.
fn merge_adjacent(mut windows: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    windows.sort_unstable();
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(windows.len());
    for (a, b) in windows {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// End of the horizon: midnight after the last day.
pub fn horizon_end(scenario: &Scenario) -> SimTime {
    SimTime(SimTime::at_midnight(scenario.end).0 + DAY_MS)
}

/// Working windows over the horizon for `hours` (closed on holidays unless the hours say
/// otherwise), e.g. a back-office team's.
pub fn windows(scenario: &Scenario, hours: &OpeningHours) -> Vec<(i64, i64)> {
    let mut out = Vec::new();
    for date in days(scenario.start, i64::from(scenario.days())) {
        let midnight = SimTime::at_midnight(date).0;
        for &(a, b) in hours.on(date, scenario.is_holiday(date)) {
            out.push((midnight + i64::from(a) * MINUTE_MS, midnight + i64::from(b) * MINUTE_MS));
        }
    }
    merge_adjacent(out)
}
