//! Right and wrong decisions, and identity fraud: wrongful refusals and approvals per site
//! and per service, and Face-ID's fraud caught and missed with its error rates per group.

use std::collections::BTreeMap;

use navbat_record::{Dimension, SiteRecord};

use crate::build::{Ctx, by_replication, est, num, over, with_ci};
use crate::doc::{Block, Table};

pub(crate) fn section(blocks: &mut Vec<Block>, ctx: &Ctx<'_>) {
    blocks.push(Block::Heading { level: 2, text: "Right and wrong decisions".to_owned() });
    let judged: u64 = ctx
        .sites
        .iter()
        .flat_map(|s| s.pilot.iter())
        .map(|r| {
            r.applications_ineligible
                + r.applications_fraudulent
                + r.wrongful_refusals
                + r.wrongful_approvals
                + r.impostors_caught
                + r.impostors_missed
                + r.duplicates_caught
                + r.duplicates_missed
        })
        .sum();
    if judged == 0 {
        blocks.push(Block::Note(
            "These results hold no unsound application, wrongful decision, impostor or true \
             duplicate (the scenario gives no truth shares, reviewer error rates or \
             adversaries, or the results predate these counts), so decisions cannot be \
             judged right or wrong here."
                .to_owned(),
        ));
        return;
    }
    blocks.push(Block::Para(
        "Every application has a truth (sound, ineligible or fraudulent, in the scenario's \
         shares per service; impostors and true duplicates are fraudulent), and reviewers see \
         it through their error rates per skill. A wrongful refusal is a sound application a \
         reviewer refused in the end (after any appeal); a wrongful approval is an unsound \
         one delivered, by a reviewer or by automated rules alone."
            .to_owned(),
    ));
    let rows = ctx
        .sites
        .iter()
        .map(|s| {
            let cell = |f: fn(&SiteRecord) -> u64| with_ci(&over(&s.pilot, |r| f(r) as f64), 0);
            vec![
                s.site.name.clone(),
                cell(|r| r.wrongful_refusals),
                cell(|r| r.wrongful_approvals),
                cell(|r| r.impostors_caught),
                cell(|r| r.impostors_missed),
                cell(|r| r.duplicates_caught),
                cell(|r| r.duplicates_missed),
            ]
        })
        .collect();
    blocks.push(Block::Table(Table {
        name: "wrongful".to_owned(),
        caption: "Wrongful decisions and identity fraud per pilot site, mean (95 % CI) a year"
            .to_owned(),
        header: [
            "Site",
            "Wrongful refusals",
            "Wrongful approvals",
            "Impostors caught",
            "Impostors missed",
            "Duplicates caught",
            "Duplicates missed",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows,
    }));
    by_service(blocks, ctx);
    face_fraud(blocks, ctx);
}

/// Wrongful decisions per service, all pilot sites together.
fn by_service(blocks: &mut Vec<Block>, ctx: &Ctx<'_>) {
    let rows: Vec<&navbat_record::BreakdownRow> = ctx
        .res
        .breakdown
        .iter()
        .filter(|r| r.dimension == Dimension::Service && !ctx.res.is_candidate(&r.site))
        .collect();
    let mut services: Vec<&str> = Vec::new();
    for r in &rows {
        if !services.contains(&r.key.as_str()) {
            services.push(&r.key);
        }
    }
    let table: Vec<Vec<String>> = services
        .iter()
        .map(|service| {
            let of = rows.iter().copied().filter(|r| r.key == *service);
            let refusals =
                by_replication(of.clone(), |r| r.replication, |r| r.wrongful_refusals as f64);
            let approvals = by_replication(of, |r| r.replication, |r| r.wrongful_approvals as f64);
            vec![
                (*service).to_owned(),
                with_ci(&est(&refusals.values().copied().collect::<Vec<_>>()), 0),
                with_ci(&est(&approvals.values().copied().collect::<Vec<_>>()), 0),
            ]
        })
        .collect();
    blocks.push(Block::Table(Table {
        name: "wrongful_by_service".to_owned(),
        caption: "Wrongful decisions per service, pilot sites together, mean (95 % CI) a year"
            .to_owned(),
        header: ["Service", "Wrongful refusals", "Wrongful approvals"].map(str::to_owned).to_vec(),
        rows: table,
    }));
}

/// Face-ID's error rates and fraud per group (segment × sex), pooled over the pilot sites and
/// replications.
fn face_fraud(blocks: &mut Vec<Block>, ctx: &Ctx<'_>) {
    let Some(face) = ctx.res.face.as_deref() else { return };
    // (segment, sex) → [genuine checks, unmatched, impostor checks, matched, mated searches,
    // misses, non-mated searches, candidates]
    let mut groups: BTreeMap<(String, String), [u64; 8]> = BTreeMap::new();
    for r in face.iter().filter(|r| !ctx.res.is_candidate(&r.site)) {
        let g = groups.entry((r.segment.clone(), r.sex.clone())).or_default();
        let counts = [
            r.genuine_checks,
            r.genuine_unmatched,
            r.impostor_checks,
            r.impostors_matched,
            r.mated_searches,
            r.mated_misses,
            r.nonmated_searches,
            r.nonmated_candidates,
        ];
        for (k, v) in counts.into_iter().enumerate() {
            g[k] += v;
        }
    }
    groups.retain(|_, g| g[0] + g[2] > 0);
    if groups.is_empty() {
        return;
    }
    let pct = |a: u64, b: u64| {
        if b == 0 { "n/a".to_owned() } else { num(100.0 * a as f64 / b as f64, 3) }
    };
    let rows = groups
        .iter()
        .map(|((segment, sex), g)| {
            vec![
                if segment.is_empty() { "(all)".to_owned() } else { segment.clone() },
                sex.clone(),
                pct(g[1], g[0]),
                format!("{} of {}", g[3], g[2]),
                pct(g[5], g[4]),
                pct(g[7], g[6]),
            ]
        })
        .collect();
    blocks.push(Block::Para(
        "FNMR: genuine 1:1 checks a case was opened with that did not match (failures to \
         acquire included); impostors matched: false matches, fraud missed; FNIR: true \
         duplicates whose earlier enrolment scored below the candidate threshold; FPIR: other \
         searches with a candidate at or above it. Pooled over the pilot sites and \
         replications; a rate on a few dozen cases is rough."
            .to_owned(),
    ));
    blocks.push(Block::Table(Table {
        name: "face_fraud".to_owned(),
        caption: "Face-ID error rates and fraud per group, pilot sites (%)".to_owned(),
        header: ["Segment", "Sex", "FNMR %", "Impostors matched", "FNIR %", "FPIR %"]
            .map(str::to_owned)
            .to_vec(),
        rows,
    }));
}
