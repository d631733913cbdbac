//! Bad input anywhere in the API is a typed error naming the input, never a panic.

use navbat_fit::{
    CensoredSample, Empirical, Family, FitError, GofConfig, ProportionInterval, Sample,
    bootstrap_gof, dispersion_test, fit_censored, logistic_trend, piecewise_rate,
    piecewise_rate_from_times, select_by_aic, shares,
};

#[test]
fn every_entry_point_refuses_bad_numbers_with_a_typed_error() {
    let nan = f64::NAN;
    // Complete samples.
    assert_eq!(Sample::new(&[]), Err(FitError::Empty { what: "sample" }));
    assert!(matches!(Sample::new(&[1.0, nan]), Err(FitError::NotFinite { index: 1, .. })));
    assert!(matches!(Sample::new(&[-1.0, 2.0]), Err(FitError::OutOfRange { index: 0, .. })));
    assert!(matches!(Sample::new(&[1.0]), Err(FitError::TooFew { .. })));
    assert!(matches!(Empirical::new(&[nan]), Err(FitError::NotFinite { .. })));
    // Families and bootstrap settings.
    let s = Sample::new(&[1.0, 2.0, 4.0]).unwrap();
    assert_eq!(select_by_aic(&s, &[]), Err(FitError::Empty { what: "families" }));
    assert!(matches!(
        bootstrap_gof(Family::Gamma, &s, GofConfig::new(0, 1)),
        Err(FitError::InvalidSetting { what: "replicates", .. })
    ));
    // Censored samples.
    assert!(matches!(CensoredSample::new(&[], &[]), Err(FitError::Empty { .. })));
    assert!(matches!(
        CensoredSample::new(&[1.0], &[nan]),
        Err(FitError::NotFinite { what: "censoring times", .. })
    ));
    let censored_only = CensoredSample::new(&[], &[3.0]).unwrap();
    for family in [Family::Exponential, Family::Weibull, Family::LogNormal] {
        assert!(matches!(fit_censored(family, &censored_only), Err(FitError::TooFew { .. })));
    }
    // Arrivals.
    assert!(matches!(piecewise_rate(&[], &[]), Err(FitError::Empty { .. })));
    assert!(matches!(piecewise_rate(&[1], &[nan]), Err(FitError::NotFinite { .. })));
    assert!(matches!(piecewise_rate(&[1], &[-2.0]), Err(FitError::OutOfRange { .. })));
    assert!(matches!(
        piecewise_rate_from_times(&[nan], &[0.0, 1.0]),
        Err(FitError::NotFinite { .. })
    ));
    assert!(matches!(piecewise_rate_from_times(&[0.5], &[0.0]), Err(FitError::TooFew { .. })));
    assert!(matches!(dispersion_test(&[]), Err(FitError::Empty { .. })));
    // Shares and trends.
    assert!(matches!(shares(&[], ProportionInterval::Wilson), Err(FitError::Empty { .. })));
    assert!(matches!(
        logistic_trend(&[0.0, nan], &[1, 1], &[2, 2]),
        Err(FitError::NotFinite { what: "times", index: 1, .. })
    ));
    // Errors print where and what.
    let e = Sample::new(&[1.0, 2.0, -3.0]).unwrap_err();
    assert_eq!(e.to_string(), "sample[2] is -3; it must be greater than zero");
}
