//! Method and assumptions, and the reproducibility footer.

use crate::build::{Ctx, num};
use crate::doc::{Block, Table};
use crate::input::Results;

pub(crate) fn section(blocks: &mut Vec<Block>, ctx: &Ctx<'_>) {
    let res = ctx.res;
    let reps = ctx.reps;
    let sc = &res.scenario;
    blocks.push(Block::Heading { level: 2, text: "Method and assumptions".to_owned() });
    blocks.push(Block::Para(format!(
        "Model: navbat, a discrete-event simulation of each site over the simulated year. \
         Applicants arrive per service from yearly demand shaped by hour-of-day, weekday and \
         month profiles; each applicant belongs to a segment that chooses the online portal, a \
         kiosk or an officer's counter; kiosks fail and are repaired; officers work on shifts \
         and serve the services their counter offers; people may balk at or leave a long \
         queue. The scenario defines {} sites, {} services, {} applicant segments and {} \
         public holidays.",
        sc.sites.len(),
        sc.services.len(),
        sc.segments.len(),
        sc.holidays.len()
    )));
    blocks.push(Block::List(vec![
        format!("Horizon: {} to {}; the first {} days are a warm-up whose applicants are left out of the statistics.", sc.horizon.start, sc.horizon.end, sc.horizon.warm_up_days),
        match &res.meta.precision {
            None => format!("Replications: {reps} independent replications of the year from seed {}, a number fixed in advance (--replications).", res.meta.seed),
            Some(p) => format!(
                "Replications: {reps} independent replications of the year from seed {}, chosen by Law & Kelton's sequential procedure for a relative precision of {} %: a first stage of {}, then {} more at a time until every watched measure ({}) had a 95 % half-width within γ/(1+γ) = {} of its mean, which bounds the relative error by γ; the cap was {} replications. {}",
                res.meta.seed,
                num(100.0 * p.target, 1),
                p.initial,
                p.step,
                p.measures.join(", "),
                num(p.adjusted, 4),
                p.cap,
                if p.capped {
                    format!("The cap stopped the procedure first: the worst half-width reached {} of its mean, so the stated precision was not met.", num(p.reached, 4))
                } else {
                    format!("It stopped with the worst half-width at {} of its mean.", num(p.reached, 4))
                },
            ),
        },
        if ctx.has_baseline {
            "Baseline: the same scenario without kiosks. Pilot and baseline share seeds and random-number streams (common random numbers), so replication r of both sees the same applicants; differences are taken pair by pair, which removes most of the noise that two independent runs would carry.".to_owned()
        } else {
            "Baseline: none in this run (made without --baseline); sections that compare with the year without kiosks say so.".to_owned()
        },
        format!(
            "Extensions simulated in this run: case workflows and back office {}; Face-ID at kiosks {}; costs and value of time {}; extension candidates {}.",
            if sc.workflows { "on" } else { "off" },
            if sc.face_id.is_some() { "on" } else { "off" },
            if sc.economics.is_some() { "given" } else { "not given" },
            if sc.candidates.is_empty() { "none".to_owned() } else { sc.candidates.join(", ") },
        ),
        "Intervals: mean over replications with a Student-t 95 % confidence interval (n − 1 degrees of freedom); a difference is the mean of the paired differences with its paired-t interval. Each table row says how its interval was made. An interval is clamped to its measure's range (counts, hours and money at zero or more; shares within 0–100 %, their differences within ±100 points), and the row says so; one replication gives no interval at all (shown n/a), never a point passed off as one. P90 wait is the 90th percentile of one replication's waits, averaged over replications.".to_owned(),
        "Fairness: a group's rate (Face-ID by age band and sex, as the results record them; waits and abandonment by the scenario's applicant segments) is compared with the lowest group's rate above zero as a ratio of the two mean rates over replications, with a delta-method Student-t 95 % interval (the residuals of each replication's rate about the ratio times the reference's); a ratio is flagged only when its whole interval lies above the threshold, and one above it in the mean with an interval reaching below is named but not flagged.".to_owned(),
        "Expansion selection (when the results hold selection.csv): per candidate site, KN++ (Kim & Nelson's fully sequential ranking and selection with updated variances and a finite-sample constant, Bonferroni over pairs for common random numbers) picks the kiosk count with the largest yearly net benefit against no kiosks, with an indifference zone in money a year and a probability of correct selection per site of 1 − (1 − PCS)/sites, so that every site's choice is right together with probability PCS; the chosen counts are then re-estimated on fresh replications numbered after every one the selection used, and that confirmation is the figure quoted. The marginal table of the exploratory experiment is shown beside it for the physical effects.".to_owned(),
        "Detectable difference: for each paired headline number, the smallest true difference a two-sided paired t test at 5 % would detect with power 0.8, (t(0.975, n−1) + t(0.8, n−1)) × s / √n with s the standard deviation of the paired differences; a true effect smaller than it may well go unseen by this run.".to_owned(),
        "Verdicts: per pilot site, three one-sided paired t tests — shorter mean wait, officer hours freed, and the change in the share of arrivals who leave unserved below the non-inferiority margin — joined as an intersection-union test (the site's p-value is the largest of the three; no adjustment is needed within a site), then Holm's step-down adjustment across the sites at the rule's family-wise error. A site whose pilot mean wait or officer busy hours are not yet known within the rule's relative precision (half-width of the 95 % CI over the mean), or that has one replication, gets \"insufficient evidence\" and no verdict.".to_owned(),
        "Wait: minutes a person served spent in line (kiosk line, counter line, or both after a kiosk attempt sent on to a counter). Citizen hours at the site: all time counted people spent at the site, every visit (request, return, pickup) and whether served or not, plus the round trip of every visit that ended unserved (the segment's trip minutes), so wasted trips count in the costs; where the results do not hold it, the time spent in line. Returns and lost demand: a person who balks, reneges, is sent home or cannot be served comes back with their segment's retrial probability after its delay, up to its number of visits; a return is a later visit, counted among arrivals; those who do not come back are lost demand.".to_owned(),
        "End-to-end days: for delivered cases, from the request to the document in hand (or the decision when there is nothing to collect), calendar days; the tables' mean, P50 and P90 are of cases delivered within the horizon. The results also hold Kaplan–Meier P50 and P90 with the cases still open at the end censored at their age (end_to_end_km_p50_days, end_to_end_km_p90_days in replications.csv), so slow cases the year did not finish are not dropped; where too many are still open for the survival to fall to 10 %, the P90 is marked not reached. Waits of days and weeks are binned 1 % wide up to 4,000 days, so no percentile is cut off at a maximum. Officer-free share: delivered cases in which no officer took part (kiosk request, automated decisions, pickup at a terminal or nothing to collect); without case workflows, the share served at a kiosk. SLA compliance: finished cases with a statutory deadline that met it, in working days.".to_owned(),
        selfcheck(res),
        "Cost per transaction: (officer busy hours × officer hour cost + kiosks × one kiosk's yearly cost) / people served, per replication; back-office hours are reported separately and not included. Kiosk yearly cost: capital / life in years + running cost. Net benefit: officer hours freed × officer hour cost + citizen hours saved × citizen hour value − kiosks' yearly cost.".to_owned(),
    ]));
    blocks.push(Block::Para(
        "Sources of the parameters, as the scenario file cites them: [P: section] points to the \
         project's parameter register with its published source; [est.] marks the modellers' \
         own estimate, which a sensitivity analysis should vary."
            .to_owned(),
    ));
    let rows: Vec<Vec<String>> = sc
        .sources
        .iter()
        .map(|c| {
            let kind = match (c.published(), c.estimate()) {
                (true, true) => "published and estimate",
                (true, false) => "published",
                _ => "estimate",
            };
            vec![c.line.to_string(), kind.to_owned(), c.comment.clone()]
        })
        .collect();
    if rows.is_empty() {
        blocks.push(Block::Note(
            "The scenario file cites no sources ([P: ...] or [est.] comments).".to_owned(),
        ));
    } else {
        blocks.push(Block::Table(Table {
            name: "sources".to_owned(),
            caption: "Source comments in scenario.ron, by line".to_owned(),
            header: ["Line", "Kind", "Comment"].map(str::to_owned).to_vec(),
            rows,
        }));
    }
}

