//! Kiosk components fail on their own, on operating hours, and the kiosk log names them;
//! people in a broken kiosk's line go to a counter when no kiosk can serve them, whether a
//! component broke or the whole device.

use std::sync::{Arc, Mutex};

use navbat_engine::{FloorRow, KioskRow, Model, RowExporter, Simulation};
use navbat_scenario::{ComponentFailures, Dist, KioskFailures, KioskPart, Scenario};

use crate::{pilot, shortened};

/// Every kiosk group of `s` gets only these component failures.
fn parts(mut s: Scenario, list: &[(KioskPart, f64, f64)]) -> Scenario {
    for site in &mut s.sites {
        for k in &mut site.kiosks {
            k.failures = None;
            k.components = list
                .iter()
                .map(|&(part, mtbf, repair)| ComponentFailures {
                    part,
                    mtbf_operating_hours: mtbf,
                    repair_hours: Dist::Constant { value: repair },
                })
                .collect();
        }
    }
    s
}

fn kiosk_rows(model: &Arc<Model>) -> (navbat_record::ReplicationRecord, Vec<KioskRow>) {
    let rows: Arc<Mutex<Vec<KioskRow>>> = Arc::default();
    let sink = rows.clone();
    let export: RowExporter = Box::new(move |row| {
        if let FloorRow::Kiosk(k) = row {
            sink.lock().expect("not poisoned").push(*k);
        }
    });
    let record = Simulation::new(model.clone(), 4, 0).with_rows(export).finish();
    let rows = std::mem::take(&mut *rows.lock().expect("not poisoned"));
    (record, rows)
}

#[test]
fn components_break_only_while_open_and_the_log_names_them() {
    let s = parts(pilot(), &[(KioskPart::Printer, 20.0, 2.0), (KioskPart::Camera, 200.0, 30.0)]);
    let model = shortened(s, 30);
    let (record, rows) = kiosk_rows(&model);
    let downs: Vec<&KioskRow> = rows.iter().filter(|r| !r.up).collect();
    let printers = downs.iter().filter(|r| r.component == Some(KioskPart::Printer)).count();
    let cameras = downs.iter().filter(|r| r.component == Some(KioskPart::Camera)).count();
    assert!(printers > 50 && cameras > 0, "{printers} printer and {cameras} camera breakdowns");
    assert_eq!(printers + cameras, downs.len(), "every breakdown names its component");
    for r in &downs {
        let open = &model.plans[r.site].open;
        assert!(
            open.iter().any(|&(a, b)| a <= r.at.0 && r.at.0 <= b),
            "a breakdown at {:?} while site {} was closed",
            r.at,
            r.site
        );
    }
    // A kiosk comes back once, when its last broken part is repaired.
    assert!(rows.iter().all(|r| r.up == r.component.is_none()));
    let failures: u64 = record.sites.iter().map(|x| x.kiosk_failures).sum();
    assert!(failures > 0 && failures as usize <= downs.len());
}

/// Replication 0 of `s` over three weeks, with its ticket rows.
fn tickets_of(s: Scenario) -> (navbat_record::ReplicationRecord, Vec<navbat_engine::TicketRow>) {
    let tickets: Arc<Mutex<Vec<navbat_engine::TicketRow>>> = Arc::default();
    let sink = tickets.clone();
    let export: RowExporter = Box::new(move |row| {
        if let FloorRow::Ticket(t) = row {
            sink.lock().expect("not poisoned").push(*t);
        }
    });
    let record = Simulation::new(shortened(s, 21), 4, 0).with_rows(export).finish();
    let tickets = std::mem::take(&mut *tickets.lock().expect("not poisoned"));
    (record, tickets)
}

#[test]
fn people_of_a_broken_kiosks_line_go_to_a_counter() {
    use navbat_engine::{TicketChannel, TicketOutcome};
    let (working, working_tickets) = tickets_of(parts(pilot(), &[]));
    // Cameras break every few open hours and take a day to mend: a site's kiosks are often
    // all down while people wait for them.
    let (broken, broken_tickets) = tickets_of(parts(pilot(), &[(KioskPart::Camera, 3.0, 20.0)]));
    let failures: u64 = broken.sites.iter().map(|x| x.kiosk_failures).sum();
    assert!(failures > 100, "{failures} breakdowns");
    let kiosk_served =
        |r: &navbat_record::ReplicationRecord| r.sites.iter().map(|x| x.served_kiosk).sum::<u64>();
    assert!(kiosk_served(&broken) < kiosk_served(&working) * 3 / 4);
    // Nobody waits in a dead kiosk line until closing: they went to a counter. People
    // still in a working kiosk line at closing are sent home in both runs.
    let sent_home_from_kiosks = |tickets: &[navbat_engine::TicketRow]| {
        tickets
            .iter()
            .filter(|t| t.channel == TicketChannel::Kiosk && t.outcome == TicketOutcome::SentHome)
            .count()
    };
    let (b, w) = (sent_home_from_kiosks(&broken_tickets), sent_home_from_kiosks(&working_tickets));
    assert!(b <= w + 10, "{b} sent home from kiosk lines with breakdowns, {w} without");
}

#[test]
fn people_of_a_kiosk_down_as_a_whole_go_to_a_counter_too() {
    use navbat_engine::{TicketChannel, TicketOutcome};
    // Regression: a whole-device (calendar-time) failure used to leave its line waiting
    // for the repair until closing, where a component's breakdown sent it to counters.
    let whole = |s: Scenario, failures: Option<KioskFailures>| {
        let mut s = parts(s, &[]);
        for site in &mut s.sites {
            for k in &mut site.kiosks {
                k.failures = failures.clone();
            }
        }
        s
    };
    let (working, working_tickets) = tickets_of(whole(pilot(), None));
    let failing = KioskFailures { mtbf_hours: 6.0, repair_hours: Dist::Constant { value: 30.0 } };
    let (broken, broken_tickets) = tickets_of(whole(pilot(), Some(failing)));
    let failures: u64 = broken.sites.iter().map(|x| x.kiosk_failures).sum();
    assert!(failures > 50, "{failures} breakdowns");
    let kiosk_served =
        |r: &navbat_record::ReplicationRecord| r.sites.iter().map(|x| x.served_kiosk).sum::<u64>();
    assert!(kiosk_served(&broken) < kiosk_served(&working) * 3 / 4);
    let sent_home_from_kiosks = |tickets: &[navbat_engine::TicketRow]| {
        tickets
            .iter()
            .filter(|t| t.channel == TicketChannel::Kiosk && t.outcome == TicketOutcome::SentHome)
            .count()
    };
    let (b, w) = (sent_home_from_kiosks(&broken_tickets), sent_home_from_kiosks(&working_tickets));
    assert!(b <= w + 10, "{b} sent home from kiosk lines with whole-device failures, {w} without");
}
