//! Write then read gives the same rows; writing is byte-deterministic; gzip and folders.

use std::path::PathBuf;

use jiff::tz::Offset;
use navbat_records::{
    Compress, KioskEvent, KioskState, KioskWriter, Log, Precision, ReadError, ReadOptions, Records,
    RecordsDir, RosterShift, RosterWriter, Stamp, Ticket, TicketReader, TicketWriter, WriteError,
    WriteOptions,
};

use crate::{at, sample_tickets};

/// A fresh, empty folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("navbat-records-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

fn write_tickets(tickets: &[Ticket], compress: Compress, options: WriteOptions) -> Vec<u8> {
    let mut w = TicketWriter::to_writer(Vec::new(), "t.csv", compress, options)
        .unwrap_or_else(|e| panic!("{e}"));
    for t in tickets {
        w.push(t).unwrap_or_else(|e| panic!("{e}"));
    }
    w.finish().unwrap_or_else(|e| panic!("{e}"))
}

fn read_tickets(bytes: &[u8]) -> Vec<Ticket> {
    TicketReader::from_reader(bytes, "t.csv", ReadOptions::strict())
        .and_then(|r| r.read_all())
        .unwrap_or_else(|e| panic!("{e}"))
        .rows
}

#[test]
fn tickets_round_trip_plain_and_gzip() {
    let tickets = sample_tickets(500);
    let plain = write_tickets(&tickets, Compress::No, WriteOptions::tashkent());
    assert_eq!(read_tickets(&plain), tickets);
    let gz = write_tickets(&tickets, Compress::Gzip, WriteOptions::tashkent());
    assert_eq!(&gz[..2], [0x1f, 0x8b]);
    assert!(gz.len() < plain.len() / 3, "gzip {} vs plain {}", gz.len(), plain.len());
    assert_eq!(read_tickets(&gz), tickets);
}

#[test]
fn writing_is_byte_deterministic() {
    let tickets = sample_tickets(200);
    for compress in [Compress::No, Compress::Gzip] {
        let a = write_tickets(&tickets, compress, WriteOptions::tashkent());
        let b = write_tickets(&tickets, compress, WriteOptions::tashkent());
        assert_eq!(a, b, "{compress:?}");
    }
    let text =
        String::from_utf8(write_tickets(&tickets[..2], Compress::No, WriteOptions::tashkent()))
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        text,
        "site,ticket,service,channel,segment,issued_at,called_at,started_at,finished_at,desk,outcome\n\
         tashkent-1,T000000,passport,counter,priority,2026-03-02T09:00:00+05:00,2026-03-02T09:05:00+05:00,2026-03-02T09:05:20+05:00,2026-03-02T09:15:00+05:00,1,served\n\
         \"samarkand, main hall\",T000001,passport,kiosk,,2026-03-02T09:00:37+05:00,,,2026-03-02T09:15:37+05:00,,abandoned\n"
    );
}

