//! navbat-calibrate's integration tests: tidiness and the library's refusals. The recovery
//! of known parameters runs through the CLI (sim/cli/tests/it/calibrate.rs), which writes
//! the records a simulated run produces.

use navbat_calibrate::{CalibrateError, Options, calibrate, erlang_a};
use navbat_records::{Log, Records, SkipReport};

#[test]
fn every_source_file_starts_with_a_module_doc_line() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for sub in ["src", "tests/it"] {
        for entry in std::fs::read_dir(dir.join(sub)).expect("folder") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("read");
                assert!(text.starts_with("//!"), "{} does not start with //!", path.display());
            }
        }
    }
}

#[test]
fn an_empty_ticket_log_is_refused_not_fitted() {
    let records = Records {
        tickets: Log {
            rows: Vec::new(),
            extra_columns: Vec::new(),
            skipped: SkipReport::default(),
        },
        kiosks: None,
        roster: None,
    };
    let err = calibrate(&records, None, &Options::default()).expect_err("nothing to fit");
    assert!(matches!(err, CalibrateError::NoTickets), "{err}");
}

#[test]
fn erlang_a_refuses_bad_rates_and_an_unstable_erlang_c() {
    assert!(erlang_a(1.0, 0.0, 1.0, 2).is_none());
    assert!(erlang_a(f64::NAN, 1.0, 1.0, 2).is_none());
    assert!(erlang_a(3.0, 1.0, 0.0, 2).is_none(), "λ ≥ nμ without abandonment has no steady state");
    let a = erlang_a(3.0, 1.0, 0.2, 2).expect("abandonment makes it stable");
    assert!(a.p_abandon > 0.0 && a.p_abandon < 1.0 && a.p_wait > 0.5, "{a:?}");
}
