//! The fixed-seed fuzz pass: every committed corpus input, then seeded mutations of them,
//! through each target. Short enough for every `cargo test`; `NAVBAT_FUZZ_CASES=n` runs n
//! mutations per target instead of the default.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test stops at the first failed assumption, helpers included"
)]

use std::path::Path;

type Target = fn(&[u8]);

const TARGETS: [(&str, Target); 5] = [
    ("scenario", navbat_fuzz::scenario),
    ("overrides", navbat_fuzz::overrides),
    ("sweep", navbat_fuzz::sweep),
    ("service", navbat_fuzz::service),
    ("records", navbat_fuzz::records),
];

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("corpus entry").path())
        .collect();
    files.sort();
    files.iter().map(|f| std::fs::read(f).expect("corpus file")).collect()
}

fn cases() -> usize {
    std::env::var("NAVBAT_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000)
}

fn run(target: &str, f: Target) {
    let seeds = corpus(target);
    assert!(!seeds.is_empty(), "no corpus for {target}");
    for s in &seeds {
        f(s);
    }
    let mut m = navbat_fuzz::Mutator::new(0x6e61_7662_6174);
    for i in 0..cases() {
        let input = m.mutate(&seeds[i % seeds.len()]);
        f(&input);
    }
}

#[test]
fn scenario_target_survives_its_corpus_and_seeded_mutations() {
    run(TARGETS[0].0, TARGETS[0].1);
}

#[test]
fn overrides_target_survives_its_corpus_and_seeded_mutations() {
    run(TARGETS[1].0, TARGETS[1].1);
}

#[test]
fn sweep_target_survives_its_corpus_and_seeded_mutations() {
    run(TARGETS[2].0, TARGETS[2].1);
}

#[test]
fn service_target_survives_its_corpus_and_seeded_mutations() {
    run(TARGETS[3].0, TARGETS[3].1);
}

#[test]
fn records_target_survives_its_corpus_and_seeded_mutations() {
    run(TARGETS[4].0, TARGETS[4].1);
}

/// Inputs AFL++ found (`fuzz/README.md`), kept as regression tests named after the bug.
#[test]
fn huge_integer_override_round_trips_within_float_precision() {
    // serde_json reads `222…2` (past u64) as an f64 and, without its `float_roundtrip`
    // feature, may read the shown form back one unit in the last place away.
    navbat_fuzz::overrides(
        b"holidays.0.date=2026-01-02\nsites.*.floor_assistants=222222222222222222222222\n",
    );
    navbat_fuzz::overrides(b"fdae_qc.eqw=225734484766663776338387E7\nqzxjksl=null\n");
}
