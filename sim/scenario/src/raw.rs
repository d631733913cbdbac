//! Raw scenario types: exactly what a RON file says, before any checking.
//!
//! Every struct denies unknown fields, so a misspelt field is a syntax error with a position.
//! Values stay as written (strings for times and dates, ids for references); `validate`
//! turns them into a [`crate::Scenario`].

use serde::{Deserialize, Serialize};

/// A whole scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Scenario")]
pub struct RawScenario {
    /// Short name, used in outputs.
    pub name: String,
    /// One paragraph for readers of reports.
    #[serde(default)]
    pub description: String,
    /// Simulated period and warm-up.
    pub horizon: RawHorizon,
    /// Public holidays (closed days unless a site opens on holidays).
    #[serde(default)]
    pub holidays: Vec<RawHoliday>,
    /// Queue rules shared by all sites.
    #[serde(default)]
    pub queue: RawQueuePolicy,
    /// Demand profiles over hour of day, weekday and month.
    pub profiles: Vec<RawProfile>,
    /// Applicant segments.
    pub segments: Vec<RawSegment>,
    /// The service catalogue.
    pub services: Vec<RawService>,
    /// Offices, malls, leisure centres and tourist zones.
    pub sites: Vec<RawSite>,
    /// Face-ID at kiosks through the real matcher (`navbat-matching`); absent means the
    /// segments' `kiosk_success` alone decides a kiosk session.
    #[serde(default)]
    pub face_id: Option<RawFaceId>,
    /// Every request as a case of `navbat-workflow`, with a back office; absent means a
    /// request ends when the person leaves the kiosk or counter.
    #[serde(default)]
    pub workflows: Option<RawWorkflows>,
    /// Money: kiosk costs, officer cost and the value of citizens' time (for the report's
    /// costs and benefits and the expansion proposal).
    #[serde(default)]
    pub economics: Option<RawEconomics>,
    /// Ids of sites that are candidates for extension rather than pilot sites: the
    /// expansion proposal ranks them.
    #[serde(default)]
    pub candidates: Vec<String>,
    /// The mobile app's "least loaded unit" advice, when switched on.
    #[serde(default)]
    pub routing: Option<RawRouting>,
    /// The report's extension rule: the abandonment margin, the precision the headline
    /// numbers must reach and the family-wise error across sites; absent means
    /// [`RawDecision::default`].
    #[serde(default)]
    pub decision: Option<RawDecision>,
    /// The estimated parameters and their ranges, for the report's sensitivity screening
    /// (`navbat run --sensitivity`); absent means none are listed.
    #[serde(default)]
    pub sensitivity: Option<crate::sensitivity::RawSensitivity>,
}

/// The extension rule's numbers, as written; every field may be left out for its default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDecision {
    /// Non-inferiority margin for abandonment, percentage points of arrivals: a site may
    /// extend only if its share of arrivals who leave unserved rises by less than this.
    #[serde(default = "default_abandonment_margin")]
    pub abandonment_margin_points: f64,
    /// Relative half-width of the 95 % interval the headline numbers must reach before a
    /// verdict is given (0.05 = ±5 % of the mean).
    #[serde(default = "default_precision")]
    pub precision: f64,
    /// Family-wise error rate of the extension verdicts across the pilot sites (Holm).
    #[serde(default = "default_family_alpha")]
    pub family_alpha: f64,
}

impl Default for RawDecision {
    fn default() -> Self {
        Self {
            abandonment_margin_points: default_abandonment_margin(),
            precision: default_precision(),
            family_alpha: default_family_alpha(),
        }
    }
}

/// [est.] Half a percentage point of arrivals: at the pilot's volumes about one person in
/// two hundred, below the day-to-day swing of abandonment at a site, and small beside the
/// several points a kiosk that sheds its users to the counters would add.
fn default_abandonment_margin() -> f64 {
    0.5
}

/// The issue's ±5 % relative precision for the headline numbers.
fn default_precision() -> f64 {
    0.05
}

/// The conventional 5 % family-wise error.
fn default_family_alpha() -> f64 {
    0.05
}

