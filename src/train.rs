//! The one training loop, for every run of the crate: the CLI's and the claims'.
//!
//! Step $s$ means "$s$ optimizer updates applied". At every step the loop (full batch) runs the forward
//! pass on the whole training set, which also gives the training accuracy of the current weights, so
//! $t_{mem}$ has single-step resolution; at step 0, every `eval_every` steps and at the last step it
//! evaluates ([`crate::evaluation`], as much as the run's [`Measures`] ask; the Fourier measures only every
//! [`fourier_every`](TrainConfig::fourier_every) steps where set) and shows the weights to the
//! [`Observer`]. With mini-batches, $t_{mem}$ comes from the evaluations.
//!
//! * $t_{mem}$: first step with training accuracy $\ge$ [`THRESHOLD`] (99%).
//! * $t_{grok}$: first evaluated step with test accuracy $\ge 99\\%$; $t_{grok,95}$ the same at 95%.
//!   Both are [`first_at`], the one rule for "the first step at a level".
//!
//! One step, in order: forward pass and loss; at an evaluation step the evaluation and
//! [`Observer::observe`] (with the gradient of the training loss at these weights when the observer
//! [asks for it](Observer::wants_gradient)); the gradient (full or mini-batch);
//! [`Observer::transform_gradient`] (gradient filters); ⊥Grad where configured; the optimizer's update;
//! [`Observer::constrain`] (projections, retractions, norm caps; also applied to the initial weights).
//! An observer may stop the run early by returning [`ControlFlow::Break`]; the configuration may stop it at
//! $t_{grok}$ ([`stop_at_grok`](TrainConfig::stop_at_grok)) or at the first evaluation at or after $c\\,t_{grok}$
//! ([`stop_after_grok`](TrainConfig::stop_after_grok)).
//!
//! **Checkpoints.** Before the forward pass of a step the observer may ask for the run's whole state
//! ([`Observer::checkpoint_due`], [`Observer::checkpoint`]): a [`RunState`] holds the weights, the
//! optimizer's moments and step count, the position of the mini-batch stream and the evaluations so
//! far, and [`resume`] continues from it with the bits of the uninterrupted run (the loop's other
//! buffers are scratch, overwritten at every step). An observer's own state (say a gradient filter's
//! running average) is not in it: such an observer saves and restores its state itself.
//!
//! A NaN or infinite loss stops the run with [`crate::Error::NonFinite`] naming the step; every probe
//! passed to the observer before that stays valid.

use crate::error::{ensure, Result};
use crate::evaluation::{finite, EvalRecord, Evaluator, Measures};
use crate::loss::{LossKind, LossStats};
use crate::model::{forward_loss, Batch, Model, ModelConfig, Params, Workspace};
use crate::optim::{orthograd, Optimizer, OptimizerConfig};
use crate::real::Real;
use crate::rng::{self, Stream};
use crate::stats::median;
use crate::task::{Labels, Split, Task};
use rand::Rng as _;
use serde::{Deserialize, Serialize};
use std::ops::ControlFlow;
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
    /// Stop at the first evaluation with test accuracy $\ge 99\\%$.
    pub stop_at_grok: bool,
    /// Stop at the first evaluation at or after step $c\\,t_{grok}$ for this $c>1$: the run goes on past
    /// $t_{grok}$ long enough to show the cleanup, then ends (`None`: it does not; give this or
    /// `stop_at_grok`, not both).
    #[serde(default)]
    pub stop_after_grok: Option<f64>,
    /// Evaluations measure the Fourier progress measures and the restricted and excluded losses
    /// ([`Measures::Full`]) only at the steps that are multiples of this (itself a multiple of `eval_every`),
    /// at the last step and where `stop_after_grok` ends the run; the others record losses, accuracies and
    /// norms only (empty cells in `metrics.csv`). `None`: at every evaluation.
    #[serde(default)]
    pub fourier_every: Option<u64>,
    /// ⊥Grad: remove from each matrix's loss gradient its component along the matrix before the optimizer's
    /// step ([`crate::optim::orthograd`]), after the observer's [`transform_gradient`](Observer::transform_gradient).
    #[serde(default)]
    pub perpendicular_gradient: bool,
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
        })?;
        if let Some(c) = self.stop_after_grok {
            ensure(c.is_finite() && c > 1.0, || {
                format!(
                    "stop_after_grok must be a finite factor above 1 (1 is stop_at_grok), got {c}"
                )
            })?;
            ensure(!self.stop_at_grok, || {
                "stop_at_grok and stop_after_grok both say when to stop: give one".into()
            })?;
        }
        if let Some(k) = self.fourier_every {
            ensure(k >= 1 && k % self.eval_every == 0, || {
                format!(
                    "fourier_every must be a positive multiple of eval_every ({}), got {k}",
                    self.eval_every
                )
            })?;
        }
        Ok(())
    }

    /// Whether the run ends at the evaluation of `step`, given the evaluations before it
    /// ([`stop_after_grok`](Self::stop_after_grok)); known before that evaluation.
    fn ends_after_grok(&self, history: &History, step: u64) -> bool {
        match (self.stop_after_grok, history.t_grok) {
            (Some(c), Some(t)) => step as f64 >= c * t as f64,
            _ => false,
        }
    }

    /// An error, with the memory it would need, if the run would not fit in the machine's available
    /// memory ([`crate::memory`]); checked before anything is allocated.
    pub fn ensure_fits_memory(&self) -> Result<()> {
        crate::memory::ensure_fits(crate::memory::Sizes {
            scalar: match self.precision {
                Precision::F32 => 4,
                Precision::F64 => 8,
            },
            width: self.model.width,
            input_dim: self.task.input_dim(),
            classes: self.task.n_classes(),
            examples: self.task.n_examples(),
        })
    }
}

