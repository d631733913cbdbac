//! Time as an argument: `Timestamp` (local civil milliseconds) and working-day calendars.

use std::fmt;

use jiff::SignedDuration;
use jiff::civil::{Date, DateTime, Weekday};

use crate::error::WorkflowError;

/// Milliseconds in one day.
pub(crate) const DAY_MS: i64 = 86_400_000;

/// An instant as milliseconds since 1970-01-01T00:00 in Uzbekistan's civil time (UTC+05:00,
/// no daylight saving). The simulator's clock uses the same representation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The epoch as a civil date-time.
    fn epoch() -> DateTime {
        jiff::civil::date(1970, 1, 1).to_datetime(jiff::civil::Time::midnight())
    }

    /// The instant of a civil date-time in Uzbekistan's local time.
    pub fn from_civil(at: DateTime) -> Self {
        let ms = at.duration_since(Self::epoch()).as_millis();
        // A civil DateTime spans years -9999..=9999: always fits in i64 milliseconds.
        Timestamp(i64::try_from(ms).unwrap_or(i64::MAX))
    }

    /// The civil date-time of this instant, or an error when it lies outside jiff's range.
    pub fn to_civil(self) -> Result<DateTime, WorkflowError> {
        Self::epoch()
            .checked_add(SignedDuration::from_millis(self.0))
            .map_err(|_| WorkflowError::TimeOutOfRange { at_ms: self.0 })
    }

    /// The local day number (days since 1970-01-01).
    pub fn day(self) -> i64 {
        self.0.div_euclid(DAY_MS)
    }

    /// This instant plus `ms` milliseconds (saturating).
    pub fn plus_ms(self, ms: i64) -> Self {
        Timestamp(self.0.saturating_add(ms))
    }
}

impl fmt::Display for Timestamp {
    /// ISO 8601 with the +05:00 offset, millisecond precision.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_civil() {
            Ok(dt) => write!(
                f,
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}+05:00",
                dt.year(),
                dt.month(),
                dt.day(),
                dt.hour(),
                dt.minute(),
                dt.second(),
                dt.millisecond()
            ),
            Err(_) => write!(f, "invalid-time({})", self.0),
        }
    }
}

/// Which days count as working days: working weekdays minus the caller's holiday list.
///
/// A deadline of N working days ends at the end (24:00 local) of the N-th working day after
/// the day the clock starts; the start day itself does not count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkCalendar {
    /// Bit i set = weekday i is a working day (0 = Monday .. 6 = Sunday).
    working_weekdays: u8,
    /// Holiday day numbers (days since 1970-01-01), sorted, deduplicated.
    holidays: Vec<i64>,
}

impl WorkCalendar {
    /// A calendar from working weekdays and a list of holiday dates (any order, duplicates
    /// allowed). Fails when no weekday is a working day.
    pub fn new(working: &[Weekday], holidays: &[Date]) -> Result<Self, WorkflowError> {
        let mut mask = 0u8;
        for w in working {
            mask |= 1 << (w.to_monday_zero_offset());
        }
        if mask == 0 {
            return Err(WorkflowError::NoWorkingDays);
        }
        let mut days: Vec<i64> = holidays
            .iter()
            .map(|d| Timestamp::from_civil(d.to_datetime(jiff::civil::Time::midnight())).day())
            .collect();
        days.sort_unstable();
        days.dedup();
        Ok(WorkCalendar { working_weekdays: mask, holidays: days })
    }

    /// Monday to Friday, no holidays.
    pub fn weekdays() -> Self {
        WorkCalendar { working_weekdays: 0b0001_1111, holidays: Vec::new() }
    }

    /// Whether local day number `day` is a working day.
    pub fn is_working_day(&self, day: i64) -> bool {
        // 1970-01-01 was a Thursday (Monday-zero offset 3).
        let weekday = (day + 3).rem_euclid(7);
        self.working_weekdays & (1 << weekday) != 0 && self.holidays.binary_search(&day).is_err()
    }

    /// The end (24:00 local) of the `n`-th working day after the day of `from`. With `n` = 0,
    /// the end of `from`'s own day.
    pub fn add_working_days(&self, from: Timestamp, n: u32) -> Timestamp {
        let mut day = from.day();
        let mut left = n;
        while left > 0 {
            day += 1;
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        Timestamp((day + 1).saturating_mul(DAY_MS))
    }

    /// Working days strictly after `from`'s day up to and including `to`'s day (0 when `to`
    /// is not later than `from`).
    pub fn working_days_between(&self, from: Timestamp, to: Timestamp) -> u32 {
        let (a, b) = (from.day(), to.day());
        let mut count = 0u32;
        let mut day = a + 1;
        while day <= b {
            if self.is_working_day(day) {
                count += 1;
            }
            day += 1;
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_round_trips_through_civil_time() {
        let dt = jiff::civil::date(2026, 5, 1).at(9, 30, 15, 250_000_000);
        let ts = Timestamp::from_civil(dt);
        assert_eq!(ts.to_civil().ok(), Some(dt));
        assert_eq!(ts.to_string(), "2026-05-01T09:30:15.250+05:00");
    }

    #[test]
    fn friday_plus_one_working_day_skips_weekend_and_holiday() {
        // 2026-05-01 is a Friday; make Monday 2026-05-04 a holiday.
        let cal = WorkCalendar::new(
            &[
                Weekday::Monday,
                Weekday::Tuesday,
                Weekday::Wednesday,
                Weekday::Thursday,
                Weekday::Friday,
            ],
            &[jiff::civil::date(2026, 5, 4)],
        )
        .ok();
        let cal = cal.as_ref();
        let start = Timestamp::from_civil(jiff::civil::date(2026, 5, 1).at(10, 0, 0, 0));
        let due = cal.map(|c| c.add_working_days(start, 1));
        let tuesday_end = Timestamp::from_civil(jiff::civil::date(2026, 5, 6).at(0, 0, 0, 0));
        assert_eq!(due, Some(tuesday_end));
        let tuesday_noon = Timestamp::from_civil(jiff::civil::date(2026, 5, 5).at(12, 0, 0, 0));
        assert_eq!(cal.map(|c| c.working_days_between(start, tuesday_noon)), Some(1));
    }
}
