//! Weights and checkpoints in safetensors, the format of the Hugging Face ecosystem, which numpy and
//! PyTorch users open with `safetensors.numpy.load_file(path)` or `safetensors.torch.load_file(path)`:
//! an 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape and byte
//! range, then the tensors' little-endian bytes.
//!
//! * `weights.safetensors`, a run's final weights: tensors `w1` ($N\times d$) and `w2` ($C\times N$),
//!   row-major, in the run's precision (`F32` or `F64`).
//! * `checkpoints/step_<S>.safetensors`, the run's whole state after $S$ updates
//!   ([`RunState`]): `w1`, `w2` and the optimizer's matrices `optimizer.w1.m`, `optimizer.w1.v`, … (see
//!   [`Optimizer::state_matrices`]), so that `grok train --resume` continues it bit for bit.
//!
//! The header's metadata holds one key, `grokking`, whose value is a JSON object ([`Meta`]): the format,
//! the crate version, the run's configuration and the step; in a checkpoint also the optimizer's step
//! count, the position of the mini-batch stream, the evaluations so far and the checkpoint
//! [`Schedule`]. One key, so that the file's bytes do not depend on a hash map's order: the same run
//! writes the same bytes.

use super::weights::{Matrix, Weights, LEGACY_WEIGHTS_FILE};
use crate::error::{ensure, Error, Result};
use crate::model::{Model, Params};
use crate::optim::Optimizer;
use crate::real::Real;
use crate::train::{History, Precision, RunState, TrainConfig};
use nalgebra::DMatrix;
use safetensors::tensor::{Dtype, SafeTensors, TensorView};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The final weights' file inside a run directory.
pub const WEIGHTS_FILE: &str = "weights.safetensors";
/// The folder of a run's checkpoints.
pub const CHECKPOINT_DIR: &str = "checkpoints";
/// The metadata key that holds [`Meta`].
const META_KEY: &str = "grokking";
const WEIGHTS_FORMAT: &str = "grokking-weights-1";
const CHECKPOINT_FORMAT: &str = "grokking-checkpoint-1";

/// When a run saves checkpoints: every `every` steps (from step `every` on) and at the steps of `at`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// Save after every this many updates.
    pub every: Option<u64>,
    /// Save after these numbers of updates.
    pub at: Vec<u64>,
}

impl Schedule {
    /// Checks the schedule: `every` at least 1.
    pub fn validate(&self) -> Result<()> {
        ensure(self.every != Some(0), || {
            "--save-every must be at least 1".into()
        })
    }

    /// Whether a checkpoint is due after `step` updates.
    pub fn due(&self, step: u64) -> bool {
        self.every.is_some_and(|k| step > 0 && step % k == 0) || self.at.contains(&step)
    }
}

/// What a checkpoint adds to the weights' metadata.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckpointMeta {
    /// The optimizer's step count (AdamW's $t$).
    pub optimizer_step: u64,
    /// Words drawn from the mini-batch stream, in decimal (a `u128`).
    pub batch_words: String,
    /// The evaluations of the steps before this one.
    pub history: History,
    /// The run's checkpoint schedule (a resumed run keeps it).
    pub schedule: Schedule,
}

/// The `grokking` metadata of a weights or checkpoint file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// `grokking-weights-1` or `grokking-checkpoint-1`.
    pub format: String,
    /// Version of the crate that wrote the file.
    pub crate_version: String,
    /// The run.
    pub config: TrainConfig,
    /// Updates applied to the weights.
    pub step: u64,
    /// In a checkpoint, the rest of the run's state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<CheckpointMeta>,
}

/// The path of the checkpoint after `step` updates in run directory `dir`.
pub fn checkpoint_path(dir: &Path, step: u64) -> PathBuf {
    dir.join(CHECKPOINT_DIR)
        .join(format!("step_{step}.safetensors"))
}

/// The checkpoints of run directory `dir` as `(step, path)`, by step (none if there is no folder).
pub fn checkpoints(dir: &Path) -> Result<Vec<(u64, PathBuf)>> {
    let folder = dir.join(CHECKPOINT_DIR);
    if !folder.is_dir() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&folder).map_err(|e| Error::io(&folder, e))? {
        let path = entry.map_err(|e| Error::io(&folder, e))?.path();
        let step = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix("step_")?.strip_suffix(".safetensors"))
            .and_then(|s| s.parse::<u64>().ok());
        if let Some(step) = step {
            found.push((step, path));
        }
    }
    found.sort();
    Ok(found)
}

fn dtype<T: Real>() -> Dtype {
    if T::NAME == "f32" {
        Dtype::F32
    } else {
        Dtype::F64
    }
}

/// The row-major little-endian bytes of `m` as `T`'s dtype.
fn bytes<T: Real>(m: &DMatrix<T>) -> Vec<u8> {
    let t = m.transpose();
    match dtype::<T>() {
        Dtype::F32 => t
            .iter()
            .flat_map(|x| (x.to_f64() as f32).to_le_bytes())
            .collect(),
        _ => t.iter().flat_map(|x| x.to_f64().to_le_bytes()).collect(),
    }
}

