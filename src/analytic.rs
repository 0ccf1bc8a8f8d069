//! The analytic generalizing solution of $a+b \bmod p$ for the $z^2$ network (after Gromov, "Grokking
//! modular arithmetic", 2023), with a deterministic phase design that makes it exact.
//!
//! For each frequency $k$ in a set $K\subseteq\\{1,\dots,(p-1)/2\\}$ take $M=6$ neurons $r=0,\dots,5$ with
//! phases $\alpha_r=2\pi r/M$, $\beta_r=2\pi t r/M$, $t=4$, and weights ($\omega=2\pi k/p$)
//! $$U_{r}(a)=\cos(\omega a+\alpha_r),\quad V_{r}(b)=\cos(\omega b+\beta_r),\quad A_{c r}=\cos(\omega c+\alpha_r+\beta_r).$$
//! With $\sigma(z)=z^2$ and $\kappa=1$ the logits are exactly
//! $$f_c(a,b)=\frac M2\sum_{k\in K}\cos\Bigl(\frac{2\pi k(a+b-c)}{p}\Bigr),$$
//! maximal at $c=a+b$ only, so the accuracy is 100% on all $p^2$ pairs for every odd prime $p$, every
//! non-empty $K$, at width $N=6|K|$. Proof, margin and norm: `notes/analytic_fourier_solution.md`.

use crate::error::{ensure, Result};
use crate::model::{Activation, Model, ModelConfig, Params};
use crate::task::{is_prime, Operation, Task};
use nalgebra::DMatrix;
use std::f64::consts::PI;

/// Neurons per frequency $M$ of the cyclic phase design.
pub const NEURONS_PER_FREQUENCY: usize = 6;
/// Multiplier $t$ of the design: neuron $r$ has phases $(2\pi r/M,\ 2\pi tr/M)$.
pub const PHASE_MULTIPLIER: usize = 4;

/// The phase harmonics $(m,n)$ of the unwanted terms $\cos(X+m\alpha+n\beta)$ in the logits of one
/// neuron (see the note); a design cancels them all iff $M\nmid m+tn$ for each.
pub const UNWANTED_HARMONICS: [(i64, i64); 8] = [
    (1, 1),
    (1, -1),
    (3, 1),
    (-1, 1),
    (1, 3),
    (2, 2),
    (0, -2),
    (2, 0),
];

/// The smallest cyclic design $(M,t)$, $0\le t<M$ (smallest $t$ for that $M$), that cancels every
/// unwanted harmonic: $M\nmid m+tn$ for all $(m,n)$ in [`UNWANTED_HARMONICS`]; searched up to $M=64$.
pub fn minimal_cyclic_design() -> Option<(usize, usize)> {
    (1..=64).find_map(|m: i64| {
        (0..m)
            .find(|&t| {
                UNWANTED_HARMONICS
                    .iter()
                    .all(|&(a, b)| (a + t * b).rem_euclid(m) != 0)
            })
            .map(|t| (m as usize, t as usize))
    })
}

/// The task the construction solves: $a+b \bmod p$.
pub fn task(p: u32) -> Task {
    Task::Modular {
        op: Operation::Add,
        p,
    }
}

/// Checks $p$ an odd prime and $K$ a non-empty set of distinct frequencies in $1..=(p-1)/2$.
fn validate(p: u32, frequencies: &[usize]) -> Result<()> {
    ensure(p >= 3 && is_prime(p), || {
        format!("the construction needs an odd prime p, got {p}")
    })?;
    ensure(!frequencies.is_empty(), || {
        "the construction needs at least one frequency".into()
    })?;
    let half = (p as usize - 1) / 2;
    for (i, &k) in frequencies.iter().enumerate() {
        ensure((1..=half).contains(&k), || {
            format!("frequency {k} is outside 1..={half}")
        })?;
        ensure(!frequencies[..i].contains(&k), || {
            format!("frequency {k} appears twice")
        })?;
    }
    Ok(())
}

/// The network of width $N=6|K|$ described in the module docs (in `f64`).
pub fn fourier_solution(p: u32, frequencies: &[usize]) -> Result<Model<f64>> {
    validate(p, frequencies)?;
    let (m, pu) = (NEURONS_PER_FREQUENCY, p as usize);
    let width = m * frequencies.len();
    // Neuron j = (frequency index, r): its ω and phases.
    let neuron = |j: usize| {
        let (k, r) = (frequencies[j / m], j % m);
        let omega = 2.0 * PI * k as f64 / p as f64;
        let alpha = 2.0 * PI * r as f64 / m as f64;
        let beta = 2.0 * PI * (PHASE_MULTIPLIER * r) as f64 / m as f64;
        (omega, alpha, beta)
    };
    let w1 = DMatrix::from_fn(width, 2 * pu, |j, col| {
        let (omega, alpha, beta) = neuron(j);
        if col < pu {
            (omega * col as f64 + alpha).cos()
        } else {
            (omega * (col - pu) as f64 + beta).cos()
        }
    });
    let w2 = DMatrix::from_fn(pu, width, |c, j| {
        let (omega, alpha, beta) = neuron(j);
        (omega * c as f64 + alpha + beta).cos()
    });
    let config = ModelConfig {
        width,
        alpha: 1.0,
        kappa: 1.0,
        activation: Activation::Quad,
    };
    Model::from_params(&task(p), config, Params { w1, w2 })
}

/// The logit the module docs predict: $\frac M2\sum_{k\in K}\cos(2\pi k(a+b-c)/p)$.
pub fn predicted_logit(p: u32, frequencies: &[usize], a: u32, b: u32, c: u32) -> f64 {
    let d = (a as f64 + b as f64 - c as f64) / p as f64;
    let m = NEURONS_PER_FREQUENCY as f64;
    m / 2.0
        * frequencies
            .iter()
            .map(|&k| (2.0 * PI * k as f64 * d).cos())
            .sum::<f64>()
}

/// The logit margin $\min_{a,b}\bigl(f_{a+b}-\max_{c\ne a+b}f_c\bigr)
/// =\frac M2\min_{d\ne0}\sum_{k\in K}\bigl(1-\cos(2\pi kd/p)\bigr)>0$.
pub fn margin(p: u32, frequencies: &[usize]) -> f64 {
    let m = NEURONS_PER_FREQUENCY as f64;
    (1..p)
        .map(|d| {
            frequencies
                .iter()
                .map(|&k| {
                    1.0 - (2.0 * PI * (k as u64 * d as u64 % p as u64) as f64 / p as f64).cos()
                })
                .sum::<f64>()
        })
        .fold(f64::INFINITY, f64::min)
        * m
        / 2.0
}

/// The parameter norm $\\|\theta\\|\_2=\sqrt{3Np/2}$ of the construction, $N=6|K|$.
pub fn parameter_norm(p: u32, frequencies: &[usize]) -> f64 {
    (1.5 * (NEURONS_PER_FREQUENCY * frequencies.len()) as f64 * p as f64).sqrt()
}
