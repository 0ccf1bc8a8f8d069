//! Logit margins: $\gamma_j=f_{y_j}(x_j)-\max_{c\ne y_j}f_c(x_j)$ for each example $j$, positive iff it is
//! classified correctly with a unique maximum. For a network that is positively homogeneous of degree
//! $d$ in its parameters ($d=2$ for the ReLU MLP, $3$ for the $z^2$ one, both with $\kappa$ fixed), the
//! *norm needed for margin 1* is $\\|\theta\\|/\gamma_{min}^{1/d}$: scaling $\theta$ by $s$ scales every margin by
//! $s^d$, so this ratio is scale-free.

use crate::model::{Batch, Model, Workspace};
use crate::real::Real;
use nalgebra::DMatrix;

/// The margin of every column of `logits` ($C\times n$) against its label.
pub fn margins<T: Real>(logits: &DMatrix<T>, labels: &[u32]) -> Vec<f64> {
    labels
        .iter()
        .enumerate()
        .map(|(j, &y)| {
            let column = logits.column(j);
            let y = y as usize;
            let rival = (0..column.len())
                .filter(|&c| c != y)
                .map(|c| column[c].to_f64())
                .fold(f64::NEG_INFINITY, f64::max);
            column[y].to_f64() - rival
        })
        .collect()
}

/// The margin of `model` on every example of `batch`.
pub fn model_margins<T: Real>(model: &Model<T>, batch: &Batch<T>) -> Vec<f64> {
    let mut ws = Workspace::default();
    model.forward(batch, &mut ws);
    margins(&ws.logits, &batch.labels)
}

/// The smallest margin of `model` on `batch`.
pub fn min_margin<T: Real>(model: &Model<T>, batch: &Batch<T>) -> f64 {
    model_margins(model, batch)
        .into_iter()
        .fold(f64::INFINITY, f64::min)
}

/// $\\|\theta\\|\_2/\gamma^{1/d}$ for a margin $\gamma$ of `model`; `None` unless $\gamma>0$.
fn norm_for<T: Real>(model: &Model<T>, gamma: f64, degree: u32) -> Option<f64> {
    (gamma > 0.0).then(|| model.params.norms().2 / gamma.powf(1.0 / degree as f64))
}

/// The norm needed for margin 1, $\\|\theta\\|\_2/\gamma_{min}^{1/d}$, of `model` on `batch` for homogeneity
/// degree `degree`; `None` unless every example has a positive margin.
pub fn norm_per_margin<T: Real>(model: &Model<T>, batch: &Batch<T>, degree: u32) -> Option<f64> {
    norm_for(model, min_margin(model, batch), degree)
}

/// The norm needed for a *mean* margin of 1, $\\|\theta\\|\_2/\bar\gamma^{1/d}$ with $\bar\gamma$ the mean margin of
/// `model` on `batch`: the typical logit gap per unit of norm (Varma et al.'s "larger logits with the same
/// parameter norm"), less sensitive than [`norm_per_margin`] to the single worst example; `None` unless
/// every example has a positive margin.
pub fn norm_per_mean_margin<T: Real>(
    model: &Model<T>,
    batch: &Batch<T>,
    degree: u32,
) -> Option<f64> {
    let gammas = model_margins(model, batch);
    if gammas.is_empty() || gammas.iter().any(|&g| g <= 0.0) {
        return None;
    }
    norm_for(
        model,
        gammas.iter().sum::<f64>() / gammas.len() as f64,
        degree,
    )
}
