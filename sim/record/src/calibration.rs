//! A calibration's results folder (`calibration.json`): every fit `navbat calibrate` made,
//! with the curves its report draws, as plain data.
//!
//! The calibration crate fills it and the report crate renders it; neither needs the other,
//! and the report never refits. Durations are in minutes, rates per hour, volumes per year.

use serde::{Deserialize, Serialize};

/// Layout number of `calibration.json`; a reader refuses another.
pub const CALIBRATION_FORMAT: u32 = 1;

/// File name of the calibration results inside its folder.
pub const CALIBRATION_FILE: &str = "calibration.json";

/// Everything one calibration found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationFile {
    /// [`CALIBRATION_FORMAT`].
    pub format: u32,
    /// The navbat version that wrote it.
    pub version: String,
    /// The command line.
    pub command: String,
    /// The records read (file or folder).
    pub source: String,
    /// The base scenario, if one was given.
    pub base: Option<String>,
    /// First and last local date of the tickets, `YYYY-MM-DD`.
    pub period: (String, String),
    /// Tickets used.
    pub tickets: u64,
    /// Rows skipped per reason (`--skip-bad-rows`), per file.
    pub skipped: Vec<SkippedRows>,
    /// Service-time and repair-time fits.
    pub durations: Vec<DurationFit>,
    /// Patience fits, one per segment.
    pub patience: Vec<PatienceFit>,
    /// Arrivals per site.
    pub arrivals: Vec<ArrivalFit>,
    /// Channel shares per segment.
    pub shares: Vec<ShareFit>,
    /// Kiosk adoption trends per segment, where the records span two months or more.
    pub adoption: Vec<AdoptionFit>,
    /// Balking against the line length seen on arrival, per segment.
    pub balking: Vec<BalkingFit>,
    /// Kiosk failures per site and component.
    pub kiosks: Vec<KioskFailureFit>,
    /// Desks on duty per site and hour of the week.
    pub staffing: Vec<StaffingFit>,
    /// What the records could not tell, kept from the base or set to a documented default.
    pub assumed: Vec<String>,
    /// Where data were pooled and other remarks.
    pub remarks: Vec<String>,
}

/// Bad rows skipped in one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkippedRows {
    /// The file.
    pub file: String,
    /// (reason, rows) for every reason met.
    pub counts: Vec<(String, u64)>,
    /// A few examples, `file:line:column: problem`.
    pub examples: Vec<String>,
}

/// An estimate with its 95 % interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// What it is (e.g. `sigma`), with its unit where it has one.
    pub name: String,
    /// The estimate.
    pub value: f64,
    /// Lower end of the 95 % interval.
    pub ci95_low: f64,
    /// Upper end of the 95 % interval.
    pub ci95_high: f64,
}

/// One family fitted by maximum likelihood.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyFit {
    /// `exponential`, `gamma`, `lognormal` or `weibull`.
    pub family: String,
    /// Its parameters (rates per minute, scales in minutes).
    pub parameters: Vec<Interval>,
    /// Maximised log-likelihood.
    pub log_likelihood: f64,
    /// Akaike's information criterion.
    pub aic: f64,
    /// The fitted distribution's mean, minutes.
    pub mean: f64,
}

/// Goodness of fit of the chosen family by parametric bootstrap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GofResult {
    /// Size of the tested (sub)sample.
    pub n_tested: usize,
    /// Kolmogorov–Smirnov statistic D.
    pub ks: f64,
    /// Its bootstrap p-value.
    pub ks_p: f64,
    /// Anderson–Darling statistic A².
    pub ad: f64,
    /// Its bootstrap p-value.
    pub ad_p: f64,
    /// Bootstrap replicates.
    pub replicates: usize,
}

/// A duration (service or repair time) fitted by maximum likelihood, families ranked by AIC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DurationFit {
    /// What was fitted, e.g. `service time: passport at the counter`.
    pub what: String,
    /// Which rows: `pooled over all sites`, or one site.
    pub scope: String,
    /// Unit of the values (`min` or `h`).
    pub unit: String,
    /// Values fitted.
    pub n: usize,
    /// Values recorded as zero (taken as half the recording resolution).
    pub zeros: usize,
    /// Fits, best AIC first.
    pub fits: Vec<FamilyFit>,
    /// The chosen family's test.
    pub gof: Option<GofResult>,
    /// What the scenario got.
    pub written_as: String,
    /// Histogram (bin start, bin end, count), minutes; the last bin holds everything above.
    pub histogram: Vec<(f64, f64, u64)>,
    /// The chosen family's density at points (minutes, per minute).
    pub density: Vec<(f64, f64)>,
    /// Q–Q points (fitted quantile, observed quantile), minutes.
    pub qq: Vec<(f64, f64)>,
}