#[test]
fn times_are_rendered_at_the_writers_offset_and_precision() {
    let mut t = sample_tickets(1).remove(0);
    t.issued_at = Stamp::parse("2026-03-02T04:00:00.250Z").unwrap_or_else(|e| panic!("{e}"));
    let utc_ms = WriteOptions { offset: Offset::UTC, precision: Precision::Milliseconds };
    let text = String::from_utf8(write_tickets(&[t.clone()], Compress::No, utc_ms))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        text.contains(",2026-03-02T04:00:00.250+00:00,2026-03-02T04:05:00.000+00:00,"),
        "{text}"
    );
    let back = read_tickets(text.as_bytes()).remove(0);
    assert_eq!(back.issued_at, t.issued_at);
    // Same instants, now at UTC.
    assert_eq!(back.called_at.map(|s| s.instant), t.called_at.map(|s| s.instant));
    assert_eq!(back.called_at.map(|s| s.offset), Some(Offset::UTC));
    // Whole seconds cut the quarter second off (never rounding up past a later time).
    let text = String::from_utf8(write_tickets(&[t], Compress::No, WriteOptions::tashkent()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(text.contains(",2026-03-02T09:00:00+05:00,2026-03-02T09:05:00+05:00,"), "{text}");
}

#[test]
fn the_writer_refuses_a_bad_row_and_writes_nothing_of_it() {
    let mut tickets = sample_tickets(3);
    tickets[1].started_at = Some(at(-10));
    let mut w =
        TicketWriter::to_writer(Vec::new(), "t.csv", Compress::No, WriteOptions::tashkent())
            .unwrap_or_else(|e| panic!("{e}"));
    let results: Vec<Result<(), WriteError>> = tickets.iter().map(|t| w.push(t)).collect();
    assert!(results[0].is_ok() && results[2].is_ok());
    let err = results[1].as_ref().err().map(ToString::to_string).unwrap_or_default();
    assert_eq!(
        err,
        "t.csv: row 2: started_at: given, but it must be empty when the outcome is abandoned"
    );
    let back = read_tickets(&w.finish().unwrap_or_else(|e| panic!("{e}")));
    assert_eq!(back, [tickets[0].clone(), tickets[2].clone()]);
}

#[test]
fn a_records_folder_round_trips() {
    let dir = scratch("folder");
    let tickets = sample_tickets(300);
    let kiosks = vec![
        KioskEvent {
            site: "s1".into(),
            kiosk: "k1".into(),
            at: at(0),
            state: KioskState::Down,
            component: Some("printer".into()),
        },
        KioskEvent {
            site: "s1".into(),
            kiosk: "k1".into(),
            at: at(1800),
            state: KioskState::Up,
            component: None,
        },
        KioskEvent {
            site: "s1".into(),
            kiosk: "k2".into(),
            at: at(2000),
            state: KioskState::Down,
            component: None,
        },
    ];
    let roster = vec![
        RosterShift {
            site: "s1".into(),
            desk: "1".into(),
            on_duty_from: at(0),
            on_duty_to: at(4 * 3600),
        },
        RosterShift {
            site: "s1".into(),
            desk: "2".into(),
            on_duty_from: at(3600),
            on_duty_to: at(9 * 3600),
        },
    ];
    let options = WriteOptions::tashkent();
    let mut w = TicketWriter::create(&dir.join("tickets.csv.gz"), options)
        .unwrap_or_else(|e| panic!("{e}"));
    for t in &tickets {
        w.push(t).unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(w.rows(), 300);
    w.finish().unwrap_or_else(|e| panic!("{e}"));
    let mut w =
        KioskWriter::create(&dir.join("kiosks.csv"), options).unwrap_or_else(|e| panic!("{e}"));
    kiosks.iter().try_for_each(|k| w.push(k)).unwrap_or_else(|e| panic!("{e}"));
    w.finish().unwrap_or_else(|e| panic!("{e}"));

    // Without a roster: optional.
    let read = Records::read(&dir, &ReadOptions::strict()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(read.tickets.rows, tickets);
    assert_eq!(read.kiosks.map(|k| k.rows), Some(kiosks.clone()));
    assert!(read.roster.is_none());

    let mut w =
        RosterWriter::create(&dir.join("roster.csv.gz"), options).unwrap_or_else(|e| panic!("{e}"));
    roster.iter().try_for_each(|s| w.push(s)).unwrap_or_else(|e| panic!("{e}"));
    w.finish().unwrap_or_else(|e| panic!("{e}"));
    let read = Records::read(&dir, &ReadOptions::strict()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(read.roster.map(|r| r.rows), Some(roster));
    let gz = std::fs::read(dir.join("tickets.csv.gz")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(&gz[..2], [0x1f, 0x8b]);

    // Both forms of one file: refused, not guessed.
    std::fs::write(dir.join("kiosks.csv.gz"), b"").unwrap_or_else(|e| panic!("{e}"));
    let err = RecordsDir::locate(&dir).err();
    assert!(matches!(err, Some(ReadError::Ambiguous { stem: "kiosks", .. })), "{err:?}");
    // No ticket log.
    let empty = scratch("empty");
    let err = Records::read(&empty, &ReadOptions::strict()).err().map(|e| e.to_string());
    assert_eq!(err, Some(format!("{}: no tickets.csv or tickets.csv.gz", empty.display())));
    // A missing file names its path.
    let missing = empty.join("tickets.csv");
    let err = Log::<Ticket>::read(&missing, ReadOptions::strict()).err();
    assert!(
        matches!(err, Some(ReadError::Io { ref file, .. }) if *file == missing.display().to_string())
    );
}

#[test]
fn a_truncated_gzip_is_an_error_not_a_short_file() {
    let gz = write_tickets(&sample_tickets(2000), Compress::Gzip, WriteOptions::tashkent());
    let cut = &gz[..gz.len() / 2];
    let result = TicketReader::from_reader(cut, "t.csv.gz", ReadOptions::lenient())
        .and_then(|r| r.read_all());
    assert!(matches!(result, Err(ReadError::Io { .. })), "{:?}", result.map(|l| l.rows.len()));
}
