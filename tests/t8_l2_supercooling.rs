//! T8-supercooling: homogeneity and the loss envelope along rays, the Lanczos Hessian against a dense one,
//! and the collapsed point θ = 0 as a strict local minimum.

use super::{
    hessian_min_eigenvalue, objective_and_gradient, path_profile, string_profile, Ray,
    HESSIAN_TOLERANCE, HOMOGENEITY_TOLERANCE, ROUND_OFF,
};
use grokking::model::{Activation, Batch, Model, ModelConfig};
use grokking::task::{Operation, Task};
use nalgebra::{DMatrix, SymmetricEigen};
use proptest::prelude::*;

fn z2_model(p: u32, width: usize, seed: u64) -> (Model<f64>, Batch<f64>) {
    let task = Task::Modular {
        op: Operation::Add,
        p,
    };
    let config = ModelConfig {
        width,
        alpha: 1.0,
        kappa: 1.0,
        activation: Activation::Quad,
    };
    let model = Model::<f64>::init(&task, config, seed).unwrap();
    let batch = Batch::new(&task.split(0.6, seed).unwrap().train);
    (model, batch)
}

fn scaled(model: &Model<f64>, s: f64) -> Model<f64> {
    let mut m = model.clone();
    m.params.w1 *= s;
    m.params.w2 *= s;
    m
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// L(sθ) from the ray (logits × s³) equals the forward loss of the scaled net and lies in the envelope.
    #[test]
    fn t8_ray_is_homogeneous_and_enveloped(seed in 0u64..1000, i in 0usize..3, s in 0.1f64..10.0) {
        let (model, batch) = z2_model([5u32, 7, 11][i], 8, seed);
        let ray = Ray::new(&model, &batch, 3);
        let direct = objective_and_gradient(&scaled(&model, s), &batch, 0.0).0;
        prop_assert!((ray.loss(s) - direct).abs() < HOMOGENEITY_TOLERANCE * (1.0 + direct));
        let (lo, hi) = ray.loss_envelope(s);
        prop_assert!(lo <= direct + ROUND_OFF && direct <= hi + ROUND_OFF, "{lo} {direct} {hi}");
    }
}

/// Mutation: a ray of the wrong degree does not reproduce the scaled net.
#[test]
fn t8_wrong_degree_fails() {
    let (model, batch) = z2_model(7, 8, 1);
    let direct = objective_and_gradient(&scaled(&model, 3.0), &batch, 0.0).0;
    assert!((Ray::new(&model, &batch, 2).loss(3.0) - direct).abs() > 1e-3);
}

/// Lanczos on finite-difference Hessian–vector products against the dense finite-difference Hessian.
#[test]
fn t8_lanczos_matches_the_dense_hessian() {
    let (model, batch) = z2_model(5, 3, 2);
    let lambda = 1e-2;
    let theta: Vec<f64> = model
        .params
        .w1
        .iter()
        .chain(model.params.w2.iter())
        .copied()
        .collect();
    let dim = theta.len();
    let (n1, h) = (model.params.w1.len(), 1e-5);
    let grad_at = |x: &[f64]| {
        let mut m = model.clone();
        m.params.w1.copy_from_slice(&x[..n1]);
        m.params.w2.copy_from_slice(&x[n1..]);
        objective_and_gradient(&m, &batch, lambda).1
    };
    let mut dense = DMatrix::zeros(dim, dim);
    for i in 0..dim {
        let (mut up, mut down) = (theta.clone(), theta.clone());
        up[i] += h;
        down[i] -= h;
        dense.set_column(i, &((grad_at(&up) - grad_at(&down)) / (2.0 * h)));
    }
    let dense = (&dense + dense.transpose()) * 0.5;
    let want = SymmetricEigen::new(dense).eigenvalues.min();
    let got = hessian_min_eigenvalue(&model, &batch, lambda, dim);
    assert!(
        (got - want).abs() < 1e-5 * (1.0 + want.abs()),
        "{got} vs {want}"
    );
}

/// At θ = 0 the z² net's Hessian of F is exactly λ I, for several λ.
#[test]
fn t8_zero_is_a_strict_local_minimum() {
    let (mut model, batch) = z2_model(7, 6, 3);
    model.params.w1.fill(0.0);
    model.params.w2.fill(0.0);
    for lambda in [1e-4, 1e-2, 1.0] {
        let g = objective_and_gradient(&model, &batch, lambda).1.norm();
        let h = hessian_min_eigenvalue(&model, &batch, lambda, 20);
        assert!(
            g == 0.0 && (h / lambda - 1.0).abs() < HESSIAN_TOLERANCE,
            "lambda {lambda}: {g} {h}"
        );
    }
}

