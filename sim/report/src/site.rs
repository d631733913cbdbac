//! One subsection per pilot site: demand, adoption, waits, operations and case outcomes.

use std::collections::BTreeMap;

use navbat_record::{BreakdownRow, Dimension, SiteRecord};

use crate::build::{Ctx, SiteRuns, file_stem, num, over, placeholder, share, short_label, with_ci};
use crate::chart::{Chart, ChartKind};
use crate::doc::{Block, Table};

const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Breakdown cells of one site and dimension, summed over replications, in file order.
#[derive(Debug, Clone, Default)]
struct Cell {
    arrivals: u64,
    served: u64,
    served_kiosk: u64,
    abandoned: u64,
    wait_sum_min: f64,
}

fn cells<'a>(rows: &'a [BreakdownRow], site: &str, dim: Dimension) -> Vec<(&'a str, Cell)> {
    let mut order: Vec<&str> = Vec::new();
    let mut map: BTreeMap<&str, Cell> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.site == site && r.dimension == dim) {
        let c = map.entry(&r.key).or_insert_with(|| {
            order.push(&r.key);
            Cell::default()
        });
        c.arrivals += r.arrivals;
        c.served += r.served;
        c.served_kiosk += r.served_kiosk;
        c.abandoned += r.abandoned;
        c.wait_sum_min += r.mean_wait_min * r.served as f64;
    }
    order.into_iter().map(|k| (k, map.get(k).cloned().unwrap_or_default())).collect()
}

