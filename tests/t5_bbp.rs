//! T5-bbp: the rectangular spiked model's limits, continuity at the threshold, random spiked matrices
//! of size 200 x 400 against the limits, and wrong formulas that must fail.

use super::{
    bbp_limits, edge, measure, overlap_left, overlap_right, spiked_matrices, threshold, tolerance,
    top_singular_value,
};
use crate::Budget;
use proptest::prelude::*;

const N: usize = 200;
const M: usize = 400;
const DRAWS: usize = 20;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// At theta = c^1/4 the outlier meets the edge and both overlaps vanish; above it the outlier
    /// exceeds the edge.
    #[test]
    fn t5_limits_are_continuous_at_the_threshold(c in 0.01f64..1.0, dt in 1e-6f64..2.0) {
        let t = threshold(c);
        prop_assert!((top_singular_value(t * (1.0 + 1e-9), c) - edge(c)).abs() < 1e-6);
        prop_assert!(overlap_left(t * (1.0 + 1e-9), c) < 1e-6 && overlap_right(t * (1.0 + 1e-9), c) < 1e-6);
        prop_assert!(top_singular_value(t + dt, c) > edge(c));
        prop_assert!(overlap_left(t + dt, c) > 0.0 && overlap_right(t + dt, c) > 0.0);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3))]
    #[test]
    fn t5_spiked_matrices_follow_the_bbp_limits(theta in prop::sample::select(vec![0.4, 1.5, 2.0, 3.0]), seed in any::<u64>()) {
        let c = N as f64 / M as f64;
        let above = theta > threshold(c);
        let got = measure(N, M, theta, DRAWS, seed).unwrap();
        let want = [top_singular_value(theta, c), overlap_left(theta, c), overlap_right(theta, c)];
        for j in 0..3 {
            prop_assert!(
                (got[j].0 - want[j]).abs() <= tolerance(N, got[j].1, above, j == 0),
                "theta {}: quantity {}: {} ± {} vs {}", theta, j, got[j].0, got[j].1, want[j]
            );
        }
    }
}

/// Mutations: the outlier of the symmetric (Wigner) spiked model, theta + 1/theta, and the two overlaps
/// swapped, are both rejected by the same samples.
#[test]
fn t5_wrong_formulas_are_rejected() {
    let c = N as f64 / M as f64;
    let got = measure(N, M, 3.0, DRAWS, 1).unwrap();
    assert!((got[0].0 - (3.0 + 1.0 / 3.0)).abs() > tolerance(N, got[0].1, true, true));
    let got = measure(N, M, 1.5, DRAWS, 2).unwrap();
    assert!((got[1].0 - overlap_right(1.5, c)).abs() > tolerance(N, got[1].1, true, false));
    assert!((got[2].0 - overlap_left(1.5, c)).abs() > tolerance(N, got[2].1, true, false));
}


/// The ledger's check at its quick size goes red through its own pass flag with wrong limits: Wigner's
/// outlier theta + 1/theta in place of the rectangular one, the two overlaps exchanged, or no transition
/// (the outlier taken at the bulk edge for every theta).
#[test]
fn t5_check_fails_with_wrong_limits() {
    assert!(spiked_matrices(Budget::Quick, bbp_limits).unwrap().pass);
    fn wigner(theta: f64, c: f64) -> [f64; 3] {
        let [_, l, r] = bbp_limits(theta, c);
        [theta + 1.0 / theta, l, r]
    }
    fn swapped(theta: f64, c: f64) -> [f64; 3] {
        let [s, l, r] = bbp_limits(theta, c);
        [s, r, l]
    }
    fn no_transition(theta: f64, c: f64) -> [f64; 3] {
        let [_, l, r] = bbp_limits(theta, c);
        [edge(c), l, r]
    }
    for (name, limits) in [
        ("wigner", wigner as fn(f64, f64) -> [f64; 3]),
        ("swapped", swapped),
        ("no transition", no_transition),
    ] {
        assert!(!spiked_matrices(Budget::Quick, limits).unwrap().pass, "{name}");
    }
}
