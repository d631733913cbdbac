//! navbat-fit's integration tests: published and reference values, recovery of known
//! parameters from seeded simulations, and the behaviour of the bootstrap under the null.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test stops at the first failed assumption, helpers included"
)]

mod errors;
mod known;
mod recovery;
mod tidy;
