//! The synthetic population: identity vectors drawn from (seed, person) and noisy captures
//! whose noise depends on the capture device and the person's demographic group.
//!
//! # The model
//! A person's identity is a unit vector `x = a₀·z + Σ_f √ρ_f · g_f`, normalised, where `z` is
//! an isotropic Gaussian draw of its own (from the person's generator: a `Pcg64Mcg` whose
//! state comes from ChaCha8 keyed by the seed, stream = person id), and `g_f` are
//! unit "group directions" shared by everyone of the same sex, age band and cohort, with
//! weights `ρ_f` ([`GroupEffect::shared_similarity`]); `a₀ = √(1 − Σρ_f)`. Two different people
//! of the same group therefore have an expected impostor score near `Σρ_f` instead of 0:
//! that is how groups get more false matches.
//!
//! A capture is `normalise(x + s·e)` with `e` isotropic of unit expected length and a
//! noise-to-signal ratio `s = median · Π noise_factor · exp(σ·N(0,1))` (log-normal, set by
//! the [`DeviceProfile`] and multiplied by the [`GroupEffect::noise_factor`]s): its cosine with
//! the identity is about `1/√(1+s²)`, reported as [`Capture::quality`]. Genuine scores are
//! about the product of the two captures' qualities, so the log-normal tail of `s` sets the
//! false non-match rate. Before the noise, a capture fails to acquire with the device's
//! probability times the groups' factors.

use std::collections::BTreeMap;

use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

use crate::error::MatchError;
use crate::kernels::{SquareSum, with_widest_vectors};
use crate::normal::fill_then;
use crate::template::{Template, check_dimension};

/// Salt that separates the group-direction streams from the person streams of one seed.
const DIRECTION_SALT: u64 = 0x9E37_79B9_7F4A_7C15;

/// A synthetic person's index in the population (ground truth, not an enrolled identity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PersonId(pub u64);

/// Sex as recorded on the identity document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Sex {
    /// Female.
    Female,
    /// Male.
    Male,
}

/// Age band at capture time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AgeBand {
    /// 0–11 years.
    Child,
    /// 12–17 years.
    Adolescent,
    /// 18–59 years.
    Adult,
    /// 60 years and over.
    Elderly,
}

/// A demographic group: age band, sex and a free cohort label (e.g. a region of origin).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Group {
    /// Age band.
    pub age_band: AgeBand,
    /// Sex.
    pub sex: Sex,
    /// Free label; effects come from [`BiometricModel::cohorts`], unknown labels are neutral.
    pub cohort: String,
}

impl Group {
    /// A group with the given age band and sex and an empty cohort label.
    pub fn new(age_band: AgeBand, sex: Sex) -> Self {
        Self { age_band, sex, cohort: String::new() }
    }

    /// The same group with a cohort label.
    pub fn with_cohort(mut self, cohort: impl Into<String>) -> Self {
        self.cohort = cohort.into();
        self
    }
}

/// The capture devices of the stations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Device {
    /// The self-service kiosk's camera (unattended, variable pose and light).
    KioskCamera,
    /// The officer's capture station (attended, controlled light): also used for enrolment.
    OfficerStation,
    /// A phone camera (the remote / app channel).
    Mobile,
}

/// Capture noise and failure-to-acquire of one device.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DeviceProfile {
    /// Median noise-to-signal ratio `s` of a capture (0 = perfect).
    pub median_noise_ratio: f64,
    /// Standard deviation of `ln s` (spread of capture quality).
    pub noise_log_sd: f64,
    /// Probability that a capture attempt yields no usable face.
    pub failure_to_acquire: f64,
}

/// How belonging to a group changes scores and failures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GroupEffect {
    /// Weight ρ of the group's shared direction: two impostors of the group score ≈ ρ higher.
    pub shared_similarity: f64,
    /// Multiplies the capture noise ratio (> 1: more false non-matches).
    pub noise_factor: f64,
    /// Multiplies the device's failure-to-acquire probability.
    pub failure_to_acquire_factor: f64,
}

impl GroupEffect {
    /// No effect at all.
    pub const NEUTRAL: GroupEffect =
        GroupEffect { shared_similarity: 0.0, noise_factor: 1.0, failure_to_acquire_factor: 1.0 };
}

