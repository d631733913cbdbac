//! The expansion proposal by ranking and selection: one kiosk count selected per candidate
//! site by KN++ with common random numbers, its settings recorded, and its confirmation run
//! on replications the selection never used.

use navbat_record::{ExpansionRow, SelectionRow};

use super::{navbat, path, stderr};

fn rows<T: serde::de::DeserializeOwned>(file: &std::path::Path) -> Vec<T> {
    let mut r = csv::Reader::from_path(file).expect("csv");
    r.deserialize().collect::<Result<_, _>>().expect("rows")
}

#[test]
fn selection_picks_one_count_per_candidate_and_confirms_it_on_fresh_replications() {
    let dir = std::env::temp_dir().join(format!("navbat-select-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let d = dir.display().to_string();
    let o = navbat(&[
        "run",
        &path("pilot-2026.ron"),
        "--set",
        "horizon.end=2026-05-21",
        "--replications",
        "2",
        "--expansion",
        "--max-kiosks",
        "2",
        "--expansion-replications",
        "1",
        "--select-first-stage",
        "3",
        "--confirm-replications",
        "2",
        "--indifference",
        "5000000",
        "--out",
        &d,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let plans: Vec<SelectionRow> = rows(&dir.join("selection.csv"));
    let fresh: Vec<ExpansionRow> = rows(&dir.join("confirmation.csv"));
    let sites = ["samarkand-city", "pastdargom", "samarkand-mall", "registan"];
    for site in sites {
        let mine: Vec<&SelectionRow> = plans.iter().filter(|p| p.site == site).collect();
        assert_eq!(mine.len(), 3, "{site}: counts 0, 1, 2");
        assert_eq!(mine.iter().filter(|p| p.selected).count(), 1, "{site}");
        // Four sites at a joint 0.95: 1 − 0.05/4 each.
        assert!(mine.iter().all(|p| (p.pcs - 0.9875).abs() < 1e-12 && p.indifference == 5e6));
        let best = mine.iter().find(|p| p.selected).expect("selected");
        assert!(mine.iter().all(|p| p.replications >= 3 && p.replications <= 50));
        assert!(
            mine.iter().filter(|p| !p.selected).all(|p| p.eliminated_after.is_some() || p.capped),
            "{site}: every other count was eliminated unless capped"
        );
        let used = mine.iter().map(|p| p.replications).max().expect("plans");
        let confirm: Vec<&ExpansionRow> = fresh.iter().filter(|r| r.site == site).collect();
        assert!(!confirm.is_empty(), "{site}");
        assert!(confirm.iter().all(|r| r.replication >= used), "{site}: fresh replications");
        assert!(confirm.iter().all(|r| r.kiosks == 0 || r.kiosks == best.kiosks));
        let reps: std::collections::BTreeSet<u32> = confirm.iter().map(|r| r.replication).collect();
        assert_eq!(reps.len(), 2, "{site}");
    }
    std::fs::remove_dir_all(&dir).expect("clean up");
}
