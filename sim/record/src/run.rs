//! What one replication measured, and the summary over replications.

use serde::{Deserialize, Serialize};

use crate::Estimate;

/// Everything one replication measured at one site. Counts cover applicants who arrived
/// after the warm-up; the Little's-law pair covers everyone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteRecord {
    /// Replication number, from 0.
    pub replication: u32,
    /// Site id.
    pub site: String,
    /// People who came to the site (portal users excluded).
    pub arrivals: u64,
    /// Requests that went to the online portal instead.
    pub portal: u64,
    /// People whose request was completed (at a kiosk or a counter).
    pub served: u64,
    /// Of them, completed at a kiosk with no officer.
    pub served_kiosk: u64,
    /// Kiosk sessions that ended with the person sent on to a counter.
    pub kiosk_fallbacks: u64,
    /// Left on arrival because the line was too long.
    pub balked: u64,
    /// Left the line before being served.
    pub reneged: u64,
    /// Still waiting at closing and sent home.
    pub sent_home: u64,
    /// Could not be served at this site at all (no counter for the service after a kiosk failed).
    pub unserved: u64,
    /// Still at the site when the horizon ended.
    pub in_system_end: u64,
    /// Mean wait in line before service, minutes (served people).
    pub mean_wait_min: f64,
    /// Median wait, minutes.
    pub p50_wait_min: f64,
    /// 90th percentile wait, minutes.
    pub p90_wait_min: f64,
    /// 95th percentile wait, minutes.
    pub p95_wait_min: f64,
    /// Longest wait, minutes.
    pub max_wait_min: f64,
    /// Mean time from arrival to leaving served, minutes.
    pub mean_time_in_site_min: f64,
    /// Officer busy time over officer on-duty time.
    pub utilization: f64,
    /// Officer hours on duty (overtime included).
    pub officer_hours: f64,
    /// Officer hours spent serving.
    pub officer_busy_hours: f64,
    /// Kiosk busy time over kiosk available time (0 when no kiosks).
    pub kiosk_utilization: f64,
    /// Share of calendar time kiosks were working (1 when no kiosks or no failures).
    pub kiosk_uptime: f64,
    /// Kiosk failures.
    pub kiosk_failures: u64,
    /// Integral of the number of people waiting over time, person-minutes (everyone).
    pub queue_area_min: f64,
    /// Sum of every person's time in line, minutes (everyone): equals `queue_area_min`.
    pub time_in_line_min: f64,
    /// Kiosks installed at the site (for benefit per kiosk).
    #[serde(default)]
    pub kiosks: u32,
    /// People who meant to come here and went to another site on the app's advice (they
    /// count as arrivals where they went).
    #[serde(default)]
    pub routed_away: u64,
    /// Hours the counted people spent at the site, every visit included (first visit,
    /// pickup visit, time in line before leaving unserved): the citizen time a layout costs.
    #[serde(default)]
    pub citizen_hours: f64,
    /// Later visits to collect a produced document (counted cohort).
    #[serde(default)]
    pub pickups: u64,
    /// Of them, collected at a kiosk (document terminal) rather than a counter.
    #[serde(default)]
    pub pickups_kiosk: u64,
    /// Case workflows opened for requests made here (counted cohort; 0 without workflows).
    #[serde(default)]
    pub cases_opened: u64,
    /// Cases that ended with the document or decision delivered.
    #[serde(default)]
    pub cases_delivered: u64,
    /// Cases that ended refused (after any appeal).
    #[serde(default)]
    pub cases_refused: u64,
    /// Cases that lapsed (duty not paid, document not collected).
    #[serde(default)]
    pub cases_lapsed: u64,
    /// Cases still open when the horizon ended.
    #[serde(default)]
    pub cases_open_end: u64,
    /// Delivered cases in which no officer took part: kiosk request, every decision
    /// automated, pickup at a terminal (or nothing to collect).
    #[serde(default)]
    pub cases_no_officer: u64,
    /// Finished cases whose service has a statutory deadline that started.
    #[serde(default)]
    pub sla_cases: u64,
    /// Of them, finished within the deadline (working days).
    #[serde(default)]
    pub sla_met: u64,
    /// Delivered cases: mean days from the request to the document in hand (or the
    /// decision, when there is nothing to collect).
    #[serde(default)]
    pub end_to_end_mean_days: f64,
    /// Median of the same, days.
    #[serde(default)]
    pub end_to_end_p50_days: f64,
    /// 90th percentile of the same, days.
    #[serde(default)]
    pub end_to_end_p90_days: f64,
    /// Median days from request to document in hand by Kaplan–Meier: delivered cases as
    /// events, cases still open at the end censored at their age, so slow cases the year
    /// did not finish are not dropped.
    #[serde(default)]
    pub end_to_end_km_p50_days: f64,
    /// 90th percentile of the same by Kaplan–Meier (when not reached: the longest duration
    /// observed, a lower bound; see `end_to_end_km_p90_reached`).
    #[serde(default)]
    pub end_to_end_km_p90_days: f64,
    /// Whether the Kaplan–Meier survival fell to 10 % within the durations observed.
    #[serde(default)]
    pub end_to_end_km_p90_reached: bool,
    /// Decisions taken by automated rules alone (case log entries with rule reasons).
    #[serde(default)]
    pub automated_decisions: u64,
    /// Decisions taken by a human reviewer (completed tasks, all skills).
    #[serde(default)]
    pub reviewed_decisions: u64,
    /// Human tasks for biometric adjudication (1:N candidates, grey-zone scores).
    #[serde(default)]
    pub adjudications: u64,
    /// Appeals lodged against refusals.
    #[serde(default)]
    pub appeals: u64,
    /// Appeals decided in the applicant's favour.
    #[serde(default)]
    pub appeals_upheld: u64,
    /// Finished cases whose audit hash chain was verified.
    #[serde(default)]
    pub audit_verified: u64,
    /// Finished cases whose audit chain did not verify (must be 0).
    #[serde(default)]
    pub audit_failed: u64,
    /// Floor assistants at the site.
    #[serde(default)]
    pub floor_assistants: u32,
    /// Kiosk sessions a floor assistant helped with (counted people).
    #[serde(default)]
    pub assisted: u64,
    /// Mean wait at the kiosk for an assistant, minutes, over assisted sessions.
    #[serde(default)]
    pub assist_wait_mean_min: f64,
    /// Assistants' helping time over their time on the floor (the site's open hours).
    #[serde(default)]
    pub assistant_utilization: f64,
    /// Kiosk sessions that needed help where no assistant works: sent on to a counter.
    #[serde(default)]
    pub assistance_missing: u64,
    /// Visits of people who came back after leaving unserved (counted in `arrivals`: first
    /// visits are `arrivals - returns`).
    #[serde(default)]
    pub returns: u64,
    /// People who left unserved and will come back after the horizon ended.
    #[serde(default)]
    pub returns_pending_end: u64,
    /// People who left unserved for the last time (no return, or their last visit): lost
    /// demand.
    #[serde(default)]
    pub lost_demand: u64,
    /// Hours of the visits that ended unserved: the time at the site plus the segment's
    /// round trip (the round trips are in `citizen_hours` too).
    #[serde(default)]
    pub wasted_trip_hours: f64,
    /// Cases opened for requests taken at a kiosk (counted cohort).
    #[serde(default)]
    pub cases_kiosk: u64,
    /// Cases opened for requests taken at a counter.
    #[serde(default)]
    pub cases_counter: u64,
    /// Cases opened for requests made online from the site's catchment (no visit): the
    /// back office's online demand.
    #[serde(default)]
    pub cases_portal: u64,
    /// Free e-signature certificates put on the chip of a first ID card (the decree of
    /// 19 January 2026), for requests made here.
    #[serde(default)]
    pub esign_certificates: u64,
    /// Automatic registrations in the e-government identity system at a first ID card.
    #[serde(default)]
    pub egov_registrations: u64,
    /// Applications (cases opened) that were ineligible.
    #[serde(default)]
    pub applications_ineligible: u64,
    /// Applications that were fraudulent (the service's share, impostors, duplicates).
    #[serde(default)]
    pub applications_fraudulent: u64,
    /// Sound applications (eligible, genuine) that ended refused by a reviewer's decision.
    #[serde(default)]
    pub wrongful_refusals: u64,
    /// Unsound applications (ineligible or fraudulent) that ended delivered.
    #[serde(default)]
    pub wrongful_approvals: u64,
    /// Appeals against wrongful refusals (a sound application a reviewer refused).
    #[serde(default)]
    pub appeals_wrongful: u64,
    /// Of them, upheld.
    #[serde(default)]
    pub appeals_wrongful_upheld: u64,
    /// Appeals against rightful refusals (an unsound application).
    #[serde(default)]
    pub appeals_rightful: u64,
    /// Of them, upheld.
    #[serde(default)]
    pub appeals_rightful_upheld: u64,
    /// Requests made by an impostor that failed: their 1:1 check did not match them, or it
    /// did and the case ended refused (fraud caught, by the case's final outcome).
    #[serde(default)]
    pub impostors_caught: u64,
    /// Requests made by an impostor whose 1:1 check matched them and whose case did not end
    /// refused (delivered, lapsed, overturned on appeal, or still open): fraud missed.
    #[serde(default)]
    pub impostors_missed: u64,
    /// True duplicates whose 1:N search returned their earlier enrolment as a candidate.
    #[serde(default)]
    pub duplicates_caught: u64,
    /// True duplicates whose earlier enrolment scored below the candidate threshold.
    #[serde(default)]
    pub duplicates_missed: u64,
    /// Mean minutes a 1:N search waited for the national service (its capacity shared by
    /// every site), over the searches of counted cases.
    #[serde(default)]
    pub search_wait_mean_min: f64,
}

