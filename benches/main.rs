//! Criterion benchmarks. `train_step`: one canonical training step (f32, full batch: forward, loss,
//! backward, AdamW) next to the same step's three matrix products alone, so that the overhead of
//! everything else is the ratio of the two, and one evaluation (every `eval_every` = 10 steps in the
//! canonical run). `newton_schulz`: Muon's orthogonalisation of the canonical
//! gradient shapes. `fourier`: the progress measures of one evaluation of a canonical network, and the
//! end-of-run Fourier analysis. `small_net`: a short run of a small network through the trainer
//! (a+b mod 23, N = 64, f = 0.5: the size of many claims' runs, where per-step overheads show).
//! `sweep`: seeds trained side by side as the ledger and `grok sweep` train them (one run per rayon task);
//! seed-steps per second = seeds × steps / time, the figure `../shared/baselines/jax_seeds.py` prints.
//!
//! Run: `cargo bench --bench main -- train_step` (set `RAYON_NUM_THREADS` to fix the threads).

use criterion::{criterion_group, criterion_main, Criterion};
use grokking::config;
use grokking::evaluation::{Evaluator, Measures};
use grokking::loss;
use grokking::measure::ablation;
use grokking::measure::fourier::Fourier;
use grokking::measure::progress::EmbeddingSpectrum;
use grokking::measure::summary::{analyse, summarize};
use grokking::model::{forward_loss, Batch, Model, Workspace};
use grokking::optim::OptimizerConfig;
use grokking::optim::{muon, Optimizer};
use grokking::real::{gemm, Op};
use grokking::task::Labels;
use grokking::train::{self, Silent, TrainConfig};
use nalgebra::DMatrix;
use rayon::prelude::*;
use std::hint::black_box;

fn train_step(c: &mut Criterion) {
    let cfg = config::canonical(0);
    let split = cfg
        .task
        .split(cfg.train_frac, cfg.seed)
        .expect("canonical split");
    let batch = Batch::<f32>::new(&split.train);
    let mut model = Model::<f32>::init(&cfg.task, cfg.model, cfg.seed).expect("canonical model");
    let mut opt = Optimizer::new(cfg.optimizer, &model.params).expect("canonical optimizer");
    let mut grads = model.params.zeros_like();
    let mut ws = Workspace::default();
    // One step outside the timings sizes the workspace, so that any subset of the benches can run.
    forward_loss(&model, &batch, &mut ws, cfg.loss, true);
    model.backward(&batch, &mut ws, &mut grads);
    let mut group = c.benchmark_group("train_step");
    group.sample_size(30);
    // One evaluation (test forward, norms, Fourier measures, restricted/excluded loss), reusing the
    // training logits of the step as the loop does; it runs once every `eval_every` steps. Without the
    // Fourier measures (`evaluation_accuracy`) it is what `fourier_every` leaves between two full ones.
    let mut evaluator = Evaluator::new(&cfg.task, cfg.loss, &split, Measures::Full);
    let train_stats = forward_loss(&model, &batch, &mut ws, cfg.loss, false);
    for (name, fourier) in [("evaluation", true), ("evaluation_accuracy", false)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                black_box(evaluator.evaluate(0, &model, Some((train_stats, &ws.logits)), fourier))
            })
        });
    }
    group.bench_function("full_step", |b| {
        b.iter(|| {
            let stats = forward_loss(&model, &batch, &mut ws, cfg.loss, true);
            model.backward(&batch, &mut ws, &mut grads);
            opt.step(&mut model.params, &grads);
            black_box(stats)
        })
    });
    group.bench_function("forward", |b| b.iter(|| model.forward(&batch, &mut ws)));
    group.bench_function("loss", |b| {
        b.iter(|| {
            black_box(loss::evaluate(
                cfg.loss,
                &ws.logits,
                &batch.labels,
                Some(&mut ws.dlogits),
            ))
        })
    });
    group.bench_function("backward", |b| {
        b.iter(|| model.backward(&batch, &mut ws, &mut grads))
    });
    group.bench_function("optimizer", |b| {
        b.iter(|| opt.step(&mut model.params, &grads))
    });
    let p = &model.params;
    group.bench_function("matmuls_only", |b| {
        b.iter(|| {
            gemm(1.0, &p.w2, Op::N, &ws.h, Op::N, 0.0, &mut ws.logits);
            gemm(1.0, &ws.dlogits, Op::N, &ws.h, Op::T, 0.0, &mut grads.w2);
            gemm(1.0, &p.w2, Op::T, &ws.dlogits, Op::N, 0.0, &mut ws.dh);
        })
    });
    group.bench_function("matmul_logits", |b| {
        b.iter(|| gemm(1.0, &p.w2, Op::N, &ws.h, Op::N, 0.0, &mut ws.logits))
    });
    group.bench_function("matmul_grad_w2", |b| {
        b.iter(|| gemm(1.0, &ws.dlogits, Op::N, &ws.h, Op::T, 0.0, &mut grads.w2))
    });
    group.bench_function("matmul_grad_h", |b| {
        b.iter(|| gemm(1.0, &p.w2, Op::T, &ws.dlogits, Op::N, 0.0, &mut ws.dh))
    });
    group.finish();
}

