//! Review that can be right or wrong, and Face-ID that meets impostors and duplicates: the
//! decisions follow the cases' truth through the reviewers' error rates, and fraud is
//! caught or missed by the matcher.

use navbat_engine::Simulation;
use navbat_record::{FaceRow, ReplicationRecord, SiteRecord};
use navbat_scenario::{ReviewerErrors, Scenario};

use crate::{pilot, shortened};

/// One replication of `s` over `days` days.
fn run(s: Scenario, days: i64, replication: u32) -> ReplicationRecord {
    Simulation::new(shortened(s, days), 5, replication).finish()
}

fn total(r: &ReplicationRecord, f: impl Fn(&SiteRecord) -> u64) -> u64 {
    r.sites.iter().map(f).sum()
}

fn face_total(r: &ReplicationRecord, f: impl Fn(&FaceRow) -> u64) -> u64 {
    r.face.iter().map(f).sum()
}

/// Every skill's reviewers err at these rates.
fn errors(s: &mut Scenario, false_approval: f64, false_refusal: f64) {
    let w = s.workflows.as_mut().expect("the pilot has workflows");
    for (_, e) in &mut w.reviewer_errors {
        *e = ReviewerErrors { false_approval, false_refusal };
    }
}

#[test]
fn reviewers_who_never_err_refuse_no_sound_application() {
    let mut s = pilot();
    assert!(!s.workflows.as_ref().expect("workflows").reviewer_errors.is_empty());
    errors(&mut s, 0.0, 0.0);
    let r = run(s, 30, 0);
    assert!(total(&r, |x| x.reviewed_decisions) > 200, "reviewers decided cases");
    assert!(total(&r, |x| x.cases_refused) > 20, "unsound applications were refused");
    assert_eq!(total(&r, |x| x.wrongful_refusals), 0);
}

#[test]
fn without_unsound_applications_nothing_is_wrongly_approved() {
    let mut s = pilot();
    if let Some(w) = s.workflows.as_mut() {
        for t in &mut w.truth {
            *t = [0.0; 2];
        }
    }
    if let Some(f) = s.face_id.as_mut() {
        f.impostors = 0.0;
        f.duplicates = 0.0;
    }
    let r = run(s, 30, 0);
    assert!(total(&r, |x| x.cases_delivered) > 1_000);
    assert_eq!(total(&r, |x| x.applications_ineligible + x.applications_fraudulent), 0);
    assert_eq!(total(&r, |x| x.wrongful_approvals), 0);
    // Reviewers who err still refuse some sound applications: the only refusals left by a
    // reviewer are wrongful.
    assert!(total(&r, |x| x.wrongful_refusals) > 0);
}

#[test]
fn appeals_overturn_wrongful_refusals_more_often_than_rightful_ones() {
    let mut s = pilot();
    let w = s.workflows.as_mut().expect("workflows");
    // Many refusals, each appealed, so the two rates are measured on hundreds.
    w.appeal = 1.0;
    w.appeal_wrongful = 1.0;
    for t in &mut w.truth {
        *t = [0.15, 0.05];
    }
    for (skill, e) in &mut w.reviewer_errors {
        if skill != "appeal" {
            *e = ReviewerErrors { false_approval: 0.1, false_refusal: 0.1 };
        }
    }
    let r = run(s, 60, 1);
    let (wrongful, wrongful_upheld) =
        (total(&r, |x| x.appeals_wrongful), total(&r, |x| x.appeals_wrongful_upheld));
    let (rightful, rightful_upheld) =
        (total(&r, |x| x.appeals_rightful), total(&r, |x| x.appeals_rightful_upheld));
    assert!(wrongful >= 100 && rightful >= 100, "{wrongful} and {rightful} appeals");
    let p1 = wrongful_upheld as f64 / wrongful as f64;
    let p0 = rightful_upheld as f64 / rightful as f64;
    // Two-proportion z statistic: the pilot's appeal reviewers uphold 70 % of wrongful
    // refusals and 10 % of rightful ones; the difference must stand far above chance.
    let pooled = (wrongful_upheld + rightful_upheld) as f64 / (wrongful + rightful) as f64;
    let se = (pooled * (1.0 - pooled) * (1.0 / wrongful as f64 + 1.0 / rightful as f64)).sqrt();
    assert!((p1 - p0) / se > 5.0, "upheld {p1:.3} of wrongful against {p0:.3} of rightful");
    let appealed = total(&r, |x| x.appeals);
    assert!(wrongful + rightful <= appealed);
}