/// What a run records.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// One record per evaluation, in step order.
    pub records: Vec<EvalRecord>,
    /// First step with training accuracy $\ge99\\%$.
    pub t_mem: Option<u64>,
    /// First evaluated step with test accuracy $\ge99\\%$.
    pub t_grok: Option<u64>,
    /// First evaluated step with test accuracy $\ge95\\%$.
    pub t_grok95: Option<u64>,
    /// Updates applied.
    pub steps_run: u64,
    /// Median wall time of one update (forward, loss, backward, optimizer), in milliseconds; `None`
    /// when no update was made.
    pub ms_per_step: Option<f64>,
    /// On $\mathbb{Z}\_p$ tasks, the layer spectrum $S_k$, $k=0..=\lfloor p/2\rfloor$, of $W_1$ at each
    /// evaluation ([`layer_spectrum`](crate::measure::progress::EmbeddingSpectrum::layer_spectrum)), as
    /// `(step, S)`.
    pub embedding_spectra: Vec<(u64, Vec<f64>)>,
}

impl History {
    /// The last record, if any.
    pub fn last(&self) -> Option<&EvalRecord> {
        self.records.last()
    }

    /// Appends `r` and updates $t_{mem}$, $t_{grok}$ and $t_{grok,95}$ ([`first_at`]).
    fn record(&mut self, r: EvalRecord) {
        let first =
            |t: Option<u64>, accuracy: f64, level: f64| t.or(first_at([(r.step, accuracy)], level));
        self.t_mem = first(self.t_mem, r.train_acc, THRESHOLD);
        self.t_grok = first(self.t_grok, r.test_acc, THRESHOLD);
        self.t_grok95 = first(self.t_grok95, r.test_acc, THRESHOLD_95);
        self.records.push(r);
    }
}

/// What an observer sees at an evaluation step.
pub struct Probe<'a, T: Real> {
    /// Updates applied.
    pub step: u64,
    /// The weights after `step` updates.
    pub model: &'a Model<T>,
    /// Loss and accuracy on the whole training set at these weights (the labels trained on).
    pub train: LossStats,
    /// The evaluation's record; `None` with [`Measures::Training`].
    pub record: Option<&'a EvalRecord>,
    /// The gradient of the training loss at these weights, weight decay not included (the one the next
    /// full-batch update uses); `Some` in full-batch runs whose observer
    /// [asks for it](Observer::wants_gradient).
    pub gradient: Option<&'a Params<T>>,
}

impl<T: Real> Probe<'_, T> {
    /// Test accuracy at these weights; an error with [`Measures::Training`], which measures none.
    pub fn test_acc(&self) -> Result<f64> {
        self.record.map(|r| r.test_acc).ok_or_else(|| {
            crate::Error::InvalidConfig(
                "this run measures no test accuracy (Measures::Training)".into(),
            )
        })
    }
}

