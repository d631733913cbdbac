//! Repeats single-probe searches of a 20k gallery, for profiling (`perf record`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "an example stops if its bundled fixtures do not load"
)]

#[path = "../benches/common/mod.rs"]
mod common;

use navbat_matching::{Gallery, IdentityId};

fn main() -> Result<(), navbat_matching::MatchError> {
    let (templates, probes) = common::dataset(20_000, 16);
    let mut gallery = Gallery::new(512)?;
    for (i, t) in templates.iter().enumerate() {
        gallery.enrol(IdentityId(i as u64), t)?;
    }
    let started = std::time::Instant::now();
    let mut found = 0;
    for round in 0..400 {
        found += gallery.search(&probes[round % probes.len()], 10)?.len();
    }
    let s = started.elapsed().as_secs_f64();
    println!("{found} candidates; {:.1} ns per row", s / 400.0 / 20_000.0 * 1e9);
    Ok(())
}
