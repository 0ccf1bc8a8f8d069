//! The canonical grokking run, in one place: the configuration of `../shared/baselines/README.md`
//! (Power et al. 2022's task with the two-layer MLP of the baselines).
//!
//! $a+b \bmod 97$, training fraction 0.4 (3764 pairs), width $N=256$, ReLU, no biases, $\alpha=1$,
//! $\kappa=1$, cross-entropy, full batch, AdamW with $\eta=3\cdot10^{-3}$, $\beta=(0.9,0.98)$,
//! $\epsilon=10^{-8}$, $\lambda=1$ on both matrices.

use crate::loss::LossKind;
use crate::model::{Activation, ModelConfig};
use crate::optim::{
    AdamWConfig, EgdConfig, EgdLayers, MuonConfig, OptimizerConfig, Orthogonalizer, SgdConfig,
};
use crate::task::{Operation, Task};
use crate::train::{Precision, TrainConfig};

/// Updates in `grok reproduce` at most (the baseline groks at about 2500).
pub const CANONICAL_STEPS: u64 = 8000;
/// Evaluation interval of `grok reproduce`.
pub const CANONICAL_EVAL_EVERY: u64 = 10;
/// `grok reproduce` ends at $1.3\\,t_{grok}$ ([`TrainConfig::stop_after_grok`]): by then the weight norm has
/// fallen most of the way from its peak towards where it settles and the excluded loss has risen, so the
/// cleanup is on the plots (seed 0: $t_{grok}=2620$, end at step 3410 of 8000, test accuracy 0.998, $\\|\theta\\|$
/// 126.3 after a peak of 139.1; 121.5 at step 8000).
pub const REPRODUCTION_STOP_AFTER_GROK: f64 = 1.3;
/// `grok reproduce` measures the Fourier progress measures and the restricted and excluded losses every
/// this many steps ([`TrainConfig::fourier_every`]), the losses and accuracies every
/// [`CANONICAL_EVAL_EVERY`]: the measures cost one to three times the rest of an evaluation (bench
/// `train_step/evaluation` against `train_step/evaluation_accuracy`) and change slowly.
pub const REPRODUCTION_FOURIER_EVERY: u64 = 50;

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

/// Egalitarian gradient descent as its authors ran it on modular addition (Saheb Pasand and Dohmatob 2026,
/// `main-results/mod_add.py`): learning rate 0.7, L2 weight decay $10^{-4}$ (their loss adds
/// $\frac\lambda2\\|W\\|^2$), the embedding whitened and the readout on gradient descent.
pub const DEFAULT_EGD: EgdConfig = EgdConfig {
    lr: 0.7,
    weight_decay: 1e-4,
    layers: EgdLayers::Embedding,
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
        stop_after_grok: None,
        fourier_every: None,
        perpendicular_gradient: false,
        precision: Precision::F32,
    }
}

/// `grok reproduce` (`cargo run --release`): the [`canonical`] run, ending once the cleanup after
/// $t_{grok}$ shows ([`REPRODUCTION_STOP_AFTER_GROK`]; at [`CANONICAL_STEPS`] if it never groks), with the
/// Fourier measures every [`REPRODUCTION_FOURIER_EVERY`] steps.
pub fn reproduction(seed: u64) -> TrainConfig {
    TrainConfig {
        stop_after_grok: Some(REPRODUCTION_STOP_AFTER_GROK),
        fourier_every: Some(REPRODUCTION_FOURIER_EVERY),
        ..canonical(seed)
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
