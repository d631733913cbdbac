//! `navbat-record` on its own: intervals, wait quantiles and paired comparisons against
//! values worked out by hand or tabulated.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test stops at the first failed assumption, helpers included"
)]

use navbat_record::{
    Estimate, Quantile, ReplicationRecord, RunSummary, SiteRecord, WaitHistogram, compare_paired,
};
use statrs::distribution::{ContinuousCDF, StudentsT};

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

// ---- Estimate ---------------------------------------------------------------------------

/// Two-sided 95 % Student-t quantiles t(0.975, df), as printed in statistical tables.
const T_975: [(u32, f64); 5] = [
    (1, 12.706_204_736),
    (2, 4.302_652_730),
    (4, 2.776_445_105),
    (9, 2.262_157_163),
    (29, 2.045_229_642),
];

#[test]
fn t_interval_uses_the_tabulated_quantile() {
    for (df, t) in T_975 {
        let n = df as usize + 1;
        // Values 1, 2, …, n: mean (n + 1) / 2, variance n (n + 1) / 12.
        let values: Vec<f64> = (1..=n).map(|i| i as f64).collect();
        let e = Estimate::from_samples(&values);
        let mean = (n as f64 + 1.0) / 2.0;
        let se = (n as f64 * (n as f64 + 1.0) / 12.0 / n as f64).sqrt();
        assert!(close(e.mean, mean, 1e-12), "df {df}: mean {}", e.mean);
        assert!(close(e.half_width(), t * se, 1e-8), "df {df}: {} vs {}", e.half_width(), t * se);
        assert!(close(e.ci95_low, mean - t * se, 1e-8));
        assert!(close(e.ci95_high, mean + t * se, 1e-8));
    }
}

#[test]
fn other_levels_use_statrs_quantiles() {
    let values = [3.0, 7.0, 4.0, 9.0, 2.0, 5.0];
    for level in [0.8, 0.9, 0.99] {
        let e = Estimate::with_level(&values, level);
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let t = StudentsT::new(0.0, 1.0, n - 1.0).expect("t").inverse_cdf(0.5 + level / 2.0);
        assert!(close(e.half_width(), t * (var / n).sqrt(), 1e-12), "level {level}");
    }
    // A wider level gives a wider interval around the same mean.
    let narrow = Estimate::with_level(&values, 0.8);
    let wide = Estimate::with_level(&values, 0.99);
    assert!(wide.half_width() > narrow.half_width());
    assert_eq!(wide.mean, narrow.mean);
}

#[test]
fn degenerate_samples_collapse_or_say_nothing() {
    let e = Estimate::from_samples(&[4.5]);
    assert_eq!((e.ci95_low, e.mean, e.ci95_high), (4.5, 4.5, 4.5));
    let e = Estimate::from_samples(&[2.0, 2.0, 2.0]);
    assert_eq!((e.ci95_low, e.mean, e.ci95_high), (2.0, 2.0, 2.0));
    let e = Estimate::from_samples(&[]);
    assert!(e.mean.is_nan() && e.ci95_low.is_nan() && e.ci95_high.is_nan());
    let e = Estimate::from_samples(&[1.0, 3.0]);
    assert!(e.contains(1.0) && e.contains(e.ci95_low) && e.contains(e.ci95_high));
    assert!(!e.contains(e.ci95_high + 1e-9));
}

// ---- WaitHistogram ----------------------------------------------------------------------

const MIN: i64 = 60_000;

#[test]
fn empty_histogram_reads_zero() {
    let h = WaitHistogram::default();
    assert_eq!(h.count(), 0);
    assert_eq!(h.mean_min(), 0.0);
    assert_eq!(h.quantile_min(0.9), 0.0);
}

#[test]
fn mean_and_maximum_are_exact() {
    let mut h = WaitHistogram::default();
    for w in [1_234, 61_000, 599_999, -5_000] {
        h.add(w);
    }
    assert_eq!(h.count(), 4);
    // The negative wait counts as zero.
    assert!(close(h.mean_min(), (1_234.0 + 61_000.0 + 599_999.0) / 4.0 / 60_000.0, 1e-15));
    assert!(close(h.max_min(), 599_999.0 / 60_000.0, 1e-15));
}

#[test]
fn quantiles_interpolate_within_six_second_bins() {
    // 100 waits, one in each of the first 100 bins, at the bin's start: 0 s, 6 s, …, 594 s.
    let mut h = WaitHistogram::default();
    for i in 0..100 {
        h.add(i * 6_000);
    }
    // The k-th smallest wait lies in bin k - 1, and the quantile reads the end of its bin,
    // capped at the maximum: rank ceil(q * 100).
    for (q, rank) in [(0.01, 1), (0.5, 50), (0.9, 90), (0.905, 91)] {
        let expected = (rank as f64 * 6_000.0).min(99.0 * 6_000.0) / 60_000.0;
        assert!(close(h.quantile_min(q), expected, 1e-12), "q {q}: {}", h.quantile_min(q));
    }
    // The top quantile is the exact maximum, never the end of its bin.
    assert!(close(h.quantile_min(1.0), 594.0 / 60.0, 1e-12));
    // Quantiles never decrease with q.
    let mut last = 0.0;
    for k in 0..=100 {
        let v = h.quantile_min(f64::from(k) / 100.0);
        assert!(v >= last, "quantiles never decrease");
        last = v;
    }
}

