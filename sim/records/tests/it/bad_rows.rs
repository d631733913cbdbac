//! Every kind of bad record, each named with its file, line and column; lenient counts.

use std::collections::BTreeSet;

use navbat_records::{
    KioskEvent, KioskReader, ReadError, ReadOptions, Reason, RosterReader, RosterShift,
    TicketReader,
};

use crate::HEADER;

const T0: &str = "2026-03-02T09:00:00+05:00";
const T1: &str = "2026-03-02T09:10:00+05:00";
const T2: &str = "2026-03-02T09:11:00+05:00";
const T3: &str = "2026-03-02T09:20:00+05:00";

/// A served ticket's row with id `id`.
fn served(id: &str) -> String {
    format!("s1,{id},passport,counter,,{T0},{T1},{T2},{T3},4,served")
}

/// Reads `input` as `t.csv` with `options`; the first error's message, or `ok <rows>`.
fn read_tickets(input: &[u8], options: ReadOptions) -> String {
    let reader = match TicketReader::from_reader(input, "t.csv", options) {
        Ok(r) => r,
        Err(e) => return e.to_string(),
    };
    match reader.read_all() {
        Ok(log) => format!("ok {}", log.rows.len()),
        Err(e) => e.to_string(),
    }
}

/// Reads `input` strictly and compares the outcome with `expected`.
fn check(input: &[u8], expected: &str) {
    let got = read_tickets(input, ReadOptions::strict());
    assert_eq!(got, expected, "input:\n{}", String::from_utf8_lossy(input));
}

fn file(rows: &[&str]) -> Vec<u8> {
    let mut text = String::from(HEADER);
    for r in rows {
        text.push('\n');
        text.push_str(r);
    }
    text.push('\n');
    text.into_bytes()
}

#[test]
fn good_files_read() {
    check(&file(&[&served("1"), &served("2")]), "ok 2");
    // The bank's abandoned rows: no call, no start, no desk, finished_at = when they hung up.
    check(&file(&[&format!("s1,3,passport,counter,regular,{T0},,,{T1},,abandoned")]), "ok 1");
    // A no-show: called at a desk, never started, gone.
    check(&file(&[&format!("s1,3,passport,kiosk,,{T0},{T1},,,7,abandoned")]), "ok 1");
    check(&file(&[&format!("s1,4,passport,portal,,{T0},,,,,balked")]), "ok 1");
    check(&file(&[&format!("s1,5,passport,pickup,,{T0},,,{T3},,sent-home")]), "ok 1");
    check(&file(&[&format!("s1,6,passport,counter,,{T0},{T1},{T2},{T3},4,redirected")]), "ok 1");
    // A BOM, CRLF line ends, quoted fields and a blank line.
    let crlf = format!(
        "\u{feff}{HEADER}\r\n{}\r\n\r\n\"s1\",\"7,x\",passport,counter,,{T0},,,,,balked\r\n",
        served("1")
    );
    check(crlf.as_bytes(), "ok 2");
    // Same ticket id at another site is not a duplicate.
    check(&file(&[&served("1"), &served("1").replacen("s1", "s2", 1)]), "ok 2");
    // A header only.
    check(HEADER.as_bytes(), "ok 0");
}

