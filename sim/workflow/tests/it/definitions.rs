//! Service definitions: the ten real files load, every terminal outcome is reachable by
//! driving the engine, and broken definitions are rejected with the service and step named.

use std::collections::BTreeSet;

use navbat_workflow::{
    Facts, Resolution, StoreConfig, WorkflowError, parse_service, replay, verify_chain,
};

use crate::drive::{catalog, drive, path_to, store};

#[test]
fn the_ten_services_load() {
    let c = catalog();
    let names: Vec<&str> = c.iter().map(|(_, s)| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "citizenship-application",
            "compatriot-invitation",
            "e-visa-extension",
            "foreign-passport",
            "foreigner-registration",
            "id-card",
            "residence-registration",
            "stateless-travel-document",
            "student-registration",
            "work-permit",
        ]
    );
}

#[test]
fn statutory_deadlines_come_from_the_parameters() {
    let c = catalog();
    let days = |name: &str, facts: &[&str]| {
        let s = c.get(c.id(name)?)?;
        s.deadline_working_days(s.facts_from_names(facts)?)
    };
    assert_eq!(days("id-card", &[]), Some(1));
    assert_eq!(days("id-card", &["home-visit"]), Some(15));
    assert_eq!(days("foreign-passport", &[]), Some(10));
}

#[test]
fn every_service_reaches_each_of_its_terminal_steps() {
    let c = catalog();
    for (sid, s) in c.iter() {
        let mut reached = BTreeSet::new();
        for (ti, step) in s.steps.iter().enumerate() {
            let Some(outcome) = step.outcome else {
                continue;
            };
            let target = navbat_workflow::StepId(ti as u16);
            let mut done = false;
            for bits in 0..(1u16 << s.facts.len()) {
                let facts = Facts(bits);
                let Some(path) = path_to(s, facts, target) else {
                    continue;
                };
                let mut st = store(StoreConfig::default());
                let case = match drive(&mut st, sid, facts, 7, &path) {
                    Ok(c) => c,
                    Err(e) => panic!("{} -> {}: {e} (path {path:?})", s.name, step.name),
                };
                let stored = st.case(case).expect("kept");
                assert_eq!(stored.state.step, target, "{} -> {}", s.name, step.name);
                assert_eq!(stored.state.resolution, Some(outcome));
                assert!(verify_chain(stored).is_ok());
                let replayed = replay(st.catalog(), st.calendar(), case, &stored.log);
                assert_eq!(replayed.ok(), Some(stored.state));
                reached.insert(outcome);
                done = true;
            }
            assert!(done, "{}: terminal step {} never reached", s.name, step.name);
        }
        let declared: BTreeSet<Resolution> = s.steps.iter().filter_map(|x| x.outcome).collect();
        assert_eq!(reached, declared, "{}", s.name);
    }
}

const GOOD: &str = r#"(
    name: "t", title: "T",
    review_reasons: ["ok"],
    initial: "a", withdrawn: "w",
    steps: [
        (name: "a", on: [(on: Paid, to: "b")]),
        (name: "b", outcome: Some(Delivered)),
        (name: "w", outcome: Some(Withdrawn)),
    ],
)"#;

fn invalid(text: &str) -> (String, String, String) {
    match parse_service("test", text) {
        Err(WorkflowError::InvalidDefinition { service, step, problem, .. }) => {
            (service, step, problem)
        }
        other => panic!("expected InvalidDefinition, got {other:?}"),
    }
}

#[test]
fn a_minimal_definition_is_valid() {
    assert!(parse_service("test", GOOD).is_ok());
}

