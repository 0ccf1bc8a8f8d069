//! One run from configuration to files: train (in the configured precision) with a progress bar, and
//! write `metrics.csv`, `summary.json`, `weights.json`, the plots `curves.svg` and `progress.svg`, and on
//! $\mathbb{Z}_p$ tasks `spectrum.csv` and `fourier.svg` into the run directory (see [`report`]).

use crate::error::{Error, Result};
use crate::measure::fourier::Fourier;
use crate::measure::phases::Phases;
use crate::measure::summary::{analyse, FourierSummary};
use crate::real::Real;
use crate::report::plot::{self, fourier, progress};
use crate::report::weights::{Weights, WEIGHTS_FILE};
use crate::report::{self, MetricsWriter, Summary};
use crate::train::{self, History, Observer, Precision, Probe, TrainConfig, Trained};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::ops::ControlFlow;
use std::path::Path;
use std::time::Instant;

/// How a run reports while it trains.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// A progress bar on stderr (drawn only when stderr is a terminal).
    Bar,
    /// Nothing.
    Hidden,
}

struct FileObserver {
    metrics: MetricsWriter,
    bar: ProgressBar,
}

impl<T: Real> Observer<T> for FileObserver {
    fn observe(&mut self, probe: &Probe<'_, T>) -> Result<ControlFlow<()>> {
        if let Some(r) = probe.record {
            self.bar.set_message(format!(
                "train {:.3} test {:.3} |θ| {:.1}",
                r.train_acc, r.test_acc, r.weight_norm
            ));
            self.metrics.write(r)?;
        }
        Ok(ControlFlow::Continue(()))
    }
    fn on_step(&mut self, step: u64) {
        self.bar.set_position(step);
    }
}

/// Trains `config` and writes its outputs into `dir` (created if needed). On divergence the rows of
/// `metrics.csv` written so far stay valid and no `summary.json` is written.
pub fn run(config: &TrainConfig, dir: &Path, progress: Progress) -> Result<Summary> {
    config.validate()?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let bar = match progress {
        Progress::Bar => {
            ProgressBar::with_draw_target(Some(config.steps), ProgressDrawTarget::stderr())
        }
        Progress::Hidden => ProgressBar::hidden(),
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:32} {pos}/{len} steps ({per_sec}, eta {eta}) {msg}",
        )
        .map_err(|e| Error::output("progress bar", e))?,
    );
    let mut observer = FileObserver {
        metrics: MetricsWriter::create(&dir.join(report::METRICS_FILE))?,
        bar,
    };
    let started = Instant::now();
    let outcome = match config.precision {
        Precision::F32 => train::train::<f32>(config, &mut observer).map(|t| finish(config, t)),
        Precision::F64 => train::train::<f64>(config, &mut observer).map(|t| finish(config, t)),
    };
    let (history, sizes, fourier, weights) = match outcome {
        Ok(o) => o,
        Err(e) => {
            observer.bar.abandon();
            return Err(e);
        }
    };
    observer.bar.finish_and_clear();
    let summary = Summary::new(
        config,
        &history,
        sizes,
        fourier,
        started.elapsed().as_secs_f64(),
    )?;
    report::write_summary(&dir.join(report::SUMMARY_FILE), &summary)?;
    weights.write(&dir.join(WEIGHTS_FILE))?;
    write_plots_and_spectra(dir, &history, &summary.phases, &title(config))?;
    Ok(summary)
}

/// Writes `curves.svg`, `progress.svg` and, when `history` holds embedding spectra, `spectrum.csv` and
/// `fourier.svg` into `dir`.
pub fn write_plots_and_spectra(
    dir: &Path,
    history: &History,
    phases: &Phases,
    title: &str,
) -> Result<()> {
    plot::write_curves(&dir.join(report::CURVES_FILE), history, title)?;
    progress::write_progress(&dir.join(report::PROGRESS_FILE), history, phases, title)?;
    if history.embedding_spectra.len() >= 2 {
        report::write_spectra(&dir.join(report::SPECTRUM_FILE), &history.embedding_spectra)?;
        fourier::write_fourier(&dir.join(report::FOURIER_FILE), history, phases, title)?;
    }
    Ok(())
}

/// What the outputs need from a trained network: its history, split sizes, on $\mathbb{Z}_p$ tasks the
/// Fourier statistics, and its weights.
fn finish<T: Real>(
    config: &TrainConfig,
    t: Trained<T>,
) -> (History, (usize, usize), Option<FourierSummary>, Weights) {
    let fourier = analyse(&t.model, &config.task, &mut Fourier::new());
    let weights = Weights::of(config, &t.model, t.history.steps_run);
    (t.history, t.sizes, fourier, weights)
}

/// A one-line description of a run for plot titles.
pub fn title(c: &TrainConfig) -> String {
    format!(
        "{}, f = {}, N = {}, {} {}, lr {}, wd {}, seed {}",
        c.task,
        c.train_frac,
        c.model.width,
        c.model.activation,
        opt_name(c),
        c.optimizer.lr(),
        c.optimizer.weight_decay(),
        c.seed
    )
}

fn opt_name(c: &TrainConfig) -> &'static str {
    match c.optimizer {
        crate::optim::OptimizerConfig::Sgd(_) => "SGD",
        crate::optim::OptimizerConfig::AdamW(_) => "AdamW",
        crate::optim::OptimizerConfig::Muon(_) => "Muon",
    }
}
