//! What several theorem checks share: Gaussian random matrices, the canonical network on $a+b \bmod p$
//! at a chosen size and optimizer, and a full-batch f64 training loop that lets a check look at the
//! weights (and change them) between updates, which the trainer's [`Observer`](crate::train::Observer)
//! does not; and a least-squares slope for the scaling laws the checks fit.

use crate::config;
use crate::error::Result;
use crate::loss::LossStats;
use crate::model::{Batch, Model, Params, Workspace};
use crate::optim::{Optimizer, OptimizerConfig};
use crate::task::{Examples, Operation, Split, Task};
use crate::train::{forward_loss, TrainConfig};
use nalgebra::DMatrix;
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

/// The canonical run ([`config::canonical`]) on $a+b \bmod p$ with training fraction `frac`, `optimizer`
/// and `steps` updates, master seed `seed`.
pub fn canonical_add(
    p: u32,
    frac: f64,
    optimizer: OptimizerConfig,
    steps: u64,
    seed: u64,
) -> TrainConfig {
    let mut c = config::canonical(seed);
    c.task = Task::Modular {
        op: Operation::Add,
        p,
    };
    c.train_frac = frac;
    c.optimizer = optimizer;
    c.steps = steps;
    c
}

/// Full-batch training of `model` in f64 on `train` with `config`'s loss, optimizer and step count:
/// `after_update` sees the weights after every update, and `observe(step, model, training loss and
/// accuracy, training-loss gradient)` runs at step 0, every `every` steps and at the last step (the
/// gradient is that of the loss at these weights, weight decay not included: the one the next update uses).
pub fn train_full_batch_f64(
    config: &TrainConfig,
    train: &Examples,
    mut model: Model<f64>,
    every: u64,
    mut after_update: impl FnMut(&mut Params<f64>),
    mut observe: impl FnMut(u64, &Model<f64>, LossStats, &Params<f64>),
) -> Result<()> {
    config.validate()?;
    let batch = Batch::<f64>::new(train);
    let mut optimizer = Optimizer::new(config.optimizer, &model.params)?;
    let mut grads = model.params.zeros_like();
    let mut ws = Workspace::default();
    for step in 0..=config.steps {
        let stats = forward_loss(&model, &batch, &mut ws, config.loss, true);
        model.backward(&batch, &mut ws, &mut grads);
        if step % every == 0 || step == config.steps {
            observe(step, &model, stats, &grads);
        }
        if step == config.steps {
            break;
        }
        optimizer.step(&mut model.params, &grads);
        after_update(&mut model.params);
    }
    Ok(())
}

/// A `rows` × `cols` matrix of i.i.d. $\mathcal N(0,\text{scale}^2)$ entries, drawn in column-major order.
pub fn gaussian_matrix(rng: &mut impl Rng, rows: usize, cols: usize, scale: f64) -> DMatrix<f64> {
    DMatrix::from_fn(rows, cols, |_, _| {
        let z: f64 = StandardNormal.sample(rng);
        scale * z
    })
}

/// The least-squares slope of $y$ against $x$ through `points` $(x,y)$; `None` with fewer than two distinct $x$.
pub fn least_squares_slope(points: &[(f64, f64)]) -> Option<f64> {
    let n = points.len() as f64;
    let (mx, my) = (
        points.iter().map(|p| p.0).sum::<f64>() / n,
        points.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

/// The least-squares slope $b$ of $y$ against $x$ with its standard error
/// $\sqrt{\sum_i r_i^2/((n-2)\sum_i(x_i-ar x)^2)}$ ($r_i$ the residuals of the fitted line); `None` with fewer
/// than three points or two distinct $x$.
pub fn slope_with_standard_error(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    if points.len() < 3 {
        return None;
    }
    let b = least_squares_slope(points)?;
    let n = points.len() as f64;
    let (mx, my) = (
        points.iter().map(|p| p.0).sum::<f64>() / n,
        points.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let rss: f64 = points
        .iter()
        .map(|p| (p.1 - my - b * (p.0 - mx)).powi(2))
        .sum();
    Some((b, (rss / ((n - 2.0) * sxx)).sqrt()))
}

/// Which labels the training set carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Labels {
    /// $a+b \bmod p$.
    True,
    /// Uniformly random classes (seeded): nothing to generalize, only to memorize.
    Random,
}

/// `config`'s train/test split, with the training labels replaced by uniformly random classes (stream
/// `rng::indexed(seed, 1)`) when `labels` is [`Labels::Random`].
pub fn labelled_split(config: &TrainConfig, labels: Labels) -> Result<Split> {
    let mut split = config.task.split(config.train_frac, config.seed)?;
    if labels == Labels::Random {
        let classes = config.task.n_classes() as u32;
        let mut rng = crate::rng::indexed(config.seed, 1);
        split
            .train
            .labels
            .iter_mut()
            .for_each(|y| *y = rng.random_range(0..classes));
    }
    Ok(split)
}