#[test]
fn every_bad_record_kind_names_file_line_and_column() {
    let s = served("1");
    let table: &[(&[&str], &str)] = &[
        (&["s1,1,passport"], "t.csv: line 2, column 4 (channel): 3 fields where the header has 11"),
        (
            &[&format!("{s},extra")],
            "t.csv: line 2, column 12 (past the header): 12 fields where the header has 11",
        ),
        (
            &[&s.replace("counter", "fax")],
            "t.csv: line 2, column 4 (channel): unknown value \"fax\" (expected counter, kiosk, portal or pickup)",
        ),
        (
            &[&s.replace("served", "done")],
            "t.csv: line 2, column 11 (outcome): unknown value \"done\" (expected served, abandoned, balked, sent-home or redirected)",
        ),
        (
            &[&s.replacen("s1", "", 1)],
            "t.csv: line 2, column 1 (site): empty, but a value is required",
        ),
        (
            &[&s.replace(T0, "")],
            "t.csv: line 2, column 6 (issued_at): empty, but a value is required",
        ),
        (
            &[&s.replace(T1, "2026-03-02T09:10:00")],
            "t.csv: line 2, column 7 (called_at): bad timestamp \"2026-03-02T09:10:00\": no UTC offset (write e.g. +05:00)",
        ),
        (
            &[&s.replace(T1, "2026-03-02T08:59:00+05:00")],
            "t.csv: line 2, column 7 (called_at): earlier than issued_at",
        ),
        (
            &[&s.replace(T2, "2026-03-02T09:09:00+05:00")],
            "t.csv: line 2, column 8 (started_at): earlier than called_at",
        ),
        (
            &[&format!("s1,1,passport,counter,,{T1},,,{T0},,abandoned")],
            "t.csv: line 2, column 9 (finished_at): finished_at is before issued_at",
        ),
        (
            &[&s, &served("2"), &s],
            "t.csv: line 4, column 2 (ticket): duplicated ticket: the same (site, ticket) is on line 2",
        ),
        (
            &[&s.replace(T2, "")],
            "t.csv: line 2, column 8 (started_at): empty, but the outcome served requires it",
        ),
        (
            &[&s.replace("served", "balked")],
            "t.csv: line 2, column 7 (called_at): given, but it must be empty when the outcome is balked",
        ),
        (
            &[&s.replace(",4,", ",,")],
            "t.csv: line 2, column 10 (desk): empty, but called_at is given",
        ),
        (
            &[&format!("s1,1,passport,counter,,{T0},,,,9,balked")],
            "t.csv: line 2, column 7 (called_at): empty, but desk is given",
        ),
        (
            &[&format!("s1,1,passport,counter,,{T0},{T1},{T2},,4,redirected")],
            "t.csv: line 2, column 9 (finished_at): empty, but started_at is given",
        ),
    ];
    for (rows, expected) in table {
        check(&file(rows), expected);
    }
    // Times with an offset that makes them earlier than they look.
    check(
        &file(&[&s.replace(T1, "2026-03-02T09:10:00+06:00")]),
        "t.csv: line 2, column 7 (called_at): earlier than issued_at",
    );
    // Not UTF-8.
    let mut bytes = file(&[&s]);
    let at = bytes.iter().position(|b| *b == b'p').unwrap_or_else(|| panic!("no p"));
    bytes[at] = 0xff;
    let got = read_tickets(&bytes, ReadOptions::strict());
    assert!(
        got.starts_with("t.csv: line 2, column 3 (service): malformed CSV: not UTF-8"),
        "{got}"
    );
    let got = read_tickets(&file(&[&s.replace(T2, "02/03/2026 09:11")]), ReadOptions::strict());
    let want = "t.csv: line 2, column 8 (started_at): bad timestamp \"02/03/2026 09:11\": not an ISO 8601 date-time (";
    assert!(got.starts_with(want), "{got}");
    // A bad timestamp's message says what jiff found wrong.
    let got =
        read_tickets(&file(&[&s.replace(T0, "2026-02-30T09:00:00+05:00")]), ReadOptions::strict());
    assert!(got.starts_with("t.csv: line 2, column 6 (issued_at): bad timestamp"), "{got}");
    // The line of a record after a quoted line break counts the break.
    let multi =
        format!("\"a\nb\",1,passport,counter,,{T0},,,,,balked\n{}", s.replace("served", "x"));
    check(
        &file(&[&multi]),
        "t.csv: line 4, column 11 (outcome): unknown value \"x\" (expected served, abandoned, balked, sent-home or redirected)",
    );
}

