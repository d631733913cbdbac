//! navbat's results of a run, as plain data: what a replication measured and what the
//! replications say together.
//!
//! # Brief overview
//!
//! The engine fills one [`ReplicationRecord`] per replication: per-site counts, waits (as a
//! [`WaitHistogram`], so memory does not grow with the number of people), utilisation and the
//! two sides of Little's law. [`RunSummary::from_replications`] turns a list of them into
//! [`Estimate`]s — mean and a Student-t 95 % confidence interval over replications — which is
//! what tables, JSON and reports show. Nothing here knows the simulator: a saved run can be
//! summarised or reported again without simulating.
//!
//! A results folder describes itself with one type, [`RunFile`] (`run.json`): how the run was
//! made ([`RunMeta`]) and the [`ScenarioOutline`] — sites, services, candidates, prices,
//! switches — that readers such as the report need, so they never parse the scenario file.
//! Its [`RESULTS_FORMAT`] number lets a reader refuse a folder of another layout. A sweep's
//! `summary.json` is a [`SweepSummary`].
//!
//! ```
//! use navbat_record::Estimate;
//! let e = Estimate::from_samples(&[10.0, 12.0, 11.0, 13.0]);
//! assert!((e.mean - 11.5).abs() < 1e-12);
//! assert!(e.ci95_low < e.mean && e.mean < e.ci95_high);
//! ```

pub mod calibration;
mod compare;
mod estimate;
pub mod folder;
mod histogram;
pub mod inference;
mod run;
mod saved;
pub mod screening;
mod selfcheck;
mod tables;

pub use crate::compare::{SiteComparison, compare_paired};
pub use crate::estimate::Estimate;
pub use crate::histogram::{Quantile, WaitHistogram};
pub use crate::run::{
    BackOfficeRow, BreakdownRow, Dimension, ExpansionRow, FaceRow, ReplicationRecord, RunSummary,
    SelectionRow, SensitivityRow, SiteRecord, SiteSummary,
};
pub use crate::saved::{
    DecisionRule, FaceIdOutline, HolidayDate, HorizonDates, Prices, RESULTS_FORMAT, ResultsError,
    RunFile, RunMeta, ScenarioOutline, SequentialStop, ServiceName, SiteOutline, SourceComment,
    SweepPoint, SweepSummary,
};
pub use crate::selfcheck::{CheckRow, SELFCHECK_FORMAT, SelfcheckFile};
pub use crate::tables::{
    RecordError, write_back_office_csv, write_breakdown_csv, write_face_csv, write_keyed_site_csv,
    write_replication_csv, write_rows_csv, write_sweep_csv,
};
