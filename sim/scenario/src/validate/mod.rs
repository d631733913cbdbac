//! Checks a [`RawScenario`] and builds the [`Scenario`] the engine runs.

mod blocks;
mod values;

use blocks::*;
use values::*;

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::limits::{
    MAX_CV, MAX_DURATION_DAYS, MAX_EMPIRICAL_VALUES, MAX_FLOOR_ASSISTANTS, MAX_GROUP_COUNT,
    MAX_HORIZON_DAYS, MAX_TEAM_OFFICERS, MAX_TOTAL_YEARLY_VOLUME, MAX_WEIBULL_SHAPE, MAX_YEAR,
    MAX_YEARLY_VOLUME, MIN_WEIBULL_SHAPE, MIN_YEAR,
};
use crate::locate::Path;
use crate::model::{
    Assistance, Balking, Capabilities, ChannelChoice, CounterGroup, DayMinute, Demand, Holiday,
    KioskFailures, KioskGroup, OpeningHours, Profile, QueuePolicy, Retrial, Scenario, Segment,
    Service, Shift, Site,
};
use crate::raw::{
    Day, Dist, RawHours, RawProfile, RawRetrial, RawScenario, RawSegment, RawService, RawSite,
};

/// A problem found in a raw scenario: where (a path into the file) and what.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Problem {
    pub(crate) path: Path,
    pub(crate) message: String,
}

type Check<T> = Result<T, Problem>;

fn problem<T>(path: &Path, message: impl Into<String>) -> Check<T> {
    Err(Problem { path: path.clone(), message: message.into() })
}

