//! Case transitions per second on one core, audit chain included; memory per open case.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark stops if its bundled fixtures do not load"
)]

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group};
use navbat_workflow::{
    Case, CaseState, CaseStore, CheckResult, Decision, Event, Facts, LogEntry, MatchInputs,
    OfficerId, Pseudonym, ReasonCode, Retention, ServiceCatalog, Skill, StoreConfig, Timestamp,
    WorkCalendar, load_services,
};

const CASES: u64 = 1_000;
/// Open + captured + paid + matched + check + produced + collected.
const TRANSITIONS_PER_CASE: u64 = 7;

fn catalog() -> ServiceCatalog {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/services");
    load_services(&dir).unwrap_or_else(|e| panic!("services: {e}"))
}

fn t0() -> Timestamp {
    Timestamp::from_civil(jiff::civil::date(2026, 5, 4).at(9, 0, 0, 0))
}

const MATCH: Event = Event::Matched(MatchInputs {
    verify_score: 0.93,
    liveness_score: 0.9,
    best_candidate_score: Some(0.2),
});

/// Drive `CASES` ID-card cases from open to collection, one after another.
fn run_id_cards(st: &mut CaseStore, start: Timestamp) -> u64 {
    let service = st.catalog().id("id-card").unwrap_or_else(|| panic!("id-card"));
    let mut done = 0;
    for i in 0..CASES {
        let at = start.plus_ms(i as i64 * 1_000);
        let Ok(o) = st.open(service, Pseudonym(i), Facts(1), at) else {
            continue;
        };
        let case = o.case;
        let ok = st.apply(case, Event::Captured, at.plus_ms(1)).is_ok()
            && st.apply(case, Event::Paid, at.plus_ms(2)).is_ok()
            && st.apply(case, MATCH, at.plus_ms(3)).is_ok()
            && st.apply(case, Event::CheckReturned(CheckResult::Clear), at.plus_ms(4)).is_ok()
            && st.apply(case, Event::Produced, at.plus_ms(5)).is_ok()
            && st.apply(case, Event::Collected, at.plus_ms(6)).is_ok();
        done += u64::from(ok);
    }
    done
}

/// Open + captured + paid + matched (grey zone) + claim + review + check + claim + review +
/// produced + collected.
const REVIEWED_TRANSITIONS_PER_CASE: u64 = 11;

/// Drive `CASES` work-permit cases through two human reviews (queue claim + complete).
fn run_reviewed_permits(st: &mut CaseStore, start: Timestamp) -> u64 {
    let service = st.catalog().id("work-permit").unwrap_or_else(|| panic!("work-permit"));
    // Between the work permit's reject (0.1212) and accept (0.2081) cosine thresholds.
    let grey = Event::Matched(MatchInputs {
        verify_score: 0.17,
        liveness_score: 0.9,
        best_candidate_score: None,
    });
    let mut done = 0;
    for i in 0..CASES {
        let at = start.plus_ms(i as i64 * 1_000);
        let Ok(o) = st.open(service, Pseudonym(i), Facts(0), at) else { continue };
        let case = o.case;
        let review = |st: &mut CaseStore, skill: Skill, t: i64| -> bool {
            match st.claim(skill, OfficerId(1 + (i % 7) as u32), at.plus_ms(t)) {
                Ok(Some(task)) => st
                    .complete(task, Decision::Approve, &[ReasonCode(0)], at.plus_ms(t + 1))
                    .is_ok(),
                _ => false,
            }
        };
        let ok = st.apply(case, Event::Captured, at.plus_ms(1)).is_ok()
            && st.apply(case, Event::Paid, at.plus_ms(2)).is_ok()
            && st.apply(case, grey, at.plus_ms(3)).is_ok()
            && review(st, Skill::BiometricAdjudication, 4)
            && st.apply(case, Event::CheckReturned(CheckResult::Clear), at.plus_ms(6)).is_ok()
            && review(st, Skill::CaseDecision, 7)
            && st.apply(case, Event::Produced, at.plus_ms(9)).is_ok()
            && st.apply(case, Event::Collected, at.plus_ms(10)).is_ok();
        done += u64::from(ok);
    }
    done
}

fn transitions(c: &mut Criterion) {
    let mut g = c.benchmark_group("workflow");
    g.throughput(Throughput::Elements(CASES * TRANSITIONS_PER_CASE));
    for (name, record_log) in
        [("id_card_transitions_log_dropped", false), ("id_card_transitions_log_kept", true)]
    {
        let mut st = CaseStore::new(
            catalog(),
            WorkCalendar::weekdays(),
            StoreConfig { record_log, retention: Retention::Evict },
        );
        let mut start = t0();
        g.bench_function(name, |b| {
            b.iter(|| {
                let done = run_id_cards(&mut st, start);
                start = start.plus_ms(86_400_000);
                assert_eq!(done, CASES);
                black_box(done)
            });
        });
    }
    g.throughput(Throughput::Elements(CASES * REVIEWED_TRANSITIONS_PER_CASE));
    let mut st = CaseStore::new(
        catalog(),
        WorkCalendar::weekdays(),
        StoreConfig { record_log: true, retention: Retention::Evict },
    );
    let mut start = t0();
    g.bench_function("work_permit_transitions_with_reviews", |b| {
        b.iter(|| {
            let done = run_reviewed_permits(&mut st, start);
            start = start.plus_ms(86_400_000);
            assert_eq!(done, CASES);
            black_box(done)
        });
    });
    g.finish();
}

/// Bytes of an open case: its slot in the store plus its log's heap, after 5 entries.
fn memory_report() {
    let n = 10_000u64;
    let mut st = CaseStore::new(catalog(), WorkCalendar::weekdays(), StoreConfig::default());
    let service = st.catalog().id("id-card").unwrap_or_else(|| panic!("id-card"));
    for i in 0..n {
        let at = t0().plus_ms(i as i64);
        if let Ok(o) = st.open(service, Pseudonym(i), Facts(0), at) {
            let _ = st.apply(o.case, Event::Captured, at.plus_ms(1));
            let _ = st.apply(o.case, Event::Paid, at.plus_ms(2));
            let _ = st.apply(o.case, MATCH, at.plus_ms(3));
            let _ = st.apply(o.case, Event::CheckReturned(CheckResult::Clear), at.plus_ms(4));
        }
    }
    let heap: usize = st.cases().map(Case::heap_bytes).sum();
    let entries: usize = st.cases().map(|c| c.log.len()).sum();
    println!(
        "memory: size_of Case = {} B (CaseState {} B), LogEntry = {} B; {} open cases with {:.1} entries each hold {:.0} B of log heap each",
        std::mem::size_of::<Case>(),
        std::mem::size_of::<CaseState>(),
        std::mem::size_of::<LogEntry>(),
        st.open_cases(),
        entries as f64 / n as f64,
        heap as f64 / n as f64,
    );
}

criterion_group!(benches, transitions);

fn main() {
    memory_report();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
