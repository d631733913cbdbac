//! Streaming statistics of a run: counts, a wait histogram and time integrals per site.
//! Memory does not grow with the number of people.

use bevy_ecs::prelude::*;
use navbat_record::{SiteRecord, WaitHistogram};

use crate::office::fc;
use crate::time::{HOUR_MS, MINUTE_MS, SimTime};

/// Counts of one breakdown key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Cell {
    pub(crate) arrivals: u64,
    pub(crate) served: u64,
    pub(crate) served_kiosk: u64,
    pub(crate) abandoned: u64,
    pub(crate) wait_ms: i64,
}

/// Where a person falls in each breakdown, fixed on arrival.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Keys {
    /// Service index.
    pub service: u16,
    /// Segment index.
    pub segment: u16,
    /// Months since the horizon's first month.
    pub month: u16,
    /// Weekday (Monday = 0) × 24 + hour of arrival.
    pub weekday_hour: u16,
}

/// Weekday-hours in a week.
const WEEK_HOURS: usize = 7 * 24;

/// The breakdown tables of a site, kept as two joint tables: service × segment and month ×
/// weekday-hour. A person touches one cell of each (two updates instead of four); the four
/// breakdowns are their margins, summed when the record is made (integer sums: exact).
#[derive(Debug, Clone, Default)]
pub(crate) struct Cells {
    segments: usize,
    /// Service × segment, row-major by service.
    by_service_segment: Vec<Cell>,
    /// Month × weekday-hour, row-major by month.
    by_month_hour: Vec<Cell>,
}

impl Cells {
    pub(crate) fn new(services: usize, segments: usize, months: usize) -> Self {
        Self {
            segments,
            by_service_segment: vec![Cell::default(); services * segments],
            by_month_hour: vec![Cell::default(); months * WEEK_HOURS],
        }
    }

    /// Applies `f` to the cells `k` falls in.
    #[inline(always)]
    pub(crate) fn bump(&mut self, k: Keys, f: impl Fn(&mut Cell)) {
        let who = usize::from(k.service) * self.segments + usize::from(k.segment);
        if let Some(c) = self.by_service_segment.get_mut(who) {
            f(c);
        }
        let when = usize::from(k.month) * WEEK_HOURS + usize::from(k.weekday_hour);
        if let Some(c) = self.by_month_hour.get_mut(when) {
            f(c);
        }
    }

    /// By service.
    pub(crate) fn by_service(&self) -> Vec<Cell> {
        self.by_service_segment.chunks(self.segments.max(1)).map(sum).collect()
    }

    /// By segment.
    pub(crate) fn by_segment(&self) -> Vec<Cell> {
        (0..self.segments)
            .map(|g| sum(self.by_service_segment.iter().skip(g).step_by(self.segments)))
            .collect()
    }

    /// By month.
    pub(crate) fn by_month(&self) -> Vec<Cell> {
        self.by_month_hour.chunks(WEEK_HOURS).map(sum).collect()
    }

    /// By weekday-hour.
    pub(crate) fn by_weekday_hour(&self) -> Vec<Cell> {
        (0..WEEK_HOURS)
            .map(|h| sum(self.by_month_hour.iter().skip(h).step_by(WEEK_HOURS)))
            .collect()
    }
}

/// The sum of `cells`.
fn sum<'a>(cells: impl IntoIterator<Item = &'a Cell>) -> Cell {
    cells.into_iter().fold(Cell::default(), |t, c| Cell {
        arrivals: t.arrivals + c.arrivals,
        served: t.served + c.served,
        served_kiosk: t.served_kiosk + c.served_kiosk,
        abandoned: t.abandoned + c.abandoned,
        wait_ms: t.wait_ms + c.wait_ms,
    })
}

