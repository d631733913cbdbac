//! SLA state of a case against its service's statutory deadline in working days.

use crate::case::CaseState;
use crate::definition::Service;
use crate::time::{Timestamp, WorkCalendar};

/// Where a case stands against its deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SlaState {
    /// Within the allowed time (or finished within it).
    OnTime,
    /// Still open, past the service's at-risk share of the allowed time.
    AtRisk,
    /// Past the deadline (or finished after it).
    Breached,
}

/// SLA figures of one case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlaStatus {
    /// The state.
    pub state: SlaState,
    /// When the clock started.
    pub started: Timestamp,
    /// The deadline: end of the N-th working day after the start day.
    pub due: Timestamp,
    /// When the clock stopped, if it did.
    pub stopped: Option<Timestamp>,
}

/// SLA status of a case at `now`; `None` without a deadline or before the clock starts.
pub fn sla_status(
    service: &Service,
    calendar: &WorkCalendar,
    state: &CaseState,
    now: Timestamp,
) -> Option<SlaStatus> {
    let deadline = service.deadline.as_ref()?;
    let started = state.sla_started?;
    let days = service.deadline_working_days(state.facts)?;
    let due = calendar.add_working_days(started, days);
    let sla = match state.sla_stopped {
        Some(stop) if stop > due => SlaState::Breached,
        Some(_) => SlaState::OnTime,
        None if now > due => SlaState::Breached,
        None => {
            let allowed = (due.0 - started.0) as f64;
            let used = (now.0 - started.0) as f64;
            if used >= f64::from(deadline.at_risk_fraction) * allowed {
                SlaState::AtRisk
            } else {
                SlaState::OnTime
            }
        }
    };
    Some(SlaStatus { state: sla, started, due, stopped: state.sla_stopped })
}
