//! The optimiser's one error type.

use std::path::PathBuf;

/// What can go wrong reading candidates, evaluating plans or writing charts.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OptimiseError {
    /// The candidate file is not valid RON of the candidate layout, or a value in it is out
    /// of range or names something the scenario does not have.
    #[error("{file}:{line}:{col}: {message}")]
    Candidates {
        /// The candidate file as given.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        col: usize,
        /// What is wrong, with the field's path.
        message: String,
    },
    /// A plan built from the candidates did not pass the scenario's checks.
    #[error("plan {what}: {message}")]
    Plan {
        /// Which plan or site.
        what: String,
        /// The scenario loader's message.
        message: String,
    },
    /// The evaluation cache could not be read or written.
    #[error("{}: {message}", path.display())]
    Cache {
        /// The cache file.
        path: PathBuf,
        /// What failed.
        message: String,
    },
    /// A simulated replication stopped on the engine's guard.
    #[error("site {site}, replication {replication}: {message}")]
    Fault {
        /// The site evaluated.
        site: String,
        /// The replication.
        replication: u32,
        /// The engine's message.
        message: String,
    },
    /// A chart could not be drawn.
    #[error("chart {chart}: {message}")]
    Chart {
        /// Which chart.
        chart: String,
        /// What failed.
        message: String,
    },
    /// The options are out of range (a budget that is not a positive amount, say).
    #[error("{0}")]
    Options(String),
    /// The caller asked the evaluator to stop (see [`crate::Evaluator::with_cancel`]); what was
    /// simulated before stays cached.
    #[error("cancelled after {simulated} site replications")]
    Cancelled {
        /// Site replications simulated by this evaluator before it stopped.
        simulated: u64,
    },
}
