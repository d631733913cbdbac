//! The latent capture's score against the built capture's: the same law. Two samples of
//! 8,000 sessions each (seed 2026), every session drawn in the engine's order (record photo
//! at the officer station, then a live capture at the kiosk): the old path builds both
//! templates and takes their cosine, the new one scores the live capture against the
//! record photo's `LatentCapture`. Checked per group and for impostors: the two-sample
//! Kolmogorov–Smirnov distance at α = 0.001, the means and the variances within four
//! standard errors, and the tails (the share of the new sample beyond the old sample's 1 %
//! and 0.1 % quantiles) within four binomial standard errors.

use navbat_matching::{AgeBand, BiometricModel, Device, Group, PersonId, Population, Sex};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// Sessions per path and case.
const SESSIONS: u64 = 8000;

/// Scores of `SESSIONS` sessions of `group` (people from `first`); with `impostor`, the live
/// capture is another person's of the same group. `latent`: the record photo is scored as a
/// latent capture, else built. Failures to acquire are left out.
fn scores(
    population: &Population,
    group: &Group,
    first: u64,
    impostor: bool,
    latent: bool,
) -> Vec<f64> {
    let mut out: Vec<f64> = (first..first + SESSIONS)
        .into_par_iter()
        .filter_map(|p| {
            let identity = population.identity(PersonId(p), group);
            let mut rng = ChaCha8Rng::seed_from_u64(91);
            rng.set_stream(p);
            let face = if impostor {
                population.identity(PersonId(p | 1 << 40), group)
            } else {
                identity.clone()
            };
            let score = if latent {
                let record = population.latent_capture(&identity, Device::OfficerStation, &mut rng);
                let live =
                    population.capture(&face, Device::KioskCamera, &mut rng).into_capture()?;
                record.score(&identity, &live.template).unwrap()?
            } else {
                let record =
                    population.capture(&identity, Device::OfficerStation, &mut rng).into_capture();
                let live =
                    population.capture(&face, Device::KioskCamera, &mut rng).into_capture()?;
                live.template.score(&record?.template).unwrap()
            };
            Some(f64::from(score))
        })
        .collect();
    out.sort_by(f64::total_cmp);
    out
}

/// Mean, variance, and the standard errors of both (the variance's from the fourth moment).
fn moments(x: &[f64]) -> [f64; 4] {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let m4 = x.iter().map(|v| (v - mean).powi(4)).sum::<f64>() / n;
    [mean, var, (var / n).sqrt(), ((m4 - var * var) / n).sqrt()]
}

