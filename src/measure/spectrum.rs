//! Spectra and norms of weight matrices: singular values, the operator norm, the distance to the scaled
//! Stiefel manifold $\\{rQ: r\ge0, Q^\top Q=I\\}$ (on the short side) with its penalty, and the singular values of
//! both layers and of their gradients along a training run.
//!
//! Distance: for $W$ with singular values $\sigma_1..\sigma_k$ ($k=\min(m,n)$),
//! $\min_{r\ge0,\\,Q}\\|W-rQ\\|\_F^2=\sum\sigma_i^2-(\sum\sigma_i)^2/k$, attained at $Q=\mathrm{polar}(W)$,
//! $r=\sum\sigma_i/k$; [`stiefel_distance`] reports it relative to $\\|W\\|\_F$.

use crate::error::{ensure, Error, Result};
use crate::evaluation::Measures;
use crate::measure::progress::singular_direction_concentrations;
use crate::optim::muon::polar_factor;
use crate::task::{Labels, Task};
use crate::train::{self, first_at, Probe, TrainConfig, Watch, THRESHOLD};
use nalgebra::DMatrix;

/// Largest singular value.
pub fn op_norm(w: &DMatrix<f64>) -> f64 {
    w.clone().svd(false, false).singular_values.max()
}

/// The singular values of `w`, descending.
pub fn singular_values(w: &DMatrix<f64>) -> Vec<f64> {
    let mut s = w
        .clone()
        .svd(false, false)
        .singular_values
        .as_slice()
        .to_vec();
    s.sort_by(|a, b| b.total_cmp(a));
    s
}

/// $\min_{r,Q}\\|W-rQ\\|\_F/\\|W\\|\_F=\sqrt{1-(\sum\sigma_i)^2/(k\sum\sigma_i^2)}$ (0 for the zero matrix).
pub fn stiefel_distance(w: &DMatrix<f64>) -> f64 {
    let s = w.clone().svd(false, false).singular_values;
    let (sum, sq) = (s.sum(), s.norm_squared());
    if sq == 0.0 {
        return 0.0;
    }
    (1.0 - sum * sum / (s.len() as f64 * sq)).max(0.0).sqrt()
}

/// The nearest scaled Stiefel point $r\\,Q$, $Q=\mathrm{polar}(W)$, with $r=\sum\sigma_i/k=\operatorname{tr}(Q^\top W)/k$
/// (as $Q^\top W=V\Sigma V^\top$ on full-rank $W$); $Q$ by [`polar_factor`], which iterates near the manifold
/// and takes the SVD elsewhere.
pub fn nearest_scaled_stiefel(w: &DMatrix<f64>) -> DMatrix<f64> {
    let q = polar_factor(w);
    let k = w.nrows().min(w.ncols());
    let r = if k == 0 { 0.0 } else { q.dot(w) / k as f64 };
    q * r
}

/// $\bar r(W)=\frac1k\sum_i\sigma_i$, the scale of the nearest scaled Stiefel point.
pub fn mean_singular_value(w: &DMatrix<f64>) -> f64 {
    let s = w.clone().svd(false, false).singular_values;
    s.sum() / s.len() as f64
}

/// The Stiefel penalty $P(W)=\tfrac12\min_{r,Q}\\|W-rQ\\|\_F^2=\tfrac12\bigl(\sum\sigma_i^2-(\sum\sigma_i)^2/k\bigr)$.
pub fn stiefel_penalty(w: &DMatrix<f64>) -> f64 {
    let s = w.clone().svd(false, false).singular_values;
    0.5 * (s.norm_squared() - s.sum().powi(2) / s.len() as f64)
}

/// $\nabla P(W)=W-\bar r(W)\\,\mathrm{polar}(W)$ (where $W$ has full rank $k$: the gradient of the nuclear
/// norm $\sum\sigma_i$ is then $\mathrm{polar}(W)$).
pub fn stiefel_penalty_gradient(w: &DMatrix<f64>) -> DMatrix<f64> {
    w - nearest_scaled_stiefel(w)
}

/// Singular values (descending), operator and Frobenius norms of both layers after `step` updates, with
/// the training accuracy.
#[derive(Clone, Debug, PartialEq)]
pub struct NormPoint {
    /// Updates applied.
    pub step: u64,
    /// The singular values of $W_1$ and of $W_2$, descending.
    pub singular: [Vec<f64>; 2],
    /// The singular values of the training-loss gradients $\nabla_{W_1}L$ and $\nabla_{W_2}L$ at these
    /// weights (full batch, weight decay not included), descending.
    pub grad_singular: [Vec<f64>; 2],
    /// The Fourier concentration of the leading [`FOURIER_DIRECTIONS`] input-side singular directions of
    /// $\nabla_{W_1}L$, in singular-value order ([`singular_direction_concentrations`]); empty unless the
    /// task is on $\mathbb{Z}\_p$.
    pub grad_fourier: Vec<f64>,
    /// $\\|W_1\\|\_{op}$, $\\|W_2\\|\_{op}$ (the largest singular values).
    pub op: [f64; 2],
    /// $\\|W_1\\|\_F$, $\\|W_2\\|\_F$.
    pub fro: [f64; 2],
    /// Training accuracy.
    pub train_acc: f64,
}

/// How many leading singular directions of the $W_1$ gradient [`norm_trajectory`] Fourier-analyses.
pub const FOURIER_DIRECTIONS: usize = 16;

/// Trains `config` in f64 (full batch, its true labels) and records [`NormPoint`]s at its evaluation steps
/// (step 0, every `eval_every` steps, the last step; exact SVDs).
pub fn norm_trajectory(config: &TrainConfig) -> Result<Vec<NormPoint>> {
    ensure(config.batch_size.is_none(), || {
        "the norm trajectory trains full batch; drop the batch size".into()
    })?;
    let modulus = match config.task {
        Task::Modular { p, .. } => Some(p as usize),
        _ => None,
    };
    let mut out = Vec::new();
    let mut watch = Watch::with_gradient(|probe: &Probe<'_, f64>| {
        let [w1, w2] = probe.model.params.matrices();
        let [g1, g2] = probe
            .gradient
            .ok_or_else(|| Error::InvalidConfig("a full-batch probe carries the gradient".into()))?
            .matrices();
        let singular = [singular_values(w1), singular_values(w2)];
        out.push(NormPoint {
            step: probe.step,
            op: [singular[0][0], singular[1][0]],
            grad_singular: [singular_values(g1), singular_values(g2)],
            grad_fourier: modulus.map_or_else(Vec::new, |p| {
                singular_direction_concentrations(g1, p, FOURIER_DIRECTIONS)
            }),
            singular,
            fro: [w1.norm(), w2.norm()],
            train_acc: probe.train.accuracy,
        });
        Ok(())
    });
    train::train_with(config, Labels::True, Measures::Training, &mut watch)?;
    Ok(out)
}

/// First recorded step of a trajectory with training accuracy at least 99% ([`first_at`]).
pub fn recorded_t_mem(points: &[NormPoint]) -> Option<u64> {
    first_at(points.iter().map(|p| (p.step, p.train_acc)), THRESHOLD)
}
