//! The calibration: every fit made, and the fitted scenario put together with its notes.

use navbat_fit::{ProportionInterval, proportion_interval};
use navbat_record::calibration::{
    CALIBRATION_FORMAT, CalibrationFile, Interval, PatienceFit, ShareFit, SkippedRows,
};
use navbat_records::{Channel, Outcome, Records, SkipReport};
use navbat_scenario::{
    Capability, Dist, FieldPath, KioskPart, Note, RawAdoption, RawBalking, RawDemand, RawHorizon,
    RawKiosk, RawProfile, RawScenario, RawSegment, RawService, RawSite, SiteKind,
};

use crate::CalibrateError;
use crate::adoption::{kiosk_adoption, trend_is_clear};
use crate::arrivals::{fit_site, open_minutes};
use crate::durations::{DurationSettings, count_text, dist_text, fit_complete, fit_patience};
use crate::floor::{balking, counters, grouped_counters, line_seen, opening_hours, staffing};
use crate::kiosks::site_kiosks;
use crate::tickets::{HALF_SECOND_MIN, TicketData, date_of_day, day_number};

/// How to calibrate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Bootstrap replicates of each goodness-of-fit test.
    pub replicates: usize,
    /// Seed of the bootstrap (fit `k` uses stream `seed + k`).
    pub seed: u64,
    /// Fewest values a duration is fitted from; below it the base's (or the default) stays.
    pub min_n: usize,
    /// Without a roster, a desk's gap between services of at most this many minutes counts
    /// as present.
    pub gap_minutes: f64,
    /// The records read, for the results (a path).
    pub source: String,
    /// The base scenario's path, if any.
    pub base_name: Option<String>,
    /// The command line, for the results.
    pub command: String,
    /// navbat's version, for the results.
    pub version: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            replicates: 199,
            seed: 2026,
            min_n: 30,
            gap_minutes: 15.0,
            source: String::new(),
            base_name: None,
            command: String::new(),
            version: String::new(),
        }
    }
}

/// A calibration: the fitted scenario, its notes and the results for the report.
#[derive(Debug, Clone)]
pub struct Calibration {
    /// The fitted scenario (raw form).
    pub scenario: RawScenario,
    /// Comment lines for the top of the file.
    pub header: Vec<String>,
    /// One note beside each fitted block.
    pub notes: Vec<Note>,
    /// Every fit, for the report.
    pub results: CalibrationFile,
}

impl Calibration {
    /// The fitted scenario as RON with its comments.
    pub fn to_ron(&self) -> String {
        navbat_scenario::to_ron_with_notes(&self.scenario, &self.header, &self.notes)
    }
}

/// Bad rows skipped while reading, for the results.
fn skipped(file: &str, report: &SkipReport) -> Option<SkippedRows> {
    (!report.is_empty()).then(|| SkippedRows {
        file: file.to_owned(),
        counts: report.counts.iter().map(|(r, n)| (format!("{r:?}"), *n)).collect(),
        examples: report.examples.iter().map(ToString::to_string).collect(),
    })
}

