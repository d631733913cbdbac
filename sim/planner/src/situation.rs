//! The Situation Centre's numbers: what each site's floor shows now, and short histories
//! of it for sparklines.
//!
//! Readings come from the engine's own [`SiteState`] after each step; nothing here models
//! behaviour. Histories are sampled at fixed simulated instants (every
//! [`SAMPLE_EVERY_MS`]), so they do not depend on the frame rate.

use std::collections::VecDeque;

use navbat_engine::{DAY_MS, MINUTE_MS, SimTime, SiteState, Whereabouts};

/// Simulated time between two history samples.
pub const SAMPLE_EVERY_MS: i64 = 15 * MINUTE_MS;
/// Samples in the short history: the last 24 simulated hours.
pub const SHORT_SAMPLES: usize = 96;
/// Days in the long history.
pub const LONG_DAYS: usize = 30;

/// One site's floor at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SiteReading {
    /// A window is open now.
    pub open: bool,
    /// People waiting for an officer.
    pub counter_waiting: u32,
    /// People waiting for a kiosk.
    pub kiosk_waiting: u32,
    /// Longest time anyone now in a line has waited, minutes.
    pub longest_wait_min: f64,
    /// Mean time people now in a line have waited, minutes (0 when nobody waits).
    pub mean_wait_min: f64,
    /// Officer counters on duty.
    pub officers_on_duty: u32,
    /// Officer counters serving someone.
    pub officers_busy: u32,
    /// Kiosks installed.
    pub kiosks: u32,
    /// Kiosks working.
    pub kiosks_up: u32,
    /// Kiosks in a session.
    pub kiosks_busy: u32,
    /// People at the site (waiting or being served).
    pub people: u32,
}

impl SiteReading {
    /// Reads a floor at `now`.
    pub fn from_floor(floor: &SiteState, now: SimTime) -> Self {
        let (mut waiting, mut total_ms, mut longest_ms) = (0u32, 0i64, 0i64);
        for person in floor.people.iter().filter(|p| p.at != Whereabouts::InService) {
            let ms = (now.0 - person.queued_at.0).max(0);
            waiting += 1;
            total_ms += ms;
            longest_ms = longest_ms.max(ms);
        }
        let count = |it: &mut dyn Iterator<Item = bool>| it.filter(|&b| b).count() as u32;
        Self {
            open: floor.open,
            counter_waiting: floor.counter_waiting,
            kiosk_waiting: floor.kiosk_waiting,
            longest_wait_min: longest_ms as f64 / MINUTE_MS as f64,
            mean_wait_min: if waiting == 0 {
                0.0
            } else {
                total_ms as f64 / f64::from(waiting) / MINUTE_MS as f64
            },
            officers_on_duty: count(&mut floor.counters.iter().map(|c| c.on_duty)),
            officers_busy: count(&mut floor.counters.iter().map(|c| c.serving.is_some())),
            kiosks: floor.kiosks.len() as u32,
            kiosks_up: count(&mut floor.kiosks.iter().map(|k| k.up)),
            kiosks_busy: count(&mut floor.kiosks.iter().map(|k| k.serving.is_some())),
            people: floor.people.len(),
        }
    }

    /// People waiting in both lines.
    pub fn waiting(&self) -> u32 {
        self.counter_waiting + self.kiosk_waiting
    }

    /// Share of on-duty officers serving someone, if any officer is on duty.
    pub fn officer_utilization(&self) -> Option<f64> {
        (self.officers_on_duty > 0).then(|| {
            f64::from(self.officers_busy.min(self.officers_on_duty))
                / f64::from(self.officers_on_duty)
        })
    }

    /// Share of working kiosks in a session, if any kiosk works.
    pub fn kiosk_utilization(&self) -> Option<f64> {
        (self.kiosks_up > 0).then(|| f64::from(self.kiosks_busy) / f64::from(self.kiosks_up))
    }

    /// Service-level state against a waiting-time target.
    pub fn sla(&self, target_wait_min: f64) -> SlaState {
        if !self.open && self.waiting() == 0 {
            SlaState::Closed
        } else if self.longest_wait_min > target_wait_min {
            SlaState::Breached
        } else if self.longest_wait_min > 0.75 * target_wait_min {
            SlaState::AtRisk
        } else {
            SlaState::Met
        }
    }
}

/// Whether a site keeps its waiting-time target right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaState {
    /// Closed and empty.
    Closed,
    /// Everyone waiting is within three quarters of the target.
    Met,
    /// Someone has waited more than three quarters of the target.
    AtRisk,
    /// Someone has waited longer than the target.
    Breached,
}

impl SlaState {
    /// Short label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Closed => "closed",
            Self::Met => "on target",
            Self::AtRisk => "at risk",
            Self::Breached => "breached",
        }
    }
}

/// A fixed-length series, oldest value first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sparkline {
    values: VecDeque<f32>,
    capacity: usize,
}

impl Sparkline {
    /// An empty series keeping the last `capacity` values.
    pub fn new(capacity: usize) -> Self {
        Self { values: VecDeque::with_capacity(capacity), capacity }
    }

    /// Appends a value, dropping the oldest when full.
    pub fn push(&mut self, value: f32) {
        if self.values.len() == self.capacity {
            self.values.pop_front();
        }
        self.values.push_back(value);
    }

    /// Values, oldest first.
    pub fn values(&self) -> impl ExactSizeIterator<Item = f32> + '_ {
        self.values.iter().copied()
    }

    /// Largest value (0 when empty).
    pub fn max(&self) -> f32 {
        self.values.iter().copied().fold(0.0, f32::max)
    }

    /// Values held.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether no value is held.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Most recent value.
    pub fn last(&self) -> Option<f32> {
        self.values.back().copied()
    }
}

