//! Named tasks: a service's own activities, performed by whoever takes them and branching by
//! share when done; pooled by name across a catalogue, replayed, exported as start/complete.

use navbat_workflow::{
    CaseStore, Decision, Event, Facts, OfficerId, Pseudonym, ReasonCode, Resolution,
    ServiceCatalog, Skill, StoreConfig, Timestamp, Trigger, WorkCalendar, WorkflowError,
    parse_service, replay, verify_chain, write_xes,
};

/// A two-task process: `register`, then `check` (60 %) or the end (40 %); `check` loops
/// back to `register` a tenth of the time.
fn process(name: &str, first: &str) -> String {
    format!(
        r#"(
    name: "{name}", title: "A discovered process",
    review_reasons: ["performed"],
    tasks: ["{first}", "check"],
    initial: "arrival", withdrawn: "withdrawn",
    steps: [
        (name: "arrival", on: [(on: Captured, to: "{first}")]),
        (name: "{first}", task: Some("{first}"), on: [
            (on: Done, to: "check", share: Some(0.6)),
            (on: Done, to: "end", share: Some(0.4)),
        ]),
        (name: "check", task: Some("check"), on: [
            (on: Done, to: "{first}", share: Some(0.1)),
            (on: Done, to: "end", share: Some(0.9)),
        ]),
        (name: "end", outcome: Some(Delivered)),
        (name: "withdrawn", outcome: Some(Withdrawn)),
    ],
)"#
    )
}

fn t(minutes: i64) -> Timestamp {
    Timestamp::from_civil(jiff::civil::date(2026, 5, 4).at(9, 0, 0, 0)).plus_ms(minutes * 60_000)
}

#[test]
fn named_tasks_are_pooled_by_name_across_a_catalogue() {
    let a = parse_service("a", &process("a", "register")).unwrap();
    let b = parse_service("b", &process("b", "intake-x")).unwrap();
    assert_eq!(a.tasks, ["register", "check"]);
    let catalog = ServiceCatalog::new(vec![a, b]).unwrap();
    assert_eq!(catalog.tasks(), ["register", "check", "intake-x"]);
    assert_eq!(catalog.skill_count(), Skill::BUILT_IN + 3);
    let b = catalog.get(catalog.id("b").unwrap()).unwrap();
    // b's `check` is the catalogue's task 1, shared with a; its first task is task 2.
    let check = b.steps[usize::from(b.step_id("check").unwrap().0)].task;
    assert_eq!(check, Some(Skill::Named(1)));
    assert_eq!(catalog.skill("intake-x"), Some(Skill::Named(2)));
    assert_eq!(catalog.skill_name(Skill::Named(2)), "intake-x");
    assert_eq!(catalog.skill("intake"), Some(Skill::Intake));
    assert_eq!(catalog.skills().count(), catalog.skill_count());
}

#[test]
fn a_done_task_leaves_along_the_branch_given_and_replays() {
    let catalog =
        ServiceCatalog::new(vec![parse_service("a", &process("a", "register")).unwrap()]).unwrap();
    let id = catalog.id("a").unwrap();
    let mut store = CaseStore::new(catalog, WorkCalendar::weekdays(), StoreConfig::default());
    let case = store.open(id, Pseudonym(1), Facts::default(), t(0)).unwrap().case;
    let out = store.apply(case, Event::Captured, t(1)).unwrap();
    let (task, skill) = out.task_opened.unwrap();
    assert_eq!(skill, Skill::Named(0));
    assert_eq!(store.queue_len(skill), 1);
    assert_eq!(store.claim(skill, OfficerId(3), t(2)).unwrap(), Some(task));
    // Branch 0 of `register` is `check`.
    let code = ReasonCode(0);
    let out = store.complete(task, Decision::Done { branch: 0 }, &[code], t(30)).unwrap();
    assert_eq!(out.trigger, Some(Trigger::Done));
    let (task, skill) = out.task_opened.unwrap();
    assert_eq!(skill, Skill::Named(1));
    store.claim(skill, OfficerId(4), t(31)).unwrap();
    // A branch the step does not have is an error and changes nothing.
    let before = store.case(case).cloned();
    let bad = store.complete(task, Decision::Done { branch: 2 }, &[code], t(40));
    assert!(matches!(bad, Err(WorkflowError::EventNotExpected { .. })), "{bad:?}");
    assert_eq!(store.case(case).cloned(), before);
    // An approval does not fit a named task.
    assert!(store.complete(task, Decision::Approve, &[code], t(40)).is_err());
    let out = store.complete(task, Decision::Done { branch: 1 }, &[code], t(45)).unwrap();
    assert_eq!(out.resolution, Some(Resolution::Delivered));

    let stored = store.case(case).unwrap();
    verify_chain(stored).unwrap();
    assert_eq!(replay(store.catalog(), store.calendar(), case, &stored.log).unwrap(), stored.state);

    // Exported: each task once started (claimed) and once completed, under its step's name.
    let mut xes = Vec::new();
    write_xes(&mut xes, store.catalog(), [stored], None).unwrap();
    let xes = String::from_utf8(xes).unwrap();
    let events: Vec<(String, String)> = xes
        .split("<event>")
        .skip(1)
        .map(|e| {
            let get = |key: &str| {
                let at = e.find(&format!("key=\"{key}\" value=\"")).unwrap() + key.len() + 14;
                e[at..].split('"').next().unwrap().to_string()
            };
            (get("concept:name"), get("lifecycle:transition"))
        })
        .collect();
    let tasks: Vec<(&str, &str)> = events
        .iter()
        .filter(|(a, _)| a == "register" || a == "check")
        .map(|(a, l)| (a.as_str(), l.as_str()))
        .collect();
    assert_eq!(
        tasks,
        [
            ("register", "start"),
            ("register", "complete"),
            ("check", "start"),
            ("check", "complete")
        ]
    );
    let sealed = navbat_workflow::read_sealed_xes("x", &xes).unwrap();
    let report = navbat_workflow::verify_sealed(&sealed, None);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

fn rejected(text: &str, needle: &str) {
    match parse_service("x", text) {
        Err(e) => assert!(e.to_string().contains(needle), "{e} lacks {needle:?}"),
        Ok(_) => panic!("accepted, expected {needle:?}"),
    }
}

#[test]
fn broken_named_tasks_are_refused_with_the_step_named() {
    let good = process("x", "register");
    rejected(&good.replace("share: Some(0.4)", "share: Some(0.5)"), "sum to 1.1");
    rejected(&good.replace("tasks: [\"register\", \"check\"]", "tasks: [\"check\"]"), "register");
    rejected(&good.replace(", share: Some(0.4)", ""), "share exactly when it is on Done");
    rejected(
        &good.replace("tasks: [\"register\",", "tasks: [\"intake\", \"register\","),
        "built-in",
    );
    rejected(
        &good.replace(
            r#"(on: Done, to: "end", share: Some(0.4)),"#,
            r#"(on: Done, to: "end", share: Some(0.4)), (on: Approved, to: "end"),"#,
        ),
        "handles Done, not Approved",
    );
}
