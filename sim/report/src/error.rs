//! What can go wrong while writing a report.

use std::path::PathBuf;

/// An error from [`write_report`](crate::write_report). Nothing is left half-written when
/// one is returned: the report is built in a temporary directory and moved into place last.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// An input CSV file of the results directory is malformed.
    #[error("{path}: {source}")]
    Csv {
        /// The CSV file.
        path: PathBuf,
        /// The underlying error.
        source: csv::Error,
    },
    /// `run.json` cannot be read: it is malformed, or it says the results directory has a
    /// layout this navbat does not read (an older or a newer navbat wrote it).
    #[error("{path}: {source}")]
    RunFile {
        /// The `run.json` file.
        path: PathBuf,
        /// What is wrong ([`navbat_record::ResultsError::Layout`] for another layout).
        source: navbat_record::ResultsError,
    },
    /// The results are inconsistent (for example no replications, or baseline rows that do
    /// not pair with the variant's).
    #[error("{path}: {message}")]
    Inconsistent {
        /// The file concerned.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A chart could not be drawn.
    #[error("chart {chart}: {message}")]
    Chart {
        /// The chart's file stem.
        chart: String,
        /// What the plotting library said.
        message: String,
    },
    /// The output directory cannot be replaced: it holds files navbat did not write there
    /// (no earlier report's marker, or files the marker does not list), or it is the
    /// results directory itself or contains or lies inside it.
    #[error("{path}: {reason}; nothing was changed, choose another output directory")]
    OutDirInUse {
        /// The output directory.
        path: PathBuf,
        /// Why it cannot be replaced.
        reason: String,
    },
}

impl From<navbat_record::folder::FolderError> for ReportError {
    fn from(e: navbat_record::folder::FolderError) -> Self {
        use navbat_record::folder::FolderError;
        match e {
            FolderError::InUse { path, reason } => Self::OutDirInUse { path, reason },
            FolderError::Io { path, source } => Self::Io { path, source },
            FolderError::Tampered { path, reason } => Self::Inconsistent { path, message: reason },
            other => Self::Inconsistent { path: PathBuf::new(), message: other.to_string() },
        }
    }
}