/// What one site has measured so far.
#[derive(Debug, Clone, Default)]
pub struct SiteTally {
    /// Physical arrivals (counted cohort).
    pub arrivals: u64,
    /// Portal requests (counted cohort).
    pub portal: u64,
    /// Served.
    pub served: u64,
    /// Served at a kiosk.
    pub served_kiosk: u64,
    /// Kiosk sessions sent on to a counter.
    pub kiosk_fallbacks: u64,
    /// Balked.
    pub balked: u64,
    /// Reneged.
    pub reneged: u64,
    /// Sent home at closing.
    pub sent_home: u64,
    /// Could not be served here.
    pub unserved: u64,
    /// Waits of served people.
    pub waits: WaitHistogram,
    /// Sum of arrival-to-departure times of served people, ms.
    pub time_in_site_ms: i64,
    /// Officer time on duty, ms.
    pub duty_ms: i64,
    /// Officer time serving, ms.
    pub busy_ms: i64,
    /// Kiosk time in sessions, ms.
    pub kiosk_busy_ms: i64,
    /// Kiosk sessions a floor assistant helped with (counted people).
    pub assisted: u64,
    /// Waits at kiosks for an assistant, ms (counted people).
    pub assist_wait_ms: i64,
    /// Assistants' helping time, ms.
    pub assist_busy_ms: i64,
    /// Sessions that needed help at a site without assistants (counted people).
    pub assistance_missing: u64,
    /// Kiosk time broken, ms.
    pub kiosk_down_ms: i64,
    /// Kiosk failures.
    pub kiosk_failures: u64,
    /// Integral of people waiting (both lines) over time, person-ms (everyone).
    pub queue_area: i128,
    /// Sum of everyone's time in lines, ms.
    pub time_in_line_ms: i128,
    /// People waiting now (both lines).
    pub waiting: u32,
    /// Last change of `waiting`.
    pub last_change: SimTime,
    /// Breakdowns by service, segment, month and weekday-hour.
    pub(crate) cells: Cells,
    /// Face-ID outcomes of genuine kiosk attempts by group (segment × age band × sex, see
    /// [`crate::face::GROUPS_PER_SEGMENT`]): attempts, failures to acquire, false
    /// non-matches. Empty until the first attempt.
    pub(crate) face: Vec<[u64; 3]>,
    /// Face-ID by group: the back office's searches, adjudications and identity fraud.
    pub(crate) face_search: Vec<crate::office::FaceCounts>,
    /// Face-ID by group: ms spent after a kiosk failure sent the person to a counter.
    pub(crate) face_extra_ms: Vec<i64>,
    /// Time counted people spent at the site, every visit, ms.
    pub citizen_ms: i64,
    /// Counted people the app sent to another site.
    pub routed_away: u64,
    /// Visits of counted people who came back after leaving unserved.
    pub returns: u64,
    /// Counted people who left unserved and decided to come back (some come after the end).
    pub returns_promised: u64,
    /// Counted people who left unserved for the last time: lost demand.
    pub lost: u64,
    /// Time at the site plus the round trip of every counted visit that ended unserved, ms.
    pub wasted_trip_ms: i64,
    /// Pickup visits, and of them at a kiosk.
    pub pickups: [u64; 2],
    /// Case workflow outcomes of requests made here.
    pub cases: CaseTally,
    /// Ages at the end of the horizon of this site's counted cases still open (scaled like
    /// [`CaseTally::end_to_end`]): the censored end-to-end times.
    pub end_to_end_open: WaitHistogram,
}

/// What the case workflows of one site's requests came to (counted cohort).
#[derive(Debug, Clone, Default)]
pub struct CaseTally {
    /// Opened.
    pub opened: u64,
    /// Delivered, refused, lapsed.
    pub delivered: u64,
    /// Refused.
    pub refused: u64,
    /// Lapsed.
    pub lapsed: u64,
    /// Delivered with no officer contact.
    pub no_officer: u64,
    /// Finished with a started deadline; of them met.
    pub sla: [u64; 2],
    /// Request to document in hand of delivered cases (ms in the histogram's unit).
    pub end_to_end: WaitHistogram,
    /// Automated and human decisions.
    pub automated: u64,
    /// Human decisions.
    pub reviewed: u64,
    /// Biometric adjudication tasks.
    pub adjudications: u64,
    /// Appeals lodged; upheld.
    pub appeals: [u64; 2],
    /// Audit chains verified; failed.
    pub audit: [u64; 2],
    /// Opened, by the channel the request came through: kiosk, counter, portal.
    pub by_channel: [u64; 3],
    /// The decree's outcomes at a first ID card: e-signature certificates put on the chip,
    /// e-government identity registrations.
    pub decrees: [u64; 2],
    /// The same by calendar month of issue (index into `Model::months`).
    pub decrees_by_month: Vec<[u64; 2]>,
    /// Wrongful decisions at the end of the case: sound applications refused by a
    /// reviewer, and unsound ones (ineligible, fraudulent) delivered.
    pub wrongful: [u64; 2],
    /// The same per service (scenario order).
    pub wrongful_by_service: Vec<[u64; 2]>,
    /// The same per segment (scenario order).
    pub wrongful_by_segment: Vec<[u64; 2]>,
    /// Applications opened that were ineligible; fraudulent.
    pub unsound: [u64; 2],
    /// Appeals against wrongful refusals (lodged, upheld), and against rightful ones.
    pub appeals_by_truth: [[u64; 2]; 2],
    /// Impostors matched at 1:1 whose case ended refused (a reviewer or a check downstream
    /// caught them; an appeal that overturned the refusal leaves them missed).
    pub impostors_refused_after_match: u64,
    /// 1:N searches sent to the national service, and the ms they waited for it in all.
    pub search_waits: (u64, i64),
}

