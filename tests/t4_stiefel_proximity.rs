//! T4-stiefel: the distance to the scaled Stiefel manifold (closed form against a brute-force scan of the
//! scale), and the ledger's training checks.

use crate::common::assert_ledger_passes;
use grokking::theorems::harness::gaussian_matrix;
use grokking::theorems::t4_stiefel_proximity::{nearest_scaled_stiefel, stiefel_distance};
use nalgebra::DMatrix;
use proptest::prelude::*;

fn gaussian(seed: u64, m: usize, n: usize) -> DMatrix<f64> {
    gaussian_matrix(&mut grokking::rng::indexed(seed, 0), m, n, 1.0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// The closed form equals |W - r polar(W)| / |W| at the best r found by a scan, and the nearest point
    /// is at distance zero from the manifold.
    #[test]
    fn t4_distance_is_the_best_scaled_polar_fit(seed in any::<u64>(), m in 2usize..12, n in 2usize..12) {
        let w = gaussian(seed, m, n);
        let q = grokking::optim::muon::exact_polar(&w);
        let best = (0..=4000)
            .map(|i| 3.0 * i as f64 / 4000.0 * w.norm() / (m.min(n) as f64).sqrt())
            .map(|r| (&w - &q * r).norm() / w.norm())
            .fold(f64::INFINITY, f64::min);
        let d = stiefel_distance(&w);
        prop_assert!(d <= best + 1e-12 && best - d < 1e-3, "closed form {} vs scan {}", d, best);
        prop_assert!(stiefel_distance(&nearest_scaled_stiefel(&w)) < 1e-6);
        // Mutation: dropping the 1/k gives a different (wrong) value on a generic matrix.
        let s = w.clone().svd(false, false).singular_values;
        let wrong = (1.0 - s.sum().powi(2) / s.norm_squared()).abs().sqrt();
        prop_assert!((wrong - d).abs() > 1e-6);
    }
}

#[test]
fn t4_ledger_check_passes_quick() {
    assert_ledger_passes("T4-stiefel");
}