/// The mobile app's advice: a share of people check the announced waits of nearby sites
/// before leaving and go where travel plus wait is least.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRouting {
    /// Share of people who follow the app's advice.
    pub app_share: f64,
    /// Sites farther than this (straight line, km) are not considered.
    pub radius_km: f64,
    /// Travel speed, km per hour (straight-line distance over it gives the extra travel).
    pub km_per_hour: f64,
}

/// Face-ID settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFaceId {
    /// False-match rate the 1:1 threshold is set for (e.g. 1e-6).
    pub target_fmr: f64,
    /// Share of women among applicants (the matcher's error rates differ by sex).
    pub share_female: f64,
    /// Identities enrolled in the simulated 1:N gallery, a scaled stand-in for the national
    /// one: the best score of a search is mapped to the score the same search would reach
    /// in a national gallery (the exact impostor tail of the matcher's model), and the
    /// services' candidate thresholds apply to that.
    #[serde(default = "default_gallery")]
    pub gallery: u32,
    /// A ratio between groups' error rates above this is flagged in the report.
    #[serde(default = "default_flag_ratio")]
    pub flag_ratio: f64,
    /// Share of Face-ID attempts (kiosk, counter, phone) made by an impostor: someone
    /// presenting as another person, whose live face is compared with that person's record
    /// photo. Caught when the 1:1 check does not match them.
    #[serde(default)]
    pub impostors: f64,
    /// Share of the applications of a de-duplicating service made by someone already
    /// enrolled under another identity (a true duplicate, whose earlier enrolment is in the
    /// 1:N gallery). Caught when the search returns that enrolment as a candidate.
    #[serde(default)]
    pub duplicates: f64,
    /// Per segment, the shares of its applicants who are minors: children (0-11) and
    /// adolescents (12-17), whose captures use the matcher's children's and adolescents'
    /// calibration. Segments not listed have none.
    #[serde(default)]
    pub minors: Vec<RawMinors>,
    /// Multiplies women's capture noise: above 1, women have more false non-matches than
    /// men at the same threshold (the matcher's default is 1).
    #[serde(default)]
    pub female_noise_factor: Option<f64>,
    /// Per segment, the regional effect on false matches: the weight of a direction shared by
    /// the segment's people (two of them score that much closer than strangers), so the
    /// segment has more false matches. Segments not listed have none.
    #[serde(default)]
    pub regional: Vec<RawRegional>,
    /// The national 1:N search service's capacity, searches per second: one server shared by
    /// every site, so a search waits behind every other site's. Absent: searches never wait.
    #[serde(default)]
    pub searches_per_second: Option<f64>,
    /// Seconds the kiosk's 1:1 check takes (capture to decision), added to the kiosk
    /// session of a service that needs a biometric capture.
    #[serde(default)]
    pub verify_seconds: f64,
}

/// The minors among a segment's applicants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMinors {
    /// Segment id.
    pub segment: String,
    /// Share aged 0-11.
    pub child: f64,
    /// Share aged 12-17.
    pub adolescent: f64,
}

/// A segment's regional effect on false matches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRegional {
    /// Segment id.
    pub segment: String,
    /// Weight of the segment's shared direction, in [0, 0.5].
    pub shared_similarity: f64,
}

fn default_gallery() -> u32 {
    256
}

fn default_flag_ratio() -> f64 {
    1.25
}

