//! T7-norm: the kernel-regime sandwich for the least-norm interpolant, its slope in n, and the Fourier
//! circuit's norm for margin 1.

use super::{
    architecture_bound, energy_slope, every_network, fourier_circuit, fourier_norm_per_margin,
    kernel_memorization, kernel_memorization_on, kernel_regime, predicted_fourier_norm_per_margin,
    random_growth, random_nets, train_nets, trained_nets, Design, TrainedNorms, KERNEL, ROUND_OFF,
};
use crate::Budget;
use grokking::analytic;
use grokking::error::Result;
use grokking::measure::kernel::OneHotKernel;
use grokking::model::{Activation, Batch, Model, ModelConfig, Workspace};
use grokking::task::{Examples, Inputs, Labels, Operation, Task};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]
    /// The lemma behind the bound, for random nets (any width, scale, kappa; ReLU or z^2) on random
    /// training sets with random labels: with the average margin to the mean logit
    /// gamma_bar = sum_i (f_{y_i} - mean_c f_c) / (n (1 - 1/C)), made positive by the sign of W2 (f is
    /// linear in W2), |theta|^(k+1) / gamma_bar >= bound^(k+1). The theorem follows, since
    /// gamma_min <= gamma_bar.
    #[test]
    fn t7_architecture_lemma_holds_for_random_nets(
        p in prop::sample::select(vec![5u32, 7, 11, 13]),
        frac in 0.2f64..0.9,
        width in 1usize..40,
        alpha in 0.1f64..3.0,
        kappa in 0.05f64..2.0,
        quad in any::<bool>(),
        seed in 0u64..1000,
    ) {
        let task = Task::Modular { op: Operation::Add, p };
        let train = task.labelled_split(frac, seed, Labels::Random).unwrap().train;
        let activation = if quad { Activation::Quad } else { Activation::Relu };
        let k = if quad { 2 } else { 1 };
        let config = ModelConfig { width, alpha, kappa, activation };
        let model = Model::<f64>::init(&task, config, seed).unwrap();
        let gamma_bar = mean_margin_to_average(&model, &train).abs();
        prop_assume!(gamma_bar > 0.0);
        let bound = architecture_bound(&train, p as usize, kappa, k).unwrap();
        let lhs = model.params.norms().2.powi(k as i32 + 1) / gamma_bar;
        prop_assert!(lhs >= bound.powi(k as i32 + 1) * (1.0 - ROUND_OFF), "{lhs} < {bound}^{}", k + 1);
    }

    /// (n − |P_S Y|²)/k₂ ≤ tr(Yᵀ K⁻¹ Y) ≤ n/k₂ for random kernels, primes, fractions, true or random labels.
    #[test]
    fn t7_least_norm_interpolant_is_in_the_sandwich(
        seed in 0u64..1000,
        i in 0usize..4,
        frac in 0.15f64..0.9,
        k0 in 0.0f64..2.0,
        k1 in 0.0f64..2.0,
        k2 in 0.05f64..3.0,
        random in any::<bool>(),
    ) {
        let p = [11u32, 13, 17, 23][i];
        let labels = if random { Labels::Random } else { Labels::True };
        let m = kernel_memorization(p, frac, seed, labels, OneHotKernel { k0, k1, k2 }).unwrap();
        let (lo, hi) = m.bounds();
        prop_assert!(m.energy >= lo * (1.0 - ROUND_OFF) && m.energy <= hi * (1.0 + ROUND_OFF), "{m:?}");
    }
}

/// On the full grid with the Latin labels a+b, the additive part of the targets is exactly p.
#[test]
fn t7_full_grid_structured_part_is_p() {
    for p in [5u32, 11, 17] {
        let pairs: Vec<(u32, u32)> = (0..p * p).map(|i| (i / p, i % p)).collect();
        let labels: Vec<u32> = pairs.iter().map(|&(a, b)| (a + b) % p).collect();
        let m = kernel_memorization_on(p, &pairs, &labels, KERNEL).unwrap();
        assert!(
            (m.structured - p as f64).abs() < 1e-8,
            "p={p}: {}",
            m.structured
        );
    }
}

