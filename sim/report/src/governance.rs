//! Governance: decisions automated and reviewed, appeals, the decree's outcomes at a first
//! ID card, the audit-chain verification, and what personal data the results hold.

use navbat_record::{Dimension, SiteRecord};

use crate::build::{Ctx, by_replication, est, num, over, phrase, ratio, with_ci};
use crate::doc::{Block, Table};

/// Column-name words that would mark a person-level field (checked, never expected).
const PERSONAL: [&str; 14] = [
    "name",
    "surname",
    "pinfl",
    "passport",
    "birth",
    "template",
    "photo",
    "image",
    "phone",
    "address",
    "person",
    "applicant",
    "embedding",
    "fingerprint",
];

/// Columns of `columns` whose name contains a word of [`PERSONAL`] (split at `_`).
pub(crate) fn personal_columns(columns: &[(String, Vec<String>)]) -> Vec<String> {
    columns
        .iter()
        .flat_map(|(file, cols)| cols.iter().map(move |c| (file, c)))
        .filter(|(_, c)| c.to_lowercase().split(['_', ' ', '-']).any(|w| PERSONAL.contains(&w)))
        .map(|(f, c)| format!("{f}: {c}"))
        .collect()
}

pub(crate) fn section(blocks: &mut Vec<Block>, ctx: &Ctx<'_>) {
    blocks.push(Block::Heading { level: 2, text: "Governance".to_owned() });
    if ctx.workflows {
        decisions(blocks, ctx);
    } else {
        blocks.push(Block::Note(
            "Case workflows were not simulated in this run, so there are no decisions, appeals \
             or audit chains to report."
                .to_owned(),
        ));
    }
    personal_data(blocks, ctx);
}

fn decisions(blocks: &mut Vec<Block>, ctx: &Ctx<'_>) {
    let pilot: Vec<&SiteRecord> = ctx.sites.iter().flat_map(|s| s.pilot.iter().copied()).collect();
    let per_rep = |f: fn(&SiteRecord) -> f64| {
        by_replication(pilot.iter().copied(), |r| r.replication, f)
            .into_values()
            .collect::<Vec<_>>()
    };
    let automated = per_rep(|r| r.automated_decisions as f64);
    let reviewed = per_rep(|r| r.reviewed_decisions as f64);
    let appeals = per_rep(|r| r.appeals as f64);
    let upheld = per_rep(|r| r.appeals_upheld as f64);
    let adjudications = per_rep(|r| r.adjudications as f64);
    let pct = |a: &[f64], b: &[f64]| {
        est(&a
            .iter()
            .zip(b)
            .map(|(x, y)| 100.0 * ratio(*x, *y))
            .filter(|v| v.is_finite())
            .collect::<Vec<_>>())
    };
    let decided: Vec<f64> = automated.iter().zip(&reviewed).map(|(a, r)| a + r).collect();
    let auto_share = pct(&automated, &decided);
    let review_share = pct(&reviewed, &decided);
    let upheld_share = pct(&upheld, &appeals);
    let rows = vec![
        vec![
            "Decisions taken".to_owned(),
            "per year".to_owned(),
            crate::build::with_ci(&est(&decided), 0),
        ],
        vec![
            "Automated (rules alone)".to_owned(),
            "% of decisions".to_owned(),
            crate::build::with_ci(&auto_share, 1),
        ],
        vec![
            "Reviewed by a person".to_owned(),
            "% of decisions".to_owned(),
            crate::build::with_ci(&review_share, 1),
        ],
        vec![
            "Biometric adjudications".to_owned(),
            "per year".to_owned(),
            crate::build::with_ci(&est(&adjudications), 0),
        ],
        vec![
            "Appeals lodged".to_owned(),
            "per year".to_owned(),
            crate::build::with_ci(&est(&appeals), 0),
        ],
        vec![
            "Appeals upheld".to_owned(),
            "% of appeals".to_owned(),
            crate::build::with_ci(&upheld_share, 1),
        ],
    ];
    blocks.push(Block::Para(format!(
        "At the pilot sites, {} of decisions are taken by automated rules alone and {} by a \
         person; {} appeals are lodged a year, of which {} are upheld.",
        phrase(&auto_share, 1, "%"),
        phrase(&review_share, 1, "%"),
        num(est(&appeals).mean, 0),
        phrase(&upheld_share, 1, "%"),
    )));
    blocks.push(Block::Table(Table {
        name: "decisions".to_owned(),
        caption: "Decisions and appeals at the pilot sites, mean (95 % CI) a year".to_owned(),
        header: ["Measure", "Unit", "Pilot"].map(str::to_owned).to_vec(),
        rows,
    }));

    decree_outcomes(blocks, ctx);

    // The audit chain: every finished case's hash chain, every site, both runs.
    let mut audit_rows = Vec::new();
    let mut failures = Vec::new();
    for (run, records) in [("Pilot", Some(&ctx.res.pilot)), ("Baseline", ctx.res.baseline.as_ref())]
    {
        let Some(records) = records else { continue };
        let verified: u64 = records.iter().map(|r| r.audit_verified).sum();
        let failed: u64 = records.iter().map(|r| r.audit_failed).sum();
        if failed > 0 {
            failures.push(format!("{run}: {failed}"));
        }
        audit_rows.push(vec![run.to_owned(), verified.to_string(), failed.to_string()]);
    }
    blocks.push(Block::Table(Table {
        name: "audit".to_owned(),
        caption: "Audit hash chains of finished cases, all sites and replications".to_owned(),
        header: ["Run", "Chains verified", "Chains that failed"].map(str::to_owned).to_vec(),
        rows: audit_rows,
    }));
    blocks.push(if failures.is_empty() {
        Block::Para(
            "Every finished case's audit chain verified as the twin wrote it. The exported \
             event log carries each case's chain, a keyed HMAC of its head and a Merkle root \
             over all heads, so anyone holding the audit key can check with `navbat audit \
             verify` that a log is the one the twin exported. This does not show that the \
             simulated records are true, and whoever holds the key could seal a forged log."
                .to_owned(),
        )
    } else {
        Block::Note(format!(
            "Audit chains FAILED to verify ({}). A failed chain means a case record does not \
             match its hash chain; this must be investigated before the results are relied on.",
            failures.join("; ")
        ))
    });
}

