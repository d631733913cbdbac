//! Engine behaviour: typed errors that change nothing, human tasks, appeals, timers, SLAs,
//! eviction.

use std::sync::{Arc, Mutex};

use navbat_workflow::{
    Case, CaseId, CaseStore, CheckResult, Decision, Effect, Event, OfficerId, Pseudonym, Reason,
    ReasonCode, Resolution, Retention, RuleInput, Skill, SlaState, StoreConfig, Timestamp, Trigger,
    WorkflowError,
};

use crate::drive::{matched, store, t0};

const MIN: i64 = 60_000;

fn open(st: &mut CaseStore, service: &str, facts: &[&str]) -> CaseId {
    let c = st.catalog();
    let id = c.id(service).expect("service");
    let f = c.get(id).and_then(|s| s.facts_from_names(facts)).expect("facts");
    st.open(id, Pseudonym(1), f, t0()).expect("open").case
}

fn at(min: i64) -> Timestamp {
    t0().plus_ms(min * MIN)
}

fn code(st: &CaseStore, case: CaseId, name: &str) -> ReasonCode {
    st.service_of(case).and_then(|s| s.reason_code(name)).expect("reason code")
}

fn unchanged_after(st: &mut CaseStore, case: CaseId, ev: Event, when: Timestamp) -> WorkflowError {
    let before: Option<Case> = st.case(case).cloned();
    let err = st.apply(case, ev, when).expect_err("must be rejected");
    assert_eq!(st.case(case).cloned(), before);
    err
}

#[test]
fn a_wrong_event_is_a_typed_error_and_changes_nothing() {
    let mut st = store(StoreConfig::default());
    let case = open(&mut st, "id-card", &[]);
    let err = unchanged_after(&mut st, case, Event::Collected, at(1));
    assert!(
        matches!(err, WorkflowError::EventNotExpected { ref step, event: "Collected", .. } if step == "capture")
    );
    st.apply(case, Event::Captured, at(2)).expect("capture");
    let err = unchanged_after(&mut st, case, Event::Paid, at(1));
    assert!(matches!(err, WorkflowError::TimeWentBackwards { .. }));
    st.apply(case, Event::Paid, at(3)).expect("pay");
    let err = unchanged_after(&mut st, case, matched(1.5, 0.9, None), at(4));
    assert!(matches!(err, WorkflowError::BadMatchInput { input: "verify_score", .. }));
    let err = unchanged_after(&mut st, case, matched(f32::NAN, 0.9, None), at(4));
    assert!(matches!(err, WorkflowError::BadMatchInput { .. }));
    st.apply(case, Event::Withdrawn, at(5)).expect("withdraw");
    let err = unchanged_after(&mut st, case, Event::Captured, at(6));
    assert!(matches!(err, WorkflowError::CaseClosed { .. }));
    assert!(matches!(
        st.apply(CaseId(999), Event::Captured, at(6)),
        Err(WorkflowError::UnknownCase { .. })
    ));
}

#[test]
fn conclusive_face_id_is_automated_and_carries_its_reasons() {
    let mut st = store(StoreConfig::default());
    let case = open(&mut st, "id-card", &["first-issue"]);
    st.apply(case, Event::Captured, at(1)).expect("capture");
    st.apply(case, Event::Paid, at(2)).expect("pay");
    let out = st.apply(case, matched(0.93, 0.9, Some(0.2)), at(3)).expect("match");
    assert_eq!(out.trigger, Some(Trigger::MatchPass));
    assert!(out.task_opened.is_none());
    let seen: Vec<(RuleInput, f32, f32)> = out
        .reasons
        .iter()
        .filter_map(|r| match *r {
            Reason::Rule { input, observed, threshold, .. } => Some((input, observed, threshold)),
            Reason::Review { .. } => None,
        })
        .collect();
    assert_eq!(
        seen,
        [
            (RuleInput::VerifyScore, 0.93, 0.2081),
            (RuleInput::Liveness, 0.9, 0.50),
            (RuleInput::CandidateScore, 0.2, 0.2880),
        ]
    );
    st.apply(case, Event::CheckReturned(CheckResult::Clear), at(4)).expect("check");
    let out = st.apply(case, Event::Produced, at(60)).expect("produce");
    assert!(out.effects.contains(Effect::IssueESignatureCertificate));
    assert!(out.effects.contains(Effect::RegisterEGovIdentity));
}

