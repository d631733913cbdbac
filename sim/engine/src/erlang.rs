//! Closed-form queueing results used to check the engine and by the staffing calculator.

/// Erlang C: probability that an arrival waits in an M/M/c queue with arrival rate
/// `lambda`, service rate `mu` per server and `c` servers; `None` when unstable
/// (`lambda >= c * mu`) or parameters are out of range.
pub fn erlang_c_wait_probability(lambda: f64, mu: f64, c: u32) -> Option<f64> {
    if !(lambda > 0.0 && mu > 0.0 && c > 0) {
        return None;
    }
    let a = lambda / mu;
    let rho = a / f64::from(c);
    if rho >= 1.0 {
        return None;
    }
    // Sum a^k / k! for k < c, and the tail term, with terms built iteratively.
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..c {
        term *= a / f64::from(k);
        sum += term;
    }
    let top = term * a / f64::from(c) / (1.0 - rho);
    Some(top / (sum + top))
}

/// Mean wait in queue of an M/M/c queue (same time unit as `1 / lambda`).
pub fn erlang_c_mean_wait(lambda: f64, mu: f64, c: u32) -> Option<f64> {
    erlang_c_wait_probability(lambda, mu, c).map(|p| p / (f64::from(c) * mu - lambda))
}

/// The `q`-quantile of the wait in an M/M/c queue: zero when at least a share `q` of
/// people do not wait at all.
pub fn erlang_c_wait_quantile(lambda: f64, mu: f64, c: u32, q: f64) -> Option<f64> {
    let p = erlang_c_wait_probability(lambda, mu, c)?;
    let tail = 1.0 - q;
    if p <= tail {
        return Some(0.0);
    }
    Some((p / tail).ln() / (f64::from(c) * mu - lambda))
}

/// Erlang B: blocking probability of an M/M/c/c loss system with offered load `a = lambda/mu`.
pub fn erlang_b(a: f64, c: u32) -> f64 {
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    b
}

/// Blocking probability of an M/M/c/K queue (at most `k >= c` people in the system).
pub fn mmck_blocking(lambda: f64, mu: f64, c: u32, k: u32) -> f64 {
    let a = lambda / mu;
    let cf = f64::from(c);
    // Unnormalised state probabilities p_n, n = 0..=k.
    let mut p = Vec::with_capacity(k as usize + 1);
    let mut term = 1.0;
    p.push(term);
    for n in 1..=k {
        term *= if n <= c { a / f64::from(n) } else { a / cf };
        p.push(term);
    }
    let total: f64 = p.iter().sum();
    p[k as usize] / total
}

/// Pollaczek–Khinchine mean wait of an M/G/1 queue with service mean `s` and squared
/// coefficient of variation `cv2`; `None` when unstable.
pub fn mg1_mean_wait(lambda: f64, s: f64, cv2: f64) -> Option<f64> {
    let rho = lambda * s;
    (rho < 1.0 && rho > 0.0).then(|| rho * s * (1.0 + cv2) / (2.0 * (1.0 - rho)))
}

/// The steady state of an M/M/c+M queue (Erlang A, Palm 1943): Poisson arrivals, `c`
/// exponential servers, first come first served, each waiting person leaving after an
/// exponential patience.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangA {
    /// Share of arrivals who wait at all.
    pub p_wait: f64,
    /// Share of arrivals who leave before service.
    pub p_abandon: f64,
    /// Mean time in queue of every arrival, served or not (time unit of `1 / lambda`).
    pub mean_wait_all: f64,
    /// Mean time in queue of the arrivals who are served.
    pub mean_wait_served: f64,
}

/// Erlang A with arrival rate `lambda`, service rate `mu` per server, patience rate `theta`
/// and `c` servers; `None` when a rate is not finite and positive, `c` is 0, or the
/// truncated sum cannot reach 1e-15 of its total within 10⁶ states.
///
/// The number in the system is a birth–death process (birth `lambda`, death
/// `min(n, c)·mu + max(n − c, 0)·theta`), solved by its product formula. An arrival sees the
/// stationary law (PASTA). One who finds `q` people waiting is served if, at each of the
/// `q + 1` stages from `q` people ahead of them down to none, the next departure ahead of
/// them (rate `c·mu + i·theta` with `i` ahead) comes before their own patience runs out
/// (rate `theta`); a stage lasts an exponential time of rate `c·mu + (i + 1)·theta`
/// whichever way it ends, so `E[W·1{served} | q] = P(served | q)·Σᵢ 1/(c·mu + (i+1)·theta)`.
pub fn erlang_a(lambda: f64, mu: f64, theta: f64, c: u32) -> Option<ErlangA> {
    let ok = |x: f64| x.is_finite() && x > 0.0;
    if !(ok(lambda) && ok(mu) && ok(theta) && c > 0) {
        return None;
    }
    let cf = f64::from(c);
    let cmu = cf * mu;
    // p_n relative to p_0 for n < c, then the tail; rescaled to stay finite.
    let mut term = 1.0f64;
    let mut total = 1.0f64;
    for n in 1..c {
        term *= lambda / (f64::from(n) * mu);
        total += term;
    }
    // Waiting states n = c + q: accumulate P(wait), E[queue], P(served and the wait).
    let (mut waiting, mut queue, mut served, mut served_wait) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    // For the tagged arrival finding q waiting: P(served | q) and Σ 1/rate over its stages.
    let (mut p_served, mut stage_time) = (1.0f64, 0.0f64);
    let mut q = 0u64;
    loop {
        // State c + q: from c + q − 1 by one birth (for q = 0 from c − 1 by a birth too).
        let death = cmu + q as f64 * theta;
        term *= lambda / if q == 0 { cmu } else { death };
        // The tagged arrival's stage with q people ahead of it.
        let rate = cmu + (q as f64 + 1.0) * theta;
        p_served *= (cmu + q as f64 * theta) / rate;
        stage_time += 1.0 / rate;
        total += term;
        waiting += term;
        queue += q as f64 * term;
        served += term * p_served;
        served_wait += term * p_served * stage_time;
        if total > 1e250 {
            let s = 1e-250;
            (term, total, waiting, queue, served, served_wait) =
                (term * s, total * s, waiting * s, queue * s, served * s, served_wait * s);
        }
        q += 1;
        if (death > lambda && term < 1e-17 * total) || q > 1_000_000 {
            break;
        }
    }
    if term >= 1e-15 * total {
        return None;
    }
    let p_wait = waiting / total;
    let eq = queue / total;
    let p_abandon = theta * eq / lambda;
    // Served arrivals: those who found a free server (no wait) and those served from the line.
    let served_share = (1.0 - p_wait) + served / total;
    Some(ErlangA {
        p_wait,
        p_abandon,
        mean_wait_all: eq / lambda,
        mean_wait_served: served_wait / total / served_share,
    })
}

