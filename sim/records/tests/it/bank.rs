//! The real bank month read strictly, checked against its published facts, and rewritten.
//!
//! Source: the "Anonymous Bank" call-centre data of the Service Enterprise Engineering (SEE)
//! Center, Technion — Israel Institute of Technology (A. Mandelbaum), described in L. Brown,
//! N. Gans, A. Mandelbaum, A. Sakov, H. Shen, S. Zeltyn, L. Zhao, "Statistical analysis of a
//! telephone call center: a queueing-science perspective", Journal of the American
//! Statistical Association 100 (2005) 36–50. February 1999, converted to the ticket-log
//! columns (../shared/data/README.md says how); free for research use with acknowledgement.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Instant;

use jiff::tz::Offset;
use navbat_records::{Channel, Compress, Log, Outcome, ReadOptions, Reason, Ticket, TicketReader};
use navbat_records::{TicketWriter, WriteOptions};

const BANK: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/bank-1999-02-tickets.csv.gz");

/// The bank's ticket ids are its call ids, which the call centre reuses: the same id comes
/// back later in the month and even later in the day. Every other rule holds.
fn bank_options() -> ReadOptions {
    ReadOptions { allow_repeated_tickets: true, ..ReadOptions::strict() }
}

/// The bank month, or `None` (with a line on stderr) where the shared data are not present.
fn bank() -> Option<Log<Ticket>> {
    let path = Path::new(BANK);
    if !path.is_file() {
        eprintln!("skipped: ../shared/data not present ({BANK})");
        return None;
    }
    let start = Instant::now();
    let log = Log::read(path, bank_options()).unwrap_or_else(|e| panic!("{e}"));
    eprintln!("read {} tickets in {:.3} s", log.rows.len(), start.elapsed().as_secs_f64());
    Some(log)
}

#[test]
fn the_bank_month_reads_strictly_and_matches_its_published_facts() {
    let Some(log) = bank() else { return };
    let t = &log.rows;
    assert_eq!(t.len(), 30_611, "tickets that reached the agents' line");
    assert!(log.extra_columns.is_empty() && log.skipped.is_empty());
    let desks: BTreeSet<&str> = t.iter().filter_map(|t| t.desk.as_deref()).collect();
    assert_eq!(desks.len(), 24, "agents: {desks:?}");
    let services: BTreeSet<&str> = t.iter().map(|t| t.service.as_str()).collect();
    assert_eq!(services, BTreeSet::from(["IN", "NE", "NW", "PE", "PS", "TT"]));
    let segments: BTreeSet<Option<&str>> = t.iter().map(|t| t.segment.as_deref()).collect();
    assert_eq!(segments, BTreeSet::from([Some("priority"), Some("regular")]));
    let abandoned = t.iter().filter(|t| t.outcome == Outcome::Abandoned).count();
    let share = abandoned as f64 / t.len() as f64;
    assert!((0.11..0.14).contains(&share), "about one in eight abandon: {abandoned} ({share:.3})");
    assert_eq!(abandoned + t.iter().filter(|t| t.outcome == Outcome::Served).count(), t.len());
    // The bank's abandoned rows: never called, never started, no agent, and finished_at is
    // when the caller hung up.
    for a in t.iter().filter(|t| t.outcome == Outcome::Abandoned) {
        assert!(a.called_at.is_none() && a.started_at.is_none() && a.desk.is_none());
        assert!(a.finished_at.is_some());
    }
    let plus_two = Offset::constant(2);
    assert!(t.iter().all(|t| t.issued_at.offset == plus_two && t.channel == Channel::Counter));
    let first = t.iter().map(|t| t.issued_at.civil()).min().map(|d| d.date().to_string());
    let last = t.iter().map(|t| t.issued_at.civil()).max().map(|d| d.date().to_string());
    assert_eq!((first.as_deref(), last.as_deref()), (Some("1999-02-01"), Some("1999-02-28")));
}

#[test]
fn the_bank_month_round_trips_through_the_writer() {
    let Some(log) = bank() else { return };
    let options = WriteOptions { offset: Offset::constant(2), ..WriteOptions::tashkent() };
    let mut w = TicketWriter::to_writer(Vec::new(), "bank.csv.gz", Compress::Gzip, options)
        .unwrap_or_else(|e| panic!("{e}"));
    for t in &log.rows {
        w.push(t).unwrap_or_else(|e| panic!("{e}"));
    }
    let bytes = w.finish().unwrap_or_else(|e| panic!("{e}"));
    let back = TicketReader::from_reader(&bytes[..], "bank.csv.gz", bank_options())
        .and_then(|r| r.read_all())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.rows, log.rows);
    // Same rows, same offset, same columns: the writer reproduces the published text.
    let mut original = String::new();
    let file = std::fs::File::open(BANK).unwrap_or_else(|e| panic!("{e}"));
    std::io::Read::read_to_string(&mut flate2::read::MultiGzDecoder::new(file), &mut original)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut written = String::new();
    std::io::Read::read_to_string(&mut flate2::read::MultiGzDecoder::new(&bytes[..]), &mut written)
        .unwrap_or_else(|e| panic!("{e}"));
    // The published file ends its lines with CRLF; navbat writes LF. Otherwise the same.
    assert!(original.contains("\r\n") && !written.contains('\r'));
    let original = original.replace("\r\n", "\n");
    let first_difference = original.lines().zip(written.lines()).position(|(a, b)| a != b);
    assert_eq!(first_difference, None, "0-based index of the first differing line");
    assert_eq!(original.len(), written.len());
}

#[test]
fn the_bank_months_recycled_ids_are_reported_as_duplicates_by_default() {
    if !Path::new(BANK).is_file() {
        eprintln!("skipped: ../shared/data not present ({BANK})");
        return;
    }
    let err = Log::<Ticket>::read(Path::new(BANK), ReadOptions::strict()).err();
    let text = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        text.ends_with(
            "line 676, column 2 (ticket): duplicated ticket: the same (site, ticket) is on line 448"
        ),
        "{text}"
    );
    let log = Log::<Ticket>::read(Path::new(BANK), ReadOptions::lenient())
        .unwrap_or_else(|e| panic!("{e}"));
    let repeats = log.skipped.counts.get(&Reason::DuplicateTicket).copied().unwrap_or(0);
    // Only repeats are skipped: 14,880 distinct ids carry the 30,611 tickets.
    assert_eq!(log.skipped.total(), repeats);
    assert_eq!((log.rows.len(), repeats), (14_880, 15_731));
}