/// The straight profile is F at interpolated weights, the string method starts from it (0 rounds), and its
/// rounds lower the mean of F over the interior points between two random nets, ends fixed.
#[test]
fn t8_string_method_starts_straight_and_relaxes() {
    let (a, batch) = z2_model(7, 8, 4);
    let (b, _) = z2_model(7, 8, 5);
    let lambda = 1e-2;
    let straight = path_profile(&a, &b, &batch, lambda, 7);
    let start = string_profile(&a, &b, &batch, lambda, 7, 0, 0.0);
    assert!(straight
        .iter()
        .zip(&start)
        .all(|(x, y)| (x - y).abs() < 1e-12));
    // The straight path against interpolated weights built here.
    for (i, f) in straight.iter().enumerate() {
        let t = i as f64 / 6.0;
        let mut m = a.clone();
        m.params.w1 = &a.params.w1 * (1.0 - t) + &b.params.w1 * t;
        m.params.w2 = &a.params.w2 * (1.0 - t) + &b.params.w2 * t;
        assert!((objective_and_gradient(&m, &batch, lambda).0 - f).abs() < 1e-12);
    }
    let relaxed = string_profile(&a, &b, &batch, lambda, 7, 100, 0.01);
    let interior = |v: &[f64]| v[1..v.len() - 1].iter().sum::<f64>();
    assert!(
        interior(&relaxed) < interior(&start),
        "{start:?} -> {relaxed:?}"
    );
    assert!((relaxed[0] - start[0]).abs() < 1e-12 && (relaxed[6] - start[6]).abs() < 1e-12);
}


/// Five of the ledger checks pass on the quick setting, and each goes red through its own pass flag when a
/// wrong prediction is swapped in: rays of degree 2, the opposite ordering rule, the memorizing and grokked
/// rays exchanged (a crossing appears), the Hessian 2 lambda of the lambda |theta|^2 convention, and a path
/// between two weight vectors that compute the same function (W1 and -W1 for z^2), which must cross the
/// zero net. (The metastability checks are tested on hand-built relaxations below.)
#[test]
fn t8_checks_fail_with_wrong_predictions() {
    use super::{
        homogeneity, no_barrier, no_critical_lambda, small_lambda_ordering,
        zero_is_a_strict_minimum, Design, Setting,
    };
    let d = Design::of(crate::Budget::Quick);
    let mut s = Setting::new(&d).unwrap();

    assert!(homogeneity(&s).pass);
    let degree_two: Vec<Ray> = s
        .named()
        .iter()
        .map(|(_, m)| Ray::new(m, &s.nets.train, 2))
        .collect();
    let rays = std::mem::replace(&mut s.rays, degree_two);
    assert!(!homogeneity(&s).pass, "degree 2 accepted");
    s.rays = rays;

    assert!(small_lambda_ordering(&s, |grokked, memorizing| grokked > memorizing).pass);
    assert!(!small_lambda_ordering(&s, |grokked, memorizing| grokked < memorizing).pass);

    assert!(no_critical_lambda(&s).pass);
    s.rays.swap(0, 2);
    assert!(!no_critical_lambda(&s).pass, "swapped rays show no crossing");
    s.rays.swap(0, 2);

    assert!(zero_is_a_strict_minimum(&s, 1.0).pass);
    assert!(!zero_is_a_strict_minimum(&s, 2.0).pass);


    assert!(no_barrier(&s, &s.nets.at_mem, &s.nets.grokked).pass);
    let mut mirrored = s.nets.at_mem.clone();
    mirrored.params.w1 *= -1.0;
    assert!(!no_barrier(&s, &s.nets.at_mem, &mirrored).pass, "no barrier through zero");
}

