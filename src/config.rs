//! The canonical grokking run, in one place: the configuration of `../shared/baselines/README.md`
//! (Power et al. 2022's task with the two-layer MLP of the baselines).
//!
//! $a+b \bmod 97$, training fraction 0.4 (3764 pairs), width $N=256$, ReLU, no biases, $\alpha=1$,
//! $\kappa=1$, cross-entropy, full batch, AdamW with $\eta=3\cdot10^{-3}$, $\beta=(0.9,0.98)$,
//! $\epsilon=10^{-8}$, $\lambda=1$ on both matrices.

use crate::loss::LossKind;
use crate::model::{Activation, ModelConfig};
use crate::optim::{AdamWConfig, MuonConfig, OptimizerConfig, Orthogonalizer, SgdConfig};
use crate::task::{Operation, Task};
use crate::train::{Precision, TrainConfig};

/// Updates in `grok reproduce` (the baseline groks at about 2500).
pub const CANONICAL_STEPS: u64 = 8000;
/// Evaluation interval of `grok reproduce`.
pub const CANONICAL_EVAL_EVERY: u64 = 10;

/// The canonical AdamW hyperparameters.
pub const CANONICAL_ADAMW: AdamWConfig = AdamWConfig {
    lr: 3e-3,
    beta1: 0.9,
    beta2: 0.98,
    eps: 1e-8,
    weight_decay: 1.0,
};

/// SGD defaults of the baseline script (lr 0.1, momentum 0.9, no decay).
pub const DEFAULT_SGD: SgdConfig = SgdConfig {
    lr: 0.1,
    momentum: 0.9,
    nesterov: false,
    weight_decay: 0.0,
};

/// Muon defaults of the baseline script (lr 0.05, Nesterov momentum 0.95, decay 0.1, 5 NS steps).
pub const DEFAULT_MUON: MuonConfig = MuonConfig {
    lr: 0.05,
    momentum: 0.95,
    nesterov: true,
    weight_decay: 0.1,
    ns_steps: 5,
    orthogonalizer: Orthogonalizer::NewtonSchulz,
};

/// The canonical run with master seed `seed`.
pub fn canonical(seed: u64) -> TrainConfig {
    TrainConfig {
        task: Task::Modular {
            op: Operation::Add,
            p: 97,
        },
        train_frac: 0.4,
        model: ModelConfig {
            width: 256,
            alpha: 1.0,
            kappa: 1.0,
            activation: Activation::Relu,
        },
        loss: LossKind::CrossEntropy,
        optimizer: OptimizerConfig::AdamW(CANONICAL_ADAMW),
        batch_size: None,
        steps: CANONICAL_STEPS,
        eval_every: CANONICAL_EVAL_EVERY,
        seed,
        stop_at_grok: false,
        precision: Precision::F32,
    }
}

/// The canonical run on $a+b \bmod p$ with training fraction `frac`, `optimizer` and `steps` updates, master
/// seed `seed` (the base of the claims' runs on small $p$).
pub fn canonical_add(
    p: u32,
    frac: f64,
    optimizer: OptimizerConfig,
    steps: u64,
    seed: u64,
) -> TrainConfig {
    let mut c = canonical(seed);
    c.task = Task::Modular {
        op: Operation::Add,
        p,
    };
    c.train_frac = frac;
    c.optimizer = optimizer;
    c.steps = steps;
    c
}
