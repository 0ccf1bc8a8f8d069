//! The test harness: one module per subject. Run with `cargo test --release`.

mod cli;
mod common;
mod gradcheck;
mod numerics;
mod optim;
mod tasks;
mod training;
