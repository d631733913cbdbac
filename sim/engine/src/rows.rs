//! What the floor writes down as it happens, in the shape of the pilot's record files: a
//! ticket row for every person who leaves a site, a kiosk row for every breakdown and
//! repair, a duty row for every time a counter's officer goes home.
//!
//! The rows are plain data in the engine's own terms (site, service and segment indices,
//! [`SimTime`], [`Server`]); whoever receives them ([`RowExporter`], given with
//! [`crate::Simulation::with_rows`]) names and writes them. Writing them down draws nothing
//! and changes nothing: a replication's record is the same with rows or without.

use navbat_scenario::{SegmentIdx, ServiceIdx};

use crate::components::{Applicant, Server};
use crate::time::SimTime;

/// Receives every row of one replication, in the order the floor wrote them.
pub type RowExporter = Box<dyn FnMut(&FloorRow) + Send>;

/// One row of a replication's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloorRow {
    /// A person left a site.
    Ticket(TicketRow),
    /// A kiosk broke down or was repaired.
    Kiosk(KioskRow),
    /// A counter's officer was present over an interval.
    Duty(DutyRow),
}

/// How a ticket came to the floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketChannel {
    /// Left from the counter line or a counter.
    Counter,
    /// Left from the kiosk line or a kiosk.
    Kiosk,
    /// Asked through the portal: never on the floor.
    Portal,
    /// Came back to collect a document.
    Pickup,
}

/// How a ticket ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketOutcome {
    /// Served to the end at a counter or a kiosk.
    Served,
    /// Gave up waiting (reneged), or could not be served here after a kiosk session failed.
    Abandoned,
    /// Left on seeing the line.
    Balked,
    /// Still waiting when nobody was left to serve them after closing.
    SentHome,
    /// Sent elsewhere: to another site by the app's advice, to the portal, or (a kiosk
    /// ticket) on to the counter line, which issues a [`TicketNumber::SentOn`] ticket.
    Redirected,
}

/// A ticket's number: the run's request number, or the case a pickup visit collects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TicketNumber {
    /// The site's own request number (in the order requests came there, portal included).
    Request(u64),
    /// A pickup visit for this case (a case may need more than one visit).
    Pickup(u64),
    /// A return visit (the `1`-th, 2nd... after the first) of the request with this
    /// number: a new ticket for the same request.
    Return(u64, u16),
    /// The counter line's ticket for visit `v` (0: the first) of the request with this
    /// number, issued when a kiosk session sent the person on to a counter; the visit's
    /// kiosk ticket ended [`TicketOutcome::Redirected`] at that instant.
    SentOn(u64, u16),
}

/// A person who left a site (or a request that never came to the floor).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketRow {
    /// Site index in the scenario.
    pub site: usize,
    /// The ticket's number.
    pub number: TicketNumber,
    /// Service asked for.
    pub service: ServiceIdx,
    /// The person's segment.
    pub segment: SegmentIdx,
    /// How the ticket came and where it left from.
    pub channel: TicketChannel,
    /// Arrival at this site; for a [`TicketNumber::SentOn`] ticket, the instant the kiosk
    /// sent them on.
    pub issued: SimTime,
    /// Start of the service that served them (the server called them at that instant), or
    /// of the kiosk session that sent them on to a counter; `None` otherwise.
    pub started: Option<SimTime>,
    /// When they left.
    pub finished: SimTime,
    /// The counter or kiosk that served them, or the kiosk that sent them on; `None`
    /// otherwise.
    pub desk: Option<Server>,
    /// How it ended.
    pub outcome: TicketOutcome,
}

impl TicketRow {
    /// The row of person `a` at `site`, leaving at `finished`.
    pub(crate) fn of(
        site: usize,
        a: &Applicant,
        channel: TicketChannel,
        finished: SimTime,
        served: Option<(Server, SimTime)>,
        outcome: TicketOutcome,
    ) -> Self {
        // After a kiosk sent them on, the counter line's ticket (the kiosk's ended then).
        let sent_on = a.sent_on.filter(|_| channel == TicketChannel::Counter);
        let number = match a.pickup {
            Some(case) => TicketNumber::Pickup(case),
            None => {
                let request = a.id & ((1 << crate::PERSON_NUMBER_BITS) - 1);
                match (sent_on, a.visit) {
                    (Some(_), visit) => TicketNumber::SentOn(request, visit),
                    (None, 0) => TicketNumber::Request(request),
                    (None, visit) => TicketNumber::Return(request, visit),
                }
            }
        };
        Self {
            site,
            number,
            service: a.service,
            segment: a.segment,
            channel: if a.pickup.is_some() { TicketChannel::Pickup } else { channel },
            issued: sent_on.unwrap_or(a.arrived),
            started: served.map(|(_, at)| at),
            finished,
            desk: served.map(|(server, _)| server),
            outcome,
        }
    }
}

/// A kiosk's state changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KioskRow {
    /// Site index in the scenario.
    pub site: usize,
    /// Kiosk number in the site's floor ([`crate::SiteState::kiosks`]).
    pub kiosk: u16,
    /// When it changed.
    pub at: SimTime,
    /// Working from `at` on (`false`: broke down).
    pub up: bool,
    /// What failed, for a breakdown: a component (`camera`, `payment`, `printer`), or
    /// `None` for the whole device (the kiosk group's calendar-time failures).
    pub component: Option<navbat_scenario::KioskPart>,
}

/// A counter's officer was present from `from` to `to` (shift, and overtime after
/// closing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DutyRow {
    /// Site index in the scenario.
    pub site: usize,
    /// Counter number in the site's floor ([`crate::SiteState::counters`]).
    pub counter: u16,
    /// Came on duty.
    pub from: SimTime,
    /// Went home.
    pub to: SimTime,
}
