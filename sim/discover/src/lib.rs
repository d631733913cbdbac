//! navbat-discover: the twin's side of real case logs — read them, measure how far two
//! logs are apart, and (for `navbat discover`) learn a back-office model from one.
//!
//! # Brief overview
//!
//! - **Reading** ([`read_log`], [`read_xes`], [`read_ocel`]): XES and XES.gz streamed with
//!   quick-xml, OCEL 2.0 JSON, into one compact [`EventLog`] (activities and resources
//!   interned, timestamps as UTC milliseconds with the log's own offset kept). Bad input
//!   comes back as a [`DiscoverError`] with file, line and column.
//! - **Measuring** ([`all_measures`], [`Measure`]): the seven distances of the process
//!   simulation literature with the definitions of the PyPI package `log-distance-measures`
//!   2.2.0 (a test holds navbat to that package within 1e-6): control-flow log distance,
//!   3-gram distance, absolute, circadian and relative event distributions, cycle-time and
//!   case-arrival distributions.
//!
//! The crate reads no clock and knows no Bevy; its inputs are files or logs in memory.
//!
//! # Example
//!
//! ```
//! use navbat_discover::{EventLog, Lifecycle, LogCase, LogEvent, Measure, all_measures, parse_iso};
//!
//! let mut log = EventLog::new();
//! let (a, b) = (log.activity_id("Register"), log.activity_id("Decide"));
//! let at = |t: &str| parse_iso(t).ok_or("bad time");
//! log.cases.push(LogCase {
//!     id: "1".into(),
//!     attributes: vec![],
//!     events: vec![
//!         LogEvent { activity: a, lifecycle: Lifecycle::Complete, time: at("2026-03-02T09:00+05:00")?, resource: None },
//!         LogEvent { activity: b, lifecycle: Lifecycle::Complete, time: at("2026-03-02T13:00+05:00")?, resource: None },
//!     ],
//! });
//! // The same log shifted by a day: the same control flow and cycle times, arrivals 24 h apart.
//! let later = log.shifted(24 * 3_600_000);
//! let d = all_measures(&log, &later)?;
//! assert_eq!(d[0], (Measure::ControlFlow, 0.0));
//! assert_eq!(d[5], (Measure::CycleTime, 0.0));
//! assert_eq!(d[6], (Measure::CaseArrival, 24.0));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod assignment;
mod error;
pub mod learn;
mod log;
pub mod measures;
mod read;
mod time;
mod write;

pub use assignment::min_cost_assignment;
pub use error::DiscoverError;
pub use learn::{Discovery, LearnOptions, learn};
pub use log::{EventLog, Instance, Lifecycle, LogCase, LogEvent};
pub use measures::{Measure, all_measures, damerau_levenshtein, measure, wasserstein};
pub use read::{LogFormat, read_log, read_ocel, read_xes};
pub use time::{DAY_MS, HOUR_MS, Stamp, civil_from_days, days_from_civil, parse_iso};
pub use write::write_xes;
