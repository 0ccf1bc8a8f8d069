//! T1-timescales: the tangent kernel of the N^-alpha network against its definition, and the measured
//! exponents in N against the derived ones (with the mutated laws rejected).

use super::{
    exponents, exponents_match, heuristic_exponent, network, other_rates_fail, pooled,
    predicted_exponents, public_note_exponent, Sweep, EXPONENT_TOLERANCE, REFUTED_LAWS,
};
use crate::Budget;
use grokking::measure::kernel::{tangent_kernel, tangent_kernel_between};
use grokking::model::objective_and_gradient;
use grokking::model::Batch;
use grokking::task::{Inputs, Operation, Task};
use proptest::prelude::*;

/// The closed-form kernel equals the Gram matrix of per-class gradients, computed by finite differences
/// of the logits (a small net, every parameter perturbed).
#[test]
fn t1_tangent_kernel_is_the_gradient_gram_matrix() {
    let task = Task::Modular {
        op: Operation::Add,
        p: 5,
    };
    let split = task.split(0.6, 1).unwrap();
    let Inputs::Pairs { a, b, .. } = &split.train.inputs else {
        unreachable!()
    };
    let pairs: Vec<(u32, u32)> = a.iter().copied().zip(b.iter().copied()).collect();
    let batch = Batch::<f64>::new(&split.train);
    let model = network(&task, 6, 0.25, 3).unwrap();
    let logits = |m: &grokking::model::Model<f64>| {
        let mut ws = grokking::model::Workspace::default();
        m.forward(&batch, &mut ws);
        ws.logits
    };
    let (n1, n2) = (model.params.w1.len(), model.params.w2.len());
    let h = 1e-6;
    let mut jac = Vec::new(); // one (p x n) matrix of d logits / d theta_k per parameter
    for k in 0..n1 + n2 {
        let (mut up, mut down) = (model.clone(), model.clone());
        if k < n1 {
            up.params.w1.as_mut_slice()[k] += h;
            down.params.w1.as_mut_slice()[k] -= h;
        } else {
            up.params.w2.as_mut_slice()[k - n1] += h;
            down.params.w2.as_mut_slice()[k - n1] -= h;
        }
        jac.push((logits(&up) - logits(&down)) / (2.0 * h));
    }
    let k = tangent_kernel(&model, &batch, &pairs);
    let mut worst: f64 = 0.0;
    for i in 0..pairs.len() {
        for j in 0..pairs.len() {
            let gram: f64 = jac.iter().map(|d| d.column(i).dot(&d.column(j))).sum();
            worst = worst.max((gram - k[(i, j)]).abs() / (1.0 + k[(i, j)].abs()));
        }
    }
    assert!(worst < 1e-6, "kernel deviates by {worst}");
    // The same network's loss gradient is finite (the parameterization is valid for training).
    assert!(objective_and_gradient(&model, &batch, 0.0)
        .1
        .iter()
        .all(|g| g.is_finite()));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]
    /// Eight random (alpha, seeds s..s+12 pooled): every exponent within the tolerance of the derived one.
    /// Twelve seeds, not the ledger's three: over random seed triples an exponent leaves the tolerance about
    /// once in a hundred draws (the spread measured in `EXPONENT_TOLERANCE`'s docs), over twelve seeds at
    /// 4.7 standard deviations or more.
    #[test]
    fn t1_exponents_match_the_derivation(alpha in 0.0f64..0.5, seed in 0u64..1000) {
        let runs = pooled(11, 0.5, &[128, 256, 512, 1024, 2048], alpha, seed..seed + 12, 20_000).unwrap();
        let e = exponents(&runs).expect("every width fits");
        for (m, want) in e.iter().zip(predicted_exponents(alpha)) {
            prop_assert!((m - want).abs() <= EXPONENT_TOLERANCE, "alpha {alpha}: {e:?}");
        }
    }
}

/// Both ledger checks go red on the quick sweep when a wrong prediction is swapped in: any one of the five
/// exponents off by twice the tolerance, or the ratio's exponent replaced by a refuted law; the derived law
/// put among the refuted ones; and a measurement that follows the public note's law.
#[test]
fn t1_timescales_checks_fail_with_wrong_predictions() {
    let sweep = Sweep::measure(Budget::Quick).unwrap();
    assert!(exponents_match(&sweep, predicted_exponents).pass);
    for k in 0..5 {
        let shifted = move |alpha| {
            let mut e = predicted_exponents(alpha);
            e[k] += 2.0 * EXPONENT_TOLERANCE;
            e
        };
        assert!(!exponents_match(&sweep, shifted).pass, "exponent {k} shifted");
    }
    for law in [public_note_exponent, heuristic_exponent] {
        let with_law = move |alpha| {
            let mut e = predicted_exponents(alpha);
            e[3] = law(alpha);
            e
        };
        assert!(!exponents_match(&sweep, with_law).pass);
    }
    assert!(other_rates_fail(&sweep, &REFUTED_LAWS).pass);
    assert!(!other_rates_fail(&sweep, &[("N^1", |_| 1.0)]).pass);
    let follows_public_note = Sweep {
        widths: sweep.widths,
        seeds: sweep.seeds,
        exponents: sweep
            .exponents
            .iter()
            .map(|(alpha, e)| {
                let mut e = e.expect("every width fits");
                e[3] = public_note_exponent(*alpha);
                (*alpha, Some(e))
            })
            .collect(),
    };
    assert!(!other_rates_fail(&follows_public_note, &REFUTED_LAWS).pass);
}

/// The cross kernel between two sets is the transpose of the swapped one, and on one set it is the kernel.
#[test]
fn t1_cross_kernel_is_consistent() {
    let task = Task::Modular {
        op: Operation::Add,
        p: 7,
    };
    let split = task.split(0.5, 2).unwrap();
    let pairs = |e: &grokking::task::Examples| {
        let Inputs::Pairs { a, b, .. } = &e.inputs else {
            unreachable!()
        };
        a.iter().copied().zip(b.iter().copied()).collect::<Vec<_>>()
    };
    let (trp, tep) = (pairs(&split.train), pairs(&split.test));
    let (trb, teb) = (
        Batch::<f64>::new(&split.train),
        Batch::<f64>::new(&split.test),
    );
    let model = network(&task, 16, 0.5, 1).unwrap();
    let ab = tangent_kernel_between(&model, (&trb, &trp), (&teb, &tep));
    let ba = tangent_kernel_between(&model, (&teb, &tep), (&trb, &trp));
    assert!((ab - ba.transpose()).norm() < 1e-12);
    let same = tangent_kernel_between(&model, (&trb, &trp), (&trb, &trp));
    assert!((same - tangent_kernel(&model, &trb, &trp)).norm() < 1e-12);
}

#[test]
fn t1_bad_alpha_is_an_error() {
    let task = Task::Modular {
        op: Operation::Add,
        p: 5,
    };
    assert!(network(&task, 4, 0.7, 0).is_err());
    assert!(network(&task, 4, -0.1, 0).is_err());
    assert!(super::sweep(11, 0.5, &[], 0.0, 0, 10).is_err());
}