/// The method's line on the engine's self-checks: what `selfcheck.json` says, or that the
/// results hold none.
fn selfcheck(res: &Results) -> String {
    let Some(f) = &res.selfcheck else {
        return "Engine self-check: none saved with these results. `navbat selfcheck --out DIR` puts the build's engine against queueing theory (Erlang C mean and P90 wait, Erlang A, Cobham's priority formula, a time-varying M(t)/M/c against its forward equations), each check with the replications to detect a 5 % bias with power 0.9; `navbat run … --selfcheck DIR/selfcheck.json` saves its result with the run and this line cites it.".to_owned();
    };
    let failed = f.failed();
    let level = f.checks.first().map_or(0.0, |c| c.level);
    let min_power = f.checks.iter().map(|c| c.power).fold(f64::INFINITY, f64::min);
    format!(
        "Engine self-check (selfcheck.json: navbat {}, {} mode, seed {}): {} of {} checks passed{}. Each check compares a statistic estimated over independent replications with its queueing-theory value (Erlang C mean and P90 wait, Erlang A mean wait and abandonment, Cobham's two priority classes, a time-varying M(t)/M/c against the periodic solution of its forward equations); each interval has level {} % ({} % for all together, Bonferroni), and the replications were chosen from a pilot's spread so that a {} % bias would be detected with power {} or more (lowest power reached: {}).",
        f.version,
        f.mode,
        f.seed,
        f.checks.len() - failed.len(),
        f.checks.len(),
        if failed.is_empty() {
            String::new()
        } else {
            format!(" — failed: {}", failed.join(", "))
        },
        num(100.0 * level, 2),
        num(100.0 * (1.0 - f.family_alpha), 0),
        num(100.0 * f.relative_bias, 0),
        num(f.target_power, 2),
        num(min_power, 3),
    )
}

/// The reproducibility footer: how the results were made.
pub(crate) fn footer(res: &Results) -> Vec<Block> {
    let m = &res.meta;
    let files: Vec<&str> = res.columns.iter().map(|(f, _)| f.as_str()).collect();
    vec![
        Block::Heading { level: 2, text: "Reproducibility".to_owned() },
        Block::List(vec![
            format!("navbat version: {}", m.navbat_version),
            format!("Scenario file: {}", m.scenario_file),
            format!("Scenario SHA-256: {}", m.scenario_sha256),
            format!("Seed: {}", m.seed),
            format!("Replications: {}", m.replications),
            format!(
                "Overrides: {}",
                if m.overrides.is_empty() { "none".to_owned() } else { m.overrides.join(", ") }
            ),
        ]),
        Block::Para("Command that produced the results:".to_owned()),
        Block::Code(vec![m.command.clone()]),
        Block::Para(format!(
            "Every figure in this report is computed from that run's output directory \
             ({}); the numbers behind every chart and table are in \
             data/*.csv beside this report.",
            files.join(", ")
        )),
    ]
}
