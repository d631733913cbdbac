//! Timestamps of case logs: ISO 8601 text to milliseconds since the Unix epoch, keeping the
//! offset the log wrote so that hours of the day stay the log's own wall clock.

/// One instant as a log wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stamp {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub utc_ms: i64,
    /// The offset from UTC the log wrote, in seconds (0 for `Z` or none).
    pub offset_s: i32,
}

/// Milliseconds in an hour.
pub const HOUR_MS: i64 = 3_600_000;
/// Milliseconds in a day.
pub const DAY_MS: i64 = 24 * HOUR_MS;

impl Stamp {
    /// Milliseconds since the epoch on the log's wall clock (UTC plus the offset).
    pub fn local_ms(self) -> i64 {
        self.utc_ms + i64::from(self.offset_s) * 1000
    }

    /// Hour of the day on the log's wall clock, 0–23.
    pub fn local_hour(self) -> u8 {
        // In 0..24 by rem_euclid, so the cast keeps the value.
        #[expect(clippy::cast_possible_truncation, reason = "0..24 fits u8")]
        let h = (self.local_ms().rem_euclid(DAY_MS) / HOUR_MS) as u8;
        h
    }

    /// Day of the week on the log's wall clock, Monday = 0 … Sunday = 6.
    pub fn local_weekday(self) -> u8 {
        // 1970-01-01 was a Thursday (3).
        #[expect(clippy::cast_possible_truncation, reason = "0..7 fits u8")]
        let d = ((self.local_ms().div_euclid(DAY_MS) + 3).rem_euclid(7)) as u8;
        d
    }

    /// Month on the log's wall clock, 1–12.
    pub fn local_month(self) -> u8 {
        let (_, m, _) = civil_from_days(self.local_ms().div_euclid(DAY_MS));
        m
    }

    /// The same instant written with another offset.
    pub fn with_offset(self, offset_s: i32) -> Self {
        Self { utc_ms: self.utc_ms, offset_s }
    }

    /// ISO 8601 text with milliseconds and the offset, as XES writes dates.
    pub fn to_iso(self) -> String {
        let local = self.local_ms();
        let days = local.div_euclid(DAY_MS);
        let ms = local.rem_euclid(DAY_MS);
        let (y, mo, d) = civil_from_days(days);
        let (h, mi, s, milli) = (ms / HOUR_MS, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
        let sign = if self.offset_s < 0 { '-' } else { '+' };
        let off = self.offset_s.unsigned_abs();
        format!(
            "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}{sign}{:02}:{:02}",
            off / 3600,
            off / 60 % 60
        )
    }
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian), after Howard Hinnant's
/// `days_from_civil`.
pub fn days_from_civil(y: i64, m: u8, d: u8) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    #[expect(clippy::cast_possible_truncation, reason = "day 1..=31 and month 1..=12")]
    (y, m as u8, d as u8)
}

/// Parse `YYYY-MM-DDTHH:MM[:SS[.fff…]][Z|±HH[:MM]]` (a space may stand for `T`); without an
/// offset the time is taken as UTC. `None` when the text is not such a timestamp.
pub fn parse_iso(text: &str) -> Option<Stamp> {
    let b = text.trim().as_bytes();
    let num = |s: &[u8]| -> Option<i64> {
        if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(s.iter().fold(0i64, |a, &c| a * 10 + i64::from(c - b'0')))
    };
    if b.len() < 16 || b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b' ') {
        return None;
    }
    let year = num(&b[0..4])?;
    let month = u8::try_from(num(&b[5..7])?).ok().filter(|m| (1..=12).contains(m))?;
    let day = u8::try_from(num(&b[8..10])?).ok().filter(|d| (1..=31).contains(d))?;
    let hour = num(&b[11..13]).filter(|h| *h < 24)?;
    if b[13] != b':' {
        return None;
    }
    let minute = num(&b[14..16]).filter(|m| *m < 60)?;
    let mut i = 16;
    let mut second = 0;
    let mut milli = 0;
    if b.get(i) == Some(&b':') {
        second = num(b.get(i + 1..i + 3)?).filter(|s| *s < 61)?;
        i += 3;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            let frac = &b[start..i];
            if frac.is_empty() {
                return None;
            }
            // Milliseconds, truncated past the third digit.
            let mut ms = 0;
            for k in 0..3 {
                ms = ms * 10 + frac.get(k).map_or(0, |c| i64::from(c - b'0'));
            }
            milli = ms;
        }
    }
    let offset_s: i32 = match b.get(i) {
        None => 0,
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let rest = &b[i + 1..];
            let (hh, mm) = match rest.len() {
                2 => (num(rest)?, 0),
                4 => (num(&rest[0..2])?, num(&rest[2..4])?),
                5 if rest[2] == b':' => (num(&rest[0..2])?, num(&rest[3..5])?),
                _ => return None,
            };
            if hh > 18 || mm > 59 {
                return None;
            }
            let s = i32::try_from(hh * 3600 + mm * 60).ok()?;
            if sign == b'-' { -s } else { s }
        }
        Some(_) => return None,
    };
    let days = days_from_civil(year, month, day);
    let local_ms = ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + milli;
    Some(Stamp { utc_ms: local_ms - i64::from(offset_s) * 1000, offset_s })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_offsets_logs_write() {
        let s = parse_iso("2011-10-01T00:38:44.546+02:00").unwrap();
        assert_eq!(s.offset_s, 7200);
        assert_eq!(s.utc_ms, 1_317_422_324_546);
        assert_eq!(s.local_hour(), 0);
        assert_eq!(s.local_weekday(), 5, "2011-10-01 was a Saturday");
        assert_eq!(s.to_iso(), "2011-10-01T00:38:44.546+02:00");
        let z = parse_iso("1970-01-01T00:00:00Z").unwrap();
        assert_eq!(z.utc_ms, 0);
        assert_eq!(parse_iso("2026-03-02 09:30").unwrap().local_hour(), 9);
        assert_eq!(parse_iso("2026-03-02T09:30:00.1234-05:30").unwrap().offset_s, -19_800);
    }

    #[test]
    fn rejects_what_is_not_a_timestamp() {
        for bad in ["", "2011-13-01T00:00:00", "2011-10-01", "2011-10-01T25:00", "x011-10-01T00:00"]
        {
            assert!(parse_iso(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn civil_dates_round_trip() {
        for days in [-800_000, -1, 0, 1, 15_000, 20_000, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
