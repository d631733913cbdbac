//! The numerical solvers behind the likelihoods without a closed form, all from argmin.
//!
//! - [`profile_root`]: the root of a monotone one-parameter profile equation (the gamma and
//!   Weibull shapes) by argmin's [`BrentRoot`] (Brent's method: bisection, secant and inverse
//!   quadratic interpolation). The bracket comes from a closed-form start widened by growing
//!   factors until the equation changes sign; because the equation is monotone there is
//!   exactly one root and the bracket always holds it. Brent stops when the bracket is
//!   narrower than a few units in the last place of the root.
//! - [`maximise_2d`]: the maximum of a two-parameter log-likelihood (censored lognormal,
//!   logistic trend) by argmin's [`TrustRegion`] with the [`Steihaug`] conjugate-gradient
//!   subproblem, on the negated log-likelihood with its analytic gradient and Hessian. argmin's
//!   trust region has no stopping rule of its own; [`UntilNewtonStepIsTiny`] adds one: stop
//!   when the Hessian is negative definite and the Newton step, measured in standard errors
//!   (the Newton decrement λ = √(gᵀ(−H)⁻¹g)), is below [`NEWTON_DECREMENT_TOLERANCE`], or its
//!   predicted gain λ²/2 is below the rounding of ln L (64 ε |ln L|), where the trust region
//!   can no longer tell a better point from a worse one and would only shrink. One Newton step
//!   on the analytic gradient ([`newton_polish`]) then finishes: from λ ≤ √(128 ε |ln L|)
//!   (1.7e-4 standard errors at |ln L| = 10⁶) it leaves an error of order λ².
//!
//! Both run at most [`MAX_ITERATIONS`] iterations. Whatever argmin reports other than
//! convergence (its termination reason, or an error such as a non-finite likelihood) comes back
//! as [`FitError::NoConvergence`] with the solver, its reason, the iterations made and the last
//! residual; nothing here panics on its own account. argmin 0.11's Steihaug step sorts
//! candidate step lengths with `partial_cmp(..).unwrap()`, which would panic on a NaN: the
//! problem here hands it only finite gradients and Hessians (others are an error first).

use std::cell::{Cell, RefCell};

use argmin::core::{
    CostFunction, Error, Executor, Gradient, Hessian, IterState, KV, Problem, Solver, State,
    TerminationReason, TerminationStatus,
};
use argmin::solver::brent::BrentRoot;
use argmin::solver::trustregion::{Steihaug, TrustRegion};

use crate::FitError;
use crate::special::inverse_pd;

/// Most iterations a solver makes before it reports [`FitError::NoConvergence`].
pub(crate) const MAX_ITERATIONS: u64 = 200;

/// The Newton decrement (the Newton step's length in standard errors) below which a
/// two-parameter maximisation has converged: the estimate is then within about 1e-10 standard
/// errors of the maximum, far below any interval's width.
pub(crate) const NEWTON_DECREMENT_TOLERANCE: f64 = 1e-10;

/// Rounding of −ln L relative to its size, generously: a sum of n terms of one sign is
/// off by a few ε per term in the worst case, and by about ε √n relative in practice.
const COST_RESOLUTION: f64 = 64.0 * f64::EPSILON;

/// Most times the bracket of [`profile_root`] is widened (the factor grows 1.05, 1.05², 1.05⁴,
/// …, so the last ones span hundreds of orders of magnitude).
const MAX_WIDENINGS: usize = 12;

/// Name of the one-dimensional solver, as errors report it.
const ROOT_SOLVER: &str = "argmin BrentRoot";
/// Name of the two-dimensional solver, as errors report it.
const TRUST_REGION_SOLVER: &str = "argmin TrustRegion with Steihaug";

/// A profile equation as argmin's cost function, refusing non-finite values.
struct ProfileEquation<'a, F> {
    equation: F,
    /// The bracket's ends with their values, already computed: Brent asks for them again.
    ends: [(f64, f64); 2],
    /// The last value computed, for the error report.
    last: &'a Cell<f64>,
    /// Evaluations made, for the error report.
    evaluations: &'a Cell<usize>,
}