/// Turns raw input into a checked scenario, or names the first problem.
pub(crate) fn validate(raw: &RawScenario, base: &std::path::Path) -> Check<Scenario> {
    let root = Path::default();
    if raw.name.trim().is_empty() {
        return problem(&root.field("name"), "expected a non-empty name");
    }
    let hp = root.field("horizon");
    let start = date(&raw.horizon.start, &hp.field("start"))?;
    let end = date(&raw.horizon.end, &hp.field("end"))?;
    if end < start {
        return problem(&hp.field("end"), format!("expected a day on or after the start {start}"));
    }
    let days = (end - start).get_days() + 1;
    if days > MAX_HORIZON_DAYS {
        return problem(
            &hp.field("end"),
            format!(
                "expected a horizon of at most {MAX_HORIZON_DAYS} days (ten years), found {days}"
            ),
        );
    }
    if i64::from(raw.horizon.warm_up_days) >= i64::from(days) {
        return problem(
            &hp.field("warm_up_days"),
            format!("expected fewer warm-up days than the {days} simulated days"),
        );
    }

    let mut holidays = Vec::with_capacity(raw.holidays.len());
    for (i, h) in raw.holidays.iter().enumerate() {
        let p = root.field("holidays").index(i);
        holidays.push(Holiday { date: date(&h.date, &p.field("date"))?, name: h.name.clone() });
    }
    holidays.sort_by_key(|h| h.date);
    holidays.dedup_by_key(|h| h.date);

    let profile_ids = ids(raw.profiles.iter().map(|p| p.id.as_str()), &root.field("profiles"))?;
    let segment_ids = ids(raw.segments.iter().map(|s| s.id.as_str()), &root.field("segments"))?;
    let service_ids = ids(raw.services.iter().map(|s| s.id.as_str()), &root.field("services"))?;
    ids(raw.sites.iter().map(|s| s.id.as_str()), &root.field("sites"))?;

    let profiles = raw
        .profiles
        .iter()
        .enumerate()
        .map(|(i, p)| profile(p, &root.field("profiles").index(i)))
        .collect::<Check<Vec<_>>>()?;
    let segments = raw
        .segments
        .iter()
        .enumerate()
        .map(|(i, s)| segment(s, &root.field("segments").index(i)))
        .collect::<Check<Vec<_>>>()?;
    let services = raw
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| service(s, &segment_ids, &root.field("services").index(i)))
        .collect::<Check<Vec<_>>>()?;
    if raw.sites.is_empty() {
        return problem(&root.field("sites"), "expected at least one site");
    }
    let lookups = Lookups { profiles: &profile_ids, services: &service_ids, catalogue: &services };
    let sites = raw
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| site(s, &lookups, &root.field("sites").index(i)))
        .collect::<Check<Vec<_>>>()?;
    let mut total = 0.0;
    for (i, s) in sites.iter().enumerate() {
        for (j, d) in s.demand.iter().enumerate() {
            total += d.yearly;
            if total > MAX_TOTAL_YEARLY_VOLUME {
                return problem(
                    &root.field("sites").index(i).field("demand").index(j).field("yearly"),
                    format!(
                        "the scenario's yearly volumes add up to more than {MAX_TOTAL_YEARLY_VOLUME:.0} applicants here"
                    ),
                );
            }
        }
    }

    let face_id = match &raw.face_id {
        None => None,
        Some(f) => {
            let fp = root.field("face_id");
            if !(f.target_fmr.is_finite() && f.target_fmr > 0.0 && f.target_fmr <= 0.1) {
                return problem(
                    &fp.field("target_fmr"),
                    format!("expected a false-match rate in (0, 0.1], found {}", f.target_fmr),
                );
            }
            if f.gallery == 0 || f.gallery > 1_000_000 {
                return problem(
                    &fp.field("gallery"),
                    format!("expected 1 to 1,000,000 enrolled identities, found {}", f.gallery),
                );
            }
            if !(f.flag_ratio.is_finite() && f.flag_ratio >= 1.0) {
                return problem(
                    &fp.field("flag_ratio"),
                    format!("expected a ratio of at least 1, found {}", f.flag_ratio),
                );
            }
            let n = raw.segments.len();
            let segment_of = |id: &str, at: &Path| -> Check<usize> {
                raw.segments.iter().position(|s| s.id == id).map_or_else(
                    || problem(at, format!("expected a segment id of this scenario, found {id:?}")),
                    Ok,
                )
            };
            let mut minors = vec![[0.0; 2]; n];
            for (i, m) in f.minors.iter().enumerate() {
                let mp = fp.field("minors").index(i);
                let seg = segment_of(&m.segment, &mp.field("segment"))?;
                let child = probability(m.child, &mp.field("child"))?;
                let adolescent = probability(m.adolescent, &mp.field("adolescent"))?;
                if child + adolescent > 1.0 {
                    return problem(&mp.field("adolescent"), "expected child + adolescent <= 1");
                }
                minors[seg] = [child, adolescent];
            }
            let mut regional = vec![0.0; n];
            for (i, r) in f.regional.iter().enumerate() {
                let rp = fp.field("regional").index(i);
                let seg = segment_of(&r.segment, &rp.field("segment"))?;
                let x = r.shared_similarity;
                if !(x.is_finite() && (0.0..=0.5).contains(&x)) {
                    return problem(
                        &rp.field("shared_similarity"),
                        format!("expected a weight between 0 and 0.5, found {x}"),
                    );
                }
                regional[seg] = x;
            }
            let female_noise_factor = match f.female_noise_factor {
                None => 1.0,
                Some(x) if x.is_finite() && (0.5..=4.0).contains(&x) => x,
                Some(x) => {
                    return problem(
                        &fp.field("female_noise_factor"),
                        format!("expected a factor between 0.5 and 4, found {x}"),
                    );
                }
            };
            let searches_per_second = match f.searches_per_second {
                None => None,
                Some(x) if x.is_finite() && x > 0.0 => Some(x),
                Some(x) => {
                    return problem(
                        &fp.field("searches_per_second"),
                        format!("expected a capacity > 0 searches a second, found {x}"),
                    );
                }
            };
            if !(f.verify_seconds.is_finite() && (0.0..=600.0).contains(&f.verify_seconds)) {
                return problem(
                    &fp.field("verify_seconds"),
                    format!("expected 0 to 600 seconds, found {}", f.verify_seconds),
                );
            }
            Some(crate::model::FaceIdSettings {
                target_fmr: f.target_fmr,
                share_female: probability(f.share_female, &fp.field("share_female"))?,
                gallery: f.gallery,
                flag_ratio: f.flag_ratio,
                impostors: probability(f.impostors, &fp.field("impostors"))?,
                duplicates: probability(f.duplicates, &fp.field("duplicates"))?,
                minors,
                female_noise_factor,
                regional,
                searches_per_second,
                verify_seconds: f.verify_seconds,
            })
        }
    };
    let workflows = match &raw.workflows {
        None => None,
        Some(w) => {
            let checked = workflows(w, base, &raw.services, &root.field("workflows"))?;
            // Definitions whose rules match faces need the matcher; a back office of named
            // tasks alone (a discovered one) does not.
            let matches_faces = checked.catalog.iter().any(|(_, s)| {
                s.rules.iter().any(|r| !matches!(r.kind, navbat_workflow::RuleKind::RegistryCheck))
            });
            if face_id.is_none() && matches_faces {
                return problem(
                    &root.field("workflows"),
                    "expected `face_id` to be set as well: the cases' identity checks run the matcher",
                );
            }
            Some(checked)
        }
    };
    let economics = match &raw.economics {
        None => None,
        Some(e) => Some(economics(e, &root.field("economics"))?),
    };
    let site_ids: BTreeMap<&str, usize> =
        raw.sites.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
    let mut candidates = Vec::with_capacity(raw.candidates.len());
    for (i, id) in raw.candidates.iter().enumerate() {
        match site_ids.get(id.as_str()) {
            Some(&s) if !candidates.contains(&s) => candidates.push(s),
            Some(_) => {
                return problem(
                    &root.field("candidates").index(i),
                    format!("site {id:?} is listed twice"),
                );
            }
            None => {
                return problem(
                    &root.field("candidates").index(i),
                    format!("expected a site id, found {id:?}"),
                );
            }
        }
    }
    let routing = match &raw.routing {
        None => None,
        Some(r) => {
            let rp = root.field("routing");
            for (x, f) in [(r.radius_km, "radius_km"), (r.km_per_hour, "km_per_hour")] {
                if !(x.is_finite() && x > 0.0) {
                    return problem(&rp.field(f), format!("expected a number > 0, found {x}"));
                }
            }
            Some(crate::model::Routing {
                app_share: probability(r.app_share, &rp.field("app_share"))?,
                radius_km: r.radius_km,
                km_per_hour: r.km_per_hour,
            })
        }
    };
    let decision = blocks::decision(raw.decision.as_ref(), &root.field("decision"))?;
    let sensitivity =
        crate::sensitivity::check(raw, raw.sensitivity.as_ref(), &root.field("sensitivity"))?;
    Ok(Scenario {
        name: raw.name.clone(),
        description: raw.description.clone(),
        start,
        end,
        warm_up_days: raw.horizon.warm_up_days,
        holidays,
        queue: QueuePolicy { discipline: raw.queue.discipline, at_closing: raw.queue.at_closing },
        profiles,
        segments,
        services,
        sites,
        face_id,
        workflows,
        economics,
        candidates,
        routing,
        decision,
        sensitivity,
    })
}

