//! The explicit training loop.
//!
//! Step $s$ means "$s$ optimizer updates applied". At every step the loop (full batch) runs the forward
//! pass on the whole training set, which also gives the training accuracy of the current weights, so
//! $t_{mem}$ has single-step resolution; every `eval_every` steps (and at the last step) it also evaluates
//! the test set and records an [`EvalRecord`]. With mini-batches, $t_{mem}$ comes from the evaluations.
//!
//! * $t_{mem}$: first step with training accuracy $\ge$ [`THRESHOLD`] (99%).
//! * $t_{grok}$: first evaluated step with test accuracy $\ge 99\%$; $t_{grok,95}$ the same at 95%.
//!
//! Each evaluation ([`crate::evaluation`]) also records the weight norms and, on $\mathbb{Z}_p$ tasks, the
//! Fourier progress measures of $W_1$ and, for $+$ and $-$, the restricted and excluded loss.
//!
//! A NaN or infinite loss stops the run with [`crate::Error::NonFinite`] naming the step; every record passed to
//! the observer before that stays valid.

use crate::error::{ensure, Result};
use crate::evaluation::{finite, Evaluator};
use crate::loss::{self, LossKind, LossStats};
use crate::model::{Batch, Model, ModelConfig, Workspace};
use crate::optim::{Optimizer, OptimizerConfig};
use crate::real::Real;
use crate::rng::{self, Stream};
use crate::task::{Split, Task};
use rand::Rng as _;
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// Accuracy that defines $t_{mem}$ and $t_{grok}$.
pub const THRESHOLD: f64 = 0.99;
/// Accuracy that defines $t_{grok,95}$ (the Muon literature's variant).
pub const THRESHOLD_95: f64 = 0.95;

/// Scalar type used for training.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    /// `f32` (fast; the default for training).
    #[default]
    F32,
    /// `f64` (for theorem checks).
    F64,
}

impl std::fmt::Display for Precision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Precision::F32 => "f32",
            Precision::F64 => "f64",
        })
    }
}

/// Everything that defines a training run.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// The task.
    pub task: Task,
    /// Fraction $f\in(0,1)$ of all examples used for training.
    pub train_frac: f64,
    /// The network.
    pub model: ModelConfig,
    /// The loss.
    pub loss: LossKind,
    /// The optimizer.
    pub optimizer: OptimizerConfig,
    /// Mini-batch size (sampled with replacement each step); `None`, or a size of at least the training
    /// set, is full batch.
    pub batch_size: Option<usize>,
    /// Number of optimizer updates.
    pub steps: u64,
    /// Evaluate the test set every this many steps.
    pub eval_every: u64,
    /// Master seed: split, initialisation and batches come from its streams.
    pub seed: u64,
    /// Stop at the first evaluation with test accuracy $\ge 99\%$.
    pub stop_at_grok: bool,
    /// Scalar type.
    pub precision: Precision,
}

impl TrainConfig {
    /// Checks every field (the task, model and optimizer included).
    pub fn validate(&self) -> Result<()> {
        self.task.split_sizes(self.train_frac)?;
        self.model.validate()?;
        self.optimizer.validate()?;
        ensure(self.eval_every >= 1, || {
            "eval_every must be at least 1".into()
        })?;
        ensure(self.batch_size != Some(0), || {
            "batch size must be at least 1 (omit it for full batch)".into()
        })
    }
}

/// Metrics of the weights after `step` updates.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvalRecord {
    /// Updates applied.
    pub step: u64,
    /// Mean training loss.
    pub train_loss: f64,
    /// Training accuracy.
    pub train_acc: f64,
    /// Mean test loss.
    pub test_loss: f64,
    /// Test accuracy.
    pub test_acc: f64,
    /// $\|W_1\|_F$.
    pub w1_norm: f64,
    /// $\|W_2\|_F$.
    pub w2_norm: f64,
    /// $\|\theta\|_2=(\|W_1\|_F^2+\|W_2\|_F^2)^{1/2}$.
    pub weight_norm: f64,
    /// Median per-neuron Fourier concentration of $W_1$ ($\mathbb{Z}_p$ tasks; see
    /// [`measure::progress`](crate::measure::progress)).
    pub fourier_concentration: Option<f64>,
    /// Inverse participation ratio of the layer's Fourier spectrum ($\mathbb{Z}_p$ tasks).
    pub fourier_ipr: Option<f64>,
    /// Restricted loss over all frequencies ($+$ and $-$; see [`measure::ablation`](crate::measure::ablation)).
    pub restricted_loss: Option<f64>,
    /// Held-out restricted loss over all frequencies ($+$ and $-$).
    pub restricted_test_loss: Option<f64>,
    /// Excluded loss over all frequencies ($+$ and $-$).
    pub excluded_loss: Option<f64>,
}

/// What a run records.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// One record per evaluation, in step order.
    pub records: Vec<EvalRecord>,
    /// First step with training accuracy $\ge99\%$.
    pub t_mem: Option<u64>,
    /// First evaluated step with test accuracy $\ge99\%$.
    pub t_grok: Option<u64>,
    /// First evaluated step with test accuracy $\ge95\%$.
    pub t_grok95: Option<u64>,
    /// Updates applied.
    pub steps_run: u64,
    /// Median wall time of one update (forward, loss, backward, optimizer), in milliseconds; `None`
    /// when no update was made.
    pub ms_per_step: Option<f64>,
    /// On $\mathbb{Z}_p$ tasks, the layer spectrum $S_k$, $k=0..=\lfloor p/2\rfloor$, of $W_1$ at each
    /// evaluation ([`layer_spectrum`](crate::measure::progress::EmbeddingSpectrum::layer_spectrum)), as
    /// `(step, S)`.
    pub embedding_spectra: Vec<(u64, Vec<f64>)>,
}

