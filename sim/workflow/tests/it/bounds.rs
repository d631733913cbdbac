//! Bounds on service definitions and the working-day arithmetic: the regression inputs of the
//! "nothing lost, nothing silent, nothing crashes" report.

use jiff::civil::{Weekday, date};
use navbat_workflow::{Timestamp, WorkCalendar, WorkflowError, parse_service};
use proptest::prelude::*;

/// A service whose step `a` has a timer `timer` whose timeout goes to `to`; step `c`, after
/// `a`, has a zero timer whose timeout goes back to `a`.
fn timed(timer: &str, to: &str) -> String {
    format!(
        r#"(
    name: "t", title: "T",
    review_reasons: ["ok"],
    initial: "a", withdrawn: "w",
    steps: [
        (name: "a", timer: Some({timer}), on: [(on: Paid, to: "c"), (on: Timeout, to: "{to}")]),
        (name: "c", timer: Some(Minutes(0)), on: [(on: Paid, to: "b"), (on: Timeout, to: "a")]),
        (name: "b", outcome: Some(Delivered)),
        (name: "w", outcome: Some(Withdrawn)),
    ],
)"#
    )
}

fn problem(text: &str) -> (String, String) {
    match parse_service("test", text) {
        Err(WorkflowError::InvalidDefinition { step, problem, .. }) => (step, problem),
        other => panic!("expected InvalidDefinition, got {other:?}"),
    }
}

#[test]
fn zero_minute_timer_looping_to_its_own_step_is_refused() {
    let (step, msg) = problem(&timed("Minutes(0)", "a"));
    assert_eq!(step, "a");
    assert!(msg.contains("loop for ever without time passing"), "{msg}");
}

#[test]
fn zero_delay_cycle_through_two_steps_is_refused() {
    // a --Timeout(0 h)--> c --Timeout(0 min)--> a.
    let (step, msg) = problem(&timed("Hours(0)", "c"));
    assert!(step == "a" || step == "c", "{step}");
    assert!(msg.contains("zero-delay"), "{msg}");
}

#[test]
fn zero_timers_that_end_somewhere_are_fine() {
    // c's zero timer leads to a, whose timer takes a minute: time passes on the loop.
    assert!(parse_service("test", &timed("Minutes(1)", "c")).is_ok());
    // A zero timer straight to a terminal step is fine too.
    assert!(parse_service("test", &timed("Days(0)", "b")).is_ok());
}

#[test]
fn timers_past_ten_years_are_refused() {
    let (step, msg) = problem(&timed("WorkingDays(4294967295)", "b"));
    assert_eq!(step, "a");
    assert!(msg.contains("4294967295 working days is longer than 3660"), "{msg}");
    let (_, msg) = problem(&timed("Minutes(5270401)", "b"));
    assert!(msg.contains("longer than 5270400 minutes"), "{msg}");
    assert!(parse_service("test", &timed("Minutes(5270400)", "b")).is_ok());
}

#[test]
fn deadline_of_u32_max_working_days_is_refused() {
    let text = timed("Days(1)", "b").replace(
        "review_reasons:",
        "deadline: Some((working_days: 4294967295, at_risk_fraction: 0.5)), review_reasons:",
    );
    let (_, msg) = problem(&text);
    assert!(msg.contains("4294967295 working days is longer than the 3660 allowed"), "{msg}");
}

#[test]
fn bom_and_crlf_are_accepted_and_parse_errors_keep_their_position() {
    let good = timed("Days(1)", "b");
    let odd = format!("\u{feff}{}", good.replace('\n', "\r\n"));
    assert!(parse_service("t.ron", &odd).is_ok());
    let bad =
        format!("\u{feff}{}", good.replace("title: \"T\"", "title: 42").replace('\n', "\r\n"));
    let plain = good.replace("title: \"T\"", "title: 42");
    let position = |text: &str| match parse_service("t.ron", text) {
        Err(WorkflowError::Parse { line, column, .. }) => (line, column),
        other => panic!("expected a parse error, got {other:?}"),
    };
    assert_eq!(position(&bad), position(&plain));
    assert_eq!(position(&plain).0, 2);
}

/// The day-by-day walk `add_working_days` used to do: the reference the fast one must match.
fn walked(cal: &WorkCalendar, from: Timestamp, n: u32) -> Timestamp {
    let mut day = from.day();
    let mut left = n;
    while left > 0 {
        day += 1;
        if cal.is_working_day(day) {
            left -= 1;
        }
    }
    Timestamp((day + 1) * 86_400_000)
}

