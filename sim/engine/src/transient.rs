//! The M(t)/M/c queue with a daily cycle of hourly arrival rates, solved exactly: the
//! Kolmogorov forward equations of the number in the system, truncated, integrated by
//! uniformization, iterated over days to the periodic steady state.

/// What the periodic steady state of an M(t)/M/c queue gives per hour of the day.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodicQueue {
    /// Per hour of the day: the mean wait in queue of the people arriving in that hour, in
    /// the unit of `1 / mu`.
    pub hourly_mean_wait: Vec<f64>,
    /// The mean wait of every arrival of the day: the hourly means weighted by the rates.
    pub daily_mean_wait: f64,
    /// Days iterated from an empty system until the distribution at midnight stopped
    /// changing.
    pub days: u32,
    /// States kept (0 to this number of people, less one).
    pub states: usize,
}

/// The largest number of states the solution may keep.
const MAX_STATES: usize = 1 << 16;

/// The periodic steady state of an M(t)/M/c queue, first come first served, whose arrival
/// rate is `hourly_rates[h]` during hour `h` of every day (rates per unit of time, one hour
/// = `hour` units), with `c` servers of rate `mu`. `None` when a rate is negative or not
/// finite, `c` is 0, the mean rate is not below `c·mu` (no periodic steady state), or no
/// truncation up to 65,536 states keeps the mass beyond it under 1e-12.
///
/// An arrival at time `t` who finds `n ≥ c` in the system waits for `n − c + 1` service
/// completions at rate `c·mu` (the servers never change), so its mean wait is
/// `Σ_{n ≥ c} p_n(t)·(n − c + 1)/(c·mu)`; arrivals within an hour come at a constant rate, so
/// the hour's mean wait is that averaged over the hour. `p(t)` solves the forward equations
/// `p′ = p·Q(t)`; within an hour `Q` is constant and `p(t + s) = Σₖ Pois(k; Λs)·p·Pᵏ` with
/// `P = I + Q/Λ` (uniformization), whose integral over the step is
/// `Σₖ P(Pois(Λs) > k)/Λ · p·Pᵏ`. The days repeat until the law at midnight moves less than
/// 1e-13 in total variation.
pub fn periodic_mmc(hourly_rates: &[f64], hour: f64, mu: f64, c: u32) -> Option<PeriodicQueue> {
    let ok = |x: f64| x.is_finite() && x >= 0.0;
    if hourly_rates.is_empty()
        || !hourly_rates.iter().all(|&l| ok(l))
        || !(mu.is_finite() && mu > 0.0 && hour.is_finite() && hour > 0.0)
        || c == 0
    {
        return None;
    }
    let cmu = f64::from(c) * mu;
    let mean_rate = hourly_rates.iter().sum::<f64>() / hourly_rates.len() as f64;
    if mean_rate >= cmu {
        return None;
    }
    let mut states = (c as usize + 64).next_power_of_two();
    while states <= MAX_STATES {
        if let Some(q) = solve(hourly_rates, hour, mu, c, states) {
            return Some(q);
        }
        states *= 2;
    }
    None
}

/// The periodic solution with `states` states, or `None` when the last state ever holds
/// 1e-12 of the mass or more (then more states are needed) or the days do not settle.
fn solve(rates: &[f64], hour: f64, mu: f64, c: u32, states: usize) -> Option<PeriodicQueue> {
    let cmu = f64::from(c) * mu;
    let wait_of = |n: usize| if n >= c as usize { (n - c as usize + 1) as f64 / cmu } else { 0.0 };
    let mut p = vec![0.0; states];
    p[0] = 1.0;
    let mut hourly = vec![0.0; rates.len()];
    for day in 1..=100_000u32 {
        let start = p.clone();
        for (h, &lambda) in rates.iter().enumerate() {
            let mut area = vec![0.0; states];
            advance(&mut p, &mut area, lambda, mu, c, hour);
            if p[states - 1] >= 1e-12 {
                return None;
            }
            hourly[h] = area.iter().enumerate().map(|(n, a)| a * wait_of(n)).sum::<f64>() / hour;
        }
        let moved: f64 = p.iter().zip(&start).map(|(a, b)| (a - b).abs()).sum();
        if moved < 1e-13 {
            let total: f64 = rates.iter().sum();
            let daily = if total > 0.0 {
                rates.iter().zip(&hourly).map(|(l, w)| l * w).sum::<f64>() / total
            } else {
                0.0
            };
            return Some(PeriodicQueue {
                hourly_mean_wait: hourly,
                daily_mean_wait: daily,
                days: day,
                states,
            });
        }
    }
    None
}

