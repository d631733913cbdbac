//! Case facts in the scenario's shares take their branches of the service definitions, and
//! a service with its own production time keeps to it.

use std::sync::{Arc, Mutex};

use navbat_engine::{CaseExporter, DAY_MS, Simulation};
use navbat_scenario::Dist;
use navbat_workflow::{Case, Trigger};

use crate::{pilot, shortened};

/// Every finished case of one 40-day replication of `s`, with the catalog's ids of the
/// foreign-passport service and its steps.
fn cases(s: navbat_scenario::Scenario) -> Vec<Case> {
    let model = shortened(s, 40);
    let out: Arc<Mutex<Vec<Case>>> = Arc::default();
    let sink = out.clone();
    let exporter: CaseExporter = Box::new(move |_, case| {
        sink.lock().expect("no panic while exporting").push(case.clone());
    });
    Simulation::with_case_export(model, 3, 0, exporter).finish();
    std::mem::take(&mut *out.lock().expect("no panic while exporting"))
}

#[test]
fn minors_go_through_the_guardian_check_in_their_share() {
    let s = pilot();
    let w = s.workflows.as_ref().expect("the pilot has workflows");
    let share = w
        .facts
        .iter()
        .find(|(service, fact, _)| service == "foreign-passport" && fact == "minor")
        .map(|f| f.2)
        .expect("the pilot gives a share of minors");
    let catalog = w.catalog.clone();
    let passport = catalog.id("foreign-passport").expect("service");
    let def = catalog.get(passport).expect("definition");
    let minor = def.facts.iter().position(|f| f == "minor").expect("fact");
    let guardian = def.step_id("guardian-check").expect("step");
    let all = cases(s);
    let passports: Vec<&Case> = all.iter().filter(|c| c.state.service == passport).collect();
    assert!(passports.len() > 1_000, "{} passport cases", passports.len());
    let mut minors = 0;
    for c in &passports {
        let is_minor = c.state.facts.0 & (1 << minor) != 0;
        let checked = c.log.iter().any(|e| e.to == guardian);
        // A refused identity check ends the case before the guardian is asked.
        assert!(!checked || is_minor, "case {:?} saw the guardian check without the fact", c.id);
        minors += usize::from(is_minor);
    }
    let observed = minors as f64 / passports.len() as f64;
    assert!((observed - share).abs() < 0.03, "{observed} minors against {share}");
}

#[test]
fn a_service_with_its_own_production_time_keeps_to_it() {
    let mut s = pilot();
    let w = s.workflows.as_mut().expect("the pilot has workflows");
    w.production_days_by_service = vec![("foreign-passport".into(), Dist::Constant { value: 9.0 })];
    w.production_days = Dist::Constant { value: 2.0 };
    let catalog = w.catalog.clone();
    let passport = catalog.id("foreign-passport").expect("service");
    let all = cases(s);
    let mut seen = [0, 0];
    for c in &all {
        let Some(done) = c.log.iter().find(|e| e.trigger == Some(Trigger::Produced)) else {
            continue;
        };
        // Production starts with the entry just before the one that records it.
        let started = &c.log[done.seq as usize - 1];
        let days = (done.at.0 - started.at.0) as f64 / DAY_MS as f64;
        let own = c.state.service == passport;
        let want = if own { 9.0 } else { 2.0 };
        assert!((days - want).abs() < 1e-3, "{days} days of production, expected {want}");
        seen[usize::from(own)] += 1;
    }
    assert!(seen[0] > 100 && seen[1] > 100, "{seen:?} productions seen");
}

#[test]
fn the_case_store_refuses_nothing_on_the_pilot() {
    // The office counts what the store refuses instead of dropping it: a refusal would be
    // a case the engine moved wrongly. 75 days see pickups, appeals and 30-day timers.
    let mut sim = Simulation::new(shortened(pilot(), 75), 11, 2);
    sim.run_to_end();
    let errors = sim.back_office_errors();
    assert_eq!((errors.refused, errors.drives_cut_short), (0, 0), "{errors:?}");
    // E-Rozilik's answers take hours; some come after the consent step's timer fired.
    assert!(errors.late_answers > 0, "{errors:?}");
    let record = sim.finish();
    assert!(record.sites.iter().map(|s| s.cases_delivered).sum::<u64>() > 1_000);
}

#[test]
fn every_portal_request_opens_a_case_on_its_no_visit_path() {
    let s = pilot();
    let catalog = s.workflows.as_ref().expect("the pilot has workflows").catalog.clone();
    let permit = catalog.id("work-permit").expect("service");
    let def = catalog.get(permit).expect("definition");
    let online = def.facts.iter().position(|f| f == navbat_workflow::ONLINE).expect("fact");
    let collect = def.step_id("ready-for-collection").expect("step");
    let all = cases(s.clone());
    let (mut online_permits, mut visiting_collections) = (0, 0);
    for c in all.iter().filter(|c| c.state.service == permit) {
        let is_online = c.state.facts.0 & (1 << online) != 0;
        let collects = c.log.iter().any(|e| e.to == collect);
        assert!(!(is_online && collects), "online permit {:?} waits for a pickup", c.id);
        online_permits += usize::from(is_online);
        visiting_collections += usize::from(collects);
    }
    assert!(
        online_permits > 0 && visiting_collections > 0,
        "{online_permits} {visiting_collections}"
    );
    // The back office carries the online demand: one case per counted portal request.
    let record = Simulation::new(shortened(s, 40), 3, 0).finish();
    for site in &record.sites {
        assert_eq!(site.cases_portal, site.portal, "{}", site.site);
        assert_eq!(
            site.cases_kiosk + site.cases_counter + site.cases_portal,
            site.cases_opened,
            "{}",
            site.site
        );
    }
    assert!(record.sites.iter().map(|s| s.cases_portal).sum::<u64>() > 500);
}

#[test]
fn the_decrees_outcomes_are_counted_per_site_and_month() {
    let record = Simulation::new(shortened(pilot(), 75), 3, 1).finish();
    let mut total = 0;
    for site in &record.sites {
        let months = record
            .breakdown
            .iter()
            .filter(|r| r.site == site.site && r.dimension == navbat_record::Dimension::Month);
        let (esign, egov) =
            months.fold((0, 0), |(a, b), r| (a + r.esign_certificates, b + r.egov_registrations));
        assert_eq!((esign, egov), (site.esign_certificates, site.egov_registrations));
        // The first-issue path takes both effects together.
        assert_eq!(site.esign_certificates, site.egov_registrations, "{}", site.site);
        total += site.esign_certificates;
    }
    assert!(total > 100, "{total} certificates");
}
