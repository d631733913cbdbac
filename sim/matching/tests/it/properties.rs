//! Property tests: symmetry, self-match is the maximum, sorted top-k, quantized top-1 equals
//! exact top-1 on well-separated data, and results independent of the thread count.

use navbat_matching::{Gallery, IdentityId, Template};
use proptest::prelude::*;

fn template_strategy(d: usize) -> impl Strategy<Value = Template> {
    prop::collection::vec(-1.0_f32..1.0, d).prop_filter_map("non-zero", |v| Template::new(v).ok())
}

fn exact_top1(gallery: &[Template], probe: &Template) -> usize {
    let mut best = 0;
    let mut best_score = f32::MIN;
    for (i, t) in gallery.iter().enumerate() {
        let s = probe.score(t).expect("same dimension");
        if s > best_score {
            best = i;
            best_score = s;
        }
    }
    best
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn scores_are_symmetric_and_bounded(a in template_strategy(67), b in template_strategy(67)) {
        let ab = a.score(&b).expect("same dimension");
        prop_assert_eq!(ab, b.score(&a).expect("same dimension"));
        prop_assert!((-1.0..=1.0).contains(&ab));
    }

    #[test]
    fn self_match_is_the_maximum(a in template_strategy(96), b in template_strategy(96)) {
        let own = a.score(&a).expect("same dimension");
        prop_assert!(own >= a.score(&b).expect("same dimension"));
        prop_assert!((own - 1.0).abs() < 1e-5);
    }

    #[test]
    fn top_k_is_sorted_unique_and_sized(
        gallery in prop::collection::vec(template_strategy(32), 1..60),
        probe in template_strategy(32),
        k in 1_usize..20,
    ) {
        let mut g = Gallery::new(32).expect("valid dimension");
        for (i, t) in gallery.iter().enumerate() {
            g.enrol(IdentityId(i as u64), t).expect("new id");
        }
        let hits = g.search(&probe, k).expect("non-empty");
        prop_assert_eq!(hits.len(), k.min(gallery.len()));
        for pair in hits.windows(2) {
            prop_assert!(pair[0].score > pair[1].score
                || (pair[0].score == pair[1].score && pair[0].id < pair[1].id));
        }
        let mut ids: Vec<_> = hits.iter().map(|c| c.id).collect();
        ids.dedup();
        prop_assert_eq!(ids.len(), hits.len());
    }

    #[test]
    fn quantized_top1_equals_exact_top1_when_separated(
        gallery in prop::collection::vec(template_strategy(128), 2..40),
        pick in any::<prop::sample::Index>(),
        noise in prop::collection::vec(-0.05_f32..0.05, 128),
    ) {
        let target = pick.index(gallery.len());
        let probe_values: Vec<f32> = gallery[target]
            .as_slice()
            .iter()
            .zip(&noise)
            .map(|(v, n)| v + n * 0.1)
            .collect();
        let probe = Template::new(probe_values).expect("non-zero");
        let exact = exact_top1(&gallery, &probe);
        // Only claim equality where the exact winner is separated from the runner-up.
        let mut scores: Vec<f32> =
            gallery.iter().map(|t| probe.score(t).expect("same dimension")).collect();
        scores.sort_by(|a, b| b.total_cmp(a));
        prop_assume!(scores[0] - scores[1] > 0.02);
        let mut g = Gallery::new(128).expect("valid dimension");
        for (i, t) in gallery.iter().enumerate() {
            g.enrol(IdentityId(i as u64), t).expect("new id");
        }
        let hits = g.search(&probe, 1).expect("non-empty");
        prop_assert_eq!(hits[0].id, IdentityId(exact as u64));
    }
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let d = 64;
    let templates: Vec<Template> = (0..9000_u32)
        .map(|i| {
            let v = (0..d).map(|j| ((i * 31 + j * 7) as f32 * 0.013).sin()).collect();
            Template::new(v).expect("non-zero")
        })
        .collect();
    let mut gallery = Gallery::new(d as usize).expect("valid dimension");
    for (i, t) in templates.iter().enumerate() {
        gallery.enrol(IdentityId(i as u64), t).expect("new id");
    }
    let probes = &templates[..20];
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool")
            .install(|| gallery.search_batch(probes, 10).expect("non-empty"))
    };
    let one = run(1);
    let three = run(3);
    assert_eq!(one.len(), 20);
    for (a, b) in one.iter().zip(&three) {
        assert_eq!(a.len(), 10);
        for (x, y) in a.iter().zip(b) {
            assert_eq!((x.id, x.score.to_bits()), (y.id, y.score.to_bits()));
        }
    }
    // Batch and single search agree too.
    let single = gallery.search(&probes[3], 10).expect("non-empty");
    assert_eq!(single, one[3]);
}