/// The decree of 19 January 2026: a free e-signature certificate on a first ID card's chip
/// and the person's registration in the e-government identity system, per pilot site a year
/// and per site and month of issue.
fn decree_outcomes(blocks: &mut Vec<Block>, ctx: &Ctx<'_>) {
    let issued: u64 = ctx
        .sites
        .iter()
        .flat_map(|s| s.pilot.iter())
        .map(|r| r.esign_certificates + r.egov_registrations)
        .sum();
    if issued == 0 {
        blocks.push(Block::Note(
            "No e-signature certificate or e-government registration was issued at a first ID \
             card in these results (no first ID card was produced, or the results predate \
             these counts)."
                .to_owned(),
        ));
        return;
    }
    let rows = ctx
        .sites
        .iter()
        .map(|s| {
            vec![
                s.site.name.clone(),
                with_ci(&over(&s.pilot, |r| r.esign_certificates as f64), 0),
                with_ci(&over(&s.pilot, |r| r.egov_registrations as f64), 0),
            ]
        })
        .collect();
    blocks.push(Block::Table(Table {
        name: "decree".to_owned(),
        caption: "The decree's outcomes at a first ID card, per pilot site, mean (95 % CI) a \
                  year"
            .to_owned(),
        header: ["Site", "E-signature certificates", "E-government registrations"]
            .map(str::to_owned)
            .to_vec(),
        rows,
    }));
    let mut month_rows = Vec::new();
    for s in &ctx.sites {
        let reps = s.pilot.len().max(1) as f64;
        let mut months: Vec<(&str, [u64; 2])> = Vec::new();
        let rows = ctx.res.breakdown.iter().filter(|r| {
            r.site == s.site.id && r.dimension == Dimension::Month && !r.key.is_empty()
        });
        for r in rows {
            match months.iter_mut().find(|(k, _)| *k == r.key) {
                Some((_, c)) => {
                    c[0] += r.esign_certificates;
                    c[1] += r.egov_registrations;
                }
                None => months.push((&r.key, [r.esign_certificates, r.egov_registrations])),
            }
        }
        for (month, c) in months {
            month_rows.push(vec![
                s.site.name.clone(),
                month.to_owned(),
                num(c[0] as f64 / reps, 1),
                num(c[1] as f64 / reps, 1),
            ]);
        }
    }
    blocks.push(Block::Table(Table {
        name: "decree-by-month".to_owned(),
        caption: "The decree's outcomes per pilot site and month of issue, mean over \
                  replications"
            .to_owned(),
        header: ["Site", "Month", "E-signature certificates", "E-government registrations"]
            .map(str::to_owned)
            .to_vec(),
        rows: month_rows,
    }));
}

fn personal_data(blocks: &mut Vec<Block>, ctx: &Ctx<'_>) {
    blocks.push(Block::Heading { level: 3, text: "Personal data the simulation kept".to_owned() });
    let personal = personal_columns(&ctx.res.columns);
    blocks.push(Block::Para(
        "The people in the simulation are synthetic: each is a generated pseudonymous number, \
         and a face is a template regenerated in memory from the seed and that number when \
         needed. The results directory is all that is written to disk; the table lists every \
         file in it and, for tables, every column. Rows are counts and averages per \
         replication, site and group, never one row per person."
            .to_owned(),
    ));
    let rows = ctx
        .res
        .columns
        .iter()
        .map(|(file, cols)| {
            let what = if !cols.is_empty() {
                cols.join(", ")
            } else {
                match file.as_str() {
                    "run.json" => "how the run was made: navbat version, command, scenario file and SHA-256, seed, replications, overrides".to_owned(),
                    "scenario.ron" => "the scenario as run (sites, services, demand, parameters)".to_owned(),
                    "summary.json" => "means and 95 % intervals of the replications, per site".to_owned(),
                    "selfcheck.json" => "the engine's self-checks against queueing theory on the build that made the run (navbat selfcheck)".to_owned(),
                    _ => "not read by this report".to_owned(),
                }
            };
            vec![file.clone(), what]
        })
        .collect();
    blocks.push(Block::Table(Table {
        name: "results-files".to_owned(),
        caption: "Files of the results directory and their columns".to_owned(),
        header: ["File", "Columns or content"].map(str::to_owned).to_vec(),
        rows,
    }));
    blocks.push(if personal.is_empty() {
        Block::Para(
            "No column holds a name, document number, birth date, address, photo, biometric \
             template or person identifier (checked by column name)."
                .to_owned(),
        )
    } else {
        Block::Note(format!(
            "Columns whose names suggest personal data: {}. Check them before sharing the results.",
            personal.join(", ")
        ))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_level_columns_are_found_by_name() {
        let files = vec![
            ("face.csv".to_owned(), vec!["replication".to_owned(), "age_band".to_owned()]),
            ("x.csv".to_owned(), vec!["person_id".to_owned(), "sites".to_owned()]),
            ("run.json".to_owned(), Vec::new()),
        ];
        assert_eq!(personal_columns(&files), ["x.csv: person_id"]);
        assert!(personal_columns(&files[..1]).is_empty());
    }
}
