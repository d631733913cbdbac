//! Two timing rules of the back office: an E-Rozilik request nobody answers times out at
//! the step's own timer, and appeals are lodged within each service's appeal window.

use std::sync::{Arc, Mutex};

use navbat_engine::{CaseExporter, HOUR_MS, Simulation};
use navbat_workflow::{Case, Delay, Trigger};

use crate::{pilot, shortened};

/// Every finished case of one `days`-day replication of `s`.
fn cases(s: navbat_scenario::Scenario, days: i64) -> Vec<Case> {
    let model = shortened(s, days);
    let out: Arc<Mutex<Vec<Case>>> = Arc::default();
    let sink = out.clone();
    let exporter: CaseExporter = Box::new(move |_, case| {
        sink.lock().expect("no panic while exporting").push(case.clone());
    });
    Simulation::with_case_export(model, 5, 0, exporter).finish();
    std::mem::take(&mut *out.lock().expect("no panic while exporting"))
}

#[test]
fn an_owner_who_never_answers_times_out_at_the_definitions_timer() {
    let mut s = pilot();
    let w = s.workflows.as_mut().expect("the pilot has workflows");
    // Nobody answers E-Rozilik.
    w.consent_refused = 0.0;
    w.consent_no_answer = 1.0;
    let catalog = w.catalog.clone();
    let all = cases(s, 30);
    // Every consent step of the catalog, with its timer in hours (72 h, 24 h).
    let mut seen = 0;
    for c in &all {
        let def = catalog.get(c.state.service).expect("definition");
        for pair in c.log.windows(2) {
            let (entered, left) = (&pair[0], &pair[1]);
            let step = def.step(entered.to).expect("step");
            if !step.on.iter().any(|t| t.trigger == Trigger::ConsentGiven) {
                continue;
            }
            let Some(Delay::Hours(h)) = step.timer else { panic!("consent step without hours") };
            assert_eq!(left.trigger, Some(Trigger::Timeout), "case {:?}", c.id);
            assert_eq!(left.at.0 - entered.at.0, i64::from(h) * HOUR_MS, "case {:?}", c.id);
            seen += 1;
        }
    }
    assert!(seen > 200, "{seen} consent requests seen");
}

#[test]
fn appeals_are_lodged_within_every_services_window() {
    let mut s = pilot();
    let w = s.workflows.as_mut().expect("the pilot has workflows");
    // Everyone refused appeals: none may come after the window closed.
    w.appeal = 1.0;
    w.appeal_wrongful = 1.0;
    // Many refusals, of every service: registries often hit, and reviewers refuse.
    w.check_hit = 0.5;
    for (_, p) in &mut w.approve {
        *p = 0.2;
    }
    for (_, e) in &mut w.reviewer_errors {
        *e = navbat_scenario::ReviewerErrors { false_approval: 0.2, false_refusal: 0.8 };
    }
    let catalog = w.catalog.clone();
    let evisa = catalog.id("e-visa-extension").expect("service");
    let all = cases(s, 60);
    let (mut refusals, mut evisa_refusals) = (0, 0);
    for c in &all {
        let def = catalog.get(c.state.service).expect("definition");
        for pair in c.log.windows(2) {
            let (entered, left) = (&pair[0], &pair[1]);
            let step = def.step(entered.to).expect("step");
            if !step.on.iter().any(|t| t.trigger == Trigger::Appealed) {
                continue;
            }
            assert_eq!(left.trigger, Some(Trigger::Appealed), "case {:?} of {}", c.id, def.name);
            refusals += 1;
            evisa_refusals += usize::from(c.state.service == evisa);
        }
    }
    assert!(refusals > 100, "{refusals} refusals seen");
    assert!(evisa_refusals > 0, "no e-visa refusal seen");
}
