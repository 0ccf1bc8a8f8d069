//! The training loop: grokking on a small problem, determinism, mini-batches, divergence, bad configs.

use crate::common::small_config;
use grokking::error::Error;
use grokking::model::Model;
use grokking::optim::{OptimizerConfig, SgdConfig};
use grokking::report::{self, read_metrics};
use grokking::run::{self, Progress};
use grokking::train::{self, Silent, TrainConfig};

fn train32(c: &TrainConfig) -> train::Trained<f32> {
    train::train::<f32>(c, &mut Silent).expect("training succeeds")
}

#[test]
fn small_run_memorizes_then_groks_much_later() {
    for seed in 0..3 {
        let h = train32(&small_config(seed)).history;
        let (t_mem, t_grok) = (h.t_mem.expect("memorizes"), h.t_grok.expect("groks"));
        let last = h.last().unwrap();
        assert!(
            last.test_acc >= 0.99 && last.train_acc >= 0.99,
            "seed {seed}: {last:?}"
        );
        assert!(
            t_grok >= 10 * t_mem,
            "seed {seed}: t_grok {t_grok} is not ≥ 10 t_mem {t_mem}"
        );
        let at_mem = h.records.iter().find(|r| r.step >= t_mem).unwrap();
        assert!(
            at_mem.test_acc < 0.5,
            "seed {seed}: at memorization the test accuracy is still low, got {}",
            at_mem.test_acc
        );
        assert!(h.t_grok95.unwrap() <= t_grok);
    }
}

#[test]
fn same_seed_gives_identical_histories_at_one_and_two_threads() {
    let c = TrainConfig {
        steps: 300,
        stop_at_grok: false,
        ..small_config(5)
    };
    let in_pool = |threads| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut h = pool.install(|| train32(&c).history);
        h.ms_per_step = None;
        h
    };
    let one = in_pool(1);
    assert_eq!(one, in_pool(2));
    assert_eq!(one, in_pool(1));
    let other = TrainConfig { seed: 6, ..c };
    assert_ne!(
        one.records,
        train32(&other).history.records,
        "another seed gives other numbers"
    );
}

#[test]
fn mini_batches_are_seeded_and_train() {
    let c = TrainConfig {
        batch_size: Some(128),
        steps: 400,
        stop_at_grok: false,
        ..small_config(1)
    };
    let a = train32(&c).history;
    let b = train32(&c).history;
    assert_eq!(a.records, b.records);
    assert!(
        a.last().unwrap().train_acc > 0.9,
        "mini-batch AdamW fits the training set: {:?}",
        a.last()
    );
    let full = train32(&TrainConfig {
        batch_size: None,
        ..c
    })
    .history;
    assert_ne!(a.records, full.records);
}

#[test]
fn f32_and_f64_training_agree() {
    // Same initial weights (drawn in f64); 200 full-batch AdamW steps. Measured: the largest relative
    // difference in training loss along the run is below 1e-4 and t_mem is identical.
    let c = TrainConfig {
        steps: 200,
        stop_at_grok: false,
        ..small_config(2)
    };
    let a = train::train::<f32>(&c, &mut Silent).unwrap().history;
    let b = train::train::<f64>(&c, &mut Silent).unwrap().history;
    assert_eq!(a.t_mem, b.t_mem);
    for (x, y) in a.records.iter().zip(&b.records) {
        let rel = (x.train_loss - y.train_loss).abs() / y.train_loss;
        assert!(
            rel < F32_F64_LOSS_TOL,
            "step {}: f32 loss {} vs f64 {}",
            x.step,
            x.train_loss,
            y.train_loss
        );
        assert!((x.weight_norm - y.weight_norm).abs() / y.weight_norm < F32_F64_LOSS_TOL);
    }
}
/// Relative agreement of f32 and f64 training curves over 200 steps (see the test).
const F32_F64_LOSS_TOL: f64 = 1e-3;

#[test]
fn one_f32_gradient_agrees_with_f64() {
    let c = small_config(3);
    let m64 = Model::<f64>::init(&c.task, c.model, c.seed).unwrap();
    let m32 = Model::<f32>::from_params(&c.task, c.model, m64.params.cast()).unwrap();
    let split = c.task.split(c.train_frac, c.seed).unwrap();
    fn grad<T: grokking::real::Real>(
        m: &Model<T>,
        ex: &grokking::task::Examples,
    ) -> grokking::model::Params<f64> {
        let batch = grokking::model::Batch::new(ex);
        let mut ws = grokking::model::Workspace::default();
        grokking::model::forward_loss(
            m,
            &batch,
            &mut ws,
            grokking::loss::LossKind::CrossEntropy,
            true,
        );
        let mut g = m.params.zeros_like();
        m.backward(&batch, &mut ws, &mut g);
        g.cast()
    }
    let (g32, g64) = (grad(&m32, &split.train), grad(&m64, &split.train));
    for (a, b) in g32.matrices().iter().zip(g64.matrices()) {
        let rel = (*a - b).norm() / b.norm();
        // f32 has ε = 6e-8; sums of a few hundred terms lose at most a few hundred ε in the worst case.
        assert!(rel < 1e-5, "relative gradient difference {rel:e}");
    }
}

