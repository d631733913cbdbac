//! Same seed, same bytes: across runs and across thread counts.

use navbat_engine::run_replications;

use crate::{pilot, shortened};

fn run_json(threads: usize, seed: u64) -> String {
    let model = shortened(pilot(), 45);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
    let reps = pool.install(|| run_replications(&model, seed, 4, &|| {}));
    serde_json::to_string(&reps).expect("serialise")
}

#[test]
fn same_seed_same_bytes_for_any_thread_count() {
    let one = run_json(1, 42);
    assert_eq!(one, run_json(1, 42));
    assert_eq!(one, run_json(2, 42));
    assert_ne!(one, run_json(2, 43), "a different seed must change the results");
}

#[test]
fn replications_differ_from_each_other() {
    let model = shortened(pilot(), 20);
    let reps = run_replications(&model, 1, 2, &|| {});
    assert_ne!(reps[0].sites, reps[1].sites);
}

/// First draw of stream (seed 1, replication 0, arrivals, site 3).
const STABLE_FIRST: u64 = 10_446_999_393_663_662_024;

#[test]
fn streams_are_keyed_not_ordered() {
    use navbat_engine::{Purpose, stream};
    use rand::Rng;
    let mut a = stream(1, 0, Purpose::Arrivals, 3);
    let first = a.next_u64();
    // Drawing from another stream first changes nothing.
    let mut b = stream(1, 0, Purpose::Choice, 3);
    let _ = b.next_u64();
    assert_eq!(stream(1, 0, Purpose::Arrivals, 3).next_u64(), first);
    // Value stability: the generator is portable, so this number is fixed forever.
    assert_eq!(first, STABLE_FIRST);
    assert_ne!(first, stream(1, 0, Purpose::Arrivals, 4).next_u64());
}
