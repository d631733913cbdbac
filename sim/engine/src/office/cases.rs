//! Cases: opened for a request, driven through their definition's steps, answered by the
//! world (Face-ID, payment, checks, consents, production, pickup, appeals, timers), and
//! tallied when they finish.

use std::sync::PoisonError;

use navbat_workflow::{
    CaseId, Effect, Event as CaseEvent, Facts, MatchInputs, Outcome, Pseudonym, Resolution, Skill,
    Trigger,
};
use rand::{RngExt, SeedableRng};
use rand_distr::Distribution;
use rand_pcg::Pcg32;

use super::{
    AT_ONCE, CaseChannel, CaseStep, CheckOutcome, ConsentAnswer, FaceFacts, Meta, Office,
    PickupVisit, Request, ServiceInfo, Truth, fc, meta_mut, ts,
};
use crate::calendar::Calendar;
use crate::components::{Event, OFFICE};
use crate::event_loop::Env;
use crate::model::Model;
use crate::streams::{Purpose, person_stream};
use crate::time::{DAY_MS, HOUR_MS, SimTime, minutes_to_ms};

impl Office {
    /// Opens the case of `r` at `now` and drives it as far as it goes at once.
    pub(crate) fn open(&mut self, r: Request, now: SimTime, model: &Model, cal: &mut Calendar) {
        let Some(w) = self.workflows(model) else { return };
        let Some(info) = self.services.get(usize::from(r.service)) else { return };
        let mut draw = person_stream(self.seed, self.replication, Purpose::Case, r.person);
        let mut rng = Pcg32::from_rng(&mut draw);
        let pay_now = rng.random::<f64>() < w.pay_at_visit;
        let pay_never = !pay_now && rng.random::<f64>() < w.never_pay;
        let mut face = r.face;
        let candidate = if info.dedup {
            let c = match r.searched {
                Some(c) => c,
                None => match self.matcher.as_ref() {
                    Some(m) => {
                        // Whether the person is a true duplicate, as their session found (no session: not).
                        let duplicate = face.duplicate;
                        let (best, mate) =
                            m.search(r.person, r.segment, duplicate, r.template.as_ref());
                        face.mate = mate;
                        best
                    }
                    None => None,
                },
            };
            if r.counted
                && let Some(cell) = self.face[r.site].get_mut(r.group)
            {
                cell[fc::SEARCHES] += 1;
                if face.duplicate {
                    cell[fc::DUPLICATES] += 1;
                    let found = face.mate.is_some_and(|m| m >= info.candidate_min);
                    cell[fc::DUPLICATES_MISSED] += u64::from(!found);
                } else {
                    cell[fc::NONMATED] += 1;
                    let hit = c.is_some_and(|b| b >= info.candidate_min);
                    cell[fc::NONMATED_HITS] += u64::from(hit);
                }
            }
            c
        } else {
            None
        };
        if r.counted
            && self.matcher.is_some()
            && let Some(cell) = self.face[r.site].get_mut(r.group)
        {
            if face.impostor {
                cell[fc::IMPOSTORS] += 1;
                cell[fc::IMPOSTORS_MATCHED] += u64::from(face.matched);
            } else {
                cell[fc::GENUINE] += 1;
                cell[fc::GENUINE_UNMATCHED] += u64::from(!face.matched);
            }
        }
        // The case's facts (first issue, minor applicant...) in the scenario's shares.
        let mut facts = Facts::default();
        for &(bit, share) in &info.facts {
            if rng.random::<f64>() < share {
                facts.0 |= 1 << bit;
            }
        }
        if r.channel == CaseChannel::Portal
            && let Some(bit) = info.online
        {
            facts.0 |= 1 << bit;
        }
        // The application's truth, on the person's own stream: the same person brings the
        // same application to every variant of the scenario.
        let truth = if face.impostor || face.duplicate {
            Truth::Fraudulent
        } else {
            match self.truth.get(usize::from(r.service)) {
                Some(&[inel, fraud]) if inel + fraud > 0.0 => {
                    let mut t =
                        person_stream(self.seed, self.replication, Purpose::Truth, r.person);
                    let u: f64 = t.random();
                    if u < inel {
                        Truth::Ineligible
                    } else if u < inel + fraud {
                        Truth::Fraudulent
                    } else {
                        Truth::Sound
                    }
                }
                _ => Truth::Sound,
            }
        };
        let opened = self.store.open(info.id, Pseudonym(r.person), facts, ts(now));
        let Some(out) = self.errors.check(opened) else { return };
        let id = out.case;
        let slot = (id.0 & 0xffff_ffff) as usize;
        if self.meta.len() <= slot {
            self.meta.resize_with(slot + 1, || None);
        }
        self.meta[slot] = Some(Meta {
            id,
            site: r.site as u16,
            service: r.service,
            segment: r.segment,
            person: r.person,
            arrived: r.arrived,
            counted: r.counted,
            officer_contact: r.officer_contact,
            group: r.group as u16,
            pay_now,
            pay_never,
            // Cosines below 0 (an impostor's face) are inputs of 0 to the rules.
            verify_score: r.verify_score.clamp(0.0, 1.0),
            candidate: candidate.map(|c| c.clamp(0.0, 1.0)),
            truth,
            refused_by_review: false,
            appealed: 2,
            impostor_matched: face.impostor && face.matched,
            rng,
        });
        if r.counted {
            if truth != Truth::Sound {
                self.sites[r.site].unsound[truth as usize - 1] += 1;
            }
            self.sites[r.site].opened += 1;
            self.sites[r.site].by_channel[r.channel as usize] += 1;
        }
        self.after(&out, now, cal);
        self.drive(id, now, model, cal);
    }

