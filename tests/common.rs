//! Small configurations shared by the tests.

use grokking::config;
use grokking::task::{Operation, Task};
use grokking::train::TrainConfig;

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
