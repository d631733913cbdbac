//! The self-checks of `navbat selfcheck`, in their quick design: every check passes on this
//! engine, with the power it promises, against theory values computed here independently.

use navbat_engine::{SelfcheckDesign, erlang_c_mean_wait, erlang_c_wait_quantile, run_selfcheck};

#[test]
fn the_quick_self_checks_pass_with_their_power() {
    let design = SelfcheckDesign::quick();
    let file = run_selfcheck(&design, 1, &|_| {}).expect("runs");
    assert_eq!(file.checks.len(), 8, "{file:?}");
    let level = 1.0 - 0.05 / 8.0;
    for c in &file.checks {
        assert!(c.theory.is_finite() && c.theory > 0.0, "{c:?}");
        assert!(c.ci_low <= c.estimate && c.estimate <= c.ci_high, "{c:?}");
        assert!((c.level - level).abs() < 1e-12, "{c:?}");
        assert!(c.power >= 0.9, "{c:?}");
        assert!(c.replications >= c.pilot_replications, "{c:?}");
        // The interval is informative: narrower than the bias it is meant to detect, twice.
        assert!(c.ci_high - c.ci_low < 2.0 * c.detectable_bias, "{c:?}");
        assert!(c.passed, "{c:?}");
    }
    assert!(file.passed());
    // M/M/3, λ = 0.6, μ = 0.25 a minute: Erlang C by hand, P(wait) = 0.6472.
    let by_name = |n: &str| file.checks.iter().find(|c| c.name == n).expect(n);
    let w = erlang_c_mean_wait(0.6, 0.25, 3).expect("stable");
    assert!((w - 0.647_191 / 0.15).abs() < 1e-4, "{w}");
    assert_eq!(by_name("mmc-mean-wait").theory, w);
    let p90 = erlang_c_wait_quantile(0.6, 0.25, 3, 0.9).expect("stable");
    assert!((p90 - (0.647_191f64 / 0.1).ln() / 0.15).abs() < 1e-3, "{p90}");
    assert_eq!(by_name("mmc-p90-wait").theory, p90);
    // Priority: the first class waits less, the others more, than FCFS.
    assert!(
        by_name("priority-first-wait").theory < w && w < by_name("priority-others-wait").theory
    );
    // The time-varying model's peak hour waits longer than its day on average.
    assert!(by_name("mt-peak-hour-wait").theory > 2.0 * by_name("mt-daily-wait").theory);
}