impl SiteRecord {
    /// Visits that ended without the request done.
    pub fn abandoned(&self) -> u64 {
        self.balked + self.reneged + self.sent_home + self.unserved
    }

    /// First visits: arrivals that were not returns.
    pub fn first_visits(&self) -> u64 {
        self.arrivals - self.returns.min(self.arrivals)
    }
}

/// One replication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplicationRecord {
    /// Replication number, from 0.
    pub replication: u32,
    /// Events the engine handled.
    pub events: u64,
    /// Per site, in scenario order.
    pub sites: Vec<SiteRecord>,
    /// Per site, the same counts broken down by service, segment, month and weekday-hour.
    pub breakdown: Vec<BreakdownRow>,
    /// Per site and demographic group, Face-ID outcomes at kiosks (empty when Face-ID is off).
    #[serde(default)]
    pub face: Vec<FaceRow>,
    /// The back office's human work by skill (empty without workflows).
    #[serde(default)]
    pub back_office: Vec<BackOfficeRow>,
    /// Why the engine's run-time guard stopped this replication early, if it did: its
    /// figures then cover only part of the horizon and must not be reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
}

/// Face-ID outcomes of genuine kiosk attempts for one group at one site (counted cohort).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaceRow {
    /// Replication number.
    pub replication: u32,
    /// Site id.
    pub site: String,
    /// Age band (`adult`, `elderly`, ...).
    pub age_band: String,
    /// Sex (`female`, `male`).
    pub sex: String,
    /// People who tried Face-ID at a kiosk.
    pub attempts: u64,
    /// No usable capture (at the kiosk, or no usable record photo).
    pub failed_to_acquire: u64,
    /// Genuine person scored below the threshold (a false non-match).
    pub false_non_matches: u64,
    /// 1:N de-duplication searches run for this group.
    #[serde(default)]
    pub searches: u64,
    /// Searches that returned a candidate above the threshold: a human adjudication.
    #[serde(default)]
    pub adjudications: u64,
    /// Minutes this group spent because Face-ID failed at the kiosk: the wait for and time
    /// at the counter that followed (sum over the group's people).
    #[serde(default)]
    pub extra_min: f64,
    /// Segment id of the group (rows are per segment × age band × sex).
    #[serde(default)]
    pub segment: String,
    /// Genuine 1:1 checks a case was opened with (every channel): the FNMR's denominator.
    #[serde(default)]
    pub genuine_checks: u64,
    /// Of them, not matched (false non-match or failure to acquire).
    #[serde(default)]
    pub genuine_unmatched: u64,
    /// 1:1 checks of impostors (someone presenting as another person): the FMR's
    /// denominator.
    #[serde(default)]
    pub impostor_checks: u64,
    /// Of them, matched: a false match, fraud missed.
    #[serde(default)]
    pub impostors_matched: u64,
    /// 1:N searches of true duplicates (mated searches): the FNIR's denominator.
    #[serde(default)]
    pub mated_searches: u64,
    /// Of them, the earlier enrolment below the candidate threshold: a false negative.
    #[serde(default)]
    pub mated_misses: u64,
    /// 1:N searches of everyone else (non-mated): the FPIR's denominator.
    #[serde(default)]
    pub nonmated_searches: u64,
    /// Of them, a candidate at or above the threshold: a false positive.
    #[serde(default)]
    pub nonmated_candidates: u64,
}

