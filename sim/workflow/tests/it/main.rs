//! Integration tests of navbat-workflow: definitions, engine, audit chain, exports.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test stops at the first failed assumption, helpers included"
)]

mod audit;
mod bounds;
mod definitions;
mod drive;
mod engine;
mod export;
mod named;
mod random;
mod sealed;
mod tidy;
