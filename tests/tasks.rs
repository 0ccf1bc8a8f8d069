//! Tasks: labels against an independent computation, the split, and errors on bad input.

use grokking::task::{is_prime, Inputs, Operation, Task};
use proptest::prelude::*;
use std::collections::HashSet;

/// $a\circ b \bmod p$ in signed arithmetic, with the inverse found by search (independent of the crate's
/// square-and-multiply).
fn reference(op: Operation, a: i64, b: i64, p: i64) -> Option<i64> {
    let m = |x: i64| x.rem_euclid(p);
    Some(match op {
        Operation::Add => m(a + b),
        Operation::Sub => m(a - b),
        Operation::Mul => m(a * b),
        Operation::Div => m(a * (1..p).find(|&x| m(b * x) == 1)?),
        Operation::SumSquares => m(a * a + b * b),
        Operation::QuadForm => m(a * a + a * b + b * b),
        Operation::CubicPlus => m(a * a * a + a * b),
    })
}

#[test]
fn labels_match_an_independent_computation_for_every_operation() {
    for p in [2u32, 3, 11, 13, 31] {
        for op in Operation::ALL {
            let task = Task::Modular { op, p };
            let ex = task.all_examples().unwrap();
            let Inputs::Pairs { a, b, .. } = &ex.inputs else {
                panic!("pairs expected")
            };
            let expected: Vec<(u32, u32, u32)> = (0..p)
                .flat_map(|i| (0..p).map(move |j| (i, j)))
                .filter_map(|(i, j)| {
                    reference(op, i as i64, j as i64, p as i64).map(|c| (i, j, c as u32))
                })
                .collect();
            let got: Vec<(u32, u32, u32)> =
                (0..ex.len()).map(|k| (a[k], b[k], ex.labels[k])).collect();
            assert_eq!(got, expected, "{op} mod {p}");
        }
    }
}

#[test]
fn division_excludes_zero_divisor_and_inverts_multiplication() {
    let p = 13;
    let ex = Task::Modular {
        op: Operation::Div,
        p,
    }
    .all_examples()
    .unwrap();
    assert_eq!(ex.len(), (p * (p - 1)) as usize);
    let Inputs::Pairs { a, b, .. } = &ex.inputs else {
        panic!()
    };
    for k in 0..ex.len() {
        assert_ne!(b[k], 0);
        assert_eq!(ex.labels[k] * b[k] % p, a[k], "(a/b)·b = a");
    }
}

#[test]
fn sparse_parity_labels_are_the_product_of_the_support_bits() {
    let task = Task::SparseParity { n_bits: 6, k: 3 };
    let ex = task.all_examples().unwrap();
    assert_eq!(ex.len(), 64);
    let Inputs::Bits { codes, .. } = &ex.inputs else {
        panic!()
    };
    for (code, label) in codes.iter().zip(&ex.labels) {
        let x = |i: u32| if code >> i & 1 == 1 { -1i32 } else { 1 };
        let y = x(0) * x(1) * x(2);
        assert_eq!(*label, if y == 1 { 0 } else { 1 });
    }
    assert_eq!(task.n_classes(), 2);
    assert_eq!(task.input_dim(), 6);
}

#[test]
fn primality() {
    let primes: Vec<u32> = (0..60).filter(|&n| is_prime(n)).collect();
    assert_eq!(
        primes,
        [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59]
    );
}

#[test]
fn bad_tasks_and_fractions_are_clear_errors() {
    let add = |p| Task::Modular {
        op: Operation::Add,
        p,
    };
    let cases: Vec<(Task, f64, &str)> = vec![
        (add(1), 0.5, "at least 2"),
        (add(0), 0.5, "at least 2"),
        (add(5000), 0.5, "exceeds"),
        (
            Task::Modular {
                op: Operation::Div,
                p: 12,
            },
            0.5,
            "not prime",
        ),
        (add(11), 0.0, "(0, 1)"),
        (add(11), 1.0, "(0, 1)"),
        (add(11), -0.2, "(0, 1)"),
        (add(11), f64::NAN, "(0, 1)"),
        (add(3), 0.01, "non-empty"),
        (add(3), 0.99, "non-empty"),
        (Task::SparseParity { n_bits: 0, k: 0 }, 0.5, "n_bits"),
        (Task::SparseParity { n_bits: 21, k: 3 }, 0.5, "n_bits"),
        (Task::SparseParity { n_bits: 5, k: 6 }, 0.5, "k"),
    ];
    for (task, frac, needle) in cases {
        let err = task
            .split(frac, 0)
            .expect_err(&format!("{task:?} with fraction {frac} must fail"))
            .to_string();
        assert!(
            err.contains(needle),
            "error for {task:?}, {frac}: {err:?} should mention {needle:?}"
        );
    }
}

proptest! {
    #[test]
    fn split_is_a_seeded_partition_of_the_requested_size_with_nested_training_sets(p in 2u32..40, frac in 0.05f64..0.95, seed in any::<u64>()) {
        let task = Task::Modular { op: Operation::Sub, p };
        let total = (p * p) as usize;
        let n_train = (frac * total as f64).round() as usize;
        prop_assume!(n_train > 0 && n_train < total);
        let s = task.split(frac, seed).unwrap();
        prop_assert_eq!(s.train.len(), n_train);
        prop_assert_eq!(s.test.len(), total - n_train);
        let key = |ex: &grokking::task::Examples| -> Vec<(u32, u32, u32)> {
            let Inputs::Pairs { a, b, .. } = &ex.inputs else { unreachable!() };
            (0..ex.len()).map(|k| (a[k], b[k], ex.labels[k])).collect()
        };
        let (tr, te) = (key(&s.train), key(&s.test));
        let all: HashSet<_> = tr.iter().chain(&te).copied().collect();
        prop_assert_eq!(all.len(), total, "train and test are disjoint and cover every pair");
        prop_assert_eq!(&s, &task.split(frac, seed).unwrap(), "same seed, same split");
        // The split at a count is the same split, and a smaller count's training set is a prefix.
        prop_assert_eq!(&s, &task.split_count(n_train, seed).unwrap());
        if n_train > 1 {
            let idx: Vec<usize> = (0..n_train - 1).collect();
            prop_assert_eq!(task.split_count(n_train - 1, seed).unwrap().train, s.train.select(&idx));
        }
    }
}

#[test]
fn split_at_a_count_refuses_an_empty_side() {
    let task = Task::Modular {
        op: Operation::Add,
        p: 5,
    };
    for n in [0, 25, 26] {
        let err = task.split_count(n, 0).unwrap_err().to_string();
        assert!(err.contains("non-empty"), "{n}: {err}");
    }
}

#[test]
fn different_seeds_give_different_splits() {
    let task = Task::Modular {
        op: Operation::Add,
        p: 23,
    };
    assert_ne!(task.split(0.4, 1).unwrap(), task.split(0.4, 2).unwrap());
}
