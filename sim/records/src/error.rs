//! What can be wrong with a record file, where it is, and the tally of skipped rows.

use std::collections::BTreeMap;
use std::fmt;

use crate::rows::Outcome;

/// A column of a file: its name and its 1-based position in that file's header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The column's name as the header spells it.
    pub name: String,
    /// 1-based position in the file's header (what a spreadsheet shows as column number).
    pub index: usize,
}

/// Where a bad record is: file, line and (when one is to blame) column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file as the caller named it (its path, or the name given with a reader).
    pub file: String,
    /// 1-based line where the record starts (the header is line 1).
    pub line: u64,
    /// The column at fault, if one is.
    pub column: Option<Column>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: line {}", self.file, self.line)?;
        if let Some(c) = &self.column {
            write!(f, ", column {} ({})", c.index, c.name)?;
        }
        Ok(())
    }
}

/// What is wrong with one record.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// Not valid CSV text (e.g. not UTF-8).
    Malformed {
        /// What the CSV layer said.
        detail: String,
    },
    /// The row has a different number of fields than the header.
    ColumnCount {
        /// Fields in the header.
        expected: usize,
        /// Fields in this row.
        found: usize,
    },
    /// A required value is empty.
    MissingValue,
    /// A word that is not one of the column's values.
    UnknownValue {
        /// The word found.
        value: String,
        /// The allowed words.
        expected: &'static str,
    },
    /// Not a date-time with an offset.
    BadTimestamp {
        /// The text found.
        value: String,
        /// Why it is refused.
        detail: String,
    },
    /// A time earlier than a time that must come before it.
    TimesOutOfOrder {
        /// The column that must not be later than this one.
        earlier: &'static str,
    },
    /// `finished_at` is before `issued_at`.
    FinishedBeforeIssued,
    /// A time (or the desk) the outcome forbids, or one it needs that is empty.
    OutcomeMismatch {
        /// The row's outcome.
        outcome: Outcome,
        /// Whether the column was given (and should be empty) or empty (and should be given).
        present: bool,
    },
    /// A value is empty although another column says it happened.
    Incomplete {
        /// The column whose presence requires this one.
        because: &'static str,
    },
    /// A (site, ticket) pair already seen.
    DuplicateTicket {
        /// Line of the first row with this pair.
        first_line: u64,
    },
    /// A site not in the caller's list.
    UnknownSite {
        /// The site found.
        value: String,
    },
    /// A service not in the caller's list.
    UnknownService {
        /// The service found.
        value: String,
    },
    /// A kiosk `up` event naming a failed component.
    ComponentWhenUp {
        /// The component found.
        component: String,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Malformed { detail } => write!(f, "malformed CSV: {detail}"),
            Problem::ColumnCount { expected, found } => {
                write!(f, "{found} fields where the header has {expected}")
            }
            Problem::MissingValue => write!(f, "empty, but a value is required"),
            Problem::UnknownValue { value, expected } => {
                write!(f, "unknown value {value:?} (expected {expected})")
            }
            Problem::BadTimestamp { value, detail } => {
                write!(f, "bad timestamp {value:?}: {detail}")
            }
            Problem::TimesOutOfOrder { earlier } => write!(f, "earlier than {earlier}"),
            Problem::FinishedBeforeIssued => write!(f, "finished_at is before issued_at"),
            Problem::OutcomeMismatch { outcome, present: true } => {
                write!(f, "given, but it must be empty when the outcome is {outcome}")
            }
            Problem::OutcomeMismatch { outcome, present: false } => {
                write!(f, "empty, but the outcome {outcome} requires it")
            }
            Problem::Incomplete { because } => write!(f, "empty, but {because} is given"),
            Problem::DuplicateTicket { first_line } => {
                write!(f, "duplicated ticket: the same (site, ticket) is on line {first_line}")
            }
            Problem::UnknownSite { value } => write!(f, "unknown site {value:?}"),
            Problem::UnknownService { value } => write!(f, "unknown service {value:?}"),
            Problem::ComponentWhenUp { component } => {
                write!(f, "component {component:?} given for an up event (leave it empty)")
            }
        }
    }
}

/// The kind of a [`Problem`], without its details: what lenient reading counts by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Reason {
    /// [`Problem::Malformed`].
    Malformed,
    /// [`Problem::ColumnCount`].
    ColumnCount,
    /// [`Problem::MissingValue`].
    MissingValue,
    /// [`Problem::UnknownValue`].
    UnknownValue,
    /// [`Problem::BadTimestamp`].
    BadTimestamp,
    /// [`Problem::TimesOutOfOrder`].
    TimesOutOfOrder,
    /// [`Problem::FinishedBeforeIssued`].
    FinishedBeforeIssued,
    /// [`Problem::OutcomeMismatch`].
    OutcomeMismatch,
    /// [`Problem::Incomplete`].
    Incomplete,
    /// [`Problem::DuplicateTicket`].
    DuplicateTicket,
    /// [`Problem::UnknownSite`].
    UnknownSite,
    /// [`Problem::UnknownService`].
    UnknownService,
    /// [`Problem::ComponentWhenUp`].
    ComponentWhenUp,
}