/// All parameters of the synthetic biometric model; a scenario may override any of them.
///
/// [`BiometricModel::default`] is calibrated against the published figures listed in the
/// crate documentation (section "Calibration").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BiometricModel {
    /// Embedding dimension.
    pub dimension: usize,
    /// The kiosk camera.
    pub kiosk_camera: DeviceProfile,
    /// The officer's capture station (enrolment device).
    pub officer_station: DeviceProfile,
    /// Phone cameras.
    pub mobile: DeviceProfile,
    /// Effect of being female.
    pub female: GroupEffect,
    /// Effect of being male.
    pub male: GroupEffect,
    /// Effect of the 0–11 age band.
    pub child: GroupEffect,
    /// Effect of the 12–17 age band.
    pub adolescent: GroupEffect,
    /// Effect of the 18–59 age band.
    pub adult: GroupEffect,
    /// Effect of the 60+ age band.
    pub elderly: GroupEffect,
    /// Effects of cohort labels; a label not listed here has no effect.
    pub cohorts: BTreeMap<String, GroupEffect>,
}

impl Default for BiometricModel {
    fn default() -> Self {
        Self {
            dimension: crate::template::DEFAULT_DIMENSION,
            officer_station: DeviceProfile {
                median_noise_ratio: 0.45,
                noise_log_sd: 0.66,
                failure_to_acquire: 0.0014,
            },
            kiosk_camera: DeviceProfile {
                median_noise_ratio: 0.65,
                noise_log_sd: 0.72,
                failure_to_acquire: 0.012,
            },
            mobile: DeviceProfile {
                median_noise_ratio: 0.8,
                noise_log_sd: 0.7,
                failure_to_acquire: 0.03,
            },
            female: GroupEffect { shared_similarity: 0.015, ..GroupEffect::NEUTRAL },
            male: GroupEffect::NEUTRAL,
            child: GroupEffect {
                shared_similarity: 0.008,
                noise_factor: 1.35,
                failure_to_acquire_factor: 2.0,
            },
            adolescent: GroupEffect { noise_factor: 1.1, ..GroupEffect::NEUTRAL },
            adult: GroupEffect::NEUTRAL,
            elderly: GroupEffect {
                shared_similarity: 0.004,
                noise_factor: 1.25,
                failure_to_acquire_factor: 1.5,
            },
            cohorts: BTreeMap::new(),
        }
    }
}

impl BiometricModel {
    /// Checks every parameter's range.
    ///
    /// # Errors
    /// [`MatchError::InvalidDimension`] or [`MatchError::InvalidParameter`] naming the field.
    pub fn validate(&self) -> Result<(), MatchError> {
        check_dimension(self.dimension)?;
        for (name, device) in [
            ("kiosk_camera", &self.kiosk_camera),
            ("officer_station", &self.officer_station),
            ("mobile", &self.mobile),
        ] {
            check(name, device.median_noise_ratio, |v| v >= 0.0, "noise ratio must be ≥ 0")?;
            check(name, device.noise_log_sd, |v| v >= 0.0, "log sd must be ≥ 0")?;
            check(name, device.failure_to_acquire, |v| (0.0..=1.0).contains(&v), "a probability")?;
        }
        let named = [
            ("female", &self.female),
            ("male", &self.male),
            ("child", &self.child),
            ("adolescent", &self.adolescent),
            ("adult", &self.adult),
            ("elderly", &self.elderly),
        ];
        for (name, effect) in named.into_iter().chain(self.cohorts.values().map(|e| ("cohorts", e)))
        {
            check(name, effect.shared_similarity, |v| (0.0..0.5).contains(&v), "ρ in [0, 0.5)")?;
            check(name, effect.noise_factor, |v| v >= 0.0, "factor must be ≥ 0")?;
            check(name, effect.failure_to_acquire_factor, |v| v >= 0.0, "factor must be ≥ 0")?;
        }
        let worst = self.female.shared_similarity.max(self.male.shared_similarity)
            + [&self.child, &self.adolescent, &self.adult, &self.elderly]
                .iter()
                .fold(0.0_f64, |m, e| m.max(e.shared_similarity))
            + self.cohorts.values().fold(0.0_f64, |m, e| m.max(e.shared_similarity));
        check("shared_similarity", worst, |v| v < 1.0, "the ρ of one group must sum below 1")
    }

