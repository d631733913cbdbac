//! What a run needs from the scenario, prepared once: plans, samplers, limits. Shared
//! read-only by every replication.

use std::sync::Arc;

use bevy_ecs::prelude::*;
use navbat_scenario::Scenario;

use crate::plan::{SitePlan, horizon_end, site_plan};
use crate::sample::Sampler;
use crate::time::{DAY_MS, HOUR_MS, SimTime};

/// The prepared scenario.
#[derive(Debug)]
pub struct Model {
    /// The scenario itself.
    pub scenario: Scenario,
    /// Per site, its calendar and arrival rates.
    pub plans: Vec<SitePlan>,
    /// Per service: what an arrival draws and looks up of it.
    pub service_draws: Vec<ServiceDraws>,
    /// Per segment: what an arrival draws and looks up of it.
    pub segment_draws: Vec<SegmentDraws>,
    /// Per site, per kiosk group: repair time (hours).
    pub repair: Vec<Vec<Option<Sampler>>>,
    /// Start of the horizon.
    pub start: SimTime,
    /// End of the horizon.
    pub end: SimTime,
    /// People arriving before this are left out of statistics.
    pub warm_up_end: SimTime,
    /// Start of each calendar month the horizon touches, and its `YYYY-MM` label.
    pub months: Vec<(SimTime, String)>,
    /// Face-ID at kiosks: the matcher's model and the 1:1 threshold for the target FMR.
    pub face: Option<FaceModel>,
    /// Per site: whether a counter group's officers handle a service, at
    /// `group × services + service` (see [`Model::handles`]).
    pub group_handles: Vec<Vec<bool>>,
    /// Per site, per service: (some counter handles it, some kiosk can), worked out once
    /// instead of on every arrival.
    pub servable: Vec<Vec<(bool, bool)>>,
    /// Per site, at `service × segments + segment`: the channel every such request takes,
    /// where that needs no draw (the segment never chooses between channels and its shares
    /// stay the same); `None` where it is drawn on arrival.
    pub(crate) fixed_channel: Vec<Vec<Option<Channel>>>,
    /// Per site: whether its floor is plain — officer counters only, with Face-ID, case
    /// workflows and the app's routing off, and nobody who draws more than officer time
    /// (no patience, balking, assistance or kiosk service). The event handlers of a plain
    /// floor are compiled without what it lacks (a faster copy of the same rules). `false`
    /// is always safe (the general handlers); `true` only where the floor is plain.
    pub plain: Vec<bool>,
    /// With the app's routing on: per site, the other sites within its radius and the extra
    /// travel to each, ms.
    pub neighbours: Vec<Vec<(usize, i64)>>,
    /// Minutes of waiting the app announces per person in line and per server: the mean
    /// officer time over the catalogue.
    pub announced_min_per_person: f64,
    /// Per site: its stable key ([`crate::site_key`] of its id), which keys its random
    /// streams and tags its people's ids.
    pub site_keys: Vec<u64>,
    /// Per site: the arrivals replayed from records instead of drawn (see
    /// [`Model::replaying`]); `None` where arrivals are drawn from the scenario's rates.
    pub replay: Vec<Option<Arc<[Replayed]>>>,
}

/// What an arrival needs of its service, in one record (one lookup per arrival).
#[derive(Debug, Clone)]
pub struct ServiceDraws {
    /// Officer time (minutes).
    pub counter_time: Sampler,
    /// Kiosk time (minutes), if kiosks can handle it.
    pub kiosk_time: Option<Sampler>,
    /// What a kiosk must be able to do for it.
    pub kiosk_needs: Option<navbat_scenario::Capabilities>,
    /// Whether it can also be asked for on the portal.
    pub portal: bool,
    /// The segment of every request, when the service has one only (no draw).
    pub only_segment: Option<navbat_scenario::SegmentIdx>,
    /// Whether an arrival draws more than officer time for it: kiosk time or outcome.
    pub draws_more: bool,
}

