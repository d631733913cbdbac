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