    /// The device profile of `device`.
    pub fn device(&self, device: Device) -> &DeviceProfile {
        match device {
            Device::KioskCamera => &self.kiosk_camera,
            Device::OfficerStation => &self.officer_station,
            Device::Mobile => &self.mobile,
        }
    }

    /// The effects that apply to `group`: sex, age band, cohort (if listed).
    pub fn effects(&self, group: &Group) -> [GroupEffect; 3] {
        let sex = match group.sex {
            Sex::Female => self.female,
            Sex::Male => self.male,
        };
        let age = match group.age_band {
            AgeBand::Child => self.child,
            AgeBand::Adolescent => self.adolescent,
            AgeBand::Adult => self.adult,
            AgeBand::Elderly => self.elderly,
        };
        let cohort = self.cohorts.get(&group.cohort).copied().unwrap_or(GroupEffect::NEUTRAL);
        [sex, age, cohort]
    }
}

fn check(
    name: &'static str,
    value: f64,
    ok: impl Fn(f64) -> bool,
    reason: &'static str,
) -> Result<(), MatchError> {
    if value.is_finite() && ok(value) {
        Ok(())
    } else {
        Err(MatchError::InvalidParameter { name, value, reason })
    }
}

/// A synthetic person's true face: the identity vector every capture of them is noise around.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    /// Whose face.
    pub person: PersonId,
    /// Their demographic group (captures use its effects as they were when the identity
    /// was made).
    pub group: Group,
    vector: Vec<f32>,
    /// The model's effects of the group ([`BiometricModel::effects`]), looked up once: every
    /// capture of the person needs them.
    effects: [GroupEffect; 3],
}

impl Identity {
    /// The unit identity vector.
    pub fn vector(&self) -> &[f32] {
        &self.vector
    }
}

/// A usable capture of a face.
#[derive(Debug, Clone, PartialEq)]
pub struct Capture {
    /// The template extracted from the capture.
    pub template: Template,
    /// Cosine of the capture with the person's identity, in (0, 1]: 1 = noiseless.
    pub quality: f32,
    /// The device that captured it.
    pub device: Device,
}

/// The outcome of one capture attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Acquisition {
    /// A face was captured.
    Captured(Capture),
    /// The device did not acquire a usable face (failure to acquire / to enrol).
    FailedToAcquire {
        /// The device that failed.
        device: Device,
    },
}

impl Acquisition {
    /// The capture, if one was acquired.
    pub fn capture(&self) -> Option<&Capture> {
        match self {
            Self::Captured(capture) => Some(capture),
            Self::FailedToAcquire { .. } => None,
        }
    }

    /// The capture by value, if one was acquired.
    pub fn into_capture(self) -> Option<Capture> {
        match self {
            Self::Captured(capture) => Some(capture),
            Self::FailedToAcquire { .. } => None,
        }
    }
}

/// A seeded synthetic population: any person's identity is generated on demand from
/// (seed, person id, group) alone, in any order, so a simulator need not store them.
#[derive(Debug, Clone)]
pub struct Population {
    seed: u64,
    model: BiometricModel,
    sex_directions: [Vec<f32>; 2],
    age_directions: [Vec<f32>; 4],
    cohort_directions: BTreeMap<String, Vec<f32>>,
}

impl Population {
    /// A population of the given model and seed.
    ///
    /// # Errors
    /// The model's [`BiometricModel::validate`] errors.
    pub fn new(seed: u64, model: BiometricModel) -> Result<Self, MatchError> {
        model.validate()?;
        let d = model.dimension;
        let direction = |stream: u64| {
            let mut key = ChaCha8Rng::seed_from_u64(seed ^ DIRECTION_SALT);
            key.set_stream(stream);
            unit_gaussian(&mut Pcg64Mcg::new(key.random()), d)
        };
        let sex_directions = [direction(0), direction(1)];
        let age_directions = [direction(2), direction(3), direction(4), direction(5)];
        let cohort_directions = model
            .cohorts
            .keys()
            .map(|label| (label.clone(), direction(cohort_stream(label))))
            .collect();
        Ok(Self { seed, model, sex_directions, age_directions, cohort_directions })
    }

