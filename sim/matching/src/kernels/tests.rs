//! Every kernel the CPU has against the portable one and exact references, bit for bit.

use super::*;

fn codes(len: usize, seed: usize) -> Vec<i8> {
    // Covers the full code range, both extremes included.
    (0..len).map(|i| ((i * 7 + seed * 31) % 255) as i8 ^ ((i % 3) as i8)).collect()
}

#[test]
fn int8_dots_are_exact_for_every_kernel_probe_count_and_tail() {
    let kernels = Kernel::available();
    assert!(kernels.contains(&Kernel::Portable));
    #[cfg(target_arch = "x86_64")]
    {
        // On a CPU that has them, the fast kernels are really among those compared.
        assert_eq!(kernels.contains(&Kernel::Avx2), std::arch::is_x86_feature_detected!("avx2"));
        if std::arch::is_x86_feature_detected!("avx512vnni")
            && std::arch::is_x86_feature_detected!("avx512vbmi2")
        {
            assert_eq!(Kernel::best(), Kernel::Vnni512);
        }
    }
    for dimension in [5, 16, 37, 64, 100, 512, 515] {
        for row_count in [1, 2, 3, 5, 37] {
            let rows = codes(dimension * row_count, dimension);
            for probe_count in [1, 3, 4, 6, 9] {
                let probe_codes: Vec<Vec<i8>> =
                    (0..probe_count).map(|p| codes(dimension, p + 1)).collect();
                let block = ProbeBlock::new(dimension, probe_codes.iter().map(Vec::as_slice));
                let mut expected = vec![0; row_count * probe_count];
                for (p, probe) in probe_codes.iter().enumerate() {
                    for (r, row) in rows.chunks_exact(dimension).enumerate() {
                        expected[p * row_count + r] =
                            probe.iter().zip(row).map(|(&x, &y)| i32::from(x) * i32::from(y)).sum();
                    }
                }
                for &kernel in &kernels {
                    let mut dots = Vec::new();
                    tile_dots(kernel, &rows, &block, &mut dots);
                    assert_eq!(
                        dots, expected,
                        "{kernel:?} d={dimension} rows={row_count} probes={probe_count}"
                    );
                }
            }
        }
    }
}

#[test]
fn single_probe_dots_are_exact_for_every_kernel_and_tail() {
    for dimension in [5, 16, 37, 64, 100, 512, 515] {
        for row_count in [1, 3, 7, 8, 9, 17, 64] {
            let rows = codes(dimension * row_count, dimension);
            let probe = codes(dimension, 3);
            let expected: Vec<i32> = rows
                .chunks_exact(dimension)
                .map(|row| probe.iter().zip(row).map(|(&x, &y)| i32::from(x) * i32::from(y)).sum())
                .collect();
            for kernel in Kernel::available() {
                let mut dots = vec![7; 3];
                single_probe_dots(kernel, &probe, &rows, &mut dots);
                assert_eq!(dots, expected, "{kernel:?} d={dimension} rows={row_count}");
            }
        }
    }
    let extreme = [vec![127_i8; 4096], vec![-127_i8; 4096]].concat();
    for kernel in Kernel::available() {
        let mut dots = Vec::new();
        single_probe_dots(kernel, &vec![-127_i8; 4096], &extreme, &mut dots);
        assert_eq!(dots, [-127 * 127 * 4096, 127 * 127 * 4096], "{kernel:?}");
    }
}

#[test]
fn extreme_codes_do_not_overflow_any_kernel() {
    let dimension = 4096;
    let rows = [vec![127_i8; dimension], vec![-127_i8; dimension]].concat();
    let probes = [vec![127_i8; dimension], vec![-127_i8; dimension]];
    let block = ProbeBlock::new(dimension, probes.iter().map(Vec::as_slice));
    for kernel in Kernel::available() {
        let mut dots = Vec::new();
        tile_dots(kernel, &rows, &block, &mut dots);
        let full = 127 * 127 * dimension as i32;
        assert_eq!(dots, [full, -full, -full, full], "{kernel:?}");
        let lanes = ProbeLanes::new(dimension, probes.iter().map(Vec::as_slice));
        let mut hits = Vec::new();
        let sums = row_sums(kernel, &rows, dimension);
        let floors = [f32::MIN; 2];
        let tile = Tile { codes: &rows, scales: &[1.0; 2], row_sums: &sums, ahead: &[] };
        scan_tile(kernel, tile, &lanes, &floors, &mut hits);
        let scores: Vec<f32> = hits.iter().map(|h| h.score).collect();
        let full = full as f32;
        assert_eq!(scores, [full, -full, -full, full], "{kernel:?}");
    }
}