/// The slope of ln E in ln n lies in the range the sandwich allows around 1, and outside the ranges around
/// the mutated laws E ∝ n^(1/2) and E ∝ n² (norm ∝ n).
#[test]
fn t7_energy_slope_is_one_and_mutations_fail() {
    let runs: Vec<_> = [0.2, 0.35, 0.5, 0.7, 0.9]
        .iter()
        .map(|&f| kernel_memorization(23, f, 0, Labels::True, KERNEL).unwrap())
        .collect();
    for (q, holds) in [(1.0, true), (0.5, false), (2.0, false)] {
        let (slope, (lo, hi)) = energy_slope(&runs, q).unwrap();
        assert_eq!(
            slope >= lo && slope <= hi,
            holds,
            "q={q}: {slope} vs [{lo}, {hi}]"
        );
    }
}

#[test]
fn t7_fourier_norm_per_margin_has_the_closed_form() {
    for p in [5u32, 7, 13, 29, 41] {
        let measured = fourier_norm_per_margin(p).unwrap().unwrap();
        assert!((measured / predicted_fourier_norm_per_margin(p) - 1.0).abs() < ROUND_OFF);
    }
}

#[test]
fn t7_bad_kernel_is_an_error() {
    let flat = OneHotKernel {
        k0: 1.0,
        k1: 1.0,
        k2: 0.0,
    };
    assert!(kernel_memorization(11, 0.5, 0, Labels::True, flat).is_err());
}


/// The ledger's checks go red through their own pass flags when a wrong prediction is swapped in: the
/// kernel-regime laws E ∝ n^(1/2) and E ∝ n² (norm ∝ n) for both label sets, the Fourier circuit's norm
/// normalized as if the net had degree 2, and trained runs in which the grokked net needs more norm per
/// margin than the memorizing one (or does not grok).
#[test]
fn t7_checks_fail_with_wrong_predictions() {
    let design = Design::of(Budget::Quick);
    for labels in [Labels::True, Labels::Random] {
        assert!(kernel_regime(&design, labels, 1.0).unwrap().pass);
        for q in [0.5, 2.0] {
            assert!(
                !kernel_regime(&design, labels, q).unwrap().pass,
                "{labels:?}: E ~ n^{q} accepted"
            );
        }
    }
    assert!(fourier_circuit(&design, predicted_fourier_norm_per_margin).unwrap().pass);
    fn degree_two(p: u32) -> f64 {
        let p = p as f64;
        (9.0 * p * (p - 1.0) / 2.0).sqrt() / (1.5 * p).sqrt()
    }
    assert!(!fourier_circuit(&design, degree_two).unwrap().pass);
    let runs = train_nets(&design).unwrap();
    assert!(trained_nets(&design, &runs).pass);
    let swapped: Vec<TrainedNorms> = runs
        .iter()
        .map(|r| TrainedNorms {
            memorizing: r.last,
            last: r.memorizing,
            ..r.clone()
        })
        .collect();
    assert!(!trained_nets(&design, &swapped).pass);
    let not_grokked: Vec<TrainedNorms> = runs
        .iter()
        .map(|r| TrainedNorms {
            last_test_acc: 0.5,
            ..r.clone()
        })
        .collect();
    assert!(!trained_nets(&design, &not_grokked).pass);
    assert!(!trained_nets(&design, &[]).pass);

    // Every network: the bound holds; a bound three times too large, or the bound on
    // |theta|^(k+1)/gamma read as one on |theta|/gamma^(1/(k+1)), fails; so does a net that never fitted.
    let random = random_nets(&design).unwrap();
    assert!(every_network(&design, &runs, &random, architecture_bound).unwrap().pass);
    fn tripled(e: &Examples, c: usize, kappa: f64, k: u32) -> Result<f64> {
        Ok(3.0 * architecture_bound(e, c, kappa, k)?)
    }
    fn unrooted(e: &Examples, c: usize, kappa: f64, k: u32) -> Result<f64> {
        Ok(architecture_bound(e, c, kappa, k)?.powi(k as i32 + 1))
    }
    for wrong in [tripled as super::Bound, unrooted] {
        assert!(!every_network(&design, &runs, &random, wrong).unwrap().pass);
    }
    let mut unfitted = random.clone();
    unfitted[0].memorizing = None;
    assert!(!every_network(&design, &runs, &unfitted, architecture_bound).unwrap().pass);
    assert!(!every_network(&design, &runs, &[], architecture_bound).unwrap().pass);

    // Random-label growth: inside (0, 1/2); the kernel regime's exponent or faster, no growth, and a
    // net that never fitted all fail.
    assert!(random_growth(&design, &random, (0.0, 0.5)).pass);
    for wrong in [(0.5, 1.0), (-0.5, 0.0)] {
        assert!(!random_growth(&design, &random, wrong).pass, "{wrong:?} accepted");
    }
    assert!(!random_growth(&design, &unfitted, (0.0, 0.5)).pass);
}

