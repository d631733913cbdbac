//! Shards and `navbat merge`: the merged folder of a run's or a sweep's shards is the folder
//! one machine writes, byte for byte (`run.json` and the manifest included), and shards
//! that do not belong together are refused with the folder and the reason.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::{path, squeeze, stderr, stdout};

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("navbat-shard-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// Runs navbat in `cwd` (so `--out results` names the same words on every side).
fn navbat_in(cwd: &Path, args: &[&str]) -> Output {
    std::fs::create_dir_all(cwd).expect("working folder");
    Command::new(env!("CARGO_BIN_EXE_navbat"))
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("navbat runs")
}

fn ok(o: Output, what: &str) -> Output {
    assert!(o.status.success(), "{what} failed: {}", stderr(&o));
    o
}

/// Asserts that folders `a` and `b` hold the same file names with the same bytes.
fn same_folders(a: &Path, b: &Path) {
    let names = |d: &Path| {
        let mut n: Vec<String> = std::fs::read_dir(d)
            .expect("folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    };
    assert_eq!(names(a), names(b), "{} and {}", a.display(), b.display());
    for name in names(a) {
        let (x, y) = (std::fs::read(a.join(&name)), std::fs::read(b.join(&name)));
        assert!(x.expect("file") == y.expect("file"), "{name} differs");
    }
}

/// The pilot for a week with Face-ID, workflows and its baseline.
fn pilot_args() -> Vec<String> {
    ["run", &path("pilot-2026.ron"), "--set", "horizon.end=2026-05-08", "--baseline"]
        .map(str::to_owned)
        .to_vec()
}

fn args<'a>(base: &'a [String], more: &[&'a str]) -> Vec<&'a str> {
    base.iter().map(String::as_str).chain(more.iter().copied()).collect()
}

/// Shards of the pilot run: (first replication, replications, folder).
fn run_shards(dir: &Path, parts: &[(u32, u32)]) -> Vec<String> {
    let base = pilot_args();
    parts
        .iter()
        .map(|(first, n)| {
            let folder = dir.join(format!("shard-{first}")).display().to_string();
            let (first, n) = (first.to_string(), n.to_string());
            let a = args(&base, &["--first-replication", &first, "--replications", &n]);
            let a: Vec<&str> = a.into_iter().chain(["--out", &folder]).collect();
            ok(navbat_in(dir, &a), "a run shard");
            folder
        })
        .collect()
}

#[test]
fn merged_run_shards_are_the_single_run_byte_for_byte() {
    let dir = scratch("run");
    let base = pilot_args();
    let one = ok(
        navbat_in(&dir.join("one"), &args(&base, &["--replications", "4", "--out", "results"])),
        "the single run",
    );
    let shards = run_shards(&dir, &[(1, 2), (0, 1), (3, 1)]);
    // Given in any order.
    let mut merge: Vec<&str> = vec!["merge"];
    merge.extend(shards.iter().map(String::as_str));
    merge.extend(["--out", "results"]);
    let merged = ok(navbat_in(&dir.join("merged"), &merge), "merge");
    let (a, b) = (dir.join("one/results"), dir.join("merged/results"));
    // The comparison means something only if every table of the run is there.
    for table in ["face.csv", "backoffice.csv", "baseline.csv", "breakdown.csv", "run.json"] {
        assert!(a.join(table).exists(), "{table}");
    }
    same_folders(&a, &b);
    assert_eq!(stdout(&one), stdout(&merged), "the summary table");
    // The report reads the merged folder as it reads a run's.
    let report = dir.join("report").display().to_string();
    ok(super::navbat(&["report", &b.display().to_string(), "--out", &report]), "report");
    // A shard folder is not a results folder, and a results folder is not a shard.
    let o = super::navbat(&["report", &shards[0], "--out", &report]);
    assert!(!o.status.success());
    assert!(squeeze(&stderr(&o)).contains(&squeeze("navbat merge")), "{}", stderr(&o));
    let o = super::navbat(&["merge", &a.display().to_string(), "--out", &report]);
    assert!(!o.status.success());
    assert!(squeeze(&stderr(&o)).contains(&squeeze("no shard.json")), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn run_shards_that_miss_or_repeat_a_replication_are_refused() {
    let dir = scratch("run-gaps");
    let shards = run_shards(&dir, &[(0, 2), (1, 2), (4, 1)]);
    let out = dir.join("merged").display().to_string();
    let merge = |picked: &[&String]| {
        let mut a: Vec<&str> = vec!["merge"];
        a.extend(picked.iter().map(|s| s.as_str()));
        a.extend(["--out", &out]);
        super::navbat(&a)
    };
    let o = merge(&[&shards[0], &shards[1]]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        squeeze(&e).contains(&squeeze("replication 1 is in two shards"))
            && squeeze(&e).contains(&squeeze("shard-1")),
        "{e}"
    );
    let o = merge(&[&shards[0], &shards[2]]);
    let e = stderr(&o);
    assert!(
        squeeze(&e).contains(&squeeze("replications 2 to 3 are in no shard"))
            && squeeze(&e).contains(&squeeze("shard-4")),
        "{e}"
    );
    let o = merge(&[&shards[2]]);
    assert!(
        squeeze(&stderr(&o)).contains(&squeeze("replications 0 to 3 are in no shard")),
        "{}",
        stderr(&o)
    );
    // A changed table is caught by the manifest, and named.
    let table = Path::new(&shards[0]).join("replications.csv");
    let mut text = std::fs::read_to_string(&table).expect("table");
    text.push('\n');
    std::fs::write(&table, text).expect("change the table");
    let o = merge(&[&shards[0]]);
    let e = stderr(&o);
    assert!(
        squeeze(&e).contains(&squeeze("not a complete, unchanged"))
            && squeeze(&e).contains(&squeeze("shard-0/replications.csv")),
        "{e}"
    );
    assert!(!Path::new(&out).exists(), "nothing is written when a merge fails");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A sweep over kiosks and officers with baselines (two points share one).
fn sweep_file(dir: &Path, seed: u32) -> String {
    let file = dir.join(format!("sweep-{seed}.ron"));
    std::fs::write(
        &file,
        format!(
            r#"Sweep(scenario: "{}", replications: 3, seed: {seed}, baseline: true,
               axes: [(path: "sites.*.kiosks.k.count", values: [1, 2]),
                      (path: "sites.urgut.counters.general.count", values: [3, 4]),
                      (path: "horizon.end", values: ["2026-05-08"])])"#,
            path("pilot-2026.ron")
        ),
    )
    .expect("sweep file");
    file.display().to_string()
}

fn sweep_shards(dir: &Path, sweep: &str, count: u32) -> Vec<String> {
    (0..count)
        .map(|i| {
            let folder = dir.join(format!("shard-{i}-of-{count}")).display().to_string();
            let shard = format!("{i}/{count}");
            ok(navbat_in(dir, &["sweep", sweep, "--shard", &shard, "--out", &folder]), "shard");
            folder
        })
        .collect()
}

#[test]
fn merged_sweep_shards_are_the_single_sweep_byte_for_byte() {
    let dir = scratch("sweep");
    let sweep = sweep_file(&dir, 5);
    let one = ok(navbat_in(&dir, &["sweep", &sweep, "--out", "one"]), "the single sweep");
    // 4 points and 3 baselines of 3 replications: 21 evaluations over 4 shards.
    let mut shards = sweep_shards(&dir, &sweep, 4);
    shards.reverse();
    let mut merge: Vec<&str> = vec!["merge"];
    merge.extend(shards.iter().map(String::as_str));
    merge.extend(["--out", "merged"]);
    let merged = ok(navbat_in(&dir, &merge), "merge");
    same_folders(&dir.join("one"), &dir.join("merged"));
    assert_eq!(stdout(&one), stdout(&merged), "the sweep table");
    // Every row of a shard names its point (or baseline) and replication.
    let table = std::fs::read_to_string(dir.join(&shards[0]).join("sweep.csv")).expect("table");
    assert!(table.starts_with("point,sites.*.kiosks.k.count,"), "{table}");
    assert!(table.lines().next().is_some_and(|h| h.contains(",replication,site,")), "{table}");

    // Missing, repeated and foreign shards are refused, naming what is wrong.
    let out = dir.join("refused").display().to_string();
    let merge = |picked: &[&str]| {
        let mut a: Vec<&str> = vec!["merge"];
        a.extend(picked);
        a.extend(["--out", &out]);
        super::navbat(&a)
    };
    let o = merge(&[&shards[0], &shards[1]]);
    assert!(
        squeeze(&stderr(&o)).contains(&squeeze("2 of 4 shards missing: 0/4, 1/4")),
        "{}",
        stderr(&o)
    );
    let o = merge(&[&shards[0], &shards[1], &shards[2], &shards[3], &shards[3]]);
    assert!(squeeze(&stderr(&o)).contains(&squeeze("shard 0/4 given twice")), "{}", stderr(&o));
    let elsewhere = dir.join("other");
    std::fs::create_dir_all(&elsewhere).expect("folder");
    let other = sweep_shards(&elsewhere, &sweep_file(&elsewhere, 6), 4);
    let o = merge(&[&shards[0], &shards[1], &shards[2], &other[0]]);
    let e = stderr(&o);
    assert!(
        squeeze(&e).contains(&squeeze("seed 6, but"))
            || squeeze(&e).contains(&squeeze("seed 5, but")),
        "{e}"
    );
    assert!(!Path::new(&out).exists());
    let _ = std::fs::remove_dir_all(&dir);
}
