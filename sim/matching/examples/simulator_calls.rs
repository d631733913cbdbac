//! The matching calls the simulator makes, timed as the fastest of many short batches (a
//! figure that load on a shared machine can only make slower, so the fastest batch is the
//! closest to the true cost): `person` (identity, record photo, kiosk capture, verify) and
//! `search64` (one probe, best candidate, 64-identity exact gallery built as the engine's
//! `enrol_gallery` does). Also prints a checksum of every output bit, so two builds can be
//! compared.
//!
//! `cargo run --release -p navbat-matching --example simulator_calls -- [BATCHES [only]]`
//! (`only` = `person` or `search64` times that one alone, e.g. for `perf record`). With
//! `NAVBAT_NO_AVX512=1` AVX-512 is switched off for the process (the AVX2 paths, as on a CPU
//! without it).

use std::hint::black_box;
use std::time::Instant;

use navbat_matching::{
    AgeBand, BiometricModel, Device, Group, PersonId, Population, Rescoring, Sex, Template,
    Threshold, verify,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Calls a batch.
const BATCH: u64 = 200;

fn fastest_ns(batches: usize, mut batch: impl FnMut(u64) -> u64) -> (f64, u64) {
    let mut best = f64::INFINITY;
    let mut checksum = 0_u64;
    for b in 0..batches {
        let started = Instant::now();
        let sum = batch(b as u64 * BATCH);
        best = best.min(started.elapsed().as_secs_f64() * 1e9 / BATCH as f64);
        checksum = checksum.rotate_left(5) ^ sum;
    }
    (best, checksum)
}

fn main() -> Result<(), navbat_matching::MatchError> {
    #[cfg(target_arch = "x86_64")]
    if std::env::var_os("NAVBAT_NO_AVX512").is_some() {
        let _ = archmage::X64V4Token::dangerously_disable_token_process_wide(true);
    }
    let batches: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(2000);
    let only = std::env::args().nth(2).unwrap_or_default();
    let runs = |what: &str| if only.is_empty() || only == what { batches } else { 1 };
    let population = Population::new(7, BiometricModel::default())?;
    let threshold = Threshold::new(0.2)?;
    let groups = [Group::new(AgeBand::Adult, Sex::Female), Group::new(AgeBand::Elderly, Sex::Male)];
    let (person_ns, person_sum) = fastest_ns(runs("person"), |first| {
        let mut sum = 0_u64;
        for person in first..first + BATCH {
            let mut rng = ChaCha8Rng::seed_from_u64(person);
            let group = &groups[person as usize % 2];
            let identity = population.identity(PersonId(person % 5000), group);
            let record = population.capture(&identity, Device::OfficerStation, &mut rng);
            let live = population.capture(&identity, Device::KioskCamera, &mut rng);
            if let (Some(r), Some(l)) = (record.capture(), live.capture()) {
                let v =
                    verify(&l.template, &r.template, threshold).map_or(0, |v| v.score.to_bits());
                sum = sum.rotate_left(7) ^ u64::from(v) ^ u64::from(l.quality.to_bits());
                sum ^= u64::from(black_box(l.template.as_slice())[511].to_bits()) << 32;
            }
        }
        sum
    });

    let (gallery, identities) = population.enrol_gallery(64, 0.5, Rescoring::Exact)?;
    let probes: Vec<Template> = (0..128_u64)
        .filter_map(|n| {
            let stranger = population.identity(PersonId(n), &groups[0]);
            let person = if n % 2 == 0 { &identities[n as usize / 2] } else { &stranger };
            let mut rng = ChaCha8Rng::seed_from_u64(n);
            population.capture(person, Device::KioskCamera, &mut rng).into_capture()
        })
        .map(|c| c.template)
        .collect();
    let (search_ns, search_sum) = fastest_ns(runs("search64"), |first| {
        let mut sum = 0_u64;
        for n in first..first + BATCH {
            let probe = &probes[n as usize % probes.len()];
            if let Some(best) =
                gallery.search(black_box(probe), 1).ok().and_then(|c| c.first().copied())
            {
                sum = sum.rotate_left(7) ^ best.id.0 ^ u64::from(best.score.to_bits());
            }
        }
        sum
    });
    println!(
        "person {person_ns:.0} ns (checksum {person_sum:016x}); search64 {search_ns:.0} ns \
         (checksum {search_sum:016x}); fastest of {batches} batches of {BATCH}"
    );
    Ok(())
}
