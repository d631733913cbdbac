//! navbat-select's integration tests: the probability of correct selection measured over many
//! seeded experiments, the savings of common random numbers, and bad settings and samples.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test stops at the first failed assumption, helpers included"
)]

mod errors;
mod pcs;