/// Case workflows and the back office.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWorkflows {
    /// Folder of service definitions (one RON file per service, named by service id),
    /// relative to the scenario file.
    pub services: String,
    /// Back-office teams that pull human tasks from the case store's queues.
    pub back_office: Vec<RawTeam>,
    /// Officer minutes a human task takes, by skill.
    pub task_minutes: Vec<(String, Dist)>,
    /// Share of human reviews that approve, by skill (the rest reject), for skills that
    /// `reviewer_errors` does not list.
    pub approve: Vec<(String, f64)>,
    /// Per service, the shares of applications that are ineligible and fraudulent: the
    /// case's truth, which reviewers see through their error rates. Services not listed
    /// have only eligible, genuine applications (impostors and duplicates aside).
    #[serde(default)]
    pub truth: Vec<RawTruth>,
    /// Per skill, a reviewer's error rates: the decision then depends on the case's truth
    /// instead of the `approve` share.
    #[serde(default)]
    pub reviewer_errors: Vec<RawReviewerErrors>,
    /// Share of applicants who pay the state duty during their visit.
    pub pay_at_visit: f64,
    /// Days until the others pay, when they do.
    pub pay_later_days: Dist,
    /// Share of the others who never pay (the case lapses).
    pub never_pay: f64,
    /// Minutes an inter-agency registry check takes to answer.
    pub check_minutes: Dist,
    /// Share of checks that return a hit, and that fail (no answer, data mismatch).
    pub check_hit: f64,
    /// Share of checks that fail.
    pub check_failed: f64,
    /// Share of checks of an unsound application (ineligible, fraudulent) that return a hit:
    /// the registries know of what makes it unsound. Absent: `check_hit`, as for any other.
    #[serde(default)]
    pub check_hit_unsound: Option<f64>,
    /// Hours until a third party answers in E-Rozilik.
    pub consent_hours: Dist,
    /// Share of third parties who refuse.
    pub consent_refused: f64,
    /// Share who never answer (the consent times out).
    pub consent_no_answer: f64,
    /// Days to produce a document (off-site).
    pub production_days: Dist,
    /// Days to produce the document, by service id, where a service differs from
    /// `production_days`.
    #[serde(default)]
    pub production_days_by_service: Vec<(String, Dist)>,
    /// Shares of cases for which a fact of a service's definition holds (a first issue, a
    /// minor applicant, a hotel stay...): the guards on those facts then take their branch.
    /// A fact not listed holds for nobody.
    #[serde(default)]
    pub facts: Vec<RawFactShare>,
    /// Days from "ready" to the pickup visit.
    pub pickup_days: Dist,
    /// Share of people who never collect.
    pub never_collect: f64,
    /// Minutes a pickup takes at a counter, and at a document terminal (kiosk).
    pub pickup_counter_minutes: Dist,
    /// Minutes a pickup takes at a kiosk.
    pub pickup_kiosk_minutes: Dist,
    /// Share of refused applicants who appeal (of all of them, or, with `appeal_wrongful`,
    /// of those refused rightly or by the world rather than by a reviewer's error).
    pub appeal: f64,
    /// Share of applicants a reviewer refused wrongly (a sound application) who appeal;
    /// absent: `appeal`. Someone who qualifies knows it, and contests more often.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appeal_wrongful: Option<f64>,
    /// Liveness score of a live capture: mean of a Beta-like score in [0, 1].
    pub liveness_mean: f64,
    /// Key file for the HMAC of the exported audit trail's heads (at least 32 bytes),
    /// relative to the scenario file. Only its path is named here; the key is never copied
    /// into results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_key: Option<String>,
}

/// The truth of a service's applications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTruth {
    /// Service id.
    pub service: String,
    /// Share of applications the rules do not allow (wrong documents, no right to the
    /// service): a correct review refuses them.
    pub ineligible: f64,
    /// Share of applications that are fraudulent (false statements, forged documents): a
    /// correct review refuses them.
    pub fraudulent: f64,
}

/// A reviewer's error rates for one skill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReviewerErrors {
    /// Skill name.
    pub skill: String,
    /// Probability of approving an ineligible or fraudulent application.
    pub false_approval: f64,
    /// Probability of refusing an eligible, genuine application.
    pub false_refusal: f64,
}

/// The share of a service's cases for which one of its facts holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFactShare {
    /// Service id.
    pub service: String,
    /// Fact name, as listed in the service's definition.
    pub fact: String,
    /// Share of the service's cases for which it holds.
    pub share: f64,
}

/// A back-office team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTeam {
    /// Unique id.
    pub id: String,
    /// Officers in the team.
    pub officers: u32,
    /// Skills every officer of the team has.
    pub skills: Vec<String>,
    /// Working hours.
    pub hours: RawHours,
}

/// Costs and the value of time, in one currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEconomics {
    /// Currency code (e.g. `UZS`).
    pub currency: String,
    /// Price of one kiosk installed.
    pub kiosk_capital: f64,
    /// Years a kiosk is written off over.
    pub kiosk_life_years: f64,
    /// Running cost of one kiosk a year (maintenance, connectivity, consumables).
    pub kiosk_running_per_year: f64,
    /// Cost of one officer hour (salary and overheads).
    pub officer_hour: f64,
    /// Value of one hour of a citizen's time.
    pub citizen_hour: f64,
}

