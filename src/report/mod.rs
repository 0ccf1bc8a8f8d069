//! Outputs of a run: `metrics.csv` (one row per evaluation, flushed as it is written), `summary.json`,
//! `weights.json` ([`weights`]), `spectrum.csv` (the embedding's layer spectrum at each evaluation,
//! $\mathbb{Z}\_p$ tasks) and the plots `curves.svg`, `progress.svg`, `fourier.svg` ([`plot`]); all but
//! `metrics.csv` are written to a temporary file and renamed, so that a reader never sees half a file.

pub mod checkpoint;
pub mod phase_diagram;
pub mod plot;
pub mod weights;

use crate::error::{Error, Result};
use crate::evaluation::EvalRecord;
use crate::measure::phases::{Phase, Phases};
use crate::measure::summary::FourierSummary;
use crate::train::{History, TrainConfig};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// File names inside a run directory.
pub const METRICS_FILE: &str = "metrics.csv";
/// See [`METRICS_FILE`].
pub const SUMMARY_FILE: &str = "summary.json";
/// See [`METRICS_FILE`].
pub const CURVES_FILE: &str = "curves.svg";
/// See [`METRICS_FILE`].
pub const PROGRESS_FILE: &str = "progress.svg";
/// See [`METRICS_FILE`].
pub const FOURIER_FILE: &str = "fourier.svg";
/// See [`METRICS_FILE`].
pub const SPECTRUM_FILE: &str = "spectrum.csv";

/// The record of one finished run (`summary.json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Version of this crate.
    pub crate_version: String,
    /// Every hyperparameter.
    pub config: TrainConfig,
    /// The master seed (also in `config`).
    pub seed: u64,
    /// Training set size.
    pub n_train: usize,
    /// Test set size.
    pub n_test: usize,
    /// First step with training accuracy ≥ 99%.
    pub t_mem: Option<u64>,
    /// First evaluated step with test accuracy ≥ 99%.
    pub t_grok: Option<u64>,
    /// First evaluated step with test accuracy ≥ 95%.
    pub t_grok95: Option<u64>,
    /// $t_{grok}/t_{mem}$ where both exist.
    pub grok_ratio: Option<f64>,
    /// Updates applied.
    pub steps_run: u64,
    /// Training loss after the last update.
    pub final_train_loss: f64,
    /// Training accuracy after the last update.
    pub final_train_acc: f64,
    /// Test loss after the last update.
    pub final_test_loss: f64,
    /// Test accuracy after the last update.
    pub final_test_acc: f64,
    /// $\\|\theta\\|\_2$ after the last update.
    pub weight_norm: f64,
    /// $\\|W_1\\|\_F$ after the last update.
    pub w1_norm: f64,
    /// $\\|W_2\\|\_F$ after the last update.
    pub w2_norm: f64,
    /// First evaluated step at which the training loss is exactly 0: the loss is below what the training
    /// precision resolves (softmax collapse), and the gradient of the correct logits is lost with it
    /// (notes/t2_drift.md, item 9). `null` if it never happens.
    #[serde(default)]
    pub train_loss_zero_at: Option<u64>,
    /// The four phases detected from the progress measures ([`crate::measure::phases`]), without the test
    /// accuracy.
    pub phases: Phases,
    /// The phase in which $t_{grok}$ falls (a finding: the phases are detected without it).
    #[serde(default)]
    pub t_grok_phase: Option<Phase>,
    /// Distinct dominant frequencies of the final $W_1$, most common first ($\mathbb{Z}\_p$ tasks; empty
    /// for sparse parity). See [`crate::measure::progress`].
    pub key_frequencies: Vec<usize>,
    /// Fourier statistics of the final $W_1$ ($\mathbb{Z}\_p$ tasks).
    pub fourier: Option<FourierSummary>,
    /// Median milliseconds per update (timing: varies between runs); `null` when no update was made.
    pub ms_per_step: Option<f64>,
    /// Wall time of the run in seconds (timing).
    pub wall_s: f64,
    /// Threads available to the run (timing context).
    pub threads: usize,
}

