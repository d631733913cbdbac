//! The validated scenario: references resolved to indices, weights normalised, times parsed.
//!
//! Every value here has passed the checks in `validate`, so the engine can index and divide
//! without checking again.

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

pub use crate::raw::{AtClosing, Capability, Discipline, Dist, SegmentKind, SiteKind};

/// A checked scenario, ready to simulate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Short name.
    pub name: String,
    /// One paragraph for readers.
    pub description: String,
    /// First simulated day.
    pub start: Date,
    /// Last simulated day, inclusive.
    pub end: Date,
    /// Days whose applicants are left out of statistics.
    pub warm_up_days: u32,
    /// Public holidays, sorted by date.
    pub holidays: Vec<Holiday>,
    /// Queue rules.
    pub queue: QueuePolicy,
    /// Demand profiles.
    pub profiles: Vec<Profile>,
    /// Applicant segments.
    pub segments: Vec<Segment>,
    /// Service catalogue.
    pub services: Vec<Service>,
    /// Sites.
    pub sites: Vec<Site>,
    /// Face-ID at kiosks, when on.
    pub face_id: Option<FaceIdSettings>,
    /// Case workflows and the back office, when on.
    pub workflows: Option<Workflows>,
    /// Costs and the value of time, when given.
    pub economics: Option<Economics>,
    /// Indices of the sites that are candidates for extension (the rest are pilot sites).
    pub candidates: Vec<usize>,
    /// The mobile app's least-loaded-unit advice, when on.
    pub routing: Option<Routing>,
    /// The report's extension rule (the defaults of [`crate::RawDecision`] when the file
    /// gives none).
    pub decision: Decision,
    /// The estimated parameters a sensitivity screening moves (empty when the file lists
    /// none).
    pub sensitivity: crate::sensitivity::Sensitivity,
}

/// The app's advice, checked.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Routing {
    /// Share of people who follow it.
    pub app_share: f64,
    /// Largest straight-line distance considered, km.
    pub radius_km: f64,
    /// Travel speed, km/h.
    pub km_per_hour: f64,
}

/// Face-ID at kiosks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaceIdSettings {
    /// False-match rate the 1:1 threshold is set for.
    pub target_fmr: f64,
    /// Share of women among applicants.
    pub share_female: f64,
    /// Identities in the simulated 1:N gallery.
    pub gallery: u32,
    /// Ratio between groups above which the report flags a disparity.
    pub flag_ratio: f64,
    /// Share of Face-ID attempts made by an impostor.
    pub impostors: f64,
    /// Share of a de-duplicating service's applications made by a true duplicate.
    pub duplicates: f64,
    /// Per segment (scenario order): shares of children (0-11) and adolescents (12-17).
    pub minors: Vec<[f64; 2]>,
    /// Multiplier of women's capture noise (1: the matcher's default).
    pub female_noise_factor: f64,
    /// Per segment (scenario order): the weight of the segment's shared direction (0: none).
    pub regional: Vec<f64>,
    /// The national 1:N service's capacity, searches per second (`None`: never waits).
    pub searches_per_second: Option<f64>,
    /// Seconds the kiosk's 1:1 check takes.
    pub verify_seconds: f64,
}

impl FaceIdSettings {
    /// Settings with the given threshold target, women's share and gallery, and no
    /// adversaries, minors, regional effect, capacity or check time.
    pub fn plain(target_fmr: f64, share_female: f64, gallery: u32, segments: usize) -> Self {
        Self {
            target_fmr,
            share_female,
            gallery,
            flag_ratio: 1.25,
            impostors: 0.0,
            duplicates: 0.0,
            minors: vec![[0.0; 2]; segments],
            female_noise_factor: 1.0,
            regional: vec![0.0; segments],
            searches_per_second: None,
            verify_seconds: 0.0,
        }
    }
}

/// A reviewer's error rates for one skill.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReviewerErrors {
    /// Probability of approving an ineligible or fraudulent application.
    pub false_approval: f64,
    /// Probability of refusing an eligible, genuine application.
    pub false_refusal: f64,
}

