//! T13-egalitarian — egalitarian gradient descent (EGD; Saheb Pasand and Dohmatob, ICLR 2026) against the method it
//! modifies, gradient descent with the same L2 decay, on $a+b\bmod23$.
//!
//! EGD replaces the embedding's L2-decayed gradient $\tilde G$ by $(\tilde G\tilde G^\top)^{-1/2}\tilde G$, the polar factor
//! ([`grokking::optim::egd`]): every singular direction of the update moves by $\eta$, where gradient descent moves
//! the $i$-th by $\eta\sigma_i$. The paper claims that EGD "groks much faster" than gradient descent and "in some
//! cases" removes the plateau, on modular addition and sparse parity. Three checks, all *measured* on the
//! authors' hyperparameters ($\lambda=10^{-4}$ L2, full batch: at $p=23$, $f=0.7$ the 370 training pairs are fewer
//! than their batch of 512):
//! * at one learning rate for both (the authors' comparison, $\eta=0.7$), EGD reaches 50% test accuracy while
//!   gradient descent has not within the budget (*empirical*, holds);
//! * each at the best learning rate of its own grid (`notes/t13_egalitarian.md`: EGD $\eta=1.5$ of
//!   0.01–3, gradient descent $\eta=30$ of 0.03–300, both interior), gradient descent reaches 80% test
//!   accuracy sooner: "groks much faster" is *false as stated* against a tuned baseline;
//! * EGD's plateau is not removed: 80% test accuracy comes hundreds of times later than memorization
//!   (*false as stated* for "eliminates the plateaus" on this network).
//!
//! No run reaches 99% test accuracy within 20000 steps at this decay, so the levels are 50% and 80% (chosen
//! after the grid was measured; the note says so).
//!
//! Note: notes/t13_egalitarian.md

use super::{Budget, Check, Seconds, Status, Theorem};
use grokking::config::canonical_add;
use grokking::error::Result;
use grokking::evaluation::Measures;
use grokking::optim::{EgdConfig, EgdLayers, OptimizerConfig, SgdConfig};
use grokking::stats::median;
use grokking::task::Labels;
use grokking::train::{self, Probe, Steer, TrainConfig};
use rayon::prelude::*;
use std::ops::ControlFlow;

/// The ledger entry.
pub const THEOREM: Theorem = Theorem {
    id: "T13-egalitarian",
    name: "egalitarian gradient descent against gradient descent: ahead at one learning rate, behind a tuned baseline, and the plateau stays",
    note: "notes/t13_egalitarian.md",
    module: "theorems/t13_egalitarian.rs",
    run: check,
    seconds: Seconds {
        quick: 25.0,
        full: 78.0,
    },
};

/// Modulus of the task.
pub const P: u32 = 23;
/// Training fraction (370 pairs).
pub const FRACTION: f64 = 0.7;
/// L2 weight decay of both optimizers, the authors' value.
pub const WEIGHT_DECAY: f64 = 1e-4;
/// The authors' learning rate, used for both optimizers in their comparison.
pub const SHARED_LR: f64 = 0.7;
/// EGD's best learning rate on the grid 0.01–3 (steps to 80% test accuracy, seeds 0–2; the note's table).
pub const TUNED_EGD_LR: f64 = 1.5;
/// Gradient descent's best learning rate on the grid 0.03–300 (the same measure).
pub const TUNED_GD_LR: f64 = 30.0;
/// Test accuracy of the shared-rate check.
pub const SHARED_LEVEL: f64 = 0.5;
/// Test accuracy of the tuned and the plateau checks.
pub const TUNED_LEVEL: f64 = 0.8;
/// The smallest $t_{80}/t_{mem}$ that counts as a plateau: the canonical AdamW run has $t_{grok}/t_{mem}=16$;
/// "eliminated" would put the ratio near 1.
pub const PLATEAU_RATIO: f64 = 10.0;

/// Gradient descent without momentum, L2 decay [`WEIGHT_DECAY`].
pub fn gd(lr: f64) -> OptimizerConfig {
    OptimizerConfig::Sgd(SgdConfig {
        lr,
        momentum: 0.0,
        nesterov: false,
        weight_decay: WEIGHT_DECAY,
    })
}