#[test]
fn replacement_id_card_gets_no_first_issue_effects() {
    let mut st = store(StoreConfig::default());
    let case = open(&mut st, "id-card", &[]);
    for (i, ev) in [
        Event::Captured,
        Event::Paid,
        matched(0.93, 0.9, None),
        Event::CheckReturned(CheckResult::Clear),
    ]
    .into_iter()
    .enumerate()
    {
        st.apply(case, ev, at(i as i64)).expect("step");
    }
    let out = st.apply(case, Event::Produced, at(60)).expect("produce");
    assert!(!out.effects.contains(Effect::IssueESignatureCertificate));
    assert!(out.effects.contains(Effect::NotifyApplicant));
}

#[test]
fn inconclusive_results_become_human_tasks() {
    let mut st = store(StoreConfig::default());
    // 1:N candidate above threshold.
    let a = open(&mut st, "id-card", &[]);
    st.apply(a, Event::Captured, at(1)).expect("capture");
    st.apply(a, Event::Paid, at(2)).expect("pay");
    let out = st.apply(a, matched(0.95, 0.9, Some(0.91)), at(3)).expect("match");
    assert_eq!(out.task_opened.map(|t| t.1), Some(Skill::BiometricAdjudication));
    // Failed liveness.
    let b = open(&mut st, "e-visa-extension", &[]);
    st.apply(b, Event::Captured, at(1)).expect("capture");
    let out = st.apply(b, matched(0.95, 0.1, None), at(3)).expect("match");
    assert_eq!(out.task_opened.map(|t| t.1), Some(Skill::BiometricAdjudication));
    // Registry data mismatch.
    let c = open(&mut st, "student-registration", &[]);
    st.apply(c, Event::Captured, at(1)).expect("contract");
    let out = st.apply(c, Event::CheckReturned(CheckResult::Failed), at(2)).expect("check");
    assert_eq!(out.task_opened.map(|t| t.1), Some(Skill::RegistryReconciliation));
    // E-Rozilik consent timeout (the platform's own timer).
    let d = open(&mut st, "residence-registration", &[]);
    st.apply(d, Event::Captured, at(1)).expect("capture");
    let out = st.apply(d, matched(0.95, 0.9, None), at(2)).expect("match");
    let due = out.timer_set.expect("consent timer");
    assert_eq!(due, at(2).plus_ms(72 * 60 * MIN));
    assert_eq!(st.queue_len(Skill::ConsentFollowUp), 0);
    let fired = st.fire_due(due).expect("fire");
    assert_eq!(fired.len(), 1);
    assert_eq!(fired[0].task_opened.map(|t| t.1), Some(Skill::ConsentFollowUp));
    assert_eq!(st.queue_len(Skill::ConsentFollowUp), 1);
    assert_eq!(st.queue_len(Skill::BiometricAdjudication), 2);
    assert_eq!(st.queue_len(Skill::RegistryReconciliation), 1);
}

#[test]
fn a_human_decision_needs_known_reasons_from_the_claimant() {
    let mut st = store(StoreConfig::default());
    let case = open(&mut st, "e-visa-extension", &[]);
    st.apply(case, Event::Captured, at(1)).expect("capture");
    let out = st.apply(case, matched(0.95, 0.1, None), at(2)).expect("match");
    let (task, skill) = out.task_opened.expect("task");
    assert!(matches!(
        st.complete(task, Decision::Approve, &[ReasonCode(0)], at(3)),
        Err(WorkflowError::NotClaimant { .. })
    ));
    assert_eq!(st.claim(skill, OfficerId(5), at(3)).expect("claim"), Some(task));
    assert_eq!(st.queue_len(skill), 0);
    assert!(matches!(
        st.claim_task(task, OfficerId(6), at(3)),
        Err(WorkflowError::AlreadyClaimed { claimant: 5, .. })
    ));
    assert!(matches!(
        st.complete(task, Decision::Approve, &[], at(4)),
        Err(WorkflowError::BadReasons { .. })
    ));
    assert!(matches!(
        st.complete(task, Decision::Approve, &[ReasonCode(999)], at(4)),
        Err(WorkflowError::BadReasons { bad: Some(999), .. })
    ));
    // A reviewer may hand a task back; it returns to the front of the queue.
    st.release(task, at(4)).expect("release");
    assert_eq!(st.waiting_tasks(skill).collect::<Vec<_>>(), [task]);
    assert_eq!(st.claim(skill, OfficerId(6), at(5)).expect("claim"), Some(task));
    let ok = code(&st, case, "identity-confirmed");
    let out = st.complete(task, Decision::Approve, &[ok], at(6)).expect("decide");
    assert_eq!(out.trigger, Some(Trigger::Approved));
    assert_eq!(out.reasons.iter().next(), Some(&Reason::Review { code: ok }));
}