/// Simulated period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHorizon {
    /// First simulated day, `YYYY-MM-DD`.
    pub start: String,
    /// Last simulated day (inclusive), `YYYY-MM-DD`.
    pub end: String,
    /// Days at the start whose applicants are left out of the statistics.
    #[serde(default)]
    pub warm_up_days: u32,
}

/// One public holiday.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHoliday {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// What it is.
    pub name: String,
}

/// Queue rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQueuePolicy {
    /// Order of service in the counter queue.
    #[serde(default)]
    pub discipline: Discipline,
    /// What happens to people still waiting when a site closes.
    #[serde(default)]
    pub at_closing: AtClosing,
}

impl Default for RawQueuePolicy {
    fn default() -> Self {
        Self { discipline: Discipline::Fifo, at_closing: AtClosing::ServeWaiting }
    }
}

/// Order of service in a queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Discipline {
    /// First come, first served.
    #[default]
    Fifo,
    /// Priority segments (elderly, disabled) first, FIFO within a class.
    Priority,
}

/// What happens to the queue at closing time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum AtClosing {
    /// Officers on the closing shift serve everyone already waiting.
    #[default]
    ServeWaiting,
    /// Everyone still waiting is sent home.
    SendHome,
}

/// Weights over hours, weekdays and months; each list is normalised when validated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProfile {
    /// Referenced by demand entries.
    pub id: String,
    /// 24 weights, hour 0 to 23.
    pub hour_of_day: Vec<f64>,
    /// 7 weights, Monday to Sunday.
    pub weekday: Vec<f64>,
    /// 12 weights, January to December.
    pub month: Vec<f64>,
}

/// Who applicants are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SegmentKind {
    /// Citizens aged 16 to 29.
    CitizenYoung,
    /// Citizens aged 30 to 59.
    CitizenAdult,
    /// Citizens aged 60 and over.
    CitizenElderly,
    /// Citizens with a disability.
    CitizenDisabled,
    /// Foreign visitors and residents.
    Foreigner,
    /// Foreign students.
    Student,
    /// Stateless persons.
    Stateless,
}

/// An applicant segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSegment {
    /// Referenced by services.
    pub id: String,
    /// Who they are.
    pub kind: SegmentKind,
    /// Channel weights (normalised when validated).
    pub channel: RawChannelChoice,
    /// Probability that a kiosk session ends with the job done (otherwise: to the counter).
    pub kiosk_success: f64,
    /// Served ahead of others under the priority discipline.
    #[serde(default)]
    pub priority: bool,
    /// Patience in the queue, minutes; absent means nobody leaves a queue early.
    #[serde(default)]
    pub patience_min: Option<Dist>,
    /// Balking on arrival; absent means everyone joins.
    #[serde(default)]
    pub balking: Option<RawBalking>,
    /// Kiosk adoption growing over the horizon: the probability of choosing a kiosk moves
    /// linearly from `start` (first day) to `end` (last day), the other channels sharing the
    /// rest in their `channel` proportions. Absent means `channel` holds all year.
    #[serde(default)]
    pub kiosk_adoption: Option<RawAdoption>,
    /// Digital literacy: the share of this segment's kiosk users who need a floor
    /// assistant's help to finish a session, and how long the help takes. Absent means
    /// nobody does.
    #[serde(default)]
    pub assistance: Option<RawAssistance>,
    /// Whether people of this segment who leave unserved (balked, reneged, sent home at
    /// closing, or not servable here) come back another day, and what a wasted trip costs
    /// them. Absent means nobody comes back and a trip costs only the time at the site.
    #[serde(default)]
    pub retrial: Option<RawRetrial>,
}

impl RawSegment {
    /// A segment of adults who all go to a counter and do nothing else the scenario can
    /// describe: no patience, balking, kiosk, assistance or returns.
    pub fn counter_only(id: &str) -> Self {
        Self {
            id: id.to_owned(),
            kind: SegmentKind::CitizenAdult,
            channel: RawChannelChoice { kiosk: 0.0, counter: 1.0, portal: 0.0 },
            kiosk_success: 1.0,
            priority: false,
            patience_min: None,
            balking: None,
            kiosk_adoption: None,
            assistance: None,
            retrial: None,
        }
    }
}

