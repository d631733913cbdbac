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
        self.is_working_weekday(day) && self.holidays.binary_search(&day).is_err()
    }

    /// The end (24:00 local) of the `n`-th working day after the day of `from`. With `n` = 0,
    /// the end of `from`'s own day.
    ///
    /// Takes whole weeks at once, so the time does not grow with `n`: it walks at most a week
    /// per holiday that falls on a working weekday within the span, plus one.
    pub fn add_working_days(&self, from: Timestamp, n: u32) -> Timestamp {
        let mut day = from.day();
        let mut left = i64::from(n);
        // Each round moves past `left` working weekdays; the holidays among them are working
        // days missed, so they are the next round's `left`.
        while left > 0 {
            let next = self.after_working_weekdays(day, left);
            left = self.working_holidays_in(day, next);
            day = next;
        }
        Timestamp(day.saturating_add(1).saturating_mul(DAY_MS))
    }

    /// Working days strictly after `from`'s day up to and including `to`'s day (0 when `to`
    /// is not later than `from`). Counts whole weeks at once.
    pub fn working_days_between(&self, from: Timestamp, to: Timestamp) -> u32 {
        let (a, b) = (from.day(), to.day());
        if b <= a {
            return 0;
        }
        let count = self.working_weekdays_in(a, b) - self.working_holidays_in(a, b);
        u32::try_from(count).unwrap_or(u32::MAX)
    }

    /// Working weekdays a week (1 to 7: `new` refuses a calendar without one).
    fn per_week(&self) -> i64 {
        i64::from(self.working_weekdays.count_ones()).max(1)
    }

    fn is_working_weekday(&self, day: i64) -> bool {
        // 1970-01-01 was a Thursday (Monday-zero offset 3).
        self.working_weekdays & (1 << (day + 3).rem_euclid(7)) != 0
    }

    /// Working weekdays (holidays not taken off) in the days `a + 1 ..= b`, for `a <= b`.
    fn working_weekdays_in(&self, a: i64, b: i64) -> i64 {
        let span = b - a;
        let mut count = span / 7 * self.per_week();
        for day in a + 1 + span / 7 * 7..=b {
            count += i64::from(self.is_working_weekday(day));
        }
        count
    }

    /// Holidays on working weekdays in the days `a + 1 ..= b`.
    fn working_holidays_in(&self, a: i64, b: i64) -> i64 {
        let lo = self.holidays.partition_point(|&h| h <= a);
        let hi = self.holidays.partition_point(|&h| h <= b);
        self.holidays
            .get(lo..hi)
            .map_or(0, |hs| hs.iter().filter(|&&h| self.is_working_weekday(h)).count() as i64)
    }

    /// The day on which the `k`-th working weekday after `day` falls (holidays not taken
    /// off), for `k >= 1`.
    fn after_working_weekdays(&self, day: i64, k: i64) -> i64 {
        let weeks = (k - 1) / self.per_week();
        let mut at = day.saturating_add(weeks.saturating_mul(7));
        let mut left = k - weeks * self.per_week();
        // At most seven more days: `left` is at most a week's working weekdays.
        while left > 0 {
            at += 1;
            left -= i64::from(self.is_working_weekday(at));
        }
        at
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
