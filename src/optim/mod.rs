//! Optimizers as pure per-matrix `step` functions with their state in structs.
//!
//! | optimizer | update of a weight matrix $W$ with gradient $G$ (step $t=1,2,\dots$) | weight decay |
//! |---|---|---|
//! | [`sgd`] | $B\leftarrow\mu B+(G+\lambda W)$, $W\leftarrow W-\eta B$ (Nesterov: $W\leftarrow W-\eta(G+\lambda W+\mu B)$) | coupled L2, as `torch.optim.SGD` |
//! | [`adamw`] | $W\leftarrow(1-\eta\lambda)W$; Adam moments with bias correction | decoupled, as `torch.optim.AdamW` |
//! | [`muon`] | $B\leftarrow\mu B+G$, $O=\mathrm{NS}\_5\bigl(U/\Vert U\Vert \_F\bigr)$ or $\mathrm{polar}(U)$, $W\leftarrow(1-\eta\lambda)W-\eta\sqrt{\max(1,m/n)}\\,O$ | decoupled |
//! | [`egd`] | $W\leftarrow W-\eta\\,\mathrm{polar}(G+\lambda W)$ on $W_1$ (or both), $W\leftarrow W-\eta(G+\lambda W)$ on the rest | coupled L2 |
//!
//! **Which parameter gets what.** The network has two parameters, both 2-D: the first-layer
//! (embedding) matrix $W_1$ and the readout $W_2$. Every optimizer, Muon included, is applied to both
//! with the same hyperparameters (egalitarian gradient descent whitens $W_1$ only unless told otherwise,
//! as its authors do), as in the PyTorch baseline (`torch_mlp.py`), so that comparisons
//! between optimizers change one thing only. (Muon practice often keeps embeddings on AdamW; here the
//! embedding is a genuine $N\times2p$ linear map of one-hot inputs, so orthogonalising it is well defined.)

pub mod adamw;
pub mod egd;
pub mod muon;
pub mod orthograd;
pub mod sgd;

use crate::error::{ensure, Result};
use crate::model::Params;
use crate::real::Real;
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

pub use adamw::AdamWConfig;
pub use egd::{EgdConfig, EgdLayers};
pub use muon::{MuonConfig, Orthogonalizer};
pub use sgd::SgdConfig;

/// The optimizer and its hyperparameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "snake_case")]
pub enum OptimizerConfig {
    /// Stochastic gradient descent with momentum and L2 weight decay.
    Sgd(SgdConfig),
    /// Adam with decoupled weight decay.
    #[serde(rename = "adamw")]
    AdamW(AdamWConfig),
    /// Momentum orthogonalised by Newton–Schulz or an exact polar factor.
    Muon(MuonConfig),
    /// Egalitarian gradient descent: the polar factor of the L2-decayed gradient.
    Egd(EgdConfig),
}

impl OptimizerConfig {
    /// Learning rate $\eta$.
    pub fn lr(&self) -> f64 {
        match self {
            OptimizerConfig::Sgd(c) => c.lr,
            OptimizerConfig::AdamW(c) => c.lr,
            OptimizerConfig::Muon(c) => c.lr,
            OptimizerConfig::Egd(c) => c.lr,
        }
    }

    /// Weight decay $\lambda$.
    pub fn weight_decay(&self) -> f64 {
        match self {
            OptimizerConfig::Sgd(c) => c.weight_decay,
            OptimizerConfig::AdamW(c) => c.weight_decay,
            OptimizerConfig::Muon(c) => c.weight_decay,
            OptimizerConfig::Egd(c) => c.weight_decay,
        }
    }

    /// Checks every hyperparameter against its domain.
    pub fn validate(&self) -> Result<()> {
        let (lr, wd) = (self.lr(), self.weight_decay());
        ensure(lr.is_finite() && lr > 0.0, || {
            format!("learning rate must be finite and > 0, got {lr}")
        })?;
        ensure(wd.is_finite() && wd >= 0.0, || {
            format!("weight decay must be finite and ≥ 0, got {wd}")
        })?;
        let unit = |name: &str, x: f64| {
            ensure((0.0..1.0).contains(&x), || {
                format!("{name} must lie in [0, 1), got {x}")
            })
        };
        match self {
            OptimizerConfig::Sgd(c) => unit("momentum", c.momentum),
            OptimizerConfig::AdamW(c) => {
                unit("beta1", c.beta1)?;
                unit("beta2", c.beta2)?;
                ensure(c.eps.is_finite() && c.eps > 0.0, || {
                    format!("eps must be finite and > 0, got {}", c.eps)
                })
            }
            OptimizerConfig::Muon(c) => {
                unit("momentum", c.momentum)?;
                ensure((1..=muon::MAX_NS_STEPS).contains(&c.ns_steps), || {
                    format!(
                        "Newton–Schulz needs 1 to {} iterations, got {}",
                        muon::MAX_NS_STEPS,
                        c.ns_steps
                    )
                })
            }
            OptimizerConfig::Egd(_) => Ok(()),
        }
    }
}

