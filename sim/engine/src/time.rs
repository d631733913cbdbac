//! Simulated time: integer milliseconds of Uzbekistan's local civil time.

use jiff::civil::{Date, DateTime, Time};

/// A simulated instant: milliseconds since 1970-01-01T00:00 in local civil time (UTC+5,
/// no daylight saving), so days and hours are plain integer arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimTime(pub i64);

/// Milliseconds in a minute.
pub const MINUTE_MS: i64 = 60_000;
/// Milliseconds in an hour.
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
/// Milliseconds in a day.
pub const DAY_MS: i64 = 24 * HOUR_MS;

const EPOCH: Date = Date::constant(1970, 1, 1);

impl SimTime {
    /// Midnight at the start of `date`.
    pub fn at_midnight(date: Date) -> Self {
        Self((date - EPOCH).get_days() as i64 * DAY_MS)
    }

    /// `minute` minutes after midnight of `date`.
    pub fn at(date: Date, minute: u16) -> Self {
        Self(Self::at_midnight(date).0 + i64::from(minute) * MINUTE_MS)
    }

    /// The civil date and time.
    pub fn to_datetime(self) -> DateTime {
        let days = self.0.div_euclid(DAY_MS);
        let ms = self.0.rem_euclid(DAY_MS);
        let date = EPOCH.checked_add(jiff::Span::new().days(days)).unwrap_or(EPOCH);
        let secs = ms / 1000;
        let time = Time::new(
            i8::try_from(secs / 3600).unwrap_or(0),
            i8::try_from(secs / 60 % 60).unwrap_or(0),
            i8::try_from(secs % 60).unwrap_or(0),
            i32::try_from(ms % 1000 * 1_000_000).unwrap_or(0),
        )
        .unwrap_or(Time::midnight());
        date.to_datetime(time)
    }

    /// Minutes from `earlier` to `self`.
    pub fn minutes_since(self, earlier: Self) -> f64 {
        (self.0 - earlier.0) as f64 / MINUTE_MS as f64
    }
}

/// Converts a duration in minutes to whole milliseconds (rounded, at least 0).
pub fn minutes_to_ms(minutes: f64) -> i64 {
    // Rounding a positive value half up as `floor(x + ½)` by truncation: `f64::round` is a
    // libm call on the baseline x86-64 target, and this runs for every drawn duration.
    let ms = minutes * MINUTE_MS as f64 + 0.5;
    if ms.is_finite() && ms >= 1.0 { ms.min(i64::MAX as f64 / 4.0) as i64 } else { 0 }
}