/// The day-by-day count `working_days_between` used to do.
fn counted(cal: &WorkCalendar, from: Timestamp, to: Timestamp) -> u32 {
    ((from.day() + 1)..=to.day()).filter(|&d| cal.is_working_day(d)).count() as u32
}

const WEEK: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

fn calendar() -> impl Strategy<Value = WorkCalendar> {
    // Any non-empty set of working weekdays, and up to 60 holidays in 2025-2028, often
    // clustered (runs of holidays are where a week-at-once jump can go wrong).
    (1u8..128, proptest::collection::vec((0i64..1400, 1i64..4), 0..30)).prop_map(|(mask, hs)| {
        let working: Vec<Weekday> = WEEK
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, w)| *w)
            .collect();
        let base = date(2025, 1, 1);
        let mut holidays = Vec::new();
        for (start, run) in hs {
            for k in 0..run {
                if let Ok(d) = base.checked_add(jiff::Span::new().days(start + k)) {
                    holidays.push(d);
                }
            }
        }
        WorkCalendar::new(&working, &holidays).unwrap_or_else(|_| WorkCalendar::weekdays())
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn add_working_days_equals_the_day_by_day_walk(
        cal in calendar(),
        from_ms in 1_735_000_000_000i64..1_800_000_000_000,
        n in 0u32..400,
    ) {
        let from = Timestamp(from_ms);
        prop_assert_eq!(cal.add_working_days(from, n), walked(&cal, from, n));
    }

    #[test]
    fn working_days_between_equals_the_day_by_day_count(
        cal in calendar(),
        from_ms in 1_735_000_000_000i64..1_800_000_000_000,
        span_ms in -10_000_000_000i64..60_000_000_000,
    ) {
        let (from, to) = (Timestamp(from_ms), Timestamp(from_ms + span_ms));
        prop_assert_eq!(cal.working_days_between(from, to), counted(&cal, from, to));
    }
}

#[test]
fn u32_max_working_days_answers_at_once() {
    // The old walk took about 6 billion steps here; the week-at-once jump takes a handful.
    let one_day = WorkCalendar::new(&[Weekday::Wednesday], &[date(2026, 5, 6)]).expect("calendar");
    let from = Timestamp::from_civil(date(2026, 5, 1).at(10, 0, 0, 0));
    let start = std::time::Instant::now();
    let due = one_day.add_working_days(from, u32::MAX);
    assert!(start.elapsed() < std::time::Duration::from_millis(100));
    // 2026-05-06 (a Wednesday) is a holiday, so the first working Wednesday is 05-13; then
    // u32::MAX - 1 more weeks.
    let first = Timestamp::from_civil(date(2026, 5, 14).at(0, 0, 0, 0));
    assert_eq!(due.0, first.0 + (i64::from(u32::MAX) - 1) * 7 * 86_400_000);
}

/// The full message of the definition error `text` raises, origin `svc.ron`.
fn shown(text: &str) -> String {
    match parse_service("svc.ron", text) {
        Err(e @ WorkflowError::InvalidDefinition { at: Some(_), .. }) => e.to_string(),
        other => panic!("expected a located InvalidDefinition, got {other:?}"),
    }
}

#[test]
fn definition_errors_say_file_line_and_column() {
    // The over-long timer is on line 6 (step `a`), at its `Some(...)`.
    let text = timed("WorkingDays(4294967295)", "b");
    let msg = shown(&text);
    let line6 = text.lines().nth(5).unwrap_or_default();
    let col = line6.find("Some(WorkingDays").map_or(0, |i| i + 1);
    assert!(msg.starts_with(&format!("svc.ron:6:{col}: service `t`, step `a`: ")), "{msg}");
    // A zero-delay loop points at the step that loops (line 6 or 7, at its entry).
    let msg = shown(&timed("Hours(0)", "c"));
    assert!(msg.starts_with("svc.ron:6:9: ") || msg.starts_with("svc.ron:7:9: "), "{msg}");
    // A service-wide problem points at its field: the deadline's fraction.
    let with_deadline = timed("Minutes(1)", "b").replacen(
        "review_reasons",
        "deadline: Some((working_days: 3, at_risk_fraction: 0.0)),\n    review_reasons",
        1,
    );
    let msg = shown(&with_deadline);
    assert!(msg.starts_with("svc.ron:3:15: "), "{msg}");
    assert!(msg.contains("at_risk_fraction must be in (0, 1]"), "{msg}");
}
