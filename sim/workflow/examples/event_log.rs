//! Write a sample event log (XES and OCEL 2.0 JSON) of seeded random cases of every service.
//!
//! `cargo run -p navbat-workflow --example event_log -- OUT_DIR [CASES] [SEED]`

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

use navbat_workflow::{
    CaseId, CaseStore, Decision, Event, Facts, MatchInputs, OfficerId, Pseudonym, ReasonCode,
    ServiceId, StoreConfig, Timestamp, Trigger, WorkCalendar, WorkflowError, load_services,
    write_ocel_json, write_xes,
};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Relative weight of choosing a trigger when a step offers several.
fn weight(t: Trigger) -> u32 {
    match t {
        Trigger::MatchPass | Trigger::CheckClear | Trigger::Collected => 90,
        Trigger::Paid | Trigger::Captured | Trigger::Produced | Trigger::ConsentGiven => 90,
        Trigger::Approved => 75,
        Trigger::Rejected => 25,
        Trigger::Appealed => 30,
        Trigger::Timeout => 4,
        // The ten services have no named tasks.
        Trigger::Done => 0,
        Trigger::MatchInconclusive | Trigger::CheckHit | Trigger::CheckFailed => 6,
        Trigger::MatchFail | Trigger::ConsentRefused | Trigger::ConsentTimeout => 3,
    }
}

fn event_for(t: Trigger, rng: &mut ChaCha8Rng) -> Option<Event> {
    t.event(|t| {
        let (v, l, c) = match t {
            Trigger::MatchPass => (rng.random_range(0.82..1.0), rng.random_range(0.6..1.0), None),
            Trigger::MatchFail => (rng.random_range(0.0..0.39), rng.random_range(0.6..1.0), None),
            _ => (rng.random_range(0.5..0.79), 0.9, Some(0.9)),
        };
        MatchInputs { verify_score: v, liveness_score: l, best_candidate_score: c }
    })
}

fn drive_one(
    st: &mut CaseStore,
    service: ServiceId,
    subject: u64,
    start: Timestamp,
    rng: &mut ChaCha8Rng,
) -> Result<CaseId, WorkflowError> {
    let facts = {
        let n = st.catalog().get(service).map_or(0, |s| s.facts.len());
        Facts(rng.random_range(0..(1u16 << n)))
    };
    let case = st.open(service, Pseudonym(subject), facts, start)?.case;
    let mut now = start;
    for _ in 0..60 {
        let Some(c) = st.case(case) else { break };
        if c.state.resolution.is_some() {
            break;
        }
        let step = st
            .service_of(case)
            .and_then(|s| s.step(c.state.step))
            .cloned()
            .ok_or(WorkflowError::UnknownCase { case: case.0 })?;
        now = now.plus_ms(rng.random_range(1..240) * 60_000);
        if rng.random_bool(0.005) {
            st.apply(case, Event::Withdrawn, now)?;
            break;
        }
        let mut options: Vec<Trigger> =
            step.on.iter().filter(|t| t.guard.holds(c.state.facts)).map(|t| t.trigger).collect();
        options.dedup();
        let total: u32 = options.iter().map(|t| weight(*t)).sum();
        let mut pick = rng.random_range(0..total.max(1));
        let chosen = options
            .iter()
            .copied()
            .find(|t| {
                let w = weight(*t);
                if pick < w {
                    true
                } else {
                    pick -= w;
                    false
                }
            })
            .unwrap_or(Trigger::Timeout);
        match chosen {
            Trigger::Timeout => {
                if let Some((due, _)) = st.next_due_timer() {
                    now = now.max(due);
                    st.fire_due(due)?;
                }
            }
            Trigger::Approved | Trigger::Rejected => {
                let skill = step.task.ok_or(WorkflowError::UnknownCase { case: case.0 })?;
                let mut task = None;
                for _ in 0..4 {
                    let officer = OfficerId(rng.random_range(1..25));
                    task = st.claim(skill, officer, now)?;
                    if task.is_some() {
                        break;
                    }
                }
                let Some(task) = task else { break };
                now = now.plus_ms(rng.random_range(5..60) * 60_000);
                let decision =
                    if chosen == Trigger::Approved { Decision::Approve } else { Decision::Reject };
                let reasons = st.service_of(case).map_or(1, |s| s.review_reasons.len());
                let code = ReasonCode(rng.random_range(0..reasons) as u16);
                st.complete(task, decision, &[code], now)?;
            }
            other => {
                if let Some(ev) = event_for(other, rng) {
                    st.apply(case, ev, now)?;
                }
            }
        }
    }
    Ok(case)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().ok_or("usage: event_log OUT_DIR [CASES] [SEED]")?);
    let cases: u64 = args.next().map_or(Ok(2_000), |s| s.parse())?;
    let seed: u64 = args.next().map_or(Ok(2026), |s| s.parse())?;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/services");
    let catalog = load_services(&dir)?;
    let services: Vec<ServiceId> = catalog.iter().map(|(id, _)| id).collect();
    let mut st = CaseStore::new(catalog, WorkCalendar::weekdays(), StoreConfig::default());
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let t0 = Timestamp::from_civil(jiff::civil::date(2026, 5, 4).at(9, 0, 0, 0));
    for i in 0..cases {
        let service = services[rng.random_range(0..services.len())];
        let start = t0.plus_ms(i as i64 * 7 * 60_000);
        drive_one(&mut st, service, rng.random(), start, &mut rng)?;
    }
    std::fs::create_dir_all(&out)?;
    write_xes(
        BufWriter::new(File::create(out.join("navbat-cases.xes"))?),
        st.catalog(),
        st.cases(),
        None,
    )?;
    write_ocel_json(
        BufWriter::new(File::create(out.join("navbat-cases.ocel.json"))?),
        st.catalog(),
        st.cases(),
        None,
    )?;
    println!(
        "{} cases ({} finished) written to {}",
        st.cases().count(),
        st.finished_cases(),
        out.display()
    );
    Ok(())
}