impl<F: Fn(f64) -> f64> CostFunction for ProfileEquation<'_, F> {
    type Param = f64;
    type Output = f64;

    fn cost(&self, k: &f64) -> Result<f64, Error> {
        let value = match self.ends.iter().find(|(at, _)| at == k) {
            Some(&(_, known)) => known,
            None => (self.equation)(*k),
        };
        self.last.set(value);
        self.evaluations.set(self.evaluations.get() + 1);
        if value.is_finite() {
            Ok(value)
        } else {
            Err(Error::msg(format!("the profile equation is {value} at {k}")))
        }
    }
}

/// Solves `equation(k) = 0` for k > 0, where `equation` is monotone in k (increasing if
/// `increasing`, else decreasing) with one root, from the closed-form start `start` > 0.
/// Returns the root and the Brent iterations it took (0 if the start is the root).
///
/// # Errors
/// [`FitError::NoMaximum`] if no sign change is found within [`MAX_WIDENINGS`] widenings;
/// [`FitError::NoConvergence`] if Brent stops without converging or argmin reports an error.
pub(crate) fn profile_root(
    model: &'static str,
    equation: impl Fn(f64) -> f64,
    start: f64,
    increasing: bool,
) -> Result<(f64, usize), FitError> {
    let at_start = equation(start);
    if at_start == 0.0 {
        return Ok((start, 0));
    }
    // The root lies above the start when the equation must still rise (or still fall).
    let upwards = (at_start < 0.0) == increasing;
    let (mut near, mut at_near, mut factor) = (start, at_start, 1.05_f64);
    let mut bracket = None;
    for _ in 0..MAX_WIDENINGS {
        let far = if upwards { near * factor } else { near / factor };
        let at_far = equation(far);
        if !(far > 0.0 && far.is_finite() && at_far.is_finite()) {
            break;
        }
        if (at_far < 0.0) != (at_start < 0.0) || at_far == 0.0 {
            bracket = Some(if upwards {
                [(near, at_near), (far, at_far)]
            } else {
                [(far, at_far), (near, at_near)]
            });
            break;
        }
        (near, at_near) = (far, at_far);
        factor *= factor;
    }
    let Some(ends) = bracket else {
        return Err(FitError::NoMaximum {
            model,
            reason: "the profile equation keeps one sign: no shape solves it",
        });
    };
    // argmin's tolerance is absolute (it adds 2 ε |k| itself): ask for a few ulps of the root.
    let [(low, _), (high, _)] = ends;
    let solver = BrentRoot::new(low, high, 4.0 * f64::EPSILON * low);
    let (last, evaluations) = (Cell::new(f64::NAN), Cell::new(0));
    let problem = ProfileEquation { equation, ends, last: &last, evaluations: &evaluations };
    let failed = |reason: String, iterations: usize| FitError::NoConvergence {
        model,
        solver: ROOT_SOLVER,
        reason,
        iterations,
        residual: last.get().abs(),
    };
    match Executor::new(problem, solver).configure(|s| s.max_iters(MAX_ITERATIONS)).run() {
        Ok(result) => {
            let state = &result.state;
            let iterations = state.get_iter() as usize;
            match (state.get_termination_reason(), state.get_param()) {
                (Some(TerminationReason::SolverConverged), Some(&k)) => Ok((k, iterations)),
                (reason, _) => Err(failed(termination_text(reason), iterations)),
            }
        }
        // Brent evaluates both ends before its first iteration.
        Err(error) => Err(failed(error.to_string(), evaluations.get().saturating_sub(2))),
    }
}

fn termination_text(reason: Option<&TerminationReason>) -> String {
    reason.map_or_else(|| "no termination reason".to_owned(), |r| r.text().to_owned())
}

/// A two-parameter log-likelihood with its analytic derivatives.
pub(crate) trait LogLikelihood2 {
    /// ln L at θ (any constant left out); NaN or −∞ off the parameter space.
    fn ln_l(&self, theta: [f64; 2]) -> f64;
    /// Gradient and Hessian of ln L at θ.
    fn derivatives(&self, theta: [f64; 2]) -> ([f64; 2], [[f64; 2]; 2]);
}

/// A point with the gradient and Hessian of ln L there.
type Derivatives = ([f64; 2], [f64; 2], [[f64; 2]; 2]);

/// −ln L as argmin's problem: cost, gradient and Hessian, the last two computed together once
/// per point (argmin asks for them one after the other).
struct Negated<'a, L> {
    log_likelihood: &'a L,
    cached: RefCell<Option<Derivatives>>,
}

