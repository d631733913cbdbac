//! navbat-fit: fitting navbat's inputs to real records — numbers in, fits out.
//!
//! `navbat calibrate` (ticket records) and `navbat discover` (case logs) share this one
//! module. It knows nothing of navbat's other crates, reads no file and no clock: callers
//! turn records into numbers (durations, counts, exposures) and get back estimates with
//! 95 % intervals, log-likelihoods, AIC and goodness-of-fit tests.
//!
//! # Brief overview
//!
//! - **Durations** ([`Sample`], [`fit`], [`select_by_aic`]): exponential, gamma, lognormal
//!   and Weibull by maximum likelihood (closed forms, else argmin's Brent root finder on the
//!   shape's monotone profile equation; see [`continuous`] for the methods and their
//!   convergence rules), intervals from the
//!   observed Fisher information (log scale for positive parameters), the family chosen by
//!   AIC; [`Empirical`] when no family fits.
//! - **Goodness of fit** ([`bootstrap_gof`]): Kolmogorov–Smirnov and Anderson–Darling with
//!   parametric-bootstrap p-values, refitting on every bootstrap sample. Seeded, parallel
//!   and identical for any thread count; large samples are tested on a stated subsample.
//! - **Patience** ([`CensoredSample`], [`KaplanMeier`], [`fit_censored`]): abandonments
//!   are observed patience, served waits are right-censored; Kaplan–Meier with Greenwood
//!   log-log intervals, censored maximum likelihood for exponential (events ÷ exposure),
//!   Weibull and lognormal.
//! - **Arrivals** ([`piecewise_rate`], [`dispersion_test`]): a piecewise-constant Poisson
//!   rate with Garwood's exact intervals; the index-of-dispersion test of daily counts.
//! - **Shares** ([`shares()`], [`logistic_trend`]): category shares with Wilson or
//!   Clopper–Pearson intervals; a logistic trend of a share over time by maximum
//!   likelihood (argmin's trust region).
//!
//! Every input is checked first: NaN, infinite, negative or too few values come back as a
//! [`FitError`] naming the input and the position, never as a panic.
//!
//! # Example
//!
//! Choose a family for service times, test it, and estimate patience from waits.
//!
//! ```
//! use navbat_fit::{
//!     CensoredSample, Family, GofConfig, KaplanMeier, Sample, bootstrap_gof, fit_censored,
//!     select_by_aic,
//! };
//!
//! // 1. Service times in minutes (complete data).
//! let minutes = [3.1, 4.7, 2.2, 8.9, 5.0, 3.8, 6.1, 2.9, 4.4, 12.3, 3.3, 5.6, 7.2, 4.1];
//! let sample = Sample::new(&minutes)?;
//! let selection = select_by_aic(&sample, &Family::ALL)?;
//! let best = selection.best();
//! for p in &best.parameters {
//!     assert!(p.ci95_low < p.value && p.value < p.ci95_high);
//! }
//!
//! // 2. Is the chosen family plausible? Bootstrap p-value with 99 refits, seed 7.
//! let gof = bootstrap_gof(best.distribution.family(), &sample, GofConfig::new(99, 7))?;
//! assert!(gof.ad_p_value > 0.0 && gof.ad_p_value <= 1.0);
//!
//! // 3. Patience: abandonments at their patience, served callers censored at their wait.
//! let abandoned = [1.5, 3.0, 0.7, 6.2];
//! let served_waits = [0.0, 2.0, 4.5, 1.0, 8.0, 0.3];
//! let patience = CensoredSample::new(&abandoned, &served_waits)?;
//! let exponential = fit_censored(Family::Exponential, &patience)?;
//! // The closed form: abandonments ÷ total time everyone spent waiting.
//! let rate = 4.0 / (abandoned.iter().sum::<f64>() + served_waits.iter().sum::<f64>());
//! assert!((exponential.parameters[0].value - rate).abs() < 1e-12);
//! let km = KaplanMeier::new(&patience);
//! assert!(km.survival(10.0) < 1.0);
//! # Ok::<(), navbat_fit::FitError>(())
//! ```

pub mod arrivals;
pub mod censored;
pub mod continuous;
mod empirical;
mod error;
pub mod gof;
mod sample;
pub mod shares;
mod solve;
mod special;

/// The 97.5 % quantile of the standard normal, 1.959963984540054: the half-width, in
/// standard errors, of every Wald interval here.
pub const Z_SCORE_95: f64 = special::Z_975;

pub use arrivals::{
    Dispersion, PiecewiseRate, RatePiece, dispersion_test, dispersion_test_by_group,
    garwood_interval, piecewise_rate, piecewise_rate_from_times,
};
pub use censored::{
    CensoredSample, KaplanMeier, KmStep, censored_log_likelihood, fit_censored,
    select_censored_by_aic,
};
pub use continuous::{Distribution, Family, Fit, Parameter, Selection, fit, select_by_aic};
pub use empirical::Empirical;
pub use error::FitError;
pub use gof::{Gof, GofConfig, ad_statistic, bootstrap_gof, ks_statistic};
pub use sample::Sample;
pub use shares::{
    LogisticTrend, ProportionInterval, Share, logistic_trend, proportion_interval, shares,
};