/// The back office of one replication: human work on cases, by skill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackOfficeRow {
    /// Replication number.
    pub replication: u32,
    /// Skill (`biometric-adjudication`, `appeal`, ...).
    pub skill: String,
    /// Tasks opened during the counted period.
    pub tasks_opened: u64,
    /// Tasks completed during the counted period.
    pub tasks_done: u64,
    /// Mean hours from a task opening to an officer claiming it (completed tasks).
    pub mean_wait_hours: f64,
    /// 90th percentile of the same, hours.
    pub p90_wait_hours: f64,
    /// Tasks still waiting when the horizon ended.
    pub waiting_end: u64,
    /// Officer hours spent on this skill's tasks.
    pub busy_hours: f64,
}

/// One candidate site with a given number of kiosks, one replication: what the expansion
/// proposal weighs. `kiosks = 0` is the site as it is without kiosks (the paired baseline).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpansionRow {
    /// Replication number (common random numbers across kiosk counts).
    pub replication: u32,
    /// Site id.
    pub site: String,
    /// Kiosks placed.
    pub kiosks: u32,
    /// People who came.
    pub arrivals: u64,
    /// Served.
    pub served: u64,
    /// Served at a kiosk.
    pub served_kiosk: u64,
    /// Left unserved.
    pub abandoned: u64,
    /// Mean wait, minutes.
    pub mean_wait_min: f64,
    /// P90 wait, minutes.
    pub p90_wait_min: f64,
    /// Hours people spent at the site.
    pub citizen_hours: f64,
    /// Officer hours spent serving.
    pub officer_busy_hours: f64,
    /// Kiosk utilisation.
    pub kiosk_utilization: f64,
}

