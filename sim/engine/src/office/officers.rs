//! Back-office officers: working windows, claiming the tasks their skills allow, and
//! deciding them.

use navbat_workflow::{Decision, ReasonCode, Skill, TaskId};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg32;

use super::{Office, OfficerStep, Truth, meta_mut, ts};
use crate::calendar::Calendar;
use crate::components::{Event, OFFICE};
use crate::model::Model;
use crate::time::{SimTime, minutes_to_ms};

impl Office {
    /// Lets idle officers on duty who have `skill` claim its waiting tasks.
    /// Officers are asked in their order; a claim changes only the claimant's bit, so the
    /// words can be read as they were when the walk reached them.
    pub(super) fn dispatch(&mut self, skill: Skill, now: SimTime, cal: &mut Calendar) {
        for w in 0..self.free.len() {
            let mut idle = self.free[w] & self.skilled[skill.index()][w];
            while idle != 0 {
                if self.store.queue_len(skill) == 0 {
                    return;
                }
                let o = w * 64 + idle.trailing_zeros() as usize;
                idle &= idle - 1;
                self.claim(o, skill, now, cal);
            }
        }
    }

    /// Brings officer `o`'s bit in [`Office::free`] up to date.
    pub(super) fn mark(&mut self, o: usize) {
        let free = self.officers[o].on_duty && self.officers[o].task.is_none();
        let (word, bit) = (o / 64, 1_u64 << (o % 64));
        if free {
            self.free[word] |= bit;
        } else {
            self.free[word] &= !bit;
        }
    }

    /// Officer `o` claims the oldest task of `skill` they may take; true if they did.
    pub(super) fn claim(
        &mut self,
        o: usize,
        skill: Skill,
        now: SimTime,
        cal: &mut Calendar,
    ) -> bool {
        let officer = self.officers[o].id;
        let claimed = self.store.claim(skill, officer, ts(now));
        let Some(Some(task)) = self.errors.check(claimed) else { return false };
        let opened = self.store.task(task).map_or(now.0, |t| t.opened_at.0);
        if now >= self.warm_up_end {
            self.skills[skill.index()].waits.add(now.0 - opened);
        }
        let sampler = &self.task_time[skill.index()];
        let minutes = match meta_mut(&mut self.meta, task.case) {
            Some(m) => {
                m.officer_contact = true;
                sampler.sample(&mut m.rng)
            }
            None => sampler.sample(&mut Pcg32::seed_from_u64(task.packed())),
        };
        self.officers[o].task = Some((task, skill, now));
        self.mark(o);
        // A named task's minutes are working minutes: work stops at the end of the
        // officer's shift and resumes at the next. The built-in reviews run on to their end
        // (the pilot's assumption, kept so that its figures stay as they were).
        let work_ms = minutes_to_ms(minutes).max(1);
        let done = if skill.is_named() {
            after_on_duty(&self.windows[self.officers[o].team], now.0, work_ms)
        } else {
            now.0 + work_ms
        };
        cal.schedule(SimTime(done), OFFICE, Event::Officer(o as u16, OfficerStep::TaskDone));
        true
    }

    /// Officer `o` is free: takes the next task among their skills, in the team's order.
    pub(super) fn idle(&mut self, o: usize, now: SimTime, cal: &mut Calendar) {
        if !self.officers[o].on_duty {
            return;
        }
        let team = self.officers[o].team;
        for i in 0..self.team_skills[team].len() {
            let skill = self.team_skills[team][i];
            if self.store.queue_len(skill) > 0 && self.claim(o, skill, now, cal) {
                return;
            }
        }
    }

    pub(super) fn officer_event(
        &mut self,
        o: usize,
        step: OfficerStep,
        now: SimTime,
        model: &Model,
        cal: &mut Calendar,
    ) {
        let Some(off) = self.officers.get_mut(o) else { return };
        match step {
            OfficerStep::On => {
                let windows = &self.windows[off.team];
                let Some(&(_, end)) = windows.get(off.next_window) else { return };
                off.next_window += 1;
                off.on_duty = true;
                cal.schedule(SimTime(end), OFFICE, Event::Officer(o as u16, OfficerStep::Off));
                let idle = off.task.is_none();
                self.mark(o);
                if idle {
                    self.idle(o, now, cal);
                }
            }
            OfficerStep::Off => {
                off.on_duty = false;
                if let Some(&(start, _)) = self.windows[off.team].get(off.next_window) {
                    cal.schedule(SimTime(start), OFFICE, Event::Officer(o as u16, OfficerStep::On));
                }
                self.mark(o);
            }
            OfficerStep::TaskDone => {
                let Some((task, skill, since)) = off.task.take() else { return };
                self.mark(o);
                if now >= self.warm_up_end {
                    let s = &mut self.skills[skill.index()];
                    s.done += 1;
                    s.busy_ms += now.0 - since.0;
                }
                self.decide(task, skill, now, model, cal);
                self.idle(o, now, cal);
            }
        }
    }

