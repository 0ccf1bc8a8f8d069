//! Restricted and excluded loss against a brute-force oracle: the orthogonal projection of each logit
//! $F_c(a,b)$ onto the 2-D Fourier modes of $s(a,b)$, computed with the naive 2-D DFT on the full grid.

use grokking::loss::LossKind;
use grokking::measure::ablation::{ablation_losses, all_frequencies};
use grokking::measure::fourier::{basis_frequency, naive_dft_nd, real_basis, Fourier, C64};
use grokking::task::{Examples, Inputs, Operation, Task};
use nalgebra::DMatrix;
use proptest::prelude::*;
use rand::Rng;
use std::f64::consts::PI;

fn pairs(e: &Examples) -> (Vec<u32>, Vec<u32>) {
    match &e.inputs {
        Inputs::Pairs { a, b, .. } => (a.clone(), b.clone()),
        Inputs::Bits { .. } => unreachable!(),
    }
}

/// Logits of every pair as `grid[(a·p + b)·p + c]`.
fn random_grid(p: usize, seed: u64) -> Vec<f64> {
    let mut rng = grokking::rng::child(seed, grokking::rng::Stream::Init);
    (0..p * p * p)
        .map(|_| rng.random_range(-3.0..3.0))
        .collect()
}

/// The logit matrix ($p\times n$) of `examples` read from the grid.
fn logits_of(grid: &[f64], p: usize, examples: &Examples) -> DMatrix<f64> {
    let (a, b) = pairs(examples);
    DMatrix::from_fn(p, a.len(), |c, j| {
        grid[(a[j] as usize * p + b[j] as usize) * p + c]
    })
}

/// Projection of every $F_c$ onto the 2-D modes $(k, \pm k)$ with $k$ or $p-k$ in `keep`, by the naive
/// DFT and its inverse on the whole grid.
fn oracle_projection(grid: &[f64], p: usize, sub: bool, keep: &[usize]) -> Vec<f64> {
    let mut out = vec![0.0; grid.len()];
    for c in 0..p {
        let f: Vec<C64> = (0..p * p)
            .map(|ab| C64::new(grid[ab * p + c], 0.0))
            .collect();
        let mut fh = naive_dft_nd(&f, &[p, p]);
        for k1 in 0..p {
            for k2 in 0..p {
                // s = a + b has modes (k, k); s = a − b has modes (k, −k).
                let on_line = if sub { (k1 + k2) % p == 0 } else { k1 == k2 };
                if !(on_line && keep.contains(&k1.min(p - k1))) {
                    fh[k1 * p + k2] = C64::default();
                }
            }
        }
        let conj: Vec<C64> = fh.iter().map(|v| v.conj()).collect();
        for (ab, v) in naive_dft_nd(&conj, &[p, p]).iter().enumerate() {
            out[ab * p + c] = v.re / (p * p) as f64;
        }
    }
    out
}

/// The held-out restricted loss from its definition: for each $s$ the mean of the logit vectors of the test
/// pairs with that $s$, projected on the real Fourier basis (frequencies in `keep`) along $s$, assigned to
/// every test pair and scored there; `None` if some $s$ has no test pair.
fn held_out_oracle(
    grid: &[f64],
    p: usize,
    sub: bool,
    keep: &[usize],
    test: &Examples,
    kind: LossKind,
) -> Option<f64> {
    let (a, b) = pairs(test);
    let s_of = |j: usize| {
        let (a, b) = (a[j] as usize, b[j] as usize);
        if sub {
            (a + p - b) % p
        } else {
            (a + b) % p
        }
    };
    let mut mean = DMatrix::<f64>::zeros(p, p); // (s, c)
    let mut count = vec![0usize; p];
    for j in 0..a.len() {
        count[s_of(j)] += 1;
        for c in 0..p {
            mean[(s_of(j), c)] += grid[(a[j] as usize * p + b[j] as usize) * p + c];
        }
    }
    if count.contains(&0) {
        return None;
    }
    for s in 0..p {
        for c in 0..p {
            mean[(s, c)] /= count[s] as f64;
        }
    }
    let basis = real_basis(p);
    let mut projector = DMatrix::<f64>::zeros(p, p);
    for j in 0..p {
        if keep.contains(&basis_frequency(j, p)) {
            projector += basis.column(j) * basis.column(j).transpose();
        }
    }
    let projected = projector * mean;
    let mut held_out = vec![0.0; p * p * p];
    for j in 0..a.len() {
        let at = (a[j] as usize * p + b[j] as usize) * p;
        for c in 0..p {
            held_out[at + c] = projected[(s_of(j), c)];
        }
    }
    Some(direct_loss(&held_out, p, test, kind))
}