#[test]
fn an_unreachable_step_is_named() {
    let text = GOOD
        .replace(r#"(name: "w","#, r#"(name: "orphan", on: [(on: Paid, to: "b")]), (name: "w","#);
    let (service, step, problem) = invalid(&text);
    assert_eq!((service.as_str(), step.as_str()), ("t", "orphan"));
    assert!(problem.contains("unreachable"), "{problem}");
}

#[test]
fn a_dead_end_step_is_named() {
    let text = GOOD.replace(r#"(name: "b", outcome: Some(Delivered))"#, r#"(name: "b")"#);
    let (_, step, problem) = invalid(&text);
    assert_eq!(step, "b");
    assert!(problem.contains("dead end"), "{problem}");
}

#[test]
fn a_cycle_without_exit_is_named() {
    let text = GOOD
        .replace(r#"(on: Paid, to: "b")"#, r#"(on: Paid, to: "b"), (on: Captured, to: "c")"#)
        .replace(r#"(name: "w","#, r#"(name: "c", on: [(on: Paid, to: "c")]), (name: "w","#);
    let (_, step, problem) = invalid(&text);
    assert_eq!(step, "c");
    assert!(problem.contains("no way out"), "{problem}");
}

#[test]
fn unknown_skill_rule_step_and_fact_are_named() {
    let skill = GOOD.replace(
        r#"(name: "a", on: [(on: Paid, to: "b")])"#,
        r#"(name: "a", task: Some("astrologer"), on: [(on: Approved, to: "b"), (on: Rejected, to: "b")])"#,
    );
    let (_, step, problem) = invalid(&skill);
    assert_eq!(step, "a");
    assert!(problem.contains("unknown skill `astrologer`"), "{problem}");

    let rule = GOOD.replace(
        r#"(name: "a", on: [(on: Paid, to: "b")])"#,
        r#"(name: "a", rules: ["tarot"], on: [(on: MatchPass, to: "b")])"#,
    );
    let (_, step, problem) = invalid(&rule);
    assert_eq!(step, "a");
    assert!(problem.contains("unknown rule `tarot`"), "{problem}");

    let target = GOOD.replace(r#"(on: Paid, to: "b")"#, r#"(on: Paid, to: "nowhere")"#);
    let (_, step, problem) = invalid(&target);
    assert_eq!(step, "a");
    assert!(problem.contains("unknown step `nowhere`"), "{problem}");

    let fact = GOOD.replace(
        r#"(on: Paid, to: "b")"#,
        r#"(on: Paid, when: Some(Fact("vip")), to: "b"), (on: Paid, to: "b")"#,
    );
    let (_, step, problem) = invalid(&fact);
    assert_eq!(step, "a");
    assert!(problem.contains("unknown fact `vip`"), "{problem}");
}

#[test]
fn match_results_need_a_face_rule() {
    let text = GOOD.replace(r#"(on: Paid, to: "b")"#, r#"(on: MatchPass, to: "b")"#);
    let (_, step, problem) = invalid(&text);
    assert_eq!(step, "a");
    assert!(problem.contains("Face-ID"), "{problem}");
}

#[test]
fn ron_errors_carry_line_and_column() {
    let text = "(\n    name: \"t\",\n    title: 42,\n)";
    match parse_service("bad.ron", text) {
        Err(WorkflowError::Parse { origin, line, column, .. }) => {
            assert_eq!(origin, "bad.ron");
            assert_eq!(line, 3);
            assert!(column > 1);
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
}

#[test]
fn a_step_recording_more_than_four_reasons_is_rejected() {
    let text = GOOD
        .replace(
            r#"review_reasons: ["ok"],"#,
            r#"review_reasons: ["ok"], rules: [
                (id: "f1", kind: FaceVerify(accept_min: 0.8, reject_below: 0.3, liveness_min: 0.5)),
                (id: "f2", kind: FaceVerify(accept_min: 0.9, reject_below: 0.3, liveness_min: 0.5)),
                (id: "d", kind: DedupSearch(candidate_min: 0.9)),
            ],"#,
        )
        .replace(
            r#"(name: "a", on: [(on: Paid, to: "b")])"#,
            r#"(name: "a", rules: ["f1", "f2", "d"], on: [(on: MatchPass, to: "b")])"#,
        );
    let (_, step, problem) = invalid(&text);
    assert_eq!(step, "a");
    assert!(problem.contains("four reasons"), "{problem}");
}

#[test]
fn a_shared_catalogue_is_parsed_again_only_when_a_file_changes() {
    let dir = std::env::temp_dir().join(format!("navbat-shared-services-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let src = crate::drive::services_dir();
    for name in ["id-card.ron", "work-permit.ron"] {
        std::fs::copy(src.join(name), dir.join(name)).expect("copy");
    }
    let first = navbat_workflow::load_services_shared(&dir).expect("loads");
    let again = navbat_workflow::load_services_shared(&dir).expect("loads");
    assert!(std::sync::Arc::ptr_eq(&first, &again), "unchanged files are not parsed again");
    assert_eq!(first.len(), 2);
    // One byte more in one file: parsed again, and a broken file is an error, not the cache.
    let text = std::fs::read_to_string(dir.join("id-card.ron")).expect("read");
    std::fs::write(dir.join("id-card.ron"), format!("{text}\n")).expect("write");
    let changed = navbat_workflow::load_services_shared(&dir).expect("loads");
    assert!(!std::sync::Arc::ptr_eq(&first, &changed));
    std::fs::write(dir.join("id-card.ron"), "(name: ").expect("write");
    let err = navbat_workflow::load_services_shared(&dir).map(|_| ()).expect_err("broken");
    assert!(err.to_string().contains("id-card.ron:1:"), "{err}");
    std::fs::remove_dir_all(&dir).expect("clean up");
}

/// [`GOOD`] with a human task step `r` whose reasons are `reasons`.
fn with_task_reasons(reasons: &str) -> String {
    GOOD.replace(r#"review_reasons: ["ok"]"#, r#"review_reasons: ["ok", "no"]"#).replace(
        r#"(name: "a", on: [(on: Paid, to: "b")]),"#,
        &format!(
            r#"(name: "a", on: [(on: Paid, to: "r")]),
        (name: "r", task: Some("case-decision"), reasons: {reasons},
         on: [(on: Approved, to: "b"), (on: Rejected, to: "b")]),"#
        ),
    )
}

#[test]
fn task_reasons_name_review_reasons_with_shares_summing_to_one() {
    let good =
        with_task_reasons(r#"Some((approve: [("ok", 0.7), ("no", 0.3)], refuse: [("no", 1.0)]))"#);
    let s = parse_service("test", &good).expect("valid");
    let r = s.steps.iter().find_map(|st| st.reasons.clone()).expect("reasons kept");
    assert_eq!(r.approve.len(), 2);
    let (_, step, problem) =
        invalid(&with_task_reasons(r#"Some((approve: [("ok", 0.7)], refuse: [("no", 1.0)]))"#));
    assert_eq!(step, "r");
    assert!(problem.contains("sum to 0.7"), "{problem}");
    let (_, _, problem) =
        invalid(&with_task_reasons(r#"Some((approve: [("yes", 1.0)], refuse: [("no", 1.0)]))"#));
    assert!(problem.contains("`yes`, not a review reason"), "{problem}");
}
