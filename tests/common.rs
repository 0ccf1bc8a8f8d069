//! Small configurations and helpers shared by the tests.

use grokking::config;
use grokking::report::Summary;
use grokking::task::{Operation, Task};
use grokking::train::TrainConfig;
use std::path::Path;
use std::process::{Command, Output};

/// A quick grokking run (about 0.5 s): a+b mod 23, training fraction 0.7, the canonical network and
/// AdamW; over seeds 0–7 it memorizes by step 64–73 and groks at 1430–2200.
pub fn small_config(seed: u64) -> TrainConfig {
    let mut c = config::canonical(seed);
    c.task = Task::Modular {
        op: Operation::Add,
        p: 23,
    };
    c.train_frac = 0.7;
    c.steps = 3000;
    c.eval_every = 10;
    c.stop_at_grok = true;
    c
}

/// The `grok` flags of a quick run: a+b mod 23, training fraction 0.7, 300 steps, evaluated every 10.
pub const SMALL: &[&str] = &[
    "--p",
    "23",
    "--train-frac",
    "0.7",
    "--steps",
    "300",
    "--eval-every",
    "10",
];

/// Runs the `grok` binary with `args`.
pub fn grok(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_grok"))
        .args(args)
        .output()
        .expect("grok runs")
}

/// The `summary.json` in `dir` with its timing fields (which legitimately vary) cleared.
pub fn numbers(dir: &Path) -> Summary {
    let mut s = Summary::read(&dir.join("summary.json")).unwrap();
    (s.ms_per_step, s.wall_s, s.threads) = (None, 0.0, 0);
    s
}