/// Patience of one segment from censored waits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatienceFit {
    /// The segment.
    pub segment: String,
    /// Which rows.
    pub scope: String,
    /// Waits in the line (abandoned + served + sent home).
    pub n: usize,
    /// Abandonments (observed patience).
    pub events: usize,
    /// Kaplan–Meier steps (minutes, survival, 95 % low, 95 % high), thinned for drawing.
    pub kaplan_meier: Vec<(f64, f64, f64, f64)>,
    /// Kaplan–Meier median with its interval, if reached.
    pub km_median: Option<f64>,
    /// Censored fits, best AIC first.
    pub fits: Vec<FamilyFit>,
    /// The chosen family's survival at points (minutes, survival).
    pub fitted_survival: Vec<(f64, f64)>,
    /// What the scenario got.
    pub written_as: String,
}

/// Arrivals at one site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArrivalFit {
    /// The site.
    pub site: String,
    /// Arrivals (tickets of every channel but pickups and portal).
    pub arrivals: u64,
    /// Days in the period.
    pub days: u32,
    /// Yearly volume as the scenario holds it: Garwood (Poisson) interval.
    pub yearly: Interval,
    /// The same with the interval widened by the dispersion index (quasi-Poisson).
    pub yearly_quasi: Interval,
    /// Per service (service, arrivals, yearly volume with its Garwood interval).
    pub per_service: Vec<(String, u64, Interval)>,
    /// The index-of-dispersion test of daily counts (one mean per weekday and month);
    /// `None` when there are too few days to test.
    pub dispersion: Option<DispersionTest>,
    /// Fitted weights Monday..Sunday.
    pub weekday: Vec<f64>,
    /// Fitted weights hour 0..23.
    pub hour: Vec<f64>,
    /// Fitted weights January..December (unobserved months at the mean of the observed).
    pub month: Vec<f64>,
    /// Months with data (1..12).
    pub months_seen: Vec<u8>,
    /// Observed mean arrivals per hour, hour of the week (Monday 0:00 = 0), 168 values.
    pub observed_hour_of_week: Vec<f64>,
    /// The fitted NHPP's mean per hour over the same days, 168 values.
    pub fitted_hour_of_week: Vec<f64>,
    /// Arrivals outside the scenario's opening hours (lost to the twin).
    pub outside_hours: u64,
}

/// The index-of-dispersion test of daily counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DispersionTest {
    /// Index of dispersion (variance over mean); 1 for Poisson.
    pub index: f64,
    /// Its chi-square statistic.
    pub statistic: f64,
    /// Degrees of freedom.
    pub df: usize,
    /// p-value against over-dispersion.
    pub p_over: f64,
}

/// A channel's share of one segment's tickets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareFit {
    /// The segment.
    pub segment: String,
    /// `counter`, `kiosk` or `portal`.
    pub channel: String,
    /// Tickets.
    pub count: u64,
    /// Share with its Wilson interval.
    pub share: Interval,
}

/// The kiosk share of a segment over the months, a logistic trend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdoptionFit {
    /// The segment.
    pub segment: String,
    /// Per month seen (months since the first, kiosk tickets, tickets).
    pub monthly: Vec<(f64, u64, u64)>,
    /// Intercept and slope (per month) on the logit scale.
    pub parameters: Vec<Interval>,
    /// The trend's share on the horizon's first and last day, with intervals.
    pub start: Interval,
    /// See `start`.
    pub end: Interval,
}

/// Balking of one segment against the counter line seen on arrival.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalkingFit {
    /// The segment.
    pub segment: String,
    /// Counter arrivals.
    pub arrivals: u64,
    /// Of which balked.
    pub balked: u64,
    /// Per line length seen (length, arrivals, balked), lengths above 40 pooled in 40.
    pub by_length: Vec<(u32, u64, u64)>,
    /// The chosen threshold (line length at and above which people balk).
    pub threshold: u32,
    /// Balking probability at and above the threshold (Wilson interval).
    pub above: Interval,
    /// Balking share below the threshold (the scenario's rule has none there).
    pub below: Interval,
}

/// Failures of one kiosk component at one site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KioskFailureFit {
    /// The site.
    pub site: String,
    /// The component (`all` for the total).
    pub component: String,
    /// Failures.
    pub failures: u64,
    /// Kiosk-hours up.
    pub up_hours: f64,
    /// Mean time between failures, hours (Garwood interval).
    pub mtbf_hours: Interval,
    /// Repairs seen.
    pub repairs: u64,
    /// Mean repair time, hours.
    pub mean_repair_hours: f64,
}

/// Desks on duty at one site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffingFit {
    /// The site.
    pub site: String,
    /// `roster`, `inferred from busy periods`, or `kept from the base`.
    pub source: String,
    /// Mean desks on duty, hour of the week (Monday 0:00 = 0), 168 values.
    pub mean_on_duty: Vec<f64>,
    /// What the scenario got, rounded, 168 values.
    pub written: Vec<u32>,
    /// Desks seen serving in the hour (the naive count), 168 values.
    pub seen_serving: Vec<f64>,
    /// The share of on-duty desks serving the line while someone waited in it, with its
    /// interval; `written` is `mean_on_duty` times this share, rounded (at least one desk
    /// where one was on duty). `None`: too few moments with a line to tell (share 1 used).
    #[serde(default)]
    pub availability: Option<Interval>,
}