#[test]
fn impostors_are_caught_at_the_threshold_and_missed_at_a_loose_one() {
    let mut s = pilot();
    let f = s.face_id.as_mut().expect("the pilot has Face-ID");
    f.impostors = 0.2;
    let strict = run(s.clone(), 21, 0);
    let checks = face_total(&strict, |r| r.impostor_checks);
    let genuine = face_total(&strict, |r| r.genuine_checks);
    // About a fifth of the checks are impostors' (binomial: within six standard errors).
    let share = checks as f64 / (checks + genuine) as f64;
    let sd = (0.2 * 0.8 / (checks + genuine) as f64).sqrt();
    assert!((share - 0.2).abs() < 6.0 * sd, "impostor share {share}");
    // At FMR 1e-6 none of a few thousand impostors is matched.
    assert!(checks > 1_000);
    assert_eq!(face_total(&strict, |r| r.impostors_matched), 0);
    assert_eq!(total(&strict, |x| x.impostors_caught), checks);
    // At a threshold for FMR 1e-2, about 1 % of same-group impostors pass (more for the
    // groups that share a direction): fraud missed.
    let mut loose = s;
    loose.face_id.as_mut().expect("Face-ID").target_fmr = 1e-2;
    let loose = run(loose, 21, 0);
    let matched = face_total(&loose, |r| r.impostors_matched);
    assert!(matched > 0, "a loose threshold lets impostors through");
    // Fraud is counted by the case's final outcome: an impostor the 1:1 check matched but
    // a reviewer refused later was caught after all.
    let (caught, missed) =
        (total(&loose, |x| x.impostors_caught), total(&loose, |x| x.impostors_missed));
    assert_eq!(caught + missed, face_total(&loose, |r| r.impostor_checks));
    assert!(missed < matched, "{missed} missed of {matched} matched: none refused later");
}

#[test]
fn true_duplicates_are_found_by_the_search_and_counted_per_group() {
    let mut s = pilot();
    s.face_id.as_mut().expect("the pilot has Face-ID").duplicates = 0.3;
    let r = run(s, 21, 0);
    let mated = face_total(&r, |x| x.mated_searches);
    let nonmated = face_total(&r, |x| x.nonmated_searches);
    assert!(mated > 300, "{mated} duplicates searched");
    assert_eq!(mated + nonmated, face_total(&r, |x| x.searches));
    let missed = face_total(&r, |x| x.mated_misses);
    assert_eq!(total(&r, |x| x.duplicates_missed), missed);
    assert_eq!(total(&r, |x| x.duplicates_caught), mated - missed);
    // An enrolment of the same face scores far above the candidate threshold: FNIR small.
    assert!((missed as f64) < 0.1 * mated as f64, "{missed} of {mated} missed");
    // Groups are segment × age band × sex: every row names its segment.
    assert!(r.face.iter().all(|x| !x.segment.is_empty()));
    // Duplicates' applications are fraudulent for the reviewers.
    assert!(total(&r, |x| x.applications_fraudulent) >= mated - missed);
}

#[test]
fn the_national_search_service_makes_searches_wait_when_it_is_slow() {
    let mut s = pilot();
    s.face_id.as_mut().expect("Face-ID").searches_per_second = Some(0.002);
    let slow = run(s.clone(), 14, 0);
    s.face_id.as_mut().expect("Face-ID").searches_per_second = None;
    let free = run(s, 14, 0);
    let wait = |r: &ReplicationRecord| r.sites.iter().map(|x| x.search_wait_mean_min).sum::<f64>();
    assert!(wait(&slow) > 1.0, "searches wait behind every site's: {}", wait(&slow));
    assert!(wait(&free) == 0.0);
}

#[test]
fn wrongful_refusals_are_appealed_at_their_own_share() {
    let mut s = pilot();
    let w = s.workflows.as_mut().expect("workflows");
    // Refusals of both kinds by the dozen; the two kinds appeal at shares far apart.
    w.appeal = 0.1;
    w.appeal_wrongful = 0.9;
    for t in &mut w.truth {
        *t = [0.15, 0.05];
    }
    for (skill, e) in &mut w.reviewer_errors {
        if skill != "appeal" {
            *e = ReviewerErrors { false_approval: 0.1, false_refusal: 0.1 };
        }
    }
    let r = run(s, 60, 1);
    let refused_wrongly = total(&r, |x| x.wrongful_refusals);
    let (wrongful, rightful) =
        (total(&r, |x| x.appeals_wrongful), total(&r, |x| x.appeals_rightful));
    assert!(refused_wrongly >= 40, "{refused_wrongly} wrongful refusals");
    // Appeals against wrongful refusals: about 0.9 of them (a case appealed and upheld
    // leaves the wrongful refusals, so the share is bounded by the refusals plus appeals).
    let upheld = total(&r, |x| x.appeals_wrongful_upheld);
    let share = wrongful as f64 / (refused_wrongly + upheld) as f64;
    assert!(share > 0.7, "{wrongful} appeals of {refused_wrongly} + {upheld} wrongful refusals");
    // Rightful refusals are many more than their appeals: about one in ten.
    let refused = total(&r, |x| x.cases_refused);
    let rightful_share = rightful as f64 / refused.saturating_sub(refused_wrongly).max(1) as f64;
    assert!(rightful_share < 0.25, "{rightful} appeals of {refused} refusals");
}
