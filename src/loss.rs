//! Losses on the logits $F\in\mathbb{R}^{C\times n}$ (one column per example) and integer labels $y$.
//!
//! * Cross-entropy, averaged over the batch:
//!   $L=\frac1n\sum_j\bigl(\operatorname{lse}(F_{:j})-F_{y_j j}\bigr)$ with the stable
//!   $\operatorname{lse}(f)=m+\log\sum_c e^{f_c-m}$, $m=\max_c f_c$; gradient
//!   $\partial L/\partial F_{cj}=(\operatorname{softmax}(F_{:j})\_c-[c=y_j])/n$, with the entries of
//!   $\operatorname{softmax}/n$ below the smallest normal number flushed to zero (see [`evaluate`]).
//! * MSE against one-hot targets, averaged over batch *and* classes (PyTorch's `mse_loss`):
//!   $L=\frac1{nC}\sum_{j,c}(F_{cj}-[c=y_j])^2$; gradient $2(F_{cj}-[c=y_j])/(nC)$.
//! * StableMax cross-entropy (Prieto, Barsbey, Mediano and Birdal, "Grokking at the edge of numerical
//!   stability", ICLR 2025): the softmax's $e^x$ replaced by $s(x)=x+1$ for $x\ge0$, $1/(1-x)$ for $x<0$ (positive,
//!   increasing, $C^1$, growing only linearly), $L=\frac1n\sum_j\bigl(\log\sum_cs(F_{cj})-\log s(F_{y_jj})\bigr)$;
//!   gradient $\bigl(s'(F_{cj})/\sum_ks(F_{kj})-[c=y_j]\\,s'(F_{y_jj})/s(F_{y_jj})\bigr)/n$ with $s'(x)=1$ for $x\ge0$,
//!   $1/(1-x)^2$ for $x<0$, so $s'/s=1/(1+|x|)$. Not invariant to a shift of the logits, so no maximum is
//!   subtracted; since $s$ grows linearly, a probability near 1 needs logits of order $1/(1-p)$, not
//!   $\log(1/(1-p))$: the collapse to a loss of exactly 0 in floating point comes much later than with the softmax.
//!
//! Per-example values are computed in parallel and summed in `f64` in example order, so the result does
//! not depend on the thread count. Accuracy counts $\arg\max_c F_{cj}=y_j$ (first maximum on ties).

use crate::real::{self, Real};
use nalgebra::DMatrix;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Examples per rayon task.
const MIN_COLUMNS_PER_TASK: usize = 64;

/// Which loss.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LossKind {
    /// Cross-entropy (softmax over classes).
    CrossEntropy,
    /// Mean squared error against one-hot targets.
    Mse,
    /// Cross-entropy with StableMax in place of the softmax.
    #[serde(rename = "stablemax")]
    StableMax,
}

impl FromStr for LossKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "ce" | "cross_entropy" => Ok(LossKind::CrossEntropy),
            "mse" => Ok(LossKind::Mse),
            "stablemax" => Ok(LossKind::StableMax),
            _ => Err(format!("unknown loss {s:?}; expected ce, mse or stablemax")),
        }
    }
}

impl fmt::Display for LossKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LossKind::CrossEntropy => "ce",
            LossKind::Mse => "mse",
            LossKind::StableMax => "stablemax",
        })
    }
}

/// Mean loss and accuracy of a batch.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LossStats {
    /// Mean loss.
    pub loss: f64,
    /// Fraction of examples whose arg-max logit is the label.
    pub accuracy: f64,
}

/// Loss and accuracy of `logits` against `labels`; writes $\partial L/\partial F$ into `grad` when given
/// (same shape as `logits`). Cross-entropy gradient entries that would be subnormal are written as zero.
pub fn evaluate<T: Real>(
    kind: LossKind,
    logits: &DMatrix<T>,
    labels: &[u32],
    grad: Option<&mut DMatrix<T>>,
) -> LossStats {
    let (classes, n) = logits.shape();
    assert_eq!(n, labels.len(), "one label per logit column");
    let columns = logits
        .as_slice()
        .par_chunks(classes)
        .zip(labels.par_iter())
        .with_min_len(MIN_COLUMNS_PER_TASK);
    let per_example: Vec<(f64, bool)> = match grad {
        Some(g) => {
            assert_eq!(g.shape(), logits.shape(), "gradient buffer shape");
            columns
                .zip(g.as_mut_slice().par_chunks_mut(classes))
                .map(|((f, &y), g)| column(kind, f, y as usize, n, g))
                .collect()
        }
        None => columns
            .map_init(
                || vec![T::zero(); classes],
                |scratch, (f, &y)| column(kind, f, y as usize, n, scratch),
            )
            .collect(),
    };
    let total: f64 = per_example.iter().map(|e| e.0).sum();
    let correct = per_example.iter().filter(|e| e.1).count();
    let denom = n.max(1) as f64;
    LossStats {
        loss: total / denom,
        accuracy: correct as f64 / denom,
    }
}

/// One example $f=F_{:j}$ with label $y$: returns (its loss, whether the arg-max is $y$) and writes its
/// column of $\partial L/\partial F$ (for a batch of $n$) into `g`.
fn column<T: Real>(kind: LossKind, f: &[T], y: usize, n: usize, g: &mut [T]) -> (f64, bool) {
    let max = real::max(f);
    // arg-max (first maximum) is y: f_y is the maximum and no earlier entry equals it.
    let correct = f[y] == max && f[..y].iter().filter(|&&v| v == max).count() == 0;
    let inv_n = T::one() / T::of(n as f64);
    match kind {
        LossKind::CrossEntropy => {
            let sum = T::exp_sum(f, max, g);
            let scale = inv_n / sum;
            // Entries that would be subnormal are flushed to zero (a change below the smallest normal
            // number, 1.2e-38 in f32): products over subnormal operands take microcode assists on x86,
            // which made a collapsed softmax's backward pass several times slower than the whole step.
            let tiny = T::MIN_POSITIVE;
            g.iter_mut().for_each(|g| {
                let v = *g * scale;
                *g = if v < tiny { T::zero() } else { v };
            });
            g[y] -= inv_n;
            ((max + sum.ln() - f[y]).to_f64(), correct)
        }
        LossKind::Mse => {
            let classes = f.len();
            let scale = T::of(2.0 / classes as f64) * inv_n;
            let mut loss = 0.0;
            for (c, (g, &v)) in g.iter_mut().zip(f).enumerate() {
                let r = if c == y { v - T::one() } else { v };
                loss += r.to_f64() * r.to_f64();
                *g = r * scale;
            }
            (loss / classes as f64, correct)
        }
        LossKind::StableMax => {
            let (mut sum, mut label_s) = (T::zero(), T::one());
            for (c, (g, &v)) in g.iter_mut().zip(f).enumerate() {
                let (s, ds) = stablemax(v);
                sum += s;
                *g = ds;
                if c == y {
                    label_s = s;
                }
            }
            let scale = inv_n / sum;
            let label_slope = g[y] / label_s;
            g.iter_mut().for_each(|g| *g *= scale);
            g[y] -= label_slope * inv_n;
            ((sum.ln() - label_s.ln()).to_f64(), correct)
        }
    }
}

/// $s(x)$ and $s'(x)$ of StableMax: $(x+1,1)$ for $x\ge0$, $(1/(1-x),1/(1-x)^2)$ for $x<0$.
fn stablemax<T: Real>(x: T) -> (T, T) {
    if x >= T::zero() {
        (x + T::one(), T::one())
    } else {
        let s = T::one() / (T::one() - x);
        (s, s * s)
    }
}
