//! Integration tests of navbat-matching: known answers, properties, value stability,
//! calibration of the default model, and bad input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test stops at the first failed assumption, helpers included"
)]

mod bad_input;
mod calibration;
mod formats;
mod known_answer;
mod latent;
mod pinned_bits;
mod properties;
mod stability;
mod tidy;
