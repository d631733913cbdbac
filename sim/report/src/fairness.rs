//! Identity and fairness: Face-ID outcomes per demographic group, the ratios between groups
//! (flagged above the scenario's threshold), and the human review load of the back office.

use std::collections::BTreeMap;

use navbat_record::{BackOfficeRow, Estimate, FaceRow};

use crate::build::{Ctx, est, num, ratio, with_ci};
use crate::chart::{Chart, ChartKind};
use crate::doc::{Block, Table};

/// The flag threshold when the scenario's `face_id` block is absent (the scenario default).
const DEFAULT_FLAG_RATIO: f64 = 1.25;

/// One group's counts in one replication, summed over the pilot sites.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Counts {
    pub(crate) attempts: f64,
    pub(crate) fta: f64,
    pub(crate) fnm: f64,
    pub(crate) searches: f64,
    pub(crate) adjudications: f64,
    pub(crate) extra_min: f64,
}

impl Counts {
    fn add(&mut self, r: &FaceRow) {
        self.attempts += r.attempts as f64;
        self.fta += r.failed_to_acquire as f64;
        self.fnm += r.false_non_matches as f64;
        self.searches += r.searches as f64;
        self.adjudications += r.adjudications as f64;
        self.extra_min += r.extra_min;
    }
    fn sum(&mut self, o: &Self) {
        self.attempts += o.attempts;
        self.fta += o.fta;
        self.fnm += o.fnm;
        self.searches += o.searches;
        self.adjudications += o.adjudications;
        self.extra_min += o.extra_min;
    }
}

/// The four measures compared between groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Measure {
    FailedToAcquire,
    FalseNonMatch,
    Adjudication,
    ExtraMinutes,
}

impl Measure {
    pub(crate) const ALL: [Self; 4] =
        [Self::FailedToAcquire, Self::FalseNonMatch, Self::Adjudication, Self::ExtraMinutes];

    pub(crate) fn of(self, c: &Counts) -> f64 {
        match self {
            Self::FailedToAcquire => 100.0 * ratio(c.fta, c.attempts),
            Self::FalseNonMatch => 100.0 * ratio(c.fnm, c.attempts - c.fta),
            Self::Adjudication => 100.0 * ratio(c.adjudications, c.searches),
            Self::ExtraMinutes => ratio(c.extra_min, c.attempts),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::FailedToAcquire => "failure to acquire",
            Self::FalseNonMatch => "false non-match",
            Self::Adjudication => "adjudication",
            Self::ExtraMinutes => "extra minutes",
        }
    }
}

/// Per group (label, in file order): counts per replication.
pub(crate) fn groups(ctx: &Ctx<'_>, rows: &[FaceRow]) -> Vec<(String, BTreeMap<u32, Counts>)> {
    let mut out: Vec<(String, BTreeMap<u32, Counts>)> = Vec::new();
    for r in rows.iter().filter(|r| !ctx.res.is_candidate(&r.site)) {
        let label = format!("{} {}", r.age_band, r.sex);
        let i = match out.iter().position(|(l, _)| *l == label) {
            Some(i) => i,
            None => {
                out.push((label, BTreeMap::new()));
                out.len() - 1
            }
        };
        out[i].1.entry(r.replication).or_default().add(r);
    }
    out
}

/// Ratios of each group's pooled rate to the lowest group's (groups with a denominator);
/// `INFINITY` when the best group's rate is 0 and this one's is not, NaN when undefined.
pub(crate) fn ratios(totals: &[Counts], m: Measure) -> Vec<f64> {
    let rates: Vec<f64> = totals.iter().map(|c| m.of(c)).collect();
    let best = rates.iter().copied().filter(|r| r.is_finite()).fold(f64::INFINITY, f64::min);
    rates
        .iter()
        .map(|&r| {
            if !r.is_finite() || !best.is_finite() {
                f64::NAN
            } else if best > 0.0 {
                r / best
            } else if r > 0.0 {
                f64::INFINITY
            } else {
                1.0
            }
        })
        .collect()
}

fn ratio_cell(x: f64) -> String {
    if x == f64::INFINITY { "inf (best group 0)".to_owned() } else { num(x, 2) }
}

