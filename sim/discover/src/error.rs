//! The case-log crate's one error type.

use std::path::PathBuf;

/// Why a log could not be read or compared.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiscoverError {
    /// The file could not be opened or read.
    #[error("{}: {message}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        message: String,
    },
    /// The file's text is not a log of the expected shape.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// Line, from 1.
        line: u64,
        /// Column (in bytes), from 1.
        column: u64,
        /// What is wrong there.
        message: String,
    },
    /// The file's name says neither XES nor OCEL.
    #[error("{}: unknown log format (expected .xes, .xes.gz, .jsonocel or .json)", path.display())]
    Format {
        /// The file.
        path: PathBuf,
    },
    /// A measure cannot be computed on these logs.
    #[error("{measure}: {message}")]
    Measure {
        /// The measure's name.
        measure: &'static str,
        /// Why.
        message: String,
    },
}
