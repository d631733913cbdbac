//! The calibration's one error type.

/// Why a calibration could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CalibrateError {
    /// The ticket log holds no ticket.
    #[error("the ticket log holds no ticket: nothing to fit")]
    NoTickets,
    /// A ticket names a site, service or segment the base scenario does not have.
    #[error("ticket number {ticket} of the log: {what} {name:?} is not in the base scenario")]
    Unknown {
        /// `site`, `service` or `segment`.
        what: &'static str,
        /// The name.
        name: String,
        /// Its position among the tickets read (1 is the first).
        ticket: usize,
    },
    /// A fit failed.
    #[error("fitting {what}: {source}")]
    Fit {
        /// What was being fitted.
        what: String,
        /// Why.
        source: navbat_fit::FitError,
    },
    /// The records' desks do not fit the scenario's counter groups.
    #[error(
        "site {site}: {why}; give the scenario's counters of this site no service lists to pool its desks"
    )]
    Desks {
        /// The site.
        site: String,
        /// Which desk, and what it served.
        why: String,
    },
    /// The horizon of the base scenario could not be read.
    #[error("the base scenario's horizon start {start:?} is not a date")]
    Horizon {
        /// The text.
        start: String,
    },
}