/// A segment's returns after a failed visit, ready to draw.
#[derive(Debug, Clone)]
pub struct RetrialDraws {
    /// Probability of coming back after a failed visit.
    pub probability: f64,
    /// Days until they come back.
    pub delay_days: Sampler,
    /// Most visits, the first included.
    pub max_visits: u32,
}

/// What an arrival needs of its segment, in one record (one lookup per arrival).
#[derive(Debug, Clone)]
pub struct SegmentDraws {
    /// Channel shares, when they stay the same over the horizon (no kiosk adoption).
    pub channel: Option<navbat_scenario::ChannelChoice>,
    /// Whether an arrival draws its channel, i.e. whether the segment may ever choose
    /// between two channels or more (kiosk adoption counted). It depends on the segment
    /// alone, not on what a site offers, so a variant of the scenario (say, without
    /// kiosks) consumes the same numbers.
    pub channel_draw: bool,
    /// Probability that a kiosk session succeeds.
    pub kiosk_success: f64,
    /// Served first: the segment has priority and the queue discipline gives it.
    pub priority: bool,
    /// Patience in line (minutes).
    pub patience: Option<Sampler>,
    /// Balking on arrival.
    pub balking: Option<navbat_scenario::Balking>,
    /// Share of kiosk users who need a floor assistant, and the assistant's time (minutes).
    pub assistance: Option<(f64, Sampler)>,
    /// Whether an arrival draws anything for it: patience, balking or assistance.
    pub draws_more: bool,
    /// Who comes back after a visit that ended unserved (see [`RetrialDraws`]).
    pub retrial: Option<RetrialDraws>,
    /// Round trip to a site, ms: what a visit that ends unserved wastes besides the time
    /// at the site (0 without a retrial block).
    pub trip_ms: i64,
}

/// One arrival replayed from a record (a ticket log of another period) instead of drawn: when,
/// for which service and segment, and by which channel, as the record says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replayed {
    /// When the request was made.
    pub at: SimTime,
    /// Index of the service in the scenario.
    pub service: u16,
    /// Index of the segment in the scenario; `None`: drawn from the service's mix.
    pub segment: Option<u16>,
    /// The channel the record shows; `None`, or one the site does not offer for the service:
    /// chosen as the scenario's shares say. `Pickup` is not an arrival and is never replayed.
    pub channel: Option<crate::TicketChannel>,
}

/// How a person chose to be served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Channel {
    Kiosk,
    Counter,
    Portal,
}

/// What a site offers for one service.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Offered {
    /// Some counter handles it.
    pub(crate) counter: bool,
    /// Some kiosk can.
    pub(crate) kiosk: bool,
    /// The portal takes it.
    pub(crate) portal: bool,
}

impl Offered {
    /// The channel of a person with shares `ch`, from a uniform draw `u` in [0, 1) (0 for a
    /// segment that does not draw): the shares of what is offered, in the order kiosk,
    /// counter, portal. A person who prefers only what is not offered takes what is.
    pub(crate) fn choose(self, ch: navbat_scenario::ChannelChoice, u: f64) -> Channel {
        let weights = [
            if self.kiosk { ch.kiosk } else { 0.0 },
            if self.counter { ch.counter } else { 0.0 },
            if self.portal { ch.portal } else { 0.0 },
        ];
        let total: f64 = weights.iter().sum();
        let x = u * total;
        if total <= 0.0 {
            if self.counter {
                Channel::Counter
            } else if self.kiosk {
                Channel::Kiosk
            } else {
                Channel::Portal
            }
        } else if x < weights[0] {
            Channel::Kiosk
        } else if x < weights[0] + weights[1] {
            Channel::Counter
        } else {
            Channel::Portal
        }
    }
}

/// Straight-line distance between two points on the Earth, km (haversine, radius 6,371 km).
fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) =
        (a.0.to_radians(), a.1.to_radians(), b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6_371.0 * h.sqrt().asin()
}

