//! Closing the books: a replication's [`ReplicationRecord`] assembled from its tally, its
//! floors at the end, and its back office.
//!
//! Nothing here changes what was measured; it adds in what is still running at the end
//! (people in line, services and breakdowns under way) and lays the tallies out as the
//! record's rows.

use navbat_record::{
    BackOfficeRow, BreakdownRow, Dimension, FaceRow, ReplicationRecord, SiteRecord,
};

use crate::floor::SiteState;
use crate::model::Model;
use crate::tally::{Cell, SiteTally, SiteTotals, Tally};
use crate::time::{MINUTE_MS, SimTime};

/// What the back office hands over at the end.
#[derive(Debug, Default)]
pub(crate) struct BackOfficeBooks {
    /// Rows by skill.
    pub(crate) rows: Vec<BackOfficeRow>,
    /// Per site: counted cases still open.
    pub(crate) open_cases: Vec<u64>,
    /// Per site and service: finished cases with a started deadline, and of them met.
    pub(crate) sla_by_service: Vec<Vec<[u64; 2]>>,
}

/// The record of one replication that ended at `end`, after `events` events.
pub(crate) fn replication_record(
    model: &Model,
    replication: u32,
    events: u64,
    end: SimTime,
    tally: &mut Tally,
    floors: &[&SiteState],
    office: BackOfficeBooks,
) -> ReplicationRecord {
    let sites = site_records(model, replication, end, tally, floors, &office.open_cases);
    let mut breakdown = breakdown_rows(model, replication, tally);
    add_sla_by_service(model, &mut breakdown, &office.sla_by_service);
    crate::office::add_decrees_by_month(model, &mut breakdown, &tally.sites);
    add_wrongful(model, &mut breakdown, tally);
    let face = if model.face.is_some() { face_rows(model, replication, tally) } else { Vec::new() };
    ReplicationRecord {
        replication,
        events,
        sites,
        breakdown,
        face,
        back_office: office.rows,
        fault: None,
    }
}

/// One row per site, after what is still under way at `end` is added in.
fn site_records(
    model: &Model,
    replication: u32,
    end: SimTime,
    tally: &mut Tally,
    floors: &[&SiteState],
    open_cases: &[u64],
) -> Vec<SiteRecord> {
    let sc = &model.scenario;
    let horizon_ms = end.0 - model.start.0;
    let clip = |(a, b): &(i64, i64)| (b.min(&end.0) - a).max(0);
    tally
        .sites
        .iter_mut()
        .zip(floors)
        .enumerate()
        .map(|(s, (t, floor))| {
            let in_system = close_floor(t, floor, end);
            let totals = SiteTotals {
                kiosks: u32::try_from(floor.kiosks.len()).unwrap_or(u32::MAX),
                floor_assistants: sc.sites[s].floor_assistants,
                open_ms: model.plans[s].open.iter().map(clip).sum(),
                horizon_ms,
                in_system_end: in_system,
                cases_open_end: open_cases.get(s).copied().unwrap_or(0),
            };
            t.record(replication, &sc.sites[s].id, totals)
        })
        .collect()
}

/// Adds to `t` what is under way on `floor` at `end` — time in line so far, services and
/// breakdowns not over, officers still on duty — and returns the counted people still there.
fn close_floor(t: &mut SiteTally, floor: &SiteState, end: SimTime) -> u64 {
    let mut in_system = 0;
    // People still in a line: their time so far counts on both sides of Little's law.
    for a in floor.people.iter() {
        if a.at != crate::components::Whereabouts::InService {
            t.time_in_line_ms += i128::from(end.0 - a.queued_at.0);
        }
        in_system += u64::from(a.counted);
    }
    for c in &floor.counters {
        if c.serving.is_some() {
            t.busy_ms += end.0 - c.busy_since.0;
        }
        if let Some(since) = c.duty_since {
            t.duty_ms += end.0 - since.0;
        }
    }
    for k in &floor.kiosks {
        if k.serving.is_some() {
            t.kiosk_busy_ms += end.0 - k.busy_since.0;
        }
        if !k.up {
            t.kiosk_down_ms += end.0 - k.down_since.0;
        }
    }
    t.touch(end);
    in_system
}

