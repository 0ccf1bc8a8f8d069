//! The test harness: one module per subject. Run with `cargo test --release`.

mod ablation;
mod analytic;
mod checkpoints;
mod cli;
mod cli_fuzz;
mod common;
mod doc_math;
mod figure;
mod fourier_oracle;
mod gradcheck;
mod hooks;
mod noise;
mod notes_consistency;
mod numerics;
mod optim;
mod phase_diagram;
mod phases;
mod structure;
mod tasks;
mod training;
mod workflow;