/// The skeleton of a scenario built from the records alone (no base): sites, services and
/// segments as the tickets name them, everything else at documented defaults.
fn skeleton(data: &TicketData, assumed: &mut Vec<String>) -> RawScenario {
    let first = date_of_day(data.first_day).to_string();
    let last = date_of_day(data.last_day).to_string();
    assumed.push(
        "without a base: every site a DistrictOffice at 41.3 N, 69.2 E in district and region \
         \"unknown\"; every segment CitizenAdult, kiosk_success 1.0, not a priority segment; \
         FIFO queue, those waiting at closing served; no holidays; kiosks can do everything; \
         nobody who leaves unserved comes back (no retrial)"
            .into(),
    );
    let segments = data
        .segments
        .list
        .iter()
        // Without a base, nobody comes back: the ticket log does not link a person's visits,
        // so a return share cannot be fitted (listed as assumed).
        .map(|id| RawSegment::counter_only(id))
        .collect();
    let services = (0..data.services.len())
        .map(|k| {
            let rows = data.rows.iter().filter(|o| o.service == k && o.arrival());
            let mut by_segment = vec![0u64; data.segments.len()];
            let (mut kiosk, mut portal) = (false, false);
            for o in rows {
                by_segment[o.segment] += 1;
                kiosk |= o.channel == Channel::Kiosk;
                portal |= o.channel == Channel::Portal;
            }
            RawService {
                id: data.services.list[k].clone(),
                name: data.services.list[k].clone(),
                kiosk_needs: if kiosk { vec![Capability::BiometricCapture] } else { Vec::new() },
                portal,
                counter_minutes: Dist::Exponential { mean: 10.0 },
                kiosk_minutes: kiosk.then_some(Dist::Exponential { mean: 5.0 }),
                segments: by_segment
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| **n > 0)
                    .map(|(g, n)| (data.segments.list[g].clone(), *n as f64))
                    .collect(),
            }
        })
        .collect();
    let sites = (0..data.sites.len())
        .map(|s| RawSite {
            id: data.sites.list[s].clone(),
            name: data.sites.list[s].clone(),
            kind: SiteKind::DistrictOffice,
            district: "unknown".into(),
            region: "unknown".into(),
            lat: 41.3,
            lon: 69.2,
            hours: opening_hours(data, s),
            counters: Vec::new(),
            kiosks: if data.kiosks[s].len() > 0 {
                vec![RawKiosk {
                    id: "kiosk".into(),
                    count: data.kiosks[s].len() as u32,
                    capabilities: vec![
                        Capability::BiometricCapture,
                        Capability::DutyPayment,
                        Capability::DocumentPickup,
                    ],
                    mtbf_hours: None,
                    repair_hours: None,
                    components: Vec::new(),
                }]
            } else {
                Vec::new()
            },
            floor_assistants: 0,
            demand: Vec::new(),
        })
        .collect();
    RawScenario {
        name: "fitted".into(),
        description: String::new(),
        horizon: RawHorizon { start: first, end: last, warm_up_days: 0 },
        holidays: Vec::new(),
        queue: Default::default(),
        profiles: Vec::new(),
        segments,
        services,
        sites,
        face_id: None,
        workflows: None,
        economics: None,
        candidates: Vec::new(),
        routing: None,
        decision: None,
        sensitivity: None,
    }
}

/// Luce's choice model by the MM algorithm: weights of (kiosk, counter, portal) from
/// choices made among offered sets (`sets[i]` = (offered mask, counts per channel)).
fn luce(sets: &[([bool; 3], [u64; 3])]) -> [f64; 3] {
    // A channel never offered beside another gets no weight (it is never chosen over one).
    let mut w: [f64; 3] = std::array::from_fn(|j| {
        let shown = sets.iter().any(|(o, _)| o[j] && o.iter().filter(|&&x| x).count() > 1);
        if shown { 1.0 } else { 0.0 }
    });
    // Only sets with a choice say anything about the weights.
    let chose = |o: &[bool; 3]| o.iter().filter(|&&x| x).count() > 1;
    let wins: [f64; 3] = std::array::from_fn(|j| {
        sets.iter().filter(|(o, _)| chose(o)).map(|(_, c)| c[j] as f64).sum::<f64>()
    });
    for _ in 0..500 {
        let mut den = [0.0f64; 3];
        for (offered, c) in sets {
            let n: f64 = c.iter().map(|&x| x as f64).sum();
            let sum: f64 = (0..3).filter(|&j| offered[j]).map(|j| w[j]).sum();
            if sum > 0.0 && chose(offered) {
                for j in (0..3).filter(|&j| offered[j]) {
                    den[j] += n / sum;
                }
            }
        }
        let mut next = w;
        for j in 0..3 {
            if den[j] > 0.0 {
                next[j] = wins[j] / den[j];
            }
        }
        let total: f64 = next.iter().sum();
        if total > 0.0 {
            next.iter_mut().for_each(|x| *x /= total);
        }
        let change = (0..3).map(|j| (next[j] - w[j]).abs()).fold(0.0, f64::max);
        w = next;
        if change < 1e-12 {
            break;
        }
    }
    w
}