/// Skill names of `navbat-workflow` (kept in step with its `Skill::name`; the engine
/// checks the two agree when it loads the catalogue).
const SKILLS: [&str; 7] = [
    "intake",
    "biometric-adjudication",
    "registry-reconciliation",
    "consent-follow-up",
    "case-decision",
    "appeal",
    "commission",
];

fn segment(s: &RawSegment, path: &Path) -> Check<Segment> {
    let cp = path.field("channel");
    let (k, c, p) = (s.channel.kiosk, s.channel.counter, s.channel.portal);
    for (x, f) in [(k, "kiosk"), (c, "counter"), (p, "portal")] {
        if !x.is_finite() || x < 0.0 {
            return problem(&cp.field(f), format!("expected a finite weight >= 0, found {x}"));
        }
    }
    let total = k + c + p;
    if total <= 0.0 {
        return problem(&cp, "expected at least one positive channel weight");
    }
    let balking = match &s.balking {
        None => None,
        Some(b) => Some(Balking {
            queue_len: b.queue_len,
            probability: probability(b.probability, &path.field("balking").field("probability"))?,
        }),
    };
    Ok(Segment {
        id: s.id.clone(),
        kind: s.kind,
        channel: ChannelChoice { kiosk: k / total, counter: c / total, portal: p / total },
        kiosk_success: probability(s.kiosk_success, &path.field("kiosk_success"))?,
        priority: s.priority,
        patience_min: s
            .patience_min
            .as_ref()
            .map(|d| dist(d, &path.field("patience_min"), Unit::Minutes))
            .transpose()?,
        balking,
        kiosk_adoption: match &s.kiosk_adoption {
            None => None,
            Some(a) => {
                let ap = path.field("kiosk_adoption");
                Some((
                    probability(a.start, &ap.field("start"))?,
                    probability(a.end, &ap.field("end"))?,
                ))
            }
        },
        assistance: match &s.assistance {
            None => None,
            Some(a) => {
                let ap = path.field("assistance");
                Some(Assistance {
                    share: probability(a.share, &ap.field("share"))?,
                    minutes: dist(&a.minutes, &ap.field("minutes"), Unit::Minutes)?,
                })
            }
        },
        retrial: s.retrial.as_ref().map(|r| retrial(r, &path.field("retrial"))).transpose()?,
    })
}