pub(crate) fn section(blocks: &mut Vec<Block>, ctx: &Ctx<'_>) {
    blocks.push(Block::Heading { level: 2, text: "Identity and fairness".to_owned() });
    match ctx.res.face.as_deref() {
        None if ctx.res.scenario.face_id.is_none() => blocks.push(Block::Note(
            "Face-ID was not simulated in this run (the scenario has no face_id block), so \
             there are no outcomes per group."
                .to_owned(),
        )),
        None => blocks.push(Block::Note(
            "The scenario turns Face-ID on, but the results directory holds no face.csv, so \
             there are no outcomes per group."
                .to_owned(),
        )),
        Some(rows) => face(blocks, ctx, rows),
    }
    blocks.push(Block::Heading { level: 3, text: "Human review load".to_owned() });
    match ctx.res.back_office.as_deref() {
        None if !ctx.workflows => blocks.push(Block::Note(
            "No back office in this run (case workflows were off), so there is no human review \
             load to show."
                .to_owned(),
        )),
        None => blocks.push(Block::Note(
            "Case workflows ran, but the results directory holds no backoffice.csv, so there \
             is no human review load to show."
                .to_owned(),
        )),
        Some([]) => blocks.push(Block::Note(
            "The back office had no human tasks in this run (backoffice.csv is empty).".to_owned(),
        )),
        Some(rows) => back_office(blocks, ctx, rows),
    }
}