/// Watches a run and may steer it. Every method has a default that does nothing. `Send`, because the loop
/// runs on a rayon worker thread.
pub trait Observer<T: Real>: Send {
    /// Whether [`observe`](Self::observe) needs [`Probe::gradient`] (it costs a backward pass at the
    /// last step).
    fn wants_gradient(&self) -> bool {
        false
    }
    /// Called at every evaluation step (step 0, every `eval_every` steps, the last step); returning
    /// [`ControlFlow::Break`] ends the run after this step, an error aborts it.
    fn observe(&mut self, _probe: &Probe<'_, T>) -> Result<ControlFlow<()>> {
        Ok(ControlFlow::Continue(()))
    }
    /// Called after every update with the number of updates applied.
    fn on_step(&mut self, _step: u64) {}
    /// Changes the gradient of update `step` (0-based) before the optimizer sees it.
    fn transform_gradient(&mut self, _step: u64, _gradient: &mut Params<T>) {}
    /// Changes the weights after `step` updates: once on the initial weights (`step` 0), then after
    /// every update.
    fn constrain(&mut self, _step: u64, _params: &mut Params<T>) {}
    /// Whether the run should hand its whole state to [`checkpoint`](Self::checkpoint) after `step`
    /// updates (asked before the step's forward pass).
    fn checkpoint_due(&self, _step: u64) -> bool {
        false
    }
    /// Receives the run's state after `state.step` updates, enough to [`resume`] it bit for bit.
    fn checkpoint(&mut self, _state: &RunState<T>) -> Result<()> {
        Ok(())
    }
}

/// An observer that ignores everything.
pub struct Silent;
impl<T: Real> Observer<T> for Silent {}

/// An observer made of a closure over the probes: `Watch::new(f)` without the gradient,
/// `Watch::with_gradient(f)` with it.
pub struct Watch<F> {
    f: F,
    gradient: bool,
}

impl<F> Watch<F> {
    /// Calls `f` at every evaluation step.
    pub fn new(f: F) -> Self {
        Watch { f, gradient: false }
    }
    /// Calls `f` at every evaluation step, with [`Probe::gradient`].
    pub fn with_gradient(f: F) -> Self {
        Watch { f, gradient: true }
    }
}

impl<T: Real, F: FnMut(&Probe<'_, T>) -> Result<()> + Send> Observer<T> for Watch<F> {
    fn wants_gradient(&self) -> bool {
        self.gradient
    }
    fn observe(&mut self, probe: &Probe<'_, T>) -> Result<ControlFlow<()>> {
        (self.f)(probe)?;
        Ok(ControlFlow::Continue(()))
    }
}

/// An observer made of a closure that also steers: `Steer(f)` with `f` returning
/// [`ControlFlow::Break`] to end the run after this step (e.g. once what it measures is known).
pub struct Steer<F>(pub F);

impl<T: Real, F: FnMut(&Probe<'_, T>) -> Result<ControlFlow<()>> + Send> Observer<T> for Steer<F> {
    fn observe(&mut self, probe: &Probe<'_, T>) -> Result<ControlFlow<()>> {
        (self.0)(probe)
    }
}

/// A run between two steps, after `step` updates and before the next forward pass: everything that
/// [`resume`] needs to continue it with the same bits as the uninterrupted run.
#[derive(Clone, Debug)]
pub struct RunState<T: Real> {
    /// Updates applied.
    pub step: u64,
    /// The weights after `step` updates.
    pub model: Model<T>,
    /// The optimizer's moments and step count.
    pub optimizer: Optimizer<T>,
    /// Words drawn so far from the mini-batch stream ([`Stream::Batches`]) of the run's seed.
    pub batch_words: u128,
    /// The evaluations of the steps before `step` (with $t_{mem}$ over those steps).
    pub history: History,
}

impl<T: Real> RunState<T> {
    /// The state of a run of `config` before its first update, from `model`'s weights.
    pub fn start(config: &TrainConfig, model: Model<T>) -> Result<Self> {
        Ok(RunState {
            step: 0,
            optimizer: Optimizer::new(config.optimizer, &model.params)?,
            model,
            batch_words: 0,
            history: History::default(),
        })
    }
}

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

