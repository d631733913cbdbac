//! Applying one `Edit` to the raw scenario: kiosks, sites, opening hours, officers and
//! adoption, each change made on the raw form that the loader then checks.

use super::*;

/// Applies an edit to a raw scenario; an `Err` says why it cannot apply.
pub(super) fn apply_to(raw: &mut RawScenario, edit: &Edit) -> Result<(), String> {
    match edit {
        Edit::AddKiosk { site } => {
            let template = kiosk_template(raw, *site)?;
            add_kiosk(site_mut(raw, *site)?, template);
        }
        Edit::RemoveKiosk { site } => {
            take_kiosk(site_mut(raw, *site)?)?;
        }
        Edit::MoveKiosk { from, to } => {
            if from == to {
                return Err("a kiosk cannot move to the site it is at".into());
            }
            site_mut(raw, *to)?;
            let kiosk = take_kiosk(site_mut(raw, *from)?)?;
            add_kiosk(site_mut(raw, *to)?, kiosk);
        }
        Edit::AddSite { lat, lon, kind, catchment_share } => {
            add_site(raw, *lat, *lon, *kind, *catchment_share)?;
        }
        Edit::RemoveSite { site } => remove_site(raw, *site)?,
        Edit::SetOfficers { site, group, count } => {
            if *count == 0 {
                return Err("a counter group keeps at least one counter".into());
            }
            let s = site_mut(raw, *site)?;
            let g = s
                .counters
                .get_mut(*group)
                .ok_or_else(|| format!("{} has no counter group {group}", s.name))?;
            g.count = *count;
        }
        Edit::SetHours { site, hours } => set_hours(site_mut(raw, *site)?, hours),
        Edit::SetKioskShare { segment, share } => {
            if !(0.0..=0.95).contains(share) {
                return Err(format!("expected a kiosk share in [0, 0.95], found {share}"));
            }
            let seg =
                raw.segments.get_mut(*segment).ok_or_else(|| format!("no segment {segment}"))?;
            // A segment whose adoption grows over the year: the share is its end-of-year
            // value, and the whole curve scales with it.
            if let Some(a) = &mut seg.kiosk_adoption {
                let ratio = if a.end > 0.0 { a.start / a.end } else { 1.0 };
                a.end = *share;
                a.start = (share * ratio).min(1.0);
                return Ok(());
            }
            let others = seg.channel.counter + seg.channel.portal;
            if others <= 0.0 {
                return Err(format!("segment {} uses only kiosks", seg.id));
            }
            seg.channel.kiosk = share * others / (1.0 - share);
        }
        Edit::ScaleDemand { site, factor } => {
            if !(factor.is_finite() && *factor > 0.0) {
                return Err(format!("expected a demand factor above 0, found {factor}"));
            }
            for d in &mut site_mut(raw, *site)?.demand {
                d.yearly *= factor;
            }
        }
        Edit::SetFaceIdFmr { target_fmr } => {
            let face = raw
                .face_id
                .as_mut()
                .ok_or_else(|| "this scenario has no Face-ID block to set".to_owned())?;
            // The loader checks the range, with the field's path.
            face.target_fmr = *target_fmr;
        }
        Edit::SetRouting { routing } => raw.routing = routing.clone(),
        Edit::ApplySuggestion { raw: suggested, .. } => *raw = (**suggested).clone(),
    }
    Ok(())
}

pub(super) fn site_mut(raw: &mut RawScenario, site: usize) -> Result<&mut RawSite, String> {
    raw.sites.get_mut(site).ok_or_else(|| format!("no site {site}"))
}

/// A one-kiosk group like the site's own kiosks, or like the nearest site's that has any.
pub(super) fn kiosk_template(raw: &RawScenario, site: usize) -> Result<RawKiosk, String> {
    let here = raw.sites.get(site).ok_or_else(|| format!("no site {site}"))?;
    let from_site = |s: &RawSite| s.kiosks.last().map(|k| RawKiosk { count: 1, ..k.clone() });
    if let Some(k) = from_site(here) {
        return Ok(k);
    }
    nearest_sites(raw, here.lat, here.lon)
        .into_iter()
        .find_map(|i| from_site(&raw.sites[i]))
        .ok_or_else(|| "no site has a kiosk to copy".to_owned())
}

/// Adds one kiosk (given as a one-kiosk group) to a site: to a group with the same
/// specification if there is one, else as a new group.
pub(super) fn add_kiosk(site: &mut RawSite, kiosk: RawKiosk) {
    let same = |g: &RawKiosk| {
        g.capabilities == kiosk.capabilities
            && g.mtbf_hours == kiosk.mtbf_hours
            && g.repair_hours == kiosk.repair_hours
    };
    if let Some(g) = site.kiosks.iter_mut().find(|g| same(g)) {
        g.count += 1;
        return;
    }
    let mut id = kiosk.id.clone();
    let mut n = 2;
    while site.kiosks.iter().any(|g| g.id == id) {
        id = format!("{}{n}", kiosk.id);
        n += 1;
    }
    site.kiosks.push(RawKiosk { id, count: 1, ..kiosk });
}

/// Takes one kiosk from a site's last group (dropping the group when it empties).
pub(super) fn take_kiosk(site: &mut RawSite) -> Result<RawKiosk, String> {
    let name = site.name.clone();
    let group = site.kiosks.last_mut().ok_or_else(|| format!("{name} has no kiosk"))?;
    let one = RawKiosk { count: 1, ..group.clone() };
    if group.count <= 1 {
        site.kiosks.pop();
    } else {
        group.count -= 1;
    }
    Ok(one)
}