    pub(super) fn decide(
        &mut self,
        task: TaskId,
        skill: Skill,
        now: SimTime,
        model: &Model,
        cal: &mut Calendar,
    ) {
        if skill.is_named() {
            self.perform(task, now, model, cal);
            return;
        }
        let approve_share = self.approve[skill.index()];
        let errors = self.reviewer[skill.index()];
        // The reasons the task's step gives (its definition's shares); code 0 where it
        // gives none.
        let step = self.store.current_step(task.case).and_then(|s| s.reasons.clone());
        let Some(m) = meta_mut(&mut self.meta, task.case) else { return };
        let u: f64 = m.rng.random();
        // With error rates, the reviewer sees the case's truth through them; without, a
        // share of reviews approve.
        let approve = match errors {
            Some((_, false_refusal)) if m.truth == Truth::Sound => u >= false_refusal,
            Some((false_approval, _)) => u < false_approval,
            None => u < approve_share,
        };
        m.refused_by_review = !approve;
        let side = step.map(|r| if approve { r.approve } else { r.refuse }).unwrap_or_default();
        let code = pick_reason(&side, &mut m.rng);
        let decision = if approve { Decision::Approve } else { Decision::Reject };
        let completed = self.store.complete(task, decision, &[code], ts(now));
        let Some(out) = self.errors.check(completed) else { return };
        if skill == Skill::Appeal
            && approve
            && let Some(m) = self.meta(task.case)
            && m.counted
        {
            let (site, appealed) = (usize::from(m.site), usize::from(m.appealed));
            self.sites[site].appeals[1] += 1;
            if appealed < 2 {
                self.sites[site].appeals_by_truth[appealed][1] += 1;
            }
        }
        self.after(&out, now, cal);
        self.drive(task.case, now, model, cal);
    }
}

impl Office {
    /// A named task was performed: the case leaves along one of its step's `Done`
    /// transitions, drawn by their shares from the case's own stream.
    fn perform(&mut self, task: TaskId, now: SimTime, model: &Model, cal: &mut Calendar) {
        let shares: Vec<f64> = self
            .store
            .current_step(task.case)
            .map_or_else(Vec::new, |s| s.on.iter().filter_map(|t| t.share).collect());
        let Some(m) = meta_mut(&mut self.meta, task.case) else { return };
        let branch = match shares.len() {
            0 | 1 => 0,
            n => {
                let mut u: f64 = m.rng.random();
                shares
                    .iter()
                    .position(|&p| {
                        u -= p;
                        u < 0.0
                    })
                    .unwrap_or(n - 1)
            }
        };
        let decision = Decision::Done { branch: u8::try_from(branch).unwrap_or(u8::MAX) };
        let completed = self.store.complete(task, decision, &[ReasonCode(0)], ts(now));
        let Some(out) = self.errors.check(completed) else { return };
        self.after(&out, now, cal);
        self.drive(task.case, now, model, cal);
    }
}

/// The instant at which `work_ms` of on-duty time has passed from `from` on, walking a
/// team's working windows (sorted and disjoint, ms); past the last window the clock runs on
/// (the horizon's end).
fn after_on_duty(windows: &[(i64, i64)], from: i64, work_ms: i64) -> i64 {
    let mut left = work_ms;
    let mut t = from;
    let first = windows.partition_point(|&(_, end)| end <= from);
    for &(start, end) in windows.get(first..).unwrap_or_default() {
        t = t.max(start);
        if end - t >= left {
            return t + left;
        }
        left -= end - t;
        t = end;
    }
    t + left
}

/// A reason of `side` drawn by its share (no draw when there is one), or code 0 when the
/// step gives none.
fn pick_reason(side: &[(ReasonCode, f64)], rng: &mut Pcg32) -> ReasonCode {
    match side {
        [] => ReasonCode(0),
        [(only, _)] => *only,
        _ => {
            let mut u: f64 = rng.random();
            for &(code, share) in side {
                if u < share {
                    return code;
                }
                u -= share;
            }
            side[side.len() - 1].0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::after_on_duty;

    #[test]
    fn named_work_pauses_between_windows() {
        let windows = [(100, 200), (300, 400), (500, 600)];
        // Within a window.
        assert_eq!(after_on_duty(&windows, 120, 50), 170);
        // Ends exactly at a window's end.
        assert_eq!(after_on_duty(&windows, 150, 50), 200);
        // 50 before the first end, 100 in the second window, 10 in the third.
        assert_eq!(after_on_duty(&windows, 150, 160), 510);
        // Claimed off duty (between windows): work starts at the next window.
        assert_eq!(after_on_duty(&windows, 250, 30), 330);
        // Past the last window the clock runs on.
        assert_eq!(after_on_duty(&windows, 550, 100), 650);
        assert_eq!(after_on_duty(&[], 7, 5), 12);
    }
}
