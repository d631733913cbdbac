//! The crate's one error type.

use std::path::PathBuf;

/// A place in a service definition's text: `origin:line:column`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// File path or the name the caller gave the text.
    pub origin: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.origin, self.line, self.column)
    }
}

/// Everything that can go wrong in navbat-workflow. An error never leaves a case changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorkflowError {
    /// A service file could not be read.
    #[error("cannot read service file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A service definition is not valid RON for the expected shape.
    #[error("{origin}:{line}:{column}: {message}")]
    Parse {
        /// File path or the name the caller gave the text.
        origin: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// A service definition parsed but breaks a rule of the workflow model.
    #[error(
        "{}service `{service}`, step `{step}`: {problem}",
        at.as_ref().map(|p| format!("{p}: ")).unwrap_or_default()
    )]
    InvalidDefinition {
        /// The service's name.
        service: String,
        /// The step concerned (`-` when the problem is service-wide).
        step: String,
        /// What is wrong.
        problem: String,
        /// Where in the definition's text (absent for a catalogue built in code).
        at: Option<Position>,
    },
    /// Two services in one catalogue share a name.
    #[error("service `{service}` is defined twice")]
    DuplicateService {
        /// The name.
        service: String,
    },
    /// A calendar needs at least one working weekday.
    #[error("a work calendar needs at least one working weekday")]
    NoWorkingDays,
    /// A timestamp outside the civil calendar's range.
    #[error("timestamp {at_ms} ms is outside the civil calendar's range")]
    TimeOutOfRange {
        /// The raw milliseconds.
        at_ms: i64,
    },
    /// No such service in the catalogue.
    #[error("unknown service id {service}")]
    UnknownService {
        /// The id.
        service: u16,
    },
    /// The case does not exist (never opened, or finished and evicted).
    #[error("unknown case {case}")]
    UnknownCase {
        /// The case id.
        case: u64,
    },
    /// The case reached a terminal outcome: it takes no more events.
    #[error("case {case} is closed")]
    CaseClosed {
        /// The case id.
        case: u64,
    },
    /// The event does not fit the case's current step.
    #[error("case {case} in step `{step}` does not accept {event}")]
    EventNotExpected {
        /// The case id.
        case: u64,
        /// The current step's name.
        step: String,
        /// The rejected event's label.
        event: &'static str,
    },
    /// Events of one case must come in time order.
    #[error("case {case}: event at {at_ms} ms is before the case's last event at {last_ms} ms")]
    TimeWentBackwards {
        /// The case id.
        case: u64,
        /// The offending time.
        at_ms: i64,
        /// The case's last event time.
        last_ms: i64,
    },
    /// A match score, liveness score or candidate score that is not a finite number in 0..=1.
    #[error("case {case}: match input `{input}` = {value} is not in 0..=1")]
    BadMatchInput {
        /// The case id.
        case: u64,
        /// Which input.
        input: &'static str,
        /// The value given.
        value: f32,
    },
    /// A human decision must name 1..=4 reasons from the service's review reasons.
    #[error(
        "case {case}: a decision needs 1 to 4 known reason codes (got {given}, bad code {bad:?})"
    )]
    BadReasons {
        /// The case id.
        case: u64,
        /// How many were given.
        given: usize,
        /// The first unknown code, if any.
        bad: Option<u16>,
    },
    /// The task does not exist or is no longer open.
    #[error("task {task} is not open")]
    TaskNotOpen {
        /// The task id.
        task: u64,
    },
    /// The task is claimed by another officer (or not claimed at all).
    #[error("task {task} is not claimed by officer {officer}")]
    NotClaimant {
        /// The task id.
        task: u64,
        /// The officer who tried.
        officer: u32,
    },
    /// The task is already claimed.
    #[error("task {task} is already claimed by officer {claimant}")]
    AlreadyClaimed {
        /// The task id.
        task: u64,
        /// Who holds it.
        claimant: u32,
    },
    /// An appeal must be reviewed by someone other than the officer whose decision is appealed.
    #[error(
        "officer {officer} made the appealed decision on case {case} and cannot review the appeal"
    )]
    ConflictOfInterest {
        /// The case id.
        case: u64,
        /// The officer.
        officer: u32,
    },
    /// A case's log breaks its hash chain.
    #[error("audit chain of case {case} broken at entry {index}: {problem}")]
    ChainBroken {
        /// The case id.
        case: u64,
        /// Index of the first bad entry (the log length for a bad head).
        index: usize,
        /// What was found.
        problem: &'static str,
    },
    /// Replaying a log did not reproduce what the log says.
    #[error("replay of case {case} diverged at entry {index}: {problem}")]
    ReplayDiverged {
        /// The case id.
        case: u64,
        /// Index of the entry.
        index: usize,
        /// What differed.
        problem: &'static str,
    },
    /// Writing an export failed.
    #[error("export failed: {message}")]
    Export {
        /// What the writer said.
        message: String,
    },
    /// An audit key could not be read or is too short to be a key.
    #[error("audit key {path}: {problem}")]
    AuditKey {
        /// The key file (empty when the key was given as bytes).
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// An exported log could not be read as a sealed XES or OCEL log.
    #[error("{origin}: {problem}")]
    SealedLog {
        /// The file or the name the caller gave the text.
        origin: String,
        /// What is wrong, and where.
        problem: String,
    },
}
