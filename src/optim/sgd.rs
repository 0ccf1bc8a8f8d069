//! SGD with heavy-ball or Nesterov momentum and coupled L2 weight decay (the semantics of
//! `torch.optim.SGD` with `dampening = 0`):
//! $$\tilde G=G+\lambda W,\quad B\leftarrow\mu B+\tilde G,\quad
//! W\leftarrow W-\eta\\,\begin{cases}B&\text{heavy ball}\\\\ \tilde G+\mu B&\text{Nesterov}\end{cases}$$
//! with $B_0=0$. Without momentum and with $\lambda>0$ this is also decoupled decay,
//! $W\leftarrow(1-\eta\lambda)W-\eta G$.

use crate::real::Real;
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

/// SGD hyperparameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SgdConfig {
    /// Learning rate $\eta$.
    pub lr: f64,
    /// Momentum $\mu\in[0,1)$.
    pub momentum: f64,
    /// Nesterov momentum instead of heavy ball.
    pub nesterov: bool,
    /// L2 weight decay $\lambda\ge0$ (added to the gradient).
    pub weight_decay: f64,
}

/// The momentum buffer $B$ is the state.
pub use super::MomentumBuffer as State;

/// One SGD update of `w` with gradient `g`.
pub fn step<T: Real>(c: &SgdConfig, w: &mut DMatrix<T>, g: &DMatrix<T>, s: &mut State<T>) {
    let (lr, mu, wd) = (T::of(c.lr), T::of(c.momentum), T::of(c.weight_decay));
    for ((w, &g), b) in w
        .as_mut_slice()
        .iter_mut()
        .zip(g.as_slice())
        .zip(s.buffer.as_mut_slice())
    {
        let g = g + wd * *w;
        *b = mu * *b + g;
        let update = if c.nesterov { g + mu * *b } else { *b };
        *w -= lr * update;
    }
}