/// Case workflows, checked. Skills are `navbat-workflow` skill names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workflows {
    /// Folder of the service definitions, resolved against the scenario file's folder.
    pub services_dir: std::path::PathBuf,
    /// The service definitions loaded from it, one per scenario service (same ids).
    #[serde(skip)]
    pub catalog: std::sync::Arc<navbat_workflow::ServiceCatalog>,
    /// Back-office teams.
    pub teams: Vec<Team>,
    /// Officer minutes per task, by skill name.
    pub task_minutes: Vec<(String, Dist)>,
    /// Share of reviews that approve, by skill name (skills not listed approve always), for
    /// skills without `reviewer_errors`.
    pub approve: Vec<(String, f64)>,
    /// Per service (scenario order): shares of ineligible and fraudulent applications.
    pub truth: Vec<[f64; 2]>,
    /// Reviewers' error rates by skill name: those skills decide by the case's truth.
    pub reviewer_errors: Vec<(String, ReviewerErrors)>,
    /// Share paying the duty during the visit.
    pub pay_at_visit: f64,
    /// Days until a later payment.
    pub pay_later_days: Dist,
    /// Share of later payers who never pay.
    pub never_pay: f64,
    /// Minutes for a registry check to answer.
    pub check_minutes: Dist,
    /// Share of checks with a hit.
    pub check_hit: f64,
    /// Share of checks that fail.
    pub check_failed: f64,
    /// Share of checks of an unsound application that return a hit.
    pub check_hit_unsound: f64,
    /// Hours until a third party answers.
    pub consent_hours: Dist,
    /// Share of third parties who refuse.
    pub consent_refused: f64,
    /// Share who never answer.
    pub consent_no_answer: f64,
    /// Days to produce a document.
    pub production_days: Dist,
    /// Days to produce a document, by service id, where a service differs.
    pub production_days_by_service: Vec<(String, Dist)>,
    /// Facts that hold for a share of a service's cases: (service id, fact, share).
    pub facts: Vec<(String, String, f64)>,
    /// Days from ready to the pickup visit.
    pub pickup_days: Dist,
    /// Share who never collect.
    pub never_collect: f64,
    /// Minutes of a pickup at a counter.
    pub pickup_counter_minutes: Dist,
    /// Minutes of a pickup at a kiosk.
    pub pickup_kiosk_minutes: Dist,
    /// Share of refused applicants who appeal, but for those a reviewer refused wrongly.
    pub appeal: f64,
    /// Share of applicants a reviewer refused wrongly (a sound application) who appeal.
    pub appeal_wrongful: f64,
    /// Mean liveness score of a live capture.
    pub liveness_mean: f64,
    /// Key file for the audit trail's HMACs, resolved against the scenario file's folder;
    /// checked to exist and hold at least 32 bytes. Not serialized: results never name it.
    #[serde(skip)]
    pub audit_key: Option<std::path::PathBuf>,
}

/// A back-office team, checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Team {
    /// Id.
    pub id: String,
    /// Officers.
    pub officers: u32,
    /// Skill names.
    pub skills: Vec<String>,
    /// Working hours.
    pub hours: OpeningHours,
}

/// Costs and the value of time, checked (all finite and ≥ 0; kiosk life > 0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Economics {
    /// Currency code.
    pub currency: String,
    /// Price of one kiosk installed.
    pub kiosk_capital: f64,
    /// Years a kiosk is written off over.
    pub kiosk_life_years: f64,
    /// Running cost of one kiosk a year.
    pub kiosk_running_per_year: f64,
    /// Cost of one officer hour.
    pub officer_hour: f64,
    /// Value of one citizen hour.
    pub citizen_hour: f64,
}

/// The extension rule's numbers, checked: margin ≥ 0 percentage points, precision in
/// (0, 1), family-wise error in (0, 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// Non-inferiority margin for abandonment, percentage points of arrivals.
    pub abandonment_margin_points: f64,
    /// Relative half-width of the 95 % interval the headline numbers must reach.
    pub precision: f64,
    /// Family-wise error rate across pilot sites (Holm).
    pub family_alpha: f64,
    /// True when the scenario file gave the block (false: the defaults apply).
    pub stated: bool,
}

impl Economics {
    /// Cost of one kiosk for one year: write-off plus running cost.
    pub fn kiosk_per_year(&self) -> f64 {
        self.kiosk_capital / self.kiosk_life_years + self.kiosk_running_per_year
    }
}

impl Scenario {
    /// Number of simulated days.
    pub fn days(&self) -> u32 {
        // Validation guarantees end >= start and a span that fits in u32.
        u32::try_from((self.end - self.start).get_days() + 1).unwrap_or(0)
    }