    /// The model this population was built with.
    pub fn model(&self) -> &BiometricModel {
        &self.model
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The identity of `person` in `group`: a pure function of (seed, person, group).
    pub fn identity(&self, person: PersonId, group: &Group) -> Identity {
        // ChaCha8 keyed by the seed, stream = person, gives the 128-bit state of the
        // person's fast generator.
        let mut key = ChaCha8Rng::seed_from_u64(self.seed);
        key.set_stream(person.0);
        let mut rng = Pcg64Mcg::new(key.random());
        let d = self.model.dimension;
        let effects = self.model.effects(group);
        let [sex, age, cohort] = effects;
        let sex_dir = &self.sex_directions[group.sex as usize];
        let age_dir = &self.age_directions[group.age_band as usize];
        let cohort_dir = self.cohort_directions.get(&group.cohort);
        let shared = sex.shared_similarity + age.shared_similarity + cohort.shared_similarity;
        let own = (1.0 - shared).sqrt() as f32;
        let weights = Weights {
            own,
            sex: sex.shared_similarity.sqrt() as f32,
            age: age.shared_similarity.sqrt() as f32,
            cohort: cohort.shared_similarity.sqrt() as f32,
        };
        let mut vector = vec![0.0_f32; d];
        with_widest_vectors(
            #[inline(always)]
            || {
                // `z` normalised, then `own·z + Σ weight·direction`, normalised: the squares
                // of each are summed in the pass that makes them.
                let z_norm = fill_then::<true>(&mut rng, &mut vector, None).0.sqrt();
                let sum = match cohort_dir {
                    Some(dir) => combine::<true>(
                        &mut vector,
                        inverse(z_norm),
                        weights,
                        [sex_dir, age_dir, dir],
                    ),
                    None => combine::<false>(
                        &mut vector,
                        inverse(z_norm),
                        weights,
                        [sex_dir, age_dir, &[]],
                    ),
                };
                scale(&mut vector, inverse(sum.sqrt()));
            },
        );
        Identity { person, group: group.clone(), vector, effects }
    }

    /// One capture attempt of `identity` on `device`, drawing from the caller's `rng`.
    ///
    /// Draw order (fixed, for reproducibility): one uniform for failure-to-acquire, one
    /// normal for the noise level, then one `u128`: the state of a `Pcg64Mcg` that makes the
    /// `dimension` normals of the noise direction in bulk (Box–Muller, see `normal.rs`), so
    /// a capture costs the caller's generator three draws, not `dimension`.
    pub fn capture<R: Rng + ?Sized>(
        &self,
        identity: &Identity,
        device: Device,
        rng: &mut R,
    ) -> Acquisition {
        let Some(noise_ratio) = self.acquisition_draws(identity, device, rng) else {
            return Acquisition::FailedToAcquire { device };
        };
        let d = identity.vector.len();
        let per_value = (noise_ratio / (d as f64).sqrt()) as f32;
        let noise_state: u128 = rng.random();
        let mut values = vec![0.0_f32; d];
        let template = with_widest_vectors(
            #[inline(always)]
            || {
                // The noise is drawn into the template's own buffer and `x + s·e` made in
                // place, block by block, while the squares are summed.
                let (sum, finite) = fill_then::<true>(
                    &mut Pcg64Mcg::new(noise_state),
                    &mut values,
                    Some((&identity.vector, per_value)),
                );
                Template::from_summed(values, finite, sum)
                    .map(|template| (template.score_slice_inline(&identity.vector), template))
            },
        );
        match template {
            Ok((quality, template)) => Acquisition::Captured(Capture { template, quality, device }),
            // Only reachable with an absurd noise ratio (overflow): the camera saw nothing.
            Err(_) => Acquisition::FailedToAcquire { device },
        }
    }

    /// The first two draws of a capture attempt, shared by [`Population::capture`] and
    /// [`Population::latent_capture`] so that both advance `rng` alike: one uniform for
    /// failure-to-acquire, then one normal for the noise level (drawn even on a failure).
    /// Returns the capture's noise ratio, or `None` when it failed to acquire.
    fn acquisition_draws<R: Rng + ?Sized>(
        &self,
        identity: &Identity,
        device: Device,
        rng: &mut R,
    ) -> Option<f64> {
        let profile = self.model.device(device);
        let effects = identity.effects;
        let fta =
            effects.iter().fold(profile.failure_to_acquire, |p, e| p * e.failure_to_acquire_factor);
        let failed = rng.random::<f64>() < fta;
        let z: f64 = rng.sample(StandardNormal);
        (!failed).then(|| {
            effects.iter().fold(profile.median_noise_ratio, |s, e| s * e.noise_factor)
                * (profile.noise_log_sd * z).exp()
        })
    }

    /// One capture attempt of `identity` on `device` whose template is never built: the
    /// same three draws from the caller's `rng` as [`Population::capture`] (so whatever the
    /// caller draws next is the same either way), kept to score the capture against one
    /// probe later with [`LatentCapture::score`].
    pub fn latent_capture<R: Rng + ?Sized>(
        &self,
        identity: &Identity,
        device: Device,
        rng: &mut R,
    ) -> LatentCapture {
        let Some(noise_ratio) = self.acquisition_draws(identity, device, rng) else {
            return LatentCapture { device, drawn: None };
        };
        let per_value = noise_ratio / (identity.vector.len() as f64).sqrt();
        LatentCapture { device, drawn: Some((per_value, rng.random())) }
    }

    /// A gallery of `size` enrolled identities for a scaled 1:N search: people
    /// `PersonId(2⁶² + i)` (a range apart from small person numbers), adults, each female with
    /// probability `share_female`, enrolled from one officer-station capture each. The sex
    /// draws and the captures come, in that order, from one `Pcg32` keyed by the population's
    /// seed, so the gallery is a pure function of (population, size, share, rescoring). A
    /// capture that fails to acquire enrols nobody. Returns the gallery and every identity
    /// drawn (enrolled or not), e.g. to make mated probes.
    ///
    /// # Errors
    /// [`MatchError`] from [`Gallery::with_rescoring`](crate::Gallery::with_rescoring) (the model's dimension).
    pub fn enrol_gallery(
        &self,
        size: u32,
        share_female: f64,
        rescoring: crate::gallery::Rescoring,
    ) -> Result<(crate::gallery::Gallery, Vec<Identity>), MatchError> {
        use crate::gallery::{Gallery, IdentityId};
        let mut gallery = Gallery::with_rescoring(self.model.dimension, rescoring)?;
        gallery.reserve(size as usize);
        let mut rng = rand_pcg::Pcg32::seed_from_u64(self.seed ^ 0x6761_6c6c_6572_7921);
        let mut identities = Vec::with_capacity(size as usize);
        for i in 0..u64::from(size) {
            let id = (1_u64 << 62) | i;
            let female = rng.random::<f64>() < share_female;
            let group = Group::new(AgeBand::Adult, if female { Sex::Female } else { Sex::Male });
            let identity = self.identity(PersonId(id), &group);
            if let Some(c) = self.capture(&identity, Device::OfficerStation, &mut rng).capture() {
                gallery.enrol(IdentityId(id), &c.template)?;
            }
            identities.push(identity);
        }
        Ok((gallery, identities))
    }
}

/// A capture attempt whose draws are made but whose template is not built (see
/// [`Population::latent_capture`]).
///
/// Its score against a probe `l` (a unit template) follows the law of the cosine of `l`
/// with the capture [`Population::capture`] would have built from the same noise level,
/// `r = normalise(x + p·e)` with `x` the unit identity, `p` the noise a value and `e`
/// standard normal in `d` dimensions, from three scalar draws instead of `d` normals:
/// write `c = x·l` and `l = c·x + s·u` with `u ⟂ x` a unit vector and `s = √(1 − c²)`; the
/// coordinates of `e` along `x` and `u` are independent standard normals `a`, `b`, and the
/// squared length of the rest is `χ²(d − 2)`, independent of both, so
/// `r·l = ((1 + p·a)·c + p·b·s) / √((1 + p·a)² + p²·b² + p²·χ²)` exactly. The draws come
/// from a `Pcg64Mcg` seeded by the capture's third draw. The score is exact in law, not bit
/// for bit the built capture's (`tests/it/latent.rs` compares the two laws).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatentCapture {
    /// The device that captured it.
    pub device: Device,
    /// The noise a value `p` and the state of the scalar draws; `None`: failed to acquire.
    drawn: Option<(f64, u128)>,
}

