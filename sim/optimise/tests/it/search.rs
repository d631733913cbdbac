//! The search's rules on small instances: the fairness penalty, and the greedy's ranking of steps
//! that cost no capital.

use std::path::Path;

use navbat_optimise::{Evaluator, Plan, Procedure, Search, Settings, Universe};

fn universe() -> Universe {
    let (raw, candidates) = super::brute::tiny();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    Universe::new(&raw, candidates, &base).unwrap()
}

fn settings(budget: f64, fairness_max_wait_min: Option<f64>) -> Settings {
    Settings {
        budget,
        max_evaluations: 60,
        replications: 4,
        fairness_max_wait_min,
        shortlist: 3,
        neighbours: 2,
        final_few: 3,
        procedure: Procedure { delta: 1e6, pcs: 0.95, first_stage: 4, max_replications: 8 },
    }
}

fn plan(u: &Universe, kiosks: &[u32]) -> Plan {
    let mut p = Plan::empty(u.len());
    p.kiosks.copy_from_slice(kiosks);
    p
}

/// Mean net benefit and mean wait by region of `p` over replications `0..reps`.
fn means(ev: &mut Evaluator<'_>, p: &Plan, reps: u32) -> (f64, Vec<f64>) {
    let values: Vec<_> = (0..reps).map(|r| ev.value(p, r).unwrap()).collect();
    let n = f64::from(reps);
    let net = values.iter().map(|v| v.net).sum::<f64>() / n;
    let regions = values[0].region_wait_min.len();
    let waits = (0..regions)
        .map(|i| values.iter().map(|v| v.region_wait_min[i]).sum::<f64>() / n)
        .collect();
    (net, waits)
}

fn worst(waits: &[f64]) -> f64 {
    waits.iter().copied().fold(0.0, f64::max)
}

#[test]
fn a_plan_that_breaks_the_fairness_bound_loses_to_one_that_keeps_it() {
    let u = universe();
    let mut ev = Evaluator::new(&u, 9, None).unwrap();
    let reps = 4;
    // Every plan of up to three kiosks a unit (no mall): where kiosks go trades net benefit
    // against the longest regional wait.
    let plans: Vec<Plan> =
        (0..=3).flat_map(|z| (0..=3).map(move |k| [z, k, 0])).map(|k| plan(&u, &k)).collect();
    let refs: Vec<&Plan> = plans.iter().collect();
    ev.ensure(&refs, 0..reps, &|| {}).unwrap();
    let rows: Vec<(f64, f64)> = plans
        .iter()
        .map(|p| {
            let (net, waits) = means(&mut ev, p, reps);
            (net, worst(&waits))
        })
        .collect();
    // The pair with the widest gap in net benefit where the richer plan has the longer wait.
    let mut pair = None;
    for (a, ra) in rows.iter().enumerate() {
        for (b, rb) in rows.iter().enumerate() {
            let gap = ra.0 - rb.0;
            if ra.1 > rb.1 + 2.0 && gap > 0.0 && pair.is_none_or(|(_, _, g)| gap > g) {
                pair = Some((a, b, gap));
            }
        }
    }
    let (a, b, _) = pair.expect("the instance trades net benefit against the longest wait");
    let (richer, fairer) = (&plans[a], &plans[b]);
    eprintln!(
        "richer {:?}: net {:.0}, longest regional wait {:.1} min; fairer {:?}: net {:.0}, {:.1} min",
        richer.kiosks, rows[a].0, rows[a].1, fairer.kiosks, rows[b].0, rows[b].1
    );
    let bound = (rows[a].1 + rows[b].1) / 2.0;
    let budget = u.capital(richer).max(u.capital(fairer));
    let totals = |ev: &mut Evaluator<'_>, fairness: Option<f64>| {
        let mut search = Search::new(ev, settings(budget, fairness), &|| {});
        let mut sums = [0.0, 0.0];
        for r in 0..reps {
            let s = search.sample(&[richer, fairer], r).unwrap();
            sums[0] += s[0];
            sums[1] += s[1];
        }
        sums
    };
    let free = totals(&mut ev, None);
    assert!(free[0] > free[1], "without a bound the score is the net benefit: {free:?}");
    let bounded = totals(&mut ev, Some(bound));
    eprintln!("bound {bound:.1} min: scores without {free:?}, with {bounded:?}");
    assert!(bounded[0] < free[0], "the plan that breaks the bound pays for it");
    assert!(bounded[0] < bounded[1], "and loses to the one that keeps it");
    // The whole search under the bound ends on a plan that keeps it.
    let found = Search::new(&mut ev, settings(budget, Some(bound)), &|| {}).run().unwrap();
    let (_, waits) = means(&mut ev, &found.best, reps);
    eprintln!("chosen under the bound: {:?}, waits {waits:?}", found.best);
    assert!(worst(&waits) <= bound, "{:?} waits {waits:?} above {bound}", found.best);
}

/// `tiny()`'s universe with assistants priced out of any plan (a yearly cost of 10^12) and at
/// most `max_assistants` of them a site.
fn priced_out(max_assistants: u32) -> Universe {
    let (raw, candidates) = super::brute::tiny();
    let mut text = ron::ser::to_string(&navbat_optimise::RawCandidates {
        costs: navbat_optimise::Costs { assistant_per_year: 1e12, ..candidates.costs },
        max_kiosks: 3,
        max_assistants,
        sites: vec![
            navbat_optimise::RawCandidate::Unit { site: "zangiota".to_owned() },
            navbat_optimise::RawCandidate::Unit { site: "uchkuprik".to_owned() },
        ],
    })
    .unwrap();
    text.push('\n');
    let candidates = navbat_optimise::Candidates::parse("priced-out.ron", &text, &raw).unwrap();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    Universe::new(&raw, candidates, &base).unwrap()
}

/// Regression (issue 20): a step that costs no capital ranked first whatever its value, so
/// once two sites had kiosks their worthless assistant steps filled the shortlists and the
/// greedy stopped (at 16 kiosks with 208 units). Worthless assistants must change nothing:
/// the greedy reaches the plan it reaches when no assistant can be placed at all.
#[test]
fn assistant_steps_that_add_nothing_do_not_stop_the_greedy() {
    let greedy = |u: &Universe| {
        let mut ev = Evaluator::new(u, 4, None).unwrap();
        let budget = 6.0 * u.scenario.economics.as_ref().unwrap().kiosk_capital;
        let s = Settings { shortlist: 1, max_evaluations: 200, ..settings(budget, None) };
        Search::new(&mut ev, s, &|| {}).greedy().unwrap()
    };
    let without = greedy(&priced_out(0));
    let with = greedy(&priced_out(1));
    eprintln!("greedy without assistants {without:?}, with worthless ones {with:?}");
    assert!(
        without.kiosks.iter().filter(|&&k| k > 0).count() == 2,
        "the instance must open both sites for the stall to show: {without:?}"
    );
    assert_eq!(with.kiosks, without.kiosks);
    assert_eq!(with.total_assistants(), 0);
}