/// Moves the law `p` on by `span` at arrival rate `lambda` (blocked at the last state) and
/// adds its integral over the span to `area`, by uniformization in steps short enough that
/// the Poisson weights stay in range.
fn advance(p: &mut Vec<f64>, area: &mut [f64], lambda: f64, mu: f64, c: u32, span: f64) {
    let n = p.len();
    let death = |k: usize| (k.min(c as usize) as f64) * mu;
    let big = lambda + f64::from(c) * mu;
    let steps = ((big * span) / 20.0).ceil().max(1.0);
    let s = span / steps;
    let mut next = vec![0.0; n];
    for _ in 0..steps as u64 {
        // Poisson(Λs) weights, their upper tails, and v = p·Pᵏ.
        let mean = big * s;
        let mut v = p.clone();
        let mut pmf = (-mean).exp();
        let mut cdf = pmf;
        let mut out = vec![0.0; n];
        let mut k = 0u32;
        loop {
            for i in 0..n {
                out[i] += pmf * v[i];
                area[i] += (1.0 - cdf).max(0.0) / big * v[i];
            }
            if 1.0 - cdf < 1e-16 || (f64::from(k) > mean && pmf < 1e-18) {
                break;
            }
            // v ← v·P, P = I + Q/Λ for the birth–death generator Q.
            for i in 0..n {
                let up = if i + 1 < n { lambda } else { 0.0 };
                let stay = 1.0 - (up + death(i)) / big;
                let mut x = v[i] * stay;
                if i > 0 {
                    x += v[i - 1] * lambda / big;
                }
                if i + 1 < n {
                    x += v[i + 1] * death(i + 1) / big;
                }
                next[i] = x;
            }
            std::mem::swap(&mut v, &mut next);
            k += 1;
            pmf *= mean / f64::from(k);
            cdf += pmf;
        }
        *p = out;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_constant_rate_gives_erlang_c_every_hour() {
        // λ = 0.6, μ = 0.25 per minute, c = 3 (ρ = 0.8): Erlang C mean wait in every hour.
        let q = periodic_mmc(&[0.6; 24], 60.0, 0.25, 3).expect("stable");
        let w = crate::erlang_c_mean_wait(0.6, 0.25, 3).expect("stable");
        for h in &q.hourly_mean_wait {
            assert!((h - w).abs() < 1e-9 * w, "{h} vs {w}");
        }
        assert!((q.daily_mean_wait - w).abs() < 1e-9 * w);
    }

    #[test]
    fn a_peak_waits_longer_than_its_stationary_value_afterwards() {
        // Overload for two hours: the wait keeps growing after the peak's start and the hour
        // after the peak still waits far longer than its own stationary value.
        let mut rates = vec![0.3; 24];
        rates[10] = 0.9;
        rates[11] = 0.9;
        let q = periodic_mmc(&rates, 60.0, 0.25, 3).expect("stable");
        let stationary = crate::erlang_c_mean_wait(0.3, 0.25, 3).expect("stable");
        assert!(q.hourly_mean_wait[11] > q.hourly_mean_wait[10]);
        assert!(q.hourly_mean_wait[12] > 5.0 * stationary, "{q:?}");
        assert!(periodic_mmc(&[0.8; 24], 60.0, 0.25, 3).is_none(), "mean load 1.07");
    }
}