impl LatentCapture {
    /// Whether the device acquired a face (failure to acquire otherwise).
    pub fn acquired(&self) -> bool {
        self.drawn.is_some()
    }

    /// The cosine of this capture of `identity` with `probe`, in [-1, 1]; `None` when the
    /// capture failed to acquire.
    ///
    /// # Errors
    /// [`MatchError::DimensionMismatch`] when `probe` and the identity differ in dimension.
    pub fn score(&self, identity: &Identity, probe: &Template) -> Result<Option<f32>, MatchError> {
        let d = identity.vector.len();
        if probe.dimension() != d {
            return Err(MatchError::DimensionMismatch { expected: d, found: probe.dimension() });
        }
        let Some((p, state)) = self.drawn else { return Ok(None) };
        let c = f64::from(probe.score_slice_inline(&identity.vector));
        let s = (1.0 - c * c).max(0.0).sqrt();
        let mut rng = Pcg64Mcg::new(state);
        let a: f64 = rng.sample(StandardNormal);
        // Along `u` and beyond: only where the dimension has room for them.
        let b: f64 = if d >= 2 { rng.sample(StandardNormal) } else { 0.0 };
        let rest = match rand_distr::ChiSquared::new((d.saturating_sub(2)) as f64) {
            Ok(chi) if d >= 3 => rng.sample(chi),
            _ => 0.0,
        };
        let along = 1.0 + p * a;
        let length = (along * along + p * p * (b * b + rest)).sqrt();
        let score = if length > 0.0 { (along * c + p * b * s) / length } else { c };
        Ok(Some(score.clamp(-1.0, 1.0) as f32))
    }
}

