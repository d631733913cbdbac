//! Faithful measures: navbat's seven distances equal `log-distance-measures` 2.2.0's within
//! 1e-6 on a pair of small logs with start/complete pairs, loops, mixed UTC offsets, unequal
//! sizes and a start never completed. The Python side runs in the venv `run.sh` makes
//! (`NAVBAT_LDM_VENV`); without it the test says so and checks nothing, unless
//! `NAVBAT_LDM_REQUIRED=1` (as `scripts/test.sh` sets), when a missing venv fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use navbat_discover::{
    EventLog, Lifecycle, LogCase, LogEvent, Stamp, all_measures, read_xes, write_xes,
};

/// A small deterministic generator (PCG-style LCG), so that the logs are fixed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 =
            self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// `cases` cases over two weeks from 2011-10-24 (a DST change in Europe on the 30th: offsets
/// +02:00 then +01:00), activities A–F with loops; each instance a start and a complete
/// (some complete only), never two instants equal within a case.
fn make_log(seed: u64, cases: usize, bias: u64) -> EventLog {
    let mut rng = Lcg(seed);
    let mut log = EventLog::new();
    let names = ["A", "B", "C", "D", "E", "F"];
    let ids: Vec<u32> = names.iter().map(|n| log.activity_id(n)).collect();
    let base = 1_319_414_400_000i64; // 2011-10-24T00:00:00Z
    for c in 0..cases {
        let mut t = base + (rng.next(14 * 24 * 60) as i64) * 60_000 + (rng.next(60_000) as i64);
        let mut events = Vec::new();
        let len = 2 + rng.next(5 + bias) as usize;
        for k in 0..len {
            let a = if k == 0 { ids[0] } else { ids[(rng.next(5) + 1 + bias % 2) as usize % 6] };
            let stamp = |t: i64| Stamp {
                utc_ms: t,
                offset_s: if t < 1_319_936_400_000 { 7200 } else { 3600 },
            };
            let with_start = rng.next(4) != 0;
            if with_start {
                events.push(LogEvent {
                    activity: a,
                    lifecycle: Lifecycle::Start,
                    time: stamp(t),
                    resource: None,
                });
                t += 60_000 + rng.next(3 * 3_600_000) as i64;
            }
            events.push(LogEvent {
                activity: a,
                lifecycle: Lifecycle::Complete,
                time: stamp(t),
                resource: None,
            });
            t += 1_000 + rng.next(20 * 3_600_000 + bias * 3_600_000) as i64;
        }
        if c % 7 == 3 {
            // A start never completed: left out on both sides.
            events.push(LogEvent {
                activity: ids[5],
                lifecycle: Lifecycle::Start,
                time: Stamp { utc_ms: t, offset_s: 3600 },
                resource: None,
            });
        }
        log.cases.push(LogCase { id: format!("case-{seed}-{c}"), attributes: vec![], events });
    }
    log
}

fn venv_python() -> Option<PathBuf> {
    let venv = std::env::var_os("NAVBAT_LDM_VENV").map(PathBuf::from).or_else(|| {
        std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/navbat-ldm-venv"))
    })?;
    let py = venv.join("bin/python");
    py.exists().then_some(py)
}

#[test]
fn ldm_measures_agree_with_the_python_package() {
    let required = std::env::var("NAVBAT_LDM_REQUIRED").is_ok_and(|v| v == "1");
    let Some(python) = venv_python() else {
        assert!(
            !required,
            "NAVBAT_LDM_REQUIRED=1 but no venv: run sim/discover/tests/ldm/setup.sh"
        );
        eprintln!(
            "SKIP: no log-distance-measures venv (sim/discover/tests/ldm/setup.sh makes one)"
        );
        return;
    };
    let dir = std::env::temp_dir().join(format!("navbat-ldm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (pa, pb) = (dir.join("real.xes"), dir.join("sim.xes"));
    write_xes(&make_log(11, 40, 0), &pa).unwrap();
    write_xes(&make_log(29, 33, 2), &pb).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ldm/compute.py");
    let out = Command::new(&python).arg(&script).arg(&pa).arg(&pb).output().unwrap();
    assert!(out.status.success(), "compute.py failed: {}", String::from_utf8_lossy(&out.stderr));
    let theirs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // navbat reads the same files back, as `navbat compare` would.
    let ours = all_measures(&read_xes(&pa).unwrap(), &read_xes(&pb).unwrap()).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    for (m, v) in ours {
        let want = theirs[m.name()].as_f64().unwrap_or_else(|| panic!("{} missing", m.name()));
        println!("{:<30} navbat {v:.9}  log-distance-measures {want:.9}", m.name());
        assert!((v - want).abs() <= 1e-6, "{}: navbat {v} against {want}", m.name());
        assert!(v > 0.0, "{}: the two logs differ, the measure must see it", m.name());
    }
}