/// The mean of a duration distribution.
fn mean_of(d: &navbat_scenario::Dist) -> f64 {
    use navbat_scenario::Dist;
    match d {
        Dist::Constant { value } => *value,
        Dist::Exponential { mean } | Dist::LogNormal { mean, .. } | Dist::Gamma { mean, .. } => {
            *mean
        }
        Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
        Dist::Empirical { values } => values.iter().sum::<f64>() / values.len().max(1) as f64,
    }
}

/// What the matcher needs, prepared once.
#[derive(Debug, Clone)]
pub struct FaceModel {
    /// The calibrated synthetic biometric model.
    pub biometrics: navbat_matching::BiometricModel,
    /// 1:1 threshold (cosine) for the scenario's target false-match rate.
    pub threshold: navbat_matching::Threshold,
    /// Share of women among applicants.
    pub share_female: f64,
    /// Identities in the scaled 1:N gallery.
    pub gallery: u32,
    /// Best 1:N score in the scaled gallery → the score the same search reaches in the
    /// national gallery, tabulated (see [`FaceModel::national_score`]).
    pub national: Vec<f32>,
}

/// Step of the scaled-to-national score table.
const NATIONAL_STEP: f32 = 0.002;
/// Highest score in the table: impostor maxima of 512-d templates stay far below.
const NATIONAL_MAX: f32 = 0.6;

impl FaceModel {
    /// The score a 1:N search whose best impostor score is `best` in the scaled gallery
    /// reaches among the national gallery's 38 million: the score whose impostor tail is
    /// `tail(best) × scaled size / national size` (the exact tail of the matcher's
    /// isotropic model; for independent impostors the maxima of the two galleries then
    /// have the same distribution). Linear interpolation in a table made once per model.
    pub fn national_score(&self, best: f32) -> f32 {
        let x = (best.max(0.0) / NATIONAL_STEP).min((self.national.len() - 1) as f32);
        let i = (x as usize).min(self.national.len().saturating_sub(2));
        let f = x - i as f32;
        match (self.national.get(i), self.national.get(i + 1)) {
            (Some(a), Some(b)) => a + (b - a) * f,
            (Some(a), None) => *a,
            _ => best,
        }
    }
}

/// The table behind [`FaceModel::national_score`], for scores 0 to [`NATIONAL_MAX`].
fn national_table(dimension: usize, gallery: u32) -> Vec<f32> {
    use navbat_matching::{NATIONAL_GALLERY_SIZE, Threshold, isotropic_fmr};
    let scale = f64::from(gallery) / NATIONAL_GALLERY_SIZE as f64;
    let steps = (NATIONAL_MAX / NATIONAL_STEP).round() as usize;
    (0..=steps)
        .map(|i| {
            let s = i as f32 * NATIONAL_STEP;
            let national = Threshold::new(s.min(1.0))
                .and_then(|t| isotropic_fmr(dimension, t))
                .map(|tail| (tail * scale).clamp(1e-300, 1.0))
                .and_then(|fmr| navbat_matching::isotropic_threshold_for_fmr(dimension, fmr));
            national.map_or(s, |t| t.value())
        })
        .collect()
}

impl Model {
    /// Prepares `scenario` for simulation.
    pub fn new(scenario: Scenario) -> Arc<Self> {
        Arc::new(Self::build(scenario))
    }