/// People who leave unserved come back: with a probability, after a delay, up to a number
/// of visits; the rest are lost demand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRetrial {
    /// Probability that a person who left unserved comes back (asked after every failed
    /// visit).
    pub probability: f64,
    /// Days from leaving to coming back (a return that falls outside opening hours comes
    /// when the site next opens).
    pub delay_days: Dist,
    /// Visits a person makes at most, the first included; after the last failed one they
    /// are lost demand.
    pub max_visits: u32,
    /// The round trip to the site and back, minutes: what a visit that ends unserved
    /// wastes besides the time spent at the site.
    pub trip_minutes: f64,
}

/// Who needs help at a kiosk, and for how long.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAssistance {
    /// Probability that a kiosk session of this segment needs an assistant.
    pub share: f64,
    /// The assistant's time with the person, minutes; the session lasts that much longer.
    pub minutes: Dist,
}

/// Probability of choosing a kiosk at the start and at the end of the horizon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAdoption {
    /// On the first day.
    pub start: f64,
    /// On the last day.
    pub end: f64,
}

/// Channel weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChannelChoice {
    /// Weight of the self-service kiosk.
    pub kiosk: f64,
    /// Weight of the officer counter.
    pub counter: f64,
    /// Weight of the online portal (the person never comes to a site).
    pub portal: f64,
}

/// Balking rule: an arrival who sees at least `queue_len` people waiting leaves with
/// `probability`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBalking {
    /// People waiting (not in service) that trigger balking.
    pub queue_len: u32,
    /// Probability of leaving at or above that length.
    pub probability: f64,
}

/// A probability distribution of a positive duration; all parameters in the unit of the
/// field that holds it (minutes or hours).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Dist {
    /// Always the same value.
    Constant {
        /// The value.
        value: f64,
    },
    /// Exponential with the given mean.
    Exponential {
        /// Mean.
        mean: f64,
    },
    /// Log-normal with the given mean and coefficient of variation.
    LogNormal {
        /// Mean.
        mean: f64,
        /// Standard deviation divided by mean.
        cv: f64,
    },
    /// Gamma with the given mean and coefficient of variation.
    Gamma {
        /// Mean.
        mean: f64,
        /// Standard deviation divided by mean.
        cv: f64,
    },
    /// Weibull with shape `k` and scale `λ`: `P(X > x) = exp(−(x/λ)^k)`, mean `λ·Γ(1 + 1/k)`.
    /// The family `navbat calibrate` fits to patience and service times beside the others.
    Weibull {
        /// Shape `k`: below 1 the hazard falls with time, above 1 it rises.
        shape: f64,
        /// Scale `λ`, in the field's unit.
        scale: f64,
    },
    /// Triangular on `[min, max]` with the given mode.
    Triangular {
        /// Lowest value.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Highest value.
        max: f64,
    },
    /// One of the observed values, uniformly.
    Empirical {
        /// Observed values.
        values: Vec<f64>,
    },
}

impl Dist {
    /// The distribution's mean, in the field's unit.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Constant { value } => *value,
            Dist::Exponential { mean }
            | Dist::LogNormal { mean, .. }
            | Dist::Gamma { mean, .. } => *mean,
            Dist::Weibull { shape, scale } => {
                scale * statrs::function::gamma::gamma(1.0 + 1.0 / shape)
            }
            Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Dist::Empirical { values } => values.iter().sum::<f64>() / values.len().max(1) as f64,
        }
    }
}

/// Kiosk capabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Capability {
    /// Face and fingerprint capture.
    BiometricCapture,
    /// Electronic payment of the state duty.
    DutyPayment,
    /// Automated terminal that hands out finished documents.
    DocumentPickup,
}

/// A service of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawService {
    /// Referenced by demand and counters.
    pub id: String,
    /// Human name.
    pub name: String,
    /// What a kiosk must be able to do to handle it; empty means no kiosk can.
    #[serde(default)]
    pub kiosk_needs: Vec<Capability>,
    /// Whether the online portal offers it.
    #[serde(default)]
    pub portal: bool,
    /// Officer time at the counter, minutes.
    pub counter_minutes: Dist,
    /// Time at a kiosk, minutes (required when `kiosk_needs` is not empty).
    #[serde(default)]
    pub kiosk_minutes: Option<Dist>,
    /// Who asks for it: segment id and weight.
    pub segments: Vec<(String, f64)>,
}

