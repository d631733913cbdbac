//! The Erlang C surrogate against the twin on a small instance: same direction, same order of
//! magnitude; it only ranks and prunes.

use std::path::Path;

use navbat_optimise::{Evaluator, Plan, Universe, surrogate_site};

#[test]
fn the_surrogate_orders_kiosk_counts_as_the_twin_does() {
    let (raw, candidates) = super::brute::tiny();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let u = Universe::new(&raw, candidates, &base).unwrap();
    let mut ev = Evaluator::new(&u, 3, None).unwrap();
    let reps = 4;
    let mut rows = Vec::new();
    for k in 0..=3 {
        let mut plan = Plan::empty(u.len());
        plan.kiosks[0] = k;
        let cfg = u.config(&plan, 0).unwrap();
        ev.ensure(&[&plan], 0..reps, &|| {}).unwrap();
        let sim: f64 =
            (0..reps).map(|r| ev.outcome(&cfg, r).unwrap().officer_busy_hours).sum::<f64>()
                / f64::from(reps);
        let sur = surrogate_site(&u.site_scenario(&cfg)).officer_busy_hours;
        rows.push((k, sim, sur));
    }
    eprintln!("kiosks, simulated and surrogate officer busy hours: {rows:?}");
    // A first kiosk frees officers in both; more kiosks never add officer hours.
    assert!(rows[1].1 < rows[0].1 && rows[1].2 < rows[0].2, "{rows:?}");
    for w in rows.windows(2) {
        assert!(w[1].1 <= w[0].1 + 1.0 && w[1].2 <= w[0].2 + 1.0, "{rows:?}");
    }
    for (k, sim, sur) in &rows {
        assert!((sur / sim - 1.0).abs() < 0.5, "{k} kiosks: surrogate {sur}, twin {sim}");
    }
}
