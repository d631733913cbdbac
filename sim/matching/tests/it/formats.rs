//! Scenario-facing formats and the latency and evaluation arithmetic, by known answers.

use std::time::Duration;

use navbat_matching::{
    AgeBand, BiometricModel, DetPoint, Evaluation, Group, GroupScores, LatencyModel,
    NATIONAL_GALLERY_SIZE, Sex, Threshold,
};

fn t(v: f32) -> Threshold {
    Threshold::new(v).expect("in range")
}

#[test]
fn models_round_trip_through_ron_and_can_be_overridden() {
    let model = BiometricModel::default();
    let text = ron::to_string(&model).expect("serializable");
    let back: BiometricModel = ron::from_str(&text).expect("parses");
    assert_eq!(back, model);
    let latency: LatencyModel =
        ron::from_str("(fixed_us: 100.0, per_comparison_ns: 2.5, verify_ns: 50.0)")
            .expect("parses");
    assert_eq!(latency.verify_latency(), Duration::from_nanos(50));
    assert_eq!(latency.search_latency(1_000_000), Duration::from_micros(100 + 2_500));
}

#[test]
fn default_latency_extrapolates_linearly_to_the_national_gallery() {
    let latency = LatencyModel::default();
    // 20 µs + 38e6 × 35 ns = 1.330020 s.
    assert_eq!(latency.search_latency(NATIONAL_GALLERY_SIZE), Duration::from_nanos(1_330_020_000));
    assert_eq!(latency.search_latency(0), Duration::from_micros(20));
}

#[test]
fn rates_thresholds_and_det_points_by_hand() {
    let scores = GroupScores {
        genuine: vec![0.9, 0.8, 0.35, 0.1],
        impostor: vec![0.0, 0.05, 0.1, 0.2, 0.3, 0.4, -0.1, -0.2, 0.15, 0.25],
        attempts: 5,
        failures_to_acquire: 1,
        mated_searches: vec![Some(0.9), Some(0.2), None, Some(0.5)],
        non_mated_searches: vec![Some(0.45), None, Some(0.1), Some(0.3)],
    };
    assert_eq!(scores.fmr(t(0.25)), Some(0.3));
    assert_eq!(scores.fnmr(t(0.25)), Some(0.25));
    assert_eq!(scores.fpir(t(0.3)), Some(0.5));
    assert_eq!(scores.fnir(t(0.3)), Some(0.5));
    assert_eq!(scores.failure_to_acquire(), Some(0.2));
    // FMR ≤ 0.1 allows one of ten impostors: the threshold sits just above the second best.
    let threshold = scores.threshold_for_fmr(0.1).expect("impostors present");
    assert_eq!(threshold.value(), 0.3_f32.next_up());
    assert_eq!(scores.fmr(threshold), Some(0.1));
    assert_eq!(
        scores.det(&[t(0.0), t(1.0)]),
        [
            DetPoint { threshold: 0.0, fmr: 0.8, fnmr: 0.0 },
            DetPoint { threshold: 1.0, fmr: 0.0, fnmr: 1.0 }
        ]
    );
}

#[test]
fn disparities_compare_groups_with_the_reference() {
    let men = Group::new(AgeBand::Adult, Sex::Male);
    let women = Group::new(AgeBand::Adult, Sex::Female);
    let mut evaluation = Evaluation::default();
    evaluation.group_mut(&men).impostor = vec![0.5, 0.0, 0.0, 0.0];
    evaluation.group_mut(&women).impostor = vec![0.5, 0.5, 0.5, 0.0];
    let disparities = evaluation.disparities(t(0.4), &men).expect("reference present");
    let fmr = &disparities[0];
    assert_eq!(fmr.max_over_min, Some(3.0));
    assert_eq!(fmr.vs_reference, [(women, Some(3.0)), (men, Some(1.0))]);
    assert_eq!(evaluation.overall().fmr(t(0.4)), Some(0.5));
}
