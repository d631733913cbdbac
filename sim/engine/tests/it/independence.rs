//! Sites independent of each other: editing, removing or adding one site leaves every other
//! site's record identical bit for bit, with Face-ID and case workflows on.
//!
//! The one coupling left is the back office, which the pilot's sites share: a case from one
//! site may wait behind another site's, and its pickup visit comes back later. The test
//! staffs every back-office team amply, so no case ever waits for an officer and the shared
//! teams couple nothing, and takes the national 1:N service's capacity away (searches
//! never wait); with the pilot's own teams, back-office waits and pickup visits do
//! depend on every site's cases (documented in ARCHITECTURE.md).

use navbat_engine::{Model, Simulation, only_sites};
use navbat_record::ReplicationRecord;
use navbat_scenario::Scenario;

use crate::pilot;

/// The pilot (everything on) over three weeks, with back-office teams no case waits for.
fn base() -> Scenario {
    let mut s = pilot();
    if let Some(w) = s.workflows.as_mut() {
        for team in &mut w.teams {
            team.officers = 200;
        }
    }
    // The national 1:N service is shared too: without a capacity no search waits.
    if let Some(f) = s.face_id.as_mut() {
        f.searches_per_second = None;
    }
    s.end = s.start.checked_add(jiff::Span::new().days(20)).expect("date in range");
    s
}

/// One replication's record of `s`, as JSON per site id: the site's record, its breakdown
/// rows and its Face-ID rows.
fn by_site(s: Scenario) -> Vec<(String, String)> {
    let record: ReplicationRecord = Simulation::new(Model::new(s), 11, 2).finish();
    record
        .sites
        .iter()
        .map(|r| {
            let rows: Vec<_> = record.breakdown.iter().filter(|b| b.site == r.site).collect();
            let face: Vec<_> = record.face.iter().filter(|f| f.site == r.site).collect();
            let json = serde_json::to_string(&(r, rows, face)).expect("serialise");
            (r.site.clone(), json)
        })
        .collect()
}

/// Every site of `edited` that `changed` does not name has the record it has in `base`.
fn check(base: &[(String, String)], edited: &[(String, String)], changed: &str) -> usize {
    let mut compared = 0;
    for (site, json) in edited {
        if site == changed {
            continue;
        }
        let before = base.iter().find(|(s, _)| s == site).map(|(_, j)| j);
        assert_eq!(before, Some(json), "site {site} changed when {changed} was edited");
        compared += 1;
    }
    compared
}

#[test]
fn editing_removing_or_adding_a_site_leaves_the_others_as_they_were() {
    let s = base();
    let n = s.sites.len();
    assert!(n >= 3, "the pilot has {n} sites");
    let before = by_site(s.clone());
    // The comparison means something only if people were served, matched and cases decided.
    let record: ReplicationRecord = Simulation::new(Model::new(s.clone()), 11, 2).finish();
    assert!(record.sites.iter().all(|r| r.served > 100), "every site serves people");
    assert!(record.face.iter().map(|f| f.attempts).sum::<u64>() > 100);
    assert!(record.sites.iter().map(|r| r.audit_verified).sum::<u64>() > 100);

    // Edit: one more officer in the first counter group of the second site.
    let mut edited = s.clone();
    edited.sites[1].counters[0].count += 1;
    let edited_id = edited.sites[1].id.clone();
    let after = by_site(edited);
    assert_ne!(after[1], before[1], "the edit must change its own site");
    assert_eq!(check(&before, &after, &edited_id), n - 1);

    // Remove the first site: every other site moves up one place.
    let removed_id = s.sites[0].id.clone();
    let after = by_site(only_sites(&s, &(1..n).collect::<Vec<_>>()));
    assert_eq!(check(&before, &after, &removed_id), n - 1);

    // Add a copy of the last site under a new id, first in the list.
    let mut added = s.clone();
    let mut copy = s.sites[n - 1].clone();
    copy.id = format!("{}-annex", copy.id);
    let added_id = copy.id.clone();
    added.sites.push(copy);
    let order: Vec<usize> = std::iter::once(n).chain(0..n).collect();
    let after = by_site(only_sites(&added, &order));
    assert_eq!(check(&before, &after, &added_id), n);
    // The copy is a site of its own: its people are not the original's.
    let annex = after.iter().find(|(id, _)| *id == added_id).map(|(_, j)| j);
    let original = before.iter().find(|(id, _)| *id == s.sites[n - 1].id).map(|(_, j)| j);
    assert_ne!(
        annex.map(|j| j.replace(&added_id, "")),
        original.map(|j| j.replace(&s.sites[n - 1].id, ""))
    );
}

/// `site_key("urgut")`.
const URGUT: u64 = 18_168_952_840_457_529_720;

#[test]
fn site_keys_are_value_stable_and_apart_in_the_bundled_scenarios() {
    // Fixed forever (the key of a site's streams).
    assert_eq!(navbat_engine::site_key("urgut"), URGUT);
    for rel in ["pilot-2026.ron", "national-2026.ron"] {
        let s = crate::scenario(rel);
        let mut tags: Vec<u64> = s
            .sites
            .iter()
            .map(|x| navbat_engine::person_id(navbat_engine::site_key(&x.id), 0))
            .collect();
        tags.sort_unstable();
        let n = tags.len();
        tags.dedup();
        assert_eq!(tags.len(), n, "{rel}: two sites share a person-id tag");
        assert!(tags.iter().all(|t| t >> 62 == 0), "{rel}: bits 62-63 stay clear");
    }
}
