//! Prints the calibration table of the default biometric model (release build recommended).

use navbat_matching::{
    AgeBand, BiometricModel, Device, Group, PersonId, Population, Sex, Template, isotropic_fmr,
    isotropic_threshold_for_fmr,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn main() -> Result<(), navbat_matching::MatchError> {
    let population = Population::new(2026, BiometricModel::default())?;
    let d = population.model().dimension;
    let t6 = isotropic_threshold_for_fmr(d, 1e-6)?;
    let t4 = isotropic_threshold_for_fmr(d, 1e-4)?;
    let t_1n = isotropic_threshold_for_fmr(d, 1e-9)?;
    println!(
        "threshold FMR1e-6 {:.4}  FMR1e-4 {:.4}  FMR1e-9 {:.4}",
        t6.value(),
        t4.value(),
        t_1n.value()
    );
    let groups = [
        Group::new(AgeBand::Adult, Sex::Male),
        Group::new(AgeBand::Adult, Sex::Female),
        Group::new(AgeBand::Child, Sex::Male),
        Group::new(AgeBand::Adolescent, Sex::Male),
        Group::new(AgeBand::Elderly, Sex::Male),
        Group::new(AgeBand::Elderly, Sex::Female),
    ];
    let n: u64 = std::env::var("N").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let m = 1500usize;
    for group in &groups {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let mut enrol: Vec<Template> = Vec::new();
        let mut fte = 0;
        let mut probes: [Vec<Option<Template>>; 3] = Default::default();
        for p in 0..n {
            let id = population.identity(PersonId(p), group);
            let Some(e) = population.capture(&id, Device::OfficerStation, &mut rng).into_capture()
            else {
                fte += 1;
                continue;
            };
            enrol.push(e.template);
            for (k, dev) in [Device::OfficerStation, Device::KioskCamera, Device::Mobile]
                .into_iter()
                .enumerate()
            {
                probes[k].push(
                    population.capture(&id, dev, &mut rng).into_capture().map(|c| c.template),
                );
            }
        }
        print!("{:?}/{:?}: FTE {:.4}", group.age_band, group.sex, fte as f64 / n as f64);
        for (k, name) in ["officer", "kiosk", "mobile"].iter().enumerate() {
            let mut fta = 0;
            let mut fnm6 = 0;
            let mut fnm9 = 0;
            let mut tot = 0;
            for (e, p) in enrol.iter().zip(&probes[k]) {
                match p {
                    None => fta += 1,
                    Some(p) => {
                        tot += 1;
                        let s = e.score(p)?;
                        if s < t6.value() {
                            fnm6 += 1;
                        }
                        if s < t_1n.value() {
                            fnm9 += 1;
                        }
                    }
                }
            }
            let all = probes[k].len() as f64;
            print!(
                " | {name}: FTA {:.4} FNMR6 {:.4} FNMR9 {:.4} notmatched {:.4}",
                fta as f64 / all,
                fnm6 as f64 / tot as f64,
                fnm9 as f64 / tot as f64,
                (fta + fnm6) as f64 / all
            );
        }
        // impostors: enrolment i vs kiosk probe j, i != j
        let mut scores = Vec::new();
        for (i, e) in enrol.iter().take(m).enumerate() {
            for (j, p) in probes[1].iter().take(m).enumerate() {
                if let (true, Some(p)) = (i != j, p) {
                    scores.push(e.score(p)? as f64);
                }
            }
        }
        let mean = scores.iter().sum::<f64>() / scores.len() as f64;
        let sd =
            (scores.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / scores.len() as f64).sqrt();
        let fmr4 = scores.iter().filter(|&&s| s >= f64::from(t4.value())).count() as f64
            / scores.len() as f64;
        // shift-model extrapolation to 1e-6
        let sd0 = 1.0 / (d as f64).sqrt();
        let shifted = isotropic_fmr(
            d,
            navbat_matching::Threshold::new(
                (f64::from(t6.value()) - mean) as f32 * (sd0 / sd) as f32,
            )?,
        )?;
        println!(
            "\n   impostor mean {mean:.5} sd {sd:.5} (iso {sd0:.5}) FMR@t4 {fmr4:.2e} (x{:.2}) est FMR@t6 {shifted:.2e} (x{:.2})",
            fmr4 / 1e-4,
            shifted / 1e-6
        );
    }
    Ok(())
}