/// Serializes `matrices` with `meta` as a safetensors file's bytes.
fn encode<T: Real>(meta: &Meta, matrices: &[(String, &DMatrix<T>)]) -> Result<Vec<u8>> {
    let what = || format!("{} safetensors", meta.format);
    let data: Vec<(String, Vec<usize>, Vec<u8>)> = matrices
        .iter()
        .map(|(name, m)| (name.clone(), vec![m.nrows(), m.ncols()], bytes(m)))
        .collect();
    let views = data
        .iter()
        .map(|(name, shape, b)| {
            TensorView::new(dtype::<T>(), shape.clone(), b)
                .map(|v| (name.clone(), v))
                .map_err(|e| Error::output(what(), e))
        })
        .collect::<Result<Vec<_>>>()?;
    let json = serde_json::to_string(meta).map_err(|e| Error::output(what(), e))?;
    let info = HashMap::from([(META_KEY.to_string(), json)]);
    safetensors::tensor::serialize(views, Some(info)).map_err(|e| Error::output(what(), e))
}

fn meta(config: &TrainConfig, step: u64, checkpoint: Option<CheckpointMeta>) -> Meta {
    Meta {
        format: if checkpoint.is_some() {
            CHECKPOINT_FORMAT
        } else {
            WEIGHTS_FORMAT
        }
        .into(),
        crate_version: env!("CARGO_PKG_VERSION").into(),
        config: *config,
        step,
        checkpoint,
    }
}

/// Writes the weights of `model` after `step` updates of `config` to `path`, atomically.
///
/// ```
/// use grokking::config::canonical;
/// use grokking::model::Model;
/// use grokking::report::checkpoint::{read_meta, read_weights, write_weights};
///
/// let config = canonical(0);
/// let model = Model::<f32>::init(&config.task, config.model, config.seed)?;
/// let dir = std::env::temp_dir().join("grokking-doc-weights");
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("weights.safetensors");
/// write_weights(&path, &config, &model, 0)?;
/// assert_eq!(read_meta(&path)?.config, config);
/// let back = read_weights(&path)?.model()?; // widened to f64, exactly
/// assert_eq!(back.params.w1[(3, 5)], model.params.w1[(3, 5)] as f64);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), grokking::Error>(())
/// ```
pub fn write_weights<T: Real>(
    path: &Path,
    config: &TrainConfig,
    model: &Model<T>,
    step: u64,
) -> Result<()> {
    let p = &model.params;
    let bytes = encode(
        &meta(config, step, None),
        &[("w1".into(), &p.w1), ("w2".into(), &p.w2)],
    )?;
    super::write_atomic(path, &bytes)
}

/// Writes `state`, a state of the run `config` saving on `schedule`, to `path`, atomically.
pub fn write_checkpoint<T: Real>(
    path: &Path,
    config: &TrainConfig,
    state: &RunState<T>,
    schedule: &Schedule,
) -> Result<()> {
    let (optimizer, optimizer_step) = state.optimizer.state_matrices();
    let p = &state.model.params;
    let mut matrices = vec![("w1".to_string(), &p.w1), ("w2".to_string(), &p.w2)];
    matrices.extend(
        optimizer
            .into_iter()
            .map(|(name, m)| (format!("optimizer.{name}"), m)),
    );
    let extra = CheckpointMeta {
        optimizer_step,
        batch_words: state.batch_words.to_string(),
        history: state.history.clone(),
        schedule: schedule.clone(),
    };
    let bytes = encode(&meta(config, state.step, Some(extra)), &matrices)?;
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?;
    }
    super::write_atomic(path, &bytes)
}

/// A parsed safetensors file: its metadata and tensors.
struct File<'a> {
    path: &'a Path,
    meta: Meta,
    tensors: SafeTensors<'a>,
}

impl<'a> File<'a> {
    fn parse(path: &'a Path, bytes: &'a [u8]) -> Result<Self> {
        let bad = |m: &dyn std::fmt::Display| Error::output(path.display().to_string(), m);
        let tensors = SafeTensors::deserialize(bytes).map_err(|e| bad(&e))?;
        let (_, header) = SafeTensors::read_metadata(bytes).map_err(|e| bad(&e))?;
        let json = header
            .metadata()
            .as_ref()
            .and_then(|m| m.get(META_KEY))
            .ok_or_else(|| bad(&"no grokking metadata: not written by this crate"))?;
        let meta: Meta = serde_json::from_str(json).map_err(|e| bad(&e))?;
        Ok(File {
            path,
            meta,
            tensors,
        })
    }

