//! Which counter tickets continue a kiosk session: a person whom a kiosk could not serve to
//! the end (Face-ID failed, the session needed help, the kiosk cannot finish the service)
//! leaves a kiosk ticket ending `redirected` and is issued a counter ticket as they join
//! the counter line. That counter ticket is the same visit's second ticket, not a new
//! arrival: whoever counts arrivals, channel choices or balking must leave it out, while
//! waits and patience in the counter line start at its own issue time.
//!
//! The same holds for a person moved from the kiosk line to the counter line when no
//! working kiosk could serve them.
//!
//! The log does not link the two tickets; they are paired by what a queue system records
//! of both: a kiosk ticket that ended `redirected` after time at the site (a session
//! started, or `finished_at` later than `issued_at`; one the app sent to another site on
//! arrival ends as it was issued), and a counter ticket of the same site, service and
//! segment issued no earlier than the kiosk ticket ended and no later than
//! [`SENT_ON_WINDOW_MS`] after. Each kiosk ticket claims at most one counter ticket, the
//! earliest unclaimed one in its window, taking kiosk tickets in the order they ended.

use std::collections::HashMap;

use crate::rows::{Channel, Outcome, Ticket};

/// How long after a kiosk session ended `redirected` a counter ticket of the same site,
/// service and segment is taken to continue it: one minute, the walk from a kiosk to the
/// counter line's ticket machine. (navbat's own records issue it at the same instant.)
pub const SENT_ON_WINDOW_MS: i64 = 60_000;

/// For each ticket of `tickets`, whether it is the counter ticket that continues a kiosk
/// session which sent its person on (see the module's documentation for the rule).
pub fn sent_on(tickets: &[Ticket]) -> Vec<bool> {
    type Key<'a> = (&'a str, &'a str, Option<&'a str>);
    let mut ends: HashMap<Key<'_>, Vec<i64>> = HashMap::new();
    let mut issues: HashMap<Key<'_>, Vec<(i64, usize)>> = HashMap::new();
    for (i, t) in tickets.iter().enumerate() {
        let k = (t.site.as_str(), t.service.as_str(), t.segment.as_deref());
        match (t.channel, t.outcome, &t.finished_at) {
            // Sent on after a session at a kiosk, or after waiting in the kiosk line.
            (Channel::Kiosk, Outcome::Redirected, Some(end))
                if t.started_at.is_some() || end.instant > t.issued_at.instant =>
            {
                ends.entry(k).or_default().push(end.instant.as_millisecond());
            }
            (Channel::Counter, ..) => {
                issues.entry(k).or_default().push((t.issued_at.instant.as_millisecond(), i));
            }
            _ => {}
        }
    }
    let mut marked = vec![false; tickets.len()];
    for (k, mut ends) in ends {
        let Some(issues) = issues.get_mut(&k) else { continue };
        ends.sort_unstable();
        issues.sort_unstable();
        let mut next = 0;
        for end in ends {
            while next < issues.len() && issues[next].0 < end {
                next += 1;
            }
            if let Some(&(at, i)) = issues.get(next)
                && at - end <= SENT_ON_WINDOW_MS
            {
                marked[i] = true;
                next += 1;
            }
        }
    }
    marked
}