#[test]
fn a_wait_on_a_bin_edge_belongs_to_the_bin_it_starts() {
    let mut h = WaitHistogram::default();
    h.add(5_999);
    h.add(6_000);
    // Median: rank 1, in bin 0 ([0, 6 s)), whose end is 6 s, capped by nothing (max 6 s).
    assert!(close(h.quantile_min(0.5), 0.1, 1e-12));
    let mut g = WaitHistogram::default();
    g.add(6_000);
    g.add(6_000);
    // Both in bin 1 ([6 s, 12 s)); the bin's end is capped at the maximum, 6 s.
    assert!(close(g.quantile_min(0.5), 0.1, 1e-12));
}

#[test]
fn waits_of_days_and_weeks_keep_their_quantiles_not_the_maximum() {
    // 1,000 waits evenly from 1 to 21 days (back-office waits, end-to-end times).
    const DAY: i64 = 24 * 60 * MIN;
    let mut h = WaitHistogram::default();
    for i in 0..1_000 {
        h.add(DAY + i * 20 * DAY / 999);
    }
    for (q, rank) in [(0.5, 500), (0.9, 900)] {
        let exact = (DAY + (rank - 1) * 20 * DAY / 999) as f64 / MIN as f64;
        let got = h.quantile_min(q);
        // Bins past the first day are 1 % wide.
        assert!((got - exact).abs() <= 0.011 * exact, "q {q}: {got} vs {exact}");
        assert_eq!(h.quantile(q), Quantile::Minutes(got));
    }
    assert!(h.quantile_min(0.9) < 0.95 * h.max_min(), "the P90 is not the maximum");
    // The longest horizon a scenario may have (3,660 days) is inside the bins.
    let mut long = WaitHistogram::default();
    long.add(3_660 * DAY);
    assert_eq!(long.overflow(), 0);
    assert!(close(long.quantile_min(0.5), 3_660.0 * 1_440.0, 1e-12));
}

#[test]
fn a_quantile_past_the_last_bin_says_so() {
    const DAY: i64 = 24 * 60 * MIN;
    let mut h = WaitHistogram::default();
    h.add(10 * MIN);
    h.add(5_000 * DAY);
    assert_eq!(h.overflow(), 1);
    assert!(matches!(h.quantile(0.5), Quantile::Minutes(m) if close(m, 10.1, 1e-12)));
    match h.quantile(1.0) {
        Quantile::Beyond(m) => assert!((m / 1_440.0 - 4_000.0).abs() < 40.0, "{m}"),
        other => panic!("past the last bin: {other:?}"),
    }
}

#[test]
fn merging_equals_adding_every_wait() {
    let waits: Vec<i64> = (0..500).map(|i| (i * 7_919) % (90 * MIN) + i % 3).collect();
    let mut whole = WaitHistogram::default();
    let (mut a, mut b) = (WaitHistogram::default(), WaitHistogram::default());
    for (i, &w) in waits.iter().enumerate() {
        whole.add(w);
        if i % 2 == 0 { a.add(w) } else { b.add(w) }
    }
    a.merge(&b);
    assert_eq!(a, whole);
}

// ---- Paired comparisons -----------------------------------------------------------------

/// A site record with every count zero but the ones a test sets.
fn site(
    replication: u32,
    name: &str,
    served: u64,
    reneged: u64,
    wait: f64,
    busy: f64,
) -> SiteRecord {
    let mut v = serde_json::json!({
        "replication": replication, "site": name, "arrivals": served + reneged, "portal": 0,
        "served": served, "served_kiosk": served / 4, "kiosk_fallbacks": 0, "balked": 0,
        "reneged": reneged, "sent_home": 0, "unserved": 0, "in_system_end": 0,
        "mean_wait_min": wait, "p50_wait_min": wait, "p90_wait_min": 2.0 * wait,
        "p95_wait_min": 2.5 * wait, "max_wait_min": 4.0 * wait,
        "mean_time_in_site_min": wait + 5.0, "utilization": busy / 100.0,
        "officer_hours": 100.0, "officer_busy_hours": busy, "kiosk_utilization": 0.0,
        "kiosk_uptime": 1.0, "kiosk_failures": 0, "queue_area_min": 0.0, "time_in_line_min": 0.0,
    });
    v["citizen_hours"] = serde_json::json!(0.0);
    serde_json::from_value(v).expect("a site record")
}

