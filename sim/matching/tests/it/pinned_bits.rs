//! Pinned bits: hashes of identity vectors, captures on every device, verify scores and
//! 64-row gallery searches, computed once and listed here, so a speed-up that changes a
//! single output bit fails. The simulator's recorded outputs depend on these bits.

use navbat_matching::{
    AgeBand, BiometricModel, Candidate, Device, Gallery, Group, IdentityId, PersonId, Population,
    Rescoring, Sex, Template, Threshold, verify,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// FNV-1a over 32-bit words: the bits of every value, in order.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    fn word(&mut self, word: u32) {
        for byte in word.to_le_bytes() {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn values(&mut self, values: &[f32]) {
        for v in values {
            self.word(v.to_bits());
        }
    }

    fn candidates(&mut self, candidates: &[Candidate]) {
        for c in candidates {
            self.word(c.id.0 as u32);
            self.word((c.id.0 >> 32) as u32);
            self.word(c.score.to_bits());
        }
    }
}

fn groups() -> [Group; 5] {
    [
        Group::new(AgeBand::Adult, Sex::Female),
        Group::new(AgeBand::Adult, Sex::Male),
        Group::new(AgeBand::Elderly, Sex::Female),
        Group::new(AgeBand::Child, Sex::Male).with_cohort("north"),
        Group::new(AgeBand::Adolescent, Sex::Female).with_cohort("unlisted"),
    ]
}

fn model(dimension: usize) -> BiometricModel {
    let mut model = BiometricModel { dimension, ..BiometricModel::default() };
    model.cohorts.insert(
        "north".to_owned(),
        navbat_matching::GroupEffect {
            shared_similarity: 0.02,
            noise_factor: 1.1,
            failure_to_acquire_factor: 1.0,
        },
    );
    model
}

/// Hash of identities, captures (template and quality, every device) and verify scores of
/// 40 people, as the simulator draws them (record photo, then live capture, one stream).
fn people_hash(dimension: usize) -> u64 {
    let population = Population::new(2026, model(dimension)).expect("valid model");
    let threshold = Threshold::new(0.3).expect("in range");
    let mut hash = Fnv::new();
    for person in 0..40_u64 {
        let group = &groups()[person as usize % 5];
        let identity = population.identity(PersonId(person * 7919), group);
        hash.values(identity.vector());
        let mut rng = ChaCha8Rng::seed_from_u64(person);
        let record = population.capture(&identity, Device::OfficerStation, &mut rng);
        for device in [Device::KioskCamera, Device::OfficerStation, Device::Mobile] {
            let live = population.capture(&identity, device, &mut rng);
            match (record.capture(), live.capture()) {
                (Some(r), Some(l)) => {
                    hash.values(r.template.as_slice());
                    hash.values(&[r.quality, l.quality]);
                    hash.values(l.template.as_slice());
                    let v = verify(&l.template, &r.template, threshold).expect("same dimension");
                    hash.values(&[v.score]);
                }
                _ => hash.word(0xFA11),
            }
        }
    }
    hash.0
}

#[test]
fn identities_captures_and_scores_keep_their_bits() {
    assert_eq!(people_hash(512), 4_139_208_594_493_640_270);
    // Dimensions that leave partial blocks (of 16 lanes, 32 normals, 8 squares).
    assert_eq!(people_hash(515), 14_587_102_983_988_751_831);
    assert_eq!(people_hash(100), 1_925_000_446_840_781_728);
}

#[test]
fn listed_values_of_one_person() {
    let population = Population::new(2026, model(512)).expect("valid model");
    let identity = population.identity(PersonId(77), &groups()[0]);
    let mut rng = ChaCha8Rng::seed_from_u64(77);
    let record = population
        .capture(&identity, Device::OfficerStation, &mut rng)
        .into_capture()
        .expect("acquired");
    let live = population
        .capture(&identity, Device::KioskCamera, &mut rng)
        .into_capture()
        .expect("acquired");
    let score = verify(&live.template, &record.template, Threshold::new(0.3).expect("in range"))
        .expect("same dimension")
        .score;
    assert_eq!(identity.vector()[..3], [0.02019407, 0.024875518, -0.005664769]);
    assert_eq!(identity.vector()[509..], [-0.045889344, 0.09728415, -0.01902205]);
    assert_eq!(record.template.as_slice()[..3], [0.026133414, 0.027115446, 0.0039920337]);
    assert_eq!(live.template.as_slice()[..3], [0.015430531, 0.07189628, -0.0027059834]);
    assert_eq!([record.quality, live.quality, score], [0.97409576, 0.654658, 0.6329866]);
}

/// A 64-identity exact gallery built as the simulator builds it (officer-station captures
/// of people 2⁶² + i, sex drawn from a `Pcg32`), and the search results of 48 probes.
fn search_hash(dimension: usize, rescoring: Rescoring) -> u64 {
    let population = Population::new(2026, model(dimension)).expect("valid model");
    let (gallery, identities) =
        population.enrol_gallery(64, 0.5, rescoring).expect("valid dimension");
    let mut hash = Fnv::new();
    hash.word(gallery.len() as u32);
    let mut probes: Vec<Template> = Vec::new();
    for (n, identity) in identities.iter().enumerate().step_by(2) {
        // Mates: a kiosk capture of an enrolled person; strangers: a fresh person.
        let stranger = population.identity(PersonId(n as u64), &groups()[n % 5]);
        for person in [identity, &stranger] {
            let mut rng = ChaCha8Rng::seed_from_u64(n as u64);
            if let Some(c) = population.capture(person, Device::KioskCamera, &mut rng).capture() {
                probes.push(c.template.clone());
            }
        }
    }
    for probe in &probes {
        for k in [1, 3, 64, 100] {
            hash.candidates(&gallery.search(probe, k).expect("valid search"));
        }
    }
    for batch in gallery.search_batch(&probes, 5).expect("valid search") {
        hash.candidates(&batch);
    }
    hash.0
}

#[test]
fn sixty_four_row_searches_keep_their_bits() {
    assert_eq!(search_hash(512, Rescoring::Exact), 11_759_940_010_951_045_826);
    assert_eq!(search_hash(515, Rescoring::Exact), 12_585_781_753_259_320_858);
    assert_eq!(search_hash(512, Rescoring::QuantizedOnly), 16_679_710_887_839_465_005);
}

#[test]
fn listed_best_candidates_of_a_64_row_search() {
    let population = Population::new(2026, model(512)).expect("valid model");
    let mut gallery = Gallery::with_rescoring(512, Rescoring::Exact).expect("valid dimension");
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let group = Group::new(AgeBand::Adult, Sex::Male);
    for i in 0..64_u64 {
        let identity = population.identity(PersonId(1000 + i), &group);
        if let Some(c) = population.capture(&identity, Device::OfficerStation, &mut rng).capture() {
            gallery.enrol(IdentityId(i), &c.template).expect("new id");
        }
    }
    let identity = population.identity(PersonId(1005), &group);
    let probe = population
        .capture(&identity, Device::KioskCamera, &mut rng)
        .into_capture()
        .expect("acquired")
        .template;
    let hits = gallery.search(&probe, 3).expect("valid search");
    let listed: Vec<(u64, f32)> = hits.iter().map(|c| (c.id.0, c.score)).collect();
    assert_eq!(listed, [(5, 0.659219), (9, 0.09862092), (12, 0.07276953)]);
}

/// The same bits with AVX-512 switched off for the whole process (the AVX2 paths of the
/// fill, the population and the kernels; on a CPU without AVX-512 this repeats the tests
/// above). Other tests running meanwhile only take slower paths with the same results.
#[cfg(target_arch = "x86_64")]
#[test]
fn the_avx2_paths_give_the_pinned_bits() {
    use archmage::SimdToken;
    let disabled = archmage::X64V4Token::dangerously_disable_token_process_wide(true);
    if disabled.is_ok() {
        assert!(archmage::X64V4Token::summon().is_none(), "AVX-512 really is off");
    }
    let hashes = [
        people_hash(512),
        people_hash(515),
        search_hash(512, Rescoring::Exact),
        search_hash(515, Rescoring::Exact),
        search_hash(512, Rescoring::QuantizedOnly),
    ];
    if disabled.is_ok() {
        let _ = archmage::X64V4Token::dangerously_disable_token_process_wide(false);
    }
    assert_eq!(
        hashes,
        [
            4_139_208_594_493_640_270,
            14_587_102_983_988_751_831,
            11_759_940_010_951_045_826,
            12_585_781_753_259_320_858,
            16_679_710_887_839_465_005
        ]
    );
}