impl ExpansionRow {
    /// The row of `site` in replication `replication` with `kiosks` kiosks.
    pub fn of(replication: u32, site: &SiteRecord, kiosks: u32) -> Self {
        Self {
            replication,
            site: site.site.clone(),
            kiosks,
            arrivals: site.arrivals,
            served: site.served,
            served_kiosk: site.served_kiosk,
            abandoned: site.abandoned(),
            mean_wait_min: site.mean_wait_min,
            p90_wait_min: site.p90_wait_min,
            citizen_hours: site.citizen_hours,
            officer_busy_hours: site.officer_busy_hours,
            kiosk_utilization: site.kiosk_utilization,
        }
    }
}

/// One plan (a candidate site with a kiosk count) of the expansion's ranking and selection:
/// KN++ over the site's kiosk counts with common random numbers, maximising the yearly net
/// value (officer and citizen hours at the scenario's prices, less the kiosks' yearly cost).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectionRow {
    /// Candidate site id.
    pub site: String,
    /// Kiosks of this plan.
    pub kiosks: u32,
    /// Replications the plan received (0..replications), common with the site's other plans.
    pub replications: u32,
    /// Mean net benefit against no kiosks over the replications both had, currency a year.
    pub mean_net_benefit: f64,
    /// Replications after which the plan was eliminated; empty for the selected plan and for
    /// plans left when the cap stopped the procedure.
    pub eliminated_after: Option<u32>,
    /// True for the site's selected plan.
    pub selected: bool,
    /// True when the cap stopped the site's procedure (no guarantee).
    pub capped: bool,
    /// Indifference zone, currency a year.
    pub indifference: f64,
    /// Probability of correct selection guaranteed for this site.
    pub pcs: f64,
    /// Replications of the first stage.
    pub first_stage: u32,
    /// Most replications allowed.
    pub max_replications: u32,
}

