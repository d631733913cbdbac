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

/// Deterministic values in [-1, 1) (SplitMix64), for galleries larger than proptest builds.
fn spread(seed: u64, len: usize) -> Vec<f32> {
    (0..len as u64)
        .map(|i| {
            let mut z = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(i);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            (z >> 40) as f32 / (1 << 23) as f32 - 1.0
        })
        .collect()
}

/// The exact top-`k` by f32 score (ties: smaller identity), as (identity, score bits).
fn brute_force(gallery: &[Template], probe: &Template, k: usize) -> Vec<(u64, u32)> {
    let mut scored: Vec<(f32, u64)> = gallery
        .iter()
        .enumerate()
        .map(|(i, t)| (probe.score(t).expect("same dimension"), i as u64))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(k).map(|(s, id)| (id, s.to_bits())).collect()
}

/// A batch large enough to be split by probe blocks (every task scans the whole gallery):
/// the same results as one probe at a time, for any thread count, and with exact
/// re-scoring the same top-k (identities and score bits) as f32 brute force.
#[test]
fn large_batches_match_single_searches_and_brute_force() {
    use navbat_matching::Rescoring;
    let d = 96;
    let gallery: Vec<Template> =
        (0..2_500).map(|i| Template::new(spread(i, d)).expect("non-zero")).collect();
    // Even probes are noisy copies of enrolled templates, odd ones strangers.
    let probes: Vec<Template> = (0..420_u64)
        .map(|q| {
            let values = if q % 2 == 0 {
                let mate = gallery[(q as usize * 37) % gallery.len()].as_slice();
                mate.iter().zip(spread(10_000 + q, d)).map(|(v, n)| v + 0.05 * n).collect()
            } else {
                spread(20_000 + q, d)
            };
            Template::new(values).expect("non-zero")
        })
        .collect();
    let k = 10;
    for rescoring in [Rescoring::QuantizedOnly, Rescoring::Exact] {
        let mut g = Gallery::with_rescoring(d, rescoring).expect("valid dimension");
        for (i, t) in gallery.iter().enumerate() {
            g.enrol(IdentityId(i as u64), t).expect("new id");
        }
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("thread pool")
                .install(|| g.search_batch(&probes, k).expect("non-empty"))
        };
        let one = run(1);
        assert_eq!(one, run(3), "{rescoring:?}");
        assert_eq!(one.len(), probes.len());
        for (q, probe) in probes.iter().enumerate().step_by(7) {
            assert_eq!(g.search(probe, k).expect("non-empty"), one[q], "{rescoring:?} probe {q}");
        }
        if rescoring == Rescoring::Exact {
            for (q, probe) in probes.iter().enumerate() {
                let found: Vec<(u64, u32)> =
                    one[q].iter().map(|c| (c.id.0, c.score.to_bits())).collect();
                assert_eq!(found, brute_force(&gallery, probe, k), "probe {q}");
            }
        }
    }
}

/// A small gallery that keeps exact rows answers one probe by scoring every row: the same
/// identities and score bits as f32 brute force, for any `k` (more than enrolled too).
#[test]
fn small_exact_galleries_search_every_row_like_brute_force() {
    use navbat_matching::Rescoring;
    let d = 96;
    let gallery: Vec<Template> =
        (0..300).map(|i| Template::new(spread(i, d)).expect("non-zero")).collect();
    let mut g = Gallery::with_rescoring(d, Rescoring::Exact).expect("valid dimension");
    for (i, t) in gallery.iter().enumerate() {
        g.enrol(IdentityId(i as u64), t).expect("new id");
    }
    for q in 0..60_u64 {
        let probe = if q % 2 == 0 {
            let mate = gallery[(q as usize * 13) % gallery.len()].as_slice();
            let values = mate.iter().zip(spread(30_000 + q, d)).map(|(v, n)| v + 0.05 * n);
            Template::new(values.collect()).expect("non-zero")
        } else {
            Template::new(spread(40_000 + q, d)).expect("non-zero")
        };
        for k in [1, 10, 300, 400] {
            let found: Vec<(u64, u32)> = g
                .search(&probe, k)
                .expect("non-empty")
                .iter()
                .map(|c| (c.id.0, c.score.to_bits()))
                .collect();
            assert_eq!(found, brute_force(&gallery, &probe, k), "probe {q}, k {k}");
        }
    }
}

/// One probe, `k = 1`, on a small exact gallery scores in f32 only the rows whose int8 bound
/// reaches the best so far: still the brute-force best (identity and score bits), on
/// galleries made to tie (the same template under several identities, enrolled in reverse
/// identity order), to reach ±1 (the probe itself, its negative) and to crowd the best
/// (near-copies of the probe), in dimensions with and without partial blocks.
#[test]
fn best_of_a_small_exact_gallery_is_the_brute_force_best() {
    use navbat_matching::Rescoring;
    for d in [1, 2, 3, 17, 64, 512, 515] {
        let base = spread(d as u64, d);
        let near = |seed: u64, amount: f32| -> Template {
            let values = base.iter().zip(spread(seed, d)).map(|(v, n)| v + amount * n);
            Template::new(values.collect()).expect("non-zero")
        };
        let negative = Template::new(base.iter().map(|v| -v).collect()).expect("non-zero");
        for size in [1, 2, 5, 64, 300] {
            let gallery: Vec<Template> = (0..size as u64)
                .map(|i| match i % 6 {
                    0 => near(0, 0.0),
                    1 => negative.clone(),
                    2 => near(100 + i, 1e-4),
                    3 => near(200 + i, 0.05),
                    4 => near(300 + i, 0.6),
                    _ => Template::new(spread(400 + i, d)).expect("non-zero"),
                })
                .collect();
            let mut g = Gallery::with_rescoring(d, Rescoring::Exact).expect("valid dimension");
            for i in (0..size).rev() {
                g.enrol(IdentityId(i as u64), &gallery[i]).expect("new id");
            }
            let probes = [
                near(0, 0.0),
                negative.clone(),
                near(500, 1e-5),
                near(501, 1e-3),
                near(502, 0.1),
                near(503, 1.0),
                Template::new(spread(504, d)).expect("non-zero"),
            ];
            for (q, probe) in probes.iter().enumerate() {
                let found: Vec<(u64, u32)> = g
                    .search(probe, 1)
                    .expect("non-empty")
                    .iter()
                    .map(|c| (c.id.0, c.score.to_bits()))
                    .collect();
                assert_eq!(found, brute_force(&gallery, probe, 1), "d {d} size {size} probe {q}");
            }
        }
    }
}
