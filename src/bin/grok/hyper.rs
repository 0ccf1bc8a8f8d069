//! The hyperparameter flags shared by `grok train`, `grok singular` and `grok sweep`, and the grid of
//! configurations they span.

use anyhow::{bail, Result};
use clap::Args;
use grokking::config::{CANONICAL_ADAMW, DEFAULT_EGD, DEFAULT_MUON, DEFAULT_SGD};
use grokking::loss::LossKind;
use grokking::model::{Activation, ModelConfig};
use grokking::optim::{
    AdamWConfig, EgdConfig, EgdLayers, MuonConfig, OptimizerConfig, Orthogonalizer, SgdConfig,
};
use grokking::task::{Operation, Task};
use grokking::train::{Precision, TrainConfig};
use std::str::FromStr;

/// Hyperparameters of a run. Every option marked "list" takes one value in `train` and a comma-separated
/// list (a grid axis) in `sweep`.
#[derive(Args, Clone)]
pub struct Hyper {
    /// Task (list): add, sub, mul, div, sum_squares, quad_form, cubic_plus, or parity.
    #[arg(long, value_delimiter = ',', default_value = "add")]
    pub task: Vec<TaskName>,
    /// Modulus p (list).
    #[arg(long, value_delimiter = ',', default_value = "97")]
    pub p: Vec<u32>,
    /// Sparse parity: number of input bits n.
    #[arg(long, default_value_t = 10)]
    pub bits: u32,
    /// Sparse parity: support size k.
    #[arg(long, default_value_t = 3)]
    pub k: u32,
    /// Training fraction in (0, 1) (list).
    #[arg(long, value_delimiter = ',', default_value = "0.4")]
    pub train_frac: Vec<f64>,
    /// Hidden width N (list).
    #[arg(long, value_delimiter = ',', default_value = "256")]
    pub width: Vec<usize>,
    /// Activation: relu, quad (z²) or gelu.
    #[arg(long, default_value = "relu")]
    pub act: Activation,
    /// Loss: ce, mse or stablemax (cross-entropy through StableMax instead of the softmax).
    #[arg(long, default_value = "ce")]
    pub loss: LossKind,
    /// Optimizer: adamw, sgd, muon or egd (egalitarian gradient descent).
    #[arg(long, default_value = "adamw")]
    pub opt: OptName,
    /// Learning rate (list) [default: 3e-3 adamw, 0.1 sgd, 0.05 muon, 0.7 egd].
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    pub lr: Vec<f64>,
    /// Weight decay (list) [default: 1.0 adamw, 0 sgd, 0.1 muon, 1e-4 egd]; decoupled for adamw and muon, L2
    /// for sgd and egd.
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    pub wd: Vec<f64>,
    /// Init scale alpha (list).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "1",
        allow_negative_numbers = true
    )]
    pub alpha: Vec<f64>,
    /// Output multiplier kappa in f = kappa W2 h.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub kappa: f64,
    /// AdamW beta1.
    #[arg(long, default_value_t = CANONICAL_ADAMW.beta1)]
    pub beta1: f64,
    /// AdamW beta2.
    #[arg(long, default_value_t = CANONICAL_ADAMW.beta2)]
    pub beta2: f64,
    /// AdamW epsilon.
    #[arg(long, default_value_t = CANONICAL_ADAMW.eps)]
    pub eps: f64,
    /// Momentum for sgd [default 0.9] or muon [default 0.95].
    #[arg(long)]
    pub momentum: Option<f64>,
    /// Use Nesterov momentum with sgd (muon always uses it).
    #[arg(long)]
    pub nesterov: bool,
    /// Muon: orthogonalise with the exact polar factor (SVD) instead of Newton–Schulz.
    #[arg(long)]
    pub exact_polar: bool,
    /// Egd: whiten the embedding W1 only (the authors' choice; W2 then takes gradient descent) or both.
    #[arg(long, value_name = "LAYERS")]
    pub egd_layers: Option<EgdLayers>,
    /// Muon: Newton–Schulz iterations.
    #[arg(long, default_value_t = DEFAULT_MUON.ns_steps)]
    pub ns_steps: usize,
    /// Mini-batch size (sampled with replacement); omit for full batch.
    #[arg(long)]
    pub batch: Option<usize>,
    /// Optimizer updates.
    #[arg(long, default_value_t = 10_000)]
    pub steps: u64,
    /// Evaluate the test set every E steps.
    #[arg(long, default_value_t = 100)]
    pub eval_every: u64,
    /// Stop at the first evaluation with test accuracy ≥ 99%.
    #[arg(long)]
    pub stop_at_grok: bool,
    /// Stop at the first evaluation at or after C·t_grok (C > 1), to see the cleanup after grokking.
    #[arg(long, value_name = "C", conflicts_with = "stop_at_grok")]
    pub stop_after_grok: Option<f64>,
    /// Fourier measures and restricted/excluded losses only every K steps (a multiple of --eval-every)
    /// [default: at every evaluation].
    #[arg(long, value_name = "K")]
    pub fourier_every: Option<u64>,
    /// ⊥Grad (Prieto et al. 2025): drop each matrix's gradient component along its weights before the step.
    #[arg(long)]
    pub perp_grad: bool,
    /// Train in f64 instead of f32.
    #[arg(long)]
    pub f64: bool,
}