    /// Schedules what the case's current step waits for, applying at once what happens at
    /// once (capture, payment during the visit).
    pub(super) fn drive(&mut self, id: CaseId, now: SimTime, model: &Model, cal: &mut Calendar) {
        let Some(w) = self.workflows(model) else { return };
        for _ in 0..AT_ONCE {
            let Some(step) = self.store.current_step(id) else { return };
            if step.task.is_some() || step.outcome.is_some() {
                return;
            }
            let has = |t: Trigger| step.on.iter().any(|tr| tr.trigger == t);
            let (match_, paid, check, consent, produced, collected, appealed) = (
                has(Trigger::MatchPass) || has(Trigger::MatchFail),
                has(Trigger::Paid),
                has(Trigger::CheckClear),
                has(Trigger::ConsentGiven),
                has(Trigger::Produced),
                has(Trigger::Collected),
                has(Trigger::Appealed),
            );
            let captured = has(Trigger::Captured);
            let timed = step.timer.is_some();
            // The armed timer of the step, where it has one: answers of the world that
            // never come leave the case to it.
            let due = self.store.case(id).and_then(|c| c.state.timer).map(|t| SimTime(t.due.0));
            let Some(m) = meta_mut(&mut self.meta, id) else { return };
            let site = m.site;
            let later = |ms: f64| SimTime(now.0 + (ms.max(0.0) as i64).max(1));
            if captured {
                let applied = self.store.apply(id, CaseEvent::Captured, ts(now));
                let Some(out) = self.errors.check(applied) else { return };
                self.after(&out, now, cal);
                continue;
            }
            if match_ {
                // A de-duplicating case's search waits for the national service, which
                // every site's cases share: one search at a time, each taking 1/capacity.
                let mut wait_ms = 0;
                let dedup = self.services.get(usize::from(m.service)).is_some_and(|s| s.dedup);
                if dedup && let Some(per_search) = self.search_us {
                    let now_us = now.0.saturating_mul(1_000);
                    let start = self.search_free_us.max(now_us);
                    self.search_free_us = start + per_search;
                    wait_ms = (start - now_us) / 1_000;
                    if m.counted {
                        let w = &mut self.sites[usize::from(site)].search_waits;
                        w.0 += 1;
                        w.1 += wait_ms;
                    }
                }
                let at = SimTime(now.0 + wait_ms + self.match_latency_ms.max(1));
                cal.schedule(at, OFFICE, Event::Case(id.0, CaseStep::Match));
                return;
            }
            if paid {
                if m.pay_now {
                    m.pay_now = false;
                    let applied = self.store.apply(id, CaseEvent::Paid, ts(now));
                    let Some(out) = self.errors.check(applied) else { return };
                    self.after(&out, now, cal);
                    continue;
                }
                if !m.pay_never {
                    let days = self.samplers.pay_later_days.sample(&mut m.rng);
                    cal.schedule(
                        later(days * DAY_MS as f64),
                        OFFICE,
                        Event::Case(id.0, CaseStep::Pay),
                    );
                }
                return;
            }
            if check {
                let u: f64 = m.rng.random();
                // The registries know more often of what makes an application unsound.
                let hit = if m.truth == Truth::Sound { w.check_hit } else { w.check_hit_unsound };
                let result = if u < hit {
                    CheckOutcome::Hit
                } else if u < hit + w.check_failed {
                    CheckOutcome::Failed
                } else {
                    CheckOutcome::Clear
                };
                let min = self.samplers.check_minutes.sample(&mut m.rng);
                cal.schedule(
                    later(min * 60_000.0),
                    OFFICE,
                    Event::Case(id.0, CaseStep::Check(result)),
                );
                return;
            }
            if consent {
                let u: f64 = m.rng.random();
                let answer = if u < w.consent_refused {
                    ConsentAnswer::Refused
                } else if u < w.consent_refused + w.consent_no_answer {
                    ConsentAnswer::NoAnswer
                } else {
                    ConsentAnswer::Given
                };
                let hours = self.samplers.consent_hours.sample(&mut m.rng);
                if answer == ConsentAnswer::NoAnswer && timed {
                    // Silence: the step's own timer (E-Rozilik's 72 h or 24 h) fires.
                    return;
                }
                cal.schedule(
                    later(hours * HOUR_MS as f64),
                    OFFICE,
                    Event::Case(id.0, CaseStep::Consent(answer)),
                );
                return;
            }
            if produced {
                let days = match self.services.get(usize::from(m.service)) {
                    Some(ServiceInfo { production_days: Some(own), .. }) => own.sample(&mut m.rng),
                    _ => self.samplers.production_days.sample(&mut m.rng),
                };
                cal.schedule(
                    later(days * DAY_MS as f64),
                    OFFICE,
                    Event::Case(id.0, CaseStep::Produced),
                );
                return;
            }
            if collected {
                if m.rng.random::<f64>() >= w.never_collect {
                    let days = self.samplers.pickup_days.sample(&mut m.rng);
                    let at = visit_time(
                        model,
                        usize::from(site),
                        later(days * DAY_MS as f64),
                        &mut m.rng,
                    );
                    if let Some(at) = at {
                        cal.schedule(at, u32::from(site), Event::Pickup(id.0));
                    }
                }
                return;
            }
            if appealed {
                // Someone a reviewer refused wrongly knows they qualify: their own share.
                let wrongful = m.truth == Truth::Sound && m.refused_by_review;
                let share = if wrongful { w.appeal_wrongful } else { w.appeal };
                if m.rng.random::<f64>() < share {
                    let u: f64 = m.rng.random();
                    let at = match due {
                        // Uniformly within the service's appeal window, before it closes.
                        Some(due) if due.0 > now.0 + 1 => {
                            SimTime(now.0 + 1 + ((due.0 - now.0 - 1) as f64 * u) as i64)
                                .min(SimTime(due.0 - 1))
                        }
                        Some(_) => SimTime(now.0),
                        // A window without a timer stays open: within three weeks.
                        None => later((1.0 + 20.0 * u) * DAY_MS as f64),
                    };
                    cal.schedule(at, OFFICE, Event::Case(id.0, CaseStep::Appeal));
                }
                return;
            }
            return;
        }
        self.errors.drives_cut_short += 1;
    }