fn retrial(r: &RawRetrial, path: &Path) -> Check<Retrial> {
    use crate::limits::{MAX_TRIP_MINUTES, MAX_VISITS};
    if !(1..=MAX_VISITS).contains(&r.max_visits) {
        return problem(
            &path.field("max_visits"),
            format!("expected between 1 and {MAX_VISITS} visits, found {}", r.max_visits),
        );
    }
    let trip = r.trip_minutes;
    if !(trip.is_finite() && (0.0..=MAX_TRIP_MINUTES).contains(&trip)) {
        return problem(
            &path.field("trip_minutes"),
            format!("expected minutes between 0 and {MAX_TRIP_MINUTES}, found {trip}"),
        );
    }
    Ok(Retrial {
        probability: probability(r.probability, &path.field("probability"))?,
        delay_days: dist(&r.delay_days, &path.field("delay_days"), Unit::Days)?,
        max_visits: r.max_visits,
        trip_minutes: trip,
    })
}

fn service(s: &RawService, segments: &BTreeMap<&str, u16>, path: &Path) -> Check<Service> {
    let kiosk_needs = (!s.kiosk_needs.is_empty()).then(|| Capabilities::from_list(&s.kiosk_needs));
    let kiosk_minutes = match (&kiosk_needs, &s.kiosk_minutes) {
        (Some(_), None) => {
            return problem(
                &path.field("kiosk_needs"),
                "a service that kiosks can handle needs `kiosk_minutes`",
            );
        }
        (_, Some(d)) => Some(dist(d, &path.field("kiosk_minutes"), Unit::Minutes)?),
        (None, None) => None,
    };
    let sp = path.field("segments");
    if s.segments.is_empty() {
        return problem(&sp, "expected at least one segment that asks for this service");
    }
    let mut mix = Vec::with_capacity(s.segments.len());
    for (i, (id, w)) in s.segments.iter().enumerate() {
        let Some(&idx) = segments.get(id.as_str()) else {
            return problem(&sp.index(i), format!("unknown segment {id:?}"));
        };
        if !w.is_finite() || *w < 0.0 {
            return problem(&sp.index(i), format!("expected a finite weight >= 0, found {w}"));
        }
        mix.push((idx, *w));
    }
    let total: f64 = mix.iter().map(|m| m.1).sum();
    if total <= 0.0 {
        return problem(&sp, "expected at least one positive segment weight");
    }
    for m in &mut mix {
        m.1 /= total;
    }
    Ok(Service {
        id: s.id.clone(),
        name: s.name.clone(),
        kiosk_needs,
        portal: s.portal,
        counter_minutes: dist(&s.counter_minutes, &path.field("counter_minutes"), Unit::Minutes)?,
        kiosk_minutes,
        segments: mix,
    })
}

/// Parses `"HH:MM-HH:MM"` into minutes of the day; `24:00` is allowed as an end.
fn time_range(text: &str, path: &Path) -> Check<(DayMinute, DayMinute)> {
    let bad =
        || problem(path, format!("expected a time range like \"09:00-18:00\", found {text:?}"));
    let Some((a, b)) = text.split_once('-') else { return bad() };
    let (Some(a), Some(b)) = (clock(a.trim()), clock(b.trim())) else { return bad() };
    if a >= b {
        return problem(path, format!("expected the range {text:?} to end after it starts"));
    }
    Ok((a, b))
}

fn clock(text: &str) -> Option<DayMinute> {
    let (h, m) = text.split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    let total = h.checked_mul(60)?.checked_add(m)?;
    (m < 60 && total <= 24 * 60 && h.to_string().len() <= 2).then_some(total)
}

