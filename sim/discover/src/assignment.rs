//! The linear assignment problem: the cheapest one-to-one pairing of the rows of a cost
//! matrix with its columns (rows ≤ columns), by shortest augmenting paths with potentials
//! (the Hungarian method in Jonker–Volgenant form, O(rows² · columns)).

/// The column assigned to each row, minimising the summed cost. `cost` is row-major,
/// `rows × cols`, with `rows ≤ cols` and finite entries.
pub fn min_cost_assignment(cost: &[f64], rows: usize, cols: usize) -> Vec<usize> {
    debug_assert!(rows <= cols && cost.len() == rows * cols);
    // 1-based potentials and matching, column 0 is the virtual start.
    let mut u = vec![0.0f64; rows + 1];
    let mut v = vec![0.0f64; cols + 1];
    let mut row_of = vec![0usize; cols + 1];
    let mut way = vec![0usize; cols + 1];
    let mut min_to = vec![0.0f64; cols + 1];
    let mut used = vec![false; cols + 1];
    for i in 1..=rows {
        row_of[0] = i;
        let mut j0 = 0usize;
        min_to.fill(f64::INFINITY);
        used.fill(false);
        loop {
            used[j0] = true;
            let i0 = row_of[j0];
            let mut delta = f64::INFINITY;
            let mut j1 = 0usize;
            let base = (i0 - 1) * cols;
            let ui0 = u[i0];
            for j in 1..=cols {
                if !used[j] {
                    let cur = cost[base + j - 1] - ui0 - v[j];
                    if cur < min_to[j] {
                        min_to[j] = cur;
                        way[j] = j0;
                    }
                    // Among columns equally near, a free one ends the search at once (logs
                    // repeat variants, so ties are many); any nearest column keeps it exact.
                    if min_to[j] < delta
                        || (min_to[j] == delta && row_of[j] == 0 && row_of[j1] != 0)
                    {
                        delta = min_to[j];
                        j1 = j;
                    }
                }
            }
            for j in 0..=cols {
                if used[j] {
                    u[row_of[j]] += delta;
                    v[j] -= delta;
                } else {
                    min_to[j] -= delta;
                }
            }
            j0 = j1;
            if row_of[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            row_of[j0] = row_of[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    let mut col_of = vec![0usize; rows];
    for j in 1..=cols {
        if row_of[j] > 0 {
            col_of[row_of[j] - 1] = j - 1;
        }
    }
    col_of
}

#[cfg(test)]
mod tests {
    use super::*;

    fn total(cost: &[f64], cols: usize, a: &[usize]) -> f64 {
        a.iter().enumerate().map(|(i, &j)| cost[i * cols + j]).sum()
    }

    /// Every permutation of the columns (small n): the true optimum.
    fn brute(cost: &[f64], rows: usize, cols: usize) -> f64 {
        fn go(cost: &[f64], rows: usize, cols: usize, i: usize, used: &mut Vec<bool>) -> f64 {
            if i == rows {
                return 0.0;
            }
            let mut best = f64::INFINITY;
            for j in 0..cols {
                if !used[j] {
                    used[j] = true;
                    best = best.min(cost[i * cols + j] + go(cost, rows, cols, i + 1, used));
                    used[j] = false;
                }
            }
            best
        }
        go(cost, rows, cols, 0, &mut vec![false; cols])
    }

    #[test]
    fn matches_brute_force_on_small_matrices() {
        let mut state = 12345u64;
        // 97 values, and 3 (many ties, as repeated variants make).
        for (modulus, rows) in [97u64, 3].into_iter().flat_map(|m| (1..=5).map(move |r| (m, r))) {
            for cols in rows..=6 {
                let cost: Vec<f64> = (0..rows * cols)
                    .map(|_| {
                        state = state
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        ((state >> 33) % modulus) as f64 / 7.0
                    })
                    .collect();
                let a = min_cost_assignment(&cost, rows, cols);
                let mut seen = a.clone();
                seen.sort_unstable();
                seen.dedup();
                assert_eq!(seen.len(), rows, "one column per row");
                assert!((total(&cost, cols, &a) - brute(&cost, rows, cols)).abs() < 1e-9);
            }
        }
    }
}
