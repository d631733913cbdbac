//! What can go wrong when selecting: a procedure that cannot be run, or a sample that cannot
//! be used.

/// Why [`kn_plus_plus`](crate::kn_plus_plus) stopped without a selection.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SelectError<E> {
    /// The procedure's settings cannot give a guarantee.
    #[error("ranking and selection: {what}")]
    Procedure {
        /// Which setting, and what it must be.
        what: String,
    },
    /// The caller's sampler failed (a simulation that stopped with an error).
    #[error("ranking and selection: replication {replication} could not be sampled")]
    Sample {
        /// The replication asked for (0-based).
        replication: u32,
        /// The sampler's own error.
        #[source]
        source: E,
    },
    /// The sampler answered with a different number of values than plans asked for.
    #[error(
        "ranking and selection: replication {replication} gave {got} values for {expected} plans"
    )]
    Length {
        /// The replication asked for (0-based).
        replication: u32,
        /// How many plans were asked for.
        expected: usize,
        /// How many values came back.
        got: usize,
    },
    /// A value was NaN or infinite: no mean can be formed from it.
    #[error("ranking and selection: plan {plan}, replication {replication} gave {value}")]
    NotFinite {
        /// The plan's index.
        plan: usize,
        /// The replication (0-based).
        replication: u32,
        /// The value given.
        value: f64,
    },
}