/// Fits everything the records tell and builds the fitted scenario.
///
/// # Errors
/// [`CalibrateError`] for an empty log, a name outside the base, or a failed fit.
pub fn calibrate(
    records: &Records,
    base: Option<&RawScenario>,
    options: &Options,
) -> Result<Calibration, CalibrateError> {
    let tickets = &records.tickets.rows;
    let mut assumed = Vec::new();
    let mut remarks = Vec::new();
    let mut notes = Vec::new();
    let root = FieldPath::root();
    let order = base.map(|b| {
        (
            b.sites.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
            b.services.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
            b.segments.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
        )
    });
    let data = TicketData::new(
        tickets,
        order.as_ref().map(|(a, b, c)| (a.as_slice(), b.as_slice(), c.as_slice())),
    )?;
    let mut sc = match base {
        Some(b) => {
            assumed.push(format!(
                "from the base {}: horizon, holidays, queue rules, segment kinds and \
                 kiosk_success, assistance, kiosk capabilities, floor assistants, site \
                 names and places, workflows, Face-ID, economics, routing",
                options.base_name.as_deref().unwrap_or("scenario")
            ));
            let mut sc = b.clone();
            // Its factors vary the base's estimates, which this fit replaces or lists as
            // assumed: their paths and ranges no longer describe the fitted scenario.
            if sc.sensitivity.take().is_some() {
                remarks.push(
                    "the base's sensitivity block is not carried over: it varies the base's \
                     estimates, which the fit replaces; screen the fitted scenario with a \
                     block of its own over what is still assumed"
                        .to_owned(),
                );
            }
            sc
        }
        None => skeleton(&data, &mut assumed),
    };
    let horizon_start = jiff::civil::Date::strptime("%Y-%m-%d", &sc.horizon.start)
        .map_err(|_| CalibrateError::Horizon { start: sc.horizon.start.clone() })?;
    let horizon_day = day_number(horizon_start);
    let settings = DurationSettings {
        replicates: options.replicates,
        seed: options.seed,
        min_n: options.min_n,
    };

    // Arrivals, desks and kiosks per site.
    let mut arrivals = Vec::new();
    let mut staffing_fits = Vec::new();
    let mut kiosk_fits = Vec::new();
    let mut durations = Vec::new();
    let mut stream = 0u64;
    for s in 0..data.sites.len() {
        if data.site_rows(s).is_empty() {
            assumed.push(format!("site {}: no tickets; kept from the base", data.sites.list[s]));
            continue;
        }
        let sp = root.field("sites").index(s);
        let site_id = data.sites.list[s].clone();
        let open = open_minutes(&sc.sites[s].hours);
        let fit = fit_site(&data, s, &open, horizon_day)?;
        let profile_id = format!("fit-{site_id}");
        let f = &fit.fit;
        sc.profiles.retain(|p| p.id != profile_id);
        sc.profiles.push(RawProfile {
            id: profile_id.clone(),
            hour_of_day: f.hour.clone(),
            weekday: f.weekday.clone(),
            month: f.month.clone(),
        });
        let months_note = if f.months_seen.len() < 12 {
            assumed.push(format!(
                "site {site_id}: month weights of months without records ({} of 12 seen) set to \
                 the mean of those seen",
                f.months_seen.len()
            ));
            format!("; {} of 12 months seen, the others at their mean", f.months_seen.len())
        } else {
            String::new()
        };
        notes.push(Note {
            at: root.field("profiles").index(sc.profiles.len() - 1),
            text: format!(
                "fit: NHPP weekday × month × hour by maximum likelihood (iterative proportional \
                 fitting) on {} arrivals at {site_id} over {} days{months_note}; daily counts: \
                 {}",
                count_text(f.arrivals as usize),
                f.days,
                f.dispersion.as_ref().map_or(
                    "too few days to test dispersion".to_owned(),
                    |d| format!(
                        "dispersion index {:.2}, χ²({}) = {:.1}, p(over-dispersed) = {:.3}",
                        d.index, d.df, d.statistic, d.p_over
                    )
                ),
            ),
        });
        if f.outside_hours > 0 {
            remarks.push(format!(
                "site {site_id}: {} arrivals outside the scenario's opening hours are not in the \
                 fitted volume",
                f.outside_hours
            ));
        }
        // Demand lines: every service of the records, at this site.
        let site = &mut sc.sites[s];
        for (k, &n) in fit.per_service.iter().enumerate() {
            let service = &data.services.list[k];
            let j = match site.demand.iter().position(|d| &d.service == service) {
                Some(j) => j,
                None if n == 0 => continue,
                None => {
                    site.demand.push(RawDemand {
                        service: service.clone(),
                        yearly: 0.0,
                        profile: profile_id.clone(),
                    });
                    site.demand.len() - 1
                }
            };
            site.demand[j].yearly = fit.yearly[k];
            site.demand[j].profile = profile_id.clone();
            let iv = f.per_service.iter().find(|x| &x.0 == service).map(|x| &x.2);
            notes.push(Note {
                at: sp.field("demand").index(j).field("yearly"),
                text: match iv {
                    Some(iv) => format!(
                        "fit: {n} arrivals in {} days → {:.0} a year, 95 % CI [{:.0}, {:.0}] \
                         (Garwood; the site's quasi-Poisson interval is ×{:.2} as wide)",
                        f.days,
                        iv.value,
                        iv.ci95_low,
                        iv.ci95_high,
                        f.dispersion.as_ref().map_or(1.0, |d| d.index.max(1.0)).sqrt()
                    ),
                    None => format!("fit: no arrival in {} days", f.days),
                },
            });
        }
        // Desks on duty.
        let roster = records.roster.as_ref().map(|r| r.rows.as_slice());
        let (staff, spells) = staffing(&data, s, roster, options.gap_minutes);
        if roster.is_some() || base.is_none() {
            let share = staff.availability.as_ref().map_or(1.0, |a| a.value);
            let grouped = grouped_counters(&data, s, &spells, &sc.sites[s].counters, share)
                .unwrap_or_else(|why| {
                    remarks.push(format!("site {site_id}: desks pooled: {why}"));
                    None
                });
            let by_group = grouped.is_some();
            let mut groups = grouped.unwrap_or_else(|| counters(&staff.written));
            if groups.iter().all(|c| c.shifts.is_empty()) {
                remarks.push(format!("site {site_id}: no desk on duty found; one desk added"));
                groups = counters(&vec![1; 168]);
            }
            let total: f64 = staff.mean_on_duty.iter().sum();
            sc.sites[s].counters = groups;
            notes.push(Note {
                at: sp.field("counters"),
                text: format!(
                    "fit: desks on duty by hour of the week ({}), {:.1} desk-hours a week on \
                     average{}, {}, rounded per hour; desk k is on duty where at least k are",
                    staff.source,
                    total,
                    if by_group {
                        " in the base's counter groups (each desk in the narrowest group \
                         offering every service it served)"
                    } else {
                        ""
                    },
                    match &staff.availability {
                        Some(a) => format!(
                            "times {:.3} serving the line (95 % CI {:.3} to {:.3}; {})",
                            a.value, a.ci95_low, a.ci95_high, a.name
                        ),
                        None =>
                            "all serving the line (too few moments with a line to tell)".to_owned(),
                    }
                ),
            });
        } else {
            assumed.push(format!("site {site_id}: counters and shifts (no roster given)"));
        }
        staffing_fits.push(staff);
        // Kiosks.
        if let Some(log) = &records.kiosks {
            let k = site_kiosks(&data, s, &log.rows, &open_minutes(&sc.sites[s].hours));
            if k.kiosks > 0 {
                let repair_settings =
                    DurationSettings { min_n: settings.min_n.min(10), ..settings };
                let mut repair_fit = |cause: Option<&str>, hours: &[f64], stream: u64| {
                    // Each fit names its own chart in the report.
                    let (what, scope) = match cause {
                        Some(c) => (
                            format!("repair time of kiosk {c} failures at {site_id}"),
                            format!("site {site_id}, {c} failures"),
                        ),
                        None => (
                            format!("repair time of kiosks at {site_id}"),
                            format!("site {site_id}, all components"),
                        ),
                    };
                    let fitted = fit_complete(
                        what,
                        scope,
                        "h",
                        hours.to_vec(),
                        1.0 / 7200.0,
                        repair_settings,
                        stream,
                    )?;
                    if let Some((fit, _)) = &fitted {
                        durations.push(fit.clone());
                    }
                    Ok::<_, CalibrateError>(fitted.map(|(fit, dist)| (fit.written_as, dist)))
                };
                let (failures, up) = k.total;
                // Whole-device failures (calendar time): every failure pooled where the base
                // models no components, else only the log's `device` failures.
                let has_components = sc.sites[s].kiosks.iter().any(|g| !g.components.is_empty());
                let (device_failures, device_repairs) = if has_components {
                    let n = k.failures.get("device").copied().unwrap_or(0);
                    (n, k.repairs.get("device").cloned().unwrap_or_default())
                } else {
                    (failures, k.repairs_h.clone())
                };
                let device_repair = if device_failures > 0 {
                    repair_fit(
                        has_components.then_some("device"),
                        &device_repairs,
                        10_000 + s as u64,
                    )?
                } else {
                    None
                };
                // Components (operating hours), fitted once per site for every group.
                let mut parts = Vec::new();
                for (c, part) in [KioskPart::Camera, KioskPart::Payment, KioskPart::Printer]
                    .into_iter()
                    .enumerate()
                {
                    let modelled = sc.sites[s]
                        .kiosks
                        .iter()
                        .any(|g| g.components.iter().any(|x| x.part == part));
                    if !modelled {
                        continue;
                    }
                    let n = k.failures.get(part.name()).copied().unwrap_or(0);
                    let hours = k.repairs.get(part.name()).cloned().unwrap_or_default();
                    let repair =
                        repair_fit(Some(part.name()), &hours, 10_100 + 10 * s as u64 + c as u64)?;
                    parts.push((part, n, repair));
                }
                for (g, group) in sc.sites[s].kiosks.iter_mut().enumerate() {
                    let gp = sp.field("kiosks").index(g);
                    if device_failures > 0 {
                        if let Some((written, dist)) = &device_repair {
                            group.repair_hours = Some(dist.clone());
                            notes.push(Note {
                                at: gp.field("repair_hours"),
                                text: format!("fit: {written}"),
                            });
                        }
                        if group.repair_hours.is_some() {
                            group.mtbf_hours = Some(up / device_failures as f64);
                            notes.push(Note {
                                at: gp.field("mtbf_hours"),
                                text: format!(
                                    "fit: {device_failures} whole-kiosk failures in {up:.0} \
                                     kiosk-hours up at {site_id} (all kiosks pooled; per \
                                     component in the report)"
                                ),
                            });
                        } else {
                            assumed.push(format!(
                                "site {site_id}: kiosk group {}: whole-kiosk failures ({} seen, \
                                 too few repairs to fit their times and none in the base)",
                                group.id, device_failures
                            ));
                        }
                    }
                    for (ci, comp) in group.components.iter_mut().enumerate() {
                        let cp = gp.field("components").index(ci);
                        let Some((_, n, repair)) = parts.iter().find(|p| p.0 == comp.part) else {
                            continue;
                        };
                        let name = comp.part.name();
                        if *n > 0 {
                            comp.mtbf_operating_hours = k.up_open_hours / *n as f64;
                            notes.push(Note {
                                at: cp.field("mtbf_operating_hours"),
                                text: format!(
                                    "fit: {n} {name} failures in {:.0} kiosk-hours up while \
                                     open at {site_id} (all kiosks pooled)",
                                    k.up_open_hours
                                ),
                            });
                        } else {
                            assumed.push(format!(
                                "site {site_id}: kiosk group {}: {name} failures (none in the \
                                 kiosk log; kept from the base)",
                                group.id
                            ));
                        }
                        match repair {
                            Some((written, dist)) => {
                                comp.repair_hours = dist.clone();
                                notes.push(Note {
                                    at: cp.field("repair_hours"),
                                    text: format!("fit: {written}"),
                                });
                            }
                            None => assumed.push(format!(
                                "site {site_id}: kiosk group {}: {name} repair times (too few \
                                 repairs to fit; kept from the base)",
                                group.id
                            )),
                        }
                    }
                }
                kiosk_fits.extend(k.fits);
            }
        }
        arrivals.push(fit.fit);
    }

    // Service times per service and channel, pooled over sites.
    for k in 0..data.services.len() {
        for (channel, field) in
            [(Channel::Counter, "counter_minutes"), (Channel::Kiosk, "kiosk_minutes")]
        {
            let values: Vec<f64> = data
                .rows
                .iter()
                .filter(|o| o.service == k && o.channel == channel)
                .filter_map(|o| o.service_min())
                .collect();
            let service = data.services.list[k].clone();
            let at = root.field("services").index(k).field(field);
            stream += 1;
            let fitted = fit_complete(
                format!("service time: {service} at the {}", channel.as_str()),
                "pooled over all sites".into(),
                "min",
                values.clone(),
                HALF_SECOND_MIN,
                settings,
                stream,
            )?;
            let svc = &mut sc.services[k];
            match fitted {
                Some((fit, dist)) => {
                    match channel {
                        Channel::Kiosk if svc.kiosk_minutes.is_none() => {
                            remarks.push(format!(
                                "{service}: kiosk service times seen but the base has no kiosk \
                                 time for it; not written"
                            ));
                        }
                        Channel::Kiosk => svc.kiosk_minutes = Some(dist),
                        _ => svc.counter_minutes = dist,
                    }
                    notes.push(Note { at, text: format!("fit: {}", fit.written_as) });
                    durations.push(fit);
                }
                None if channel == Channel::Counter || svc.kiosk_minutes.is_some() => {
                    let kept = match channel {
                        Channel::Kiosk => svc.kiosk_minutes.as_ref().map(dist_text),
                        _ => Some(dist_text(&svc.counter_minutes)),
                    };
                    assumed.push(format!(
                        "{service} at the {}: {} service times (fewer than {}); kept {}",
                        channel.as_str(),
                        values.len(),
                        options.min_n,
                        kept.unwrap_or_default()
                    ));
                }
                None => {}
            }
        }
    }

    // Patience and balking per segment, pooled over sites and services.
    let mut patience: Vec<PatienceFit> = Vec::new();
    let mut balking_fits = Vec::new();
    let mut by_length: Vec<Vec<(u64, u64)>> = vec![vec![(0, 0); 41]; data.segments.len()];
    let mut tied_out = vec![0u64; data.segments.len()];
    for s in 0..data.sites.len() {
        let rows = data.site_rows(s);
        let seen = line_seen(&data, s);
        // Counter-line tickets issued in the same second met the line in an order the log
        // does not keep (a burst at the opening, say): the line each saw is unknown.
        let tied = |i: usize| {
            let t = rows[i].issued;
            rows[..i].iter().rev().take_while(|o| o.issued == t).any(|o| o.counter_line)
                || rows[i + 1..].iter().take_while(|o| o.issued == t).any(|o| o.counter_line)
        };
        for (i, (o, l)) in rows.iter().zip(seen).enumerate() {
            // A person sent on from a kiosk joins the line without choosing to.
            if let (Some(l), Channel::Counter, false) = (l, o.channel, o.sent_on) {
                if tied(i) {
                    tied_out[o.segment] += 1;
                    continue;
                }
                let cell = &mut by_length[o.segment][(l as usize).min(40)];
                cell.0 += 1;
                cell.1 += u64::from(o.outcome == Outcome::Balked);
            }
        }
    }
    for (g, lengths) in by_length.iter().enumerate() {
        let name = data.segments.list[g].clone();
        let gp = root.field("segments").index(g);
        let (mut events, mut censored) = (Vec::new(), Vec::new());
        // Pickups wait in the same line but are not requests; their patience is not the
        // segment's (the scenario gives pickups none of their own), so they are left out.
        for o in data.rows.iter().filter(|o| o.segment == g && o.channel == Channel::Counter) {
            match (o.outcome, o.wait_min(), o.finished) {
                (Outcome::Served, Some(w), _) => censored.push(w.max(0.0)),
                (Outcome::Abandoned, None, Some(f)) => {
                    events.push((f - o.issued) as f64 / 60_000.0);
                }
                (Outcome::SentHome, _, Some(f)) => censored.push((f - o.issued) as f64 / 60_000.0),
                _ => {}
            }
        }
        if events.is_empty() && censored.is_empty() {
            assumed.push(format!("segment {name}: patience (no counter waits)"));
        } else {
            let (fit, dist) = fit_patience(
                &name,
                "pooled over sites and services".into(),
                events,
                censored,
                HALF_SECOND_MIN,
            )?;
            sc.segments[g].patience_min = dist;
            notes.push(Note {
                at: gp.field("patience_min"),
                text: format!("fit: {}", fit.written_as),
            });
            patience.push(fit);
        }
        match balking(&name, lengths) {
            Some(b) => {
                sc.segments[g].balking =
                    Some(RawBalking { queue_len: b.threshold, probability: b.above.value });
                notes.push(Note {
                    at: gp.field("balking"),
                    text: format!(
                        "fit: step rule by maximum likelihood against the counter line seen on \
                         arrival: {} of {} balked; at {} or more waiting p = {:.4}, 95 % CI \
                         [{:.4}, {:.4}] (Wilson); below it {:.4} [{:.4}, {:.4}] (the rule has \
                         0); {} arrivals left out, issued in the same second as another counter \
                         ticket (the order they met the line in is unknown)",
                        b.balked,
                        b.arrivals,
                        b.threshold,
                        b.above.value,
                        b.above.ci95_low,
                        b.above.ci95_high,
                        b.below.value,
                        b.below.ci95_low,
                        b.below.ci95_high,
                        tied_out[g]
                    ),
                });
                balking_fits.push(b);
            }
            None => {
                let n: u64 = lengths.iter().map(|x| x.0).sum();
                if n > 0 {
                    sc.segments[g].balking = None;
                    notes.push(Note {
                        at: gp.field("balking"),
                        text: format!("fit: no balking among {n} counter arrivals: balking none"),
                    });
                }
            }
        }
    }

    // Channel shares per segment among the channels offered (seen) for each site and service.
    let mut offered = vec![vec![[false; 3]; data.services.len()]; data.sites.len()];
    for o in &data.rows {
        match o.channel {
            Channel::Kiosk => offered[o.site][o.service][0] = true,
            Channel::Counter => offered[o.site][o.service][1] = true,
            Channel::Portal => offered[o.site][o.service][2] = true,
            _ => {}
        }
    }
    let mut shares = Vec::new();
    let mut adoption = Vec::new();
    // The trend is written for the scenario's horizon (the records' own period without one).
    let horizon = match (
        sc.horizon.start.parse::<jiff::civil::Date>(),
        sc.horizon.end.parse::<jiff::civil::Date>(),
    ) {
        (Ok(a), Ok(b)) => (day_number(a), day_number(b)),
        _ => (data.first_day, data.last_day),
    };
    for g in 0..data.segments.len() {
        let mut sets: std::collections::BTreeMap<(usize, usize), [u64; 3]> = Default::default();
        for o in data.rows.iter().filter(|o| o.segment == g && o.arrival()) {
            let j = match o.channel {
                Channel::Kiosk => 0,
                Channel::Counter => 1,
                Channel::Portal => 2,
                _ => continue,
            };
            sets.entry((o.site, o.service)).or_default()[j] += 1;
        }
        let list: Vec<([bool; 3], [u64; 3])> =
            sets.iter().map(|(&(s, k), &c)| (offered[s][k], c)).collect();
        let informative: u64 = list
            .iter()
            .filter(|(o, _)| o.iter().filter(|&&x| x).count() > 1)
            .map(|(_, c)| c.iter().sum::<u64>())
            .sum();
        let counts: [u64; 3] = std::array::from_fn(|j| list.iter().map(|(_, c)| c[j]).sum());
        if informative == 0 {
            let only = (0..3).find(|&j| counts[j] > 0).unwrap_or(1);
            let mut w = [0.0; 3];
            w[only] = 1.0;
            let ch = &mut sc.segments[g].channel;
            if base.is_none() {
                (ch.kiosk, ch.counter, ch.portal) = (w[0], w[1], w[2]);
            }
            continue;
        }
        let w = luce(&list);
        let ch = &mut sc.segments[g].channel;
        (ch.kiosk, ch.counter, ch.portal) = (w[0], w[1], w[2]);
        let trend = kiosk_adoption(&data, g, &offered, horizon);
        let adoption_text = match &trend {
            Some(t) if trend_is_clear(t) => {
                sc.segments[g].kiosk_adoption =
                    Some(RawAdoption { start: t.start.value, end: t.end.value });
                notes.push(Note {
                    at: root.field("segments").index(g).field("kiosk_adoption"),
                    text: format!(
                        "fit: kiosk share over {} months, logistic trend by maximum likelihood: \
                         slope {:.4} log-odds a month (95 % CI {:.4} to {:.4}); {:.4} on the \
                         horizon's first day [{:.4}, {:.4}], {:.4} on its last [{:.4}, {:.4}], \
                         the engine moving linearly between them",
                        t.monthly.len(),
                        t.parameters[1].value,
                        t.parameters[1].ci95_low,
                        t.parameters[1].ci95_high,
                        t.start.value,
                        t.start.ci95_low,
                        t.start.ci95_high,
                        t.end.value,
                        t.end.ci95_low,
                        t.end.ci95_high
                    ),
                });
                "kiosk adoption: the trend below".to_owned()
            }
            Some(t) => {
                sc.segments[g].kiosk_adoption = None;
                format!(
                    "kiosk adoption taken as constant: over {} months the trend's slope \
                     {:.4} log-odds a month has a 95 % CI ({:.4} to {:.4}) that holds 0",
                    t.monthly.len(),
                    t.parameters[1].value,
                    t.parameters[1].ci95_low,
                    t.parameters[1].ci95_high
                )
            }
            None => {
                sc.segments[g].kiosk_adoption = None;
                "kiosk adoption taken as constant (under two months of records, or no \
                 trend to fit)"
                    .to_owned()
            }
        };
        adoption.extend(trend);
        let names = ["kiosk", "counter", "portal"];
        for j in 0..3 {
            let (lo, hi) = proportion_interval(
                (w[j] * informative as f64).round() as u64,
                informative,
                ProportionInterval::Wilson,
            );
            shares.push(ShareFit {
                segment: data.segments.list[g].clone(),
                channel: names[j].into(),
                count: counts[j],
                share: Interval { name: "share".into(), value: w[j], ci95_low: lo, ci95_high: hi },
            });
        }
        notes.push(Note {
            at: root.field("segments").index(g).field("channel"),
            text: format!(
                "fit: choice among the channels each site offered for the service (Luce model, \
                 MM algorithm) from {} kiosk, {} counter, {} portal tickets; {informative} \
                 tickets had a choice (approximate 95 % CIs, Wilson on them, in the report); \
                 {adoption_text}",
                counts[0], counts[1], counts[2]
            ),
        });
    }

    assumed.push(
        "holidays are not separated from other days in the arrival fit; the scenario's \
         opening hours decide which arrivals count"
            .into(),
    );
    let mut header = vec![
        format!("Fitted by navbat calibrate {} from {}", options.version, options.source),
        format!(
            "{} tickets, {} to {}; every `// fit:` comment says how its block was fitted.",
            count_text(tickets.len()),
            date_of_day(data.first_day),
            date_of_day(data.last_day)
        ),
        "Assumed (not fitted):".into(),
    ];
    header.extend(assumed.iter().map(|a| format!("  - {a}")));
    if !remarks.is_empty() {
        header.push("Remarks:".into());
        header.extend(remarks.iter().map(|a| format!("  - {a}")));
    }
    if base.is_none() {
        sc.name = format!("fitted to {}", options.source);
    }
    let mut skipped_rows = Vec::new();
    skipped_rows.extend(skipped("tickets", &records.tickets.skipped));
    if let Some(k) = &records.kiosks {
        skipped_rows.extend(skipped("kiosks", &k.skipped));
    }
    if let Some(r) = &records.roster {
        skipped_rows.extend(skipped("roster", &r.skipped));
    }
    let results = CalibrationFile {
        format: CALIBRATION_FORMAT,
        version: options.version.clone(),
        command: options.command.clone(),
        source: options.source.clone(),
        base: options.base_name.clone(),
        period: (date_of_day(data.first_day).to_string(), date_of_day(data.last_day).to_string()),
        tickets: tickets.len() as u64,
        skipped: skipped_rows,
        durations,
        patience,
        arrivals,
        shares,
        adoption,
        balking: balking_fits,
        kiosks: kiosk_fits,
        staffing: staffing_fits,
        assumed,
        remarks,
    };
    Ok(Calibration { scenario: sc, header, notes, results })
}