impl Summary {
    /// Builds the summary of a finished run.
    pub fn new(
        config: &TrainConfig,
        history: &History,
        sizes: (usize, usize),
        fourier: Option<FourierSummary>,
        wall_s: f64,
    ) -> Result<Self> {
        let last = history
            .last()
            .ok_or_else(|| Error::output(SUMMARY_FILE, "the run has no evaluation"))?;
        let grok_ratio = match (history.t_mem, history.t_grok) {
            (Some(m), Some(g)) if m > 0 => Some(g as f64 / m as f64),
            _ => None,
        };
        let phases = Phases::detect(history);
        Ok(Summary {
            crate_version: env!("CARGO_PKG_VERSION").into(),
            config: *config,
            seed: config.seed,
            n_train: sizes.0,
            n_test: sizes.1,
            t_mem: history.t_mem,
            t_grok: history.t_grok,
            t_grok95: history.t_grok95,
            grok_ratio,
            steps_run: history.steps_run,
            final_train_loss: last.train_loss,
            final_train_acc: last.train_acc,
            final_test_loss: last.test_loss,
            final_test_acc: last.test_acc,
            weight_norm: last.weight_norm,
            w1_norm: last.w1_norm,
            w2_norm: last.w2_norm,
            train_loss_zero_at: history
                .records
                .iter()
                .find(|r| r.train_loss == 0.0)
                .map(|r| r.step),
            t_grok_phase: history.t_grok.and_then(|t| phases.phase_at(t)),
            phases,
            key_frequencies: fourier
                .as_ref()
                .map(|f| f.key_frequencies.clone())
                .unwrap_or_default(),
            fourier,
            ms_per_step: history.ms_per_step,
            wall_s,
            threads: rayon::current_num_threads(),
        })
    }

    /// A warning for standard error if the training loss reached exactly 0 (see
    /// [`Summary::train_loss_zero_at`]).
    pub fn collapse_warning(&self) -> Option<String> {
        self.train_loss_zero_at.map(|step| {
            format!(
                "warning: the {} training loss is exactly 0 from step {step} on (softmax collapse: below the precision's resolution; learning stalls). Rerun with --f64, or a larger AdamW --eps",
                self.config.precision
            )
        })
    }

    /// Reads a `summary.json`.
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        serde_json::from_str(&text).map_err(|e| Error::output(path.display().to_string(), e))
    }
}

/// Writes `metrics.csv` one flushed row at a time.
pub struct MetricsWriter {
    path: PathBuf,
    writer: csv::Writer<File>,
}

impl MetricsWriter {
    /// Creates (truncates) the file at `path`; the header is written with the first row.
    pub fn create(path: &Path) -> Result<Self> {
        let file = File::create(path).map_err(|e| Error::io(path, e))?;
        Ok(MetricsWriter {
            path: path.to_path_buf(),
            writer: csv::Writer::from_writer(file),
        })
    }

    /// Appends one record and flushes it to disk.
    pub fn write(&mut self, record: &EvalRecord) -> Result<()> {
        self.writer
            .serialize(record)
            .map_err(|e| Error::output(self.path.display().to_string(), e))?;
        self.writer.flush().map_err(|e| Error::io(&self.path, e))
    }
}

/// Reads the records of a `metrics.csv`.
pub fn read_metrics(path: &Path) -> Result<Vec<EvalRecord>> {
    let mut reader =
        csv::Reader::from_path(path).map_err(|e| Error::output(path.display().to_string(), e))?;
    reader
        .deserialize()
        .map(|r| r.map_err(|e| Error::output(path.display().to_string(), e)))
        .collect()
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let mut file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    file.write_all(bytes)
        .and_then(|_| file.sync_all())
        .map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

/// Writes `summary` as pretty JSON to `path`, atomically.
pub fn write_summary(path: &Path, summary: &Summary) -> Result<()> {
    let json = serde_json::to_string_pretty(summary).map_err(|e| Error::output(SUMMARY_FILE, e))?;
    write_atomic(path, json.as_bytes())
}

/// Writes the layer spectra $S_k$ of [`History::embedding_spectra`] as CSV (`step,k0,k1,…`), atomically.
pub fn write_spectra(path: &Path, spectra: &[(u64, Vec<f64>)]) -> Result<()> {
    let bins = spectra.first().map_or(0, |s| s.1.len());
    let mut text = String::from("step");
    (0..bins).for_each(|k| text.push_str(&format!(",k{k}")));
    for (step, s) in spectra {
        text.push_str(&format!("\n{step}"));
        s.iter().for_each(|e| text.push_str(&format!(",{e}")));
    }
    text.push('\n');
    write_atomic(path, text.as_bytes())
}

/// Reads a file written by [`write_spectra`].
pub fn read_spectra(path: &Path) -> Result<Vec<(u64, Vec<f64>)>> {
    let bad = |e: &dyn std::fmt::Display| Error::output(path.display().to_string(), e.to_string());
    let mut reader = csv::Reader::from_path(path).map_err(|e| bad(&e))?;
    reader
        .records()
        .map(|row| {
            let row = row.map_err(|e| bad(&e))?;
            let mut fields = row.iter();
            let step = fields
                .next()
                .unwrap_or_default()
                .parse()
                .map_err(|e| bad(&e))?;
            let s = fields
                .map(|x| x.parse::<f64>().map_err(|e| bad(&e)))
                .collect::<Result<Vec<f64>>>()?;
            Ok((step, s))
        })
        .collect()
}