/// Trains a network from `config`: its split, its seeded initial weights, every measure.
pub fn train<T: Real>(config: &TrainConfig, observer: &mut dyn Observer<T>) -> Result<Trained<T>> {
    train_with(config, Labels::True, Measures::Full, observer)
}

/// Trains a network from `config`'s seeded initial weights on its split with `labels`, evaluating
/// `measures`: the set-up every claim about a trained network shares ([`seeded`], then [`train_on`]).
pub fn train_with<T: Real>(
    config: &TrainConfig,
    labels: Labels,
    measures: Measures,
    observer: &mut dyn Observer<T>,
) -> Result<Trained<T>> {
    let (split, model) = seeded(config, labels)?;
    train_on(config, &split, model, measures, observer)
}

/// The start of a run of `config`: its split with `labels` and its seeded initial weights (for callers
/// that also need the split, e.g. to measure on the training set, before [`train_on`]).
pub fn seeded<T: Real>(config: &TrainConfig, labels: Labels) -> Result<(Split, Model<T>)> {
    config.validate()?;
    config.ensure_fits_memory()?;
    let split = config
        .task
        .labelled_split(config.train_frac, config.seed, labels)?;
    let model = Model::init(&config.task, config.model, config.seed)?;
    Ok((split, model))
}

/// Trains `model` (its configuration must be the config's) on `split` (of the config's task) with the
/// config's loss, optimizer, batches and schedule.
pub fn train_on<T: Real>(
    config: &TrainConfig,
    split: &Split,
    mut model: Model<T>,
    measures: Measures,
    observer: &mut dyn Observer<T>,
) -> Result<Trained<T>> {
    config.validate()?;
    observer.constrain(0, &mut model.params);
    continue_on(
        config,
        split,
        RunState::start(config, model)?,
        measures,
        observer,
    )
}

/// Continues a run of `config` (true labels, every measure) from `state`, a checkpoint of it: the
/// result is the one the uninterrupted run gives, bit for bit (timing apart).
///
/// ```
/// use grokking::config::{canonical_add, CANONICAL_ADAMW};
/// use grokking::optim::OptimizerConfig;
/// use grokking::train::{resume, train, Observer, RunState, Silent};
///
/// /// Keeps the state after 40 updates.
/// struct At40(Option<RunState<f32>>);
/// impl Observer<f32> for At40 {
///     fn checkpoint_due(&self, step: u64) -> bool {
///         step == 40
///     }
///     fn checkpoint(&mut self, state: &RunState<f32>) -> grokking::Result<()> {
///         self.0 = Some(state.clone());
///         Ok(())
///     }
/// }
///
/// let config = canonical_add(11, 0.5, OptimizerConfig::AdamW(CANONICAL_ADAMW), 100, 0);
/// let mut at40 = At40(None);
/// let whole = train::<f32>(&config, &mut at40)?;
/// let resumed = resume(&config, at40.0.unwrap(), &mut Silent)?;
/// assert_eq!(resumed.model.params, whole.model.params);
/// # Ok::<(), grokking::Error>(())
/// ```
pub fn resume<T: Real>(
    config: &TrainConfig,
    state: RunState<T>,
    observer: &mut dyn Observer<T>,
) -> Result<Trained<T>> {
    config.validate()?;
    config.ensure_fits_memory()?;
    let split = config.task.split(config.train_frac, config.seed)?;
    continue_on(config, &split, state, Measures::Full, observer)
}

/// The loop, run on a rayon worker thread: from a thread outside the pool every parallel pass of every
/// step would be handed to the pool and waited for on a latch (a futex wake and sleep each), which made a
/// small network's step (a+b mod 23, one thread) 2.7 times slower; inside the pool the passes run where
/// they are called, and split over the other workers as before.
fn continue_on<T: Real>(
    config: &TrainConfig,
    split: &Split,
    state: RunState<T>,
    measures: Measures,
    observer: &mut dyn Observer<T>,
) -> Result<Trained<T>> {
    if rayon::current_thread_index().is_some() {
        run_loop(config, split, state, measures, observer)
    } else {
        rayon::scope(|_| run_loop(config, split, state, measures, observer))
    }
}

