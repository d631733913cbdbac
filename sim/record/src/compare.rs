//! Paired differences between a variant and its baseline, replication by replication.
//!
//! Both runs use the same seeds and streams (common random numbers), so replication `r` of
//! the variant and of the baseline saw the same people arrive with the same needs; the
//! difference of each pair has far less variance than the difference of two independent
//! means, and its Student-t interval is the honest one to report.

use serde::{Deserialize, Serialize};

use crate::{Estimate, ReplicationRecord, SiteRecord};

/// Variant minus baseline at one site, as estimates over replication pairs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteComparison {
    /// Site id.
    pub name: String,
    /// Change in people served.
    pub served: Estimate,
    /// Change in people who left unserved.
    pub abandoned: Estimate,
    /// Change in mean wait, minutes.
    pub mean_wait_min: Estimate,
    /// Change in P90 wait, minutes.
    pub p90_wait_min: Estimate,
    /// Change in officer utilisation.
    pub utilization: Estimate,
    /// Officer hours of serving saved (baseline minus variant).
    pub officer_hours_freed: Estimate,
    /// Change in the share of served people done with no officer.
    pub officer_free_share: Estimate,
}

/// Paired comparison of `variant` with `baseline` (same replications, same sites, same order).
pub fn compare_paired(
    variant: &[ReplicationRecord],
    baseline: &[ReplicationRecord],
) -> Vec<SiteComparison> {
    let n_sites = variant.first().map_or(0, |r| r.sites.len());
    (0..n_sites)
        .map(|i| {
            let diff = |f: &dyn Fn(&SiteRecord) -> f64| {
                let d: Vec<f64> = variant
                    .iter()
                    .zip(baseline)
                    .filter_map(|(v, b)| Some(f(v.sites.get(i)?) - f(b.sites.get(i)?)))
                    .collect();
                Estimate::from_samples(&d)
            };
            let freed = {
                let d: Vec<f64> = variant
                    .iter()
                    .zip(baseline)
                    .filter_map(|(v, b)| {
                        Some(
                            b.sites.get(i)?.officer_busy_hours - v.sites.get(i)?.officer_busy_hours,
                        )
                    })
                    .collect();
                Estimate::from_samples(&d)
            };
            SiteComparison {
                name: variant[0].sites[i].site.clone(),
                served: diff(&|s| s.served as f64),
                abandoned: diff(&|s| s.abandoned() as f64),
                mean_wait_min: diff(&|s| s.mean_wait_min),
                p90_wait_min: diff(&|s| s.p90_wait_min),
                utilization: diff(&|s| s.utilization),
                officer_hours_freed: freed,
                officer_free_share: diff(&|s| {
                    if s.served == 0 { 0.0 } else { s.served_kiosk as f64 / s.served as f64 }
                }),
            }
        })
        .collect()
}
