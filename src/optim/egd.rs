//! Egalitarian gradient descent (A. Saheb Pasand and E. Dohmatob, "Egalitarian gradient descent: a simple
//! approach to accelerated grokking", ICLR 2026). With the L2-decayed gradient $\tilde G=G+\lambda W$ of a
//! weight $W$,
//! $$W\leftarrow W-\eta\\,(\tilde G\tilde G^\top)^{-1/2}\tilde G=W-\eta\\,\mathrm{polar}(\tilde G)$$
//! on the matrices it whitens: every singular direction of the update moves at the same speed (all its
//! singular values are 1), the singular vectors are the gradient's. The other matrices take the plain
//! gradient step $W\leftarrow W-\eta\tilde G$. No momentum, no state.
//!
//! Which matrices: the authors' modular-arithmetic and parity code whitens the first layer only (the
//! embedding of the one-hot input, this crate's $W_1$) and leaves the readout on gradient descent:
//! [`EgdLayers::Embedding`]. [`EgdLayers::Both`] whitens $W_2$ too: exact-polar Muon without momentum,
//! without Muon's shape factor and with coupled instead of decoupled decay.
//!
//! $(\tilde G\tilde G^\top)^{-1/2}$ is the Moore–Penrose inverse square root, as the paper defines it for a
//! rank-deficient gradient: [`muon::exact_polar`] keeps the singular directions above its round-off
//! threshold and drops the others. (The authors' code instead clamps each singular value at $10^{-6}$, which
//! would amplify a direction at round-off level by up to $10^6$ relative to the rest.)

use super::muon;
use crate::real::Real;
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Which weight matrices egalitarian gradient descent whitens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EgdLayers {
    /// $W_1$ only (the embedding), as in the authors' code; $W_2$ takes gradient descent.
    Embedding,
    /// $W_1$ and $W_2$.
    Both,
}

impl EgdLayers {
    /// Whether the matrix at `index` (0: $W_1$, 1: $W_2$) is whitened.
    pub fn whitens(self, index: usize) -> bool {
        match self {
            EgdLayers::Embedding => index == 0,
            EgdLayers::Both => true,
        }
    }
}

impl FromStr for EgdLayers {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "embedding" => Ok(EgdLayers::Embedding),
            "both" => Ok(EgdLayers::Both),
            _ => Err(format!(
                "unknown --egd-layers {s:?}; expected embedding or both"
            )),
        }
    }
}

/// Egalitarian gradient descent hyperparameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EgdConfig {
    /// Learning rate $\eta$.
    pub lr: f64,
    /// L2 weight decay $\lambda\ge0$ (added to the gradient before whitening).
    pub weight_decay: f64,
    /// The matrices whitened.
    pub layers: EgdLayers,
}

/// One update of `w` with gradient `g`: whitened if `whiten`, else plain gradient descent.
pub fn step<T: Real>(c: &EgdConfig, w: &mut DMatrix<T>, g: &DMatrix<T>, whiten: bool) {
    let (lr, wd) = (T::of(c.lr), T::of(c.weight_decay));
    let decayed = g.zip_map(w, |g, w| g + wd * w);
    let direction = if whiten {
        muon::exact_polar(&decayed)
    } else {
        decayed
    };
    w.zip_apply(&direction, |w, d| *w -= lr * d);
}
