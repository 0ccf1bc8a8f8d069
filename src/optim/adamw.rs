//! AdamW (Loshchilov & Hutter, "Decoupled weight decay regularization", 2019), as `torch.optim.AdamW`:
//! at step $t$,
//! $$W\leftarrow(1-\eta\lambda)W,\quad M\leftarrow\beta_1M+(1-\beta_1)G,\quad V\leftarrow\beta_2V+(1-\beta_2)G^{\odot2},$$
//! $$W\leftarrow W-\eta\\,\frac{M/(1-\beta_1^t)}{\sqrt{V/(1-\beta_2^t)}+\epsilon}$$
//! (element-wise), with $M_0=V_0=0$.

use crate::real::Real;
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

/// AdamW hyperparameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdamWConfig {
    /// Learning rate $\eta$.
    pub lr: f64,
    /// First-moment decay $\beta_1$.
    pub beta1: f64,
    /// Second-moment decay $\beta_2$.
    pub beta2: f64,
    /// $\epsilon$ added to $\sqrt{\hat V}$.
    pub eps: f64,
    /// Decoupled weight decay $\lambda$.
    pub weight_decay: f64,
}

/// Moments $M,V$ and the step count $t$.
#[derive(Clone, Debug)]
pub struct State<T: Real> {
    /// First moment $M$.
    pub m: DMatrix<T>,
    /// Second moment $V$.
    pub v: DMatrix<T>,
    /// Number of updates applied.
    pub t: u64,
}

impl<T: Real> State<T> {
    /// $M_0=V_0=0$, $t=0$, shaped like `w`.
    pub fn new(w: &DMatrix<T>) -> Self {
        let z = DMatrix::zeros(w.nrows(), w.ncols());
        State {
            m: z.clone(),
            v: z,
            t: 0,
        }
    }
}

/// One AdamW update of `w` with gradient `g`.
pub fn step<T: Real>(c: &AdamWConfig, w: &mut DMatrix<T>, g: &DMatrix<T>, s: &mut State<T>) {
    s.t += 1;
    let t = s.t as i32;
    let bias1 = 1.0 - c.beta1.powi(t);
    let bias2_sqrt = (1.0 - c.beta2.powi(t)).sqrt();
    let decay = T::of(1.0 - c.lr * c.weight_decay);
    let (b1, b2) = (T::of(c.beta1), T::of(c.beta2));
    let (one_b1, one_b2) = (T::of(1.0 - c.beta1), T::of(1.0 - c.beta2));
    let step_size = T::of(c.lr / bias1);
    let inv_bias2_sqrt = T::of(1.0 / bias2_sqrt);
    let eps = T::of(c.eps);
    let (m, v) = (s.m.as_mut_slice(), s.v.as_mut_slice());
    for (((w, &g), m), v) in w.as_mut_slice().iter_mut().zip(g.as_slice()).zip(m).zip(v) {
        *w *= decay;
        *m = b1 * *m + one_b1 * g;
        *v = b2 * *v + one_b2 * g * g;
        *w -= step_size * *m / (v.sqrt() * inv_bias2_sqrt + eps);
    }
}
