//! T1-kernel: the additive form of one-hot kernel regression (Lemma 1), the zeroth-order bound
//! (Theorem 3), the ledger's own check, and mutations that must fail.

use super::{random_problem, OneHotKernel, Problem, BOUND_ROUND_OFF, LEMMA1_TOLERANCE};
use grokking::rng::{self, Stream};
use proptest::prelude::*;

fn problem(seed: u64) -> Problem {
    let mut rng = rng::child(seed, Stream::Init);
    random_problem(&mut rng, &[5, 7, 11, 13], (0.2, 0.9)).unwrap()
}

/// Largest $|F-F^0|/\text{bound}$ over all unseen pairs and classes.
fn worst_ratio(pb: &Problem) -> f64 {
    let (f, f0, bound) = (pb.additive().unwrap(), pb.zeroth_order(), pb.error_bound());
    let mut worst: f64 = 0.0;
    for t in 0..f.ncols() {
        for c in 0..f.nrows() {
            worst = worst.max((f[(c, t)] - f0[(c, t)]).abs() / bound[c].max(1e-300));
        }
    }
    worst
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    #[test]
    fn t1_kernel_predictor_on_unseen_pairs_is_additive(
        p in prop::sample::select(vec![5u32, 7, 11, 13]),
        frac in 0.2f64..0.9,
        k0 in 0.0f64..3.0, k1 in 0.01f64..3.0, k2 in 0.0f64..3.0, ridge in 1e-2f64..1.0,
        seed in any::<u64>(),
    ) {
        let pb = Problem::new(p, frac, seed, OneHotKernel { k0, k1, k2 }, ridge).unwrap();
        let (direct, additive) = (pb.direct().unwrap(), pb.additive().unwrap());
        let diff = (&direct - &additive).amax() / direct.amax();
        prop_assert!(diff < LEMMA1_TOLERANCE, "relative difference {diff}");
    }

    #[test]
    fn t1_kernel_zeroth_order_error_never_exceeds_the_bound(seed in any::<u64>()) {
        let ratio = worst_ratio(&problem(seed));
        prop_assert!(ratio <= 1.0 + BOUND_ROUND_OFF, "error / bound = {ratio}");
    }
}

/// Mutation: in the strongly regularized regime ($\gamma=100(1+\|H\|)$, where the first-order term
/// dominates the error) the bound is within a factor 2 of tight, so a bound half as large, or a
/// zeroth-order term off by that much, would fail the property above.
#[test]
fn t1_kernel_bound_is_nearly_tight() {
    let kernel = OneHotKernel {
        k0: 0.5,
        k1: 1.0,
        k2: 0.0,
    };
    let worst = (0..16)
        .map(|seed| {
            let p = [5, 7, 11, 13][seed as usize % 4];
            let h = Problem::new(p, 0.5, seed, kernel, 1.0).unwrap().h_norm();
            worst_ratio(&Problem::new(p, 0.5, seed, kernel, 100.0 * (1.0 + h)).unwrap())
        })
        .fold(0.0, f64::max);
    assert!(
        worst > 0.5,
        "largest error / bound over 16 problems: {worst}"
    );
}

/// Mutation: changing the kernel changes the additive predictor, so Lemma 1's comparison can fail.
#[test]
fn t1_kernel_the_additive_form_depends_on_the_kernel() {
    let kernel = OneHotKernel {
        k0: 0.5,
        k1: 2.0,
        k2: 0.3,
    };
    let direct = Problem::new(7, 0.5, 1, kernel, 0.1)
        .unwrap()
        .direct()
        .unwrap();
    let other = Problem::new(7, 0.5, 1, OneHotKernel { k1: 2.5, ..kernel }, 0.1).unwrap();
    assert!((&direct - other.additive().unwrap()).amax() > 1e-6);
}

#[test]
fn t1_kernel_invalid_kernels_are_errors() {
    let bad = [
        (
            OneHotKernel {
                k0: -1.0,
                k1: 1.0,
                k2: 0.0,
            },
            1e-3,
        ),
        (
            OneHotKernel {
                k0: 0.0,
                k1: 0.0,
                k2: 1.0,
            },
            1e-3,
        ),
        (
            OneHotKernel {
                k0: 0.0,
                k1: 1.0,
                k2: 0.0,
            },
            0.0,
        ),
    ];
    for (kernel, ridge) in bad {
        assert!(
            Problem::new(7, 0.5, 0, kernel, ridge).is_err(),
            "{kernel:?}, ridge {ridge}"
        );
    }
}
