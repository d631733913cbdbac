//! A moment as a record file writes it: the instant plus the UTC offset it was written with.

use std::fmt;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::fmt::temporal::{DateTimePrinter, Pieces};
use jiff::tz::Offset;

/// A moment read from (or to be written to) a record file: the instant and the UTC offset of
/// the clock that wrote it.
///
/// Order and durations use [`Stamp::instant`] only, so rows written with different offsets
/// compare correctly; the offset is kept so that the local wall-clock time (opening hours,
/// lunch breaks) is recovered exactly ([`Stamp::civil`]). Tashkent's offset is +05:00 all
/// year; the bank sample's is +02:00.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Stamp {
    /// The moment itself, independent of any time zone.
    pub instant: Timestamp,
    /// The UTC offset the moment was written with (`+05:00` in Tashkent).
    pub offset: Offset,
}

/// Tashkent's UTC offset, +05:00 (Uzbekistan keeps no daylight-saving time).
pub const TASHKENT: Offset = Offset::constant(5);

impl Stamp {
    /// The moment `instant` as seen on a clock at `offset`.
    pub fn new(instant: Timestamp, offset: Offset) -> Stamp {
        Stamp { instant, offset }
    }

    /// The local wall-clock date and time (the instant seen at the kept offset).
    pub fn civil(&self) -> DateTime {
        self.offset.to_datetime(self.instant)
    }

    /// Parses an ISO 8601 / RFC 3339 date-time that carries its UTC offset, such as
    /// `2026-03-02T09:15:00+05:00` (fractional seconds allowed, `Z` read as `+00:00`).
    ///
    /// A date without a time, or a time without an offset, is refused: a local time alone
    /// does not say which instant it was.
    pub fn parse(text: &str) -> Result<Stamp, StampError> {
        if let Some(stamp) = parse_plain(text.as_bytes()) {
            return Ok(stamp);
        }
        let pieces = Pieces::parse(text).map_err(|e| StampError::Syntax(e.to_string()))?;
        let time = pieces.time().ok_or(StampError::NoTime)?;
        let offset = pieces.offset().ok_or(StampError::NoOffset)?.to_numeric_offset();
        if pieces.time_zone_annotation().is_some() {
            return Err(StampError::Annotation);
        }
        let civil = pieces.date().to_datetime(time);
        let instant = offset.to_timestamp(civil).map_err(|e| StampError::Range(e.to_string()))?;
        Ok(Stamp { instant, offset })
    }

    /// Renders the moment at `offset` with `precision`, e.g. `2026-03-02T09:15:00+05:00`;
    /// finer digits are cut off (never rounded up, so order is kept).
    pub(crate) fn render_at(
        instant: Timestamp,
        offset: Offset,
        precision: Precision,
        out: &mut String,
    ) -> Result<(), jiff::Error> {
        out.clear();
        let digits = match precision {
            Precision::Seconds => 0,
            Precision::Milliseconds => 3,
        };
        DateTimePrinter::new()
            .precision(Some(digits))
            .print_timestamp_with_offset(&instant, offset, out)
    }
}

/// The fast path for what writers emit, `YYYY-MM-DDTHH:MM:SS±HH:MM` exactly; `None` sends
/// anything else (or anything invalid) to jiff's full parser, which also says what is wrong.
fn parse_plain(b: &[u8]) -> Option<Stamp> {
    if b.len() != 25 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    if b[16] != b':' || b[22] != b':' {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<i32> {
        b[from..to]
            .iter()
            .try_fold(0i32, |n, &d| d.is_ascii_digit().then(|| n * 10 + i32::from(d - b'0')))
    };
    let sign = match b[19] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let civil = jiff::civil::DateTime::new(
        i16::try_from(num(0, 4)?).ok()?,
        i8::try_from(num(5, 7)?).ok()?,
        i8::try_from(num(8, 10)?).ok()?,
        i8::try_from(num(11, 13)?).ok()?,
        i8::try_from(num(14, 16)?).ok()?,
        i8::try_from(num(17, 19)?).ok()?,
        0,
    )
    .ok()?;
    let (hours, minutes) = (num(20, 22)?, num(23, 25)?);
    if minutes >= 60 {
        return None;
    }
    let offset = Offset::from_seconds(sign * (hours * 3600 + minutes * 60)).ok()?;
    let instant = offset.to_timestamp(civil).ok()?;
    Some(Stamp { instant, offset })
}

impl fmt::Display for Stamp {
    /// The moment at its own offset, with as many fractional digits as it needs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        DateTimePrinter::new()
            .print_timestamp_with_offset(&self.instant, self.offset, &mut out)
            .map_err(|_| fmt::Error)?;
        f.write_str(&out)
    }
}

impl std::str::FromStr for Stamp {
    type Err = StampError;

    fn from_str(s: &str) -> Result<Stamp, StampError> {
        Stamp::parse(s)
    }
}

