//! T5-democracy: the implemented Newton–Schulz map acts on singular values one by one, as phi^5, against a
//! quintic written out in the theorem module; the exact band of the interval images against a dense grid;
//! and both ledger checks red when the prediction's step count or coefficients are wrong.

use super::{
    band, critical_points, democracy, independence, independence_error, phi, Quintic,
    INDEPENDENCE_TOLERANCE, NS_COEFFICIENTS, NS_STEPS,
};
use crate::Budget;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    #[test]
    fn t5_newton_schulz_acts_on_each_singular_value(seed in any::<u64>(), n in 2usize..20, extra in 0usize..20) {
        let mut rng = grokking::rng::indexed(seed, 0);
        let err = independence_error(&mut rng, (n + extra, n), 4.0, NS_COEFFICIENTS, NS_STEPS);
        prop_assert!(err <= INDEPENDENCE_TOLERANCE, "deviation {err}");
    }

    /// The exact band of one step contains phi of every point of the interval, and its ends are attained
    /// (at an end or a critical point), for random intervals in [0, 1.3].
    #[test]
    fn t5_one_step_band_is_the_image(lo in 0.0f64..1.3, width in 0.0f64..1.3) {
        let hi = lo + width;
        let (l, h) = band(NS_COEFFICIENTS, 1, (lo, hi));
        let samples: Vec<f64> = (0..=2000).map(|i| phi(NS_COEFFICIENTS, lo + (hi - lo) * i as f64 / 2000.0)).collect();
        prop_assert!(samples.iter().all(|&y| y >= l - 1e-12 && y <= h + 1e-12));
        let near = |t: f64| samples.iter().any(|&y| (y - t).abs() < 1e-4);
        prop_assert!(near(l) && near(h), "[{l}, {h}] on [{lo}, {hi}]");
    }
}

/// The critical points solve phi' = 0 (x* = 0.5545..., where phi reaches c_NS, and the local minimum near 1.05).
#[test]
fn t5_critical_points_are_where_the_derivative_vanishes() {
    let (a, b, c) = NS_COEFFICIENTS;
    let points = critical_points(NS_COEFFICIENTS);
    assert_eq!(points.len(), 4);
    for x in points {
        let d = a + 3.0 * b * x * x + 5.0 * c * x.powi(4);
        assert!(d.abs() < 1e-12, "phi'({x}) = {d}");
    }
}

/// Both ledger checks pass with the implemented quintic and five steps, and fail when the prediction uses
/// four or six steps, or a quintic with one coefficient changed in its second decimal.
#[test]
fn t5_checks_fail_with_wrong_predictions() {
    assert!(independence(Budget::Quick, NS_COEFFICIENTS, NS_STEPS).pass);
    assert!(democracy(NS_COEFFICIENTS, NS_STEPS).pass);
    let (a, b, c) = NS_COEFFICIENTS;
    let wrong: [(Quintic, usize); 5] = [
        (NS_COEFFICIENTS, NS_STEPS - 1),
        (NS_COEFFICIENTS, NS_STEPS + 1),
        ((a + 0.01, b, c), NS_STEPS),
        ((a, b + 0.01, c), NS_STEPS),
        ((a, b, c + 0.01), NS_STEPS),
    ];
    for (q, k) in wrong {
        assert!(!independence(Budget::Quick, q, k).pass, "{q:?}, {k} steps");
        assert!(!democracy(q, k).pass, "{q:?}, {k} steps");
    }
}