fn face(blocks: &mut Vec<Block>, ctx: &Ctx<'_>, rows: &[FaceRow]) {
    let groups = groups(ctx, rows);
    let groups: Vec<_> =
        groups.into_iter().filter(|(_, reps)| reps.values().any(|c| c.attempts > 0.0)).collect();
    if groups.is_empty() {
        blocks.push(Block::Note(
            "Face-ID was on, but nobody at a pilot site tried it at a kiosk in the counted \
             period, so there are no outcomes per group."
                .to_owned(),
        ));
        return;
    }
    let (flag, flag_source) = match &ctx.res.scenario.face_id {
        Some(f) => (f.flag_ratio, "the scenario's face_id.flag_ratio"),
        None => (DEFAULT_FLAG_RATIO, "the default, as the scenario sets none"),
    };
    let reps = ctx.reps.max(1) as f64;
    let totals: Vec<Counts> = groups
        .iter()
        .map(|(_, r)| {
            let mut t = Counts::default();
            for c in r.values() {
                t.sum(c);
            }
            t
        })
        .collect();
    let per_rep = |g: &BTreeMap<u32, Counts>, m: Measure| -> Estimate {
        est(&g.values().map(|c| m.of(c)).filter(|v| v.is_finite()).collect::<Vec<_>>())
    };
    blocks.push(Block::Para(format!(
        "Outcomes of genuine Face-ID attempts at the pilot sites' kiosks, by age band and sex, \
         over {} replications. Failure to acquire (FTA): no usable capture. False non-match \
         (FNM): a genuine person scored below the threshold, as a share of acquired attempts. \
         Adjudication: a 1:N de-duplication search returned a candidate, so a person reviews \
         it. Extra minutes: the wait and counter time that followed a Face-ID failure, per \
         person who tried. Rates are per replication, mean with 95 % CI.",
        ctx.reps
    )));
    let row = |label: &str, g: &BTreeMap<u32, Counts>| {
        let total = |f: fn(&Counts) -> f64| g.values().map(f).sum::<f64>() / reps;
        vec![
            label.to_owned(),
            num(total(|c| c.attempts), 0),
            with_ci(&per_rep(g, Measure::FailedToAcquire), 2),
            with_ci(&per_rep(g, Measure::FalseNonMatch), 2),
            num(total(|c| c.searches), 0),
            with_ci(&per_rep(g, Measure::Adjudication), 3),
            with_ci(&per_rep(g, Measure::ExtraMinutes), 2),
            num(total(|c| c.extra_min) / 60.0, 0),
        ]
    };
    let mut rows_out: Vec<Vec<String>> = groups.iter().map(|(l, g)| row(l, g)).collect();
    // Every group together, per replication.
    let mut everyone: BTreeMap<u32, Counts> = BTreeMap::new();
    for (_, g) in &groups {
        for (rep, c) in g {
            everyone.entry(*rep).or_default().sum(c);
        }
    }
    let all_row = row("All groups", &everyone);
    let extra_hours = all_row[7].clone();
    rows_out.push(all_row);
    blocks.push(Block::Table(Table {
        name: "face-outcomes".to_owned(),
        caption: "Face-ID outcomes per group at the pilot sites, a year: mean (95 % CI)".to_owned(),
        header: [
            "Group",
            "Attempts (people/year)",
            "FTA (%)",
            "FNM (% of acquired)",
            "1:N searches (per year)",
            "Adjudications (% of searches)",
            "Extra minutes per person (min)",
            "Extra time, all (h/year)",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: rows_out,
    }));

    let ratio_cols: Vec<Vec<f64>> = Measure::ALL.iter().map(|&m| ratios(&totals, m)).collect();
    let mut flagged = Vec::new();
    let mut ratio_rows = Vec::new();
    for (i, (label, _)) in groups.iter().enumerate() {
        let mut row = vec![label.clone()];
        let mut marks = Vec::new();
        for (m, col) in Measure::ALL.iter().zip(&ratio_cols) {
            row.push(ratio_cell(col[i]));
            if col[i] > flag {
                marks.push(m.name());
                flagged.push(format!("{label} ({}, ratio {})", m.name(), ratio_cell(col[i])));
            }
        }
        row.push(if marks.is_empty() {
            "no".to_owned()
        } else {
            format!("yes: {}", marks.join(", "))
        });
        ratio_rows.push(row);
    }
    blocks.push(Block::Table(Table {
        name: "face-ratios".to_owned(),
        caption: format!(
            "Each group's rate over the lowest group's rate (pooled counts); flagged above {}",
            num(flag, 2)
        ),
        header: [
            "Group",
            "FTA ratio",
            "FNM ratio",
            "Adjudication ratio",
            "Extra-minutes ratio",
            "Flagged",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: ratio_rows,
    }));
    blocks.push(Block::Para(if flagged.is_empty() {
        format!("No ratio between groups exceeds {} ({flag_source}).", num(flag, 2))
    } else {
        format!(
            "{} ratios exceed {} ({flag_source}): {}. A flag is a prompt for an audit, not a \
             finding: where the group's interval in the table above overlaps the best group's, \
             the difference is within replication noise.",
            flagged.len(),
            num(flag, 2),
            flagged.join("; ")
        )
    }));
    blocks.push(Block::Para(format!(
        "In all, Face-ID failures at the pilot sites cost people {extra_hours} hours a year of \
         extra waiting and counter time."
    )));
    let labels: Vec<String> = groups.iter().map(|(l, _)| l.clone()).collect();
    blocks.push(Block::Chart(Chart {
        name: "face-error-rates".to_owned(),
        title: "Face-ID failures by group".to_owned(),
        caption: "Failure to acquire (% of attempts) and false non-match (% of acquired attempts) per group, mean over replications with 95 % CI (whiskers).".to_owned(),
        x_label: "Group".to_owned(),
        y_label: "Rate (%)".to_owned(),
        kind: ChartKind::PairedEstimates {
            labels: labels.clone(),
            series: vec![
                (
                    "Failure to acquire".to_owned(),
                    groups.iter().map(|(_, g)| per_rep(g, Measure::FailedToAcquire)).collect(),
                ),
                (
                    "False non-match".to_owned(),
                    groups.iter().map(|(_, g)| per_rep(g, Measure::FalseNonMatch)).collect(),
                ),
            ],
            reference: None,
        },
    }));
    blocks.push(Block::Chart(Chart {
        name: "face-extra-minutes".to_owned(),
        title: "Minutes lost to Face-ID failures, per person".to_owned(),
        caption: "Extra minutes of waiting and counter time after a Face-ID failure, per person of the group who tried Face-ID at a kiosk, mean over replications with 95 % CI (whiskers).".to_owned(),
        x_label: "Group".to_owned(),
        y_label: "Extra time (min/person)".to_owned(),
        kind: ChartKind::PairedEstimates {
            labels,
            series: vec![(
                "Extra minutes".to_owned(),
                groups.iter().map(|(_, g)| per_rep(g, Measure::ExtraMinutes)).collect(),
            )],
            reference: None,
        },
    }));
}

fn back_office(blocks: &mut Vec<Block>, ctx: &Ctx<'_>, rows: &[BackOfficeRow]) {
    let mut skills: Vec<&str> = Vec::new();
    for r in rows {
        if !skills.contains(&r.skill.as_str()) {
            skills.push(&r.skill);
        }
    }
    let of = |skill: &str, f: fn(&BackOfficeRow) -> f64| -> Estimate {
        est(&rows.iter().filter(|r| r.skill == skill).map(f).collect::<Vec<_>>())
    };
    let row = |label: &str, of: &dyn Fn(fn(&BackOfficeRow) -> f64) -> Estimate| {
        vec![
            label.to_owned(),
            with_ci(&of(|r| r.tasks_opened as f64), 0),
            with_ci(&of(|r| r.tasks_done as f64), 0),
            with_ci(&of(|r| r.mean_wait_hours), 2),
            with_ci(&of(|r| r.p90_wait_hours), 2),
            with_ci(&of(|r| r.waiting_end as f64), 0),
            with_ci(&of(|r| r.busy_hours), 0),
        ]
    };
    let mut table_rows: Vec<Vec<String>> = skills.iter().map(|s| row(s, &|f| of(s, f))).collect();
    // All skills: per replication, sums of counts and hours; waits have no total.
    let summed = |f: fn(&BackOfficeRow) -> f64| {
        est(&crate::build::by_replication(rows, |r| r.replication, f)
            .into_values()
            .collect::<Vec<_>>())
    };
    let mut all = row("All skills", &summed);
    for cell in &mut all[3..5] {
        "n/a".clone_into(cell);
    }
    let text_total = all[6].clone();
    table_rows.push(all);
    let mut text = format!(
        "The back office (every site of the run) spends {text_total} officer hours a year on \
         human tasks: reviews, biometric adjudications and appeals."
    );
    if ctx.has_baseline {
        let freed: f64 = ctx
            .sites
            .iter()
            .map(|s| {
                s.baseline.iter().map(|r| r.officer_busy_hours).sum::<f64>()
                    - s.pilot.iter().map(|r| r.officer_busy_hours).sum::<f64>()
            })
            .sum::<f64>()
            / ctx.reps.max(1) as f64;
        if freed > 0.0 {
            text.push_str(&format!(
                " For scale: kiosks free {} counter hours a year at the pilot sites.",
                num(freed, 0)
            ));
        }
    }
    blocks.push(Block::Para(text));
    blocks.push(Block::Table(Table {
        name: "back-office".to_owned(),
        caption: "Back-office tasks by skill, a year: mean (95 % CI) over replications; waits are from a task opening to an officer taking it".to_owned(),
        header: [
            "Skill",
            "Tasks opened (per year)",
            "Tasks done (per year)",
            "Mean wait (h)",
            "P90 wait (h)",
            "Waiting at the end",
            "Officer hours (h/year)",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: table_rows,
    }));
    blocks.push(Block::Chart(Chart {
        name: "back-office-hours".to_owned(),
        title: "Back-office officer hours by skill".to_owned(),
        caption: "Officer hours a year spent on each skill's tasks (mean over replications)."
            .to_owned(),
        x_label: "Officer hours (h/year)".to_owned(),
        y_label: "Skill".to_owned(),
        kind: ChartKind::HorizontalBars {
            labels: skills.iter().map(|s| (*s).to_owned()).collect(),
            values: skills.iter().map(|s| of(s, |r| r.busy_hours).mean).collect(),
        },
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(attempts: f64, fta: f64, fnm: f64) -> Counts {
        Counts { attempts, fta, fnm, ..Counts::default() }
    }

    #[test]
    fn ratios_are_against_the_lowest_group() {
        let t = [counts(100.0, 2.0, 0.0), counts(100.0, 4.0, 0.0), counts(0.0, 0.0, 0.0)];
        let r = ratios(&t, Measure::FailedToAcquire);
        assert_eq!(r[0], 1.0);
        assert_eq!(r[1], 2.0);
        assert!(r[2].is_nan(), "a group with no attempts has no ratio");
        // Everyone at zero: ratio 1; a group above a zero best: infinite, so it is flagged.
        assert_eq!(ratios(&t, Measure::FalseNonMatch)[..2], [1.0, 1.0]);
        let z = [counts(100.0, 0.0, 0.0), counts(100.0, 1.0, 0.0)];
        assert_eq!(ratios(&z, Measure::FailedToAcquire)[1], f64::INFINITY);
        assert_eq!(ratio_cell(f64::INFINITY), "inf (best group 0)");
    }

    #[test]
    fn false_non_matches_are_a_share_of_acquired_attempts() {
        assert_eq!(Measure::FalseNonMatch.of(&counts(110.0, 10.0, 5.0)), 5.0);
        assert_eq!(Measure::FailedToAcquire.of(&counts(200.0, 10.0, 0.0)), 5.0);
    }
}
