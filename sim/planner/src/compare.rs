//! Comparing the edited layout with the saved baseline: replications of both, run in the
//! background, then paired differences with 95 % confidence intervals.
//!
//! Both layouts run replications `0..n` with the same master seed. The engine keys every
//! random stream by (seed, replication, purpose, site), so a site's arrivals are the same in
//! both runs (common random numbers) and the paired differences have small variance.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread::JoinHandle;

use navbat_engine::{Model, run_replications};
use navbat_record::{Estimate, ReplicationRecord, RunSummary, SiteRecord, SiteSummary};
use navbat_scenario::Scenario;

/// One site's difference, layout minus baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteDifference {
    /// Site id.
    pub site: String,
    /// The layout's summary at the site.
    pub layout: SiteSummary,
    /// Paired differences, or `None` for a site the baseline does not have.
    pub change: Option<Changes>,
}

/// Paired differences of the main KPIs (layout minus baseline), each with a 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Changes {
    /// Mean wait, minutes.
    pub mean_wait_min: Estimate,
    /// 90th percentile wait, minutes.
    pub p90_wait_min: Estimate,
    /// Officer utilisation.
    pub utilization: Estimate,
    /// People who left without their request done.
    pub abandoned: Estimate,
    /// Share of served people done at a kiosk.
    pub kiosk_share: Estimate,
}

/// The result of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Replications per layout.
    pub replications: u32,
    /// The baseline's summary.
    pub baseline: RunSummary,
    /// The layout's summary.
    pub layout: RunSummary,
    /// Per site of the layout.
    pub sites: Vec<SiteDifference>,
}

fn share(s: &SiteRecord) -> f64 {
    if s.served == 0 { 0.0 } else { s.served_kiosk as f64 / s.served as f64 }
}

impl Comparison {
    /// Pairs replications by number and sites by id.
    pub fn from_runs(
        name: &str,
        seed: u64,
        baseline: &[ReplicationRecord],
        layout: &[ReplicationRecord],
    ) -> Self {
        let base_summary = RunSummary::from_replications(name, seed, baseline);
        let layout_summary = RunSummary::from_replications(name, seed, layout);
        let sites = layout_summary
            .sites
            .iter()
            .map(|summary| {
                let pairs: Vec<(&SiteRecord, &SiteRecord)> = layout
                    .iter()
                    .zip(baseline)
                    .filter_map(|(l, b)| {
                        let ls = l.sites.iter().find(|s| s.site == summary.name)?;
                        let bs = b.sites.iter().find(|s| s.site == summary.name)?;
                        Some((ls, bs))
                    })
                    .collect();
                let diff = |f: &dyn Fn(&SiteRecord) -> f64| {
                    let v: Vec<f64> = pairs.iter().map(|(l, b)| f(l) - f(b)).collect();
                    Estimate::from_samples(&v)
                };
                let change = (!pairs.is_empty()).then(|| Changes {
                    mean_wait_min: diff(&|s| s.mean_wait_min),
                    p90_wait_min: diff(&|s| s.p90_wait_min),
                    utilization: diff(&|s| s.utilization),
                    abandoned: diff(&|s| s.abandoned() as f64),
                    kiosk_share: diff(&share),
                });
                SiteDifference { site: summary.name.clone(), layout: summary.clone(), change }
            })
            .collect();
        Self {
            replications: u32::try_from(layout.len()).unwrap_or(u32::MAX),
            baseline: base_summary,
            layout: layout_summary,
            sites,
        }
    }

