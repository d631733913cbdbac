//! Erlang A (M/M/n+M): Poisson arrivals at rate λ, n servers with exponential service at
//! rate μ each, and exponential patience at rate θ — the model call centres staff by (Palm
//! 1943; Garnett, Mandelbaum & Reiman, "Designing a call center with impatient customers",
//! Manufacturing & Service Operations Management 4 (2002) 208–227).
//!
//! The number in the system is a birth–death process with birth rate λ and death rate
//! `min(k, n)·μ + max(k − n, 0)·θ` in state k; its stationary law π is solved exactly by the
//! product formula, the sum cut where further terms fall below 1e-16 of the total (the
//! terms fall faster than geometrically once `(k − n)·θ > λ`). Arrivals see π (PASTA), so
//! P(wait > 0) = Σ_{k ≥ n} π_k; the abandonment rate is θ·E[queue], so P(abandon) =
//! θ·E[queue] / λ; the mean time in queue of all arrivals is E[queue] / λ (Little).

/// The steady state of an Erlang A queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangA {
    /// Share of arrivals who wait at all.
    pub p_wait: f64,
    /// Share of arrivals who abandon.
    pub p_abandon: f64,
    /// Mean time in queue of all arrivals (served or not), in the unit of 1/λ.
    pub mean_wait: f64,
}

/// Erlang A with arrival rate `lambda`, service rate `mu` per server, patience rate
/// `theta` and `servers` servers (all rates in one time unit). `None` for a rate that is
/// not finite and positive (θ = 0 is Erlang C: use it only with λ < nμ).
pub fn erlang_a(lambda: f64, mu: f64, theta: f64, servers: u32) -> Option<ErlangA> {
    let ok = |x: f64| x.is_finite() && x > 0.0;
    if !(ok(mu) && theta.is_finite() && theta >= 0.0 && lambda.is_finite() && lambda >= 0.0) {
        return None;
    }
    if lambda == 0.0 {
        return Some(ErlangA { p_wait: 0.0, p_abandon: 0.0, mean_wait: 0.0 });
    }
    let n = f64::from(servers);
    if theta == 0.0 && lambda >= n * mu {
        return None;
    }
    // Terms relative to π_0, rescaled when large to stay finite.
    let (mut term, mut total, mut waiting, mut queue) = (1.0f64, 1.0f64, 0.0f64, 0.0f64);
    if servers == 0 {
        waiting = 1.0;
    }
    let mut k = 0u64;
    loop {
        k += 1;
        let kf = k as f64;
        let death = kf.min(n) * mu + (kf - n).max(0.0) * theta;
        term *= lambda / death;
        total += term;
        if kf >= n {
            waiting += term;
            queue += (kf - n) * term;
        }
        if total > 1e250 {
            let s = 1e-250;
            term *= s;
            total *= s;
            waiting *= s;
            queue *= s;
        }
        let past_peak = kf > n && (kf - n) * theta + n * mu > lambda;
        if (past_peak && term < 1e-16 * total) || k > 10_000_000 {
            break;
        }
    }
    let eq = queue / total;
    Some(ErlangA {
        p_wait: waiting / total,
        p_abandon: if theta > 0.0 { theta * eq / lambda } else { 0.0 },
        mean_wait: eq / lambda,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_a_with_equal_service_and_patience_rates_is_an_infinite_server_queue() {
        // θ = μ: every customer leaves at rate μ whether served or not, so the number in
        // the system is Poisson(λ/μ) (M/M/∞), and waiting starts at n in system.
        let (lambda, mu, n) = (6.0, 1.0, 5);
        let a = erlang_a(lambda, mu, mu, n).expect("valid");
        let pois = |k: u32| {
            (-lambda).exp() * lambda.powi(k as i32) / (1..=k).map(f64::from).product::<f64>()
        };
        let below: f64 = (0..n).map(pois).sum();
        assert!((a.p_wait - (1.0 - below)).abs() < 1e-12, "{a:?}");
        // E[(N − n)+] for N ~ Poisson(λ).
        let eq: f64 = (n + 1..200).map(|k| f64::from(k - n) * pois(k)).sum();
        assert!((a.mean_wait - eq / lambda).abs() < 1e-12);
        assert!((a.p_abandon - mu * eq / lambda).abs() < 1e-12);
    }

    #[test]
    fn without_patience_it_is_erlang_c() {
        // M/M/2, λ = 1.5, μ = 1: Erlang C P(wait) = 0.642857…, mean wait = 0.642857/(2 − 1.5).
        let a = erlang_a(1.5, 1.0, 0.0, 2).expect("stable");
        assert!((a.p_wait - 0.642_857_142_857).abs() < 1e-9, "{a:?}");
        assert!((a.mean_wait - 0.642_857_142_857 / 0.5).abs() < 1e-9);
        assert_eq!(a.p_abandon, 0.0);
    }

    #[test]
    fn no_servers_means_everyone_waits_and_abandons() {
        let a = erlang_a(3.0, 1.0, 0.5, 0).expect("valid");
        assert!((a.p_abandon - 1.0).abs() < 1e-12 && (a.mean_wait - 2.0).abs() < 1e-9, "{a:?}");
    }
}
