//! Known answers: values from published tables and from SciPy, lifelines and statsmodels,
//! computed once and pasted here (the tests do not run Python).
//!
//! Reference script (SciPy, lifelines, statsmodels, run once in a throwaway venv): maximum
//! likelihood estimates solved to 1e-15 with `scipy.optimize.brentq` on the profile equations
//! (gamma: ln k − ψ(k) = ln x̄ − mean ln x; Weibull: Σxᵏ ln x / Σxᵏ − 1/k = mean ln x, events
//! only on the right when censored) and, for the censored lognormal, Nelder–Mead then BFGS
//! with gtol 1e-12 — `scipy.stats.*.fit` and lifelines stop near 1e-5 relative, too loose to
//! pin to; log-likelihoods from `scipy.stats` log-densities; `scipy.stats.kstest`; lifelines
//! `KaplanMeierFitter` (log-log Greenwood intervals) and the standard errors of
//! `WeibullFitter` and `LogNormalFitter` on the 6-MP data; statsmodels `proportion_confint`
//! and a binomial `GLM` on Bliss's beetles.

use navbat_fit::{
    CensoredSample, Distribution, Empirical, Family, KaplanMeier, ProportionInterval, Sample,
    Z_SCORE_95, fit, fit_censored, ks_statistic, logistic_trend, proportion_interval,
};

const X: [f64; 10] = [0.3, 0.9, 1.4, 2.2, 2.5, 3.9, 4.1, 6.0, 7.7, 12.0];

fn close(got: f64, want: f64, rel: f64) -> bool {
    (got - want).abs() <= rel * want.abs().max(1e-300)
}

#[test]
fn complete_fits_match_scipy() {
    let s = Sample::new(&X).unwrap();
    // (family, parameters, log-likelihood, relative tolerance of the parameters). The gamma
    // and Weibull shapes are roots found by Brent's method to a few ulps, as the references
    // are; the lognormal references carry 12 digits.
    let cases = [
        (
            Family::Gamma,
            [1.307_558_720_610_302_5, 0.318_916_761_124_464_04],
            -23.903_722_620_896_218,
            1e-13,
        ),
        (
            Family::Weibull,
            [1.183_155_217_051_954_4, 4.344_826_983_304_456],
            -23.899_633_569_648_852,
            1e-13,
        ),
        (Family::LogNormal, [0.982_173_698_36, 1.038_429_188_61], -24.388_214_073_5, 1e-10),
    ];
    for (family, params, ll, rel) in cases {
        let f = fit(family, &s).unwrap();
        for (p, want) in f.parameters.iter().zip(params) {
            assert!(close(p.value, want, rel), "{family} {}: {} vs {want}", p.name, p.value);
        }
        assert!(close(f.log_likelihood, ll, 1e-9), "{family}: {}", f.log_likelihood);
    }
    // KS statistic against the fitted lognormal: scipy.stats.kstest.
    let ln = fit(Family::LogNormal, &s).unwrap();
    assert!(close(ks_statistic(&ln.distribution, s.sorted()), 0.142_363_855_575_479_43, 1e-9));
}

/// Freireich et al. (1963), Blood 21:699–716: weeks of remission on 6-MP (9 relapses, 12
/// censored), the textbook example of Kaplan–Meier (Kleinbaum & Klein, Survival Analysis).
fn six_mp() -> CensoredSample {
    CensoredSample::new(
        &[6.0, 6.0, 6.0, 7.0, 10.0, 13.0, 16.0, 22.0, 23.0],
        &[6.0, 9.0, 10.0, 11.0, 17.0, 19.0, 20.0, 25.0, 32.0, 32.0, 34.0, 35.0],
    )
    .unwrap()
}

#[test]
fn kaplan_meier_matches_the_6mp_table_and_lifelines() {
    let km = KaplanMeier::new(&six_mp());
    // (time, Ŝ, log-log 95 % interval) — Ŝ as tabulated in Kleinbaum & Klein (0.857, 0.807,
    // 0.753, 0.690, 0.627, 0.538, 0.448), all digits and the interval from lifelines.
    let table = [
        (6.0, 0.857_142_857_1, 0.619_717_955_3, 0.951_551_747_6),
        (7.0, 0.806_722_689_1, 0.563_146_564_6, 0.922_809_019_2),
        (10.0, 0.752_941_176_5, 0.503_199_510_8, 0.889_361_835_2),
        (13.0, 0.690_196_078_4, 0.431_610_222_5, 0.849_065_963_3),
        (16.0, 0.627_450_980_4, 0.367_510_856_0, 0.804_912_189_5),
        (22.0, 0.537_815_126_1, 0.267_778_936_8, 0.746_790_717_6),
        (23.0, 0.448_179_271_7, 0.188_052_006_0, 0.680_142_628_5),
    ];
    assert_eq!(km.steps.len(), table.len());
    for (step, (t, s, lo, hi)) in km.steps.iter().zip(table) {
        assert_eq!(step.time, t);
        assert!((step.survival - s).abs() < 1e-10, "{t}");
        assert!((step.ci95_low - lo).abs() < 1e-9, "{t}: {}", step.ci95_low);
        assert!((step.ci95_high - hi).abs() < 1e-9, "{t}: {}", step.ci95_high);
    }
    assert_eq!(km.median(), Some(23.0));
    assert_eq!(km.median_ci95(), (Some(13.0), None));
}

