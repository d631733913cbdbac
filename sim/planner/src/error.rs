//! The one error type of the planner: what went wrong and where.

use std::path::PathBuf;

use navbat_scenario::ScenarioError;

/// Why the planner could not do what was asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlannerError {
    /// The scenario file could not be read or is not a valid scenario.
    // The loader's message already starts with the file (and line and column).
    #[error("scenario not opened: {source}")]
    Scenario {
        /// The file.
        path: PathBuf,
        /// What the scenario loader said (file, line, column and field).
        #[source]
        source: Box<ScenarioError>,
    },
    /// An edit would make the scenario invalid; the layout is left as it was.
    #[error("edit \"{edit}\" rejected: {reason}")]
    EditRejected {
        /// The edit, in words.
        edit: String,
        /// Why (for scenario checks: the field and what was expected).
        reason: String,
    },
    /// A file could not be written.
    #[error("{path}: cannot write: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// The bundled base map could not be read.
    #[error("base map line {line}: {message}")]
    BaseMap {
        /// 1-based line of the map text.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A run option is out of range.
    #[error("option {option}: {message}")]
    Option {
        /// The option, as written on the command line.
        option: &'static str,
        /// What was expected.
        message: String,
    },
    /// The window could not run or stopped with an error.
    #[error("the planner window failed: {message}")]
    Window {
        /// What happened.
        message: String,
    },
    /// Screenshot mode ended without writing its picture.
    #[error("{path}: the screenshot was not written after {frames} frames")]
    ScreenshotMissing {
        /// The picture that was asked for.
        path: PathBuf,
        /// Frames rendered before giving up.
        frames: u32,
    },
}