fn ranges(list: &[String], path: &Path) -> Check<Vec<(DayMinute, DayMinute)>> {
    let mut out = Vec::with_capacity(list.len());
    for (i, t) in list.iter().enumerate() {
        out.push(time_range(t, &path.index(i))?);
    }
    out.sort_unstable();
    for (i, w) in out.windows(2).enumerate() {
        if w[1].0 < w[0].1 {
            return problem(&path.index(i + 1), "expected opening ranges that do not overlap");
        }
    }
    Ok(out)
}

fn hours(h: &RawHours, path: &Path) -> Check<OpeningHours> {
    let weekdays = ranges(&h.weekdays, &path.field("weekdays"))?;
    let saturday = ranges(&h.saturday, &path.field("saturday"))?;
    let sunday = ranges(&h.sunday, &path.field("sunday"))?;
    let w = weekdays;
    let mut by_weekday = [w.clone(), w.clone(), w.clone(), w.clone(), w, saturday, sunday];
    let mut seen = 0u8;
    for (i, (day, list)) in h.days.iter().enumerate() {
        let at = path.field("days").index(i);
        if seen & day_bit(*day) != 0 {
            return problem(&at, format!("{day:?} is given twice"));
        }
        seen |= day_bit(*day);
        by_weekday[day_bit(*day).trailing_zeros() as usize] = ranges(list, &at.index(1))?;
    }
    if by_weekday.iter().all(Vec::is_empty) {
        return problem(path, "expected at least one opening window in the week");
    }
    Ok(OpeningHours { by_weekday, open_on_holidays: h.open_on_holidays })
}

fn day_bit(d: Day) -> u8 {
    1 << match d {
        Day::Mon => 0,
        Day::Tue => 1,
        Day::Wed => 2,
        Day::Thu => 3,
        Day::Fri => 4,
        Day::Sat => 5,
        Day::Sun => 6,
    }
}

struct Lookups<'a> {
    profiles: &'a BTreeMap<&'a str, u16>,
    services: &'a BTreeMap<&'a str, u16>,
    catalogue: &'a [Service],
}