/// EGD on the embedding, L2 decay [`WEIGHT_DECAY`].
pub fn egd(lr: f64) -> OptimizerConfig {
    OptimizerConfig::Egd(EgdConfig {
        lr,
        weight_decay: WEIGHT_DECAY,
        layers: EgdLayers::Embedding,
    })
}

/// When a run memorized and when it first reached a test accuracy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Crossing {
    /// First step with training accuracy $\ge99\\%$.
    pub t_mem: Option<u64>,
    /// First evaluated step at or above the level (`None`: not within the budget).
    pub t_level: Option<u64>,
}

/// Trains `optimizer` on the task with master seed `seed` until the test accuracy first reaches `level`
/// (evaluated every 10 steps) or `steps` run out.
pub fn crossing(optimizer: OptimizerConfig, seed: u64, level: f64, steps: u64) -> Result<Crossing> {
    let mut config: TrainConfig = canonical_add(P, FRACTION, optimizer, steps, seed);
    config.eval_every = 10;
    let mut t_level = None;
    let mut watch = Steer(|probe: &Probe<'_, f32>| {
        if probe.test_acc()? >= level {
            t_level = Some(probe.step);
            return Ok(ControlFlow::Break(()));
        }
        Ok(ControlFlow::Continue(()))
    });
    let run = train::train_with::<f32>(&config, Labels::True, Measures::Accuracy, &mut watch)?;
    Ok(Crossing {
        t_mem: run.history.t_mem,
        t_level,
    })
}

/// [`crossing`] for every seed of `seeds`, in parallel.
fn crossings(
    optimizer: OptimizerConfig,
    seeds: &[u64],
    level: f64,
    steps: u64,
) -> Result<Vec<Crossing>> {
    seeds
        .par_iter()
        .map(|&s| crossing(optimizer, s, level, steps))
        .collect()
}

/// The median crossing step, a run that never crossed counting as later than every run that did; `None`
/// when that median is such a run.
pub fn median_crossing(runs: &[Crossing]) -> Option<f64> {
    let mut t: Vec<f64> = runs
        .iter()
        .map(|r| r.t_level.map_or(f64::INFINITY, |t| t as f64))
        .collect();
    median(&mut t).filter(|m| m.is_finite())
}

/// Whether the median crossing of `first` comes before that of `second` (`first`'s must be finite).
fn crosses_first(first: &[Crossing], second: &[Crossing]) -> bool {
    match (median_crossing(first), median_crossing(second)) {
        (Some(a), b) => b.is_none_or(|b| a < b),
        (None, _) => false,
    }
}

/// The tolerance of the two order checks.
const ORDER: &str = "none (order of the medians; a run that never crosses counts as latest)";