/// The bound on the full grid with balanced (true) labels has the closed forms sqrt(2) (p - 1) for
/// k = 1 and 3 sqrt(3) (p - 1) / 4 for k = 2 (|Xi|^2 = p, |B|^2 = 2p), and the z^2 Fourier circuit
/// lies above it.
#[test]
fn t7_architecture_bound_on_the_full_grid() {
    for p in [5u32, 11, 17] {
        let all = analytic::task(p).all_examples().unwrap();
        let pf = p as f64 - 1.0;
        for (k, closed) in [(1, 2f64.sqrt() * pf), (2, 3.0 * 3f64.sqrt() * pf / 4.0)] {
            let b = architecture_bound(&all, p as usize, 1.0, k).unwrap().powi(k as i32 + 1);
            assert!((b / closed - 1.0).abs() < 1e-9, "p={p}, k={k}: {b} vs {closed}");
        }
        let circuit = fourier_norm_per_margin(p).unwrap().unwrap();
        assert!(circuit > architecture_bound(&all, p as usize, 1.0, 2).unwrap());
    }
}

/// Bad input to the bound: clear errors.
#[test]
fn t7_architecture_bound_bad_input_is_an_error() {
    let all = analytic::task(5).all_examples().unwrap();
    assert!(architecture_bound(&all, 5, 1.0, 0).is_err());
    assert!(architecture_bound(&all, 5, 0.0, 1).is_err());
    assert!(architecture_bound(&all, 5, f64::NAN, 1).is_err());
    assert!(architecture_bound(&all, 3, 1.0, 1).is_err(), "labels beyond the classes");
    let empty = Examples { inputs: Inputs::Pairs { a: vec![], b: vec![], p: 5 }, labels: vec![] };
    assert!(architecture_bound(&empty, 5, 1.0, 1).is_err());
    let bits = Task::SparseParity { n_bits: 4, k: 2 }.all_examples().unwrap();
    assert!(architecture_bound(&bits, 2, 1.0, 1).is_err());
}

/// $\bar\gamma=\sum_i(f_{y_i}-\frac1C\sum_cf_c)/(n(1-1/C))$ of `model` on `examples`.
fn mean_margin_to_average(model: &Model<f64>, examples: &Examples) -> f64 {
    let batch = Batch::<f64>::new(examples);
    let mut ws = Workspace::default();
    model.forward(&batch, &mut ws);
    let c = ws.logits.nrows() as f64;
    let sum: f64 = examples
        .labels
        .iter()
        .enumerate()
        .map(|(i, &y)| ws.logits[(y as usize, i)] - ws.logits.column(i).sum() / c)
        .sum();
    sum / (examples.len() as f64 * (1.0 - 1.0 / c))
}

