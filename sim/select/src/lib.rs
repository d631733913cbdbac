//! Picks the best of several simulated plans with a stated probability of being right.
//!
//! The ministry's questions that end in "which one?" — which kiosk count for a site, which of
//! the optimiser's last few placements — compare plans whose benefits are only known through
//! replications of the twin. Taking the plan with the best sample mean says nothing about how
//! often that choice is wrong. This crate runs a ranking-and-selection procedure instead:
//! KN++ (Kim & Nelson, 2006), a fully sequential procedure that samples every surviving plan
//! one replication at a time and drops a plan as soon as the evidence says it is not the best.
//!
//! # Brief overview
//!
//! - [`Procedure`] states the indifference zone `delta` (differences smaller than it do not
//!   matter to the decision: in UZS a year for the ministry), the probability of correct
//!   selection `pcs` it should guarantee, the first-stage replications and a cap.
//! - [`kn_plus_plus`] asks a closure for replication `r` of every surviving plan at once, so the
//!   caller runs them in parallel and with common random numbers (replication `r` of every plan
//!   draws from the same streams); positive correlation between plans then shortens the
//!   procedure, which is the point of common random numbers.
//! - [`Selection`] says which plan won, how many replications each plan took, when each was
//!   eliminated, and whether the cap stopped the procedure (then there is no guarantee).
//!
//! Larger is better. To select the smallest mean (a wait, a cost), give the negated values.
//!
//! # The guarantee, stated
//!
//! If the best plan's mean exceeds every other plan's by at least `delta`, the procedure
//! selects it with probability at least `pcs`, for replications independent across `r` and
//! any correlation between plans inside a replication. [`kn`] (Kim & Nelson, 2001) proves it
//! for normal replications in finite samples; [`kn_plus_plus`] updates the variances as it
//! goes and is proven asymptotically (Kim & Nelson, 2006). Both use the finite-sample
//! constant, and this crate's tests measure the realised probability of both on normal and
//! skewed data. When the gap is smaller than `delta`, any plan within `delta` of the best is
//! an acceptable choice.
//!
//! # Example
//!
//! ```
//! use navbat_select::{Procedure, kn_plus_plus};
//!
//! // Three plans whose benefit is exactly known; plan 2 is best by far.
//! let means = [1.0, 2.0, 10.0];
//! let procedure = Procedure { delta: 0.5, pcs: 0.95, first_stage: 10, max_replications: 1000 };
//! let selection = kn_plus_plus(3, &procedure, |alive, r| {
//!     // A small deterministic wobble by replication stands in for the twin's noise.
//!     let noise = if r % 2 == 0 { 0.1 } else { -0.1 };
//!     Ok::<_, std::convert::Infallible>(alive.iter().map(|&i| means[i] + noise).collect())
//! })
//! .unwrap();
//! assert_eq!(selection.best, 2);
//! assert!(!selection.capped);
//! ```
//!
//! References: S.-H. Kim and B. L. Nelson, "A fully sequential procedure for
//! indifference-zone selection in simulation", *ACM TOMACS* 11(3), 2001, 251–273 (KN); S.-H.
//! Kim and B. L. Nelson, "On the asymptotic validity of fully sequential
//! selection procedures for steady-state simulation", *Operations Research* 54(3), 2006,
//! 475–488 (KN++). Both with `c = 1` and Bonferroni's split of the error across the pairs,
//! as common random numbers require.

mod error;
mod kn;

pub use error::SelectError;
pub use kn::{Procedure, Selection, kn, kn_plus_plus};
