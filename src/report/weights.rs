//! The final weights of a run with its configuration, so that a finished run can be analysed again
//! (`grok fourier --run DIR`): written as `weights.safetensors` (`report::checkpoint`); runs of
//! earlier versions wrote `weights.json`, which is still read: matrices row-major as
//! `{"rows": r, "cols": c, "data": [...]}`, readable from NumPy as `np.array(data).reshape(rows, cols)`.

use crate::error::{Error, Result};
use crate::model::{Model, Params};
use crate::real::Real;
use crate::train::TrainConfig;
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The final weights' file of runs written by earlier versions of the crate.
pub const LEGACY_WEIGHTS_FILE: &str = "weights.json";

/// A matrix, row-major.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Matrix {
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// Entries, row by row.
    pub data: Vec<f64>,
}

impl Matrix {
    pub(super) fn of<T: Real>(m: &DMatrix<T>) -> Self {
        Matrix {
            rows: m.nrows(),
            cols: m.ncols(),
            data: m.transpose().iter().map(|x| x.to_f64()).collect(),
        }
    }

    fn to_dmatrix(&self, name: &str) -> Result<DMatrix<f64>> {
        if self.data.len() != self.rows * self.cols {
            return Err(Error::Shape(format!(
                "{name} holds {} entries for {} × {}",
                self.data.len(),
                self.rows,
                self.cols
            )));
        }
        if let Some(i) = self.data.iter().position(|x| !x.is_finite()) {
            return Err(Error::Shape(format!("{name} entry {i} is not finite")));
        }
        Ok(DMatrix::from_row_slice(self.rows, self.cols, &self.data))
    }
}

/// The weights of a network after `step` updates of the run `config`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    /// The run.
    pub config: TrainConfig,
    /// Updates applied.
    pub step: u64,
    /// $W_1$ ($N\times d$).
    pub w1: Matrix,
    /// $W_2$ ($C\times N$).
    pub w2: Matrix,
}

impl Weights {
    /// The network, in `f64`, with its shapes checked against the configuration.
    pub fn model(&self) -> Result<Model<f64>> {
        let params = Params {
            w1: self.w1.to_dmatrix("W1")?,
            w2: self.w2.to_dmatrix("W2")?,
        };
        Model::from_params(&self.config.task, self.config.model, params)
    }

    /// Reads a `weights.json` of an earlier version.
    pub fn read_json(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        serde_json::from_str(&text).map_err(|e| Error::output(path.display().to_string(), e))
    }
}
