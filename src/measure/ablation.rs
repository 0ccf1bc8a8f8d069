//! Restricted and excluded loss: Fourier ablations of the logits (after Nanda et al., 2023, "Progress
//! measures for grokking via mechanistic interpretability").
//!
//! For $a\circ b=a+b$ (or $a-b$) write $s=s(a,b)=a\circ b\bmod p$, which is also the label. For each class
//! $c$ view the logit $F_c(a,b)$ as a function on $\mathbb{Z}\_p^2$. Its orthogonal projection onto
//! $\operatorname{span}\\{\cos(w_ks),\sin(w_ks):k\in K\\}$, $w_k=2\pi k/p$, is $(P_Kg_c)(s)$, where
//! $g_c(s)=\frac1p\sum_{(a,b):\\,s(a,b)=s}F_c(a,b)$ is the mean of $F_c$ over the $p$ pairs with that $s$ and
//! $P_K$ keeps the frequencies $K$ of a signal on $\mathbb{Z}\_p$
//! ([`Fourier::band_pass`](super::fourier::Fourier::band_pass)). (The 2-D modes $e^{iw_k s(a,b)}$ are
//! orthogonal with norm$^2$ $p^2$, and $\sum_{a,b}F_c e^{-iw_ks}=p\\,\hat g_c(k)$.) For a set $K$ of key
//! frequencies:
//!
//! * **restricted loss**: the loss of $R_c(a,b)=(P_{K\cup\\{0\\}}g_c)(s)$ on *all* $p^2$ pairs: only the
//!   part of the logits that the Fourier algorithm of $a\circ b$ can produce, at the key frequencies;
//! * **excluded loss**: the loss of $E_c(a,b)=F_c(a,b)-(P_Kg_c)(s)$ on the *training* pairs: the network
//!   with that algorithm removed.
//!
//! Since $R_c$ depends on $(a,b)$ only through $s$ and the label is $s$, the restricted loss is the mean
//! over $s$ of the loss of the $p$ vectors $(R_c(s))\_c$: $O(p^2)$ after the $O(p^3)$ means.
//!
//! **Held-out variant.** The means $g_c(s)$ include the training pairs, whose logits a memorizing network
//! has pushed up at the label $c=s$; averaged over the $p$ pairs of each $s$ they point at $s$ even with no
//! generalizing circuit at all (measured: a run with weight decay 0 that never groks reaches a restricted
//! loss of 0.43 over all frequencies, with test loss 25). The *held-out restricted loss* takes
//! $g^{test}\_c(s)$, the mean over the *test* pairs with that $s$, projects it the same way and evaluates
//! it on the test pairs: it sees only the structured part of the network's behaviour on unseen pairs.
//!
//! These are defined for $+$ and $-$ only (for $\times$, $\div$ the structure lives in the discrete-log
//! basis; see T6). The online measure in [`evaluation`](crate::evaluation) takes $K$ = all frequencies
//! $1,\dots,\lfloor p/2\rfloor$: the canonical MLP uses every one of them (see
//! [`progress`](super::progress)), so there is no smaller key set; then $P_Kg_c=g_c-\bar g_c$.

use super::fourier::Fourier;
use crate::loss::{self, LossKind};
use crate::model::{Batch, Model, Workspace};
use crate::real::Real;
use crate::task::{Examples, Inputs, Operation, Split, Task};
use nalgebra::DMatrix;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Restricted and excluded loss of one network.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AblationLosses {
    /// Loss of the key-frequency part of the logits, on all pairs.
    pub restricted: f64,
    /// The same with the means $g_c$ taken over the test pairs only, on the test pairs (`None` if some
    /// $s$ has no test pair).
    pub restricted_held_out: Option<f64>,
    /// Loss of the logits without their key-frequency part, on the training pairs.
    pub excluded: f64,
}

/// The map $(a,b)\mapsto s=a\pm b\bmod p$ of a task whose label is $s$ ($+$ or $-$).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Structure {
    /// The modulus.
    pub p: u32,
    subtract: bool,
}

impl Structure {
    /// The structure of `task`; `None` unless it is $+$ or $-$ on $\mathbb{Z}\_p$.
    pub fn of(task: &Task) -> Option<Self> {
        match *task {
            Task::Modular { op, p } if matches!(op, Operation::Add | Operation::Sub) => {
                Some(Structure {
                    p,
                    subtract: op == Operation::Sub,
                })
            }
            _ => None,
        }
    }

    /// $s(a,b)$.
    pub fn index(&self, a: u32, b: u32) -> usize {
        let b = if self.subtract { self.p - b } else { b };
        ((a + b) % self.p) as usize
    }
}

/// Every frequency $1,\dots,\lfloor p/2\rfloor$.
pub fn all_frequencies(p: usize) -> Vec<usize> {
    (1..=p / 2).collect()
}