fn show(runs: &[Crossing]) -> String {
    runs.iter()
        .map(|r| r.t_level.map_or("never".into(), |t| t.to_string()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The seeds and step budgets of a budget: quick on the tuning seeds 0–2, full on ten fresh ones.
struct Design {
    seeds: Vec<u64>,
    shared_steps: u64,
    tuned_steps: u64,
}

impl Design {
    fn of(budget: Budget) -> Self {
        match budget {
            Budget::Quick => Design {
                seeds: (0..3).collect(),
                shared_steps: 5000,
                tuned_steps: 15_000,
            },
            Budget::Full => Design {
                seeds: (3..13).collect(),
                shared_steps: 20_000,
                tuned_steps: 20_000,
            },
        }
    }
}

/// The ledger check.
fn check(budget: Budget) -> Result<Vec<Check>> {
    let d = Design::of(budget);
    let shared_egd = crossings(egd(SHARED_LR), &d.seeds, SHARED_LEVEL, d.shared_steps)?;
    let shared_gd = crossings(gd(SHARED_LR), &d.seeds, SHARED_LEVEL, d.shared_steps)?;
    let tuned_egd = crossings(egd(TUNED_EGD_LR), &d.seeds, TUNED_LEVEL, d.tuned_steps)?;
    let tuned_gd = crossings(gd(TUNED_GD_LR), &d.seeds, TUNED_LEVEL, d.tuned_steps)?;
    Ok(vec![
        shared_rate_check(&shared_egd, &shared_gd, d.shared_steps),
        tuned_check(&tuned_egd, &tuned_gd, d.tuned_steps),
        plateau_check(&tuned_egd, PLATEAU_RATIO, d.tuned_steps),
    ])
}

/// At one learning rate EGD reaches [`SHARED_LEVEL`] in every seed, and its median comes before gradient
/// descent's.
fn shared_rate_check(egd: &[Crossing], gd: &[Crossing], steps: u64) -> Check {
    Check {
        claim: format!(
            "the authors' comparison, one learning rate for both (eta = {SHARED_LR}, L2 {WEIGHT_DECAY}): EGD groks much faster than gradient descent"
        ),
        status: Status::Empirical,
        prediction: format!(
            "every EGD seed reaches {SHARED_LEVEL} test accuracy within {steps} steps, its median before gradient descent's"
        ),
        measured: format!(
            "steps to {SHARED_LEVEL}: EGD {}; gradient descent {}",
            show(egd),
            show(gd)
        ),
        tolerance: ORDER.into(),
        pass: !egd.is_empty()
            && egd.iter().all(|r| r.t_level.is_some())
            && crosses_first(egd, gd),
    }
}

/// False as stated: each at its tuned learning rate, gradient descent reaches [`TUNED_LEVEL`] first.
fn tuned_check(egd: &[Crossing], gd: &[Crossing], steps: u64) -> Check {
    Check {
        claim: format!(
            "against a tuned baseline: EGD (eta = {TUNED_EGD_LR}) groks faster than gradient descent (eta = {TUNED_GD_LR}), each at the best rate of its own grid"
        ),
        status: Status::FalseAsStated,
        prediction: format!(
            "counterexample: gradient descent's median step to {TUNED_LEVEL} test accuracy comes before EGD's (within {steps} steps)"
        ),
        measured: format!(
            "steps to {TUNED_LEVEL}: gradient descent {}; EGD {}",
            show(gd),
            show(egd)
        ),
        tolerance: ORDER.into(),
        pass: crosses_first(gd, egd),
    }
}

/// False as stated: EGD's test accuracy reaches [`TUNED_LEVEL`] at least `ratio` times later than it
/// memorizes, in every seed (a run that has not reached it after `steps` counts with `steps`, a lower
/// bound on its ratio).
fn plateau_check(egd: &[Crossing], ratio: f64, steps: u64) -> Check {
    let ratios: Vec<Option<f64>> = egd
        .iter()
        .map(|r| Some(r.t_level.unwrap_or(steps) as f64 / r.t_mem?.max(1) as f64))
        .collect();
    Check {
        claim: format!(
            "EGD eliminates the plateau: at eta = {TUNED_EGD_LR} its test accuracy rises with its training accuracy"
        ),
        status: Status::FalseAsStated,
        prediction: format!(
            "counterexample: in every seed EGD memorizes, and reaches {TUNED_LEVEL} test accuracy at least {ratio} times later"
        ),
        measured: format!(
            "t_mem: {}; steps to {TUNED_LEVEL}: {}; ratio {}",
            egd.iter()
                .map(|r| r.t_mem.map_or("never".into(), |t| t.to_string()))
                .collect::<Vec<_>>()
                .join(", "),
            show(egd),
            ratios
                .iter()
                .map(|r| r.map_or("-".into(), |r| format!("{r:.0}")))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        tolerance: format!(
            "a plateau is a ratio of at least {ratio} (the canonical AdamW run's is 16; a run that never crosses counts with {steps} steps)"
        ),
        pass: !egd.is_empty()
            && egd.iter().all(|r| r.t_mem.is_some())
            && ratios.iter().all(|r| r.is_some_and(|r| r >= ratio)),
    }
}

#[cfg(test)]
#[path = "../tests/t13_egalitarian.rs"]
mod tests;