#[test]
fn an_appeal_goes_to_a_different_reviewer() {
    let mut st = store(StoreConfig::default());
    let case = open(&mut st, "work-permit", &[]);
    st.apply(case, Event::Captured, at(1)).expect("capture");
    st.apply(case, Event::Paid, at(2)).expect("pay");
    st.apply(case, matched(0.95, 0.9, None), at(3)).expect("match");
    st.apply(case, Event::CheckReturned(CheckResult::Clear), at(4)).expect("check");
    let task =
        st.claim(Skill::CaseDecision, OfficerId(7), at(5)).expect("claim").expect("decision task");
    let no = code(&st, case, "quota-exhausted");
    st.complete(task, Decision::Reject, &[no], at(6)).expect("reject");
    let out = st.apply(case, Event::Appealed, at(7)).expect("appeal");
    let (appeal, skill) = out.task_opened.expect("appeal task");
    assert_eq!(skill, Skill::Appeal);
    // The officer who refused is skipped by the queue and refused a direct claim.
    assert_eq!(st.claim(skill, OfficerId(7), at(8)).expect("claim"), None);
    assert!(matches!(
        st.claim_task(appeal, OfficerId(7), at(8)),
        Err(WorkflowError::ConflictOfInterest { officer: 7, .. })
    ));
    assert_eq!(st.claim(skill, OfficerId(8), at(9)).expect("claim"), Some(appeal));
    let upheld = code(&st, case, "appeal-upheld");
    let out = st.complete(appeal, Decision::Approve, &[upheld], at(10)).expect("uphold");
    assert_eq!(
        st.service_of(case).map(|s| s.steps[usize::from(out.to.0)].name.clone()).as_deref(),
        Some("production")
    );
}

#[test]
fn sla_follows_working_days() {
    let mut st = store(StoreConfig::default());
    // Monday 09:00: an ID card is due at the end of Tuesday.
    let case = open(&mut st, "id-card", &[]);
    assert_eq!(st.sla(case, at(0)).expect("sla"), None);
    st.apply(case, Event::Captured, at(1)).expect("capture");
    st.apply(case, Event::Paid, at(2)).expect("pay");
    st.apply(case, matched(0.95, 0.9, None), at(3)).expect("match");
    let s = st.sla(case, at(4)).expect("sla").expect("started");
    assert_eq!(s.state, SlaState::OnTime);
    assert_eq!(s.due, Timestamp::from_civil(jiff::civil::date(2026, 5, 6).at(0, 0, 0, 0)));
    let tuesday_evening = Timestamp::from_civil(jiff::civil::date(2026, 5, 5).at(20, 0, 0, 0));
    assert_eq!(
        st.sla(case, tuesday_evening).expect("sla").map(|s| s.state),
        Some(SlaState::AtRisk)
    );
    let wednesday = Timestamp::from_civil(jiff::civil::date(2026, 5, 6).at(9, 0, 0, 0));
    assert_eq!(st.sla(case, wednesday).expect("sla").map(|s| s.state), Some(SlaState::Breached));
    // With a home visit the same case would have 15 working days.
    let home = open(&mut st, "id-card", &["home-visit"]);
    st.apply(home, Event::Captured, at(1)).expect("capture");
    st.apply(home, Event::Paid, at(2)).expect("pay");
    st.apply(home, matched(0.95, 0.9, None), at(3)).expect("match");
    assert_eq!(st.sla(home, wednesday).expect("sla").map(|s| s.state), Some(SlaState::OnTime));
}

