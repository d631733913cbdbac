//! Validation on records the calibration never saw: the fitted twin set up for their period
//! with what a planner knows in advance (the arrivals, the desks on duty), the outcomes per
//! hour of the week, and the Erlang A reference.
//!
//! What is taken from the other records: per site, the arrival process refitted on them
//! (the NHPP's weekday × month × hour rates and volumes, so the twin sees their arrival
//! *rates*; arrivals are drawn again, not replayed one by one) and the desks on duty by hour
//! of the week (roster, else inferred from busy periods as in calibration). Everything else
//! — service times, patience, balking, channels — stays as fitted.

use navbat_record::calibration::Interval;
use navbat_records::{Channel, Outcome, Records, Ticket};
use navbat_scenario::{RawProfile, RawScenario};

use crate::CalibrateError;
use crate::arrivals::{fit_site, open_minutes};
use crate::floor::{counters, effective_desks, grouped_counters, staffing};
use crate::tickets::{MINUTE_MS, TicketData, date_of_day, day_number, hour_of_week, local_ms};

/// Outcomes of the counter line per hour of the week (Monday 0:00 = 0) of arrival.
#[derive(Debug, Clone)]
pub struct HourProfile {
    /// Waits (minutes) of everyone who joined the line and was served or abandoned, per hour.
    pub waits: Vec<Vec<f64>>,
    /// Waits of those served, per hour.
    pub served_waits: Vec<Vec<f64>>,
    /// Of which abandoned, per hour.
    pub abandoned: Vec<u64>,
}

impl Default for HourProfile {
    fn default() -> Self {
        HourProfile {
            waits: vec![Vec::new(); 168],
            served_waits: vec![Vec::new(); 168],
            abandoned: vec![0; 168],
        }
    }
}

impl HourProfile {
    /// Counts one person arriving in hour-of-week `how` who waited `wait_min` and was served
    /// or abandoned.
    pub fn add(&mut self, how: usize, wait_min: f64, abandoned: bool) {
        if let Some(w) = self.waits.get_mut(how) {
            w.push(wait_min.max(0.0));
            self.abandoned[how] += u64::from(abandoned);
            if !abandoned {
                self.served_waits[how].push(wait_min.max(0.0));
            }
        }
    }

    /// People counted in hour `how`.
    pub fn n(&self, how: usize) -> usize {
        self.waits[how].len()
    }

    /// Mean wait in hour `how`, minutes (`None` without people).
    pub fn mean_wait(&self, how: usize) -> Option<f64> {
        let w = &self.waits[how];
        (!w.is_empty()).then(|| w.iter().sum::<f64>() / w.len() as f64)
    }

    /// 90th percentile of the waits in hour `how` (nearest rank).
    pub fn p90_wait(&self, how: usize) -> Option<f64> {
        let mut w = self.waits[how].clone();
        if w.is_empty() {
            return None;
        }
        w.sort_by(f64::total_cmp);
        let rank = ((0.9 * w.len() as f64).ceil() as usize).clamp(1, w.len());
        Some(w[rank - 1])
    }

    /// Abandonment share in hour `how`.
    pub fn abandon_share(&self, how: usize) -> Option<f64> {
        let n = self.n(how);
        (n > 0).then(|| self.abandoned[how] as f64 / n as f64)
    }

    /// Share of people in hour `how` served within `target_min` (abandoned ones count as
    /// not served within it).
    pub fn within(&self, how: usize, target_min: f64) -> Option<f64> {
        let n = self.n(how);
        (n > 0).then(|| {
            self.served_waits[how].iter().filter(|&&w| w <= target_min).count() as f64 / n as f64
        })
    }

    /// Every wait, all hours together.
    pub fn all_waits(&self) -> Vec<f64> {
        self.waits.iter().flatten().copied().collect()
    }
}

/// The outcomes per hour of the week of counter requests in a ticket log (all sites pooled).
pub fn observed_profile(tickets: &[Ticket]) -> HourProfile {
    let mut p = HourProfile::default();
    for t in tickets.iter().filter(|t| t.channel == Channel::Counter) {
        let issued = local_ms(&t.issued_at);
        let how = hour_of_week(issued);
        let minutes = |s: &navbat_records::Stamp| (local_ms(s) - issued) as f64 / MINUTE_MS as f64;
        match t.outcome {
            Outcome::Served => {
                if let Some(s) = &t.started_at {
                    p.add(how, minutes(s), false);
                }
            }
            Outcome::Abandoned => {
                if let Some(f) = &t.finished_at {
                    p.add(how, minutes(f), true);
                }
            }
            _ => {}
        }
    }
    p
}

/// Exponential rates from a ticket log, per minute: service μ = 1 / mean service time of
/// served counter requests; patience θ = abandonments ÷ total time spent waiting by everyone
/// (the censored exponential maximum-likelihood estimate).
pub fn exponential_rates(tickets: &[Ticket]) -> (f64, f64) {
    let (mut service, mut served, mut waited, mut abandons) = (0.0, 0u64, 0.0, 0u64);
    for t in tickets.iter().filter(|t| t.channel == Channel::Counter) {
        let issued = local_ms(&t.issued_at);
        match (t.outcome, &t.started_at, &t.finished_at) {
            (Outcome::Served, Some(s), Some(f)) => {
                service += (local_ms(f) - local_ms(s)) as f64 / MINUTE_MS as f64;
                waited += (local_ms(s) - issued) as f64 / MINUTE_MS as f64;
                served += 1;
            }
            (Outcome::Abandoned, _, Some(f)) => {
                waited += (local_ms(f) - issued) as f64 / MINUTE_MS as f64;
                abandons += 1;
            }
            _ => {}
        }
    }
    (
        served as f64 / service.max(f64::MIN_POSITIVE),
        abandons as f64 / waited.max(f64::MIN_POSITIVE),
    )
}

