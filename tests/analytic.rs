//! The exact Fourier solution of a+b mod p for the z² network: its logits, accuracy, margin and norm.

use grokking::analytic::{self, fourier_solution, margin, parameter_norm, predicted_logit};
use grokking::model::{Batch, Workspace};
use grokking::task::{is_prime, Inputs};
use proptest::prelude::*;

/// All logits of the construction on the p² pairs, and the largest deviation from `prediction`.
fn check(p: u32, k: &[usize], prediction: impl Fn(u32, u32, u32) -> f64) -> (f64, f64) {
    let model = fourier_solution(p, k).unwrap();
    let examples = analytic::task(p).all_examples().unwrap();
    let batch = Batch::new(&examples);
    let mut ws = Workspace::default();
    model.forward(&batch, &mut ws);
    let stats = grokking::loss::evaluate(
        grokking::loss::LossKind::CrossEntropy,
        &ws.logits,
        &batch.labels,
        None,
    );
    let Inputs::Pairs { a, b, .. } = &examples.inputs else {
        unreachable!()
    };
    let mut worst = 0.0f64;
    for j in 0..examples.len() {
        for c in 0..p {
            worst = worst.max((ws.logits[(c as usize, j)] - prediction(a[j], b[j], c)).abs());
        }
    }
    (stats.accuracy, worst)
}

/// Absolute agreement of the computed and predicted logits: ~1e3 rounding errors of f64 on sums of
/// N ≤ 6·48 terms of size ≤ 4.
const LOGIT_TOL: f64 = 1e-9;

fn frequency_set() -> impl Strategy<Value = (u32, Vec<usize>)> {
    let primes: Vec<u32> = (3..=61).filter(|&n| is_prime(n)).collect();
    proptest::sample::select(primes).prop_flat_map(|p| {
        let half = (p as usize - 1) / 2;
        (
            Just(p),
            proptest::sample::subsequence((1..=half).collect::<Vec<_>>(), 1..=half),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn logits_are_exactly_the_predicted_cosine_sum((p, k) in frequency_set()) {
        let (acc, worst) = check(p, &k, |a, b, c| predicted_logit(p, &k, a, b, c));
        prop_assert!(worst < LOGIT_TOL, "p = {p}, K = {k:?}: logits deviate by {worst:e}");
        prop_assert_eq!(acc, 1.0);
    }
}

#[test]
fn full_accuracy_for_every_prime_from_5_to_97_with_one_frequency_or_all() {
    for p in (5..=97).filter(|&n| is_prime(n)) {
        let all: Vec<usize> = (1..=(p as usize - 1) / 2).collect();
        for k in [vec![1], all] {
            let (acc, worst) = check(p, &k, |a, b, c| predicted_logit(p, &k, a, b, c));
            assert_eq!(acc, 1.0, "p = {p}, {} frequencies", k.len());
            assert!(worst < LOGIT_TOL);
        }
    }
}

#[test]
fn a_wrong_prediction_is_caught() {
    // Twice the predicted amplitude (M instead of M/2) is far outside the tolerance.
    let (p, k) = (13, vec![2, 5]);
    let (_, worst) = check(p, &k, |a, b, c| 2.0 * predicted_logit(p, &k, a, b, c));
    assert!(worst > 1.0);
}

#[test]
fn margin_and_norm_match_the_closed_forms() {
    for (p, k) in [
        (5u32, vec![1usize]),
        (13, vec![2, 5]),
        (97, (1..=48).collect::<Vec<_>>()),
    ] {
        let model = fourier_solution(p, &k).unwrap();
        assert!(
            (model.params.norms().2 - parameter_norm(p, &k)).abs() < 1e-9 * parameter_norm(p, &k)
        );
        // The margin read off the logits equals the closed form.
        let mut measured = f64::INFINITY;
        for a in 0..p {
            for b in 0..p {
                let right = predicted_logit(p, &k, a, b, (a + b) % p);
                let wrong = (0..p)
                    .filter(|&c| c != (a + b) % p)
                    .map(|c| predicted_logit(p, &k, a, b, c))
                    .fold(f64::MIN, f64::max);
                measured = measured.min(right - wrong);
            }
        }
        assert!(
            (measured - margin(p, &k)).abs() < 1e-9,
            "p = {p}: {measured} vs {}",
            margin(p, &k)
        );
    }
    // All frequencies: Σ_k cos(2πkd/p) = −1/2 for d ≠ 0, so the margin is (M/2)((p − 1)/2 + 1/2) = 3p/2.
    let all: Vec<usize> = (1..=48).collect();
    assert!((margin(97, &all) - 3.0 * 97.0 / 2.0).abs() < 1e-9);
}

#[test]
fn the_design_is_the_smallest_cyclic_one() {
    let design = (analytic::NEURONS_PER_FREQUENCY, analytic::PHASE_MULTIPLIER);
    assert_eq!(analytic::minimal_cyclic_design(), Some(design));
    assert_eq!(design, (6, 4));
}

#[test]
fn bad_inputs_are_errors() {
    assert!(fourier_solution(9, &[1]).is_err(), "composite p");
    assert!(fourier_solution(2, &[1]).is_err(), "p = 2 has no frequency");
    assert!(fourier_solution(11, &[]).is_err());
    assert!(
        fourier_solution(11, &[6]).is_err(),
        "frequency above (p − 1)/2"
    );
    assert!(fourier_solution(11, &[2, 2]).is_err());
}

#[test]
fn the_exact_solution_puts_all_logit_energy_on_the_addition_diagonal() {
    use grokking::measure::{fourier::Fourier, progress::diagonal_logit_energy};
    for (p, k) in [(11u32, vec![3usize]), (23, vec![1, 4, 9])] {
        let model = fourier_solution(p, &k).unwrap();
        let d = diagonal_logit_energy(&model, &analytic::task(p), &mut Fourier::new()).unwrap();
        assert!((d - 1.0).abs() < 1e-12, "p = {p}: {d}");
    }
    // A random network of the same task spreads its logits: the diagonal holds about 1/p² of the energy.
    let p = 23;
    let task = analytic::task(p);
    let config = grokking::model::ModelConfig {
        width: 64,
        alpha: 1.0,
        kappa: 1.0,
        activation: grokking::model::Activation::Relu,
    };
    let random = grokking::model::Model::<f64>::init(&task, config, 5).unwrap();
    let d = diagonal_logit_energy(&random, &task, &mut Fourier::new()).unwrap();
    assert!(
        d < 10.0 / (p * p) as f64,
        "random logits on the diagonal: {d}"
    );
}
