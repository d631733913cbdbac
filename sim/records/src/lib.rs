//! navbat's pilot record formats: the ticket log, the kiosk log and the roster, as typed rows
//! with checked streaming readers and deterministic writers.
//!
//! # Brief overview
//!
//! The pilot's offices will log every ticket (issued, called, started, finished, at which
//! desk, how it ended), every kiosk failure and every desk's shifts. navbat is fitted to those
//! records and validated on them, and writes the same records from a simulated year, so a
//! twin year can stand in for a pilot year. The formats are specified in docs/records.md.
//!
//! - Rows: [`Ticket`], [`KioskEvent`], [`RosterShift`]; times are [`Stamp`]s (the instant
//!   plus the UTC offset it was written with).
//! - Reading: [`RecordReader`] (aliases [`TicketReader`], [`KioskReader`], [`RosterReader`])
//!   streams a plain or gzip file row by row; every bad record is a [`BadRow`] naming file,
//!   line and column. [`ReadOptions::lenient`] skips bad rows and counts them in a
//!   [`SkipReport`]. [`Records::read`] reads a whole records folder.
//! - Writing: [`RecordWriter`] ([`TicketWriter`], …) takes one row at a time
//!   ([`RecordWriter::push`]) and renders times at one fixed offset ([`WriteOptions`]).
//!
//! ```
//! use navbat_records::{Compress, ReadOptions, Stamp, Ticket, TicketReader, TicketWriter};
//! use navbat_records::{Channel, Outcome, WriteOptions};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let t = |s: &str| Stamp::parse(s);
//! let ticket = Ticket {
//!     site: "tashkent-yunusobod".into(),
//!     ticket: "A-0001".into(),
//!     service: "passport".into(),
//!     channel: Channel::Counter,
//!     segment: None,
//!     issued_at: t("2026-03-02T09:00:05+05:00")?,
//!     called_at: Some(t("2026-03-02T09:12:40+05:00")?),
//!     started_at: Some(t("2026-03-02T09:13:02+05:00")?),
//!     finished_at: Some(t("2026-03-02T09:21:30+05:00")?),
//!     desk: Some("4".into()),
//!     outcome: Outcome::Served,
//! };
//! let mut w = TicketWriter::to_writer(Vec::new(), "tickets.csv", Compress::No,
//!     WriteOptions::tashkent())?;
//! w.push(&ticket)?;
//! let bytes = w.finish()?;
//! let back: Vec<Ticket> = TicketReader::from_reader(&bytes[..], "tickets.csv",
//!     ReadOptions::strict())?.collect::<Result<_, _>>()?;
//! assert_eq!(back, [ticket]);
//! # Ok(())
//! # }
//! ```

mod error;
mod format;
mod read;
mod rows;
mod sent_on;
mod stamp;
mod write;

pub use crate::error::{
    BadRow, Column, EXAMPLES_PER_REASON, Location, Problem, ReadError, Reason, RowFault,
    SkipReport, WriteError,
};
pub use crate::format::Record;
pub use crate::read::{
    KioskReader, Log, ReadOptions, RecordReader, Records, RecordsDir, RosterReader, TicketReader,
};
pub use crate::rows::{Channel, KioskEvent, KioskState, Outcome, RosterShift, Ticket};
pub use crate::sent_on::{SENT_ON_WINDOW_MS, sent_on};
pub use crate::stamp::{Precision, Stamp, StampError, TASHKENT};
pub use crate::write::{
    Compress, KioskWriter, RecordWriter, RosterWriter, TicketWriter, WriteOptions,
};