fn replication(r: u32, sites: Vec<SiteRecord>) -> ReplicationRecord {
    ReplicationRecord {
        replication: r,
        events: 0,
        sites,
        breakdown: Vec::new(),
        face: Vec::new(),
        back_office: Vec::new(),
        fault: None,
    }
}

#[test]
fn paired_differences_are_variant_minus_baseline_per_replication() {
    // Three replications of two sites; the kiosks cut waits by 2, 3 and 4 minutes at site a.
    let variant: Vec<_> = (0..3)
        .map(|r| {
            let rf = f64::from(r);
            replication(
                r,
                vec![site(r, "a", 100, 5, 10.0 + rf, 60.0), site(r, "b", 50, 0, 3.0, 30.0)],
            )
        })
        .collect();
    let baseline: Vec<_> = (0..3)
        .map(|r| {
            let rf = f64::from(r);
            replication(
                r,
                vec![
                    site(r, "a", 96, 9, 12.0 + 2.0 * rf, 70.0 + rf),
                    site(r, "b", 50, 0, 3.0, 30.0),
                ],
            )
        })
        .collect();
    let c = compare_paired(&variant, &baseline);
    assert_eq!(c.len(), 2);
    assert_eq!(c[0].name, "a");
    // Differences -2, -3, -4: mean -3, sd 1, half-width t(0.975, 2) / sqrt(3).
    let w = &c[0].mean_wait_min;
    assert!(close(w.mean, -3.0, 1e-12));
    assert!(close(w.half_width(), 4.302_652_730 / 3f64.sqrt(), 1e-8), "{w:?}");
    // Officer hours freed are baseline minus variant: 10, 11, 12.
    assert!(close(c[0].officer_hours_freed.mean, 11.0, 1e-12));
    assert!(close(c[0].served.mean, 4.0, 1e-12));
    assert!(close(c[0].abandoned.mean, -4.0, 1e-12));
    // Identical sites differ by exactly nothing.
    let b = &c[1];
    for e in [
        &b.served,
        &b.abandoned,
        &b.mean_wait_min,
        &b.p90_wait_min,
        &b.utilization,
        &b.officer_hours_freed,
    ] {
        assert_eq!((e.ci95_low, e.mean, e.ci95_high), (0.0, 0.0, 0.0));
    }
}

#[test]
fn a_summary_holds_one_estimate_per_site_and_the_baseline_pairs() {
    let reps: Vec<_> = (0..4)
        .map(|r| replication(r, vec![site(r, "a", 100 + u64::from(r), 2, 5.0, 40.0)]))
        .collect();
    let base: Vec<_> = (0..4)
        .map(|r| replication(r, vec![site(r, "a", 100, 2 + u64::from(r), 6.0, 45.0)]))
        .collect();
    let s = RunSummary::from_replications("t", 7, &reps).with_baseline(&reps, &base);
    assert_eq!(s.replications, 4);
    assert_eq!(s.sites.len(), 1);
    assert!(close(s.sites[0].served.mean, 101.5, 1e-12));
    let vs = s.vs_baseline.as_ref().expect("paired differences");
    assert!(close(vs[0].mean_wait_min.mean, -1.0, 1e-12));
    assert!(close(vs[0].officer_hours_freed.mean, 5.0, 1e-12));
}

#[test]
fn kaplan_meier_quantiles_count_what_is_still_running() {
    // Events at 1, 2, 3 and 4 minutes; two still running at 1.5 minutes (censored).
    let (mut events, mut open) = (WaitHistogram::default(), WaitHistogram::default());
    for m in [1, 2, 3, 4] {
        events.add(m * MIN);
    }
    open.add(90_000);
    open.add(90_000);
    // Survival: 5/6 after 1 min; 3 at risk after the censorings; 5/6 × 2/3 = 5/9 after 2
    // min; 5/18 after 3 min, so the median is in the 3-minute bin, 0.2 of the way:
    // (5/9 - 1/2) / (5/9 - 5/18) = 0.2, that is 3 min + 0.2 × 6 s.
    match events.km_quantile(&open, 0.5) {
        Quantile::Minutes(m) => assert!(close(m, 3.02, 1e-9), "{m}"),
        other => panic!("{other:?}"),
    }
    // Ignoring what is still running would say 2.1 minutes.
    assert!(close(events.quantile_min(0.5), 2.1, 1e-12));
    // With nothing censored it is the plain quantile's bin.
    assert!(matches!(events.km_quantile(&WaitHistogram::default(), 0.5),
        Quantile::Minutes(m) if close(m, 2.1, 1e-9)));
    // One event and nine still running: the survival never reaches one half.
    let (mut one, mut nine) = (WaitHistogram::default(), WaitHistogram::default());
    one.add(MIN);
    for _ in 0..9 {
        nine.add(2 * MIN);
    }
    assert_eq!(one.km_quantile(&nine, 0.5), Quantile::Beyond(2.0));
}