/// The breakdown rows of every site: by service, segment, month and weekday-hour.
fn breakdown_rows(model: &Model, replication: u32, tally: &Tally) -> Vec<BreakdownRow> {
    let sc = &model.scenario;
    let mut breakdown = Vec::new();
    for (s, t) in tally.sites.iter().enumerate() {
        let site = &sc.sites[s].id;
        let mut rows = |dimension, cells: &[Cell], key: &dyn Fn(usize) -> String| {
            for (i, c) in cells.iter().enumerate() {
                breakdown.push(BreakdownRow {
                    replication,
                    site: site.clone(),
                    dimension,
                    key: key(i),
                    arrivals: c.arrivals,
                    served: c.served,
                    served_kiosk: c.served_kiosk,
                    abandoned: c.abandoned,
                    mean_wait_min: if c.served == 0 {
                        0.0
                    } else {
                        c.wait_ms as f64 / c.served as f64 / MINUTE_MS as f64
                    },
                    sla_cases: 0,
                    sla_met: 0,
                    esign_certificates: 0,
                    egov_registrations: 0,
                    wrongful_refusals: 0,
                    wrongful_approvals: 0,
                });
            }
        };
        rows(Dimension::Service, &t.cells.by_service(), &|i| sc.services[i].id.clone());
        rows(Dimension::Segment, &t.cells.by_segment(), &|i| sc.segments[i].id.clone());
        rows(Dimension::Month, &t.cells.by_month(), &|i| model.months[i].1.clone());
        rows(Dimension::WeekdayHour, &t.cells.by_weekday_hour(), &|i| {
            const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
            format!("{} {:02}", DAYS[i / 24], i % 24)
        });
    }
    breakdown
}

/// Wrongful refusals and approvals by service and by segment, from the back office, into
/// those rows.
fn add_wrongful(model: &Model, breakdown: &mut [BreakdownRow], tally: &Tally) {
    let sc = &model.scenario;
    for row in breakdown.iter_mut() {
        let Some(t) =
            sc.sites.iter().position(|x| x.id == row.site).and_then(|i| tally.sites.get(i))
        else {
            continue;
        };
        let cell = match row.dimension {
            Dimension::Service => sc
                .services
                .iter()
                .position(|x| x.id == row.key)
                .and_then(|i| t.cases.wrongful_by_service.get(i)),
            Dimension::Segment => sc
                .segments
                .iter()
                .position(|x| x.id == row.key)
                .and_then(|i| t.cases.wrongful_by_segment.get(i)),
            _ => None,
        };
        if let Some(c) = cell {
            row.wrongful_refusals = c[0];
            row.wrongful_approvals = c[1];
        }
    }
}

/// SLA compliance by service, from the back office, into the by-service rows.
fn add_sla_by_service(
    model: &Model,
    breakdown: &mut [BreakdownRow],
    sla_by_service: &[Vec<[u64; 2]>],
) {
    let sc = &model.scenario;
    for row in breakdown.iter_mut().filter(|r| r.dimension == Dimension::Service) {
        let site = sc.sites.iter().position(|x| x.id == row.site);
        let service = sc.services.iter().position(|x| x.id == row.key);
        if let (Some(si), Some(vi)) = (site, service)
            && let Some(cell) = sla_by_service.get(si).and_then(|v| v.get(vi))
        {
            row.sla_cases = cell[0];
            row.sla_met = cell[1];
        }
    }
}

/// Face-ID rows by site and group (segment × age band × sex), those with an attempt, a
/// check or a search.
fn face_rows(model: &Model, replication: u32, tally: &Tally) -> Vec<FaceRow> {
    use crate::face::GROUPS_PER_SEGMENT;
    use crate::office::fc;
    const BANDS: [&str; 4] = ["child", "adolescent", "adult", "elderly"];
    let sc = &model.scenario;
    let mut face = Vec::new();
    for (s, t) in tally.sites.iter().enumerate() {
        for (g, cell) in t.face.iter().enumerate() {
            let office = t.face_search.get(g).copied().unwrap_or_default();
            let segment = sc.segments.get(g / GROUPS_PER_SEGMENT).map(|x| x.id.clone());
            face.push(FaceRow {
                replication,
                site: sc.sites[s].id.clone(),
                age_band: BANDS[(g % GROUPS_PER_SEGMENT) / 2].to_owned(),
                sex: if g % 2 == 1 { "female" } else { "male" }.to_owned(),
                attempts: cell[0],
                failed_to_acquire: cell[1],
                false_non_matches: cell[2],
                searches: office[fc::SEARCHES],
                adjudications: office[fc::ADJUDICATIONS],
                extra_min: t.face_extra_ms.get(g).copied().unwrap_or(0) as f64 / MINUTE_MS as f64,
                segment: segment.unwrap_or_default(),
                genuine_checks: office[fc::GENUINE],
                genuine_unmatched: office[fc::GENUINE_UNMATCHED],
                impostor_checks: office[fc::IMPOSTORS],
                impostors_matched: office[fc::IMPOSTORS_MATCHED],
                mated_searches: office[fc::DUPLICATES],
                mated_misses: office[fc::DUPLICATES_MISSED],
                nonmated_searches: office[fc::NONMATED],
                nonmated_candidates: office[fc::NONMATED_HITS],
            });
        }
    }
    face.retain(|r| {
        r.attempts > 0 || r.searches > 0 || r.genuine_checks > 0 || r.impostor_checks > 0
    });
    face
}
