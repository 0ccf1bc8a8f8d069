//! T5-democracy: the implemented Newton–Schulz map acts on singular values one by one, as phi^5.

use super::{independence_error, with_singular_values, INDEPENDENCE_TOLERANCE};
use grokking::optim::muon::iterate;
use grokking::optim::muon::{newton_schulz, NS_EPS};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    #[test]
    fn t5_newton_schulz_acts_on_each_singular_value(seed in any::<u64>(), n in 2usize..20, extra in 0usize..20) {
        let mut rng = grokking::rng::indexed(seed, 0);
        let err = independence_error(&mut rng, n + extra, n, 4.0);
        prop_assert!(err <= INDEPENDENCE_TOLERANCE, "deviation {err}");
    }
}

/// Mutation: four iterations instead of five give visibly different singular values.
#[test]
fn t5_the_prediction_needs_five_iterations() {
    let mut rng = grokking::rng::indexed(4, 0);
    let sigma = [1.0, 0.3, 0.05, 0.01];
    let d = with_singular_values(&mut rng, 6, &sigma);
    let norm = d.norm() + NS_EPS;
    let mut got = newton_schulz(&d, 5)
        .svd(false, false)
        .singular_values
        .as_slice()
        .to_vec();
    got.sort_by(|a, b| b.total_cmp(a));
    let dev = |k: usize| {
        let mut want: Vec<f64> = sigma.iter().map(|s| iterate(s / norm, k)).collect();
        want.sort_by(|a, b| b.total_cmp(a));
        got.iter()
            .zip(&want)
            .map(|(g, w)| (g - w).abs())
            .fold(0.0, f64::max)
    };
    assert!(
        dev(5) < INDEPENDENCE_TOLERANCE && dev(4) > 1e-2,
        "{} {}",
        dev(5),
        dev(4)
    );
}