/// The weights of the parts of an identity vector (f32, as they multiply the parts).
#[derive(Debug, Clone, Copy)]
struct Weights {
    own: f32,
    sex: f32,
    age: f32,
    cohort: f32,
}

/// `1/norm`, or 1 for a norm that is not positive (the vector is then left as it is: × 1 in
/// f64 and back is exact).
#[inline(always)]
fn inverse(norm: f64) -> f64 {
    if norm > 0.0 { 1.0 / norm } else { 1.0 }
}

/// `x ← (x × inverse in f64) as f32`.
#[inline(always)]
fn scale(values: &mut [f32], inverse: f64) {
    for x in values {
        *x = (f64::from(*x) * inverse) as f32;
    }
}

/// `x ← own·(z × inverse) + sex·s + age·a (+ cohort·c)`, in that order of additions (the
/// cohort's term with `COHORT`, `cohort` then as long as `values`); returns the
/// `sum_of_squares` of the result (same bits).
#[inline(always)]
fn combine<const COHORT: bool>(
    values: &mut [f32],
    inverse: f64,
    w: Weights,
    [sex, age, cohort]: [&[f32]; 3],
) -> f64 {
    let d = values.len();
    let value = |z: f32, s: f32, a: f32, c: f32| {
        let mut value = w.own * (f64::from(z) * inverse) as f32 + w.sex * s + w.age * a;
        if COHORT {
            value += w.cohort * c;
        }
        value
    };
    let (blocks, rest) = values.as_chunks_mut::<8>();
    let (sex_blocks, sex_rest) = sex[..d].as_chunks::<8>();
    let (age_blocks, age_rest) = age[..d].as_chunks::<8>();
    let (cohort_blocks, cohort_rest) =
        if COHORT { cohort[..d].as_chunks::<8>() } else { (&[][..], &[][..]) };
    let mut squares = SquareSum::default();
    // The whole blocks in AVX-512 registers when the CPU has them (same bits), else below.
    #[cfg(target_arch = "x86_64")]
    let blocks = match wide::token() {
        Some(token) => {
            let cohort = if COHORT { Some(cohort_blocks) } else { None };
            let parts = wide::Parts { sex: sex_blocks, age: age_blocks, cohort };
            squares = wide::combine(token, blocks, inverse, w, parts, squares);
            &mut [][..]
        }
        None => blocks,
    };
    for (b, block) in blocks.iter_mut().enumerate() {
        // Copies first, so that no load follows a store (which would not vectorise: the
        // compiler cannot assume the directions apart from `values`). Plain loops, not
        // `array::from_fn` or `map`: those may stay calls, compiled without wide vectors.
        let (z, s, a) = (*block, sex_blocks[b], age_blocks[b]);
        let c = if COHORT { cohort_blocks[b] } else { [0.0; 8] };
        for lane in 0..8 {
            block[lane] = value(z[lane], s[lane], a[lane], c[lane]);
        }
        squares.add(block);
    }
    for (i, z) in rest.iter_mut().enumerate() {
        let c = if COHORT { cohort_rest[i] } else { 0.0 };
        *z = value(*z, sex_rest[i], age_rest[i], c);
    }
    squares.finish(rest)
}