/// Two-sample Kolmogorov–Smirnov distance of two sorted samples.
fn ks(a: &[f64], b: &[f64]) -> f64 {
    let (mut i, mut j, mut d) = (0, 0, 0.0_f64);
    while i < a.len() && j < b.len() {
        let x = a[i].min(b[j]);
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        d = d.max((i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs());
    }
    d
}

/// Compares the two laws; `upper`: the tail that matters is the upper one (impostors).
fn check(name: &str, old: &[f64], new: &[f64], upper: bool) {
    let (n, m) = (old.len() as f64, new.len() as f64);
    let d = ks(old, new);
    let critical = 1.95 * ((n + m) / (n * m)).sqrt();
    let [mo, vo, so, svo] = moments(old);
    let [mn, vn, sn, svn] = moments(new);
    eprintln!(
        "{name}: n {n}/{m}, KS {d:.4} (crit {critical:.4}), mean {mo:.5}/{mn:.5}, var {vo:.3e}/{vn:.3e}"
    );
    assert!(d < critical, "{name}: KS distance {d} ≥ {critical}");
    assert!((mo - mn).abs() < 4.0 * (so * so + sn * sn).sqrt(), "{name}: means {mo} {mn}");
    assert!((vo - vn).abs() < 4.0 * (svo * svo + svn * svn).sqrt(), "{name}: variances {vo} {vn}");
    for share in [0.01, 0.001] {
        let k = ((n * share) as usize).max(1);
        let (cut, beyond) = if upper {
            let cut = old[old.len() - k];
            (cut, new.iter().filter(|&&v| v >= cut).count())
        } else {
            let cut = old[k - 1];
            (cut, new.iter().filter(|&&v| v <= cut).count())
        };
        let p = beyond as f64 / m;
        let se = (share * (1.0 - share) * (1.0 / n + 1.0 / m)).sqrt();
        eprintln!("  tail {share}: cut {cut:.4}, new share {p:.5}");
        assert!((p - share).abs() < 4.0 * se + 1.0 / n, "{name}: tail {share}: {p}");
    }
}

#[test]
fn latent_record_photo_scores_follow_the_built_captures_law() {
    let mut model = BiometricModel::default();
    model.cohorts.insert(
        "region:test".to_owned(),
        navbat_matching::GroupEffect {
            shared_similarity: 0.01,
            ..navbat_matching::GroupEffect::NEUTRAL
        },
    );
    let population = Population::new(2026, model).unwrap();
    let groups = [
        Group::new(AgeBand::Adult, Sex::Male),
        Group::new(AgeBand::Child, Sex::Female),
        Group::new(AgeBand::Elderly, Sex::Female).with_cohort("region:test"),
    ];
    // Each sample has people of its own, so that no two samples share identities.
    for (g, group) in (0_u64..).zip(&groups) {
        let name = format!("{:?} {:?} {}", group.age_band, group.sex, group.cohort);
        let old = scores(&population, group, g << 24, false, false);
        let new = scores(&population, group, (g << 24) | 1 << 20, false, true);
        check(&format!("genuine {name}"), &old, &new, false);
    }
    let group = &groups[2];
    let old = scores(&population, group, 7 << 24, true, false);
    let new = scores(&population, group, (7 << 24) | 1 << 20, true, true);
    check("impostor Elderly Female region:test", &old, &new, true);
}

#[test]
fn a_latent_capture_keeps_the_callers_stream_where_a_built_one_leaves_it() {
    let population = Population::new(5, BiometricModel::default()).unwrap();
    let group = Group::new(AgeBand::Adult, Sex::Female);
    let identity = population.identity(PersonId(3), &group);
    for stream in 0..200 {
        let mut built = ChaCha8Rng::seed_from_u64(4);
        built.set_stream(stream);
        let mut latent = built.clone();
        let b = population.capture(&identity, Device::KioskCamera, &mut built);
        let l = population.latent_capture(&identity, Device::KioskCamera, &mut latent);
        assert_eq!(b.capture().is_some(), l.acquired());
        assert_eq!(built.get_word_pos(), latent.get_word_pos());
    }
}

#[test]
fn a_latent_capture_that_failed_scores_nothing_and_a_wrong_dimension_is_an_error() {
    let mut model = BiometricModel::default();
    model.kiosk_camera.failure_to_acquire = 1.0;
    let population = Population::new(5, model).unwrap();
    let group = Group::new(AgeBand::Adult, Sex::Male);
    let identity = population.identity(PersonId(1), &group);
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let probe = population.capture(&identity, Device::OfficerStation, &mut rng).into_capture();
    let failed = population.latent_capture(&identity, Device::KioskCamera, &mut rng);
    assert!(!failed.acquired());
    if let Some(probe) = probe {
        assert_eq!(failed.score(&identity, &probe.template).unwrap(), None);
    }
    let acquired = population.latent_capture(&identity, Device::OfficerStation, &mut rng);
    let short = navbat_matching::Template::new(vec![1.0; 8]).unwrap();
    assert!(acquired.score(&identity, &short).is_err());
}

#[test]
fn given_the_live_capture_and_the_noise_level_the_latent_score_has_the_built_ones_law() {
    // A fixed noise level leaves only the direction of the noise to chance: the law that
    // the three scalar draws replace, with the live capture and the identity held fixed.
    let mut model = BiometricModel::default();
    model.officer_station.noise_log_sd = 0.0;
    model.officer_station.failure_to_acquire = 0.0;
    let population = Population::new(11, model).unwrap();
    let group = Group::new(AgeBand::Adult, Sex::Female);
    let identity = population.identity(PersonId(8), &group);
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let live = loop {
        if let Some(c) = population.capture(&identity, Device::KioskCamera, &mut rng).into_capture()
        {
            break c.template;
        }
    };
    let sample = |latent: bool| {
        let mut out: Vec<f64> = (0..SESSIONS)
            .into_par_iter()
            .map(|k| {
                let mut rng = ChaCha8Rng::seed_from_u64(if latent { 5 } else { 6 });
                rng.set_stream(k);
                let score = if latent {
                    population
                        .latent_capture(&identity, Device::OfficerStation, &mut rng)
                        .score(&identity, &live)
                        .unwrap()
                        .unwrap()
                } else {
                    let record = population.capture(&identity, Device::OfficerStation, &mut rng);
                    live.score(&record.into_capture().unwrap().template).unwrap()
                };
                f64::from(score)
            })
            .collect();
        out.sort_by(f64::total_cmp);
        out
    };
    check("fixed live capture and noise level", &sample(false), &sample(true), false);
}
