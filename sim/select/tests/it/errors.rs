//! Settings that cannot give a guarantee and samples that cannot be used are errors that say
//! which and what, never a selection.

use navbat_select::{Procedure, SelectError, kn_plus_plus};
use std::convert::Infallible;

const GOOD: Procedure = Procedure { delta: 1.0, pcs: 0.9, first_stage: 5, max_replications: 100 };

fn constant(alive: &[usize], _r: u32) -> Result<Vec<f64>, Infallible> {
    Ok(alive.iter().map(|&i| i as f64).collect())
}

#[track_caller]
fn refused(plans: usize, procedure: Procedure, words: &str) {
    match kn_plus_plus(plans, &procedure, constant) {
        Err(e @ SelectError::Procedure { .. }) => {
            let text = e.to_string();
            assert!(text.contains(words), "{text:?} does not say {words:?}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn bad_settings_are_refused_with_the_setting_named() {
    refused(0, GOOD, "no plan");
    for delta in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        refused(3, Procedure { delta, ..GOOD }, "indifference zone");
    }
    for pcs in [0.2, 1.0, f64::NAN] {
        refused(3, Procedure { pcs, ..GOOD }, "between 1/3 and 1");
    }
    refused(3, Procedure { first_stage: 1, ..GOOD }, "at least 2");
    refused(3, Procedure { max_replications: 4, ..GOOD }, "below the first stage");
}

#[test]
fn the_samplers_error_is_passed_on_with_its_replication() {
    let result =
        kn_plus_plus(2, &GOOD, |_, r| if r == 3 { Err("disk full") } else { Ok(vec![0.0, 1.0]) });
    match result {
        Err(SelectError::Sample { replication: 3, source: "disk full" }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_wrong_count_or_a_nan_is_an_error() {
    let short = kn_plus_plus(3, &GOOD, |_, _| Ok::<_, Infallible>(vec![1.0]));
    assert!(matches!(short, Err(SelectError::Length { replication: 0, expected: 3, got: 1 })));
    let nan = kn_plus_plus(2, &GOOD, |_, r| {
        Ok::<_, Infallible>(if r == 2 { vec![0.0, f64::NAN] } else { vec![0.0, 1.0] })
    });
    match nan {
        Err(e @ SelectError::NotFinite { plan: 1, replication: 2, .. }) => {
            assert!(e.to_string().contains("plan 1, replication 2 gave NaN"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}
