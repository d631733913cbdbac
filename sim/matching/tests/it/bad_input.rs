//! Bad input yields typed errors, never a panic.

use navbat_matching::{
    BiometricModel, Gallery, GroupScores, IdentityId, LatencyModel, MatchError, Population,
    Template, Threshold, isotropic_threshold_for_fmr, verify,
};

fn unit(d: usize) -> Template {
    Template::new(vec![1.0; d]).expect("valid template")
}

#[test]
fn templates_reject_nan_infinity_zero_and_empty() {
    assert!(matches!(
        Template::new(vec![1.0, f32::NAN]),
        Err(MatchError::NonFiniteValue { index: 1, value }) if value.is_nan()
    ));
    assert!(matches!(
        Template::new(vec![f32::INFINITY, 1.0]),
        Err(MatchError::NonFiniteValue { index: 0, .. })
    ));
    assert_eq!(Template::new(vec![0.0; 8]), Err(MatchError::ZeroTemplate));
    assert!(matches!(
        Template::new(Vec::new()),
        Err(MatchError::InvalidDimension { dimension: 0, .. })
    ));
}

#[test]
fn wrong_dimensions_are_reported() {
    let threshold = Threshold::new(0.3).expect("in range");
    assert_eq!(
        verify(&unit(512), &unit(128), threshold),
        Err(MatchError::DimensionMismatch { expected: 512, found: 128 })
    );
    let mut gallery = Gallery::new(512).expect("valid dimension");
    assert_eq!(
        gallery.enrol(IdentityId(1), &unit(511)),
        Err(MatchError::DimensionMismatch { expected: 512, found: 511 })
    );
    gallery.enrol(IdentityId(1), &unit(512)).expect("new id");
    assert_eq!(
        gallery.search(&unit(4), 1),
        Err(MatchError::DimensionMismatch { expected: 512, found: 4 })
    );
    assert!(matches!(Gallery::new(0), Err(MatchError::InvalidDimension { .. })));
}

#[test]
fn empty_gallery_duplicates_unknown_ids_and_zero_k() {
    let mut gallery = Gallery::new(4).expect("valid dimension");
    let threshold = Threshold::new(0.0).expect("in range");
    assert_eq!(gallery.search(&unit(4), 3), Err(MatchError::EmptyGallery));
    assert_eq!(gallery.identify(&unit(4), threshold), Err(MatchError::EmptyGallery));
    gallery.enrol(IdentityId(9), &unit(4)).expect("new id");
    assert_eq!(
        gallery.enrol(IdentityId(9), &unit(4)),
        Err(MatchError::DuplicateIdentity { id: IdentityId(9) })
    );
    assert_eq!(
        gallery.remove(IdentityId(8)),
        Err(MatchError::UnknownIdentity { id: IdentityId(8) })
    );
    assert_eq!(gallery.search(&unit(4), 0), Err(MatchError::ZeroCandidates { k: 0 }));
}

#[test]
fn thresholds_outside_the_score_range_are_rejected() {
    for bad in [1.5, -1.01, f32::NAN, f32::INFINITY] {
        assert!(matches!(Threshold::new(bad), Err(MatchError::ThresholdOutOfRange { .. })));
    }
    assert!(Threshold::new(1.0).is_ok() && Threshold::new(-1.0).is_ok());
    let from_ron: Result<Threshold, _> = ron::from_str("1.2");
    assert!(from_ron.is_err());
}

#[test]
fn bad_parameters_are_named() {
    let mut model = BiometricModel::default();
    model.kiosk_camera.failure_to_acquire = 1.5;
    assert!(matches!(
        Population::new(1, model),
        Err(MatchError::InvalidParameter { name: "kiosk_camera", .. })
    ));
    let latency = LatencyModel { per_comparison_ns: f64::NAN, ..LatencyModel::default() };
    assert!(matches!(
        latency.validate(),
        Err(MatchError::InvalidParameter { name: "per_comparison_ns", .. })
    ));
    assert_eq!(
        GroupScores::default().threshold_for_fmr(1e-3),
        Err(MatchError::NoScores { what: "impostor" })
    );
    assert!(matches!(
        isotropic_threshold_for_fmr(512, 0.0),
        Err(MatchError::InvalidParameter { name: "target_fmr", .. })
    ));
}
