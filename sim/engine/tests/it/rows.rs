//! The floor's rows (the pilot's record files of a replication) agree with the
//! replication's record, and writing them down changes nothing.

use std::sync::{Arc, Mutex};

use navbat_engine::{
    FloorRow, Model, RowExporter, Simulation, TicketChannel, TicketOutcome, TicketRow,
};

use crate::{pilot, shortened};

/// Runs replication `r` of `model` keeping its rows.
fn rows_of(model: &Arc<Model>, r: u32) -> (navbat_record::ReplicationRecord, Vec<FloorRow>) {
    let rows: Arc<Mutex<Vec<FloorRow>>> = Arc::default();
    let sink = rows.clone();
    let export: RowExporter = Box::new(move |row| sink.lock().expect("not poisoned").push(*row));
    let record = Simulation::new(model.clone(), 3, r).with_rows(export).finish();
    let rows = std::mem::take(&mut *rows.lock().expect("not poisoned"));
    (record, rows)
}

#[test]
fn rows_change_no_record_and_add_up_to_the_sites_counts() {
    let model = shortened(pilot(), 30);
    let plain = Simulation::new(model.clone(), 3, 1).finish();
    let (record, rows) = rows_of(&model, 1);
    assert_eq!(format!("{plain:?}"), format!("{record:?}"), "rows changed the record");
    let tickets: Vec<&TicketRow> = rows
        .iter()
        .filter_map(|r| match r {
            FloorRow::Ticket(t) => Some(t),
            _ => None,
        })
        .collect();
    assert!(tickets.len() > 1_000, "{} tickets", tickets.len());
    // A person who comes back keeps their ticket number: the first ticket of a number
    // tells whether its visits count (first visit after the warm-up).
    let mut first_issued = std::collections::BTreeMap::new();
    let request = |t: &TicketRow| match t.number {
        navbat_engine::TicketNumber::Return(n, _) | navbat_engine::TicketNumber::SentOn(n, _) => {
            navbat_engine::TicketNumber::Request(n)
        }
        other => other,
    };
    for t in &tickets {
        let first = first_issued.entry((t.site, request(t))).or_insert(t.issued);
        *first = (*first).min(t.issued);
    }
    for (s, site) in record.sites.iter().enumerate() {
        // Counted in the record: requests first issued from the end of the warm-up on
        // (pickup visits are tallied apart).
        let counted = |outcome: TicketOutcome, channels: &[TicketChannel]| {
            tickets
                .iter()
                .filter(|t| {
                    t.site == s
                        && first_issued[&(t.site, request(t))] >= model.warm_up_end
                        && t.outcome == outcome
                        && channels.contains(&t.channel)
                })
                .count() as u64
        };
        let floor = [TicketChannel::Counter, TicketChannel::Kiosk];
        assert_eq!(counted(TicketOutcome::Served, &floor), site.served, "{}", site.site);
        let at_kiosks = counted(TicketOutcome::Served, &[TicketChannel::Kiosk]);
        assert_eq!(at_kiosks, site.served_kiosk, "{}", site.site);
        assert_eq!(counted(TicketOutcome::Balked, &floor), site.balked, "{}", site.site);
        let abandoned = counted(TicketOutcome::Abandoned, &floor);
        assert_eq!(abandoned, site.reneged + site.unserved, "{}", site.site);
        assert_eq!(counted(TicketOutcome::SentHome, &floor), site.sent_home, "{}", site.site);
        let portal = counted(TicketOutcome::Redirected, &[TicketChannel::Portal]);
        assert_eq!(portal, site.portal, "{}", site.site);
        // Every kiosk goes down before it comes up, and alternates.
        let mut kiosks = std::collections::BTreeMap::new();
        for r in &rows {
            if let FloorRow::Kiosk(k) = r
                && k.site == s
            {
                let was_up = kiosks.insert(k.kiosk, k.up).unwrap_or(true);
                assert_ne!(
                    was_up, k.up,
                    "{}: kiosk {} changed to the state it had",
                    site.site, k.kiosk
                );
            }
        }
        // A counter's stays on duty follow one another without overlap.
        let mut last_to = std::collections::BTreeMap::new();
        for r in &rows {
            if let FloorRow::Duty(d) = r
                && d.site == s
            {
                assert!(d.from <= d.to, "{d:?}");
                let before = last_to.insert(d.counter, d.to).unwrap_or(d.from);
                assert!(before <= d.from, "{d:?} overlaps the stay before");
            }
        }
    }
    // A kiosk that sends its person on to a counter ends the visit's kiosk ticket; the
    // counter line issues a ticket at that instant, and only then.
    let visit = |t: &TicketRow| match t.number {
        navbat_engine::TicketNumber::Request(n) => Some((t.site, n, 0)),
        navbat_engine::TicketNumber::Return(n, v) | navbat_engine::TicketNumber::SentOn(n, v) => {
            Some((t.site, n, v))
        }
        navbat_engine::TicketNumber::Pickup(_) => None,
    };
    let mut sent_on = std::collections::BTreeMap::new();
    for t in &tickets {
        if let navbat_engine::TicketNumber::SentOn(..) = t.number {
            assert_eq!(t.channel, TicketChannel::Counter, "{t:?}");
            let again = sent_on.insert(visit(t), *t);
            assert!(again.is_none(), "two counter tickets for one kiosk session: {t:?}");
        }
    }
    let mut redirected_sessions = 0;
    for t in tickets.iter().filter(|t| t.channel == TicketChannel::Kiosk) {
        if t.outcome != TicketOutcome::Redirected {
            continue;
        }
        // After a session at a kiosk, or from the kiosk line when no kiosk could serve.
        let then = sent_on.remove(&visit(t));
        if let Some(then) = then {
            assert_eq!(then.issued, t.finished, "{t:?} then {then:?}");
            assert_eq!((then.service, then.segment), (t.service, t.segment));
        }
        if let Some(started) = t.started {
            redirected_sessions += 1;
            assert!(then.is_some(), "no counter ticket after {t:?}");
            assert!(t.issued <= started && started <= t.finished, "{t:?}");
            assert!(t.desk.is_some(), "{t:?}");
        }
    }
    assert!(redirected_sessions > 100, "{redirected_sessions} kiosk sessions sent on");
    assert!(sent_on.is_empty(), "counter tickets with no kiosk session: {sent_on:?}");
    let served_with_times = tickets.iter().filter(|t| t.outcome == TicketOutcome::Served);
    for t in served_with_times {
        let started = t.started.expect("a served ticket has a start");
        assert!(t.issued <= started && started <= t.finished, "{t:?}");
        assert!(t.desk.is_some(), "{t:?}");
    }
}

#[test]
fn rows_are_the_same_run_after_run() {
    let model = shortened(pilot(), 10);
    assert_eq!(rows_of(&model, 0).1, rows_of(&model, 0).1);
}
