//! Known-answer tests: scores and rankings computed by hand.

use navbat_matching::{Decision, Gallery, IdentityId, Rescoring, Template, Threshold, verify};

fn template(values: &[f32]) -> Template {
    Template::new(values.to_vec()).expect("valid template")
}

#[test]
fn template_is_scaled_to_unit_length() {
    assert_eq!(template(&[3.0, 4.0]).as_slice(), &[0.6, 0.8]);
}

#[test]
fn verify_scores_are_cosines() {
    let threshold = Threshold::new(0.5).expect("in range");
    let check = |a: &[f32], b: &[f32], score: f32, decision: Decision| {
        let v = verify(&template(a), &template(b), threshold).expect("same dimension");
        assert!((v.score - score).abs() < 1e-6, "{a:?}·{b:?} = {} not {score}", v.score);
        assert_eq!(v.decision, decision);
    };
    check(&[1.0, 0.0, 0.0], &[0.6, 0.8, 0.0], 0.6, Decision::Match);
    check(&[1.0, 0.0, 0.0], &[0.0, 0.0, 2.0], 0.0, Decision::NonMatch);
    check(&[1.0, 1.0], &[-1.0, -1.0], -1.0, Decision::NonMatch);
    check(&[1.0, 2.0, 2.0], &[2.0, 1.0, 2.0], 8.0 / 9.0, Decision::Match);
    // Exactly at the threshold is a match.
    check(&[1.0, 0.0], &[0.5, 0.75_f32.sqrt()], 0.5, Decision::Match);
}

#[test]
fn search_ranks_by_score_then_identity() {
    for rescoring in [Rescoring::QuantizedOnly, Rescoring::Exact] {
        let mut gallery = Gallery::with_rescoring(3, rescoring).expect("valid dimension");
        gallery.enrol(IdentityId(10), &template(&[0.0, 1.0, 0.0])).expect("new id");
        gallery.enrol(IdentityId(7), &template(&[1.0, 0.0, 0.0])).expect("new id");
        gallery.enrol(IdentityId(3), &template(&[1.0, 1.0, 0.0])).expect("new id");
        gallery.enrol(IdentityId(5), &template(&[1.0, 0.0, 0.0])).expect("new id");
        let hits = gallery.search(&template(&[1.0, 0.1, 0.0]), 4).expect("non-empty");
        let ids: Vec<u64> = hits.iter().map(|c| c.id.0).collect();
        // 5 and 7 hold the same template: the tie goes to the smaller identity.
        assert_eq!(ids, [5, 7, 3, 10], "{rescoring:?}");
        // Re-scoring error is at most ½ code step per value: ½ × (1/127) × √3 < 7e-3.
        assert!((hits[0].score - 1.0 / 1.01_f32.sqrt()).abs() < 7e-3);
        assert!((hits[3].score - 0.1 / 1.01_f32.sqrt()).abs() < 7e-3);
    }
}

#[test]
fn identify_returns_only_candidates_at_or_above_threshold() {
    let mut gallery = Gallery::new(2).expect("valid dimension");
    gallery.enrol(IdentityId(1), &template(&[1.0, 0.0])).expect("new id");
    gallery.enrol(IdentityId(2), &template(&[0.0, 1.0])).expect("new id");
    let found = gallery
        .identify(&template(&[1.0, 0.2]), Threshold::new(0.5).expect("in range"))
        .expect("non-empty");
    assert_eq!(found.candidates.len(), 1);
    assert_eq!(found.best().map(|c| c.id), Some(IdentityId(1)));
}

#[test]
fn remove_moves_the_last_row_and_keeps_lookups_right() {
    let mut gallery = Gallery::with_rescoring(2, Rescoring::Exact).expect("valid dimension");
    for (id, v) in [(1, [1.0, 0.0]), (2, [0.0, 1.0]), (3, [1.0, 1.0])] {
        gallery.enrol(IdentityId(id), &template(&v)).expect("new id");
    }
    gallery.remove(IdentityId(1)).expect("enrolled");
    assert_eq!(gallery.len(), 2);
    assert!(!gallery.contains(IdentityId(1)));
    assert_eq!(gallery.template(IdentityId(3)), Some(template(&[1.0, 1.0])));
    let hits = gallery.search(&template(&[1.0, 0.0]), 5).expect("non-empty");
    assert_eq!(hits.iter().map(|c| c.id.0).collect::<Vec<_>>(), [3, 2]);
    // 2 bytes of codes + 4 scale + 8 id + 8 f32 + 4 index per identity (no refinement bits
    // with f32).
    assert_eq!(gallery.memory_bytes(), 2 * (2 + 4 + 8 + 8 + 4));
}

#[test]
fn id_index_survives_shuffled_enrolments_and_removals() {
    // More rows than the index's unsorted tail, enrolled out of order, then a third removed:
    // every lookup must still find the right row.
    use rand::{SeedableRng, seq::SliceRandom};
    let mut ids: Vec<u64> = (0..5_000).map(|i| i * 7 + 3).collect();
    ids.shuffle(&mut rand_chacha::ChaCha8Rng::seed_from_u64(1));
    let mut gallery = Gallery::with_rescoring(2, Rescoring::Exact).expect("valid dimension");
    let vector = |id: u64| [1.0 + id as f32, 1.0];
    for &id in &ids {
        gallery.enrol(IdentityId(id), &template(&vector(id))).expect("new id");
    }
    for &id in ids.iter().step_by(3) {
        gallery.remove(IdentityId(id)).expect("enrolled");
    }
    assert!(gallery.enrol(IdentityId(ids[1]), &template(&[1.0, 0.0])).is_err(), "duplicate");
    for (i, &id) in ids.iter().enumerate() {
        let kept = i % 3 != 0;
        assert_eq!(gallery.contains(IdentityId(id)), kept, "id {id}");
        if kept {
            assert_eq!(gallery.template(IdentityId(id)), Some(template(&vector(id))), "id {id}");
        }
    }
    assert_eq!(gallery.len(), ids.len() - ids.len().div_ceil(3));
    assert!(!gallery.contains(IdentityId(1)), "never enrolled");
}