    /// Books what an outcome did: timers, tasks, decisions, the end of the case.
    pub(super) fn after(&mut self, out: &Outcome, now: SimTime, cal: &mut Calendar) {
        let counted = self.meta(out.case).is_some_and(|m| m.counted);
        let site = self.meta(out.case).map_or(0, |m| usize::from(m.site));
        let group = self.meta(out.case).map_or(0, |m| usize::from(m.group));
        if let Some(due) = out.timer_set {
            self.wake_for_timer(SimTime(due.0.max(now.0)), cal);
        }
        let decrees = [Effect::IssueESignatureCertificate, Effect::RegisterEGovIdentity]
            .map(|e| u64::from(out.effects.contains(e)));
        if counted && decrees != [0, 0] {
            let month = self.months.partition_point(|&start| start <= now).saturating_sub(1);
            let t = &mut self.sites[site];
            if t.decrees_by_month.len() <= month {
                t.decrees_by_month.resize(month + 1, [0; 2]);
            }
            for (k, n) in decrees.into_iter().enumerate() {
                t.decrees[k] += n;
                t.decrees_by_month[month][k] += n;
            }
        }
        if out.trigger == Some(Trigger::Appealed)
            && let Some(m) = meta_mut(&mut self.meta, out.case)
        {
            m.appealed = match (m.truth, m.refused_by_review) {
                (Truth::Sound, true) => 0,
                (Truth::Sound, false) => 2,
                _ => 1,
            };
            if counted && m.appealed < 2 {
                self.sites[site].appeals_by_truth[usize::from(m.appealed)][0] += 1;
            }
        }
        if let Some(trigger) = out.trigger
            && counted
        {
            let t = &mut self.sites[site];
            match trigger {
                Trigger::MatchPass
                | Trigger::MatchFail
                | Trigger::MatchInconclusive
                | Trigger::CheckClear
                | Trigger::CheckHit
                | Trigger::CheckFailed => t.automated += 1,
                Trigger::Approved | Trigger::Rejected => t.reviewed += 1,
                Trigger::Appealed => t.appeals[0] += 1,
                _ => {}
            }
        }
        if let Some((_, skill)) = out.task_opened {
            if now >= self.warm_up_end {
                self.skills[skill.index()].opened += 1;
            }
            if skill == Skill::BiometricAdjudication && counted {
                self.sites[site].adjudications += 1;
                if let Some(cell) = self.face[site].get_mut(group) {
                    cell[fc::ADJUDICATIONS] += 1;
                }
            }
            self.dispatch(skill, now, cal);
        }
        self.drain();
    }