#[derive(Clone, Copy)]
pub enum TaskName {
    Op(Operation),
    Parity,
}

impl FromStr for TaskName {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        if s == "parity" {
            Ok(TaskName::Parity)
        } else {
            Operation::from_str(s)
                .map(TaskName::Op)
                .map_err(|e| format!("{e}, parity"))
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
pub enum OptName {
    AdamW,
    Sgd,
    Muon,
    Egd,
}

impl FromStr for OptName {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "adamw" => Ok(OptName::AdamW),
            "sgd" => Ok(OptName::Sgd),
            "muon" => Ok(OptName::Muon),
            "egd" => Ok(OptName::Egd),
            _ => Err(format!(
                "unknown optimizer {s:?}; expected adamw, sgd, muon or egd"
            )),
        }
    }
}

/// One point of the grid: the values of the list options.
#[derive(Clone, Copy)]
pub struct Point {
    task: TaskName,
    p: u32,
    train_frac: f64,
    width: usize,
    lr: Option<f64>,
    wd: Option<f64>,
    alpha: f64,
    seed: u64,
}

impl Hyper {
    /// All grid points (cartesian product of the list options) for `seeds`, in a fixed order.
    pub fn grid(&self, seeds: &[u64]) -> Vec<Point> {
        let opt = |v: &Vec<f64>| {
            if v.is_empty() {
                vec![None]
            } else {
                v.iter().copied().map(Some).collect()
            }
        };
        let mut points = Vec::new();
        for &task in &self.task {
            for &p in &self.p {
                for &train_frac in &self.train_frac {
                    for &width in &self.width {
                        for lr in opt(&self.lr) {
                            for wd in opt(&self.wd) {
                                for &alpha in &self.alpha {
                                    for &seed in seeds {
                                        points.push(Point {
                                            task,
                                            p,
                                            train_frac,
                                            width,
                                            lr,
                                            wd,
                                            alpha,
                                            seed,
                                        });
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        points
    }

    /// The configuration of one grid point.
    pub fn config(&self, pt: &Point) -> Result<TrainConfig> {
        let task = match pt.task {
            TaskName::Op(op) => Task::Modular { op, p: pt.p },
            TaskName::Parity => Task::SparseParity {
                n_bits: self.bits,
                k: self.k,
            },
        };
        let optimizer = match self.opt {
            OptName::AdamW => OptimizerConfig::AdamW(AdamWConfig {
                lr: pt.lr.unwrap_or(CANONICAL_ADAMW.lr),
                beta1: self.beta1,
                beta2: self.beta2,
                eps: self.eps,
                weight_decay: pt.wd.unwrap_or(CANONICAL_ADAMW.weight_decay),
            }),
            OptName::Sgd => OptimizerConfig::Sgd(SgdConfig {
                lr: pt.lr.unwrap_or(DEFAULT_SGD.lr),
                momentum: self.momentum.unwrap_or(DEFAULT_SGD.momentum),
                nesterov: self.nesterov,
                weight_decay: pt.wd.unwrap_or(DEFAULT_SGD.weight_decay),
            }),
            OptName::Muon => OptimizerConfig::Muon(MuonConfig {
                lr: pt.lr.unwrap_or(DEFAULT_MUON.lr),
                momentum: self.momentum.unwrap_or(DEFAULT_MUON.momentum),
                nesterov: true,
                weight_decay: pt.wd.unwrap_or(DEFAULT_MUON.weight_decay),
                ns_steps: self.ns_steps,
                orthogonalizer: if self.exact_polar {
                    Orthogonalizer::ExactPolar
                } else {
                    Orthogonalizer::NewtonSchulz
                },
            }),
            OptName::Egd => OptimizerConfig::Egd(EgdConfig {
                lr: pt.lr.unwrap_or(DEFAULT_EGD.lr),
                weight_decay: pt.wd.unwrap_or(DEFAULT_EGD.weight_decay),
                layers: self.egd_layers.unwrap_or(DEFAULT_EGD.layers),
            }),
        };
        if self.opt != OptName::Muon && self.exact_polar {
            bail!("--exact-polar applies to --opt muon only");
        }
        if self.opt != OptName::Egd && self.egd_layers.is_some() {
            bail!("--egd-layers applies to --opt egd only");
        }
        if self.opt == OptName::Egd && (self.momentum.is_some() || self.nesterov) {
            bail!("egalitarian gradient descent has no momentum: drop --momentum and --nesterov");
        }
        let config = TrainConfig {
            task,
            train_frac: pt.train_frac,
            model: ModelConfig {
                width: pt.width,
                alpha: pt.alpha,
                kappa: self.kappa,
                activation: self.act,
            },
            loss: self.loss,
            optimizer,
            batch_size: self.batch,
            steps: self.steps,
            eval_every: self.eval_every,
            seed: pt.seed,
            stop_at_grok: self.stop_at_grok,
            stop_after_grok: self.stop_after_grok,
            fourier_every: self.fourier_every,
            perpendicular_gradient: self.perp_grad,
            precision: if self.f64 {
                Precision::F64
            } else {
                Precision::F32
            },
        };
        config.validate()?;
        Ok(config)
    }
}

impl Hyper {
    /// The one configuration of `grok train`-style arguments with master seed `seed` (an error if a
    /// list option has several values).
    pub fn single(&self, seed: u64) -> Result<TrainConfig> {
        for (name, n) in self.axes() {
            if n > 1 {
                bail!("grok train and grok singular take one value of --{name}, got {n}; use grok sweep for a grid");
            }
        }
        self.config(&self.grid(&[seed])[0])
    }

    /// The list options and their numbers of values.
    pub fn axes(&self) -> [(&'static str, usize); 7] {
        [
            ("task", self.task.len()),
            ("p", self.p.len()),
            ("train-frac", self.train_frac.len()),
            ("width", self.width.len()),
            ("lr", self.lr.len().max(1)),
            ("wd", self.wd.len().max(1)),
            ("alpha", self.alpha.len()),
        ]
    }

    /// The number of runs of the grid over `seeds` (the product of the lists' lengths), `None` if it
    /// does not fit in a `u64`.
    pub fn grid_size(&self, seeds: &[u64]) -> Option<u64> {
        self.axes()
            .iter()
            .map(|&(_, n)| n as u64)
            .chain([seeds.len() as u64])
            .try_fold(1u64, |acc, n| acc.checked_mul(n))
    }
}