/// Restricted and excluded loss for the key frequencies `keys` (each in $1..=\lfloor p/2\rfloor$) from the
/// logits ($C\times n$, one column per example) of the training and the test examples of a split, which
/// together hold every pair once. `None` for tasks other than $+$ and $-$.
///
/// Panics if the examples are not pairs of the task or a logit matrix has the wrong shape (a caller's
/// bug).
pub fn ablation_losses<T: Real>(
    task: &Task,
    keys: &[usize],
    kind: LossKind,
    train: (&Examples, &DMatrix<T>),
    test: (&Examples, &DMatrix<T>),
    fourier: &mut Fourier,
) -> Option<AblationLosses> {
    let structure = Structure::of(task)?;
    let p32 = structure.p;
    let p = p32 as usize;
    // sums[s·p + c] = p·g_c(s): row s adds the logit columns of the p pairs with that s, in a fixed order
    // (train then test, by column), in parallel over s.
    let mut members: Vec<Vec<(usize, usize)>> = vec![Vec::with_capacity(p); p];
    for (set, (examples, logits)) in [train, test].into_iter().enumerate() {
        let (a, b) = pairs(examples, p32);
        assert_eq!(logits.shape(), (p, a.len()), "logits must be p × n");
        for j in 0..a.len() {
            members[structure.index(a[j], b[j])].push((set, j));
        }
    }
    assert!(
        members.iter().all(|m| m.len() == p),
        "train and test must hold every pair once"
    );
    let sources = [train.1, test.1];
    // Row s of `sums` is the sum over all p pairs with that s, row s of `test_sums` over its test pairs.
    let mut sums = vec![0.0; p * p];
    let mut test_sums = vec![0.0; p * p];
    sums.par_chunks_mut(p)
        .zip(test_sums.par_chunks_mut(p))
        .zip(members.par_iter())
        .for_each(|((row, test_row), members)| {
            for &(set, j) in members {
                for ((acc, test_acc), f) in row
                    .iter_mut()
                    .zip(test_row.iter_mut())
                    .zip(sources[set].column(j).iter())
                {
                    *acc += f.to_f64();
                    if set == 1 {
                        *test_acc += f.to_f64();
                    }
                }
            }
        });
    let test_counts: Vec<usize> = members
        .iter()
        .map(|m| m.iter().filter(|(set, _)| *set == 1).count())
        .collect();

    let key = |k: usize| keys.contains(&k);
    let restricted_keys = |k: usize| k == 0 || key(k);
    // restricted[(c, s)] = (P_{K∪0} g_c)(s); removed[s·p + c] = (P_K g_c)(s); held_out likewise from the
    // test-pair means (when every s has a test pair).
    let mut restricted = DMatrix::<f64>::zeros(p, p);
    let mut removed = vec![0.0; p * p];
    let held_out_defined = test_counts.iter().all(|&n| n > 0);
    let mut held_out = DMatrix::<f64>::zeros(p, p);
    let mut g = vec![0.0; p];
    for c in 0..p {
        for (s, v) in g.iter_mut().enumerate() {
            *v = sums[s * p + c] / p as f64;
        }
        for (s, v) in fourier
            .band_pass(&g, restricted_keys)
            .into_iter()
            .enumerate()
        {
            restricted[(c, s)] = v;
        }
        for (s, v) in fourier.band_pass(&g, key).into_iter().enumerate() {
            removed[s * p + c] = v;
        }
        if held_out_defined {
            for (s, v) in g.iter_mut().enumerate() {
                *v = test_sums[s * p + c] / test_counts[s] as f64;
            }
            for (s, v) in fourier
                .band_pass(&g, restricted_keys)
                .into_iter()
                .enumerate()
            {
                held_out[(c, s)] = v;
            }
        }
    }
    let labels: Vec<u32> = (0..p32).collect();
    let restricted_loss = loss::evaluate(kind, &restricted, &labels, None).loss;
    let restricted_held_out = held_out_defined.then(|| {
        let (examples, _) = test;
        let (a, b) = pairs(examples, p32);
        let per_pair = DMatrix::from_fn(p, a.len(), |c, j| {
            held_out[(c, structure.index(a[j], b[j]))]
        });
        loss::evaluate(kind, &per_pair, &examples.labels, None).loss
    });

    let (examples, logits) = train;
    let (a, b) = pairs(examples, p32);
    let mut excluded = logits.clone();
    excluded
        .as_mut_slice()
        .par_chunks_mut(p)
        .enumerate()
        .for_each(|(j, column)| {
            let s = structure.index(a[j], b[j]);
            for (f, r) in column.iter_mut().zip(&removed[s * p..(s + 1) * p]) {
                *f = T::of(f.to_f64() - r);
            }
        });
    let excluded_loss = loss::evaluate(kind, &excluded, &examples.labels, None).loss;
    Some(AblationLosses {
        restricted: restricted_loss,
        restricted_held_out,
        excluded: excluded_loss,
    })
}

fn pairs(examples: &Examples, p: u32) -> (&[u32], &[u32]) {
    match &examples.inputs {
        Inputs::Pairs { a, b, p: q } if *q == p => (a, b),
        _ => panic!("examples must be pairs mod {p}"),
    }
}

/// [`ablation_losses`] of `model` on `split` of `task` with loss `kind`, for each set of key frequencies in
/// `key_sets`; the logits are computed once.
pub fn of_model<T: Real>(
    model: &Model<T>,
    task: &Task,
    kind: LossKind,
    split: &Split,
    key_sets: &[Vec<usize>],
    fourier: &mut Fourier,
) -> Vec<Option<AblationLosses>> {
    let logits = |examples: &Examples| {
        let mut ws = Workspace::default();
        model.forward(&Batch::new(examples), &mut ws);
        ws.logits
    };
    let (train, test) = (logits(&split.train), logits(&split.test));
    key_sets
        .iter()
        .map(|keys| {
            ablation_losses(
                task,
                keys,
                kind,
                (&split.train, &train),
                (&split.test, &test),
                fourier,
            )
        })
        .collect()
}
