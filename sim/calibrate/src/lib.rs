//! navbat-calibrate: the pilot's records in, a fitted scenario and every fit's goodness out.
//!
//! # Brief overview
//!
//! [`calibrate`] takes the records read by `navbat-records` (a ticket log, and optionally
//! the kiosk log and the roster) and a base scenario, or none, and returns a
//! [`Calibration`]: the scenario with every block the records can tell replaced, a comment
//! for each replaced block saying how it was fitted, the list of what was assumed, and the
//! results (`navbat_record::calibration::CalibrationFile`) the calibration report draws.
//!
//! What is fitted, and at what level (the scenario's structure decides where data are
//! pooled):
//!
//! - **Arrivals**, per site: the NHPP's weekday × month × hour profile by maximum likelihood
//!   (iterative proportional fitting), the yearly volume per service with Garwood and
//!   quasi-Poisson intervals, the index-of-dispersion test of daily counts (`arrivals.rs`).
//! - **Service times**, per service and channel, pooled over sites (the scenario has one
//!   service time per service): exponential, gamma, lognormal and Weibull by maximum
//!   likelihood, chosen by AIC, Kolmogorov–Smirnov and Anderson–Darling with
//!   parametric-bootstrap p-values (`durations.rs`).
//! - **Patience**, per segment, pooled over sites and services: Kaplan–Meier and censored
//!   maximum likelihood (exponential, Weibull, lognormal) — an abandonment is an observed
//!   patience, a served or sent-home wait a censored one.
//! - **Balking**, per segment: the step rule of the scenario (threshold, probability) fitted
//!   against the counter line each arrival saw (`floor.rs`).
//! - **Channel shares**, per segment: the choice among the channels a site offered for the
//!   service (Luce's choice model by the MM algorithm, Hunter 2004).
//! - **Desks on duty** by hour of the week, per site, from the roster, else inferred from
//!   busy periods (`floor.rs`); **kiosk failures and repairs** per site and component
//!   (`kiosks.rs`).
//!
//! Nothing reads a file or a clock here: the CLI reads the records and writes the outputs.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use navbat_records::{ReadOptions, Records};
//! let records = Records::read(std::path::Path::new("records"), &ReadOptions::strict())?;
//! let fitted = navbat_calibrate::calibrate(&records, None, &navbat_calibrate::Options::default())?;
//! std::fs::write("fitted.ron", fitted.to_ron())?;
//! # Ok(())
//! # }
//! ```

mod adoption;
mod arrivals;
mod build;
mod durations;
mod erlang_a;
mod error;
mod floor;
mod kiosks;
mod tickets;
mod twin;

pub use crate::build::{Calibration, Options, calibrate};
/// The scenario's distribution for a fitted one (also `navbat discover`'s task times).
pub use crate::durations::to_dist as scenario_dist;
pub use crate::erlang_a::{ErlangA, erlang_a};
pub use crate::error::CalibrateError;
pub use crate::twin::{
    HourProfile, PeriodInputs, desk_availability, exponential_rates, observed_profile,
    period_scenario,
};