/// One site's histories.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteHistory {
    /// People waiting, every 15 simulated minutes over the last day.
    pub waiting: Sparkline,
    /// Longest current wait (minutes), every 15 minutes over the last day.
    pub longest_wait_min: Sparkline,
    /// Officer utilisation (0 to 1, 0 when nobody is on duty), every 15 minutes.
    pub officer_utilization: Sparkline,
    /// Each day's peak of the longest current wait (minutes), last 30 days.
    pub daily_peak_wait_min: Sparkline,
    /// Each day's peak number of people waiting, last 30 days.
    pub daily_peak_waiting: Sparkline,
    day_peak_wait: f32,
    day_peak_waiting: f32,
}

impl SiteHistory {
    fn new() -> Self {
        Self {
            waiting: Sparkline::new(SHORT_SAMPLES),
            longest_wait_min: Sparkline::new(SHORT_SAMPLES),
            officer_utilization: Sparkline::new(SHORT_SAMPLES),
            daily_peak_wait_min: Sparkline::new(LONG_DAYS),
            daily_peak_waiting: Sparkline::new(LONG_DAYS),
            day_peak_wait: 0.0,
            day_peak_waiting: 0.0,
        }
    }

    fn sample(&mut self, r: &SiteReading) {
        let wait = r.longest_wait_min as f32;
        let waiting = r.waiting() as f32;
        self.waiting.push(waiting);
        self.longest_wait_min.push(wait);
        self.officer_utilization.push(r.officer_utilization().unwrap_or(0.0) as f32);
        self.day_peak_wait = self.day_peak_wait.max(wait);
        self.day_peak_waiting = self.day_peak_waiting.max(waiting);
    }

    fn close_day(&mut self) {
        self.daily_peak_wait_min.push(self.day_peak_wait);
        self.daily_peak_waiting.push(self.day_peak_waiting);
        self.day_peak_wait = 0.0;
        self.day_peak_waiting = 0.0;
    }
}

/// Every site's histories, sampled at fixed simulated instants.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// Per site, in scenario order.
    pub sites: Vec<SiteHistory>,
    next_sample: SimTime,
}

impl History {
    /// Empty histories for `sites` sites; the first sample is taken at `start`.
    pub fn new(sites: usize, start: SimTime) -> Self {
        Self { sites: (0..sites).map(|_| SiteHistory::new()).collect(), next_sample: start }
    }

    /// The next instant a sample is due.
    pub fn next_sample(&self) -> SimTime {
        self.next_sample
    }

    /// Records a sample of `readings` taken at the due instant; closes a day at midnight.
    pub fn record(&mut self, readings: &[SiteReading]) {
        let at = self.next_sample;
        for (h, r) in self.sites.iter_mut().zip(readings) {
            h.sample(r);
        }
        self.next_sample = SimTime(at.0 + SAMPLE_EVERY_MS);
        if self.next_sample.0.rem_euclid(DAY_MS) == 0 {
            for h in &mut self.sites {
                h.close_day();
            }
        }
    }
}

/// Colour band of a wait, for the map and tables: green, yellow, orange, red.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum WaitBand {
    /// Under 15 minutes.
    Short,
    /// 15 to 30 minutes.
    Moderate,
    /// 30 to 60 minutes.
    Long,
    /// Over an hour.
    Severe,
}

impl WaitBand {
    /// The band of a wait in minutes.
    pub fn of(wait_min: f64) -> Self {
        if wait_min < 15.0 {
            Self::Short
        } else if wait_min < 30.0 {
            Self::Moderate
        } else if wait_min < 60.0 {
            Self::Long
        } else {
            Self::Severe
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_keeps_the_last_values() {
        let mut s = Sparkline::new(3);
        for v in [1.0, 5.0, 2.0, 4.0] {
            s.push(v);
        }
        assert_eq!(s.values().collect::<Vec<_>>(), vec![5.0, 2.0, 4.0]);
        assert_eq!(s.max(), 5.0);
        assert_eq!(s.last(), Some(4.0));
    }

    #[test]
    fn a_day_of_samples_closes_one_day_peak() {
        let mut h = History::new(1, SimTime(0));
        let mut r = SiteReading { open: true, counter_waiting: 2, ..SiteReading::default() };
        for i in 0..96 {
            r.longest_wait_min = if i == 40 { 70.0 } else { 5.0 };
            h.record(&[r]);
        }
        let site = &h.sites[0];
        assert_eq!(site.waiting.len(), 96);
        assert_eq!(site.daily_peak_wait_min.values().collect::<Vec<_>>(), vec![70.0]);
        assert_eq!(site.daily_peak_waiting.values().collect::<Vec<_>>(), vec![2.0]);
        assert_eq!(h.next_sample(), SimTime(DAY_MS));
    }

    #[test]
    fn sla_and_bands() {
        let mut r = SiteReading { open: true, ..SiteReading::default() };
        assert_eq!(r.sla(30.0), SlaState::Met);
        r.counter_waiting = 1;
        r.longest_wait_min = 25.0;
        assert_eq!(r.sla(30.0), SlaState::AtRisk);
        r.longest_wait_min = 31.0;
        assert_eq!(r.sla(30.0), SlaState::Breached);
        r = SiteReading::default();
        assert_eq!(r.sla(30.0), SlaState::Closed);
        assert_eq!(WaitBand::of(10.0), WaitBand::Short);
        assert_eq!(WaitBand::of(45.0), WaitBand::Long);
        assert_eq!(WaitBand::of(90.0), WaitBand::Severe);
        assert_eq!(r.officer_utilization(), None);
    }
}