#[test]
fn censored_fits_match_lifelines_on_6mp() {
    let s = six_mp();
    // Standard errors: our intervals are on the log scale, se(p) = p · se(ln p) by the delta
    // method, which is how lifelines reports them.
    let se = |p: &navbat_fit::Parameter| p.value * (p.ci95_high / p.value).ln() / Z_SCORE_95;
    let w = fit_censored(Family::Weibull, &s).unwrap();
    let Distribution::Weibull { shape, scale } = w.distribution else { panic!("weibull fit") };
    assert!(close(shape, 1.353_734_523_826_221, 1e-13), "{shape}");
    assert!(close(scale, 33.765_150_967_634_96, 1e-13), "{scale}");
    assert!(close(w.log_likelihood, -41.658_678_476_881_55, 1e-12));
    assert!(close(se(&w.parameters[0]), 0.376_876, 1e-4), "{}", se(&w.parameters[0]));
    assert!(close(se(&w.parameters[1]), 9.230_386, 1e-4), "{}", se(&w.parameters[1]));
    let l = fit_censored(Family::LogNormal, &s).unwrap();
    let Distribution::LogNormal { mu, sigma } = l.distribution else { panic!("lognormal fit") };
    assert!(close(mu, 3.203_067_660_065_951, 1e-8), "{mu}");
    assert!(close(sigma, 0.978_724_792_807_315_5, 1e-8), "{sigma}");
    // statrs's erfc carries about 1e-10 relative error into ln S.
    assert!(close(l.log_likelihood, -40.680_155_869_907_87, 1e-9), "{}", l.log_likelihood);
    let mu_se = (l.parameters[0].ci95_high - mu) / Z_SCORE_95;
    assert!(close(mu_se, 0.286_134, 1e-4), "{mu_se}");
    assert!(close(se(&l.parameters[1]), 0.250_597, 1e-4));
    // Exponential: 9 relapses in 359 weeks of exposure (lifelines, whose λ is the mean, gets
    // 39.888867 by its optimiser).
    let e = fit_censored(Family::Exponential, &s).unwrap();
    assert!(close(e.parameters[0].value, 9.0 / 359.0, 1e-15));
    assert!(close(1.0 / e.parameters[0].value, 39.888_867_23, 1e-6));
    assert!(close(e.log_likelihood, 9.0 * (9.0f64 / 359.0).ln() - 9.0, 1e-14));
}

#[test]
fn proportions_match_statsmodels() {
    let (l, h) = proportion_interval(81, 263, ProportionInterval::Wilson);
    assert!(close(l, 0.255_288_519_878_274_2, 1e-12) && close(h, 0.366_209_576_982_8, 1e-12));
    let (l, h) = proportion_interval(81, 263, ProportionInterval::ClopperPearson);
    assert!(close(l, 0.252_736_745_585_271_26, 1e-8) && close(h, 0.367_621_922_601_351_4, 1e-8));
}

#[test]
fn logistic_trend_matches_bliss_beetles() {
    // Bliss (1935): beetles killed by CS₂ at eight doses; the logistic fit in Dobson &
    // Barnett, An Introduction to Generalized Linear Models, Table 7.3 (−60.72, 34.27; se
    // 5.18, 2.91), all digits from statsmodels.
    let dose = [1.6907, 1.7242, 1.7552, 1.7842, 1.8113, 1.8369, 1.8610, 1.8839];
    let n = [59, 60, 62, 56, 63, 59, 62, 60];
    let y = [6, 13, 18, 28, 52, 53, 61, 60];
    let t = logistic_trend(&dose, &y, &n).unwrap();
    // The references carry 10 digits.
    assert!(close(t.intercept.value, -60.717_454_56, 1e-9));
    assert!(close(t.slope.value, 34.270_325_73, 1e-9));
    let se0 = (t.intercept.ci95_high - t.intercept.value) / Z_SCORE_95;
    let se1 = (t.slope.ci95_high - t.slope.value) / Z_SCORE_95;
    assert!(close(se0, 5.180_711_46, 1e-7) && close(se1, 2.912_140_07, 1e-7));
    assert!(close(t.deviance, 11.232_231_097_419_389, 1e-8));
    let (p, lo, hi) = t.share_at(1.8);
    assert!(lo < p && p < hi);
}

#[test]
fn kaplan_meier_without_censoring_is_one_minus_the_ecdf() {
    let values = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0];
    let km = KaplanMeier::new(&CensoredSample::new(&values, &[]).unwrap());
    let ecdf = Empirical::new(&values).unwrap();
    for t in [0.5, 1.0, 1.5, 2.0, 3.0, 4.5, 5.0, 6.0, 8.0, 9.0, 10.0] {
        assert!((km.survival(t) - (1.0 - ecdf.cdf(t))).abs() < 1e-15, "{t}");
    }
}
