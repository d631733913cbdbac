//! `navbat run --records DIR`: the pilot's record files of one replication, read back in
//! strict mode, the same for any thread count, and no change to the run's results.

use std::path::Path;

use navbat_records::{Channel, KioskEvent, Log, Outcome, ReadOptions, RosterShift, Ticket};

use crate::{navbat, path, stderr, stdout};

/// A month of the pilot: kiosks that break down, balking, reneging, the portal, pickups.
fn pilot_month<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args =
        vec!["run", "--set", "horizon.end=\"2026-05-31\"", "--replications", "2", "--json"];
    args.extend_from_slice(extra);
    args
}

fn run_ok(args: &[&str]) -> String {
    let scenario = path("pilot-2026.ron");
    let mut all: Vec<&str> = vec![args[0], &scenario];
    all.extend_from_slice(&args[1..]);
    let o = navbat(&all);
    assert!(o.status.success(), "{all:?}: {}", stderr(&o));
    stdout(&o)
}

fn read<T: navbat_records::Record>(file: &Path) -> Vec<T> {
    Log::<T>::read(file, ReadOptions::strict())
        .unwrap_or_else(|e| panic!("{}: {e}", file.display()))
        .rows
}

#[test]
fn records_read_back_strictly_and_change_no_result() {
    let dir = tempfile_dir("records-strict");
    let d = dir.display().to_string();
    let without = run_ok(&pilot_month(&[]));
    let with = run_ok(&pilot_month(&["--records", &d, "--records-replication", "1"]));
    assert_eq!(without, with, "--records changed the results");
    let tickets: Vec<Ticket> = read(&dir.join("tickets.csv"));
    let kiosks: Vec<KioskEvent> = read(&dir.join("kiosks.csv"));
    let roster: Vec<RosterShift> = read(&dir.join("roster.csv"));
    assert!(tickets.len() > 1_000, "{} tickets", tickets.len());
    assert!(!roster.is_empty());
    let has = |c: Channel, o: Outcome| tickets.iter().any(|t| t.channel == c && t.outcome == o);
    assert!(has(Channel::Counter, Outcome::Served));
    assert!(has(Channel::Kiosk, Outcome::Served));
    assert!(has(Channel::Portal, Outcome::Redirected));
    assert!(tickets.iter().any(|t| t.outcome == Outcome::Abandoned));
    // The pilot's kiosks fail by component; every breakdown names one.
    let parts = ["camera", "payment", "printer", "device"];
    for k in kiosks.iter().filter(|k| k.state == navbat_records::KioskState::Down) {
        assert!(k.component.as_deref().is_some_and(|c| parts.contains(&c)), "{k:?}");
    }
    // Desks in the ticket log are desks of the roster or kiosks.
    let served_at_counters: Vec<&Ticket> = tickets
        .iter()
        .filter(|t| t.channel == Channel::Counter && t.outcome == Outcome::Served)
        .collect();
    for t in served_at_counters.iter().take(100) {
        let desk = t.desk.as_deref();
        assert!(roster.iter().any(|r| r.site == t.site && Some(r.desk.as_str()) == desk), "{t:?}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn records_are_the_same_for_one_and_two_threads_and_gzip_holds_the_same_rows() {
    let (one, two) = (tempfile_dir("records-t1"), tempfile_dir("records-t2"));
    let gz = tempfile_dir("records-gz");
    let (a, b, g) =
        (one.display().to_string(), two.display().to_string(), gz.display().to_string());
    run_ok(&pilot_month(&["--records", &a, "--threads", "1"]));
    run_ok(&pilot_month(&["--records", &b, "--threads", "2"]));
    run_ok(&pilot_month(&["--records", &g, "--records-gzip"]));
    for file in ["tickets.csv", "kiosks.csv", "roster.csv"] {
        let x = std::fs::read(one.join(file)).expect("written");
        let y = std::fs::read(two.join(file)).expect("written");
        assert!(x == y, "{file} differs between 1 and 2 threads");
    }
    let plain: Vec<Ticket> = read(&one.join("tickets.csv"));
    let zipped: Vec<Ticket> = read(&gz.join("tickets.csv.gz"));
    assert_eq!(plain, zipped);
    for d in [one, two, gz] {
        std::fs::remove_dir_all(d).ok();
    }
}

#[test]
fn records_refuse_a_folder_holding_other_files_and_a_replication_not_run() {
    let dir = tempfile_dir("records-refuse");
    std::fs::create_dir_all(&dir).expect("made");
    std::fs::write(dir.join("notes.txt"), "mine").expect("written");
    let d = dir.display().to_string();
    let scenario = path("validation/mm1.ron");
    let o = navbat(&["run", &scenario, "--replications", "1", "--records", &d]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("notes.txt"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(dir.join("notes.txt")).expect("kept"), "mine");
    let fresh = dir.join("fresh").display().to_string();
    let o = navbat(&[
        "run",
        &scenario,
        "--replications",
        "2",
        "--records",
        &fresh,
        "--records-replication",
        "2",
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--records-replication 2"), "{}", stderr(&o));
    std::fs::remove_dir_all(&dir).ok();
}

/// A fresh folder name under the target's temporary folder.
fn tempfile_dir(name: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::remove_dir_all(&dir).ok();
    dir
}
