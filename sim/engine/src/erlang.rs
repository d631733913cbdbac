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
