//! Each record format's columns and how one row is parsed from, and rendered to, text fields.

use std::collections::HashMap;

use crate::error::{Problem, RowFault};
use crate::rows::{Channel, KioskEvent, KioskState, Outcome, RosterShift, Ticket};
use crate::stamp::Stamp;

/// One of the three record formats: [`Ticket`], [`KioskEvent`] or [`RosterShift`].
///
/// Sealed: the readers and writers are generic over it, but only this crate implements it.
pub trait Record: sealed::Format {}

impl Record for Ticket {}
impl Record for KioskEvent {}
impl Record for RosterShift {}

pub(crate) mod sealed {
    use super::*;

    /// The format's machinery, out of the public API.
    pub trait Format: Sized {
        /// The file's stem in a records folder (`tickets`).
        const STEM: &'static str;
        /// The format's columns, in the order writers put them.
        const COLUMNS: &'static [&'static str];
        /// What the reader remembers across rows to check uniqueness.
        type Seen: Default;

        /// Parses the fields (in [`Format::COLUMNS`] order) and checks the row's own rules.
        fn parse(fields: &Fields<'_>) -> Result<Self, RowFault>;
        /// Checks the row against earlier rows and remembers it; `line` is its line.
        fn check_unique(&self, seen: &mut Self::Seen, line: u64) -> Result<(), RowFault>;
        /// The row's own rules (what `check` on the row type does).
        fn check_row(&self) -> Result<(), RowFault>;
        /// The row's site.
        fn site(&self) -> &str;
        /// The row's service, for formats that have one.
        fn service(&self) -> Option<&str>;
        /// Calls `put` with each field in [`Format::COLUMNS`] order: text, or a time.
        fn fields<E>(&self, put: &mut dyn FnMut(Field<'_>) -> Result<(), E>) -> Result<(), E>;
    }
}

/// One field handed to a writer.
pub enum Field<'a> {
    /// Text as is (empty for none).
    Text(&'a str),
    /// A time, rendered at the writer's offset, or empty.
    Time(Option<Stamp>),
}

/// A row's fields as text, in the format's column order.
pub struct Fields<'a> {
    pub(crate) columns: &'static [&'static str],
    pub(crate) values: &'a [&'a str],
}

impl Fields<'_> {
    fn at(&self, i: usize) -> (&'static str, &str) {
        (self.columns[i], self.values[i])
    }

    fn text(&self, i: usize) -> Result<String, RowFault> {
        match self.at(i) {
            (column, "") => Err(RowFault { column: Some(column), problem: Problem::MissingValue }),
            (_, v) => Ok(v.to_owned()),
        }
    }

    fn optional_text(&self, i: usize) -> Option<String> {
        match self.values[i] {
            "" => None,
            v => Some(v.to_owned()),
        }
    }

    fn stamp(&self, i: usize) -> Result<Stamp, RowFault> {
        self.optional_stamp(i)?
            .ok_or(RowFault { column: Some(self.columns[i]), problem: Problem::MissingValue })
    }

    fn optional_stamp(&self, i: usize) -> Result<Option<Stamp>, RowFault> {
        let (column, v) = self.at(i);
        if v.is_empty() {
            return Ok(None);
        }
        Stamp::parse(v).map(Some).map_err(|e| RowFault {
            column: Some(column),
            problem: Problem::BadTimestamp { value: v.to_owned(), detail: e.to_string() },
        })
    }

    fn word<T>(
        &self,
        i: usize,
        from_word: fn(&str) -> Option<T>,
        expected: &'static str,
    ) -> Result<T, RowFault> {
        let (column, v) = self.at(i);
        let problem = match v {
            "" => Problem::MissingValue,
            _ => match from_word(v) {
                Some(t) => return Ok(t),
                None => Problem::UnknownValue { value: v.to_owned(), expected },
            },
        };
        Err(RowFault { column: Some(column), problem })
    }
}