    /// Makes sure the office wakes at `due` to fire timers. The calendar holds one timer
    /// wake-up at a time, for the earliest armed timer, not one entry per case: a year's
    /// 30- and 90-day timers would otherwise fill it with a hundred thousand entries.
    pub(super) fn wake_for_timer(&mut self, due: SimTime, cal: &mut Calendar) {
        if self.timer_wake.is_none_or(|t| due < t) {
            self.timer_wake = Some(due);
            cal.schedule(due, OFFICE, Event::Case(0, CaseStep::Timer));
        }
    }

    /// Tallies and drops the cases the store handed back as finished.
    pub(super) fn drain(&mut self) {
        // The sink's list and this spare one swap places, so no list is allocated a case.
        let mut done = std::mem::take(&mut self.spare);
        std::mem::swap(
            &mut *self.finished.lock().unwrap_or_else(PoisonError::into_inner),
            &mut done,
        );
        for case in done.drain(..) {
            let slot = (case.id.0 & 0xffff_ffff) as usize;
            let Some(meta) = self.meta.get_mut(slot).and_then(Option::take) else { continue };
            if meta.id != case.id {
                continue;
            }
            if let Some(export) = self.export.as_mut() {
                export(self.store.catalog(), &case);
            }
            if !meta.counted {
                continue;
            }
            let t = &mut self.sites[usize::from(meta.site)];
            let st = &case.state;
            // A sound application refused by a reviewer, or an unsound one delivered.
            let wrongful = match st.resolution {
                Some(Resolution::Refused)
                    if meta.truth == Truth::Sound && meta.refused_by_review =>
                {
                    Some(0)
                }
                Some(Resolution::Delivered) if meta.truth != Truth::Sound => Some(1),
                _ => None,
            };
            if let Some(k) = wrongful {
                t.wrongful[k] += 1;
                if let Some(c) = t.wrongful_by_service.get_mut(usize::from(meta.service)) {
                    c[k] += 1;
                }
                if let Some(c) = t.wrongful_by_segment.get_mut(usize::from(meta.segment)) {
                    c[k] += 1;
                }
            }
            match st.resolution {
                Some(Resolution::Delivered) => {
                    t.delivered += 1;
                    t.end_to_end.add((st.last_at.0 - meta.arrived.0) / crate::tally::E2E_SCALE);
                    if !meta.officer_contact {
                        t.no_officer += 1;
                    }
                }
                Some(Resolution::Refused) => {
                    t.refused += 1;
                    // The 1:1 check let the impostor through, the case did not.
                    t.impostors_refused_after_match += u64::from(meta.impostor_matched);
                }
                Some(_) => t.lapsed += 1,
                None => {}
            }
            let service = self.store.catalog().get(st.service);
            if let Some(s) = service
                && let Some(status) =
                    navbat_workflow::sla_status(s, self.store.calendar(), st, st.last_at)
                && status.stopped.is_some()
            {
                let met = status.state == navbat_workflow::SlaState::OnTime;
                t.sla[0] += 1;
                t.sla[1] += u64::from(met);
                if let Some(cell) = self
                    .sla_by_service
                    .get_mut(usize::from(meta.site))
                    .and_then(|v| v.get_mut(usize::from(meta.service)))
                {
                    cell[0] += 1;
                    cell[1] += u64::from(met);
                }
            }
            // Every chain is verified: by the worker when there is one, else here.
            let site = usize::from(meta.site);
            let left = match &self.auditor {
                Some(auditor) => auditor.audit(site, case),
                None => Some(case),
            };
            if let Some(case) = left {
                let verified = navbat_workflow::verify_chain(&case).is_ok();
                self.sites[site].audit[usize::from(!verified)] += 1;
            }
        }
        self.spare = done;
    }

