//! Shared bench data: a gallery of officer-station enrolments and kiosk probes of a seeded
//! synthetic population (half of the probes have a mate in the gallery).
#![allow(
    dead_code,
    reason = "shared by the criterion bench and the side-by-side example; each uses a part"
)]

use navbat_matching::{
    AgeBand, BiometricModel, Device, Group, PersonId, Population, Sex, Template,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// Seed of the bench population (documented in the closing note).
pub(crate) const SEED: u64 = 20_261_121;

/// The first capture of `person` on `device` that acquires a face.
fn acquired(population: &Population, person: u64, device: Device, stream: u64) -> Template {
    let group =
        Group::new(AgeBand::Adult, if person.is_multiple_of(2) { Sex::Female } else { Sex::Male });
    let identity = population.identity(PersonId(person), &group);
    let mut rng = ChaCha8Rng::seed_from_u64(SEED ^ stream);
    rng.set_stream(person);
    loop {
        if let Some(capture) = population.capture(&identity, device, &mut rng).into_capture() {
            return capture.template;
        }
    }
}

/// `gallery_size` enrolment templates (person i enrolled as identity i) and `queries` kiosk
/// probes: even-numbered probes are mates of gallery people, odd ones are strangers.
pub(crate) fn dataset(gallery_size: usize, queries: usize) -> (Vec<Template>, Vec<Template>) {
    let population =
        Population::new(SEED, BiometricModel::default()).expect("default model is valid");
    let gallery: Vec<Template> = (0..gallery_size as u64)
        .into_par_iter()
        .map(|p| acquired(&population, p, Device::OfficerStation, 1))
        .collect();
    let probes: Vec<Template> = (0..queries as u64)
        .into_par_iter()
        .map(|q| {
            let person = if q.is_multiple_of(2) {
                (q * 7919) % gallery_size as u64
            } else {
                gallery_size as u64 + q
            };
            acquired(&population, person, Device::KioskCamera, 2)
        })
        .collect();
    (gallery, probes)
}

/// The exact top-`k` identities of each probe by full-precision score (ties: smaller id).
pub(crate) fn exact_top_k(gallery: &[Template], probes: &[Template], k: usize) -> Vec<Vec<u64>> {
    probes
        .par_iter()
        .map(|probe| {
            let mut scored: Vec<(f32, u64)> = gallery
                .iter()
                .enumerate()
                .map(|(i, t)| (probe.score(t).expect("same dimension"), i as u64))
                .collect();
            let k = k.min(scored.len());
            scored.select_nth_unstable_by(k.saturating_sub(1), |a, b| {
                b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
            });
            scored.truncate(k);
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            scored.into_iter().map(|(_, id)| id).collect()
        })
        .collect()
}

/// Mean fraction of each exact top-k found in the corresponding result list.
pub(crate) fn recall(exact: &[Vec<u64>], found: &[Vec<u64>]) -> f64 {
    let total: f64 = exact
        .iter()
        .zip(found)
        .map(|(e, f)| e.iter().filter(|id| f.contains(id)).count() as f64 / e.len() as f64)
        .sum();
    total / exact.len() as f64
}