impl CaseTally {
    /// An empty tally for `services` services and `segments` segments.
    pub fn new(services: usize, segments: usize) -> Self {
        Self {
            wrongful_by_service: vec![[0; 2]; services],
            wrongful_by_segment: vec![[0; 2]; segments],
            ..Self::default()
        }
    }
}

/// Divisor that turns a duration in ms into the end-to-end histogram's unit (a day reads
/// as a minute).
pub(crate) const E2E_SCALE: i64 = 1_440;

impl SiteTally {
    /// Advances the queue-length integral to `now`; call before changing `waiting`.
    pub fn touch(&mut self, now: SimTime) {
        self.queue_area += i128::from(self.waiting) * i128::from(now.0 - self.last_change.0);
        self.last_change = now;
    }
}

/// Tallies of all sites.
#[derive(Resource, Debug, Clone, Default)]
pub struct Tally {
    /// Per site, in scenario order.
    pub sites: Vec<SiteTally>,
}

/// Figures of a site that the tally does not hold itself.
#[derive(Debug, Clone, Copy)]
pub struct SiteTotals {
    /// Kiosks at the site.
    pub kiosks: u32,
    /// Floor assistants at the site.
    pub floor_assistants: u32,
    /// Sum of open windows, ms.
    pub open_ms: i64,
    /// Length of the horizon, ms.
    pub horizon_ms: i64,
    /// Counted people still at the site at the end.
    pub in_system_end: u64,
    /// Cases of this site's requests still open at the end.
    pub cases_open_end: u64,
}