    fn build(scenario: Scenario) -> Self {
        let plans = scenario.sites.iter().map(|s| site_plan(&scenario, s)).collect();
        let service_draws: Vec<ServiceDraws> = scenario
            .services
            .iter()
            .map(|s| ServiceDraws {
                counter_time: Sampler::new(&s.counter_minutes),
                kiosk_time: s.kiosk_minutes.as_ref().map(Sampler::new),
                kiosk_needs: s.kiosk_needs,
                portal: s.portal,
                only_segment: match s.segments.as_slice() {
                    [(only, _)] => Some(*only),
                    _ => None,
                },
                draws_more: s.kiosk_minutes.is_some() || s.kiosk_needs.is_some(),
            })
            .collect();
        let priority_served = scenario.queue.discipline == navbat_scenario::Discipline::Priority;
        let segment_draws: Vec<SegmentDraws> = scenario
            .segments
            .iter()
            .map(|seg| {
                let c = seg.channel;
                let kiosk_ever = c.kiosk.max(seg.kiosk_adoption.map_or(0.0, |(a, b)| a.max(b)));
                SegmentDraws {
                    channel: seg.kiosk_adoption.is_none().then_some(seg.channel),
                    channel_draw: [kiosk_ever, c.counter, c.portal]
                        .iter()
                        .filter(|&&w| w > 0.0)
                        .count()
                        > 1,
                    kiosk_success: seg.kiosk_success,
                    priority: seg.priority && priority_served,
                    patience: seg.patience_min.as_ref().map(Sampler::new),
                    balking: seg.balking,
                    assistance: seg
                        .assistance
                        .as_ref()
                        .map(|a| (a.share, Sampler::new(&a.minutes))),
                    draws_more: seg.patience_min.is_some()
                        || seg.balking.is_some()
                        || seg.assistance.is_some(),
                    retrial: seg.retrial.as_ref().map(|r| RetrialDraws {
                        probability: r.probability,
                        delay_days: Sampler::new(&r.delay_days),
                        max_visits: r.max_visits,
                    }),
                    trip_ms: seg.retrial.as_ref().map_or(0, |r| {
                        (r.trip_minutes * crate::time::MINUTE_MS as f64).round() as i64
                    }),
                }
            })
            .collect();
        let repair = scenario
            .sites
            .iter()
            .map(|site| {
                site.kiosks
                    .iter()
                    .map(|k| k.failures.as_ref().map(|f| Sampler::new(&f.repair_hours)))
                    .collect()
            })
            .collect();
        let start = SimTime::at_midnight(scenario.start);
        let end = horizon_end(&scenario);
        let warm_up_end = SimTime(start.0 + i64::from(scenario.warm_up_days) * DAY_MS);
        let face = scenario.face_id.and_then(|f| {
            let biometrics = navbat_matching::BiometricModel::default();
            // The target was validated to (0, 0.1]; the matcher computes its exact threshold.
            navbat_matching::isotropic_threshold_for_fmr(biometrics.dimension, f.target_fmr)
                .ok()
                .map(|threshold| FaceModel {
                    national: national_table(biometrics.dimension, f.gallery),
                    biometrics,
                    threshold,
                    share_female: f.share_female,
                    gallery: f.gallery,
                })
        });
        let servable: Vec<Vec<(bool, bool)>> = scenario
            .sites
            .iter()
            .map(|site| {
                let n = u16::try_from(scenario.services.len()).unwrap_or(u16::MAX);
                (0..n)
                    .map(|service| {
                        let need = scenario.services[usize::from(service)].kiosk_needs;
                        (
                            site.counters.iter().any(|c| c.handles(service)),
                            need.is_some_and(|n| {
                                site.kiosks.iter().any(|k| k.capabilities.covers(n))
                            }),
                        )
                    })
                    .collect()
            })
            .collect();
        let fixed_channel = servable
            .iter()
            .map(|offers| {
                offers
                    .iter()
                    .zip(&service_draws)
                    .flat_map(|(&(counter, kiosk), sv)| {
                        let offered = Offered { counter, kiosk, portal: sv.portal };
                        segment_draws.iter().map(move |sg| match sg.channel {
                            Some(ch) if !sg.channel_draw => Some(offered.choose(ch, 0.0)),
                            _ => None,
                        })
                    })
                    .collect()
            })
            .collect();
        let nothing_more = service_draws.iter().all(|s| !s.draws_more)
            && segment_draws.iter().all(|s| !s.draws_more);
        let plain = scenario
            .sites
            .iter()
            .map(|site| {
                site.kiosks.is_empty()
                    && scenario.face_id.is_none()
                    && scenario.workflows.is_none()
                    && scenario.routing.is_none()
                    && nothing_more
            })
            .collect();
        let handles = scenario
            .sites
            .iter()
            .map(|site| {
                let n = u16::try_from(scenario.services.len()).unwrap_or(u16::MAX);
                site.counters.iter().flat_map(|g| (0..n).map(|v| g.handles(v))).collect()
            })
            .collect();
        let mut months = Vec::new();
        let mut first = scenario.start.first_of_month();
        while first <= scenario.end {
            months.push((
                SimTime::at_midnight(first),
                format!("{:04}-{:02}", first.year(), first.month()),
            ));
            match first.checked_add(jiff::Span::new().months(1)) {
                Ok(next) => first = next,
                Err(_) => break,
            }
        }
        let neighbours = scenario
            .sites
            .iter()
            .enumerate()
            .map(|(i, a)| match scenario.routing {
                None => Vec::new(),
                Some(r) => scenario
                    .sites
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| j != i)
                    .filter_map(|(j, b)| {
                        let km = distance_km((a.lat, a.lon), (b.lat, b.lon));
                        (km <= r.radius_km)
                            .then(|| (j, (km / r.km_per_hour * HOUR_MS as f64).round() as i64))
                    })
                    .collect(),
            })
            .collect();
        let announced_min_per_person =
            scenario.services.iter().map(|s| mean_of(&s.counter_minutes)).sum::<f64>()
                / scenario.services.len().max(1) as f64;
        let site_keys = scenario.sites.iter().map(|s| crate::streams::site_key(&s.id)).collect();
        let replay = vec![None; scenario.sites.len()];
        Self {
            replay,
            neighbours,
            announced_min_per_person,
            site_keys,
            scenario,
            plans,
            service_draws,
            segment_draws,
            repair,
            start,
            end,
            warm_up_end,
            months,
            face,
            servable,
            fixed_channel,
            plain,
            group_handles: handles,
        }
    }

    /// Prepares `scenario` for simulation with the arrivals of some sites replayed: `replay[s]`
    /// lists site `s`'s arrivals (`None`: drawn as usual). Each list is put in time order;
    /// arrivals before the horizon's start, at or after its end, with a service or segment
    /// the scenario lacks, or by pickup are left out, and their number is returned beside the
    /// model, so that nothing is dropped unsaid. Everything else about a replayed person —
    /// officer time, patience, balking — is drawn as for anyone.
    pub fn replaying(scenario: Scenario, replay: Vec<Option<Vec<Replayed>>>) -> (Arc<Self>, u64) {
        let mut model = Self::build(scenario);
        let (services, segments) = (model.scenario.services.len(), model.scenario.segments.len());
        let mut left_out = 0;
        for (s, list) in replay.into_iter().enumerate().take(model.replay.len()) {
            let Some(mut list) = list else { continue };
            let before = list.len();
            list.retain(|r| {
                r.at >= model.start
                    && r.at < model.end
                    && usize::from(r.service) < services
                    && r.segment.is_none_or(|g| usize::from(g) < segments)
                    && r.channel != Some(crate::TicketChannel::Pickup)
            });
            left_out += (before - list.len()) as u64;
            list.sort_by_key(|r| r.at);
            model.replay[s] = Some(list.into());
        }
        (Arc::new(model), left_out)
    }

    /// Whether counter group `group` of site `site` handles `service`.
    #[inline]
    pub fn handles(&self, site: usize, group: u16, service: u16) -> bool {
        let n = self.scenario.services.len();
        self.group_handles
            .get(site)
            .and_then(|h| h.get(usize::from(group) * n + usize::from(service)))
            .is_some_and(|&h| h)
    }

    /// Index in [`Model::months`] of the month holding `t`.
    pub fn month_index(&self, t: SimTime) -> u16 {
        let i = self.months.partition_point(|(start, _)| *start <= t).saturating_sub(1);
        u16::try_from(i).unwrap_or(u16::MAX)
    }
}

/// The prepared scenario as a resource of the simulation world.
#[derive(Resource, Debug, Clone)]
pub struct ModelRes(pub Arc<Model>);