    pub(super) fn case_event(
        &mut self,
        id: CaseId,
        step: CaseStep,
        now: SimTime,
        model: &Model,
        cal: &mut Calendar,
    ) {
        if step == CaseStep::Timer {
            if self.timer_wake != Some(now) {
                // An earlier wake-up replaced this one.
                return;
            }
            self.timer_wake = None;
            self.fire_timers(now, model, cal);
            if let Some((due, _)) = self.store.next_due_timer() {
                self.wake_for_timer(SimTime(due.0.max(now.0 + 1)), cal);
            }
            return;
        }
        let liveness = self.liveness;
        let Some(m) = self.meta(id) else { return };
        let event = match step {
            CaseStep::Match => {
                let live = liveness.map_or(1.0, |b| b.sample(&mut m.rng)) as f32;
                CaseEvent::Matched(MatchInputs {
                    verify_score: m.verify_score,
                    liveness_score: live,
                    best_candidate_score: m.candidate,
                })
            }
            CaseStep::Pay => CaseEvent::Paid,
            CaseStep::Check(outcome) => CaseEvent::CheckReturned(outcome.into()),
            CaseStep::Consent(ConsentAnswer::Given) => CaseEvent::ConsentGiven,
            CaseStep::Consent(ConsentAnswer::Refused) => CaseEvent::ConsentRefused,
            CaseStep::Consent(ConsentAnswer::NoAnswer) => CaseEvent::ConsentTimedOut,
            CaseStep::Produced => CaseEvent::Produced,
            CaseStep::Appeal => CaseEvent::Appealed,
            CaseStep::Timer => return,
        };
        self.fire_timers(now, model, cal);
        let applied = self.store.apply(id, event, ts(now));
        let Some(out) = self.errors.check_answer(applied) else { return };
        self.after(&out, now, cal);
        self.drive(id, now, model, cal);
    }

    /// Fires every timer due by `now` and drives the cases they moved, so an event that
    /// arrives late meets the state its case is in.
    pub(super) fn fire_timers(&mut self, now: SimTime, model: &Model, cal: &mut Calendar) {
        // On a refusal the timers fired before it stay fired, but their outcomes are lost:
        // counted, as every refusal is.
        let fired = self.store.fire_due(ts(now));
        let Some(outs) = self.errors.check(fired) else { return };
        for out in &outs {
            self.after(out, now, cal);
            self.drive(out.case, now, model, cal);
        }
    }

