//! The one error type of scenario loading, with file, line and column.

use std::path::PathBuf;
use std::sync::Arc;

use miette::{Diagnostic, NamedSource, SourceSpan};

/// Why a scenario could not be loaded.
///
/// Every variant that concerns the text carries the file name, the 1-based line and column,
/// and the source with a labelled span, so `miette` can draw the offending line.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{path}: cannot read the scenario: {source}")]
    #[diagnostic(code(navbat::scenario::io))]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The text is not valid RON for a scenario (syntax, unknown field, wrong type).
    #[error("{file}:{line}:{col}: {message}")]
    #[diagnostic(code(navbat::scenario::syntax))]
    Syntax {
        /// File name as given.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        col: usize,
        /// What the parser expected.
        message: String,
        /// The text, for rendering.
        #[source_code]
        src: Arc<NamedSource<String>>,
        /// Where.
        #[label("here")]
        span: SourceSpan,
    },
    /// The text parses but a value is not acceptable (range, reference, consistency).
    #[error("{file}:{line}:{col}: `{field}`: {message}")]
    #[diagnostic(code(navbat::scenario::invalid))]
    Invalid {
        /// File name as given.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        col: usize,
        /// Path of the field, e.g. `sites[1].kiosks[0].count`.
        field: String,
        /// What is wrong and what was expected.
        message: String,
        /// The text, for rendering.
        #[source_code]
        src: Arc<NamedSource<String>>,
        /// Where.
        #[label("{message}")]
        span: SourceSpan,
    },
    /// A `--set` override does not fit the scenario.
    #[error("{file}: --set {problem}")]
    #[diagnostic(code(navbat::scenario::set))]
    Override {
        /// The scenario the override was applied to.
        file: String,
        /// What is wrong.
        problem: crate::OverrideError,
    },
    /// A sweep file is well-formed RON but its grid is not acceptable.
    #[error("{file}: {message}")]
    #[diagnostic(code(navbat::scenario::sweep))]
    Sweep {
        /// The sweep file.
        file: String,
        /// What is wrong.
        message: String,
    },
}

impl ScenarioError {
    /// The 1-based line and column of the problem, where it has one.
    pub fn position(&self) -> Option<(usize, usize)> {
        match self {
            Self::Syntax { line, col, .. } | Self::Invalid { line, col, .. } => Some((*line, *col)),
            Self::Io { .. } | Self::Override { .. } | Self::Sweep { .. } => None,
        }
    }
}

pub(crate) use navbat_locate::line_col;

/// Byte offset of 1-based `line` and `col` in `text`.
pub(crate) fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let within: usize = l.chars().take(col.saturating_sub(1)).map(char::len_utf8).sum();
            return offset + within;
        }
        offset += l.len();
    }
    text.len()
}