impl<L: LogLikelihood2> Negated<'_, L> {
    fn derivatives(&self, param: &[f64]) -> Result<([f64; 2], [[f64; 2]; 2]), Error> {
        let theta = pair(param)?;
        if let Some((at, g, h)) = *self.cached.borrow()
            && at == theta
        {
            return Ok((g, h));
        }
        let (g, h) = self.log_likelihood.derivatives(theta);
        if !g.iter().chain(h.iter().flatten()).all(|v| v.is_finite()) {
            return Err(Error::msg(format!(
                "the log-likelihood's derivatives are not finite at {theta:?}"
            )));
        }
        *self.cached.borrow_mut() = Some((theta, g, h));
        Ok((g, h))
    }
}

fn pair(param: &[f64]) -> Result<[f64; 2], Error> {
    match param {
        &[a, b] => Ok([a, b]),
        _ => Err(Error::msg(format!("{} parameters where 2 are fitted", param.len()))),
    }
}

impl<L: LogLikelihood2> CostFunction for Negated<'_, L> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, param: &Vec<f64>) -> Result<f64, Error> {
        let ln_l = self.log_likelihood.ln_l(pair(param)?);
        // Off the parameter space the trust region sees +∞, rejects the step and shrinks.
        Ok(if ln_l.is_nan() { f64::INFINITY } else { -ln_l })
    }
}

impl<L: LogLikelihood2> Gradient for Negated<'_, L> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;

    fn gradient(&self, param: &Vec<f64>) -> Result<Vec<f64>, Error> {
        let (g, _) = self.derivatives(param)?;
        Ok(vec![-g[0], -g[1]])
    }
}

impl<L: LogLikelihood2> Hessian for Negated<'_, L> {
    type Param = Vec<f64>;
    type Hessian = Vec<Vec<f64>>;

    fn hessian(&self, param: &Vec<f64>) -> Result<Vec<Vec<f64>>, Error> {
        let (_, h) = self.derivatives(param)?;
        Ok(vec![vec![-h[0][0], -h[0][1]], vec![-h[1][0], -h[1][1]]])
    }
}

/// The state argmin's trust region keeps: parameters, gradient and Hessian as `Vec`s.
type TrustState = IterState<Vec<f64>, Vec<f64>, (), Vec<Vec<f64>>, (), f64>;

/// argmin's trust region with a stopping rule: converged once the Hessian of −ln L is
/// positive definite and the Newton decrement √(gᵀH⁻¹g) is below
/// [`NEWTON_DECREMENT_TOLERANCE`].
struct UntilNewtonStepIsTiny<'a, S> {
    trust_region: S,
    /// The last Newton decrement seen (NaN while the Hessian is not definite).
    decrement: &'a Cell<f64>,
    /// Iterations begun.
    iterations: &'a Cell<usize>,
}

impl<O, S: Solver<O, TrustState>> Solver<O, TrustState> for UntilNewtonStepIsTiny<'_, S> {
    fn name(&self) -> &str {
        TRUST_REGION_SOLVER
    }

    fn init(
        &mut self,
        problem: &mut Problem<O>,
        state: TrustState,
    ) -> Result<(TrustState, Option<KV>), Error> {
        self.trust_region.init(problem, state)
    }

    fn next_iter(
        &mut self,
        problem: &mut Problem<O>,
        state: TrustState,
    ) -> Result<(TrustState, Option<KV>), Error> {
        self.iterations.set(self.iterations.get() + 1);
        self.trust_region.next_iter(problem, state)
    }

    fn terminate(&mut self, state: &TrustState) -> TerminationStatus {
        let decrement = match (state.get_gradient(), state.get_hessian()) {
            (Some(g), Some(h)) => newton_decrement(g, h),
            _ => None,
        };
        self.decrement.set(decrement.unwrap_or(f64::NAN));
        // The trust region judges a step by the fall of −ln L; once the Newton step's predicted
        // gain λ²/2 is below the rounding of that sum, no step can be judged any more.
        let resolution = COST_RESOLUTION * state.get_cost().abs().max(1.0);
        if decrement.is_some_and(|d| d < NEWTON_DECREMENT_TOLERANCE || 0.5 * d * d <= resolution) {
            return TerminationStatus::Terminated(TerminationReason::SolverConverged);
        }
        self.trust_region.terminate(state)
    }
}