#[test]
fn scan_tile_hits_are_the_same_for_every_kernel() {
    for dimension in [5, 16, 37, 64, 100, 512, 515] {
        for row_count in [1, 7, 8, 9, 37, 64] {
            let rows = codes(dimension * row_count, dimension);
            let scales: Vec<f32> = (0..row_count).map(|r| 1.0 + r as f32 / 64.0).collect();
            for probe_count in [1, 3, 16, 17, 32, 48, 64] {
                let probe_codes: Vec<Vec<i8>> =
                    (0..probe_count).map(|p| codes(dimension, p + 1)).collect();
                let lanes = ProbeLanes::new(dimension, probe_codes.iter().map(Vec::as_slice));
                // Floors from -∞ to +∞, some inside the range of the scores.
                let floors: Vec<f32> = (0..probe_count)
                    .map(|p| match p % 4 {
                        0 => f32::NEG_INFINITY,
                        1 => 0.0,
                        2 => 1000.0 * (p as f32 % 16.0 - 8.0),
                        _ => f32::INFINITY,
                    })
                    .collect();
                let mut expected = Vec::new();
                for (r, row) in rows.chunks_exact(dimension).enumerate() {
                    for (p, probe) in probe_codes.iter().enumerate() {
                        let dot: i32 =
                            probe.iter().zip(row).map(|(&x, &y)| i32::from(x) * i32::from(y)).sum();
                        let score = dot as f32 * scales[r];
                        if score >= floors[p] {
                            expected.push(Hit { row: r as u32, probe: p as u32, score });
                        }
                    }
                }
                assert!(!expected.is_empty());
                for kernel in Kernel::available() {
                    let sums = row_sums(kernel, &rows, dimension);
                    let mut hits = Vec::new();
                    let tile = Tile { codes: &rows, scales: &scales, row_sums: &sums, ahead: &[] };
                    scan_tile(kernel, tile, &lanes, &floors, &mut hits);
                    assert_eq!(
                        hits, expected,
                        "{kernel:?} d={dimension} rows={row_count} probes={probe_count}"
                    );
                }
            }
        }
    }
}

#[test]
fn rescoring_gives_the_same_bits_for_every_kernel() {
    for dimension in [5, 16, 37, 64, 100, 512, 515] {
        let probe: Vec<f32> =
            (0..dimension).map(|i| ((i * 13 + dimension) as f32 * 0.37).sin()).collect();
        let row_count = 11;
        let store: Vec<f32> = (0..dimension * row_count).map(|i| (i as f32 * 0.11).cos()).collect();
        let row_codes = codes(dimension * row_count, dimension);
        let bits: Vec<u8> =
            (0..dimension.div_ceil(8) * row_count).map(|i| (i * 53 % 256) as u8).collect();
        let b = dimension.div_ceil(8);
        for rows in [vec![3], vec![0, 10, 4], vec![1, 2, 3, 4], (0..row_count).rev().collect()] {
            let expected_f32: Vec<u32> = rows
                .iter()
                .map(|&r| dot_f32(&probe, &store[r * dimension..(r + 1) * dimension]).to_bits())
                .collect();
            let expected_i8: Vec<u32> = rows
                .iter()
                .map(|&r| {
                    let coarse = dot_f32_i8(&probe, &row_codes[r * dimension..(r + 1) * dimension]);
                    (coarse + refinement_dot(&probe, &bits[r * b..(r + 1) * b])).to_bits()
                })
                .collect();
            for kernel in Kernel::available() {
                let mut out = vec![0.0; rows.len()];
                rescore_f32(kernel, &probe, &store, &rows, &mut out);
                let got: Vec<u32> = out.iter().map(|s| s.to_bits()).collect();
                assert_eq!(got, expected_f32, "{kernel:?} f32 d={dimension} rows={rows:?}");
                rescore_i8(kernel, &probe, &row_codes, &bits, &rows, &mut out);
                let got: Vec<u32> = out.iter().map(|s| s.to_bits()).collect();
                assert_eq!(got, expected_i8, "{kernel:?} i8 d={dimension} rows={rows:?}");
            }
        }
    }
}

#[test]
fn widest_f32_dot_gives_the_portable_bits() {
    for d in [0, 1, 5, 16, 37, 512, 515] {
        let a: Vec<f32> = (0..d).map(|i| ((i * 13 + d) as f32 * 0.37).sin()).collect();
        let b: Vec<f32> = (0..d).map(|i| (i as f32 * 0.11).cos() * 1e-3).collect();
        assert_eq!(dot_f32_widest(&a, &b).to_bits(), dot_f32(&a, &b).to_bits(), "d={d}");
    }
    assert_eq!(Some(&Kernel::best()), Kernel::available().last());
}

#[test]
fn widest_sum_of_squares_gives_the_portable_bits_and_flags_non_finite_values() {
    for d in [0, 1, 7, 8, 9, 37, 512, 515] {
        let mut a: Vec<f32> = (0..d).map(|i| ((i * 13 + d) as f32 * 0.37).sin() * 1e3).collect();
        let widest = sum_of_squares_widest(&a);
        assert_eq!(widest.to_bits(), sum_of_squares(&a).to_bits(), "d={d}");
        assert!(widest.is_finite());
        if d > 0 {
            // `normal::fill_then` reads finiteness off the sum: largest values, then each
            // kind of non-finite value, in a whole block and in the tail.
            a[d - 1] = f32::MAX;
            a[0] = -f32::MAX;
            assert!(sum_of_squares_widest(&a).is_finite(), "d={d}");
            for bad in [f32::INFINITY, f32::NEG_INFINITY, f32::NAN] {
                let mut b = a.clone();
                b[d / 2] = bad;
                assert!(!sum_of_squares_widest(&b).is_finite(), "d={d} {bad}");
            }
        }
    }
}

#[test]
fn f32_dot_matches_f64_reference() {
    let a: Vec<f32> = (0..515).map(|i| ((i as f32) * 0.37).sin()).collect();
    let b: Vec<f32> = (0..515).map(|i| ((i as f32) * 0.11).cos()).collect();
    let reference: f64 = a.iter().zip(&b).map(|(&x, &y)| f64::from(x) * f64::from(y)).sum();
    assert!((f64::from(dot_f32(&a, &b)) - reference).abs() < 1e-4);
    let codes: Vec<i8> = (0..515).map(|i| (i % 200 - 100) as i8).collect();
    let reference: f64 = a.iter().zip(&codes).map(|(&x, &y)| f64::from(x) * f64::from(y)).sum();
    assert!((f64::from(dot_f32_i8(&a, &codes)) - reference).abs() < 1e-2);
}