/// Mean loss of the grid logits over `examples`, written out from the definitions.
fn direct_loss(grid: &[f64], p: usize, examples: &Examples, kind: LossKind) -> f64 {
    let (a, b) = pairs(examples);
    let n = a.len();
    (0..n)
        .map(|j| {
            let f = &grid[(a[j] as usize * p + b[j] as usize) * p..][..p];
            let y = examples.labels[j] as usize;
            match kind {
                LossKind::CrossEntropy => f.iter().map(|v| v.exp()).sum::<f64>().ln() - f[y],
                LossKind::Mse => {
                    f.iter()
                        .enumerate()
                        .map(|(c, v)| (v - f64::from(c == y)).powi(2))
                        .sum::<f64>()
                        / p as f64
                }
                LossKind::StableMax => {
                    let s = |v: f64| if v >= 0.0 { v + 1.0 } else { 1.0 / (1.0 - v) };
                    f.iter().map(|&v| s(v)).sum::<f64>().ln() - s(f[y]).ln()
                }
            }
        })
        .sum::<f64>()
        / n as f64
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn ablation_losses_equal_the_projection_oracle(
        p in prop::sample::select(vec![5u32, 7, 11, 13]),
        sub in any::<bool>(),
        kind in prop_oneof![Just(LossKind::CrossEntropy), Just(LossKind::Mse), Just(LossKind::StableMax)],
        frac in 0.2f64..0.8,
        key_mask in any::<u8>(),
        seed in any::<u64>(),
    ) {
        let op = if sub { Operation::Sub } else { Operation::Add };
        let task = Task::Modular { op, p };
        let pu = p as usize;
        let keys: Vec<usize> = all_frequencies(pu).into_iter().filter(|k| key_mask >> (k - 1) & 1 == 1).collect();
        let split = task.split(frac, seed).unwrap();
        let grid = random_grid(pu, seed);
        let got = ablation_losses(
            &task, &keys, kind,
            (&split.train, &logits_of(&grid, pu, &split.train)),
            (&split.test, &logits_of(&grid, pu, &split.test)),
            &mut Fourier::new(),
        ).unwrap();

        let mut with_constant = keys.clone();
        with_constant.push(0);
        let restricted = oracle_projection(&grid, pu, sub, &with_constant);
        let removed = oracle_projection(&grid, pu, sub, &keys);
        let excluded: Vec<f64> = grid.iter().zip(&removed).map(|(f, r)| f - r).collect();
        let all = task.all_examples().unwrap();
        let want_restricted = direct_loss(&restricted, pu, &all, kind);
        let want_excluded = direct_loss(&excluded, pu, &split.train, kind);
        prop_assert!((got.restricted - want_restricted).abs() < 1e-9, "{} vs {}", got.restricted, want_restricted);
        let want_held_out = held_out_oracle(&grid, pu, sub, &with_constant, &split.test, kind);
        match (got.restricted_held_out, want_held_out) {
            (Some(g), Some(w)) => prop_assert!((g - w).abs() < 1e-9, "held out {} vs {}", g, w),
            (g, w) => prop_assert_eq!(g.is_some(), w.is_some()),
        }
        prop_assert!((got.excluded - want_excluded).abs() < 1e-9, "{} vs {}", got.excluded, want_excluded);
    }

    #[test]
    fn band_pass_is_the_projection_on_the_real_basis(
        p in 2usize..30, keep_mask in any::<u16>(), seed in any::<u64>(),
    ) {
        let mut rng = grokking::rng::child(seed, grokking::rng::Stream::Init);
        let x: Vec<f64> = (0..p).map(|_| rng.random_range(-1.0..1.0)).collect();
        let keep = |k: usize| keep_mask >> k & 1 == 1;
        let got = Fourier::new().band_pass(&x, keep);
        let basis = real_basis(p);
        let xv = nalgebra::DVector::from_vec(x.clone());
        let mut want = nalgebra::DVector::zeros(p);
        for j in 0..p {
            if keep(basis_frequency(j, p)) {
                let col = basis.column(j);
                want += col * col.dot(&xv);
            }
        }
        for (g, w) in got.iter().zip(want.iter()) {
            prop_assert!((g - w).abs() < 1e-12);
        }
    }
}