/// √(gᵀH⁻¹g) for a 2-vector g and a positive-definite 2×2 H (`None` otherwise).
fn newton_decrement(g: &[f64], h: &[Vec<f64>]) -> Option<f64> {
    let ([g0, g1], [row0, row1]) = (g, h) else { return None };
    let (&[h00, h01], &[h10, h11]) = (row0.as_slice(), row1.as_slice()) else { return None };
    let inv = inverse_pd([[h00, h01], [h10, h11]])?;
    let squared = g0 * (inv[0][0] * g0 + inv[0][1] * g1) + g1 * (inv[1][0] * g0 + inv[1][1] * g1);
    Some(squared.max(0.0).sqrt())
}

/// Maximises a two-parameter log-likelihood from `start` (see the module documentation).
/// Returns the maximum and the trust-region iterations it took.
///
/// # Errors
/// [`FitError::NoConvergence`] if the trust region stops without meeting the stopping rule or
/// argmin reports an error (e.g. derivatives that are not finite).
pub(crate) fn maximise_2d(
    model: &'static str,
    log_likelihood: &impl LogLikelihood2,
    start: [f64; 2],
) -> Result<([f64; 2], usize), FitError> {
    let (decrement, iterations) = (Cell::new(f64::NAN), Cell::new(0));
    let failed = |reason: String| FitError::NoConvergence {
        model,
        solver: TRUST_REGION_SOLVER,
        reason,
        iterations: iterations.get(),
        residual: decrement.get(),
    };
    // The first radius is the Newton step's length at the start, when it has one.
    let (g, h) = log_likelihood.derivatives(start);
    let radius = inverse_pd([[-h[0][0], -h[0][1]], [-h[1][0], -h[1][1]]])
        .map(|inv| {
            let step = [inv[0][0] * g[0] + inv[0][1] * g[1], inv[1][0] * g[0] + inv[1][1] * g[1]];
            step[0].hypot(step[1])
        })
        .filter(|r| r.is_finite() && *r > 0.0)
        .unwrap_or(1.0);
    let trust_region = TrustRegion::new(Steihaug::new())
        .with_radius(radius)
        .and_then(|t| t.with_max_radius(100.0 * radius.max(1.0)))
        .map_err(|e| failed(e.to_string()))?;
    let solver =
        UntilNewtonStepIsTiny { trust_region, decrement: &decrement, iterations: &iterations };
    let problem = Negated { log_likelihood, cached: RefCell::new(None) };
    let result = Executor::new(problem, solver)
        .configure(|s| s.param(start.to_vec()).max_iters(MAX_ITERATIONS))
        .run()
        .map_err(|e| failed(e.to_string()))?;
    let state = &result.state;
    match (state.get_termination_reason(), state.get_param().map(|p| pair(p))) {
        (Some(TerminationReason::SolverConverged), Some(Ok(theta))) => {
            Ok((newton_polish(log_likelihood, theta), state.get_iter() as usize))
        }
        (reason, _) => Err(failed(termination_text(reason))),
    }
}

