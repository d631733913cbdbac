//! `navbat-records` on its own: every bad-record kind with its location, lenient counts,
//! plain and gzip round trips, records folders, and the real bank month.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test stops at the first failed assumption, helpers included"
)]

mod bad_rows;
mod bank;
mod round_trip;
mod sent_on;

use navbat_records::{Channel, Outcome, Stamp, TASHKENT, Ticket};

/// Header of the ticket log, in the format's order.
pub const HEADER: &str =
    "site,ticket,service,channel,segment,issued_at,called_at,started_at,finished_at,desk,outcome";

/// 2026-03-02T09:00:00+05:00 plus `seconds`, at Tashkent's offset.
pub fn at(seconds: i64) -> Stamp {
    let base = Stamp::parse("2026-03-02T09:00:00+05:00").unwrap_or_else(|e| panic!("{e}"));
    Stamp::new(base.instant + jiff::SignedDuration::from_secs(seconds), TASHKENT)
}

/// A varied day of tickets: every outcome and channel, with and without segment, and names
/// that need quoting.
pub fn sample_tickets(n: usize) -> Vec<Ticket> {
    let sites = ["tashkent-1", "samarkand, main hall", "bukhara \"old town\""];
    let services = ["passport", "id-card", "registration"];
    (0..n)
        .map(|i| {
            let issued = (i as i64) * 37;
            let outcome = Outcome::ALL[i % Outcome::ALL.len()];
            let called = matches!(outcome, Outcome::Served | Outcome::Redirected)
                || (outcome == Outcome::Abandoned && i % 2 == 0);
            let started =
                outcome == Outcome::Served || (outcome == Outcome::Redirected && i % 3 == 0);
            Ticket {
                site: sites[i % sites.len()].to_owned(),
                ticket: format!("T{i:06}"),
                service: services[(i / 3) % services.len()].to_owned(),
                channel: Channel::ALL[i % Channel::ALL.len()],
                segment: (i % 4 == 0).then(|| "priority".to_owned()),
                issued_at: at(issued),
                called_at: called.then(|| at(issued + 300)),
                started_at: started.then(|| at(issued + 320)),
                finished_at: (started || i % 5 != 0).then(|| at(issued + 900)),
                desk: called.then(|| format!("{}", 1 + i % 7)),
                outcome,
            }
        })
        .collect()
}

#[test]
fn every_source_file_starts_with_a_doc_line() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut checked = 0;
    for dir in ["src", "tests/it"] {
        let entries = std::fs::read_dir(format!("{root}/{dir}")).unwrap_or_else(|e| panic!("{e}"));
        for entry in entries {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
            if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
                assert!(text.starts_with("//!"), "{} lacks a //! line", path.display());
                checked += 1;
            }
        }
    }
    assert!(checked >= 10, "only {checked} files checked");
}