/// Mean waits in queue of the classes of an M/M/c queue with non-preemptive priority
/// (Cobham 1954), all classes served at rate `mu` per server: class `k` (0 = served first)
/// arriving at rate `lambdas[k]` waits `W₀ / ((1 − σₖ₋₁)(1 − σₖ))` on average, where
/// `σₖ = Σ_{i ≤ k} lambdas[i] / (c·mu)` and `W₀ = C(c, a) / (c·mu)` is the mean time until
/// the first server frees up, counted over all arrivals (`C` the Erlang C probability of
/// waiting at the total load). `None` when the total load is not below `c·mu` or a rate is
/// not finite and positive.
pub fn cobham_mean_waits(lambdas: &[f64], mu: f64, c: u32) -> Option<Vec<f64>> {
    if lambdas.is_empty() || !lambdas.iter().all(|l| l.is_finite() && *l > 0.0) {
        return None;
    }
    let total: f64 = lambdas.iter().sum();
    let cmu = f64::from(c) * mu;
    let w0 = erlang_c_wait_probability(total, mu, c)? / cmu;
    let mut above = 0.0;
    Some(
        lambdas
            .iter()
            .map(|l| {
                let below = above + l / cmu;
                let w = w0 / ((1.0 - above) * (1.0 - below));
                above = below;
                w
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_a_with_little_patience_left_is_erlang_c() {
        // θ → 0: nobody leaves; the waits are Erlang C's.
        let a = erlang_a(0.6, 0.25, 1e-9, 3).expect("valid");
        let w = erlang_c_mean_wait(0.6, 0.25, 3).expect("stable");
        assert!((a.mean_wait_all - w).abs() < 1e-6 * w, "{a:?} vs {w}");
        assert!((a.mean_wait_served - w).abs() < 1e-6 * w, "{a:?} vs {w}");
        assert!(a.p_abandon < 1e-8);
    }

    #[test]
    fn erlang_a_served_and_abandoning_waits_add_up_to_little() {
        // E[W all] = P(served)·E[W | served] + P(abandon)·E[W | abandon], and an abandoning
        // person waits less than their mean patience; Little gives E[W all] = E[queue]/λ.
        let (lambda, mu, theta, c) = (0.8, 0.25, 0.1, 3);
        let a = erlang_a(lambda, mu, theta, c).expect("valid");
        let wait_abandoning =
            (a.mean_wait_all - (1.0 - a.p_abandon) * a.mean_wait_served) / a.p_abandon;
        assert!(wait_abandoning > 0.0 && wait_abandoning < 1.0 / theta, "{a:?}");
        // θ = μ: the number in the system is Poisson(λ/μ) (M/M/∞).
        let b = erlang_a(2.0, 1.0, 1.0, 2).expect("valid");
        let pois =
            |k: i32| (-2.0f64).exp() * 2f64.powi(k) / (1..=k).map(f64::from).product::<f64>();
        let eq: f64 = (3..120).map(|k| f64::from(k - 2) * pois(k)).sum();
        assert!((b.mean_wait_all - eq / 2.0).abs() < 1e-12, "{b:?}");
        assert!((b.p_abandon - eq / 2.0).abs() < 1e-12, "{b:?}");
    }

    #[test]
    fn cobham_conserves_the_fcfs_work_and_reduces_to_erlang_c() {
        // Work conservation: Σ λₖ Wₖ = λ W_FCFS (same service law for every class).
        let (l1, l2, mu, c) = (0.18, 0.42, 0.25, 3);
        let w = cobham_mean_waits(&[l1, l2], mu, c).expect("stable");
        let fcfs = erlang_c_mean_wait(l1 + l2, mu, c).expect("stable");
        assert!((l1 * w[0] + l2 * w[1] - (l1 + l2) * fcfs).abs() < 1e-12, "{w:?}");
        assert!(w[0] < fcfs && fcfs < w[1]);
        let one = cobham_mean_waits(&[0.6], mu, c).expect("stable");
        assert!((one[0] - fcfs).abs() < 1e-12);
        assert!(cobham_mean_waits(&[0.5, 0.3], mu, c).is_none(), "load 1.07");
    }
}