#[cfg(target_arch = "x86_64")]
mod wide {
    //! [`super::combine`]'s whole blocks in AVX-512 registers (LLVM made two-lane code of
    //! the portable loop): the same operations in the same order a lane, so the same bits.

    use archmage::prelude::*;

    use super::Weights;
    use crate::kernels::SquareSum;

    /// The token, when the CPU has x86-64-v4 (cached).
    #[inline(always)]
    pub(super) fn token() -> Option<X64V4Token> {
        X64V4Token::summon()
    }

    /// The directions' blocks of eight, as long as the values' (the cohort's if it has one).
    pub(super) struct Parts<'a> {
        pub(super) sex: &'a [[f32; 8]],
        pub(super) age: &'a [[f32; 8]],
        pub(super) cohort: Option<&'a [[f32; 8]]>,
    }

    /// `x ← ((own·(z × inverse) + sex·s) + age·a) (+ cohort·c)` on every block, the squares
    /// added to `squares` in block order.
    #[arcane(import_intrinsics)]
    pub(super) fn combine(
        _token: X64V4Token,
        blocks: &mut [[f32; 8]],
        inverse: f64,
        w: Weights,
        parts: Parts<'_>,
        squares: SquareSum,
    ) -> SquareSum {
        let n = blocks.len();
        let (sex, age) = (&parts.sex[..n], &parts.age[..n]);
        let inverse = _mm512_set1_pd(inverse);
        let (own, sex_w, age_w, cohort_w) = (
            _mm256_set1_ps(w.own),
            _mm256_set1_ps(w.sex),
            _mm256_set1_ps(w.age),
            _mm256_set1_ps(w.cohort),
        );
        let mut acc = _mm512_loadu_pd(&squares.lanes());
        for (b, block) in blocks.iter_mut().enumerate() {
            let z = _mm512_cvtps_pd(_mm256_loadu_ps(block));
            let scaled = _mm512_cvtpd_ps(_mm512_mul_pd(z, inverse));
            let mut value = _mm256_add_ps(
                _mm256_add_ps(
                    _mm256_mul_ps(own, scaled),
                    _mm256_mul_ps(sex_w, _mm256_loadu_ps(&sex[b])),
                ),
                _mm256_mul_ps(age_w, _mm256_loadu_ps(&age[b])),
            );
            if let Some(cohort) = parts.cohort {
                value = _mm256_add_ps(value, _mm256_mul_ps(cohort_w, _mm256_loadu_ps(&cohort[b])));
            }
            _mm256_storeu_ps(block, value);
            let wide = _mm512_cvtps_pd(value);
            acc = _mm512_add_pd(acc, _mm512_mul_pd(wide, wide));
        }
        let mut lanes = [0.0_f64; 8];
        _mm512_storeu_pd(&mut lanes, acc);
        SquareSum::from_lanes(lanes)
    }
}

/// A stable stream number for a cohort label (FNV-1a, above the fixed streams).
fn cohort_stream(label: &str) -> u64 {
    let hash = label
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    hash | (1 << 63)
}

fn unit_gaussian(rng: &mut Pcg64Mcg, d: usize) -> Vec<f32> {
    let mut v = vec![0.0_f32; d];
    with_widest_vectors(
        #[inline(always)]
        || {
            let (sum, _) = fill_then::<true>(rng, &mut v, None);
            scale(&mut v, inverse(sum.sqrt()));
        },
    );
    v
}