/// One Newton step from argmin's converged point θ: the gradient keeps far more digits than
/// ln L, so this takes the estimate from within the trust region's resolution (a Newton
/// decrement of ~1e-7 to ~1e-5 standard errors) to the gradient's (its square). At a point
/// where the Hessian is not negative definite θ is returned as it is.
fn newton_polish(log_likelihood: &impl LogLikelihood2, theta: [f64; 2]) -> [f64; 2] {
    let (g, h) = log_likelihood.derivatives(theta);
    let Some(inv) = inverse_pd([[-h[0][0], -h[0][1]], [-h[1][0], -h[1][1]]]) else {
        return theta;
    };
    let next = [
        theta[0] + inv[0][0] * g[0] + inv[0][1] * g[1],
        theta[1] + inv[1][0] * g[0] + inv[1][1] * g[1],
    ];
    if next.iter().all(|v| v.is_finite()) { next } else { theta }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brent_finds_the_root_of_rising_and_falling_equations_to_a_few_ulps() {
        let (k, iterations) = profile_root("test", |k| k * k * k - 3.375, 1.0, true).unwrap();
        assert!((k - 1.5).abs() <= 4.0 * f64::EPSILON * 1.5, "{k}");
        assert!(iterations > 0);
        let (k, _) = profile_root("test", |k| 1.0 / k - 0.25, 1.0, false).unwrap();
        assert!((k - 4.0).abs() <= 4.0 * f64::EPSILON * 4.0, "{k}");
        // A start on the root is returned as it is.
        assert_eq!(profile_root("test", |k| k - 2.0, 2.0, true), Ok((2.0, 0)));
    }

    #[test]
    fn an_equation_without_a_sign_change_has_no_root() {
        assert!(matches!(
            profile_root("test", |k| k + 1.0, 1.0, true),
            Err(FitError::NoMaximum { model: "test", .. })
        ));
    }

    #[test]
    fn a_non_finite_equation_inside_the_bracket_is_argmin_s_error_reported() {
        // Finite while the bracket is found (5 values, its ends reused by Brent), NaN after.
        let calls = Cell::new(0);
        let equation = |k: f64| {
            calls.set(calls.get() + 1);
            if calls.get() > 5 { f64::NAN } else { k - 2.0 }
        };
        let Err(FitError::NoConvergence { solver, reason, .. }) =
            profile_root("test", equation, 1.0, true)
        else {
            panic!("expected NoConvergence")
        };
        assert_eq!(solver, ROOT_SOLVER);
        assert!(reason.contains("NaN"), "{reason}");
    }

    /// ln L = −(θ₀ − 1)² − 10 (θ₁ + 2)² − θ₀θ₁: a concave quadratic.
    struct Quadratic;

    impl LogLikelihood2 for Quadratic {
        fn ln_l(&self, [a, b]: [f64; 2]) -> f64 {
            -(a - 1.0).powi(2) - 10.0 * (b + 2.0).powi(2) - a * b
        }
        fn derivatives(&self, [a, b]: [f64; 2]) -> ([f64; 2], [[f64; 2]; 2]) {
            ([-2.0 * (a - 1.0) - b, -20.0 * (b + 2.0) - a], [[-2.0, -1.0], [-1.0, -20.0]])
        }
    }

    #[test]
    fn the_trust_region_finds_a_quadratic_s_maximum() {
        // Stationary point: 2a + b = 2, a + 20b = −40: a = 80/39, b = −82/39.
        let ([a, b], _) = maximise_2d("test", &Quadratic, [50.0, 70.0]).unwrap();
        assert!((a - 80.0 / 39.0).abs() < 1e-12 && (b + 82.0 / 39.0).abs() < 1e-12, "{a} {b}");
    }

    /// ln L = θ₀ + θ₁: no maximum, and a Hessian that is never definite.
    struct Unbounded;

    impl LogLikelihood2 for Unbounded {
        fn ln_l(&self, [a, b]: [f64; 2]) -> f64 {
            a + b
        }
        fn derivatives(&self, _: [f64; 2]) -> ([f64; 2], [[f64; 2]; 2]) {
            ([1.0, 1.0], [[0.0; 2]; 2])
        }
    }

    #[test]
    fn a_likelihood_without_a_maximum_stops_at_the_iteration_limit() {
        let Err(FitError::NoConvergence { solver, reason, iterations, residual, .. }) =
            maximise_2d("test", &Unbounded, [0.0, 0.0])
        else {
            panic!("expected NoConvergence")
        };
        assert_eq!((solver, iterations), (TRUST_REGION_SOLVER, MAX_ITERATIONS as usize));
        assert_eq!(reason, "Maximum number of iterations reached");
        assert!(residual.is_nan());
    }

    /// Derivatives that are NaN everywhere.
    struct NotFinite;

    impl LogLikelihood2 for NotFinite {
        fn ln_l(&self, _: [f64; 2]) -> f64 {
            0.0
        }
        fn derivatives(&self, _: [f64; 2]) -> ([f64; 2], [[f64; 2]; 2]) {
            ([f64::NAN; 2], [[f64::NAN; 2]; 2])
        }
    }

    #[test]
    fn derivatives_that_are_not_finite_are_an_error_not_a_panic() {
        let Err(FitError::NoConvergence { reason, iterations, .. }) =
            maximise_2d("test", &NotFinite, [0.0, 0.0])
        else {
            panic!("expected NoConvergence")
        };
        assert!(reason.contains("not finite"), "{reason}");
        assert_eq!(iterations, 0);
    }
}
