//! The numerical kernels: the vectorizable `exp_f32`, split reductions, GEMM with transposes, the
//! cross-entropy gradient without subnormals.

use grokking::loss::{self, LossKind};
use grokking::real::{self, exp_f32, gemm, Op};
use nalgebra::DMatrix;
use proptest::prelude::*;

/// Distance in units in the last place between two finite positive f32 values.
fn ulps(a: f32, b: f32) -> u32 {
    (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs() as u32
}

#[test]
fn exp_f32_is_within_two_ulp_on_its_range() {
    let mut worst = 0;
    for i in 0..=2_000_000 {
        let x = (-87.0 + 175.0 * i as f64 / 2e6) as f32;
        let exact = (x as f64).exp() as f32; // correctly rounded up to double rounding
        worst = worst.max(ulps(exp_f32(x), exact));
    }
    assert!(worst <= 2, "worst error {worst} ulp");
    assert_eq!(exp_f32(0.0), 1.0);
    assert!(
        exp_f32(-1000.0).is_normal() && exp_f32(-1000.0) < 1.3e-38,
        "clamped to e^-87.3"
    );
    assert!(exp_f32(f32::NAN).is_nan());
}

proptest! {
    #[test]
    fn split_reductions_agree_with_plain_ones(xs in proptest::collection::vec(-1e3f64..1e3, 1..100)) {
        let plain: f64 = xs.iter().sum();
        prop_assert!((real::sum(&xs) - plain).abs() <= 1e-9 * (1.0 + plain.abs()));
        prop_assert_eq!(real::max(&xs), xs.iter().copied().fold(f64::MIN, f64::max));
    }

    #[test]
    fn gemm_with_transposes_matches_nalgebra(m in 1usize..9, k in 1usize..9, n in 1usize..9, seed in any::<u64>()) {
        use rand::Rng;
        let mut rng = grokking::rng::child(seed, grokking::rng::Stream::Init);
        let mut rand = |r, c| DMatrix::<f64>::from_fn(r, c, |_, _| rng.random_range(-1.0..1.0));
        let (a, b, c0) = (rand(m, k), rand(k, n), rand(m, n));
        for (op_a, op_b) in [(Op::N, Op::N), (Op::T, Op::N), (Op::N, Op::T), (Op::T, Op::T)] {
            let a_ = if op_a == Op::T { a.transpose() } else { a.clone() };
            let b_ = if op_b == Op::T { b.transpose() } else { b.clone() };
            let mut c = c0.clone();
            gemm(2.0, &a_, op_a, &b_, op_b, 0.5, &mut c);
            let want = &a * &b * 2.0 + &c0 * 0.5;
            prop_assert!((c - want).abs().max() < 1e-12);
        }
    }
}

/// Cross-entropy gradient entries that would be subnormal are exactly zero, in both precisions, and an
/// entry above the smallest normal number is the softmax's over the batch size (two equal examples: gaps
/// of 80 and 100 in f32, where `exp_f32` clamps $e^{-100}$ to $e^{-87.3}$ and the half of it is subnormal;
/// 700 and 720 in f64).
#[test]
fn cross_entropy_gradient_has_no_subnormal_entries() {
    fn gradient<T: real::Real>(gaps: &[f64]) -> Vec<T> {
        let column = gaps.iter().map(|&g| T::of(-g));
        let logits = DMatrix::<T>::from_iterator(gaps.len(), 2, column.clone().chain(column));
        let mut grad = DMatrix::<T>::zeros(gaps.len(), 2);
        loss::evaluate(LossKind::CrossEntropy, &logits, &[0, 0], Some(&mut grad));
        grad.column(0).iter().copied().collect()
    }
    /// The entry at gap `kept` is the softmax's half, within `tol`; the one at gap `flushed` is +0.
    fn assert_flushed<T: real::Real>(kept: f64, flushed: f64, tol: f64) {
        let g = gradient::<T>(&[0.0, kept, flushed]);
        let (kept_entry, flushed_entry) = (g[1].to_f64(), g[2].to_f64());
        assert!(g[1] >= T::MIN_POSITIVE && (2.0 * kept_entry / (-kept).exp() - 1.0).abs() < tol);
        assert_eq!(
            flushed_entry.to_bits(),
            0,
            "a subnormal entry: {flushed_entry:e}"
        );
    }
    assert_flushed::<f32>(80.0, 100.0, 1e-5);
    assert_flushed::<f64>(700.0, 720.0, 1e-12);
}