    /// Tensor `name` as a matrix of `T`: F32 or F64 data, the file's precision widened or kept
    /// (narrowing is refused).
    fn matrix<T: Real>(&self, name: &str) -> Result<DMatrix<T>> {
        let bad = |m: String| Error::output(self.path.display().to_string(), m);
        let view = self
            .tensors
            .tensor(name)
            .map_err(|e| bad(format!("tensor {name}: {e}")))?;
        let &[rows, cols] = view.shape() else {
            return Err(bad(format!("tensor {name} is not a matrix")));
        };
        let values: Vec<f64> = match view.dtype() {
            Dtype::F32 => view
                .data()
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]) as f64)
                .collect(),
            Dtype::F64 if T::NAME == "f64" => view
                .data()
                .chunks_exact(8)
                .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
                .collect(),
            d => {
                return Err(bad(format!(
                    "tensor {name} has dtype {d:?}, wanted {}",
                    T::NAME
                )))
            }
        };
        if let Some(i) = values.iter().position(|x| !x.is_finite()) {
            return Err(bad(format!("tensor {name}: entry {i} is not finite")));
        }
        Ok(DMatrix::from_row_slice(rows, cols, &values).map(T::of))
    }

    fn model<T: Real>(&self) -> Result<Model<T>> {
        let params = Params {
            w1: self.matrix("w1")?,
            w2: self.matrix("w2")?,
        };
        Model::from_params(&self.meta.config.task, self.meta.config.model, params)
    }
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

/// The metadata of a weights or checkpoint file.
pub fn read_meta(path: &Path) -> Result<Meta> {
    Ok(File::parse(path, &read(path)?)?.meta)
}

/// The weights of a weights or checkpoint file, in `f64`.
pub fn read_weights(path: &Path) -> Result<Weights> {
    read_weights_and_meta(path).map(|(weights, _)| weights)
}

/// The weights of a weights or checkpoint file, in `f64`, and its metadata (one read of the file).
pub fn read_weights_and_meta(path: &Path) -> Result<(Weights, Meta)> {
    let bytes = read(path)?;
    let file = File::parse(path, &bytes)?;
    let model = file.model::<f64>()?;
    let weights = Weights {
        config: file.meta.config,
        step: file.meta.step,
        w1: Matrix::of(&model.params.w1),
        w2: Matrix::of(&model.params.w2),
    };
    Ok((weights, file.meta))
}

/// The final weights of the run in `dir`: its `weights.safetensors`, or the `weights.json` of a run
/// written by an earlier version.
pub fn read_final_weights(dir: &Path) -> Result<Weights> {
    let current = dir.join(WEIGHTS_FILE);
    let legacy = dir.join(LEGACY_WEIGHTS_FILE);
    if current.exists() || !legacy.exists() {
        read_weights(&current)
    } else {
        Weights::read_json(&legacy)
    }
}

/// A checkpoint's state in the precision its run trains in.
pub enum State {
    /// An `f32` run's state.
    F32(RunState<f32>),
    /// An `f64` run's state.
    F64(RunState<f64>),
}

/// The run of a checkpoint file and its state, in the precision the run trains in.
pub fn read_any_checkpoint(path: &Path) -> Result<(Meta, State)> {
    let bytes = read(path)?;
    let file = File::parse(path, &bytes)?;
    let state = match file.meta.config.precision {
        Precision::F32 => State::F32(file.state()?),
        Precision::F64 => State::F64(file.state()?),
    };
    Ok((file.meta, state))
}

/// The run of a checkpoint file and its state, in the run's precision `T` (an error for another).
pub fn read_checkpoint<T: Real>(path: &Path) -> Result<(Meta, RunState<T>)> {
    let bytes = read(path)?;
    let file = File::parse(path, &bytes)?;
    let precision = if T::NAME == "f32" {
        Precision::F32
    } else {
        Precision::F64
    };
    if file.meta.config.precision != precision {
        return Err(Error::output(
            path.display().to_string(),
            format!(
                "the run trains in {}, asked for {precision}",
                file.meta.config.precision
            ),
        ));
    }
    let state = file.state()?;
    Ok((file.meta, state))
}

impl File<'_> {
    /// The run's state in precision `T`.
    fn state<T: Real>(&self) -> Result<RunState<T>> {
        let bad = |m: String| Error::output(self.path.display().to_string(), m);
        let config = self.meta.config;
        let extra = self.meta.checkpoint.as_ref().ok_or_else(|| {
            bad("holds weights only, not a checkpoint (no optimizer state)".into())
        })?;
        let model = self.model::<T>()?;
        let optimizer = Optimizer::restore(
            config.optimizer,
            &model.params,
            extra.optimizer_step,
            |name| self.matrix(&format!("optimizer.{name}")),
        )?;
        let batch_words = extra
            .batch_words
            .parse()
            .map_err(|e| bad(format!("batch_words {:?}: {e}", extra.batch_words)))?;
        Ok(RunState {
            step: self.meta.step,
            model,
            optimizer,
            batch_words,
            history: extra.history.clone(),
        })
    }
}
