//! One evaluation of the weights during training: losses and accuracies on both sides of the split,
//! weight norms, and on $\mathbb{Z}_p$ tasks the Fourier progress measures of $W_1$ (median per-neuron
//! concentration, IPR, the layer spectrum) and, for $+$ and $-$, the restricted and excluded loss over
//! all frequencies ([`measure::ablation`](crate::measure::ablation)). Bench `train_step/evaluation`
//! times it against a training step.

use crate::error::{Error, Result};
use crate::loss::LossStats;
use crate::measure::ablation::{self, ablation_losses, Structure};
use crate::measure::fourier::Fourier;
use crate::measure::progress::EmbeddingSpectrum;
use crate::model::{Batch, Model, Workspace};
use crate::real::Real;
use crate::task::{Split, Task};
use crate::train::{forward_loss, EvalRecord, TrainConfig};
use nalgebra::DMatrix;

/// The buffers and fixed inputs of the evaluations of one run.
pub struct Evaluator<T: Real> {
    config: TrainConfig,
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
    /// An evaluator for `config` on its `split`.
    pub fn new(config: &TrainConfig, split: &Split) -> Self {
        Evaluator {
            config: *config,
            split: split.clone(),
            train_batch: Batch::new(&split.train),
            test_batch: Batch::new(&split.test),
            train_ws: Workspace::default(),
            test_ws: Workspace::default(),
            fourier: Fourier::new(),
            keys: Structure::of(&config.task).map(|s| ablation::all_frequencies(s.p as usize)),
        }
    }

    /// Evaluates `model` after `step` updates. `train` is the loss and the logits of the whole training
    /// set at these weights when the caller already has them (full-batch training); otherwise they are
    /// computed here. Returns the record and, on $\mathbb{Z}_p$ tasks, the embedding spectrum.
    pub fn evaluate(
        &mut self,
        step: u64,
        model: &Model<T>,
        train: Option<(LossStats, &DMatrix<T>)>,
    ) -> Result<(EvalRecord, Option<EmbeddingSpectrum>)> {
        let kind = self.config.loss;
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
        let ablation = self.keys.as_ref().and_then(|keys| {
            ablation_losses(
                &self.config.task,
                keys,
                kind,
                (&self.split.train, train_logits),
                (&self.split.test, &self.test_ws.logits),
                &mut self.fourier,
            )
        });
        let (w1_norm, w2_norm, weight_norm) = model.params.norms();
        let spectrum = match self.config.task {
            Task::Modular { p, .. } => Some(EmbeddingSpectrum::of(
                &model.params.w1,
                p as usize,
                &mut self.fourier,
            )),
            Task::SparseParity { .. } => None,
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
