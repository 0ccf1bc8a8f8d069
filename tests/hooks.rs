//! The trainer's hooks: what the observer sees and when, the gradient transform, the weight hook, early
//! stop, and what each level of `Measures` records. Each test compares against an independent
//! computation, so a hook that is skipped or applied at the wrong time fails it.

use crate::common::small_config;
use grokking::evaluation::Measures;
use grokking::model::{forward_loss, Batch, Model, Params, Workspace};
use grokking::optim::{OptimizerConfig, SgdConfig};
use grokking::task::Labels;
use grokking::train::{self, Observer, Probe, Silent, Steer, TrainConfig, Watch};
use std::ops::ControlFlow;

/// A short full-batch f64 run of a+b mod 23 with plain gradient descent at learning rate `lr`.
fn sgd_config(lr: f64, steps: u64) -> TrainConfig {
    let mut c = small_config(0);
    c.optimizer = OptimizerConfig::Sgd(SgdConfig {
        lr,
        momentum: 0.0,
        nesterov: false,
        weight_decay: 0.0,
    });
    c.steps = steps;
    c.eval_every = 5;
    c.stop_at_grok = false;
    c
}

#[test]
fn the_observer_sees_every_evaluation_step_with_the_gradient_of_those_weights() {
    let config = sgd_config(0.5, 12);
    let split = config
        .task
        .split(config.train_frac, config.seed)
        .expect("split");
    let batch = Batch::<f64>::new(&split.train);
    let mut seen = Vec::new();
    let mut watch = Watch::with_gradient(|probe: &Probe<'_, f64>| {
        // The gradient recomputed from scratch at the observed weights.
        let mut ws = Workspace::default();
        let stats = forward_loss(probe.model, &batch, &mut ws, config.loss, true);
        let mut grads = probe.model.params.zeros_like();
        probe.model.backward(&batch, &mut ws, &mut grads);
        let given = probe.gradient.expect("full batch, asked for");
        assert_eq!(given, &grads, "step {}", probe.step);
        assert_eq!(probe.train.loss, stats.loss);
        assert!(probe.test_acc().is_ok(), "Accuracy measures the test set");
        seen.push(probe.step);
        Ok(())
    });
    train::train_with(&config, Labels::True, Measures::Accuracy, &mut watch).unwrap();
    assert_eq!(
        seen,
        vec![0, 5, 10, 12],
        "step 0, every eval_every, and the last"
    );
}

#[test]
fn the_gradient_transform_reaches_the_optimizer() {
    // Doubling every gradient under SGD is exactly SGD at twice the learning rate (×2 is exact).
    struct Double;
    impl Observer<f64> for Double {
        fn transform_gradient(&mut self, _step: u64, g: &mut Params<f64>) {
            g.w1 *= 2.0;
            g.w2 *= 2.0;
        }
    }
    let doubled = train::train_with(
        &sgd_config(0.25, 20),
        Labels::True,
        Measures::Training,
        &mut Double,
    )
    .unwrap();
    let plain = train::train_with(
        &sgd_config(0.5, 20),
        Labels::True,
        Measures::Training,
        &mut Silent,
    )
    .unwrap();
    assert_eq!(doubled.model.params, plain.model.params);
    let untouched = train::train_with(
        &sgd_config(0.25, 20),
        Labels::True,
        Measures::Training,
        &mut Silent,
    )
    .unwrap();
    assert_ne!(
        untouched.model.params, plain.model.params,
        "the test can fail"
    );
}

#[test]
fn the_weight_hook_holds_from_the_initial_weights_to_the_last_update() {
    // Zero the first row of W2 (one class never scores): a constraint every probe must see.
    struct ZeroRow {
        calls: Vec<u64>,
    }
    impl Observer<f64> for ZeroRow {
        fn constrain(&mut self, step: u64, p: &mut Params<f64>) {
            p.w2.row_mut(0).fill(0.0);
            self.calls.push(step);
        }
        fn observe(&mut self, probe: &Probe<'_, f64>) -> grokking::Result<ControlFlow<()>> {
            assert!(probe.model.params.w2.row(0).iter().all(|&v| v == 0.0));
            Ok(ControlFlow::Continue(()))
        }
    }
    let mut hook = ZeroRow { calls: Vec::new() };
    let t = train::train_with(
        &sgd_config(0.5, 7),
        Labels::True,
        Measures::Training,
        &mut hook,
    )
    .unwrap();
    assert_eq!(hook.calls, (0..=7).collect::<Vec<_>>());
    assert!(t.model.params.w2.row(0).iter().all(|&v| v == 0.0));
    assert!(t.model.params.w2.row(1).iter().any(|&v| v != 0.0));
}

