//! T7-norm: the kernel-regime sandwich for the least-norm interpolant, its slope in n, and the Fourier
//! circuit's norm for margin 1.

use super::{
    energy_slope, fourier_circuit, fourier_norm_per_margin, kernel_memorization,
    kernel_memorization_on, kernel_regime, predicted_fourier_norm_per_margin, train_nets,
    trained_nets, Design, TrainedNorms, KERNEL, ROUND_OFF,
};
use crate::Budget;
use grokking::measure::kernel::OneHotKernel;
use grokking::task::Labels;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]
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
            ..*r
        })
        .collect();
    assert!(!trained_nets(&design, &swapped).pass);
    let not_grokked: Vec<TrainedNorms> = runs
        .iter()
        .map(|r| TrainedNorms {
            last_test_acc: 0.5,
            ..*r
        })
        .collect();
    assert!(!trained_nets(&design, &not_grokked).pass);
    assert!(!trained_nets(&design, &[]).pass);
}