/// What a planner knows in advance of a period, per hour of the week (all sites pooled):
/// mean arrivals per hour and mean desks on duty.
#[derive(Debug, Clone)]
pub struct PeriodInputs {
    /// Mean arrivals per hour (counter and kiosk requests).
    pub arrivals_per_hour: Vec<f64>,
    /// Mean desks on duty.
    pub desks: Vec<f64>,
    /// How the desks were found.
    pub desks_source: String,
}

/// The share of on-duty desks serving the line while someone waits, per site of `fitted`
/// (in its order), estimated on `records` as `navbat calibrate` does; `None` where the records
/// hold too few moments with a line.
pub fn desk_availability(
    fitted: &RawScenario,
    records: &Records,
    gap_minutes: f64,
) -> Result<Vec<Option<Interval>>, CalibrateError> {
    let order = (
        fitted.sites.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
        fitted.services.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
        fitted.segments.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
    );
    let data = TicketData::new(&records.tickets.rows, Some((&order.0, &order.1, &order.2)))?;
    let roster = records.roster.as_ref().map(|r| r.rows.as_slice());
    Ok((0..fitted.sites.len())
        .map(|s| {
            if data.site_rows(s).is_empty() {
                None
            } else {
                staffing(&data, s, roster, gap_minutes).0.availability
            }
        })
        .collect())
}

/// The fitted scenario set up for the period of `records`: horizon, arrivals and desks
/// from them, the rest as fitted. Sites of the records must be sites of `fitted`.
///
/// The desks on duty in `records` (roster, else inferred from busy periods) are what a
/// planner knows in advance; how many of them serve the line is not, so the desks written
/// are those on duty times `availability[site]`, the share estimated on the calibration
/// period ([`desk_availability`]); 1 where it is `None` or missing. The other period's own
/// waits are never used. Retrials are off: the records' tickets already hold every return
/// visit, and a caller replays them (`navbat validate-twin` does).
pub fn period_scenario(
    fitted: &RawScenario,
    records: &Records,
    gap_minutes: f64,
    availability: &[Option<f64>],
) -> Result<(RawScenario, PeriodInputs), CalibrateError> {
    let order = (
        fitted.sites.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
        fitted.services.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
        fitted.segments.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
    );
    let data = TicketData::new(&records.tickets.rows, Some((&order.0, &order.1, &order.2)))?;
    let mut sc = fitted.clone();
    for segment in &mut sc.segments {
        segment.retrial = None;
    }
    // Only simulated here, never screened; its factors may name what was just removed.
    sc.sensitivity = None;
    sc.horizon.start = date_of_day(data.first_day).to_string();
    sc.horizon.end = date_of_day(data.last_day).to_string();
    sc.horizon.warm_up_days = 0;
    let start = day_number(date_of_day(data.first_day));
    let mut inputs = PeriodInputs {
        arrivals_per_hour: vec![0.0; 168],
        desks: vec![0.0; 168],
        desks_source: String::new(),
    };
    for s in 0..data.sites.len() {
        if data.site_rows(s).is_empty() {
            continue;
        }
        let open = open_minutes(&sc.sites[s].hours);
        let fit = fit_site(&data, s, &open, start)?;
        let id = format!("period-{}", data.sites.list[s]);
        sc.profiles.push(RawProfile {
            id: id.clone(),
            hour_of_day: fit.fit.hour.clone(),
            weekday: fit.fit.weekday.clone(),
            month: fit.fit.month.clone(),
        });
        let site = &mut sc.sites[s];
        site.demand.retain(|d| order.1.contains(&d.service));
        for d in &mut site.demand {
            d.yearly = 0.0;
        }
        for (k, y) in fit.yearly.iter().enumerate() {
            let service = &data.services.list[k];
            match site.demand.iter_mut().find(|d| &d.service == service) {
                Some(d) => {
                    d.yearly = *y;
                    d.profile = id.clone();
                }
                None if *y > 0.0 => site.demand.push(navbat_scenario::RawDemand {
                    service: service.clone(),
                    yearly: *y,
                    profile: id.clone(),
                }),
                None => {}
            }
        }
        for (h, v) in fit.fit.observed_hour_of_week.iter().enumerate() {
            inputs.arrivals_per_hour[h] += v;
        }
        let roster = records.roster.as_ref().map(|r| r.rows.as_slice());
        let (staff, spells) = staffing(&data, s, roster, gap_minutes);
        let share = availability.get(s).copied().flatten().unwrap_or(1.0);
        let grouped = grouped_counters(&data, s, &spells, &site.counters, share)
            .map_err(|why| CalibrateError::Desks { site: site.id.clone(), why })?;
        let mut groups =
            grouped.unwrap_or_else(|| counters(&effective_desks(&staff.mean_on_duty, share)));
        if groups.iter().all(|c| c.shifts.is_empty()) {
            groups = counters(&[1; 168]);
        }
        site.counters = groups;
        for (h, v) in staff.mean_on_duty.iter().enumerate() {
            inputs.desks[h] += v;
        }
        inputs.desks_source = staff.source;
    }
    Ok((sc, inputs))
}
