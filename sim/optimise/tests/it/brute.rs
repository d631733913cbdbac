//! Honest against brute force: on small instances where every plan is enumerated, the
//! optimiser's plan is within the indifference zone of the exhaustive best for at least 95 %
//! of seeds while evaluating at most a quarter of the plans.

use std::path::Path;

use navbat_optimise::{
    Candidates, Costs, Evaluator, Plan, Procedure, RawCandidate, RawCandidates, RawDraw, Search,
    Settings, Universe,
};
use navbat_scenario::{RawEconomics, RawScenario};

/// Days simulated: two working weeks keep the test short on two cores.
const DAYS: u32 = 14;

/// Two pilot units (Zangiota, Uchkuprik) over `DAYS` days, no back office or Face-ID, demand
/// doubled so queues form; prices scaled to the horizon (a kiosk's yearly cost × DAYS / 365),
/// plus a mall drawing 30 % of Zangiota's demand.
pub(crate) fn tiny() -> (RawScenario, Candidates) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/pilot-2026.ron");
    let text = std::fs::read_to_string(&root).unwrap();
    let mut raw = navbat_scenario::parse_raw("pilot-2026.ron", &text).unwrap();
    raw.sites.retain(|s| s.id == "zangiota" || s.id == "uchkuprik");
    raw.candidates.clear();
    raw.face_id = None;
    raw.workflows = None;
    raw.horizon.start = "2026-06-01".to_owned();
    raw.horizon.end = "2026-06-14".to_owned();
    raw.horizon.warm_up_days = 0;
    for s in &mut raw.sites {
        for d in &mut s.demand {
            d.yearly *= 2.0;
        }
    }
    let scale = f64::from(DAYS) / 365.0;
    raw.economics = Some(RawEconomics {
        currency: "UZS".to_owned(),
        kiosk_capital: 180e6 * scale,
        kiosk_life_years: 5.0,
        kiosk_running_per_year: 24e6 * scale,
        officer_hour: 60_000.0,
        citizen_hour: 30_000.0,
    });
    let cand = RawCandidates {
        costs: Costs {
            assistant_per_year: 72e6 * scale,
            new_site_capital: 150e6 * scale,
            new_site_per_year: 144e6 * scale,
        },
        max_kiosks: 3,
        max_assistants: 1,
        sites: vec![
            RawCandidate::Unit { site: "zangiota".to_owned() },
            RawCandidate::Unit { site: "uchkuprik".to_owned() },
            RawCandidate::New {
                id: "zangiota-mall".to_owned(),
                name: "Zangiota mall".to_owned(),
                kind: navbat_scenario::SiteKind::ShoppingMall,
                region: "Tashkent region".to_owned(),
                lat: 41.2,
                lon: 69.2,
                footfall_per_day: 20_000.0,
                draws: vec![RawDraw { unit: "zangiota".to_owned(), share: 0.3, services: vec![] }],
            },
        ],
    };
    let text = ron::ser::to_string(&cand).unwrap();
    let candidates = Candidates::parse("tiny.ron", &text, &raw).unwrap();
    (raw, candidates)
}

/// Every plan within `budget`.
fn every_plan(u: &Universe, budget: f64) -> Vec<Plan> {
    let per_site: Vec<(u32, u32)> = std::iter::once((0, 0))
        .chain(
            (1..=u.candidates.max_kiosks)
                .flat_map(|k| (0..=u.candidates.max_assistants).map(move |a| (k, a))),
        )
        .collect();
    let mut plans = vec![Plan::empty(0)];
    for _ in 0..u.len() {
        plans = plans
            .into_iter()
            .flat_map(|p| {
                per_site.iter().map(move |&(k, a)| {
                    let mut q = p.clone();
                    q.kiosks.push(k);
                    q.assistants.push(a);
                    q
                })
            })
            .collect();
    }
    plans.retain(|p| u.capital(p) <= budget);
    plans
}

#[test]
fn the_optimiser_finds_the_exhaustive_best_within_the_indifference_zone() {
    let (raw, candidates) = tiny();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let u = Universe::new(&raw, candidates, &base).unwrap();
    let kiosk_capital = 180e6 * f64::from(DAYS) / 365.0;
    let budget = 5.0 * kiosk_capital + 150e6 * f64::from(DAYS) / 365.0;
    let plans = every_plan(&u, budget);
    assert!(plans.len() <= 200 && plans.len() >= 100, "{} plans", plans.len());
    // Indifference zone: half a kiosk's cost over the horizon.
    let delta = 0.5 * (180e6 / 5.0 + 24e6) * f64::from(DAYS) / 365.0;
    let truth_reps = 30;
    let seeds: Vec<u64> = (1..=20).collect();
    let mut within = 0;
    let mut evaluated = Vec::new();
    let mut near_best = Vec::new();
    for &seed in &seeds {
        let mut ev = Evaluator::new(&u, seed, None).unwrap();
        // Brute force: every plan on `truth_reps` common replications.
        let refs: Vec<&Plan> = plans.iter().collect();
        ev.ensure(&refs, 0..truth_reps, &|| {}).unwrap();
        let truth: Vec<f64> = plans
            .iter()
            .map(|p| {
                (0..truth_reps).map(|r| ev.value(p, r).unwrap().net).sum::<f64>()
                    / f64::from(truth_reps)
            })
            .collect();
        let best = truth.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        // The test could fail: few plans are that good, so a plan picked blindly is not.
        let good = truth.iter().filter(|&&t| t >= best - delta).count();
        near_best.push(good);
        let settings = Settings {
            budget,
            max_evaluations: plans.len() / 4,
            replications: 5,
            fairness_max_wait_min: None,
            shortlist: 3,
            neighbours: 2,
            final_few: 3,
            procedure: Procedure {
                delta,
                pcs: 0.95,
                first_stage: 10,
                max_replications: truth_reps,
            },
        };
        let found = Search::new(&mut ev, settings, &|| {}).run().unwrap();
        let i = plans.iter().position(|p| *p == found.best).unwrap();
        evaluated.push(found.evaluations);
        assert!(
            found.evaluations <= plans.len() / 4,
            "seed {seed}: {} evaluations",
            found.evaluations
        );
        if truth[i] >= best - delta {
            within += 1;
        } else {
            eprintln!(
                "seed {seed}: chose {:?} worth {:.0}, best {:.0}",
                found.best, truth[i], best
            );
        }
    }
    let share = f64::from(within) / seeds.len() as f64;
    eprintln!(
        "{} plans; within the indifference zone ({delta:.0} UZS) of the exhaustive best for {within} of {} seeds ({:.0} %); plans evaluated {:?}",
        plans.len(),
        seeds.len(),
        share * 100.0,
        evaluated
    );
    eprintln!("plans within the zone of the best, by seed: {near_best:?}");
    assert!(share >= 0.95, "{within} of {} seeds", seeds.len());
    let blind = near_best.iter().sum::<usize>() as f64 / (near_best.len() * plans.len()) as f64;
    assert!(
        blind < 0.1,
        "{:.0} % of plans are within the zone: the instance is too flat",
        blind * 100.0
    );
}