/// The loop itself: from `state` to the end of the run.
fn run_loop<T: Real>(
    config: &TrainConfig,
    split: &Split,
    state: RunState<T>,
    measures: Measures,
    observer: &mut dyn Observer<T>,
) -> Result<Trained<T>> {
    let RunState {
        step: start,
        mut model,
        mut optimizer,
        batch_words,
        mut history,
    } = state;
    ensure(start <= config.steps, || {
        format!(
            "the run's state is at step {start}, past its last step {}",
            config.steps
        )
    })?;
    ensure(optimizer.config() == &config.optimizer, || {
        "the optimizer state belongs to another optimizer configuration".into()
    })?;
    ensure(model.config == config.model, || {
        format!(
            "the model's configuration {:?} differs from the run's {:?}",
            model.config, config.model
        )
    })?;
    ensure(!split.train.is_empty() && !split.test.is_empty(), || {
        "both sides of the split must be non-empty".into()
    })?;
    let train_batch = Batch::<T>::new(&split.train);
    let n_train = split.train.len();
    let full_batch = config.batch_size.is_none_or(|b| b >= n_train);
    let wants_gradient = full_batch && observer.wants_gradient();
    let mut grads = model.params.zeros_like();
    let mut ws = Workspace::default();
    let mut evaluator = Evaluator::new(&config.task, config.loss, split, measures);
    let mut batch_rng = rng::child(config.seed, Stream::Batches);
    batch_rng.set_word_pos(batch_words);
    let mut step_ms = Vec::with_capacity((config.steps - start).min(1 << 20) as usize);

    for step in start..=config.steps {
        let last = step == config.steps;
        if observer.checkpoint_due(step) {
            observer.checkpoint(&RunState {
                step,
                model: model.clone(),
                optimizer: optimizer.clone(),
                batch_words: batch_rng.get_word_pos(),
                history: history.clone(),
            })?;
        }
        let started = Instant::now();
        let mut full_stats = None;
        if full_batch {
            let stats = forward_loss(&model, &train_batch, &mut ws, config.loss, true);
            finite(stats.loss, step, "training loss")?;
            history.t_mem = history
                .t_mem
                .or(first_at([(step, stats.accuracy)], THRESHOLD));
            full_stats = Some(stats);
        }
        let forward_time = started.elapsed();

        let mut have_gradient = false;
        let evaluates = step % config.eval_every == 0 || last;
        let ends = last || (evaluates && config.ends_after_grok(&history, step));
        if evaluates {
            let (record, train) = match (measures, full_stats) {
                (Measures::Training, Some(stats)) => (None, stats),
                (Measures::Training, None) => (None, evaluator.training(step, &model)?),
                (Measures::Full | Measures::Accuracy, _) => {
                    let train = full_stats.map(|s| (s, &ws.logits));
                    let fourier = ends || config.fourier_every.is_none_or(|k| step % k == 0);
                    let (record, spectrum) = evaluator.evaluate(step, &model, train, fourier)?;
                    if let Some(s) = spectrum {
                        history.embedding_spectra.push((step, s.layer_spectrum()));
                    }
                    history.record(record);
                    let train = LossStats {
                        loss: record.train_loss,
                        accuracy: record.train_acc,
                    };
                    (Some(record), train)
                }
            };
            if wants_gradient {
                model.backward(&train_batch, &mut ws, &mut grads);
                have_gradient = true;
            }
            let probe = Probe {
                step,
                model: &model,
                train,
                record: record.as_ref(),
                gradient: have_gradient.then_some(&grads),
            };
            let flow = observer.observe(&probe)?;
            if ends || flow.is_break() || (config.stop_at_grok && history.t_grok.is_some()) {
                break;
            }
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
        } else if !have_gradient {
            model.backward(&train_batch, &mut ws, &mut grads);
        }
        observer.transform_gradient(step, &mut grads);
        if config.perpendicular_gradient {
            for (g, w) in grads
                .matrices_mut()
                .into_iter()
                .zip(model.params.matrices())
            {
                orthograd::project_out(g, w);
            }
        }
        optimizer.step(&mut model.params, &grads);
        observer.constrain(step + 1, &mut model.params);
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

/// The first step of `points` (step, accuracy), in their order, whose accuracy is at least `level`: the
/// one rule behind $t_{mem}$, $t_{grok}$ and every claim's "first step at 99%".
pub fn first_at(points: impl IntoIterator<Item = (u64, f64)>, level: f64) -> Option<u64> {
    points
        .into_iter()
        .find(|&(_, accuracy)| accuracy >= level)
        .map(|(step, _)| step)
}