pub(crate) fn section(blocks: &mut Vec<Block>, ctx: &Ctx<'_>, s: &SiteRuns<'_>) {
    let res = ctx.res;
    let site = s.site;
    let stem = file_stem(&site.id);
    let reps = s.pilot.len().max(1) as f64;
    blocks.push(Block::Heading {
        level: 3,
        text: if placeholder(&site.district) {
            site.name.clone()
        } else {
            format!("{} district, {}: {}", site.district, site.region, site.name)
        },
    });
    let arrivals = over(&s.pilot, |r| r.arrivals as f64);
    let kiosk_share = over(&s.pilot, |r| 100.0 * share(r.served_kiosk, r.served));
    blocks.push(Block::Para(format!(
        "{} people arrive a year (95 % CI {} to {}); {} % of those served are \
         served at a kiosk without an officer. The site has {} officer counters and {} kiosks.",
        num(arrivals.mean, 0),
        num(arrivals.ci95_low, 0),
        num(arrivals.ci95_high, 0),
        num(kiosk_share.mean, 1),
        site.counters,
        site.kiosks
    )));

    // Demand by service.
    let services = cells(&res.breakdown, &site.id, Dimension::Service);
    let service_name = |id: &str| {
        res.scenario
            .services
            .iter()
            .find(|x| x.id == id)
            .map_or_else(|| id.to_owned(), |x| short_name(&x.name))
    };
    blocks.push(Block::Chart(Chart {
        name: format!("{stem}-demand-by-service"),
        title: format!("{}: demand by service", short_label(site)),
        caption: "Arrivals a year per service (mean over replications).".to_owned(),
        x_label: "Arrivals (people/year)".to_owned(),
        y_label: "Service".to_owned(),
        kind: ChartKind::HorizontalBars {
            labels: services.iter().map(|(k, _)| service_name(k)).collect(),
            values: services.iter().map(|(_, c)| c.arrivals as f64 / reps).collect(),
        },
    }));

    // Demand and adoption by month.
    let months = cells(&res.breakdown, &site.id, Dimension::Month);
    let month_label = |k: &str| {
        k.split('-')
            .nth(1)
            .and_then(|m| m.parse::<usize>().ok())
            .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
            .map_or_else(|| k.to_owned(), |m| (*m).to_owned())
    };
    let span = match (months.first(), months.last()) {
        (Some((a, _)), Some((b, _))) => format!(" ({a} to {b})"),
        _ => String::new(),
    };
    blocks.push(Block::Chart(Chart {
        name: format!("{stem}-demand-by-month"),
        title: format!("{}: demand by month", short_label(site)),
        caption: "Arrivals per calendar month (mean over replications); the first and last months may be partial.".to_owned(),
        x_label: format!("Month{span}"),
        y_label: "Arrivals (people/month)".to_owned(),
        kind: ChartKind::Bars {
            labels: months.iter().map(|(k, _)| month_label(k)).collect(),
            values: months.iter().map(|(_, c)| c.arrivals as f64 / reps).collect(),
        },
    }));
    blocks.push(Block::Chart(Chart {
        name: format!("{stem}-kiosk-share-by-month"),
        title: format!("{}: kiosk adoption over the year", short_label(site)),
        caption: "Share of people served at a kiosk without an officer, per month (pooled over replications).".to_owned(),
        x_label: format!("Month{span}"),
        y_label: "Served at a kiosk (%)".to_owned(),
        kind: ChartKind::Line {
            labels: months.iter().map(|(k, _)| month_label(k)).collect(),
            values: months.iter().map(|(_, c)| 100.0 * share(c.served_kiosk, c.served)).collect(),
        },
    }));

    // Waits by weekday and hour.
    let wh = cells(&res.breakdown, &site.id, Dimension::WeekdayHour);
    let mut grid = [[None::<f64>; 24]; 7];
    let mut open_hours = Vec::new();
    for (k, c) in &wh {
        let mut parts = k.split(' ');
        let (Some(day), Some(hour)) =
            (parts.next(), parts.next().and_then(|h| h.parse::<usize>().ok()))
        else {
            continue;
        };
        let Some(d) = WEEKDAYS.iter().position(|w| *w == day) else { continue };
        if hour < 24 && c.served > 0 {
            grid[d][hour] = Some(c.wait_sum_min / c.served as f64);
            open_hours.push(hour);
        }
    }
    let (first, last) = (
        open_hours.iter().copied().min().unwrap_or(0),
        open_hours.iter().copied().max().unwrap_or(23),
    );
    blocks.push(Block::Chart(Chart {
        name: format!("{stem}-wait-heatmap"),
        title: format!("{}: mean wait by weekday and hour", short_label(site)),
        caption: "Mean wait in minutes of people served, by weekday and hour of arrival (pooled over replications); grey: nobody served.".to_owned(),
        x_label: "Hour of arrival".to_owned(),
        y_label: "Wait (min)".to_owned(),
        kind: ChartKind::Heatmap {
            rows: WEEKDAYS.iter().map(|d| (*d).to_owned()).collect(),
            cols: (first..=last).map(|h| format!("{h:02}")).collect(),
            values: grid.iter().map(|row| row[first..=last].to_vec()).collect(),
        },
    }));

    // Distribution across replications.
    let col = |rows: &[&SiteRecord], f: fn(&SiteRecord) -> f64| {
        rows.iter().map(|r| f(r)).collect::<Vec<f64>>()
    };
    blocks.push(Block::Chart(Chart {
        name: format!("{stem}-wait-distribution"),
        title: format!("{}: waits across replications", short_label(site)),
        caption: "Box plots over replications of the year's mean and 90th-percentile wait; dots are single replications.".to_owned(),
        x_label: "Measure".to_owned(),
        y_label: "Wait (min)".to_owned(),
        kind: ChartKind::Boxes {
            labels: if ctx.has_baseline {
                ["Mean, pilot", "Mean, baseline", "P90, pilot", "P90, baseline"].map(str::to_owned).to_vec()
            } else {
                ["Mean, pilot", "P90, pilot"].map(str::to_owned).to_vec()
            },
            samples: if ctx.has_baseline {
                vec![
                    col(&s.pilot, |r| r.mean_wait_min),
                    col(&s.baseline, |r| r.mean_wait_min),
                    col(&s.pilot, |r| r.p90_wait_min),
                    col(&s.baseline, |r| r.p90_wait_min),
                ]
            } else {
                vec![col(&s.pilot, |r| r.mean_wait_min), col(&s.pilot, |r| r.p90_wait_min)]
            },
        },
    }));

    // By applicant segment.
    let segments = cells(&res.breakdown, &site.id, Dimension::Segment);
    let seg_rows: Vec<Vec<String>> = segments
        .iter()
        .filter(|(_, c)| c.arrivals > 0)
        .map(|(k, c)| {
            vec![
                (*k).to_owned(),
                num(c.arrivals as f64 / reps, 0),
                num(100.0 * share(c.served_kiosk, c.served), 1),
                num(if c.served > 0 { c.wait_sum_min / c.served as f64 } else { f64::NAN }, 2),
                num(100.0 * share(c.abandoned, c.arrivals), 2),
            ]
        })
        .collect();
    if !seg_rows.is_empty() {
        blocks.push(Block::Table(Table {
            name: format!("{stem}-segments"),
            caption: format!(
                "{}: pilot by applicant segment, a year (pooled over replications)",
                site.name
            ),
            header: [
                "Segment",
                "Arrivals (people/year)",
                "Served at a kiosk (%)",
                "Mean wait (min)",
                "Abandoned (% of arrivals)",
            ]
            .map(str::to_owned)
            .to_vec(),
            rows: seg_rows,
        }));
    }

    // Operations table.
    let both =
        |label: &str, unit: &str, d: usize, f: fn(&SiteRecord) -> f64, baseline_applies: bool| {
            let mut row = vec![label.to_owned(), unit.to_owned(), with_ci(&over(&s.pilot, f), d)];
            if ctx.has_baseline {
                row.push(if baseline_applies {
                    with_ci(&over(&s.baseline, f), d)
                } else {
                    crate::doc::NO_KIOSKS.to_owned()
                });
            }
            row
        };
    let mut rows = vec![
        both("Arrivals", "people/year", 0, |r| r.arrivals as f64, true),
        both("Diverted to the online portal", "people/year", 0, |r| r.portal as f64, true),
        both("Served", "people/year", 0, |r| r.served as f64, true),
        both("Served at a kiosk", "people/year", 0, |r| r.served_kiosk as f64, false),
        both(
            "Served by an officer at a counter",
            "people/year",
            0,
            |r| r.served.saturating_sub(r.served_kiosk) as f64,
            true,
        ),
        both(
            "Kiosk attempts sent on to a counter",
            "people/year",
            0,
            |r| r.kiosk_fallbacks as f64,
            false,
        ),
        both("Officer utilisation", "%", 1, |r| 100.0 * r.utilization, true),
        both("Officer hours on duty", "h/year", 0, |r| r.officer_hours, true),
        both("Officer busy hours", "h/year", 0, |r| r.officer_busy_hours, true),
        both("Kiosk utilisation", "%", 1, |r| 100.0 * r.kiosk_utilization, false),
        both("Kiosk uptime", "%", 2, |r| 100.0 * r.kiosk_uptime, false),
        both("Kiosk failures", "per year", 0, |r| r.kiosk_failures as f64, false),
        both("Left on seeing the queue (balked)", "people/year", 0, |r| r.balked as f64, true),
        both("Left the queue (reneged)", "people/year", 0, |r| r.reneged as f64, true),
        both("Sent home at closing", "people/year", 0, |r| r.sent_home as f64, true),
        both("Still unserved at the end", "people/year", 0, |r| r.unserved as f64, true),
        both(
            "Abandonment rate",
            "% of arrivals",
            2,
            |r| 100.0 * share(r.abandoned(), r.arrivals),
            true,
        ),
    ];
    // Floor assistance, where the run had any: digital literacy at the kiosks.
    if s.pilot.iter().any(|r| r.assisted > 0 || r.assistance_missing > 0) {
        let at = rows.len() - 5;
        rows.splice(
            at..at,
            [
                both("Floor assistants", "people", 0, |r| f64::from(r.floor_assistants), false),
                both(
                    "Kiosk sessions helped by an assistant",
                    "per year",
                    0,
                    |r| r.assisted as f64,
                    false,
                ),
                both(
                    "Wait at the kiosk for help",
                    "min (mean)",
                    1,
                    |r| r.assist_wait_mean_min,
                    false,
                ),
                both(
                    "Floor assistant utilisation",
                    "%",
                    1,
                    |r| 100.0 * r.assistant_utilization,
                    false,
                ),
                both(
                    "Needed help where nobody gives it (sent to a counter)",
                    "people/year",
                    0,
                    |r| r.assistance_missing as f64,
                    false,
                ),
            ],
        );
    }
    blocks.push(Block::Table(Table {
        name: format!("{stem}-operations"),
        caption: format!("{}: officers, kiosks and abandonment, mean (95 % CI) a year", site.name),
        header: header(ctx),
        rows,
    }));
    cases(blocks, ctx, s);
}

