//! Golden pins of the engine's output: the SHA-256 of every file a set of runs writes.
//!
//! Every run here is seeded, so its records are the same bytes on every machine and with any
//! thread count. A change of output is a decision: when one of these hashes moves, either the
//! change was not meant (a bug to find) or it was, and the commit that refreshes the pins with
//! `NAVBAT_BLESS=1 cargo test -p navbat --test it pins` says which outputs change and why.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{navbat, path, stderr};

/// The pin file, one `case/file sha256` line per output.
fn pin_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/pins.txt")
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Runs `navbat args… [--out DIR]` and adds the hashes of its standard output and of every
/// file it wrote (but `run.json` and the manifest, which depend on the paths) to `pins`.
fn pin(pins: &mut BTreeMap<String, String>, case: &str, args: &[&str], out_dir: bool) {
    let dir = std::env::temp_dir().join(format!("navbat-pins-{}-{case}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let dir_arg = dir.display().to_string();
    let mut all: Vec<&str> = args.to_vec();
    if out_dir {
        all.extend(["--out", &dir_arg]);
    }
    let o = navbat(&all);
    assert!(o.status.success(), "{case}: navbat {all:?} failed: {}", stderr(&o));
    pins.insert(format!("{case}/stdout"), sha256(&o.stdout));
    if out_dir {
        // run.json names the command and the scenario's path, and the manifest holds
        // run.json's hash: both differ from machine to machine.
        pin_folder(pins, case, &dir, &["run.json", "manifest.sha256"]);
    }
}

/// Adds the hashes of every file in `dir` but those named in `skip` to `pins` as
/// `prefix/name`, then removes `dir`.
fn pin_folder(pins: &mut BTreeMap<String, String>, prefix: &str, dir: &Path, skip: &[&str]) {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir).expect("folder").map(|e| e.expect("entry").path()).collect();
    files.sort();
    for file in files {
        let name = file.file_name().expect("name").to_string_lossy().into_owned();
        if skip.contains(&name.as_str()) {
            continue;
        }
        let bytes = std::fs::read(&file).expect("output file");
        pins.insert(format!("{prefix}/{name}"), sha256(&bytes));
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn engine_output_matches_its_pins() {
    let pilot = path("pilot-2026.ron");
    let national = path("national-2026.ron");
    let log = std::env::temp_dir().join(format!("navbat-pins-{}-cases.xes", std::process::id()));
    let log_arg = log.display().to_string();
    let mut pins = BTreeMap::new();
    // Three weeks of the pilot with everything on: Face-ID, workflows, assistance, the
    // baseline without kiosks, the expansion experiment and the case event log.
    pin(
        &mut pins,
        "pilot-3-weeks",
        &[
            "run",
            &pilot,
            "--set",
            "horizon.end=2026-05-21",
            "--replications",
            "2",
            "--baseline",
            "--expansion",
            "--max-kiosks",
            "1",
            "--expansion-replications",
            "1",
            "--event-log",
            &log_arg,
            "--json",
        ],
        true,
    );
    let xes = std::fs::read(&log).expect("event log");
    pins.insert("pilot-3-weeks/cases.xes".to_owned(), sha256(&xes));
    let _ = std::fs::remove_file(&log);
    let heads = log.with_extension("heads.csv");
    let heads_bytes = std::fs::read(&heads).expect("the event log's heads file");
    pins.insert("pilot-3-weeks/cases.heads.csv".to_owned(), sha256(&heads_bytes));
    let _ = std::fs::remove_file(&heads);
    // The app's least-loaded routing moves people between the Samarkand sites; its first
    // replication's record files are pinned too.
    let records = std::env::temp_dir().join(format!("navbat-pins-{}-records", std::process::id()));
    let _ = std::fs::remove_dir_all(&records);
    let records_arg = records.display().to_string();
    pin(
        &mut pins,
        "pilot-routing",
        &[
            "run",
            &pilot,
            "--set",
            "horizon.end=2026-05-14",
            "--set",
            r#"routing={"app_share":0.3,"radius_km":40,"km_per_hour":30}"#,
            "--replications",
            "2",
            "--records",
            &records_arg,
            "--json",
        ],
        true,
    );
    pin_folder(&mut pins, "pilot-routing/records", &records, &[]);
    for model in ["mm1", "mmc", "mmck", "mg1"] {
        let scenario = path(&format!("validation/{model}.ron"));
        pin(&mut pins, model, &["run", &scenario, "--replications", "3", "--json"], true);
    }
    pin(
        &mut pins,
        "queue",
        &[
            "queue",
            "--arrivals-per-hour",
            "54",
            "--service-minutes",
            "5",
            "--servers",
            "5",
            "--customers",
            "50000",
            "--json",
        ],
        false,
    );
    pin(
        &mut pins,
        "queue-gamma",
        &[
            "queue",
            "--arrivals-per-hour",
            "20",
            "--service-minutes",
            "8",
            "--servers",
            "3",
            "--service-cv",
            "0.5",
            "--customers",
            "20000",
            "--json",
        ],
        false,
    );
    // Every district unit of the country for its first week.
    pin(
        &mut pins,
        "national-week",
        &[
            "run",
            &national,
            "--set",
            "horizon.end=2026-05-08",
            "--set",
            "horizon.warm_up_days=1",
            "--replications",
            "1",
            "--json",
        ],
        true,
    );

    // A sweep over kiosks and officers with baselines (two points share one): its table.
    let dir = std::env::temp_dir().join(format!("navbat-pins-{}-sweep", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("sweep folder");
    let sweep = dir.join("s.ron");
    std::fs::write(
        &sweep,
        format!(
            r#"Sweep(scenario: "{pilot}", replications: 2, seed: 5, baseline: true,
               axes: [(path: "sites.*.kiosks.k.count", values: [1, 2]),
                      (path: "sites.urgut.counters.general.count", values: [3, 4]),
                      (path: "horizon.end", values: ["2026-05-12"])])"#
        ),
    )
    .expect("sweep file");
    let out = dir.join("out");
    let o = navbat(&["sweep", &sweep.display().to_string(), "--out", &out.display().to_string()]);
    assert!(o.status.success(), "sweep failed: {}", stderr(&o));
    let table = std::fs::read(out.join("sweep.csv")).expect("sweep.csv");
    pins.insert("sweep/sweep.csv".to_owned(), sha256(&table));
    let _ = std::fs::remove_dir_all(&dir);

    let text: String = pins.iter().map(|(k, v)| format!("{k} {v}\n")).collect();
    if std::env::var_os("NAVBAT_BLESS").is_some() {
        std::fs::write(pin_file(), &text).expect("write pins");
        return;
    }
    let saved = std::fs::read_to_string(pin_file()).unwrap_or_default();
    let saved: BTreeMap<&str, &str> = saved.lines().filter_map(|l| l.split_once(' ')).collect();
    let mut changed = Vec::new();
    for (k, v) in &pins {
        match saved.get(k.as_str()) {
            Some(old) if old == v => {}
            Some(_) => changed.push(format!("changed: {k}")),
            None => changed.push(format!("new:     {k}")),
        }
    }
    for k in saved.keys() {
        if !pins.contains_key(*k) {
            changed.push(format!("gone:    {k}"));
        }
    }
    assert!(
        changed.is_empty(),
        "the engine's output moved from its pins:\n  {}\nIf the change is meant, refresh them with \
         `NAVBAT_BLESS=1 cargo test -p navbat --test it pins` and say in the commit which \
         outputs change and why.",
        changed.join("\n  ")
    );
}