#[test]
fn unpaid_cases_lapse_when_their_timer_fires() {
    let mut st = store(StoreConfig::default());
    let case = open(&mut st, "id-card", &[]);
    let out = st.apply(case, Event::Captured, at(1)).expect("capture");
    let due = out.timer_set.expect("payment timer");
    assert_eq!(st.next_due_timer(), Some((due, case)));
    assert!(st.fire_due(due.plus_ms(-1)).expect("fire").is_empty());
    let fired = st.fire_due(due).expect("fire");
    assert_eq!(fired.len(), 1);
    assert_eq!(fired[0].resolution, Some(Resolution::Lapsed));
    assert_eq!(st.next_due_timer(), None);
    // A timer cancelled by leaving its step never fires.
    let paid = open(&mut st, "id-card", &[]);
    st.apply(paid, Event::Captured, at(1)).expect("capture");
    st.apply(paid, Event::Paid, at(2)).expect("pay");
    assert_eq!(st.next_due_timer(), None);
}

#[test]
fn evicted_cases_go_to_the_sink_with_their_chain_head() {
    let done: Arc<Mutex<Vec<Case>>> = Arc::default();
    let sink = Arc::clone(&done);
    let mut st = store(StoreConfig { record_log: false, retention: Retention::Evict });
    st.set_finished_sink(Box::new(move |c| {
        if let Ok(mut v) = sink.lock() {
            v.push(c);
        }
    }));
    let first = open(&mut st, "student-registration", &[]);
    st.apply(first, Event::Captured, at(1)).expect("contract");
    st.apply(first, Event::CheckReturned(CheckResult::Clear), at(2)).expect("check");
    assert!(st.case(first).is_none());
    assert_eq!((st.open_cases(), st.finished_cases()), (0, 1));
    // The slot is reused under a new id; the old id stays dead.
    let second = open(&mut st, "student-registration", &[]);
    assert_ne!(first, second);
    assert!(matches!(
        st.apply(first, Event::Captured, at(3)),
        Err(WorkflowError::UnknownCase { .. })
    ));
    let v = done.lock().expect("sink");
    assert_eq!(v.len(), 1);
    assert!(v[0].log.is_empty());
    assert_eq!(v[0].state.entries, 3);
    assert_ne!(v[0].state.head, [0; 32]);
    assert_eq!(v[0].state.resolution, Some(Resolution::Delivered));
}

#[test]
fn guarded_consent_is_skipped_for_an_owner() {
    let mut st = store(StoreConfig::default());
    let case = open(&mut st, "residence-registration", &["owner-is-applicant"]);
    let waits: Vec<Trigger> =
        st.current_step(case).map(|s| s.on.iter().map(|t| t.trigger).collect()).unwrap_or_default();
    assert_eq!(waits, [Trigger::Captured]);
    st.apply(case, Event::Captured, at(1)).expect("capture");
    let out = st.apply(case, matched(0.95, 0.9, None), at(2)).expect("match");
    assert!(out.timer_set.is_none());
    let out = st.apply(case, Event::CheckReturned(CheckResult::Clear), at(3)).expect("check");
    assert_eq!(out.resolution, Some(Resolution::Delivered));
}