fn newton_schulz(c: &mut Criterion) {
    let g = DMatrix::<f32>::from_fn(256, 194, |i, j| ((i * 7 + j * 13) % 17) as f32 - 8.0);
    c.bench_function("newton_schulz/256x194", |b| {
        b.iter(|| black_box(muon::newton_schulz(&g, 5)))
    });
}

fn fourier(c: &mut Criterion) {
    // The measures of one evaluation of a canonical network (N = 256, p = 97): the embedding spectrum
    // (512 FFTs of length 97) and the restricted/excluded loss over all frequencies (from the train and
    // test logits the evaluation already has); then the end-of-run analysis (3-D logit spectrum and
    // 256 activation spectra of size 97 × 97).
    let cfg = config::canonical(0);
    let model = Model::<f32>::init(&cfg.task, cfg.model, cfg.seed).expect("canonical model");
    let split = cfg
        .task
        .split(cfg.train_frac, cfg.seed)
        .expect("canonical split");
    let logits = |examples| {
        let mut ws = Workspace::default();
        model.forward(&Batch::<f32>::new(examples), &mut ws);
        ws.logits
    };
    let (train, test) = (logits(&split.train), logits(&split.test));
    let keys = ablation::all_frequencies(97);
    let mut planner = Fourier::new();
    c.bench_function("fourier/embedding_spectrum_p97_n256", |b| {
        b.iter(|| {
            black_box(summarize(
                &EmbeddingSpectrum::of(&model.params.w1, 97, &mut planner),
                None,
                None,
            ))
        })
    });
    c.bench_function("fourier/ablation_losses_p97", |b| {
        b.iter(|| {
            black_box(ablation::ablation_losses(
                &cfg.task,
                &keys,
                cfg.loss,
                (&split.train, &train),
                (&split.test, &test),
                &mut planner,
            ))
        })
    });
    let mut group = c.benchmark_group("fourier");
    group.sample_size(10);
    group.bench_function("end_of_run_analysis_p97_n256", |b| {
        b.iter(|| black_box(analyse(&model, &cfg.task, &mut planner)))
    });
    group.finish();
}

/// `steps` updates of a+b mod `p` at width `width` and training fraction `frac`, seed `seed`, evaluated only
/// at the end (accuracies): the trainer's own loop, which runs on a rayon worker thread.
fn short_run(p: u32, width: usize, frac: f64, steps: u64, seed: u64) -> TrainConfig {
    let adamw = OptimizerConfig::AdamW(config::CANONICAL_ADAMW);
    let mut cfg = config::canonical_add(p, frac, adamw, steps, seed);
    cfg.model.width = width;
    cfg.eval_every = steps;
    cfg
}

fn train_silently(cfg: &TrainConfig) {
    let trained = train::train_with::<f32>(cfg, Labels::True, Measures::Accuracy, &mut Silent);
    black_box(trained.expect("a valid benchmark run"));
}

fn small_net(c: &mut Criterion) {
    let cfg = short_run(23, 64, 0.5, 200, 0);
    let mut group = c.benchmark_group("small_net");
    group.sample_size(20);
    group.bench_function("run_200_steps_p23_n64", |b| b.iter(|| train_silently(&cfg)));
    group.finish();
}

