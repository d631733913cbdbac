//! Arrivals replayed from records: a site whose arrivals are replayed gets exactly those
//! arrivals (time, service, segment, channel) and draws everything else as usual.

use std::sync::{Arc, Mutex};

use navbat_engine::{FloorRow, Model, Replayed, RowExporter, Simulation, TicketNumber, TicketRow};

use crate::floor_only;

fn tickets(model: &Arc<Model>, seed: u64) -> Vec<TicketRow> {
    let rows: Arc<Mutex<Vec<TicketRow>>> = Arc::default();
    let sink = rows.clone();
    let export: RowExporter = Box::new(move |row| {
        if let FloorRow::Ticket(t) = row {
            sink.lock().expect("not poisoned").push(*t);
        }
    });
    let _ = Simulation::new(model.clone(), seed, 0).with_rows(export).finish();
    std::mem::take(&mut *rows.lock().expect("not poisoned"))
}

/// First visits of site `site`: (issued, service, segment, channel), in ticket order.
fn first_visits(rows: &[TicketRow], site: usize) -> Vec<Replayed> {
    rows.iter()
        .filter(|t| t.site == site && matches!(t.number, TicketNumber::Request(_)))
        .map(|t| Replayed {
            at: t.issued,
            service: t.service,
            segment: Some(t.segment),
            channel: Some(t.channel),
        })
        .collect()
}

#[test]
fn a_replayed_site_gets_exactly_the_arrivals_it_was_given() {
    let mut scenario = floor_only();
    scenario.end = scenario.start.checked_add(jiff::Span::new().days(13)).expect("in range");
    let drawn = Model::new(scenario.clone());
    let source = tickets(&drawn, 3);
    let mut given = first_visits(&source, 0);
    assert!(given.len() > 500, "{} arrivals", given.len());
    // Given out of order and with one arrival after the horizon: sorted, and that one left
    // out and counted.
    given.reverse();
    let late = Replayed { at: drawn.end, ..given[0] };
    given.push(late);
    let mut replay = vec![None; scenario.sites.len()];
    replay[0] = Some(given.clone());
    let (model, left_out) = Model::replaying(scenario, replay);
    assert_eq!(left_out, 1);
    // Another seed: the arrivals are the records', the rest is drawn afresh.
    let replayed = tickets(&model, 99);
    let mut want = given[..given.len() - 1].to_vec();
    want.sort_by_key(|r| r.at);
    let mut got = first_visits(&replayed, 0);
    got.sort_by_key(|r| (r.at, r.service, r.segment));
    want.sort_by_key(|r| (r.at, r.service, r.segment));
    assert_eq!(got.len(), want.len());
    let mut same_channel = 0;
    for (g, w) in got.iter().zip(&want) {
        assert_eq!((g.at, g.service, g.segment), (w.at, w.service, w.segment));
        // A ticket's channel is where it left from: someone who chose a kiosk and was sent
        // to a counter (a kiosk that failed them) leaves from the counter; the portal is
        // never left.
        if w.channel == Some(navbat_engine::TicketChannel::Portal) {
            assert_eq!(g.channel, w.channel);
        }
        same_channel += usize::from(g.channel == w.channel);
    }
    assert!(same_channel * 10 >= got.len() * 9, "{same_channel} of {}", got.len());
    // The officers' times were drawn again: the waits differ from the source run's.
    let waits = |rows: &[TicketRow]| -> Vec<i64> {
        rows.iter()
            .filter(|t| t.site == 0)
            .filter_map(|t| t.started.map(|s| s.0 - t.issued.0))
            .collect()
    };
    assert_ne!(waits(&source), waits(&replayed));
}

#[test]
fn an_empty_replay_means_no_arrival_at_that_site() {
    let mut scenario = floor_only();
    scenario.end = scenario.start.checked_add(jiff::Span::new().days(6)).expect("in range");
    let mut replay = vec![None; scenario.sites.len()];
    replay[1] = Some(Vec::new());
    let (model, left_out) = Model::replaying(scenario, replay);
    assert_eq!(left_out, 0);
    let rows = tickets(&model, 1);
    assert!(!rows.iter().any(|t| t.site == 1), "site 1 had arrivals");
    assert!(rows.iter().any(|t| t.site == 0), "site 0 is drawn as usual");
}
