//! # grokking — an executable proof companion for the theory of grokking
//!
//! Small networks trained on modular arithmetic first memorize their training set (at $t_{mem}$) and
//! generalize only much later (at $t_{grok}\gg t_{mem}$). This crate reproduces that fast and turns the
//! theory's claims into checked computations.
//!
//! Map of the crate (the machinery; the claims are the package `grokking-theorems` in `theorems/`, which
//! depends on this one and never the reverse):
//! * [`task`] — $a\circ b \bmod p$ for seven operations, sparse parity, the seeded split (true or random
//!   labels).
//! * [`model`] — the two-layer network $f=\kappa W_2\sigma(W_1x)$ with hand-written backward pass, the
//!   forward loss and the L2-regularized objective.
//! * [`loss`] — cross-entropy and MSE with their gradients.
//! * [`noise`] — a controlled temperature: isotropic Gaussian weight noise $\sqrt{2\eta T}\\,\xi$ after every
//!   update, a [`train::Observer`].
//! * [`optim`] — SGD, AdamW, Muon (Newton–Schulz and exact polar, with the quintic's facts) as pure step
//!   functions.
//! * [`train`] — the one training loop, for every run: [`train::Observer`] hooks see the weights, the
//!   loss and its gradient, change the gradient or the weights, stop early; [`train::History`],
//!   $t_{mem}$, $t_{grok}$. [`evaluation`] — what each evaluation measures ([`evaluation::Measures`]).
//! * [`config`] — the canonical run, in one place.
//! * [`measure`] — Fourier analysis with rustfft, the Fourier progress measures, restricted and
//!   excluded loss, the phases of a run, margins, kernels, singular values and the Stiefel distance.
//! * [`stats`] — median and least-squares slopes with standard errors.
//! * [`analytic`] — the exact Fourier solution of $a+b \bmod p$ for the $z^2$ network.
//! * [`run`] and [`report`] — a run's files: `metrics.csv`, `summary.json`, `weights.safetensors`,
//!   checkpoints (resumable bit for bit), `spectrum.csv` and the plots `curves.svg`, `progress.svg`,
//!   `fourier.svg`. [`memory`] — a run's memory, checked before anything is allocated.
//! * [`real`] — the `f32`/`f64` scalar trait and the GEMM wrapper; [`rng`] — seeded streams and
//!   Gaussian matrices.
//!
//! Conventions: matrices are column-major nalgebra `DMatrix`; one column per example in batches;
//! step $s$ means $s$ optimizer updates applied. Same seed, same numbers, at any thread count.
//!
//! # Example: train a small network and read $t_{mem}$
//!
//! ```
//! use grokking::config::{canonical_add, CANONICAL_ADAMW};
//! use grokking::optim::OptimizerConfig;
//! use grokking::train::{train, Silent};
//!
//! // a+b mod 11 on half of the 121 pairs, the canonical AdamW, 300 full-batch updates, seed 0.
//! let config = canonical_add(11, 0.5, OptimizerConfig::AdamW(CANONICAL_ADAMW), 300, 0);
//! let run = train::<f32>(&config, &mut Silent)?;
//! let t_mem = run.history.t_mem.expect("the training set is memorized");
//! assert!(t_mem < 300 && run.history.last().unwrap().train_acc >= 0.99);
//! # Ok::<(), grokking::Error>(())
//! ```

pub mod analytic;
pub mod config;
pub mod error;
pub mod evaluation;
pub mod loss;
pub mod measure;
pub mod memory;
pub mod model;
pub mod noise;
pub mod optim;
pub mod real;
pub mod report;
pub mod rng;
pub mod run;
pub mod stats;
pub mod task;
pub mod train;

pub use error::{Error, Result};