impl SiteTally {
    /// The record of this site for replication `replication`.
    pub fn record(&self, replication: u32, site: &str, t: SiteTotals) -> SiteRecord {
        let ms_min = |ms: i128| ms as f64 / MINUTE_MS as f64;
        let div = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
        let kiosk_ms = f64::from(t.kiosks) * t.horizon_ms as f64;
        let c = &self.cases;
        let fraud = |k: usize| self.face_search.iter().map(|g| g[k]).sum::<u64>();
        // The end-to-end histogram holds durations divided by 1,440 (`E2E_SCALE`), so its
        // minutes read as days: 0.1-day bins up to 1,440 days.
        let days = |scaled_min: f64| scaled_min;
        // Kaplan–Meier over every case opened: delivered ones are events, open ones censored
        // at their age (refused and lapsed cases end without a document and are left out).
        let km = |q: f64| match c.end_to_end.km_quantile(&self.end_to_end_open, q) {
            navbat_record::Quantile::Minutes(m) => (days(m), true),
            navbat_record::Quantile::Beyond(m) => (days(m), false),
        };
        SiteRecord {
            replication,
            site: site.to_owned(),
            arrivals: self.arrivals,
            portal: self.portal,
            served: self.served,
            served_kiosk: self.served_kiosk,
            kiosk_fallbacks: self.kiosk_fallbacks,
            balked: self.balked,
            reneged: self.reneged,
            sent_home: self.sent_home,
            unserved: self.unserved,
            in_system_end: t.in_system_end,
            mean_wait_min: self.waits.mean_min(),
            p50_wait_min: self.waits.quantile_min(0.5),
            p90_wait_min: self.waits.quantile_min(0.9),
            p95_wait_min: self.waits.quantile_min(0.95),
            max_wait_min: self.waits.max_min(),
            mean_time_in_site_min: div(
                ms_min(i128::from(self.time_in_site_ms)),
                self.served as f64,
            ),
            utilization: div(self.busy_ms as f64, self.duty_ms as f64),
            officer_hours: self.duty_ms as f64 / HOUR_MS as f64,
            officer_busy_hours: self.busy_ms as f64 / HOUR_MS as f64,
            kiosk_utilization: div(
                self.kiosk_busy_ms as f64,
                f64::from(t.kiosks) * t.open_ms as f64,
            ),
            kiosk_uptime: if t.kiosks == 0 {
                1.0
            } else {
                1.0 - div(self.kiosk_down_ms as f64, kiosk_ms)
            },
            kiosk_failures: self.kiosk_failures,
            queue_area_min: ms_min(self.queue_area),
            time_in_line_min: ms_min(self.time_in_line_ms),
            kiosks: t.kiosks,
            routed_away: self.routed_away,
            citizen_hours: self.citizen_ms as f64 / HOUR_MS as f64,
            pickups: self.pickups[0],
            pickups_kiosk: self.pickups[1],
            cases_opened: c.opened,
            cases_delivered: c.delivered,
            cases_refused: c.refused,
            cases_lapsed: c.lapsed,
            cases_open_end: t.cases_open_end,
            cases_no_officer: c.no_officer,
            sla_cases: c.sla[0],
            sla_met: c.sla[1],
            end_to_end_mean_days: days(c.end_to_end.mean_min()),
            end_to_end_p50_days: days(c.end_to_end.quantile_min(0.5)),
            end_to_end_p90_days: days(c.end_to_end.quantile_min(0.9)),
            end_to_end_km_p50_days: km(0.5).0,
            end_to_end_km_p90_days: km(0.9).0,
            end_to_end_km_p90_reached: km(0.9).1,
            automated_decisions: c.automated,
            reviewed_decisions: c.reviewed,
            adjudications: c.adjudications,
            appeals: c.appeals[0],
            appeals_upheld: c.appeals[1],
            audit_verified: c.audit[0],
            audit_failed: c.audit[1],
            floor_assistants: t.floor_assistants,
            assisted: self.assisted,
            assist_wait_mean_min: div(
                ms_min(i128::from(self.assist_wait_ms)),
                self.assisted as f64,
            ),
            assistant_utilization: div(
                self.assist_busy_ms as f64,
                f64::from(t.floor_assistants) * t.open_ms as f64,
            ),
            assistance_missing: self.assistance_missing,
            returns: self.returns,
            returns_pending_end: self.returns_promised.saturating_sub(self.returns),
            lost_demand: self.lost,
            wasted_trip_hours: self.wasted_trip_ms as f64 / HOUR_MS as f64,
            cases_kiosk: c.by_channel[0],
            cases_counter: c.by_channel[1],
            cases_portal: c.by_channel[2],
            esign_certificates: c.decrees[0],
            egov_registrations: c.decrees[1],
            applications_ineligible: c.unsound[0],
            applications_fraudulent: c.unsound[1],
            wrongful_refusals: c.wrongful[0],
            wrongful_approvals: c.wrongful[1],
            appeals_wrongful: c.appeals_by_truth[0][0],
            appeals_wrongful_upheld: c.appeals_by_truth[0][1],
            appeals_rightful: c.appeals_by_truth[1][0],
            appeals_rightful_upheld: c.appeals_by_truth[1][1],
            // By the case's final outcome: caught at the 1:1 check, or matched there and
            // refused later; missed when matched and not refused (delivered, lapsed, or
            // open at the end).
            impostors_caught: fraud(fc::IMPOSTORS) - fraud(fc::IMPOSTORS_MATCHED)
                + c.impostors_refused_after_match,
            impostors_missed: fraud(fc::IMPOSTORS_MATCHED)
                .saturating_sub(c.impostors_refused_after_match),
            duplicates_caught: fraud(fc::DUPLICATES) - fraud(fc::DUPLICATES_MISSED),
            duplicates_missed: fraud(fc::DUPLICATES_MISSED),
            search_wait_mean_min: div(
                ms_min(i128::from(c.search_waits.1)),
                c.search_waits.0 as f64,
            ),
        }
    }
}
