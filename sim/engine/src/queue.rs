//! The staffing calculator's model: one site, always open, one service, `c` officers.

use navbat_scenario::{
    Dist, RawCounter, RawDemand, RawHorizon, RawHours, RawProfile, RawQueuePolicy, RawScenario,
    RawSegment, RawService, RawShift, RawSite, Scenario, ScenarioError, SiteKind,
};

/// A one-site queue: Poisson arrivals, `servers` officers, service time with mean
/// `service_minutes` and coefficient of variation `service_cv` (1 = exponential,
/// 0 = constant, otherwise gamma).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueueSpec {
    /// Arrivals per hour.
    pub arrivals_per_hour: f64,
    /// Mean officer time, minutes.
    pub service_minutes: f64,
    /// Officers.
    pub servers: u32,
    /// Coefficient of variation of service time.
    pub service_cv: f64,
}

/// Days of horizon the calculator's scenario spans (ten years; the arrival limit ends a
/// run long before for any sensible rate).
const HORIZON_DAYS: i64 = 3650;

/// The scenario of `spec`: open round the clock every day, flat demand of exactly
/// `arrivals_per_hour`, no warm-up by date (the calculator drops the first customers instead).
pub fn queue_scenario(spec: &QueueSpec) -> Result<Scenario, ScenarioError> {
    navbat_scenario::from_raw("queue", &queue_raw(spec))
}

/// The raw form of [`queue_scenario`], for the self-checks to vary.
pub(crate) fn queue_raw(spec: &QueueSpec) -> RawScenario {
    let all_days = vec![
        navbat_scenario::Day::Mon,
        navbat_scenario::Day::Tue,
        navbat_scenario::Day::Wed,
        navbat_scenario::Day::Thu,
        navbat_scenario::Day::Fri,
        navbat_scenario::Day::Sat,
        navbat_scenario::Day::Sun,
    ];
    let round_the_clock = vec!["00:00-24:00".to_owned()];
    let service = if spec.service_cv == 1.0 {
        Dist::Exponential { mean: spec.service_minutes }
    } else if spec.service_cv == 0.0 {
        Dist::Constant { value: spec.service_minutes }
    } else {
        Dist::Gamma { mean: spec.service_minutes, cv: spec.service_cv }
    };
    let start = jiff::civil::date(2026, 1, 1);
    let end = start.checked_add(jiff::Span::new().days(HORIZON_DAYS - 1)).unwrap_or(start);
    RawScenario {
        name: format!(
            "queue: {} per hour, {} min, {} servers",
            spec.arrivals_per_hour, spec.service_minutes, spec.servers
        ),
        description: "One site open round the clock; staffing calculator.".to_owned(),
        horizon: RawHorizon { start: start.to_string(), end: end.to_string(), warm_up_days: 0 },
        holidays: Vec::new(),
        queue: RawQueuePolicy::default(),
        profiles: vec![RawProfile {
            id: "flat".to_owned(),
            hour_of_day: vec![1.0; 24],
            weekday: vec![1.0; 7],
            month: vec![1.0; 12],
        }],
        segments: vec![RawSegment::counter_only("everyone")],
        services: vec![RawService {
            id: "service".to_owned(),
            name: "Service".to_owned(),
            kiosk_needs: Vec::new(),
            portal: false,
            counter_minutes: service,
            kiosk_minutes: None,
            segments: vec![("everyone".to_owned(), 1.0)],
        }],
        sites: vec![RawSite {
            id: "site".to_owned(),
            name: "Queue".to_owned(),
            kind: SiteKind::DistrictOffice,
            district: "-".to_owned(),
            region: "-".to_owned(),
            lat: 41.3,
            lon: 69.3,
            hours: RawHours {
                weekdays: round_the_clock.clone(),
                saturday: round_the_clock.clone(),
                sunday: round_the_clock.clone(),
                open_on_holidays: true,
                days: Vec::new(),
            },
            counters: vec![RawCounter {
                id: "officers".to_owned(),
                count: spec.servers,
                services: Vec::new(),
                shifts: vec![RawShift { days: all_days, time: "00:00-24:00".to_owned() }],
            }],
            kiosks: Vec::new(),
            floor_assistants: 0,
            demand: vec![RawDemand {
                service: "service".to_owned(),
                // The reference year has 365 days, so the rate is exactly this per hour.
                yearly: spec.arrivals_per_hour * 24.0 * 365.0,
                profile: "flat".to_owned(),
            }],
        }],
        face_id: None,
        workflows: None,
        economics: None,
        candidates: Vec::new(),
        routing: None,
        decision: None,
        sensitivity: None,
    }
}