/// The state of SGD and Muon for one weight matrix: the momentum buffer $B$.
#[derive(Clone, Debug)]
pub struct MomentumBuffer<T: Real> {
    /// $B$, same shape as the weight.
    pub buffer: DMatrix<T>,
}

impl<T: Real> MomentumBuffer<T> {
    /// $B_0=0$ shaped like `w`.
    pub fn new(w: &DMatrix<T>) -> Self {
        MomentumBuffer {
            buffer: DMatrix::zeros(w.nrows(), w.ncols()),
        }
    }
}

/// Per-matrix optimizer state.
#[derive(Clone, Debug)]
enum State<T: Real> {
    Sgd(MomentumBuffer<T>),
    AdamW(adamw::State<T>),
    Muon(MomentumBuffer<T>),
    /// Egalitarian gradient descent keeps no state.
    Egd,
}

/// An optimizer bound to the two weight matrices of a network.
#[derive(Clone, Debug)]
pub struct Optimizer<T: Real> {
    config: OptimizerConfig,
    states: [State<T>; 2],
}

impl<T: Real> Optimizer<T> {
    /// Fresh state (zero moments, step count 0) for `params`.
    pub fn new(config: OptimizerConfig, params: &Params<T>) -> Result<Self> {
        config.validate()?;
        let state = |w: &DMatrix<T>| match config {
            OptimizerConfig::Sgd(_) => State::Sgd(MomentumBuffer::new(w)),
            OptimizerConfig::AdamW(_) => State::AdamW(adamw::State::new(w)),
            OptimizerConfig::Muon(_) => State::Muon(MomentumBuffer::new(w)),
            OptimizerConfig::Egd(_) => State::Egd,
        };
        Ok(Optimizer {
            config,
            states: [state(&params.w1), state(&params.w2)],
        })
    }

    /// The configuration.
    pub fn config(&self) -> &OptimizerConfig {
        &self.config
    }

    /// The state as named matrices — `w1.m`, `w1.v`, `w2.m`, `w2.v` for AdamW, `w1.momentum`,
    /// `w2.momentum` for SGD and Muon, none for egalitarian gradient descent — and the step count $t$ (AdamW's bias correction; 0 for the
    /// others, which keep none): what a checkpoint stores.
    pub fn state_matrices(&self) -> (Vec<(String, &DMatrix<T>)>, u64) {
        let mut matrices = Vec::new();
        let mut count = 0;
        for (layer, state) in ["w1", "w2"].into_iter().zip(&self.states) {
            match state {
                State::AdamW(s) => {
                    matrices.push((format!("{layer}.m"), &s.m));
                    matrices.push((format!("{layer}.v"), &s.v));
                    count = s.t;
                }
                State::Sgd(s) | State::Muon(s) => {
                    matrices.push((format!("{layer}.momentum"), &s.buffer))
                }
                State::Egd => {}
            }
        }
        (matrices, count)
    }

    /// The optimizer of `config` for `params` with the state of [`state_matrices`](Self::state_matrices):
    /// `matrix(name)` gives each named matrix (checked against the weight's shape), `count` the step
    /// count.
    pub fn restore(
        config: OptimizerConfig,
        params: &Params<T>,
        count: u64,
        mut matrix: impl FnMut(&str) -> Result<DMatrix<T>>,
    ) -> Result<Self> {
        let mut fresh = Self::new(config, params)?;
        for ((layer, state), w) in ["w1", "w2"]
            .into_iter()
            .zip(&mut fresh.states)
            .zip(params.matrices())
        {
            let mut take = |name: &str| -> Result<DMatrix<T>> {
                let name = format!("{layer}.{name}");
                let m = matrix(&name)?;
                ensure(m.shape() == w.shape(), || {
                    format!(
                        "optimizer state {name} is {:?}, its weight {:?}",
                        m.shape(),
                        w.shape()
                    )
                })?;
                Ok(m)
            };
            match state {
                State::AdamW(s) => {
                    (s.m, s.v, s.t) = (take("m")?, take("v")?, count);
                }
                State::Sgd(s) | State::Muon(s) => s.buffer = take("momentum")?,
                State::Egd => {}
            }
        }
        Ok(fresh)
    }

    /// Applies one update to both matrices.
    pub fn step(&mut self, params: &mut Params<T>, grads: &Params<T>) {
        for (index, ((w, g), state)) in params
            .matrices_mut()
            .into_iter()
            .zip(grads.matrices())
            .zip(&mut self.states)
            .enumerate()
        {
            match (&self.config, state) {
                (OptimizerConfig::Sgd(c), State::Sgd(s)) => sgd::step(c, w, g, s),
                (OptimizerConfig::AdamW(c), State::AdamW(s)) => adamw::step(c, w, g, s),
                (OptimizerConfig::Muon(c), State::Muon(s)) => muon::step(c, w, g, s),
                (OptimizerConfig::Egd(c), State::Egd) => {
                    egd::step(c, w, g, c.layers.whitens(index))
                }
                _ => unreachable!("state built from the same configuration"),
            }
        }
    }
}
