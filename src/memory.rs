//! What a run needs in memory, estimated from its sizes before anything is allocated, and
//! checked against what the machine has, so that an impossible size (`--width 4294967296`) is refused
//! with the number instead of aborting on a failed allocation.
//!
//! With $s$ bytes per scalar (4 or 8), $P=Nd+CN$ weights, $n$ examples of which $n_{train}$ train:
//! $$\text{bytes}\approx s\\,(6P+3N n+2C n)+16n,$$
//! six copies of the weights (weights, gradient, two optimizer moments, a checkpoint's or the final
//! summary's copy, slack), three $N$-row activations (pre-activation, activation, back-propagated
//! signal) and two $C$-row logit buffers per example over the training and test batches together, and
//! the examples themselves. It is a leading-order estimate: the measured peak resident memory of
//! `grok train` was 0.70–1.31 times it (p = 97, N = 256, 2048 (f64) and 4096; p = 211, N = 1024; 20 steps,
//! `/usr/bin/time -v`). The check refuses only runs that need more than the machine has available.

use crate::error::{Error, Result};

/// The sizes a run's memory depends on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sizes {
    /// Bytes per scalar $s$ (4 or 8).
    pub scalar: usize,
    /// Hidden width $N$.
    pub width: usize,
    /// Input dimension $d$.
    pub input_dim: usize,
    /// Classes $C$.
    pub classes: usize,
    /// Examples $n$ (training and test).
    pub examples: usize,
}

/// The estimated peak memory in bytes (see the module docs), in `f64` so that no size overflows.
pub fn needed_bytes(z: Sizes) -> f64 {
    let (s, n_hidden, d, c, n) = (
        z.scalar as f64,
        z.width as f64,
        z.input_dim as f64,
        z.classes as f64,
        z.examples as f64,
    );
    let weights = n_hidden * d + c * n_hidden;
    s * (6.0 * weights + 3.0 * n_hidden * n + 2.0 * c * n) + 16.0 * n
}

/// The memory the machine has available now (`MemAvailable` of `/proc/meminfo`), if it can be read.
pub fn available_bytes() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024.0)
}

/// An error if a run of these sizes would need more memory than the machine has available (no check
/// where the available memory cannot be read).
pub fn ensure_fits(z: Sizes) -> Result<()> {
    let needed = needed_bytes(z);
    match available_bytes() {
        Some(available) if needed > available => Err(Error::InvalidConfig(format!(
            "this run would need about {} of memory (width {}, {} examples, {}-byte scalars), and the machine has {} available",
            human(needed),
            z.width,
            z.examples,
            z.scalar,
            human(available)
        ))),
        _ => Ok(()),
    }
}

/// A byte count as `12.3 GB`.
fn human(bytes: f64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    let mut value = bytes;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < units.len() {
        value /= 1000.0;
        unit += 1;
    }
    if value >= 1000.0 {
        format!("{bytes:.3e} B")
    } else {
        format!("{value:.1} {}", units[unit])
    }
}