#[test]
fn header_problems_stop_reading_even_when_lenient() {
    for options in [ReadOptions::strict(), ReadOptions::lenient()] {
        assert_eq!(read_tickets(b"", options.clone()), "t.csv: empty file (no header line)");
        assert_eq!(
            read_tickets(b"\xef\xbb\xbf", options.clone()),
            "t.csv: empty file (no header line)"
        );
        assert_eq!(
            read_tickets(
                b"site,ticket,service,channel,segment,issued_at,called_at,started_at,finished_at\n",
                options.clone()
            ),
            "t.csv: line 1: the header lacks required column(s) desk, outcome"
        );
        let twice = format!("{HEADER},site\n");
        assert_eq!(
            read_tickets(twice.as_bytes(), options.clone()),
            "t.csv: line 1, column 12 (site): the header repeats column 1"
        );
    }
}

#[test]
fn columns_in_any_order_with_extras_listed() {
    let header = "outcome,note,desk,finished_at,started_at,called_at,issued_at,segment,channel,service,ticket,site";
    let row = format!("served,hello,4,{T3},{T2},{T1},{T0},,counter,passport,1,s1");
    let bad = row.replacen("served", "won", 1);
    let text = format!("{header}\n{row}\n{bad}\n");
    let reader = TicketReader::from_reader(text.as_bytes(), "t.csv", ReadOptions::strict())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(reader.extra_columns(), ["note"]);
    let rows: Vec<_> = reader.collect();
    let first = rows[0].as_ref().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.site, "s1");
    assert_eq!(first.desk.as_deref(), Some("4"));
    let err = rows[1].as_ref().err().map(ToString::to_string).unwrap_or_default();
    assert!(err.starts_with("t.csv: line 3, column 1 (outcome): unknown value \"won\""), "{err}");
}

#[test]
fn unknown_sites_and_services_are_located() {
    let options = ReadOptions {
        known_sites: Some(BTreeSet::from(["s1".to_owned()])),
        known_services: Some(BTreeSet::from(["passport".to_owned()])),
        ..ReadOptions::strict()
    };
    let input = file(&[&served("1"), &served("2").replace("passport", "visa")]);
    assert_eq!(
        read_tickets(&input, options.clone()),
        "t.csv: line 3, column 3 (service): unknown service \"visa\""
    );
    let input = file(&[&served("1").replacen("s1", "s9", 1)]);
    assert_eq!(
        read_tickets(&input, options),
        "t.csv: line 2, column 1 (site): unknown site \"s9\""
    );
}

#[test]
fn lenient_mode_counts_every_skipped_row_by_reason() {
    let s = served("1");
    let input = file(&[
        &s,                                                    // line 2: good
        &s,                                                    // 3: duplicate
        &served("2").replace("counter", "fax"),                // 4: unknown value
        &served("3").replace("counter", "mail"),               // 5: unknown value
        &served("4").replace(T0, "noon"),                      // 6: bad timestamp
        "s1,5",                                                // 7: column count
        &served("6"),                                          // 8: good
        &served("7").replace(T1, "2026-03-02T08:00:00+05:00"), // 9: out of order
        &served("8").replace("counter", "x1"),                 // 10: unknown value
        &served("9").replace("counter", "x2"), // 11: unknown value (4th: count only)
    ]);
    let log = TicketReader::from_reader(&input[..], "t.csv", ReadOptions::lenient())
        .and_then(|r| r.read_all())
        .unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<&str> = log.rows.iter().map(|t| t.ticket.as_str()).collect();
    assert_eq!(ids, ["1", "6"]);
    let counts: Vec<(Reason, u64)> = log.skipped.counts.iter().map(|(r, n)| (*r, *n)).collect();
    assert_eq!(
        counts,
        [
            (Reason::ColumnCount, 1),
            (Reason::UnknownValue, 4),
            (Reason::BadTimestamp, 1),
            (Reason::TimesOutOfOrder, 1),
            (Reason::DuplicateTicket, 1),
        ]
    );
    assert_eq!(log.skipped.total(), 8);
    // The first three of each reason are kept, in file order, with their locations.
    let lines: Vec<u64> = log.skipped.examples.iter().map(|b| b.location.line).collect();
    assert_eq!(lines, [3, 4, 5, 6, 7, 9, 10]);
    let first = &log.skipped.examples[0];
    assert_eq!(
        first.location.column.as_ref().map(|c| (c.name.as_str(), c.index)),
        Some(("ticket", 2))
    );
    assert!(log.skipped.to_string().starts_with("8 row(s) skipped"));
}