#[test]
fn divergence_names_the_step_and_keeps_the_metrics_valid() {
    let dir = tempfile::tempdir().unwrap();
    let c = TrainConfig {
        optimizer: OptimizerConfig::Sgd(SgdConfig {
            lr: 1e30,
            momentum: 0.0,
            nesterov: false,
            weight_decay: 0.0,
        }),
        eval_every: 1,
        ..small_config(0)
    };
    let err = run::run(&c, dir.path(), Progress::Hidden, &Default::default())
        .expect_err("lr 1e30 diverges");
    let Error::NonFinite { step, .. } = err else {
        panic!("expected NonFinite, got {err}")
    };
    assert!(step >= 1, "the initial weights are finite");
    assert!(err.to_string().contains(&format!("step {step}")));
    let rows = read_metrics(&dir.path().join(report::METRICS_FILE))
        .expect("metrics.csv stays a valid CSV");
    assert_eq!(
        rows.len() as u64,
        step,
        "one row per evaluated step before the divergence"
    );
    assert!(rows.iter().all(|r| r.train_loss.is_finite()));
    assert!(
        !dir.path().join(report::SUMMARY_FILE).exists(),
        "no summary of a diverged run"
    );
}

#[test]
fn invalid_training_configs_are_errors() {
    let base = small_config(0);
    let mut bad = vec![
        TrainConfig {
            eval_every: 0,
            ..base
        },
        TrainConfig {
            batch_size: Some(0),
            ..base
        },
        TrainConfig {
            train_frac: 1.0,
            ..base
        },
    ];
    for (stop_after_grok, stop_at_grok) in [(1.0, false), (f64::NAN, false), (1.5, true)] {
        bad.push(TrainConfig {
            stop_after_grok: Some(stop_after_grok),
            stop_at_grok,
            ..base
        });
    }
    for k in [0, 15] {
        bad.push(TrainConfig {
            fourier_every: Some(k),
            ..base
        });
    }
    let mut m = base;
    m.model.alpha = 0.0;
    bad.push(m);
    let mut m = base;
    m.model.width = 0;
    bad.push(m);
    let mut m = base;
    m.optimizer = OptimizerConfig::Sgd(SgdConfig {
        lr: -1.0,
        momentum: 0.0,
        nesterov: false,
        weight_decay: 0.0,
    });
    bad.push(m);
    let mut m = base;
    m.optimizer = OptimizerConfig::Sgd(SgdConfig {
        lr: 0.1,
        momentum: 1.5,
        nesterov: false,
        weight_decay: 0.0,
    });
    bad.push(m);
    for c in bad {
        let err = train::train::<f32>(&c, &mut Silent).expect_err("invalid config");
        assert!(matches!(err, Error::InvalidConfig(_)), "{err}");
    }
}

#[test]
fn zero_steps_evaluates_the_initial_weights_only() {
    let h = train32(&TrainConfig {
        steps: 0,
        ..small_config(0)
    })
    .history;
    assert_eq!((h.records.len(), h.steps_run, h.ms_per_step), (1, 0, None));
    assert!(
        h.records[0].test_acc < 0.2,
        "random weights are near chance (1/23)"
    );
}

/// `stop_after_grok` ends the run at its first evaluation at or after $1.5\,t_{grok}$ with the bits of the run
/// without it; `fourier_every` leaves the Fourier fields (and spectra) of the other evaluations empty and
/// changes nothing else.
#[test]
fn a_run_ends_after_its_cleanup_shows_and_measures_fourier_on_its_own_schedule() {
    let base = TrainConfig {
        stop_at_grok: false,
        steps: 4000,
        ..small_config(0)
    };
    let whole = train32(&base).history;
    let t_grok = whole.t_grok.expect("the small run groks");
    let short = train32(&TrainConfig {
        stop_after_grok: Some(1.5),
        fourier_every: Some(50),
        ..base
    })
    .history;
    let end = (1.5 * t_grok as f64 / 10.0).ceil() as u64 * 10;
    assert!(
        end < base.steps,
        "t_grok {t_grok}: the stop is inside the budget"
    );
    assert_eq!((short.steps_run, short.t_grok), (end, Some(t_grok)));
    assert_eq!(short.records.last().map(|r| r.step), Some(end));
    let fourier_at: Vec<u64> = short
        .records
        .iter()
        .filter(|r| r.fourier_concentration.is_some())
        .map(|r| r.step)
        .collect();
    let want: Vec<u64> = (0..=end).filter(|s| s % 50 == 0 || *s == end).collect();
    assert_eq!(fourier_at, want);
    let spectra: Vec<u64> = short.embedding_spectra.iter().map(|s| s.0).collect();
    assert_eq!(spectra, want);
    for r in &short.records {
        let w = whole.records.iter().find(|w| w.step == r.step).unwrap();
        let measured = want.contains(&r.step);
        assert_eq!(r.excluded_loss.is_some(), measured, "step {}", r.step);
        let mut expect = *w;
        if !measured {
            expect.fourier_concentration = None;
            expect.fourier_ipr = None;
            expect.restricted_loss = None;
            expect.restricted_test_loss = None;
            expect.excluded_loss = None;
        }
        assert_eq!(*r, expect, "step {}", r.step);
    }
}