/// The proposal's totals when one assumption is moved to its low or high value, one
/// replication: the rows behind the tornado chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitivityRow {
    /// Assumption moved (e.g. `demand`, `kiosk_adoption`).
    pub assumption: String,
    /// `low`, `base` or `high`.
    pub level: String,
    /// Multiplier applied to the assumption.
    pub factor: f64,
    /// Replication number.
    pub replication: u32,
    /// Citizen hours saved by the proposal over the year (baseline minus proposal).
    pub citizen_hours_saved: f64,
    /// Officer serving hours freed over the year.
    pub officer_hours_freed: f64,
    /// People served at the proposal's kiosks.
    pub served_kiosk: u64,
}

/// Which breakdown a [`BreakdownRow`] belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// By requested service (key: service id).
    Service,
    /// By applicant segment (key: segment id).
    Segment,
    /// By calendar month of arrival (key: `YYYY-MM`).
    Month,
    /// By weekday and hour of arrival (key: `Mon 09`).
    WeekdayHour,
}

/// Counts of the counted cohort at one site for one key of one dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakdownRow {
    /// Replication number.
    pub replication: u32,
    /// Site id.
    pub site: String,
    /// The dimension.
    pub dimension: Dimension,
    /// The key within it.
    pub key: String,
    /// People who came (portal excluded).
    pub arrivals: u64,
    /// Served.
    pub served: u64,
    /// Served at a kiosk.
    pub served_kiosk: u64,
    /// Left unserved (balked, reneged, sent home, unserved).
    pub abandoned: u64,
    /// Mean wait of the served, minutes (0 when none).
    pub mean_wait_min: f64,
    /// By service only: finished cases with a started statutory deadline (0 elsewhere).
    #[serde(default)]
    pub sla_cases: u64,
    /// By service only: of them, finished within the deadline.
    #[serde(default)]
    pub sla_met: u64,
    /// By month only: e-signature certificates put on first ID cards produced that month
    /// (the decree of 19 January 2026; 0 elsewhere).
    #[serde(default)]
    pub esign_certificates: u64,
    /// By month only: e-government identity registrations at a first ID card that month.
    #[serde(default)]
    pub egov_registrations: u64,
    /// By service and segment only: sound applications that ended refused by a reviewer.
    #[serde(default)]
    pub wrongful_refusals: u64,
    /// By service and segment only: unsound applications that ended delivered.
    #[serde(default)]
    pub wrongful_approvals: u64,
}

/// Summary of one site over replications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteSummary {
    /// Site id.
    pub name: String,
    /// Arrivals.
    pub arrivals: Estimate,
    /// Served.
    pub served: Estimate,
    /// Balked, reneged, sent home or unserved.
    pub abandoned: Estimate,
    /// Portal requests.
    pub portal: Estimate,
    /// Share of served people done at a kiosk.
    pub kiosk_share: Estimate,
    /// Mean wait, minutes.
    pub mean_wait_min: Estimate,
    /// Median wait, minutes.
    pub p50_wait_min: Estimate,
    /// P90 wait, minutes.
    pub p90_wait_min: Estimate,
    /// P95 wait, minutes.
    pub p95_wait_min: Estimate,
    /// Officer utilisation.
    pub utilization: Estimate,
    /// Kiosk utilisation.
    pub kiosk_utilization: Estimate,
    /// Kiosk uptime.
    pub kiosk_uptime: Estimate,
    /// Kiosk sessions helped by a floor assistant.
    #[serde(default)]
    pub assisted: Estimate,
    /// Mean wait for a floor assistant, minutes.
    #[serde(default)]
    pub assist_wait_mean_min: Estimate,
    /// Floor assistants' utilisation.
    #[serde(default)]
    pub assistant_utilization: Estimate,
    /// Visits of people coming back after leaving unserved.
    #[serde(default)]
    pub returns: Estimate,
    /// People who gave up for good.
    #[serde(default)]
    pub lost_demand: Estimate,
    /// Hours of visits that ended unserved (time at the site and round trip).
    #[serde(default)]
    pub wasted_trip_hours: Estimate,
    /// Cases opened for online requests (no visit).
    #[serde(default)]
    pub portal_cases: Estimate,
    /// Cases opened for requests taken at a kiosk.
    #[serde(default)]
    pub kiosk_cases: Estimate,
    /// Cases opened for requests taken at a counter.
    #[serde(default)]
    pub counter_cases: Estimate,
    /// E-signature certificates issued at a first ID card.
    #[serde(default)]
    pub esign_certificates: Estimate,
    /// E-government registrations at a first ID card.
    #[serde(default)]
    pub egov_registrations: Estimate,
    /// Sound applications refused by a reviewer.
    #[serde(default)]
    pub wrongful_refusals: Estimate,
    /// Unsound applications delivered.
    #[serde(default)]
    pub wrongful_approvals: Estimate,
    /// Impostors caught: not matched at 1:1, or matched and their case refused.
    #[serde(default)]
    pub impostors_caught: Estimate,
    /// Impostors missed: matched at 1:1 and their case not refused.
    #[serde(default)]
    pub impostors_missed: Estimate,
    /// True duplicates the 1:N search found.
    #[serde(default)]
    pub duplicates_caught: Estimate,
    /// True duplicates the 1:N search missed.
    #[serde(default)]
    pub duplicates_missed: Estimate,
}