fn site(s: &RawSite, l: &Lookups<'_>, path: &Path) -> Check<Site> {
    if !(s.lat.is_finite() && (-90.0..=90.0).contains(&s.lat)) {
        return problem(
            &path.field("lat"),
            format!("expected a latitude in [-90, 90], found {}", s.lat),
        );
    }
    if !(s.lon.is_finite() && (-180.0..=180.0).contains(&s.lon)) {
        return problem(
            &path.field("lon"),
            format!("expected a longitude in [-180, 180], found {}", s.lon),
        );
    }
    let hours = hours(&s.hours, &path.field("hours"))?;

    ids(s.counters.iter().map(|c| c.id.as_str()), &path.field("counters"))?;
    let mut counters = Vec::with_capacity(s.counters.len());
    for (i, c) in s.counters.iter().enumerate() {
        let cp = path.field("counters").index(i);
        if c.count == 0 || c.count > MAX_GROUP_COUNT {
            return problem(
                &cp.field("count"),
                format!("expected 1 to {MAX_GROUP_COUNT} counters in a group, found {}", c.count),
            );
        }
        let services = if c.services.is_empty() {
            None
        } else {
            let mut list = Vec::with_capacity(c.services.len());
            for (j, id) in c.services.iter().enumerate() {
                let Some(&idx) = l.services.get(id.as_str()) else {
                    return problem(
                        &cp.field("services").index(j),
                        format!("unknown service {id:?}"),
                    );
                };
                list.push(idx);
            }
            Some(list)
        };
        if c.shifts.is_empty() {
            return problem(&cp.field("shifts"), "expected at least one shift");
        }
        let mut shifts = Vec::with_capacity(c.shifts.len());
        for (j, sh) in c.shifts.iter().enumerate() {
            let sp = cp.field("shifts").index(j);
            if sh.days.is_empty() {
                return problem(&sp.field("days"), "expected at least one day");
            }
            let (start, end) = time_range(&sh.time, &sp.field("time"))?;
            shifts.push(Shift { days: sh.days.iter().fold(0, |a, &d| a | day_bit(d)), start, end });
        }
        counters.push(CounterGroup { id: c.id.clone(), count: c.count, services, shifts });
    }

    ids(s.kiosks.iter().map(|k| k.id.as_str()), &path.field("kiosks"))?;
    let mut kiosks = Vec::with_capacity(s.kiosks.len());
    for (i, k) in s.kiosks.iter().enumerate() {
        let kp = path.field("kiosks").index(i);
        if k.count == 0 || k.count > MAX_GROUP_COUNT {
            return problem(
                &kp.field("count"),
                format!("expected 1 to {MAX_GROUP_COUNT} kiosks in a group, found {}", k.count),
            );
        }
        if k.capabilities.is_empty() {
            return problem(&kp.field("capabilities"), "expected at least one capability");
        }
        let failures = match (k.mtbf_hours, &k.repair_hours) {
            (None, None) => None,
            (Some(m), Some(r)) => {
                if !m.is_finite() || m <= 0.0 {
                    return problem(
                        &kp.field("mtbf_hours"),
                        format!("expected a number of hours > 0, found {m}"),
                    );
                }
                Some(KioskFailures {
                    mtbf_hours: m,
                    repair_hours: dist(r, &kp.field("repair_hours"), Unit::Hours)?,
                })
            }
            (Some(_), None) => {
                return problem(&kp.field("mtbf_hours"), "failures need `repair_hours` too");
            }
            (None, Some(_)) => {
                return problem(&kp.field("repair_hours"), "repairs need `mtbf_hours` too");
            }
        };
        let mut components: Vec<crate::model::ComponentFailures> = Vec::new();
        for (j, c) in k.components.iter().enumerate() {
            let cp = kp.field("components").index(j);
            if components.iter().any(|x| x.part == c.part) {
                return problem(&cp.field("part"), format!("{:?} is listed twice", c.part));
            }
            let m = c.mtbf_operating_hours;
            if !m.is_finite() || m <= 0.0 {
                return problem(
                    &cp.field("mtbf_operating_hours"),
                    format!("expected a number of hours > 0, found {m}"),
                );
            }
            components.push(crate::model::ComponentFailures {
                part: c.part,
                mtbf_operating_hours: m,
                repair_hours: dist(&c.repair_hours, &cp.field("repair_hours"), Unit::Hours)?,
            });
        }
        kiosks.push(KioskGroup {
            id: k.id.clone(),
            count: k.count,
            capabilities: Capabilities::from_list(&k.capabilities),
            failures,
            components,
        });
    }

    let mut demand = Vec::with_capacity(s.demand.len());
    for (i, d) in s.demand.iter().enumerate() {
        let dp = path.field("demand").index(i);
        let Some(&service) = l.services.get(d.service.as_str()) else {
            return problem(&dp.field("service"), format!("unknown service {:?}", d.service));
        };
        let Some(&profile) = l.profiles.get(d.profile.as_str()) else {
            return problem(&dp.field("profile"), format!("unknown profile {:?}", d.profile));
        };
        if !(d.yearly.is_finite() && (0.0..=MAX_YEARLY_VOLUME).contains(&d.yearly)) {
            return problem(
                &dp.field("yearly"),
                format!(
                    "expected a yearly volume from 0 to {MAX_YEARLY_VOLUME:.0}, found {}",
                    d.yearly
                ),
            );
        }
        if demand.iter().any(|x: &Demand| x.service == service) {
            return problem(
                &dp.field("service"),
                format!("demand for {:?} is given twice", d.service),
            );
        }
        // Someone must be able to serve it: a counter that handles it, or a kiosk that can.
        let svc = &l.catalogue[usize::from(service)];
        let by_counter = counters.iter().any(|c| c.handles(service));
        let by_kiosk =
            svc.kiosk_needs.is_some_and(|n| kiosks.iter().any(|k| k.capabilities.covers(n)));
        if d.yearly > 0.0 && !by_counter && !by_kiosk && !svc.portal {
            return problem(
                &dp.field("service"),
                format!("no counter or kiosk at this site can serve {:?}", d.service),
            );
        }
        demand.push(Demand { service, yearly: d.yearly, profile });
    }

    if s.floor_assistants > MAX_FLOOR_ASSISTANTS {
        return problem(
            &path.field("floor_assistants"),
            format!(
                "expected at most {MAX_FLOOR_ASSISTANTS} floor assistants, found {}",
                s.floor_assistants
            ),
        );
    }
    Ok(Site {
        id: s.id.clone(),
        name: s.name.clone(),
        kind: s.kind,
        district: s.district.clone(),
        region: s.region.clone(),
        lat: s.lat,
        lon: s.lon,
        hours,
        counters,
        kiosks,
        floor_assistants: s.floor_assistants,
        demand,
    })
}