    /// The evaluation of the layout as Markdown: per-site KPIs with 95 % intervals and the
    /// paired differences against the baseline.
    pub fn to_markdown(&self, scenario: &str) -> String {
        let mut md = String::new();
        let e = |x: &Estimate| format!("{:.2} [{:.2}, {:.2}]", x.mean, x.ci95_low, x.ci95_high);
        let _ = writeln!(md, "# Layout evaluation: {scenario}\n");
        let _ = writeln!(
            md,
            "{} replications of the edited layout and of the saved baseline, master seed {}, \
             paired by replication (common random numbers). Intervals are 95 % Student t.\n",
            self.replications, self.layout.seed
        );
        let _ = writeln!(md, "## The layout\n");
        let _ = writeln!(
            md,
            "| site | arrivals | mean wait (min) | P90 wait (min) | officer utilisation | abandoned | kiosk share |"
        );
        let _ = writeln!(md, "|---|---|---|---|---|---|---|");
        for s in &self.sites {
            let l = &s.layout;
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} |",
                s.site,
                e(&l.arrivals),
                e(&l.mean_wait_min),
                e(&l.p90_wait_min),
                e(&l.utilization),
                e(&l.abandoned),
                e(&l.kiosk_share)
            );
        }
        let _ = writeln!(md, "\n## Change against the baseline (layout minus baseline)\n");
        let _ = writeln!(
            md,
            "| site | mean wait (min) | P90 wait (min) | officer utilisation | abandoned | kiosk share |"
        );
        let _ = writeln!(md, "|---|---|---|---|---|---|");
        for s in &self.sites {
            match &s.change {
                Some(c) => {
                    let _ = writeln!(
                        md,
                        "| {} | {} | {} | {} | {} | {} |",
                        s.site,
                        e(&c.mean_wait_min),
                        e(&c.p90_wait_min),
                        e(&c.utilization),
                        e(&c.abandoned),
                        e(&c.kiosk_share)
                    );
                }
                None => {
                    let _ = writeln!(md, "| {} | new site | | | | |", s.site);
                }
            }
        }
        md
    }
}

/// A comparison running on background threads.
#[derive(Debug)]
pub struct CompareJob {
    done: Arc<AtomicU32>,
    total: u32,
    handle: Option<JoinHandle<Comparison>>,
    result: Option<Result<Comparison, String>>,
}

impl CompareJob {
    /// Starts `replications` replications of each layout on a pool of `threads` worker
    /// threads (at least one), off the caller's thread.
    pub fn start(
        baseline: &Scenario,
        layout: &Scenario,
        seed: u64,
        replications: u32,
        threads: usize,
    ) -> Self {
        let done = Arc::new(AtomicU32::new(0));
        let counter = done.clone();
        let (base, edited) = (baseline.clone(), layout.clone());
        let name = layout.name.clone();
        let handle = std::thread::spawn(move || {
            let tick = move || {
                counter.fetch_add(1, Ordering::Relaxed);
            };
            let run = |scenario: Scenario| {
                let model = Model::new(scenario);
                match rayon::ThreadPoolBuilder::new().num_threads(threads.max(1)).build() {
                    Ok(pool) => {
                        pool.install(|| run_replications(&model, seed, replications, &tick))
                    }
                    Err(_) => run_replications(&model, seed, replications, &tick),
                }
            };
            let b = run(base);
            let l = run(edited);
            Comparison::from_runs(&name, seed, &b, &l)
        });
        Self { done, total: 2 * replications, handle: Some(handle), result: None }
    }

    /// Replications finished and in all.
    pub fn progress(&self) -> (u32, u32) {
        (self.done.load(Ordering::Relaxed).min(self.total), self.total)
    }

    /// The comparison once it is finished (`Err` if the worker failed).
    pub fn poll(&mut self) -> Option<&Result<Comparison, String>> {
        if self.result.is_none() && self.handle.as_ref().is_some_and(JoinHandle::is_finished) {
            let handle = self.handle.take()?;
            self.result =
                Some(handle.join().map_err(|_| "the comparison worker failed".to_owned()));
        }
        self.result.as_ref()
    }

    /// Waits for the comparison (tests and scripts).
    pub fn wait(mut self) -> Result<Comparison, String> {
        if let Some(r) = self.result.take() {
            return r;
        }
        match self.handle.take() {
            Some(h) => h.join().map_err(|_| "the comparison worker failed".to_owned()),
            None => Err("the comparison has no worker".to_owned()),
        }
    }
}