fn sweep(c: &mut Criterion) {
    let mut group = c.benchmark_group("sweep");
    group.sample_size(10);
    // The two sizes of `jax_seeds.py` in ../shared/baselines/README.md: 16 small nets (f = 0.5) and 4
    // canonical ones (f = 0.4).
    for (name, p, width, frac, seeds, steps) in [
        ("16_seeds_200_steps_p23_n64", 23, 64, 0.5, 16, 200),
        ("4_seeds_50_steps_p97_n256", 97, 256, 0.4, 4, 50),
    ] {
        let configs: Vec<TrainConfig> = (0..seeds)
            .map(|s| short_run(p, width, frac, steps, s))
            .collect();
        group.bench_function(name, |b| {
            b.iter(|| configs.par_iter().for_each(train_silently))
        });
    }
    group.finish();
}

/// The column-major strides (row, column) of an operand.
type Strides = (isize, isize);

/// `C = A·B` ($m\times k$ by $k\times n$, shape `(m, k, n)`; `C` column-major) by `matrixmultiply`.
fn by_matrixmultiply(
    (m, k, n): (usize, usize, usize),
    (a, (rsa, csa)): (&[f32], Strides),
    (b, (rsb, csb)): (&[f32], Strides),
    c: &mut [f32],
) {
    assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n);
    // SAFETY: the slices hold the described matrices (lengths checked above).
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            rsa,
            csa,
            b.as_ptr(),
            rsb,
            csb,
            0.0,
            c.as_mut_ptr(),
            1,
            m as isize,
        )
    }
}

/// The same product by the `gemm` crate, on one thread.
fn by_gemm_crate(
    (m, k, n): (usize, usize, usize),
    (a, (rsa, csa)): (&[f32], Strides),
    (b, (rsb, csb)): (&[f32], Strides),
    c: &mut [f32],
) {
    assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n);
    // SAFETY: as above; `gemm` takes (column, row) strides, and C is overwritten (read_dst false).
    unsafe {
        ::gemm::gemm(
            m,
            n,
            k,
            c.as_mut_ptr(),
            m as isize,
            1,
            false,
            a.as_ptr(),
            csa,
            rsa,
            b.as_ptr(),
            csb,
            rsb,
            0.0f32,
            1.0f32,
            false,
            false,
            false,
            ::gemm::Parallelism::None,
        )
    }
}

/// A product back-end: shape, A with its strides, B with its strides, C.
type Product = fn((usize, usize, usize), (&[f32], Strides), (&[f32], Strides), &mut [f32]);

fn gemm_backends(c: &mut Criterion) {
    // The canonical step's products: logits W2·H, the readout gradient dF·Hᵀ, the hidden gradient W2ᵀ·dF.
    let (p, width, n) = (97usize, 256usize, 3764usize);
    let fill = |len: usize, salt: usize| -> Vec<f32> {
        (0..len)
            .map(|i| ((i * 7919 + salt * 104_729) % 2003) as f32 / 2003.0 - 0.5)
            .collect()
    };
    let (w2, h, df) = (fill(p * width, 1), fill(width * n, 2), fill(p * n, 3));
    let (pi, wi) = (p as isize, width as isize);
    let products = [
        (
            "logits",
            (p, width, n),
            (&w2[..], (1, pi)),
            (&h[..], (1, wi)),
        ),
        (
            "grad_w2",
            (p, n, width),
            (&df[..], (1, pi)),
            (&h[..], (wi, 1)),
        ),
        (
            "grad_h",
            (width, p, n),
            (&w2[..], (pi, 1)),
            (&df[..], (1, pi)),
        ),
    ];
    let backends: [(&str, Product); 2] = [
        ("matrixmultiply", by_matrixmultiply),
        ("gemm_crate", by_gemm_crate),
    ];
    let mut group = c.benchmark_group("gemm");
    group.sample_size(30);
    for (name, shape, a, b) in products {
        let mut out = vec![0f32; shape.0 * shape.2];
        for (backend, product) in backends {
            group.bench_function(format!("{name}/{backend}"), |bench| {
                bench.iter(|| product(shape, a, b, &mut out))
            });
        }
    }
    group.finish();
}

criterion_group!(
    benches,
    train_step,
    newton_schulz,
    fourier,
    small_net,
    sweep,
    gemm_backends
);
criterion_main!(benches);