fn header(ctx: &Ctx<'_>) -> Vec<String> {
    let cols: &[&str] = if ctx.has_baseline {
        &["Measure", "Unit", "Pilot", "Baseline"]
    } else {
        &["Measure", "Unit", "Pilot"]
    };
    cols.iter().map(|c| (*c).to_owned()).collect()
}

/// Case outcomes, SLA compliance, end-to-end days and pickups of one site.
fn cases(blocks: &mut Vec<Block>, ctx: &Ctx<'_>, s: &SiteRuns<'_>) {
    let site = s.site;
    if !s.pilot.iter().any(|r| r.cases_opened > 0) {
        blocks.push(Block::Note(format!(
            "{}: no case workflows in this run's results, so no SLA compliance, end-to-end \
             days, pickups or case outcomes.",
            site.name
        )));
        return;
    }
    let row = |label: &str, unit: &str, d: usize, f: &dyn Fn(&SiteRecord) -> f64| {
        let mut row = vec![label.to_owned(), unit.to_owned(), with_ci(&over(&s.pilot, f), d)];
        if ctx.has_baseline {
            row.push(with_ci(&over(&s.baseline, f), d));
        }
        row
    };
    let pct = |part: fn(&SiteRecord) -> u64, whole: fn(&SiteRecord) -> u64| {
        move |r: &SiteRecord| {
            if whole(r) > 0 { 100.0 * share(part(r), whole(r)) } else { f64::NAN }
        }
    };
    let rows = vec![
        row("Cases opened", "cases/year", 0, &|r| r.cases_opened as f64),
        row("Delivered (document or decision)", "cases/year", 0, &|r| r.cases_delivered as f64),
        row("Refused (after any appeal)", "cases/year", 0, &|r| r.cases_refused as f64),
        row("Lapsed (duty unpaid, not collected)", "cases/year", 0, &|r| r.cases_lapsed as f64),
        row("Still open at the end", "cases", 0, &|r| r.cases_open_end as f64),
        row(
            "Delivered with no officer involved",
            "% of delivered",
            1,
            &pct(|r| r.cases_no_officer, |r| r.cases_delivered),
        ),
        row("Finished cases with a statutory deadline", "cases/year", 0, &|r| r.sla_cases as f64),
        row(
            "SLA compliance (finished within the deadline)",
            "%",
            1,
            &pct(|r| r.sla_met, |r| r.sla_cases),
        ),
        row("End-to-end, mean", "days", 2, &|r| r.end_to_end_mean_days),
        row("End-to-end, median (P50)", "days", 2, &|r| r.end_to_end_p50_days),
        row("End-to-end, P90", "days", 2, &|r| r.end_to_end_p90_days),
        row("Pickup visits", "visits/year", 0, &|r| r.pickups as f64),
        row(
            "Pickups at a kiosk (document terminal)",
            "% of pickups",
            1,
            &pct(|r| r.pickups_kiosk, |r| r.pickups),
        ),
    ];
    blocks.push(Block::Table(Table {
        name: format!("{}-cases", file_stem(&site.id)),
        caption: format!(
            "{}: cases from request to document, mean (95 % CI) a year; SLA compliance by service follows",
            site.name
        ),
        header: header(ctx),
        rows,
    }));
    // A consistency check the data can fail: the baseline has no kiosks to collect at.
    if s.baseline.iter().any(|r| r.kiosks == 0 && r.pickups_kiosk > 0) {
        blocks.push(Block::Note(format!(
            "{}: the baseline has no kiosks, yet its records count pickups at a kiosk. The \
             results are inconsistent here, so the pickup channel figures are not to be relied \
             on until the simulator is corrected.",
            site.name
        )));
    }
    let mut series = vec![(
        "Pilot (kiosks)".to_owned(),
        vec![
            over(&s.pilot, |r| r.end_to_end_mean_days),
            over(&s.pilot, |r| r.end_to_end_p50_days),
            over(&s.pilot, |r| r.end_to_end_p90_days),
        ],
    )];
    if ctx.has_baseline {
        series.push((
            "Baseline (no kiosks)".to_owned(),
            vec![
                over(&s.baseline, |r| r.end_to_end_mean_days),
                over(&s.baseline, |r| r.end_to_end_p50_days),
                over(&s.baseline, |r| r.end_to_end_p90_days),
            ],
        ));
    }
    blocks.push(Block::Chart(Chart {
        name: format!("{}-end-to-end", file_stem(&site.id)),
        title: format!("{}: days from request to document", short_label(site)),
        caption: "Delivered cases: mean, median and 90th percentile of the days from the request to the document in hand (or the decision), mean over replications with 95 % CI (whiskers).".to_owned(),
        x_label: "Statistic".to_owned(),
        y_label: "End-to-end (days)".to_owned(),
        kind: ChartKind::PairedEstimates {
            labels: ["Mean", "Median (P50)", "P90"].map(str::to_owned).to_vec(),
            series,
            reference: None,
        },
    }));
    sla_by_service(blocks, ctx, s);
}