impl sealed::Format for Ticket {
    const STEM: &'static str = "tickets";
    const COLUMNS: &'static [&'static str] = &[
        "site",
        "ticket",
        "service",
        "channel",
        "segment",
        "issued_at",
        "called_at",
        "started_at",
        "finished_at",
        "desk",
        "outcome",
    ];
    type Seen = HashMap<(String, String), u64>;

    fn parse(f: &Fields<'_>) -> Result<Ticket, RowFault> {
        let t = Ticket {
            site: f.text(0)?,
            ticket: f.text(1)?,
            service: f.text(2)?,
            channel: f.word(3, Channel::from_word, Channel::EXPECTED)?,
            segment: f.optional_text(4),
            issued_at: f.stamp(5)?,
            called_at: f.optional_stamp(6)?,
            started_at: f.optional_stamp(7)?,
            finished_at: f.optional_stamp(8)?,
            desk: f.optional_text(9),
            outcome: f.word(10, Outcome::from_word, Outcome::EXPECTED)?,
        };
        t.check()?;
        Ok(t)
    }

    fn check_unique(&self, seen: &mut Self::Seen, line: u64) -> Result<(), RowFault> {
        match seen.entry((self.site.clone(), self.ticket.clone())) {
            std::collections::hash_map::Entry::Occupied(first) => Err(RowFault {
                column: Some("ticket"),
                problem: Problem::DuplicateTicket { first_line: *first.get() },
            }),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(line);
                Ok(())
            }
        }
    }

    fn check_row(&self) -> Result<(), RowFault> {
        self.check()
    }

    fn site(&self) -> &str {
        &self.site
    }

    fn service(&self) -> Option<&str> {
        Some(&self.service)
    }

    fn fields<E>(&self, put: &mut dyn FnMut(Field<'_>) -> Result<(), E>) -> Result<(), E> {
        put(Field::Text(&self.site))?;
        put(Field::Text(&self.ticket))?;
        put(Field::Text(&self.service))?;
        put(Field::Text(self.channel.as_str()))?;
        put(Field::Text(self.segment.as_deref().unwrap_or("")))?;
        put(Field::Time(Some(self.issued_at)))?;
        put(Field::Time(self.called_at))?;
        put(Field::Time(self.started_at))?;
        put(Field::Time(self.finished_at))?;
        put(Field::Text(self.desk.as_deref().unwrap_or("")))?;
        put(Field::Text(self.outcome.as_str()))
    }
}

impl sealed::Format for KioskEvent {
    const STEM: &'static str = "kiosks";
    const COLUMNS: &'static [&'static str] = &["site", "kiosk", "at", "state", "component"];
    type Seen = ();

    fn parse(f: &Fields<'_>) -> Result<KioskEvent, RowFault> {
        let e = KioskEvent {
            site: f.text(0)?,
            kiosk: f.text(1)?,
            at: f.stamp(2)?,
            state: f.word(3, KioskState::from_word, KioskState::EXPECTED)?,
            component: f.optional_text(4),
        };
        e.check()?;
        Ok(e)
    }

    fn check_unique(&self, _: &mut (), _: u64) -> Result<(), RowFault> {
        Ok(())
    }

    fn check_row(&self) -> Result<(), RowFault> {
        self.check()
    }

    fn site(&self) -> &str {
        &self.site
    }

    fn service(&self) -> Option<&str> {
        None
    }

    fn fields<E>(&self, put: &mut dyn FnMut(Field<'_>) -> Result<(), E>) -> Result<(), E> {
        put(Field::Text(&self.site))?;
        put(Field::Text(&self.kiosk))?;
        put(Field::Time(Some(self.at)))?;
        put(Field::Text(self.state.as_str()))?;
        put(Field::Text(self.component.as_deref().unwrap_or("")))
    }
}

impl sealed::Format for RosterShift {
    const STEM: &'static str = "roster";
    const COLUMNS: &'static [&'static str] = &["site", "desk", "on_duty_from", "on_duty_to"];
    type Seen = ();

    fn parse(f: &Fields<'_>) -> Result<RosterShift, RowFault> {
        let s = RosterShift {
            site: f.text(0)?,
            desk: f.text(1)?,
            on_duty_from: f.stamp(2)?,
            on_duty_to: f.stamp(3)?,
        };
        s.check()?;
        Ok(s)
    }

    fn check_unique(&self, _: &mut (), _: u64) -> Result<(), RowFault> {
        Ok(())
    }

    fn check_row(&self) -> Result<(), RowFault> {
        self.check()
    }

    fn site(&self) -> &str {
        &self.site
    }

    fn service(&self) -> Option<&str> {
        None
    }

    fn fields<E>(&self, put: &mut dyn FnMut(Field<'_>) -> Result<(), E>) -> Result<(), E> {
        put(Field::Text(&self.site))?;
        put(Field::Text(&self.desk))?;
        put(Field::Time(Some(self.on_duty_from)))?;
        put(Field::Time(Some(self.on_duty_to)))
    }
}