    /// Whether `date` is a public holiday.
    pub fn is_holiday(&self, date: Date) -> bool {
        self.holidays.binary_search_by(|h| h.date.cmp(&date)).is_ok()
    }
}

/// A public holiday.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Holiday {
    /// The day.
    pub date: Date,
    /// What it is.
    pub name: String,
}

/// Queue rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuePolicy {
    /// Order of service.
    pub discipline: Discipline,
    /// What happens at closing.
    pub at_closing: AtClosing,
}

/// Normalised demand weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// Id from the file.
    pub id: String,
    /// Shares of a day's demand by hour (sum 1).
    pub hour_of_day: [f64; 24],
    /// Relative weight by weekday, Monday first (sum 1).
    pub weekday: [f64; 7],
    /// Shares of a year's demand by month, January first (sum 1).
    pub month: [f64; 12],
}

/// Index of a segment in [`Scenario::segments`].
pub type SegmentIdx = u16;
/// Index of a service in [`Scenario::services`].
pub type ServiceIdx = u16;
/// Index of a profile in [`Scenario::profiles`].
pub type ProfileIdx = u16;

/// An applicant segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// Id from the file.
    pub id: String,
    /// Who they are.
    pub kind: SegmentKind,
    /// Channel probabilities.
    pub channel: ChannelChoice,
    /// Probability a kiosk session succeeds.
    pub kiosk_success: f64,
    /// Served first under the priority discipline.
    pub priority: bool,
    /// Patience in queue, minutes.
    pub patience_min: Option<Dist>,
    /// Balking on arrival.
    pub balking: Option<Balking>,
    /// Kiosk adoption over the horizon: (probability on the first day, on the last day).
    pub kiosk_adoption: Option<(f64, f64)>,
    /// Kiosk users who need a floor assistant's help.
    pub assistance: Option<Assistance>,
    /// People who leave unserved and come back another day.
    pub retrial: Option<Retrial>,
}

/// Who comes back after a visit that ended unserved, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Retrial {
    /// Probability of coming back after a failed visit.
    pub probability: f64,
    /// Days until they come back.
    pub delay_days: Dist,
    /// Most visits a person makes, the first included (at least 1).
    pub max_visits: u32,
    /// Round trip to the site, minutes (wasted when the visit ends unserved).
    pub trip_minutes: f64,
}

/// Digital literacy at the kiosk: who needs a floor assistant, for how long.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assistance {
    /// Probability that a kiosk session needs an assistant.
    pub share: f64,
    /// Assistant time with the person, minutes (added to the session).
    pub minutes: Dist,
}

impl Segment {
    /// Channel probabilities at `progress` (0 = first day, 1 = last day of the horizon).
    pub fn channel_at(&self, progress: f64) -> ChannelChoice {
        let Some((start, end)) = self.kiosk_adoption else { return self.channel };
        let kiosk = start + (end - start) * progress.clamp(0.0, 1.0);
        let others = self.channel.counter + self.channel.portal;
        let (counter, portal) = if others > 0.0 {
            (self.channel.counter / others, self.channel.portal / others)
        } else {
            (1.0, 0.0)
        };
        ChannelChoice { kiosk, counter: counter * (1.0 - kiosk), portal: portal * (1.0 - kiosk) }
    }
}

/// Channel probabilities (sum 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ChannelChoice {
    /// Probability of choosing a kiosk.
    pub kiosk: f64,
    /// Probability of choosing a counter.
    pub counter: f64,
    /// Probability of using the portal.
    pub portal: f64,
}

/// Balking rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Balking {
    /// Waiting people that trigger it.
    pub queue_len: u32,
    /// Probability of leaving.
    pub probability: f64,
}

/// Set of kiosk capabilities as bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Capabilities(pub u8);

impl Capabilities {
    /// The bit of one capability.
    pub fn of(c: Capability) -> Self {
        Self(match c {
            Capability::BiometricCapture => 1,
            Capability::DutyPayment => 2,
            Capability::DocumentPickup => 4,
        })
    }

    /// Union of several.
    pub fn from_list(list: &[Capability]) -> Self {
        Self(list.iter().fold(0, |acc, &c| acc | Self::of(c).0))
    }