/// SLA compliance of one site's finished cases, service by service (pilot run), from the
/// service rows of `breakdown.csv`: pooled share over replications and the 95 % CI of the
/// per-replication shares.
fn sla_by_service(blocks: &mut Vec<Block>, ctx: &Ctx<'_>, s: &SiteRuns<'_>) {
    let site = s.site;
    let rows: Vec<&BreakdownRow> = ctx
        .res
        .breakdown
        .iter()
        .filter(|r| r.site == site.id && r.dimension == Dimension::Service && r.sla_cases > 0)
        .collect();
    if rows.is_empty() {
        blocks.push(Block::Note(format!(
            "{}: the results hold no SLA figures by service (no case with a statutory deadline \
             finished, or results saved before they were recorded).",
            site.name
        )));
        return;
    }
    let mut services: Vec<&str> = Vec::new();
    for r in &rows {
        if !services.contains(&r.key.as_str()) {
            services.push(&r.key);
        }
    }
    let reps = ctx.reps.max(1) as f64;
    let table_rows = services
        .iter()
        .map(|&svc| {
            let of: Vec<&&BreakdownRow> = rows.iter().filter(|r| r.key == svc).collect();
            let (cases, met) =
                of.iter().fold((0u64, 0u64), |(c, m), r| (c + r.sla_cases, m + r.sla_met));
            let shares: Vec<f64> =
                of.iter().map(|r| 100.0 * share(r.sla_met, r.sla_cases)).collect();
            vec![
                svc.to_owned(),
                num(cases as f64 / reps, 0),
                num(100.0 * share(met, cases), 1),
                with_ci(&clamped_share(crate::build::est(&shares)), 1),
            ]
        })
        .collect();
    blocks.push(Block::Table(Table {
        name: format!("{}-sla-by-service", file_stem(&site.id)),
        caption: format!(
            "{}: SLA compliance by service, pilot: finished cases with a statutory deadline a \
             year, the pooled share finished within it, and the mean (95 % CI) of the yearly shares",
            site.name
        ),
        header: ["Service", "Cases with a deadline a year", "Within the deadline (%)", "Yearly share (%), mean (95 % CI)"]
            .map(str::to_owned)
            .to_vec(),
        rows: table_rows,
    }));
}

/// A percentage's interval kept within 0 to 100 (a t-interval of few shares near a bound
/// would leave it).
fn clamped_share(mut e: navbat_record::Estimate) -> navbat_record::Estimate {
    e.ci95_low = e.ci95_low.clamp(0.0, 100.0);
    e.ci95_high = e.ci95_high.clamp(0.0, 100.0);
    e
}

fn short_name(name: &str) -> String {
    name.split(" (").next().unwrap_or(name).to_owned()
}
