//! navbat-optimise integration tests: candidates, plans, the surrogate, the search against
//! brute force.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "integration tests stop on a failed assumption"
)]

mod brute;
mod candidates;
mod search;
mod surrogate;