    /// Whether every capability in `need` is in `self`.
    pub fn covers(self, need: Self) -> bool {
        self.0 & need.0 == need.0
    }
}

/// A service of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    /// Id from the file.
    pub id: String,
    /// Human name.
    pub name: String,
    /// What a kiosk needs to handle it; `None` means kiosks cannot.
    pub kiosk_needs: Option<Capabilities>,
    /// Whether the portal offers it.
    pub portal: bool,
    /// Officer time, minutes.
    pub counter_minutes: Dist,
    /// Kiosk time, minutes (present whenever `kiosk_needs` is).
    pub kiosk_minutes: Option<Dist>,
    /// Segments asking for it with probabilities (sum 1).
    pub segments: Vec<(SegmentIdx, f64)>,
}

/// A site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Site {
    /// Id from the file.
    pub id: String,
    /// Human name.
    pub name: String,
    /// What kind of place.
    pub kind: SiteKind,
    /// District or city.
    pub district: String,
    /// Region.
    pub region: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Opening hours.
    pub hours: OpeningHours,
    /// Counter groups.
    pub counters: Vec<CounterGroup>,
    /// Kiosk groups.
    pub kiosks: Vec<KioskGroup>,
    /// Floor assistants helping at the kiosks while the site is open.
    pub floor_assistants: u32,
    /// Demand per service.
    pub demand: Vec<Demand>,
}

/// Minute of the day, 0 to 1440.
pub type DayMinute = u16;

/// Opening hours per weekday (Monday first), as sorted, non-overlapping ranges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningHours {
    /// Ranges `[open, close)` in minutes of the day, by weekday Monday first.
    pub by_weekday: [Vec<(DayMinute, DayMinute)>; 7],
    /// Whether holidays keep the weekday's hours.
    pub open_on_holidays: bool,
}

impl OpeningHours {
    /// The ranges open on `date` given whether it is a holiday.
    pub fn on(&self, date: Date, holiday: bool) -> &[(DayMinute, DayMinute)] {
        if holiday && !self.open_on_holidays {
            return &[];
        }
        &self.by_weekday[weekday_index(date.weekday())]
    }
}

/// Monday = 0 ... Sunday = 6.
pub fn weekday_index(w: Weekday) -> usize {
    usize::try_from(w.to_monday_zero_offset()).unwrap_or(0)
}

/// A group of identical counters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CounterGroup {
    /// Id from the file.
    pub id: String,
    /// How many.
    pub count: u32,
    /// Services handled, as indices; all services when `None`.
    pub services: Option<Vec<ServiceIdx>>,
    /// Shifts.
    pub shifts: Vec<Shift>,
}

impl CounterGroup {
    /// Whether the group handles service `s`.
    pub fn handles(&self, s: ServiceIdx) -> bool {
        self.services.as_ref().is_none_or(|list| list.contains(&s))
    }
}

/// A shift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shift {
    /// Days, Monday = bit 0.
    pub days: u8,
    /// Start, minute of day.
    pub start: DayMinute,
    /// End, minute of day (after start).
    pub end: DayMinute,
}

impl Shift {
    /// Whether the shift runs on weekday `w` (Monday = 0).
    pub fn runs_on(&self, w: usize) -> bool {
        self.days & (1 << w) != 0
    }
}

/// A group of identical kiosks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KioskGroup {
    /// Id from the file.
    pub id: String,
    /// How many.
    pub count: u32,
    /// What they can do.
    pub capabilities: Capabilities,
    /// Failures: mean time between failures (hours) and repair time distribution (hours).
    pub failures: Option<KioskFailures>,
    /// Components that fail on their own, on operating hours.
    pub components: Vec<ComponentFailures>,
}

/// Failures of one kiosk component.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentFailures {
    /// Which component.
    pub part: crate::raw::KioskPart,
    /// Mean time between failures, operating hours.
    pub mtbf_operating_hours: f64,
    /// Repair time, hours.
    pub repair_hours: Dist,
}

/// Failure model of a kiosk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KioskFailures {
    /// Mean time between failures, hours.
    pub mtbf_hours: f64,
    /// Repair time, hours.
    pub repair_hours: Dist,
}

/// Demand for a service at a site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Demand {
    /// The service.
    pub service: ServiceIdx,
    /// Requests per year.
    pub yearly: f64,
    /// The profile.
    pub profile: ProfileIdx,
}