impl History {
    /// The last record, if any.
    pub fn last(&self) -> Option<&EvalRecord> {
        self.records.last()
    }
}

/// Receives the run's progress; both methods may stop the run by returning an error.
pub trait Observer {
    /// Called after every evaluation.
    fn on_eval(&mut self, _record: &EvalRecord) -> Result<()> {
        Ok(())
    }
    /// Called after every update with the number of updates applied.
    fn on_step(&mut self, _step: u64) {}
}

/// An observer that ignores everything.
pub struct Silent;
impl Observer for Silent {}

/// A finished run: its history and final network.
#[derive(Clone, Debug)]
pub struct Trained<T: Real> {
    /// The metrics.
    pub history: History,
    /// The weights after the last update.
    pub model: Model<T>,
    /// Training and test set sizes.
    pub sizes: (usize, usize),
}

/// Trains a network from `config` (initialisation from the config's seed).
pub fn train<T: Real>(config: &TrainConfig, observer: &mut dyn Observer) -> Result<Trained<T>> {
    config.validate()?;
    let model = Model::init(&config.task, config.model, config.seed)?;
    train_from(config, model, observer)
}

/// Trains `model` (already initialised, e.g. by [`Model::from_params`] for the shapes of the config's
/// task; its configuration must be the config's) on the config's task and split.
pub fn train_from<T: Real>(
    config: &TrainConfig,
    mut model: Model<T>,
    observer: &mut dyn Observer,
) -> Result<Trained<T>> {
    config.validate()?;
    ensure(model.config == config.model, || {
        format!(
            "the model's configuration {:?} differs from the run's {:?}",
            model.config, config.model
        )
    })?;
    let split: Split = config.task.split(config.train_frac, config.seed)?;
    let train_batch = Batch::<T>::new(&split.train);
    let n_train = split.train.len();
    let full_batch = config.batch_size.is_none_or(|b| b >= n_train);
    let mut optimizer = Optimizer::new(config.optimizer, &model.params)?;
    let mut grads = model.params.zeros_like();
    let mut ws = Workspace::default();
    let mut evaluator = Evaluator::new(config, &split);
    let mut batch_rng = rng::child(config.seed, Stream::Batches);
    let mut history = History::default();
    let mut step_ms = Vec::with_capacity(config.steps as usize);

    for step in 0..=config.steps {
        let last = step == config.steps;
        let started = Instant::now();
        let mut full_stats = None;
        if full_batch {
            let stats = forward_loss(&model, &train_batch, &mut ws, config.loss, true);
            finite(stats.loss, step, "training loss")?;
            if history.t_mem.is_none() && stats.accuracy >= THRESHOLD {
                history.t_mem = Some(step);
            }
            full_stats = Some(stats);
        }
        let forward_time = started.elapsed();

        if step % config.eval_every == 0 || last {
            let train = full_stats.map(|s| (s, &ws.logits));
            let (record, spectrum) = evaluator.evaluate(step, &model, train)?;
            if let Some(s) = spectrum {
                history.embedding_spectra.push((step, s.layer_spectrum()));
            }
            update_times(&mut history, &record);
            history.records.push(record);
            observer.on_eval(&record)?;
        }
        if last || (config.stop_at_grok && history.t_grok.is_some()) {
            break;
        }

        let started = Instant::now();
        if !full_batch {
            let size = config.batch_size.unwrap_or(n_train);
            let idx: Vec<usize> = (0..size)
                .map(|_| batch_rng.random_range(0..n_train))
                .collect();
            let batch = Batch::<T>::new(&split.train.select(&idx));
            let stats = forward_loss(&model, &batch, &mut ws, config.loss, true);
            finite(stats.loss, step, "mini-batch loss")?;
            model.backward(&batch, &mut ws, &mut grads);
        } else {
            model.backward(&train_batch, &mut ws, &mut grads);
        }
        optimizer.step(&mut model.params, &grads);
        step_ms.push((forward_time + started.elapsed()).as_secs_f64() * 1e3);
        history.steps_run = step + 1;
        observer.on_step(step + 1);
    }
    history.ms_per_step = median(&mut step_ms);
    Ok(Trained {
        history,
        model,
        sizes: (n_train, split.test.len()),
    })
}

/// Forward pass and loss on `batch`; the loss gradient is left in `ws.dlogits` when `with_grad`.
pub fn forward_loss<T: Real>(
    model: &Model<T>,
    batch: &Batch<T>,
    ws: &mut Workspace<T>,
    kind: LossKind,
    with_grad: bool,
) -> LossStats {
    model.forward(batch, ws);
    let grad = if with_grad {
        Some(&mut ws.dlogits)
    } else {
        None
    };
    loss::evaluate(kind, &ws.logits, &batch.labels, grad)
}

fn update_times(h: &mut History, r: &EvalRecord) {
    let first = |t: &mut Option<u64>, reached: bool| {
        if t.is_none() && reached {
            *t = Some(r.step);
        }
    };
    first(&mut h.t_mem, r.train_acc >= THRESHOLD);
    first(&mut h.t_grok, r.test_acc >= THRESHOLD);
    first(&mut h.t_grok95, r.test_acc >= THRESHOLD_95);
}

/// Median of `xs` (`None` for an empty slice); sorts `xs`.
pub fn median(xs: &mut [f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    Some(if n % 2 == 1 {
        xs[n / 2]
    } else {
        0.5 * (xs[n / 2 - 1] + xs[n / 2])
    })
}