#[test]
fn cancelled_timers_do_not_pile_up() {
    let mut st = store(StoreConfig { record_log: false, retention: Retention::Evict });
    let card = st.catalog().id("id-card").expect("service");
    // Each ID card sets a payment timer that is cancelled by paying; then withdraw.
    for i in 0..20_000i64 {
        let when = at(i);
        let case = st.open(card, Pseudonym(2), Default::default(), when).expect("open").case;
        st.apply(case, Event::Captured, when).expect("capture");
        st.apply(case, Event::Paid, when).expect("pay");
        st.apply(case, Event::Withdrawn, when).expect("withdraw");
    }
    assert_eq!(st.open_cases(), 0);
    assert!(st.timer_entries() <= 4096 + 1, "{}", st.timer_entries());
    // Tasks withdrawn before anyone claimed them leave the queue too.
    let visa = st.catalog().id("e-visa-extension").expect("service");
    for i in 0..5_000i64 {
        let when = at(30_000 + i);
        let case = st.open(visa, Pseudonym(3), Default::default(), when).expect("open").case;
        st.apply(case, Event::Captured, when).expect("capture");
        st.apply(case, matched(0.9, 0.1, None), when).expect("liveness fails");
        st.apply(case, Event::Withdrawn, when).expect("withdraw");
    }
    assert_eq!(st.queue_len(Skill::BiometricAdjudication), 0);
    assert!(st.waiting_tasks(Skill::BiometricAdjudication).next().is_none());
    assert!(st.queued_entries(Skill::BiometricAdjudication) <= 1025);
    assert_eq!(st.next_due_timer(), None);
}

#[test]
fn a_timer_armed_when_the_heap_is_compacted_survives() {
    let mut st = store(StoreConfig { record_log: false, retention: Retention::Evict });
    let card = st.catalog().id("id-card").expect("service");
    // Each withdrawn ID card leaves a cancelled payment timer in the heap, until arming one
    // more sets off a compaction: the timer just armed must stay.
    for i in 0..10_000i64 {
        let when = at(i);
        let case = st.open(card, Pseudonym(2), Default::default(), when).expect("open").case;
        let before = st.timer_entries();
        st.apply(case, Event::Captured, when).expect("capture arms the payment timer");
        if st.timer_entries() <= before {
            // Compacted while arming this case's timer: it is the one live timer.
            assert_eq!(st.timer_entries(), 1);
            let due = st.case(case).and_then(|c| c.state.timer).map(|t| t.due);
            assert_eq!(st.next_due_timer(), due.map(|d| (d, case)));
            let fired = st.fire_due(at(i + 31 * 24 * 60)).expect("fire");
            assert_eq!(fired.len(), 1);
            assert_eq!(fired[0].resolution, Some(Resolution::Lapsed));
            return;
        }
        st.apply(case, Event::Withdrawn, when).expect("withdraw");
    }
    panic!("the heap was never compacted");
}

#[test]
fn a_timer_overtaken_by_a_later_claim_still_fires() {
    let def = navbat_workflow::parse_service(
        "timed-review",
        r#"(
            name: "timed-review", title: "T", review_reasons: ["ok"],
            initial: "review", withdrawn: "withdrawn",
            steps: [
                (name: "review", task: Some("intake"), timer: Some(Hours(1)), on: [
                    (on: Approved, to: "done"), (on: Rejected, to: "done"),
                    (on: Timeout, to: "lapsed"),
                ]),
                (name: "done", outcome: Some(Delivered)),
                (name: "lapsed", outcome: Some(Lapsed)),
                (name: "withdrawn", outcome: Some(Withdrawn)),
            ],
        )"#,
    )
    .expect("definition");
    let catalog = navbat_workflow::ServiceCatalog::new(vec![def]).expect("catalog");
    let mut st =
        CaseStore::new(catalog, navbat_workflow::WorkCalendar::weekdays(), StoreConfig::default());
    let service = navbat_workflow::ServiceId(0);
    let case = st.open(service, Pseudonym(1), Default::default(), at(0)).expect("open").case;
    // The caller claims two hours later without firing the one-hour timer first.
    st.claim(Skill::Intake, OfficerId(1), at(120)).expect("claim").expect("task");
    let fired = st.fire_due(at(180)).expect("fire");
    assert_eq!(fired.len(), 1);
    assert_eq!(fired[0].resolution, Some(Resolution::Lapsed));
    assert_eq!(st.case(case).map(|c| c.state.last_at), Some(at(120)));
}

#[test]
fn a_store_can_move_to_another_thread() {
    // Replications run in parallel with rayon: each owns a store.
    fn assert_send<T: Send>() {}
    assert_send::<CaseStore>();
    let mut st = store(StoreConfig::default());
    let case = open(&mut st, "id-card", &[]);
    let handle = std::thread::spawn(move || st.case(case).map(|c| c.state.entries));
    assert_eq!(handle.join().ok().flatten(), Some(1));
}
