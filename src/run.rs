//! One run from configuration to files: train (in the configured precision) with a progress bar, and
//! write `metrics.csv`, `weights.safetensors`, the plots `curves.svg` and `progress.svg`, on
//! $\mathbb{Z}\_p$ tasks `spectrum.csv` and `fourier.svg`, and last `summary.json` into the run
//! directory (see [`report`]): a directory with a `summary.json` holds a complete run. On a
//! [`Schedule`] the run also saves checkpoints (`checkpoints/step_<S>.safetensors`), and [`resume`]
//! continues it from the last one with the bits of the uninterrupted run.
//!
//! Every file is written whole under a temporary name and renamed, so a killed run never leaves half a
//! file: `metrics.csv` grows as `metrics.csv.partial` (one flushed row per evaluation, to follow a
//! run) and takes its name when the run ends. A run that fails leaves nothing behind in a directory it
//! created, except a diverged run's valid `metrics.csv` (and its checkpoints).
use crate::error::{Error, Result};
use crate::measure::fourier::Fourier;
use crate::measure::phases::Phases;
use crate::measure::summary::analyse;
use crate::real::Real;
use crate::report::checkpoint::{self, Schedule, State, WEIGHTS_FILE};
use crate::report::plot::{self, fourier, progress};
use crate::report::{self, MetricsWriter, Summary};
use crate::train::{self, History, Observer, Precision, Probe, RunState, TrainConfig, Trained};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How a run reports while it trains.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// A progress bar on stderr (drawn only when stderr is a terminal).
    Bar,
    /// Nothing.
    Hidden,
}

/// The observer of a run with files: metrics rows, checkpoints, the progress bar.
struct FileObserver<'a> {
    config: &'a TrainConfig,
    dir: &'a Path,
    schedule: &'a Schedule,
    metrics: MetricsWriter,
    bar: ProgressBar,
}

impl<T: Real> Observer<T> for FileObserver<'_> {
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
    fn checkpoint_due(&self, step: u64) -> bool {
        self.schedule.due(step)
    }
    fn checkpoint(&mut self, state: &RunState<T>) -> Result<()> {
        let path = checkpoint::checkpoint_path(self.dir, state.step);
        checkpoint::write_checkpoint(&path, self.config, state, self.schedule)
    }
}

/// Trains `config` and writes its outputs into `dir` (created if needed), saving checkpoints on
/// `schedule`. On divergence the rows of `metrics.csv` written so far stay valid and no
/// `summary.json` is written.
pub fn run(
    config: &TrainConfig,
    dir: &Path,
    progress: Progress,
    schedule: &Schedule,
) -> Result<Summary> {
    config.validate()?;
    schedule.validate()?;
    config.ensure_fits_memory()?;
    match config.precision {
        Precision::F32 => with_outputs(config, dir, progress, schedule, &[], |observer| {
            train::train::<f32>(config, observer)
        }),
        Precision::F64 => with_outputs(config, dir, progress, schedule, &[], |observer| {
            train::train::<f64>(config, observer)
        }),
    }
}

/// Continues the run in `dir` from its last checkpoint, with the configuration and checkpoint schedule
/// saved there, and writes the outputs [`run`] writes: the same bits as the uninterrupted run, timing
/// apart. Returns the summary and the step it resumed from.
pub fn resume(dir: &Path, progress: Progress) -> Result<(Summary, u64)> {
    let (_, path) = checkpoint::checkpoints(dir)?.pop().ok_or_else(|| {
        Error::InvalidConfig(format!(
            "no checkpoint in {} to resume from (save them with --save-every or --save-at)",
            dir.join(checkpoint::CHECKPOINT_DIR).display()
        ))
    })?;
    let (meta, state) = checkpoint::read_any_checkpoint(&path)?;
    let config = meta.config;
    let schedule = meta.checkpoint.map(|c| c.schedule).unwrap_or_default();
    config.ensure_fits_memory()?;
    let summary = match state {
        State::F32(state) => resume_from(&config, dir, state, progress, &schedule),
        State::F64(state) => resume_from(&config, dir, state, progress, &schedule),
    }?;
    Ok((summary, meta.step))
}

fn resume_from<T: Real>(
    config: &TrainConfig,
    dir: &Path,
    state: RunState<T>,
    progress: Progress,
    schedule: &Schedule,
) -> Result<Summary> {
    let records = state.history.records.clone();
    with_outputs(config, dir, progress, schedule, &records, |observer| {
        observer.bar.set_position(state.step);
        train::resume(config, state, observer)
    })
}

/// Runs `train` with a [`FileObserver`] into `dir` (its metrics starting with the rows `earlier`),
/// then writes the outputs; cleans up on failure (see the module docs).
fn with_outputs<T: Real>(
    config: &TrainConfig,
    dir: &Path,
    progress: Progress,
    schedule: &Schedule,
    earlier: &[crate::evaluation::EvalRecord],
    train: impl FnOnce(&mut FileObserver<'_>) -> Result<Trained<T>>,
) -> Result<Summary> {
    let created = !dir.exists();
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let partial = partial_metrics(dir);
    let outcome = (|| {
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
            config,
            dir,
            schedule,
            metrics: MetricsWriter::create(&partial)?,
            bar,
        };
        for r in earlier {
            observer.metrics.write(r)?;
        }
        let started = Instant::now();
        let trained = train(&mut observer);
        match &trained {
            Ok(_) => observer.bar.finish_and_clear(),
            Err(_) => observer.bar.abandon(),
        }
        let Trained {
            history,
            model,
            sizes,
        } = trained?;
        let fourier = analyse(&model, &config.task, &mut Fourier::new());
        let summary = Summary::new(
            config,
            &history,
            sizes,
            fourier,
            started.elapsed().as_secs_f64(),
        )?;
        checkpoint::write_weights(&dir.join(WEIGHTS_FILE), config, &model, history.steps_run)?;
        write_plots_and_spectra(dir, &history, &summary.phases, &title(config))?;
        rename(&partial, &dir.join(report::METRICS_FILE))?;
        report::write_summary(&dir.join(report::SUMMARY_FILE), &summary)?;
        Ok(summary)
    })();
    if let Err(e) = &outcome {
        if matches!(e, Error::NonFinite { .. }) {
            // The rows before the divergence are valid measurements.
            rename(&partial, &dir.join(report::METRICS_FILE))?;
        } else if created {
            let _ = std::fs::remove_dir_all(dir);
        } else {
            let _ = std::fs::remove_file(&partial);
        }
    }
    outcome
}

/// Where `metrics.csv` grows while the run in `dir` trains.
pub fn partial_metrics(dir: &Path) -> PathBuf {
    dir.join(format!("{}.partial", report::METRICS_FILE))
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(|e| Error::io(to, e))
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
        crate::optim::OptimizerConfig::Egd(_) => "EGD",
    }
}