    /// The person of case `id` comes to collect: what the floor needs to serve them, or
    /// `None` when the case no longer waits for a pickup.
    pub(crate) fn pickup_visit(&mut self, id: u64) -> Option<PickupVisit> {
        let id = CaseId(id);
        let waits = self
            .store
            .current_step(id)
            .is_some_and(|s| s.on.iter().any(|t| t.trigger == Trigger::Collected));
        if !waits {
            return None;
        }
        let (c, k) = (&self.samplers.pickup_counter_minutes, &self.samplers.pickup_kiosk_minutes);
        let m = meta_mut(&mut self.meta, id)?;
        let counter_ms = minutes_to_ms(c.sample(&mut m.rng));
        let kiosk_ms = minutes_to_ms(k.sample(&mut m.rng));
        Some(PickupVisit {
            person: m.person,
            service: m.service,
            segment: m.segment,
            counter_ms,
            kiosk_ms,
        })
    }

    /// The document of case `id` was handed over.
    pub(crate) fn collected(
        &mut self,
        id: u64,
        at_kiosk: bool,
        now: SimTime,
        model: &Model,
        cal: &mut Calendar,
    ) {
        let id = CaseId(id);
        if let Some(m) = self.meta(id)
            && !at_kiosk
        {
            m.officer_contact = true;
        }
        self.fire_timers(now, model, cal);
        let applied = self.store.apply(id, CaseEvent::Collected, ts(now));
        if let Some(out) = self.errors.check(applied) {
            self.after(&out, now, cal);
        }
    }

    /// The person of case `id` left without collecting: they come back another day.
    pub(crate) fn pickup_missed(
        &mut self,
        id: u64,
        now: SimTime,
        model: &Model,
        cal: &mut Calendar,
    ) {
        let id = CaseId(id);
        let days = {
            let s = &self.samplers.pickup_days;
            let Some(m) = meta_mut(&mut self.meta, id) else { return };
            s.sample(&mut m.rng).max(1.0)
        };
        let Some(m) = self.meta(id) else { return };
        let site = usize::from(m.site);
        let t = SimTime(now.0 + (days * DAY_MS as f64) as i64);
        if let Some(at) = visit_time(model, site, t, &mut m.rng) {
            cal.schedule(at, site as u32, Event::Pickup(id.0));
        }
    }
}

/// A time for a visit on or after `t` while site `site` is open: the first open window that
/// ends after `t`, at a uniformly drawn moment of its first 80 %.
fn visit_time(model: &Model, site: usize, t: SimTime, rng: &mut Pcg32) -> Option<SimTime> {
    let open = &model.plans.get(site)?.open;
    let i = open.partition_point(|&(_, end)| end <= t.0);
    let &(start, end) = open.get(i)?;
    let from = start.max(t.0);
    let span = ((end - from) as f64 * 0.8).max(0.0);
    Some(SimTime(from + (rng.random::<f64>() * span) as i64))
}

/// A request made online from site `site`'s catchment (the portal or app): its case opens at
/// once, with a phone capture where Face-ID is on, and takes the definition's no-visit path
/// (the [`navbat_workflow::ONLINE`] fact is set). The person never comes to the site, so
/// nothing of the floor changes and the floor's streams draw nothing. `person` is the
/// request's id ([`crate::streams::person_id`]: the site's key and its own request number),
/// which keys the case's streams, so one site's online demand never moves another's draws.
pub(crate) fn open_online(
    env: &mut Env<'_>,
    person: u64,
    service: u16,
    segment: u16,
    counted: bool,
) {
    let Some(office) = env.office.as_deref_mut() else { return };
    let search = office.searches(service);
    let session = env
        .fixed
        .face
        .and_then(|f| f.session(person, segment, navbat_matching::Device::Mobile, search));
    let face = session.as_ref().map(FaceFacts::of).unwrap_or_default();
    let (group, verify_score, template, searched) = match session {
        Some(f) => (f.group, f.score, f.template, f.searched),
        None => (0, 0.0, None, None),
    };
    let request = Request {
        channel: CaseChannel::Portal,
        site: env.site,
        person,
        service,
        segment,
        arrived: env.now,
        counted,
        officer_contact: false,
        group,
        verify_score,
        template,
        searched,
        face,
    };
    office.open(request, env.now, env.model, env.cal);
}