#[test]
fn kiosk_and_roster_rules() {
    let kiosks = format!(
        "site,kiosk,at,state,component\ns1,k1,{T0},down,printer\ns1,k1,{T1},up,\ns1,k1,{T2},up,camera\n"
    );
    let got: Vec<String> =
        KioskReader::from_reader(kiosks.as_bytes(), "k.csv", ReadOptions::strict())
            .unwrap_or_else(|e| panic!("{e}"))
            .map(|r| {
                r.map_or_else(|e| e.to_string(), |k: KioskEvent| format!("{} {}", k.kiosk, k.state))
            })
            .collect();
    assert_eq!(
        got,
        [
            "k1 down",
            "k1 up",
            "k.csv: line 4, column 5 (component): component \"camera\" given for an up event (leave it empty)",
        ]
    );
    let roster = format!(
        "site,desk,on_duty_from,on_duty_to\ns1,4,{T0},{T3}\ns1,5,{T3},{T0}\ns1,6,{T0},sometime\n"
    );
    let got: Vec<String> =
        RosterReader::from_reader(roster.as_bytes(), "r.csv", ReadOptions::strict())
            .unwrap_or_else(|e| panic!("{e}"))
            .map(|r| r.map_or_else(|e| e.to_string(), |s: RosterShift| s.desk))
            .collect();
    assert_eq!(got[0], "4");
    assert_eq!(got[1], "r.csv: line 3, column 4 (on_duty_to): earlier than on_duty_from");
    assert!(
        got[2].starts_with("r.csv: line 4, column 4 (on_duty_to): bad timestamp \"sometime\""),
        "{}",
        got[2]
    );
    let wrong = "site,kiosk,at\n";
    let err = KioskReader::from_reader(wrong.as_bytes(), "k.csv", ReadOptions::strict()).err();
    assert!(
        matches!(err, Some(ReadError::MissingColumns { ref missing, .. }) if missing == &["state", "component"])
    );
}

#[test]
fn a_bad_row_error_carries_its_parts() {
    let input = file(&[&served("1").replace("counter", "fax")]);
    let err = TicketReader::from_reader(&input[..], "t.csv", ReadOptions::strict())
        .and_then(|r| r.read_all())
        .err();
    let Some(ReadError::BadRow(bad)) = err else { panic!("expected a bad row, got {err:?}") };
    assert_eq!(bad.location.file, "t.csv");
    assert_eq!(bad.location.line, 2);
    let column = bad.location.column.unwrap_or_else(|| panic!("no column"));
    assert_eq!((column.name.as_str(), column.index), ("channel", 4));
    assert_eq!(bad.problem.reason(), Reason::UnknownValue);
}

/// The csv crate's record positions report the line before the real one on gzip input; the
/// reader counts lines itself. A bad row deep in a gzip file, with CRLF line ends.
#[test]
fn line_numbers_hold_in_gzip_past_the_buffer_with_crlf() {
    use std::io::Write;
    let mut text = format!("{HEADER}\r\n");
    for i in 0..5000 {
        let row = if i == 4321 {
            served(&i.to_string()).replace("counter", "fax")
        } else {
            served(&i.to_string())
        };
        text.push_str(&row);
        text.push_str("\r\n");
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let gz = gz.finish().unwrap_or_else(|e| panic!("{e}"));
    for input in [&gz[..], text.as_bytes()] {
        let got = read_tickets(input, ReadOptions::strict());
        assert!(
            got.starts_with("t.csv: line 4323, column 4 (channel): unknown value \"fax\""),
            "{got}"
        );
    }
}