/// Kinds of site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SiteKind {
    /// A district internal-affairs (migration) office.
    DistrictOffice,
    /// A shopping mall.
    ShoppingMall,
    /// A leisure centre.
    LeisureCentre,
    /// A tourist zone.
    TouristZone,
}

/// A place where people are served.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSite {
    /// Unique id.
    pub id: String,
    /// Human name.
    pub name: String,
    /// What kind of place.
    pub kind: SiteKind,
    /// District (tuman) or city.
    pub district: String,
    /// Region (viloyat) or republic.
    pub region: String,
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
    /// Opening hours.
    pub hours: RawHours,
    /// Officer counters.
    #[serde(default)]
    pub counters: Vec<RawCounter>,
    /// Self-service kiosks.
    #[serde(default)]
    pub kiosks: Vec<RawKiosk>,
    /// Staff on the floor who help people at the kiosks while the site is open (0: people
    /// who need help go to a counter, or leave where there is none).
    #[serde(default)]
    pub floor_assistants: u32,
    /// Yearly demand per service.
    #[serde(default)]
    pub demand: Vec<RawDemand>,
}

/// Opening hours as `"HH:MM-HH:MM"` ranges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHours {
    /// Monday to Friday.
    pub weekdays: Vec<String>,
    /// Saturday.
    #[serde(default)]
    pub saturday: Vec<String>,
    /// Sunday.
    #[serde(default)]
    pub sunday: Vec<String>,
    /// Open on public holidays with the hours of that weekday.
    #[serde(default)]
    pub open_on_holidays: bool,
    /// Hours of single days that replace what `weekdays`, `saturday` or `sunday` give that
    /// day (each day at most once): a week whose days differ, such as a back-office team's
    /// weekday × hour calendar.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub days: Vec<(Day, Vec<String>)>,
}

/// Weekdays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Day {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

/// A group of identical officer counters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCounter {
    /// Unique within the site.
    pub id: String,
    /// How many identical counters.
    #[serde(default = "one")]
    pub count: u32,
    /// Service ids this counter handles; empty means all.
    #[serde(default)]
    pub services: Vec<String>,
    /// When the officer is on duty.
    pub shifts: Vec<RawShift>,
}

fn one() -> u32 {
    1
}

/// A shift: days and a time range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawShift {
    /// Days the shift runs.
    pub days: Vec<Day>,
    /// `"HH:MM-HH:MM"`.
    pub time: String,
}

/// A group of identical kiosks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawKiosk {
    /// Unique within the site.
    pub id: String,
    /// How many identical kiosks.
    #[serde(default = "one")]
    pub count: u32,
    /// What it can do.
    pub capabilities: Vec<Capability>,
    /// Mean time between failures, hours of calendar time; absent means it never fails.
    #[serde(default)]
    pub mtbf_hours: Option<f64>,
    /// Repair time, hours.
    #[serde(default)]
    pub repair_hours: Option<Dist>,
    /// Components that fail on their own (camera, payment, printer), each with its mean
    /// time between failures in operating hours (the site's open hours) and its repair
    /// time. A kiosk with a component down is out of service until it is repaired.
    #[serde(default)]
    pub components: Vec<RawKioskComponent>,
}

/// A kiosk component's failures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawKioskComponent {
    /// Which component.
    pub part: KioskPart,
    /// Mean time between failures, hours of operation (the site open).
    pub mtbf_operating_hours: f64,
    /// Repair time, hours of calendar time.
    pub repair_hours: Dist,
}

/// A kiosk component that fails on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KioskPart {
    /// The face camera.
    Camera,
    /// The payment terminal.
    Payment,
    /// The document printer.
    Printer,
}

impl KioskPart {
    /// The name the kiosk log gives it (`camera`, `payment`, `printer`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Camera => "camera",
            Self::Payment => "payment",
            Self::Printer => "printer",
        }
    }
}

/// Yearly demand for one service at one site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDemand {
    /// Service id.
    pub service: String,
    /// Requests per year.
    pub yearly: f64,
    /// Profile id.
    pub profile: String,
}