#[test]
fn an_observer_can_stop_the_run_and_the_weights_are_those_of_that_step() {
    let config = sgd_config(0.5, 40);
    let mut stop = Steer(|probe: &Probe<'_, f64>| {
        Ok(if probe.step == 15 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        })
    });
    let stopped = train::train_with(&config, Labels::True, Measures::Accuracy, &mut stop).unwrap();
    assert_eq!(stopped.history.steps_run, 15);
    assert_eq!(stopped.history.last().unwrap().step, 15);
    let short = TrainConfig {
        steps: 15,
        ..config
    };
    let reference = train::train::<f64>(&short, &mut Silent).unwrap();
    assert_eq!(stopped.model.params, reference.model.params);
}

#[test]
fn measures_decide_what_an_evaluation_records() {
    let config = sgd_config(0.5, 10);
    let run =
        |measures| train::train_with::<f64>(&config, Labels::True, measures, &mut Silent).unwrap();
    let (full, accuracy, training) = (
        run(Measures::Full),
        run(Measures::Accuracy),
        run(Measures::Training),
    );
    assert!(training.history.records.is_empty());
    assert_eq!(full.history.records.len(), accuracy.history.records.len());
    for (f, a) in full.history.records.iter().zip(&accuracy.history.records) {
        assert_eq!(
            (f.train_loss, f.test_acc, f.weight_norm),
            (a.train_loss, a.test_acc, a.weight_norm)
        );
        assert!(f.fourier_concentration.is_some() && a.fourier_concentration.is_none());
    }
    // The level changes what is measured, never the training itself.
    assert_eq!(full.model.params, training.model.params);
    let mut asks = Watch::new(|probe: &Probe<'_, f64>| probe.test_acc().map(|_| ()));
    assert!(train::train_with(&config, Labels::True, Measures::Training, &mut asks).is_err());
}

#[test]
fn random_labels_replace_the_training_labels_only() {
    let config = small_config(3);
    let truth = config.task.split(config.train_frac, config.seed).unwrap();
    let random = config
        .task
        .labelled_split(config.train_frac, config.seed, Labels::Random)
        .unwrap();
    assert_eq!(truth.test, random.test);
    assert_eq!(truth.train.inputs, random.train.inputs);
    let same = truth
        .train
        .labels
        .iter()
        .zip(&random.train.labels)
        .filter(|(a, b)| a == b)
        .count();
    assert!(
        same * 10 < truth.train.len(),
        "{same} of {} labels unchanged",
        truth.train.len()
    );
}

#[test]
fn a_model_of_another_configuration_is_an_error() {
    let config = sgd_config(0.5, 3);
    let split = config
        .task
        .split(config.train_frac, config.seed)
        .expect("split");
    let mut other = config.model;
    other.width += 1;
    let model = Model::<f64>::init(&config.task, other, 0).unwrap();
    assert!(train::train_on(&config, &split, model, Measures::Training, &mut Silent).is_err());
}

#[test]
fn a_mini_batch_probe_sees_the_whole_training_set_and_no_gradient() {
    let mut config = sgd_config(0.5, 10);
    config.batch_size = Some(32);
    let split = config
        .task
        .split(config.train_frac, config.seed)
        .expect("split");
    let batch = Batch::<f64>::new(&split.train);
    let mut seen = 0;
    let mut watch = Watch::with_gradient(|probe: &Probe<'_, f64>| {
        let mut ws = Workspace::default();
        let whole = forward_loss(probe.model, &batch, &mut ws, config.loss, false);
        assert_eq!(probe.train.loss, whole.loss, "step {}", probe.step);
        assert!(
            probe.gradient.is_none(),
            "no full-batch gradient in a mini-batch run"
        );
        seen += 1;
        Ok(())
    });
    train::train_with(&config, Labels::True, Measures::Training, &mut watch).unwrap();
    assert_eq!(seen, 3);
}
