//! Checkpoints: a run continued from any of its checkpoints ends with the bits of the uninterrupted
//! run, for every optimizer, both precisions, full batch and mini-batch; the safetensors files carry
//! what they claim (row-major tensors, the configuration in the metadata) and are rejected when
//! damaged.

use crate::common::small_config;
use grokking::optim::{MuonConfig, OptimizerConfig, Orthogonalizer, SgdConfig};
use grokking::real::Real;
use grokking::report::checkpoint::{self, Schedule};
use grokking::train::{self, History, Observer, RunState, TrainConfig, Trained};

/// Keeps the states handed to it at the steps of `at`.
struct Keep<T: Real> {
    at: Vec<u64>,
    states: Vec<RunState<T>>,
}

impl<T: Real> Observer<T> for Keep<T> {
    fn checkpoint_due(&self, step: u64) -> bool {
        self.at.contains(&step)
    }
    fn checkpoint(&mut self, state: &RunState<T>) -> grokking::Result<()> {
        self.states.push(state.clone());
        Ok(())
    }
}

/// Trains `config`, keeping its states at the steps of `at`.
fn train_keeping<T: Real>(config: &TrainConfig, at: &[u64]) -> (Trained<T>, Vec<RunState<T>>) {
    let mut keep = Keep::<T> {
        at: at.to_vec(),
        states: Vec::new(),
    };
    let whole = train::train::<T>(config, &mut keep).unwrap();
    (whole, keep.states)
}

/// A history without its timing.
fn untimed(mut h: History) -> History {
    h.ms_per_step = None;
    h
}

fn configs() -> Vec<TrainConfig> {
    let mut base = small_config(3);
    (base.steps, base.stop_at_grok) = (240, false);
    let muon = OptimizerConfig::Muon(MuonConfig {
        lr: 0.02,
        momentum: 0.95,
        nesterov: true,
        weight_decay: 0.1,
        ns_steps: 5,
        orthogonalizer: Orthogonalizer::NewtonSchulz,
    });
    let sgd = OptimizerConfig::Sgd(SgdConfig {
        lr: 0.1,
        momentum: 0.9,
        nesterov: true,
        weight_decay: 1e-3,
    });
    let egd = OptimizerConfig::Egd(grokking::config::DEFAULT_EGD);
    vec![
        base,
        TrainConfig {
            batch_size: Some(64),
            optimizer: muon,
            ..base
        },
        TrainConfig {
            optimizer: egd,
            ..base
        },
        TrainConfig {
            optimizer: sgd,
            ..base
        },
    ]
}

fn resumes_bit_for_bit<T: Real>(config: &TrainConfig) {
    let at = vec![0, 70, 240];
    let (whole, states) = train_keeping::<T>(config, &at);
    assert_eq!(
        states.iter().map(|s| s.step).collect::<Vec<_>>(),
        at,
        "a state at every scheduled step, the last included"
    );
    for state in states {
        let from = state.step;
        let resumed = train::resume::<T>(config, state, &mut grokking::train::Silent).unwrap();
        assert_eq!(
            resumed.model.params,
            whole.model.params,
            "{:?}, {}: weights after resuming at {from}",
            config.optimizer,
            T::NAME
        );
        assert_eq!(
            untimed(resumed.history),
            untimed(whole.history.clone()),
            "history after resuming at {from}"
        );
    }
}

#[test]
fn resuming_from_any_state_gives_the_uninterrupted_run() {
    for config in configs() {
        resumes_bit_for_bit::<f32>(&config);
    }
    resumes_bit_for_bit::<f64>(&configs()[1]);
}

/// The mutant: a state whose mini-batch stream restarts (position 0) does not resume the run, so the
/// check above sees the stream's position.
#[test]
fn a_lost_batch_stream_position_changes_the_run() {
    let config = configs()[1];
    let (whole, mut states) = train_keeping::<f32>(&config, &[70]);
    let mut state = states.pop().unwrap();
    assert!(state.batch_words > 0);
    state.batch_words = 0;
    let resumed = train::resume::<f32>(&config, state, &mut grokking::train::Silent).unwrap();
    assert_ne!(resumed.model.params, whole.model.params);
}

#[test]
fn a_checkpoint_file_round_trips_the_state_and_is_row_major() {
    let config = configs()[0];
    let state = train_keeping::<f32>(&config, &[70]).1.pop().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = checkpoint::checkpoint_path(dir.path(), 70);
    let schedule = Schedule {
        every: Some(70),
        at: vec![5],
    };
    checkpoint::write_checkpoint(&path, &config, &state, &schedule).unwrap();
    let (meta, back) = checkpoint::read_checkpoint::<f32>(&path).unwrap();
    assert_eq!(meta.config, config);
    assert_eq!(meta.checkpoint.as_ref().unwrap().schedule, schedule);
    assert_eq!(back.model.params, state.model.params);
    assert_eq!(
        back.optimizer.state_matrices(),
        state.optimizer.state_matrices()
    );
    assert_eq!(
        (back.step, back.batch_words),
        (state.step, state.batch_words)
    );
    assert_eq!(back.history, state.history);

    // The layout a numpy reader sees: 8-byte header length, JSON header, row-major little-endian data.
    let bytes = std::fs::read(&path).unwrap();
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + n]).unwrap();
    let w1 = &header["w1"];
    assert_eq!(w1["dtype"], "F32");
    let w = &state.model.params.w1;
    assert_eq!(w1["shape"], serde_json::json!([w.nrows(), w.ncols()]));
    let start = 8 + n + w1["data_offsets"][0].as_u64().unwrap() as usize;
    let second = f32::from_le_bytes(bytes[start + 4..start + 8].try_into().unwrap());
    assert_eq!(second, w[(0, 1)], "entry (0, 1) comes second: row-major");
    for name in [
        "w2",
        "optimizer.w1.m",
        "optimizer.w1.v",
        "optimizer.w2.m",
        "optimizer.w2.v",
    ] {
        assert!(header.get(name).is_some(), "tensor {name}");
    }
    let meta: serde_json::Value =
        serde_json::from_str(header["__metadata__"]["grokking"].as_str().unwrap()).unwrap();
    assert_eq!(meta["step"], 70);
    assert_eq!(meta["config"]["task"]["p"], 23);

    // The same state writes the same bytes.
    let again = dir.path().join("again.safetensors");
    checkpoint::write_checkpoint(&again, &config, &state, &schedule).unwrap();
    assert_eq!(std::fs::read(&again).unwrap(), bytes);

    // A damaged file and a file of the wrong precision are errors, not panics.
    std::fs::write(&again, &bytes[..bytes.len() / 2]).unwrap();
    assert!(checkpoint::read_checkpoint::<f32>(&again).is_err());
    assert!(checkpoint::read_checkpoint::<f64>(&path).is_err());
    std::fs::write(&again, b"not a safetensors file").unwrap();
    assert!(checkpoint::read_weights(&again).is_err());
}
