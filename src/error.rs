//! The library's error type: every failure a caller can cause or meet is a variant here, never a panic.

use std::path::PathBuf;

/// Errors of the `grokking` library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A configuration value outside its valid domain (the message names the value and the domain).
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),
    /// Matrix or data shapes that do not fit together.
    #[error("shape mismatch: {0}")]
    Shape(String),
    /// Training produced a NaN or infinite value; `step` is the number of optimizer updates applied
    /// before the value was seen.
    #[error("training diverged: non-finite {quantity} at step {step}")]
    NonFinite { step: u64, quantity: &'static str },
    /// Reading or writing a file failed. (The I/O error is part of the message, not a separate
    /// `source`, so that an error chain prints it once.)
    #[error("I/O error on {path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// Serializing an output (JSON, CSV, SVG) failed.
    #[error("could not write {what}: {message}")]
    Output { what: String, message: String },
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            error: source,
        }
    }

    /// An output-format error for `what` (a file name or a format).
    pub fn output(what: impl Into<String>, message: impl std::fmt::Display) -> Self {
        Error::Output {
            what: what.into(),
            message: message.to_string(),
        }
    }
}

/// `Result` with the library's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Returns `Err(InvalidConfig(message))` unless `ok`.
pub fn ensure(ok: bool, message: impl FnOnce() -> String) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidConfig(message()))
    }
}