/// Summary of a run over its replications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// Scenario name.
    pub scenario: String,
    /// Master seed.
    pub seed: u64,
    /// Number of replications.
    pub replications: u32,
    /// Per site.
    pub sites: Vec<SiteSummary>,
    /// Paired differences against the no-kiosk baseline, when one was run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vs_baseline: Option<Vec<crate::SiteComparison>>,
}

impl RunSummary {
    /// Adds the paired comparison with `baseline` (run with the same seed and replications).
    pub fn with_baseline(
        mut self,
        variant: &[ReplicationRecord],
        baseline: &[ReplicationRecord],
    ) -> Self {
        self.vs_baseline = Some(crate::compare_paired(variant, baseline));
        self
    }

    /// Summarises replications (which must list the same sites in the same order).
    pub fn from_replications(scenario: &str, seed: u64, reps: &[ReplicationRecord]) -> Self {
        let n_sites = reps.first().map_or(0, |r| r.sites.len());
        let sites = (0..n_sites)
            .map(|i| {
                let est = |f: &dyn Fn(&SiteRecord) -> f64| {
                    let v: Vec<f64> = reps.iter().filter_map(|r| r.sites.get(i)).map(f).collect();
                    Estimate::from_samples(&v)
                };
                SiteSummary {
                    name: reps[0].sites[i].site.clone(),
                    arrivals: est(&|s| s.arrivals as f64),
                    served: est(&|s| s.served as f64),
                    abandoned: est(&|s| s.abandoned() as f64),
                    portal: est(&|s| s.portal as f64),
                    kiosk_share: est(&|s| ratio(s.served_kiosk, s.served)),
                    mean_wait_min: est(&|s| s.mean_wait_min),
                    p50_wait_min: est(&|s| s.p50_wait_min),
                    p90_wait_min: est(&|s| s.p90_wait_min),
                    p95_wait_min: est(&|s| s.p95_wait_min),
                    utilization: est(&|s| s.utilization),
                    kiosk_utilization: est(&|s| s.kiosk_utilization),
                    kiosk_uptime: est(&|s| s.kiosk_uptime),
                    assisted: est(&|s| s.assisted as f64),
                    assist_wait_mean_min: est(&|s| s.assist_wait_mean_min),
                    assistant_utilization: est(&|s| s.assistant_utilization),
                    returns: est(&|s| s.returns as f64),
                    lost_demand: est(&|s| s.lost_demand as f64),
                    wasted_trip_hours: est(&|s| s.wasted_trip_hours),
                    portal_cases: est(&|s| s.cases_portal as f64),
                    kiosk_cases: est(&|s| s.cases_kiosk as f64),
                    counter_cases: est(&|s| s.cases_counter as f64),
                    esign_certificates: est(&|s| s.esign_certificates as f64),
                    egov_registrations: est(&|s| s.egov_registrations as f64),
                    wrongful_refusals: est(&|s| s.wrongful_refusals as f64),
                    wrongful_approvals: est(&|s| s.wrongful_approvals as f64),
                    impostors_caught: est(&|s| s.impostors_caught as f64),
                    impostors_missed: est(&|s| s.impostors_missed as f64),
                    duplicates_caught: est(&|s| s.duplicates_caught as f64),
                    duplicates_missed: est(&|s| s.duplicates_missed as f64),
                }
            })
            .collect();
        Self {
            scenario: scenario.to_owned(),
            seed,
            replications: u32::try_from(reps.len()).unwrap_or(u32::MAX),
            sites,
            vs_baseline: None,
        }
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}