/// Site indices by distance from a point, nearest first (ties by index).
pub(crate) fn nearest_sites(raw: &RawScenario, lat: f64, lon: f64) -> Vec<usize> {
    let mut order: Vec<(f64, usize)> = raw
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| (distance_km(lat, lon, s.lat, s.lon), i))
        .collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    order.into_iter().map(|(_, i)| i).collect()
}

/// Great-circle distance by the equirectangular approximation (good to a few per cent over
/// a country the size of Uzbekistan).
pub(crate) fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    const EARTH_RADIUS_KM: f64 = 6371.0;
    let mid = ((lat1 + lat2) / 2.0).to_radians();
    let dx = (lon2 - lon1).to_radians() * mid.cos();
    let dy = (lat2 - lat1).to_radians();
    EARTH_RADIUS_KM * (dx * dx + dy * dy).sqrt()
}

pub(super) fn add_site(
    raw: &mut RawScenario,
    lat: f64,
    lon: f64,
    kind: CandidateKind,
    share: f64,
) -> Result<(), String> {
    if !(0.0..=1.0).contains(&share) {
        return Err(format!("expected a catchment share in [0, 1], found {share}"));
    }
    let nearest = *nearest_sites(raw, lat, lon)
        .first()
        .ok_or_else(|| "a candidate site needs an existing site nearby".to_owned())?;
    let kiosk = kiosk_template(raw, nearest)?;
    let kiosk_services: Vec<String> =
        raw.services.iter().filter(|s| !s.kiosk_needs.is_empty()).map(|s| s.id.clone()).collect();
    let mut n = 1;
    let id = loop {
        let id = format!("{}-{n}", kind.id_stem());
        if raw.sites.iter().all(|s| s.id != id) {
            break id;
        }
        n += 1;
    };
    let source = &mut raw.sites[nearest];
    let mut demand = Vec::new();
    for d in source.demand.iter_mut().filter(|d| kiosk_services.contains(&d.service)) {
        let moved = (d.yearly * share).round();
        if moved >= 1.0 {
            d.yearly -= moved;
            demand.push(RawDemand {
                service: d.service.clone(),
                yearly: moved,
                profile: d.profile.clone(),
            });
        }
    }
    let hours = kind.default_hours().to_owned();
    let site = RawSite {
        name: format!("Candidate {} {n} ({})", kind.label(), source.district),
        id,
        kind: kind.site_kind(),
        district: source.district.clone(),
        region: source.region.clone(),
        lat,
        lon,
        hours: RawHours {
            weekdays: vec![hours.clone()],
            saturday: vec![hours.clone()],
            sunday: vec![hours],
            open_on_holidays: true,
            days: Vec::new(),
        },
        counters: Vec::new(),
        kiosks: vec![RawKiosk { count: 2, ..kiosk }],
        // One assistant helps at the new station's kiosks [est.], as at the pilot's.
        floor_assistants: 1,
        demand,
    };
    raw.sites.push(site);
    Ok(())
}

pub(super) fn remove_site(raw: &mut RawScenario, site: usize) -> Result<(), String> {
    let closing = raw.sites.get(site).ok_or_else(|| format!("no site {site}"))?;
    if closing.kind == SiteKind::DistrictOffice {
        return Err(format!(
            "{} is a district office; only candidate sites close here",
            closing.name
        ));
    }
    let closing = raw.sites.remove(site);
    let heir = *nearest_sites(raw, closing.lat, closing.lon)
        .first()
        .ok_or_else(|| "the last site cannot close".to_owned())?;
    let heir = &mut raw.sites[heir];
    for d in closing.demand {
        match heir.demand.iter_mut().find(|x| x.service == d.service) {
            Some(x) => x.yearly += d.yearly,
            None => heir.demand.push(d),
        }
    }
    Ok(())
}

const WEEKDAYS: [Day; 5] = [Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri];

pub(super) fn set_hours(site: &mut RawSite, hours: &HoursText) {
    let (weekdays, saturday, sunday) =
        (ranges(&hours.weekdays), ranges(&hours.saturday), ranges(&hours.sunday));
    site.hours.weekdays = weekdays.clone();
    site.hours.saturday = saturday.clone();
    site.hours.sunday = sunday.clone();
    for counter in &mut site.counters {
        follow_hours(counter, &weekdays, &saturday, &sunday);
    }
}

/// Officers keep the day classes they worked (weekdays, Saturday, Sunday) with the new hours.
pub(super) fn follow_hours(
    counter: &mut RawCounter,
    weekdays: &[String],
    saturday: &[String],
    sunday: &[String],
) {
    let works = |day: Day| counter.shifts.iter().any(|s| s.days.contains(&day));
    let on_weekdays = WEEKDAYS.iter().any(|&d| works(d));
    let (on_sat, on_sun) = (works(Day::Sat), works(Day::Sun));
    let mut shifts = Vec::new();
    let mut push = |on: bool, days: &[Day], times: &[String]| {
        if on {
            shifts.extend(times.iter().map(|t| RawShift { days: days.to_vec(), time: t.clone() }));
        }
    };
    push(on_weekdays, &WEEKDAYS, weekdays);
    push(on_sat, &[Day::Sat], saturday);
    push(on_sun, &[Day::Sun], sunday);
    counter.shifts = shifts;
}
