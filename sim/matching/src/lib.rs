//! Face-ID matching for navbat: templates, 1:1 verification, exact 1:N search over an int8
//! gallery, a seeded synthetic population with device- and group-dependent noise, error-rate
//! evaluation per demographic group, and a deterministic latency model.
//!
//! # Overview
//! A [`Template`] is a face embedding scaled to unit length, so a score is a cosine in
//! [-1, 1]. [`verify`] compares a probe with one reference at a [`Threshold`]. A [`Gallery`]
//! holds enrolled templates in int8 form (512 bytes of codes, 64 of refinement bits, a
//! 4-byte scale and an 8-byte id a 512-d template: 588 MB for 1M) and searches it exactly:
//! every row is scored with exact integer dot products on the rayon pool (AVX-512 VNNI or
//! AVX2 when the CPU has it, detected at run time; a large batch is split by blocks of
//! probes, a small one by rows), the best rows are re-scored with the full-precision probe,
//! and candidates are ranked by score, then by identity. Nothing depends on the thread
//! count, the CPU's vector width or a clock.
//! A small exact gallery (the simulator's, ≤ 1,024 rows) answers a single probe from the
//! f32 scores of every row; for the best candidate alone it scores in f32 only the rows
//! whose int8 upper bound can reach the best, with the same result bit for bit.
//! Measured on 2 cores (AVX-512 VNNI): 1:1 verify ≈ 0.12–0.18 µs (busy, before session 4);
//! 1:N at 1M ≈ 41 ms a probe alone (busy); batches of 1,000 with exact re-scoring 36,665 /
//! 4,655 probes/s at 10k / 100k on a quiet machine (FAISS flat: 17,395 / 1,786) and 603 at
//! 1M at load ≈ 2 (FAISS flat: 152); recall@10 against exact f32 search ≥ 0.99 (figures and commands:
//! `benches/README.md`). What the simulator asks of a person (identity, two captures,
//! verify) ≈ 2.7 µs, 1:1 verify ≈ 37 ns, and the best candidate among 64 exact rows
//! ≈ 0.73 µs (criterion, load ≈ 2; 4.0–4.2 µs, 88–117 ns and 2.2–2.5 µs before session 4).
//!
//! The simulator has no real faces, so a [`Population`] makes them: any person's
//! [`Identity`] is a pure function of (seed, [`PersonId`], [`Group`]), and
//! [`Population::capture`] adds noise set by the [`Device`] and the group, or fails to
//! acquire. The normals come in bulk from sixteen lanes of one `Pcg64Mcg` stream (Box–Muller
//! on 512-bit vectors where the CPU has them), bit-identical on every platform. The
//! [`BiometricModel`] holds every parameter and is serde-deserializable, so a scenario can
//! change it. [`Evaluation`] turns outcomes into FMR, FNMR, FPIR, FNIR,
//! failure-to-acquire, DET points and thresholds per group, with the ratios between groups
//! that a demographic-differential audit asks for. [`LatencyModel`] gives the simulated
//! cost of a call.
//!
//! # Calibration
//! [`BiometricModel::default`] targets these published figures (see
//! `shared/domain/parameters.md`); `tests/it/calibration.rs` checks them on a generated
//! population with the tolerances stated there:
//! - the reference group (adult men) has isotropic impostors, so its FMR is known exactly
//!   ([`isotropic_fmr`]); the 1:1 operating threshold is the one for FMR = 10⁻⁶;
//! - FNMR at that threshold, officer-station probe against officer-station enrolment:
//!   0.1–1 % (the order reported for good cameras, NIST FRVT 1:1);
//! - women: 2–5× the false matches of men (NISTIR 8280), via a shared direction ρ;
//! - children and the elderly: more false non-matches (NIST), via larger capture noise;
//! - kiosk camera: 2–3 % of people not matched (failure to acquire + false non-match), the
//!   field figure CBP reports;
//! - failure to enrol at the officer station: 0.14 % (Aadhaar, 2012).
//!
//! # Example
//! ```
//! use navbat_matching::{
//!     AgeBand, BiometricModel, Decision, Device, Gallery, Group, IdentityId, PersonId,
//!     Population, Sex, isotropic_threshold_for_fmr, verify,
//! };
//! use rand::SeedableRng;
//! use rand_chacha::ChaCha8Rng;
//!
//! let population = Population::new(7, BiometricModel::default())?;
//! let threshold = isotropic_threshold_for_fmr(512, 1e-6)?;
//! let mut rng = ChaCha8Rng::seed_from_u64(1);
//! let group = Group::new(AgeBand::Adult, Sex::Female);
//!
//! // Enrol three people at the officer station.
//! let mut gallery = Gallery::new(512)?;
//! for n in 0..3 {
//!     let person = population.identity(PersonId(n), &group);
//!     let enrolment = population.capture(&person, Device::OfficerStation, &mut rng);
//!     if let Some(capture) = enrolment.capture() {
//!         gallery.enrol(IdentityId(n), &capture.template)?;
//!     }
//! }
//!
//! // Person 1 comes back to a kiosk: 1:1 against their record, then 1:N.
//! let person = population.identity(PersonId(1), &group);
//! let live = loop {
//!     if let Some(capture) = population.capture(&person, Device::KioskCamera, &mut rng).into_capture() {
//!         break capture;
//!     }
//! };
//! let reference = gallery.template(IdentityId(1)).expect("enrolled");
//! let check = verify(&live.template, &reference, threshold)?;
//! assert_eq!(check.decision, Decision::Match);
//! let hits = gallery.search(&live.template, 2)?;
//! assert_eq!(hits[0].id, IdentityId(1));
//! assert!(hits[0].score > hits[1].score);
//! # Ok::<(), navbat_matching::MatchError>(())
//! ```

mod error;
mod evaluation;
mod gallery;
mod index;
mod kernels;
mod latency;
mod normal;
mod population;
mod template;
mod verify;

pub use crate::{
    error::MatchError,
    evaluation::{
        DetPoint, Disparity, Evaluation, GroupRates, GroupScores, Metric, isotropic_fmr,
        isotropic_threshold_for_fmr,
    },
    gallery::{CANDIDATE_LIST_LENGTH, Candidate, Gallery, Identification, IdentityId, Rescoring},
    latency::{LatencyModel, NATIONAL_GALLERY_SIZE},
    population::{
        Acquisition, AgeBand, BiometricModel, Capture, Device, DeviceProfile, Group, GroupEffect,
        Identity, LatentCapture, PersonId, Population, Sex,
    },
    template::{DEFAULT_DIMENSION, MAX_DIMENSION, QuantizedTemplate, Template},
    verify::{Decision, Threshold, Verification, verify},
};
