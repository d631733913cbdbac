//! Pairing a kiosk session that sent its person on with the counter ticket that continues it.

use navbat_records::{Channel, Outcome, SENT_ON_WINDOW_MS, Ticket, sent_on};

use crate::at;

/// A ticket of `service` at `site` issued at second `issued`, never called.
fn ticket(site: &str, service: &str, channel: Channel, outcome: Outcome, issued: i64) -> Ticket {
    Ticket {
        site: site.into(),
        ticket: format!("{site}-{issued}"),
        service: service.into(),
        channel,
        segment: Some("adult".into()),
        issued_at: at(issued),
        called_at: None,
        started_at: None,
        finished_at: Some(at(issued + 600)),
        desk: None,
        outcome,
    }
}

/// A kiosk ticket that the app sent to another site as it was issued.
fn arrived_and_sent_away(site: &str, service: &str, at_second: i64) -> Ticket {
    let mut t = ticket(site, service, Channel::Kiosk, Outcome::Redirected, at_second);
    t.finished_at = Some(at(at_second));
    t
}

/// A kiosk session from `from` that ended `redirected` at second `end`.
fn sent_from_kiosk(site: &str, service: &str, from: i64, end: i64) -> Ticket {
    let mut t = ticket(site, service, Channel::Kiosk, Outcome::Redirected, from);
    t.called_at = Some(at(from + 30));
    t.started_at = Some(at(from + 30));
    t.finished_at = Some(at(end));
    t.desk = Some("k1".into());
    t
}

#[test]
fn a_counter_ticket_issued_as_a_kiosk_session_ends_continues_it_and_only_one_does() {
    let window = SENT_ON_WINDOW_MS / 1000;
    let tickets = vec![
        sent_from_kiosk("a", "passport", 0, 300),
        // Before the session ended: a new arrival.
        ticket("a", "passport", Channel::Counter, Outcome::Served, 299),
        // At the instant it ended: its continuation.
        ticket("a", "passport", Channel::Counter, Outcome::Served, 300),
        // A second counter ticket in the window: a new arrival (one ticket a session).
        ticket("a", "passport", Channel::Counter, Outcome::Served, 301),
        // Another service, another site: never paired.
        ticket("a", "id-card", Channel::Counter, Outcome::Served, 300),
        ticket("b", "passport", Channel::Counter, Outcome::Served, 300),
        // A session sent on whose counter ticket came within the window, and one past it.
        sent_from_kiosk("a", "visa", 1000, 1200),
        ticket("a", "visa", Channel::Counter, Outcome::Abandoned, 1200 + window),
        sent_from_kiosk("a", "visa", 2000, 2200),
        ticket("a", "visa", Channel::Counter, Outcome::Balked, 2200 + window + 1),
        // Sent to another site by the app on arrival: nothing follows from it here.
        arrived_and_sent_away("a", "exit", 3000),
        ticket("a", "exit", Channel::Counter, Outcome::Served, 3000),
        // Moved from the kiosk line (no session) after waiting there.
        ticket("a", "permit", Channel::Kiosk, Outcome::Redirected, 4000),
        ticket("a", "permit", Channel::Counter, Outcome::Served, 4600),
    ];
    let marked = sent_on(&tickets);
    let got: Vec<usize> = (0..tickets.len()).filter(|&i| marked[i]).collect();
    assert_eq!(got, [2, 7, 13]);
}

#[test]
fn records_without_kiosk_sessions_sent_on_have_no_continuations() {
    let tickets: Vec<Ticket> = (0..50)
        .map(|i| ticket("a", "passport", Channel::Counter, Outcome::Served, i * 10))
        .collect();
    assert!(sent_on(&tickets).iter().all(|&x| !x));
}
