//! One evaluation of the weights during training: losses and accuracies on both sides of the split,
//! weight norms, and on $\mathbb{Z}\_p$ tasks the Fourier progress measures of $W_1$ (median per-neuron
//! concentration, IPR, the layer spectrum) and, for $+$ and $-$, the restricted and excluded loss over
//! all frequencies ([`measure::ablation`](crate::measure::ablation)). [`Measures`] says how much of this
//! a run asks for. Bench `train_step/evaluation` times it against a training step.

use crate::error::{Error, Result};
use crate::loss::{LossKind, LossStats};
use crate::measure::ablation::{self, ablation_losses, Structure};
use crate::measure::fourier::Fourier;
use crate::measure::progress::EmbeddingSpectrum;
use crate::model::{forward_loss, Batch, Model, Workspace};
use crate::real::Real;
use crate::task::{Split, Task};
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

/// What each evaluation of a run measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measures {
    /// Everything an [`EvalRecord`] holds, the Fourier measures included (the CLI's runs).
    Full,
    /// Losses and accuracies on both sides of the split and the weight norms; the Fourier fields are
    /// `None` (the claims' runs that need the test accuracy).
    Accuracy,
    /// No record: the observer sees the weights, the training loss and the gradient, nothing is
    /// spent on the test set (the claims' runs that measure something else).
    Training,
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
    /// $\\|W_1\\|\_F$.
    pub w1_norm: f64,
    /// $\\|W_2\\|\_F$.
    pub w2_norm: f64,
    /// $\\|\theta\\|\_2=(\\|W_1\\|\_F^2+\\|W_2\\|\_F^2)^{1/2}$.
    pub weight_norm: f64,
    /// Median per-neuron Fourier concentration of $W_1$ ($\mathbb{Z}\_p$ tasks; see
    /// [`measure::progress`](crate::measure::progress)).
    pub fourier_concentration: Option<f64>,
    /// Inverse participation ratio of the layer's Fourier spectrum ($\mathbb{Z}\_p$ tasks).
    pub fourier_ipr: Option<f64>,
    /// Restricted loss over all frequencies ($+$ and $-$; see [`measure::ablation`](crate::measure::ablation)).
    pub restricted_loss: Option<f64>,
    /// Held-out restricted loss over all frequencies ($+$ and $-$).
    pub restricted_test_loss: Option<f64>,
    /// Excluded loss over all frequencies ($+$ and $-$).
    pub excluded_loss: Option<f64>,
}

/// The buffers and fixed inputs of the evaluations of one run.
pub struct Evaluator<T: Real> {
    task: Task,
    loss: LossKind,
    measures: Measures,
    split: Split,
    train_batch: Batch<T>,
    test_batch: Batch<T>,
    train_ws: Workspace<T>,
    test_ws: Workspace<T>,
    fourier: Fourier,
    /// Key frequencies of the restricted/excluded loss (`None`: not defined for the task).
    keys: Option<Vec<usize>>,
}

impl<T: Real> Evaluator<T> {
    /// An evaluator of `measures` for `task` with loss `loss` on `split`.
    pub fn new(task: &Task, loss: LossKind, split: &Split, measures: Measures) -> Self {
        let fourier_measures = measures == Measures::Full;
        Evaluator {
            task: *task,
            loss,
            measures,
            split: split.clone(),
            train_batch: Batch::new(&split.train),
            test_batch: Batch::new(&split.test),
            train_ws: Workspace::default(),
            test_ws: Workspace::default(),
            fourier: Fourier::new(),
            keys: Structure::of(task)
                .filter(|_| fourier_measures)
                .map(|s| ablation::all_frequencies(s.p as usize)),
        }
    }

    /// The loss and accuracy of `model` on the whole training set after `step` updates, checked finite
    /// (for mini-batch runs, whose loop has no full-batch forward pass).
    pub fn training(&mut self, step: u64, model: &Model<T>) -> Result<LossStats> {
        let stats = forward_loss(
            model,
            &self.train_batch,
            &mut self.train_ws,
            self.loss,
            false,
        );
        finite(stats.loss, step, "training loss")?;
        Ok(stats)
    }

    /// Evaluates `model` after `step` updates. `train` is the loss and the logits of the whole training
    /// set at these weights when the caller already has them (full-batch training); otherwise they are
    /// computed here. Returns the record and, on $\mathbb{Z}\_p$ tasks with [`Measures::Full`] and
    /// `fourier` set, the embedding spectrum; without `fourier` this evaluation measures as
    /// [`Measures::Accuracy`] does (a run's coarser schedule for the Fourier measures).
    pub fn evaluate(
        &mut self,
        step: u64,
        model: &Model<T>,
        train: Option<(LossStats, &DMatrix<T>)>,
        fourier: bool,
    ) -> Result<(EvalRecord, Option<EmbeddingSpectrum>)> {
        let kind = self.loss;
        let (train_stats, train_logits) = match train {
            Some(t) => t,
            None => {
                let s = forward_loss(model, &self.train_batch, &mut self.train_ws, kind, false);
                (s, &self.train_ws.logits)
            }
        };
        let test_stats = forward_loss(model, &self.test_batch, &mut self.test_ws, kind, false);
        finite(train_stats.loss, step, "training loss")?;
        finite(test_stats.loss, step, "test loss")?;
        let ablation = self.keys.as_ref().filter(|_| fourier).and_then(|keys| {
            ablation_losses(
                &self.task,
                keys,
                kind,
                (&self.split.train, train_logits),
                (&self.split.test, &self.test_ws.logits),
                &mut self.fourier,
            )
        });
        let (w1_norm, w2_norm, weight_norm) = model.params.norms();
        let spectrum = match self.task {
            Task::Modular { p, .. } if fourier && self.measures == Measures::Full => Some(
                EmbeddingSpectrum::of(&model.params.w1, p as usize, &mut self.fourier),
            ),
            _ => None,
        };
        let record = EvalRecord {
            step,
            train_loss: train_stats.loss,
            train_acc: train_stats.accuracy,
            test_loss: test_stats.loss,
            test_acc: test_stats.accuracy,
            w1_norm,
            w2_norm,
            weight_norm,
            fourier_concentration: spectrum
                .as_ref()
                .map(EmbeddingSpectrum::median_concentration),
            fourier_ipr: spectrum.as_ref().map(EmbeddingSpectrum::ipr),
            restricted_loss: ablation.map(|a| a.restricted),
            restricted_test_loss: ablation.and_then(|a| a.restricted_held_out),
            excluded_loss: ablation.map(|a| a.excluded),
        };
        Ok((record, spectrum))
    }
}

/// `Ok` for a finite `x`, else [`Error::NonFinite`] naming `step` and `quantity`.
pub fn finite(x: f64, step: u64, quantity: &'static str) -> Result<()> {
    if x.is_finite() {
        Ok(())
    } else {
        Err(Error::NonFinite { step, quantity })
    }
}
