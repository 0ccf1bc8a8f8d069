//! What several theorem checks share: Gaussian random matrices, the canonical network on $a+b \bmod p$
//! at a chosen size and optimizer, and a full-batch f64 training loop that lets a check look at the
//! weights (and change them) between updates, which the trainer's [`Observer`](crate::train::Observer)
//! does not.

use crate::config;
use crate::error::Result;
use crate::loss::LossStats;
use crate::model::{Batch, Model, Params, Workspace};
use crate::optim::{Optimizer, OptimizerConfig};
use crate::task::{Examples, Operation, Task};
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
/// accuracy)` runs at step 0, every `every` steps and at the last step.
pub fn train_full_batch_f64(
    config: &TrainConfig,
    train: &Examples,
    mut model: Model<f64>,
    every: u64,
    mut after_update: impl FnMut(&mut Params<f64>),
    mut observe: impl FnMut(u64, &Model<f64>, LossStats),
) -> Result<()> {
    config.validate()?;
    let batch = Batch::<f64>::new(train);
    let mut optimizer = Optimizer::new(config.optimizer, &model.params)?;
    let mut grads = model.params.zeros_like();
    let mut ws = Workspace::default();
    for step in 0..=config.steps {
        let stats = forward_loss(&model, &batch, &mut ws, config.loss, true);
        if step % every == 0 || step == config.steps {
            observe(step, &model, stats);
        }
        if step == config.steps {
            break;
        }
        model.backward(&batch, &mut ws, &mut grads);
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