/// The global-minimum checks go red with a wrong prediction: Morwani et al.'s maximum margin 1% off, or
/// with p in place of its square root; and the search for a better Euclidean margin restricted to the
/// all-frequency circuit itself (nothing beats it then).
#[test]
fn t8_global_minimum_checks_fail_with_wrong_predictions() {
    use super::{
        circuit_is_max_margin, euclidean_max_is_not_all_frequencies, frequency_sets,
        morwani_max_margin, SEARCHED_SET_SIZE,
    };
    let primes = [5, 7, 11, 13];
    assert!(circuit_is_max_margin(&primes, morwani_max_margin).unwrap().pass);
    assert!(!circuit_is_max_margin(&primes, |p| 1.01 * morwani_max_margin(p)).unwrap().pass);
    fn p_not_sqrt(p: u32) -> f64 {
        let p = f64::from(p);
        (2.0f64 / 27.0).sqrt() / (p * (p - 1.0))
    }
    assert!(!circuit_is_max_margin(&primes, p_not_sqrt).unwrap().pass);
    assert!(!circuit_is_max_margin(&[], morwani_max_margin).unwrap().pass);
    let sets = |p| frequency_sets(p, SEARCHED_SET_SIZE);
    assert!(euclidean_max_is_not_all_frequencies(17, sets).unwrap().pass);
    fn only_all(p: u32) -> Vec<Vec<usize>> {
        vec![(1..=(p as usize - 1) / 2).collect()]
    }
    assert!(!euclidean_max_is_not_all_frequencies(17, only_all).unwrap().pass);
}

/// The frequency sets of the search: every non-empty set of at most `size` frequencies, once each.
#[test]
fn t8_frequency_sets_are_all_small_subsets() {
    let sets = super::frequency_sets(17, 4);
    assert_eq!(sets.len(), 8 + 28 + 56 + 70);
    let mut unique = sets.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), sets.len());
    assert!(sets.iter().all(|s| !s.is_empty() && s.len() <= 4 && s.windows(2).all(|w| w[0] < w[1])));
}


/// A relaxation from `(F, test accuracy)` to `(F, test accuracy)`, at rest or not (verdict logic only).
fn relaxation(from: (f64, f64), to: (f64, f64), at_rest: bool) -> super::Relaxation {
    let point = |step, (objective, test_acc): (f64, f64), gradient_norm| super::RelaxationPoint {
        step,
        objective,
        gradient_norm,
        weight_norm: 20.0,
        train_acc: 1.0,
        test_acc,
    };
    super::Relaxation {
        trace: vec![point(0, from, 0.1), point(1000, to, if at_rest { 5e-5 } else { 1e-3 })],
        rest: 1e-4,
        hessian_min: (-1e-2, 1e-5),
        normalized_margin: 1e-4,
    }
}

/// The metastability checks (E, E') pass on relaxations that show what they claim and go red when a
/// relaxation has not come to rest, gains too little test accuracy, or there are none; and, for E', with
/// the opposite ordering (the circuit below the rest points), a rest point that generalizes, a descent
/// from the circuit that keeps its generalization, or no descent from the circuit at all.
#[test]
fn t8_metastability_checks_fail_with_wrong_predictions() {
    use super::{not_metastable, rest_is_below_the_circuit, SeedRelaxation};
    let leaves = relaxation((0.8, 0.01), (0.2, 0.45), true);
    assert!(not_metastable(&[&leaves, &leaves]).pass);
    assert!(!not_metastable(&[&leaves, &relaxation((0.8, 0.01), (0.2, 0.45), false)]).pass, "not at rest");
    assert!(!not_metastable(&[&leaves, &relaxation((0.8, 0.01), (0.2, 0.05), true)]).pass, "no gain");
    assert!(!not_metastable(&[]).pass, "nothing measured");

    let seed = |memorizing, circuit| SeedRelaxation {
        memorizing,
        circuit_ray_minimum: 0.27,
        circuit_normalized_margin: 6e-4,
        circuit,
    };
    let falls = relaxation((0.27, 1.0), (0.2, 0.5), true);
    let good = [seed(leaves.clone(), Some(falls.clone())), seed(leaves.clone(), None)];
    let below = |rest: f64, circuit: f64| rest < circuit;
    assert!(rest_is_below_the_circuit(&good, below).pass);
    assert!(!rest_is_below_the_circuit(&good, |rest, circuit| rest > circuit).pass, "opposite ordering");
    let generalizing_rest = [seed(relaxation((0.8, 0.01), (0.2, 0.995), true), Some(falls.clone()))];
    assert!(!rest_is_below_the_circuit(&generalizing_rest, below).pass);
    let circuit_holds = [seed(leaves.clone(), Some(relaxation((0.27, 1.0), (0.26, 1.0), true)))];
    assert!(!rest_is_below_the_circuit(&circuit_holds, below).pass);
    assert!(!rest_is_below_the_circuit(&[seed(leaves, None)], below).pass, "no descent from the circuit");
}
