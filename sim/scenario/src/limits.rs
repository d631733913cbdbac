//! Upper limits on what a scenario or sweep may ask for.
//!
//! Each limit is far above anything a national scenario needs (Uzbekistan: about 38 million
//! people, 208 units in `national-2026.ron`) and low enough that a run's memory and time stay
//! bounded. Validation rejects a value past its limit with a located error, so the engine
//! never meets one.

/// Earliest horizon or holiday year: no migration-station data predates it.
pub const MIN_YEAR: i16 = 1900;
/// Latest horizon or holiday year: keeps the 365 days over which yearly demand is spread
/// (and ten years of horizon after them) inside the civil calendar, which ends in 9999.
pub const MAX_YEAR: i16 = 2200;
/// Longest horizon in days: ten years of simulated time.
pub const MAX_HORIZON_DAYS: i32 = 3660;

/// Most applicants a year for one service at one site: 27,000 a day, ten times a whole
/// district's population visiting each year.
pub const MAX_YEARLY_VOLUME: f64 = 10_000_000.0;
/// Most applicants a year over the whole scenario: more than twice the country's people,
/// so that a replication's people (each simulated one by one) stay countable in minutes.
pub const MAX_TOTAL_YEARLY_VOLUME: f64 = 100_000_000.0;

/// Most kiosks or counters in one group: the engine keeps a state per server.
pub const MAX_GROUP_COUNT: u32 = 1_000;
/// Most floor assistants at one site.
pub const MAX_FLOOR_ASSISTANTS: u32 = 1_000;
/// Most officers in one back-office team (the national scenario's largest has 208).
pub const MAX_TEAM_OFFICERS: u32 = 10_000;

/// Most visits one person makes for one request (first visit and returns): a person who
/// can never be served comes back at most this often, so returns stay bounded.
pub const MAX_VISITS: u32 = 20;
/// Longest round trip to a site, minutes: a day's travel.
pub const MAX_TRIP_MINUTES: f64 = 1_440.0;

/// Longest mean or value of a drawn duration, in days (whatever unit the field is in): a
/// step that takes longer than the longest horizon can never be seen to finish.
pub const MAX_DURATION_DAYS: f64 = 3660.0;
/// Largest coefficient of variation of a log-normal or gamma duration: past it nearly every
/// draw is close to zero and a rare one is astronomically long, which no service time is.
pub const MAX_CV: f64 = 10.0;

/// Smallest Weibull shape a distribution may have: at 0.24 the coefficient of variation is
/// 9.2, inside [`MAX_CV`] (it passes 10 near 0.233).
pub const MIN_WEIBULL_SHAPE: f64 = 0.24;

/// Largest Weibull shape (a near-constant duration: use `Constant`).
pub const MAX_WEIBULL_SHAPE: f64 = 100.0;
/// Most observed values in an empirical distribution.
pub const MAX_EMPIRICAL_VALUES: usize = 100_000;

/// Most replications of one run or sweep point (each keeps a record of a few hundred bytes
/// per site).
pub const MAX_REPLICATIONS: u32 = 10_000;
/// Most runs a sweep may ask for: points × replications (× 2 with a baseline), so that
/// the records kept in memory stay within a few hundred megabytes.
pub const MAX_SWEEP_RUNS: u64 = 1_000_000;