/// How finely a writer renders times: every row of a file gets the same number of digits, so
/// pandas and polars infer one format for the whole column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    /// Whole seconds: `09:15:00`. What ticket machines log.
    Seconds,
    /// Milliseconds: `09:15:00.250`. The engine's own resolution.
    Milliseconds,
}

/// Why a text is not a usable timestamp.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StampError {
    /// Not an ISO 8601 date-time at all.
    #[error("not an ISO 8601 date-time ({0})")]
    Syntax(String),
    /// A date without a time of day.
    #[error("a date without a time of day")]
    NoTime,
    /// A local time without a UTC offset (write e.g. `+05:00`).
    #[error("no UTC offset (write e.g. +05:00)")]
    NoOffset,
    /// A `[Area/City]` time-zone annotation, which record files do not use.
    #[error("a [time zone] annotation, which record files do not use")]
    Annotation,
    /// A date-time jiff cannot represent at that offset.
    #[error("out of range ({0})")]
    Range(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Result<&str, StampError>) {
        let got = Stamp::parse(text).map(|s| s.to_string());
        match (&got, &expected) {
            (Ok(g), Ok(e)) => assert_eq!(g, e, "{text}"),
            (Err(StampError::Syntax(_)), Err(StampError::Syntax(_))) => {}
            (Err(StampError::Range(_)), Err(StampError::Range(_))) => {}
            _ => assert_eq!(got, expected.map(str::to_string), "{text}"),
        }
    }

    #[test]
    fn parses_what_record_files_hold() {
        check("2026-03-02T09:15:00+05:00", Ok("2026-03-02T09:15:00+05:00"));
        check("1999-02-01T06:59:54+02:00", Ok("1999-02-01T06:59:54+02:00"));
        check("2026-03-02T09:15:00.250+05:00", Ok("2026-03-02T09:15:00.25+05:00"));
        check("2026-03-02T04:15:00Z", Ok("2026-03-02T04:15:00+00:00"));
        check("2026-03-02 09:15:00+05:00", Ok("2026-03-02T09:15:00+05:00"));
    }

    #[test]
    fn refuses_what_does_not_name_an_instant() {
        check("2026-03-02T09:15:00", Err(StampError::NoOffset));
        check("2026-03-02", Err(StampError::NoTime));
        check("2026-03-02T09:15:00+05:00[Asia/Tashkent]", Err(StampError::Annotation));
        check("yesterday", Err(StampError::Syntax(String::new())));
        check("2026-02-30T09:00:00+05:00", Err(StampError::Syntax(String::new())));
        check("", Err(StampError::Syntax(String::new())));
    }

    #[test]
    fn the_fast_path_agrees_with_jiff() {
        let cases = [
            "2026-03-02T09:15:00+05:00",
            "1999-02-01T06:59:54+02:00",
            "2026-12-31T23:59:59-03:30",
            "2024-02-29T00:00:00+00:00",
            "2023-02-29T00:00:00+05:00",
            "2026-13-01T00:00:00+05:00",
            "2026-03-02T24:00:00+05:00",
            "2026-03-02T09:15:60+05:00",
            "2026-03-02T09:15:00+05:60",
            "2026-03-02T09:15:00+26:00",
            "2026-03-02T09:15:00*05:00",
            "2026-03-02t09:15:00+05:00",
            "+026-03-02T09:15:00+05:00",
        ];
        for text in cases {
            let slow = Pieces::parse(text).ok().and_then(|p| {
                let civil = p.date().to_datetime(p.time()?);
                let offset = p.offset()?.to_numeric_offset();
                Some(Stamp { instant: offset.to_timestamp(civil).ok()?, offset })
            });
            let fast = parse_plain(text.as_bytes());
            assert!(fast.is_none() || fast == slow, "{text}: {fast:?} vs {slow:?}");
            assert_eq!(Stamp::parse(text).ok(), slow, "{text}");
        }
        assert!(parse_plain(b"2026-03-02T09:15:00+05:00").is_some());
    }

    #[test]
    fn keeps_the_offset_and_the_instant() {
        let a = Stamp::parse("2026-03-02T09:15:00+05:00").unwrap_or_else(|e| panic!("{e}"));
        let b = Stamp::parse("2026-03-02T04:15:00+00:00").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.instant, b.instant);
        assert_ne!(a, b);
        assert_eq!(a.offset, TASHKENT);
        assert_eq!(a.civil().to_string(), "2026-03-02T09:15:00");
    }

    #[test]
    fn renders_with_a_fixed_number_of_digits_cutting_finer_ones() {
        let s = Stamp::parse("2026-03-02T09:15:00.999+05:00").unwrap_or_else(|e| panic!("{e}"));
        let mut out = String::new();
        Stamp::render_at(s.instant, TASHKENT, Precision::Seconds, &mut out)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out, "2026-03-02T09:15:00+05:00");
        Stamp::render_at(s.instant, Offset::UTC, Precision::Milliseconds, &mut out)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out, "2026-03-02T04:15:00.999+00:00");
    }
}