/// Logits $\beta\cos(w_k(a+b-c))$ at key frequencies are all restricted part: the restricted loss is the
/// network's own loss on all pairs, and removing them leaves zero logits, whose cross-entropy is $\ln p$.
#[test]
fn the_fourier_algorithm_is_all_restricted_and_nothing_excluded() {
    let p = 13usize;
    let task = Task::Modular {
        op: Operation::Add,
        p: p as u32,
    };
    let keys = [2usize, 5];
    let beta = 4.0;
    let mut grid = vec![0.0; p * p * p];
    for a in 0..p {
        for b in 0..p {
            for c in 0..p {
                grid[(a * p + b) * p + c] = keys
                    .iter()
                    .map(|&k| beta * (2.0 * PI * (k * (a + b + p - c)) as f64 / p as f64).cos())
                    .sum();
            }
        }
    }
    let split = task.split(0.5, 3).unwrap();
    let got = ablation_losses(
        &task,
        &keys,
        LossKind::CrossEntropy,
        (&split.train, &logits_of(&grid, p, &split.train)),
        (&split.test, &logits_of(&grid, p, &split.test)),
        &mut Fourier::new(),
    )
    .unwrap();
    let own = direct_loss(
        &grid,
        p,
        &task.all_examples().unwrap(),
        LossKind::CrossEntropy,
    );
    assert!((got.restricted - own).abs() < 1e-12);
    assert!(own < 0.5, "the algorithm itself classifies well: {own}");
    assert!((got.excluded - (p as f64).ln()).abs() < 1e-12);

    // With other key frequencies the algorithm is invisible to the restricted loss (ln p) and untouched
    // by the exclusion (the network's own training loss).
    let other = ablation_losses(
        &task,
        &[1, 3],
        LossKind::CrossEntropy,
        (&split.train, &logits_of(&grid, p, &split.train)),
        (&split.test, &logits_of(&grid, p, &split.test)),
        &mut Fourier::new(),
    )
    .unwrap();
    assert!((other.restricted - (p as f64).ln()).abs() < 1e-12);
    let own_train = direct_loss(&grid, p, &split.train, LossKind::CrossEntropy);
    assert!((other.excluded - own_train).abs() < 1e-12);
}

#[test]
fn ablations_are_not_defined_beyond_addition_and_subtraction() {
    let task = Task::Modular {
        op: Operation::Mul,
        p: 7,
    };
    let split = task.split(0.5, 0).unwrap();
    let zeros = |e: &Examples| DMatrix::<f64>::zeros(7, e.len());
    let got = ablation_losses(
        &task,
        &[1],
        LossKind::CrossEntropy,
        (&split.train, &zeros(&split.train)),
        (&split.test, &zeros(&split.test)),
        &mut Fourier::new(),
    );
    assert!(got.is_none());
}
