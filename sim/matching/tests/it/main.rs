//! Integration tests of navbat-matching: known answers, properties, value stability,
//! calibration of the default model, and bad input.

mod bad_input;
mod calibration;
mod formats;
mod known_answer;
mod pinned_bits;
mod properties;
mod stability;
mod tidy;