impl Problem {
    /// The problem's kind.
    pub fn reason(&self) -> Reason {
        match self {
            Problem::Malformed { .. } => Reason::Malformed,
            Problem::ColumnCount { .. } => Reason::ColumnCount,
            Problem::MissingValue => Reason::MissingValue,
            Problem::UnknownValue { .. } => Reason::UnknownValue,
            Problem::BadTimestamp { .. } => Reason::BadTimestamp,
            Problem::TimesOutOfOrder { .. } => Reason::TimesOutOfOrder,
            Problem::FinishedBeforeIssued => Reason::FinishedBeforeIssued,
            Problem::OutcomeMismatch { .. } => Reason::OutcomeMismatch,
            Problem::Incomplete { .. } => Reason::Incomplete,
            Problem::DuplicateTicket { .. } => Reason::DuplicateTicket,
            Problem::UnknownSite { .. } => Reason::UnknownSite,
            Problem::UnknownService { .. } => Reason::UnknownService,
            Problem::ComponentWhenUp { .. } => Reason::ComponentWhenUp,
        }
    }
}

/// A problem found in one typed row, before it has a file location: the column at fault (by
/// its format name) and what is wrong. Returned by the rows' `check` methods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowFault {
    /// The column at fault, by its name in the format, if one is.
    pub column: Option<&'static str>,
    /// What is wrong.
    pub problem: Problem,
}

impl fmt::Display for RowFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(c) => write!(f, "{c}: {}", self.problem),
            None => write!(f, "{}", self.problem),
        }
    }
}

/// A bad record: where it is and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {problem}")]
pub struct BadRow {
    /// File, line and column.
    pub location: Location,
    /// What is wrong.
    pub problem: Problem,
}

/// Why a record file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file could not be opened or read (or its gzip stream is broken).
    #[error("{file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// No header line at all.
    #[error("{file}: empty file (no header line)")]
    EmptyFile {
        /// The file.
        file: String,
    },
    /// The header lacks columns the format requires.
    #[error("{file}: line 1: the header lacks required column(s) {}", missing.join(", "))]
    MissingColumns {
        /// The file.
        file: String,
        /// The required columns not found.
        missing: Vec<&'static str>,
    },
    /// The header names a required column twice.
    #[error("{file}: line 1, column {second} ({name}): the header repeats column {first}")]
    DuplicateColumn {
        /// The file.
        file: String,
        /// The repeated name.
        name: String,
        /// 1-based position of its first occurrence.
        first: usize,
        /// 1-based position of the repeat.
        second: usize,
    },
    /// A bad record (in strict mode).
    #[error(transparent)]
    BadRow(Box<BadRow>),
    /// A records folder lacks a file it must hold.
    #[error("{dir}: no {stem}.csv or {stem}.csv.gz")]
    NotFound {
        /// The folder.
        dir: String,
        /// The file's stem (`tickets`).
        stem: &'static str,
    },
    /// A records folder holds both the plain and the gzip form of a file.
    #[error("{dir}: both {stem}.csv and {stem}.csv.gz; keep one")]
    Ambiguous {
        /// The folder.
        dir: String,
        /// The file's stem.
        stem: &'static str,
    },
}

/// Why a record file could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// The file could not be created or written.
    #[error("{file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A row breaks the format's rules; nothing of it was written.
    #[error("{file}: row {row}: {fault}")]
    BadRow {
        /// The file.
        file: String,
        /// 1-based number of the pushed row (line `row + 1` of the file).
        row: u64,
        /// What is wrong.
        fault: RowFault,
    },
    /// A time cannot be rendered at the writer's offset.
    #[error("{file}: row {row}: cannot render a time: {detail}")]
    Time {
        /// The file.
        file: String,
        /// 1-based number of the pushed row.
        row: u64,
        /// What jiff said.
        detail: String,
    },
}

/// How many examples of each reason a [`SkipReport`] keeps.
pub const EXAMPLES_PER_REASON: usize = 3;

/// What lenient reading skipped: a count per reason and the first few examples of each, with
/// their locations. Nothing is dropped without being counted here.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SkipReport {
    /// Skipped rows per reason.
    pub counts: BTreeMap<Reason, u64>,
    /// The first [`EXAMPLES_PER_REASON`] skipped rows of each reason, in file order.
    pub examples: Vec<BadRow>,
}

impl SkipReport {
    /// Rows skipped in all.
    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }

    /// Whether nothing was skipped.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    pub(crate) fn add(&mut self, bad: BadRow) {
        let count = self.counts.entry(bad.problem.reason()).or_insert(0);
        *count += 1;
        if *count <= EXAMPLES_PER_REASON as u64 {
            self.examples.push(bad);
        }
    }
}

impl fmt::Display for SkipReport {
    /// One line per reason with its count, then the examples.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} row(s) skipped", self.total())?;
        for (reason, n) in &self.counts {
            write!(f, "\n  {reason:?}: {n}")?;
        }
        for e in &self.examples {
            write!(f, "\n  e.g. {e}")?;
        }
        Ok(())
    }
}
