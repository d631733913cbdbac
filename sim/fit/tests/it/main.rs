//! navbat-fit's integration tests: published and reference values, recovery of known
//! parameters from seeded simulations, and the behaviour of the bootstrap under the null.

mod errors;
mod known;
mod recovery;
mod tidy;
