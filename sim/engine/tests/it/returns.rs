//! Nobody vanishes: people who leave unserved come back or are counted as lost demand.

use navbat_engine::{Simulation, without_kiosks};
use navbat_record::ReplicationRecord;

use crate::{pilot, shortened};

fn record(s: navbat_scenario::Scenario) -> ReplicationRecord {
    Simulation::new(shortened(s, 45), 9, 1).finish()
}

#[test]
fn every_visit_ends_served_lost_returning_or_still_inside() {
    // The no-kiosk baseline: long lines, so people balk, renege and are sent home.
    let with = record(without_kiosks(&pilot()));
    let mut none = without_kiosks(&pilot());
    for seg in &mut none.segments {
        seg.retrial = None;
    }
    let without = record(none);
    let (mut returns, mut lost) = (0, 0);
    for (s, w) in with.sites.iter().zip(&without.sites) {
        assert_eq!(s.site, w.site);
        // Every visit ended served or unserved, or was still going at the end.
        assert_eq!(s.arrivals, s.served + s.abandoned() + s.in_system_end, "{}", s.site);
        // Every unserved visit led to a return (made, or due after the end) or to a loss.
        assert_eq!(s.abandoned(), s.returns + s.returns_pending_end + s.lost_demand, "{}", s.site);
        // Arrivals are first visits plus returns, and the first visits are exactly the
        // arrivals of the same run without returns (returns draw only from people's own
        // streams, so newcomers are the same people).
        assert_eq!(s.first_visits() + s.returns, s.arrivals);
        assert_eq!(s.first_visits(), w.arrivals, "{}", s.site);
        // Without returns, everyone who left unserved is lost.
        assert_eq!((w.returns, w.returns_pending_end), (0, 0));
        assert_eq!(w.lost_demand, w.abandoned(), "{}", w.site);
        // A wasted trip costs at least its round trip (45 minutes or more in the pilot).
        assert!(s.wasted_trip_hours >= 0.75 * s.abandoned() as f64, "{}", s.site);
        assert!(s.citizen_hours >= w.citizen_hours * 0.5, "{}", s.site);
        returns += s.returns;
        lost += s.lost_demand;
    }
    assert!(returns > 100 && lost > 10, "returns {returns}, lost {lost}");
}

#[test]
fn a_return_booked_for_the_next_opening_walks_in_and_is_not_sent_home_at_the_door() {
    use std::sync::{Arc, Mutex};

    use navbat_engine::{FloorRow, RowExporter, TicketNumber, TicketOutcome};

    // The no-kiosk baseline sends many home at closing; their returns mostly fall outside
    // opening hours and so come at the next opening, at the instant the site opens.
    let model = shortened(without_kiosks(&pilot()), 30);
    let rows: Arc<Mutex<Vec<FloorRow>>> = Arc::default();
    let sink = rows.clone();
    let export: RowExporter = Box::new(move |row| sink.lock().expect("not poisoned").push(*row));
    Simulation::new(model.clone(), 9, 1).with_rows(export).finish();
    let rows = std::mem::take(&mut *rows.lock().expect("not poisoned"));
    let opens: Vec<std::collections::BTreeSet<i64>> =
        model.plans.iter().map(|p| p.open.iter().map(|w| w.0).collect()).collect();
    let (mut at_opening, mut turned_away) = (0, 0);
    for row in &rows {
        let FloorRow::Ticket(t) = row else { continue };
        if matches!(t.number, TicketNumber::Return(..)) && opens[t.site].contains(&t.issued.0) {
            at_opening += 1;
            if t.outcome == TicketOutcome::SentHome && t.finished == t.issued {
                turned_away += 1;
            }
        }
    }
    assert!(at_opening > 100, "{at_opening} returns at an opening");
    assert_eq!(turned_away, 0, "of {at_opening} returns at an opening");
}
