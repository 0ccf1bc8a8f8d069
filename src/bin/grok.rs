//! `grok`: reproduce grokking, train single runs, and sweep grids of runs. See `grok --help` and the
//! CLI contract in the README. The library never sees clap: arguments become `TrainConfig`s here.

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use grokking::config::{self, CANONICAL_ADAMW, DEFAULT_MUON, DEFAULT_SGD};
use grokking::loss::LossKind;
use grokking::measure::ablation;
use grokking::measure::fourier::Fourier;
use grokking::measure::phases::Phases;
use grokking::measure::spectrum::{norm_trajectory, recorded_t_mem, NormPoint};
use grokking::measure::summary::{analyse, FourierSummary};
use grokking::model::{Activation, ModelConfig};
use grokking::optim::{AdamWConfig, MuonConfig, OptimizerConfig, Orthogonalizer, SgdConfig};
use grokking::report::weights::{Weights, WEIGHTS_FILE};
use grokking::report::{self, Summary};
use grokking::run::{self, Progress};
use grokking::task::{Operation, Task};
use grokking::train::{History, Precision, TrainConfig};
use grokking_theorems as theorems;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Mutex;

#[derive(Parser)]
#[command(
    name = "grok",
    version,
    about = "Reproduce grokking on modular arithmetic and check its theory."
)]
struct Cli {
    /// Worker threads for matrix products and element-wise work (default: all cores).
    #[arg(long, global = true)]
    threads: Option<usize>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// The canonical grokking run (a+b mod 97, ReLU MLP, AdamW, full batch). The default command.
    Reproduce(ReproduceArgs),
    /// Train one configuration.
    Train(TrainArgs),
    /// Train a grid of configurations in parallel; one JSON line per finished run on stdout.
    Sweep(SweepArgs),
    /// The claims ledger: run the checks of the registered theorems (all, or the given ids) and print one
    /// row per checked claim; exits non-zero if any claim fails its own check.
    Check(CheckArgs),
    /// Analyse a finished run: Fourier statistics of its final weights, restricted and excluded loss
    /// for growing sets of key frequencies, its phases; rewrites its progress.svg and fourier.svg.
    Fourier(FourierArgs),
    /// Train one configuration in f64 (full batch) and record the singular values of W1 and W2 at every
    /// evaluation: singular_w1.csv, singular_w2.csv (step, then sigma_1, sigma_2, ... descending), those
    /// of the training-loss gradients in singular_g1.csv, singular_g2.csv (weight decay not included),
    /// the Fourier concentration of the 16 leading input-side singular directions of the W1 gradient in
    /// singular_g1_fourier.csv (Z_p tasks), and singular.svg (the weights' largest eight against the step,
    /// t_mem marked).
    Singular(TrainArgs),
}

#[derive(Args)]
struct CheckArgs {
    /// Theorem ids (e.g. T1-kernel) or families (T2 = every T2-…); all registered theorems when omitted.
    ids: Vec<String>,
    /// Small budgets (about a minute per theorem on 2 cores).
    #[arg(long)]
    quick: bool,
    /// Print the ledger as one JSON object on stdout (and nothing else there).
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct FourierArgs {
    /// Run directory (holding summary.json, weights.json, metrics.csv and, for Z_p tasks, spectrum.csv).
    #[arg(long)]
    run: PathBuf,
    /// Print the analysis as one JSON object on stdout (and nothing else there).
    #[arg(long)]
    json: bool,
}

#[derive(Args, Default)]
struct ReproduceArgs {
    /// Master seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Optimizer updates.
    #[arg(long, default_value_t = config::CANONICAL_STEPS)]
    steps: u64,
    /// Output directory [default: runs/canonical_s<seed>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print the summary as one JSON object on stdout (and nothing else there).
    #[arg(long)]
    json: bool,
}

/// Hyperparameters of a run. Every option marked "list" takes one value in `train` and a comma-separated
/// list (a grid axis) in `sweep`.
#[derive(Args, Clone)]
struct Hyper {
    /// Task (list): add, sub, mul, div, sum_squares, quad_form, cubic_plus, or parity.
    #[arg(long, value_delimiter = ',', default_value = "add")]
    task: Vec<TaskName>,
    /// Modulus p (list).
    #[arg(long, value_delimiter = ',', default_value = "97")]
    p: Vec<u32>,
    /// Sparse parity: number of input bits n.
    #[arg(long, default_value_t = 10)]
    bits: u32,
    /// Sparse parity: support size k.
    #[arg(long, default_value_t = 3)]
    k: u32,
    /// Training fraction in (0, 1) (list).
    #[arg(long, value_delimiter = ',', default_value = "0.4")]
    train_frac: Vec<f64>,
    /// Hidden width N (list).
    #[arg(long, value_delimiter = ',', default_value = "256")]
    width: Vec<usize>,
    /// Activation: relu, quad (z²) or gelu.
    #[arg(long, default_value = "relu")]
    act: Activation,
    /// Loss: ce or mse.
    #[arg(long, default_value = "ce")]
    loss: LossKind,
    /// Optimizer: adamw, sgd or muon.
    #[arg(long, default_value = "adamw")]
    opt: OptName,
    /// Learning rate (list) [default: 3e-3 adamw, 0.1 sgd, 0.05 muon].
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    lr: Vec<f64>,
    /// Weight decay (list) [default: 1.0 adamw, 0 sgd, 0.1 muon]; decoupled for adamw and muon, L2 for sgd.
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    wd: Vec<f64>,
    /// Init scale alpha (list).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "1",
        allow_negative_numbers = true
    )]
    alpha: Vec<f64>,
    /// Output multiplier kappa in f = kappa W2 h.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    kappa: f64,
    /// AdamW beta1.
    #[arg(long, default_value_t = CANONICAL_ADAMW.beta1)]
    beta1: f64,
    /// AdamW beta2.
    #[arg(long, default_value_t = CANONICAL_ADAMW.beta2)]
    beta2: f64,
    /// AdamW epsilon.
    #[arg(long, default_value_t = CANONICAL_ADAMW.eps)]
    eps: f64,
    /// Momentum for sgd [default 0.9] or muon [default 0.95].
    #[arg(long)]
    momentum: Option<f64>,
    /// Use Nesterov momentum with sgd (muon always uses it).
    #[arg(long)]
    nesterov: bool,
    /// Muon: orthogonalise with the exact polar factor (SVD) instead of Newton–Schulz.
    #[arg(long)]
    exact_polar: bool,
    /// Muon: Newton–Schulz iterations.
    #[arg(long, default_value_t = DEFAULT_MUON.ns_steps)]
    ns_steps: usize,
    /// Mini-batch size (sampled with replacement); omit for full batch.
    #[arg(long)]
    batch: Option<usize>,
    /// Optimizer updates.
    #[arg(long, default_value_t = 10_000)]
    steps: u64,
    /// Evaluate the test set every E steps.
    #[arg(long, default_value_t = 100)]
    eval_every: u64,
    /// Stop at the first evaluation with test accuracy ≥ 99%.
    #[arg(long)]
    stop_at_grok: bool,
    /// Train in f64 instead of f32.
    #[arg(long)]
    f64: bool,
}

#[derive(Args)]
struct TrainArgs {
    #[command(flatten)]
    hyper: Hyper,
    /// Master seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Output directory.
    #[arg(long)]
    out: PathBuf,
    /// Print the summary as one JSON object on stdout (and nothing else there).
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct SweepArgs {
    #[command(flatten)]
    hyper: Hyper,
    /// Seeds: a list `0,3,7`, a half-open range `0..10`, or both `0..5,9`.
    #[arg(long, default_value = "0")]
    seeds: SeedList,
    /// Run only the runs whose grid index is i mod n (`i/n`, 0 ≤ i < n).
    #[arg(long, default_value = "0/1")]
    shard: Shard,
    /// Parent directory; each run writes into a sub-directory named after its configuration.
    #[arg(long)]
    out: PathBuf,
    /// Runs trained at once [default: the number of threads].
    #[arg(long)]
    jobs: Option<usize>,
}

#[derive(Clone, Copy)]
enum TaskName {
    Op(Operation),
    Parity,
}

impl FromStr for TaskName {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        if s == "parity" {
            Ok(TaskName::Parity)
        } else {
            Operation::from_str(s)
                .map(TaskName::Op)
                .map_err(|e| format!("{e}, parity"))
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum OptName {
    AdamW,
    Sgd,
    Muon,
}

impl FromStr for OptName {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "adamw" => Ok(OptName::AdamW),
            "sgd" => Ok(OptName::Sgd),
            "muon" => Ok(OptName::Muon),
            _ => Err(format!(
                "unknown optimizer {s:?}; expected adamw, sgd or muon"
            )),
        }
    }
}

#[derive(Clone)]
struct SeedList(Vec<u64>);

impl FromStr for SeedList {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let mut seeds = Vec::new();
        for part in s.split(',').map(str::trim) {
            let num = |x: &str| {
                x.parse::<u64>()
                    .map_err(|_| format!("bad seed {x:?} in {s:?}"))
            };
            match part.split_once("..") {
                Some((lo, hi)) => {
                    let (lo, hi) = (num(lo)?, num(hi)?);
                    if lo >= hi {
                        return Err(format!("empty seed range {part:?}"));
                    }
                    seeds.extend(lo..hi);
                }
                None => seeds.push(num(part)?),
            }
        }
        Ok(SeedList(seeds))
    }
}

#[derive(Clone, Copy)]
struct Shard {
    index: usize,
    count: usize,
}

impl FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let parsed = s
            .split_once('/')
            .and_then(|(i, n)| Some((i.parse().ok()?, n.parse().ok()?)));
        match parsed {
            Some((index, count)) if index < count => Ok(Shard { index, count }),
            _ => Err(format!("shard must be i/n with 0 ≤ i < n, got {s:?}")),
        }
    }
}

/// One point of the grid: the values of the list options.
#[derive(Clone, Copy)]
struct Point {
    task: TaskName,
    p: u32,
    train_frac: f64,
    width: usize,
    lr: Option<f64>,
    wd: Option<f64>,
    alpha: f64,
    seed: u64,
}

impl Hyper {
    /// All grid points (cartesian product of the list options) for `seeds`, in a fixed order.
    fn grid(&self, seeds: &[u64]) -> Vec<Point> {
        let opt = |v: &Vec<f64>| {
            if v.is_empty() {
                vec![None]
            } else {
                v.iter().copied().map(Some).collect()
            }
        };
        let mut points = Vec::new();
        for &task in &self.task {
            for &p in &self.p {
                for &train_frac in &self.train_frac {
                    for &width in &self.width {
                        for lr in opt(&self.lr) {
                            for wd in opt(&self.wd) {
                                for &alpha in &self.alpha {
                                    for &seed in seeds {
                                        points.push(Point {
                                            task,
                                            p,
                                            train_frac,
                                            width,
                                            lr,
                                            wd,
                                            alpha,
                                            seed,
                                        });
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        points
    }

    /// The configuration of one grid point.
    fn config(&self, pt: &Point) -> Result<TrainConfig> {
        let task = match pt.task {
            TaskName::Op(op) => Task::Modular { op, p: pt.p },
            TaskName::Parity => Task::SparseParity {
                n_bits: self.bits,
                k: self.k,
            },
        };
        let optimizer = match self.opt {
            OptName::AdamW => OptimizerConfig::AdamW(AdamWConfig {
                lr: pt.lr.unwrap_or(CANONICAL_ADAMW.lr),
                beta1: self.beta1,
                beta2: self.beta2,
                eps: self.eps,
                weight_decay: pt.wd.unwrap_or(CANONICAL_ADAMW.weight_decay),
            }),
            OptName::Sgd => OptimizerConfig::Sgd(SgdConfig {
                lr: pt.lr.unwrap_or(DEFAULT_SGD.lr),
                momentum: self.momentum.unwrap_or(DEFAULT_SGD.momentum),
                nesterov: self.nesterov,
                weight_decay: pt.wd.unwrap_or(DEFAULT_SGD.weight_decay),
            }),
            OptName::Muon => OptimizerConfig::Muon(MuonConfig {
                lr: pt.lr.unwrap_or(DEFAULT_MUON.lr),
                momentum: self.momentum.unwrap_or(DEFAULT_MUON.momentum),
                nesterov: true,
                weight_decay: pt.wd.unwrap_or(DEFAULT_MUON.weight_decay),
                ns_steps: self.ns_steps,
                orthogonalizer: if self.exact_polar {
                    Orthogonalizer::ExactPolar
                } else {
                    Orthogonalizer::NewtonSchulz
                },
            }),
        };
        if self.opt != OptName::Muon && self.exact_polar {
            bail!("--exact-polar applies to --opt muon only");
        }
        let config = TrainConfig {
            task,
            train_frac: pt.train_frac,
            model: ModelConfig {
                width: pt.width,
                alpha: pt.alpha,
                kappa: self.kappa,
                activation: self.act,
            },
            loss: self.loss,
            optimizer,
            batch_size: self.batch,
            steps: self.steps,
            eval_every: self.eval_every,
            seed: pt.seed,
            stop_at_grok: self.stop_at_grok,
            precision: if self.f64 {
                Precision::F64
            } else {
                Precision::F32
            },
        };
        config.validate()?;
        Ok(config)
    }
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let threads = cli
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if threads == 0 {
        bail!("--threads must be at least 1");
    }
    // Matrix products and element-wise passes both run on this pool (see `grokking::real::gemm`).
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
        .context("starting the thread pool")?;
    match cli.command.unwrap_or(Command::Reproduce(ReproduceArgs {
        steps: config::CANONICAL_STEPS,
        ..Default::default()
    })) {
        Command::Reproduce(a) => reproduce(a),
        Command::Train(a) => train(a),
        Command::Sweep(a) => sweep_runs(a),
        Command::Fourier(a) => fourier(a),
        Command::Check(a) => check(a),
        Command::Singular(a) => singular(a),
    }
}

fn check(a: CheckArgs) -> Result<()> {
    let budget = if a.quick {
        theorems::Budget::Quick
    } else {
        theorems::Budget::Full
    };
    let rows = theorems::run(&a.ids, budget)?;
    if a.json {
        println!("{}", serde_json::json!({ "ledger": rows }));
    } else {
        for row in &rows {
            println!(
                "{} — {} [{}] ({})",
                row.id,
                row.name,
                if row.pass { "PASS" } else { "FAIL" },
                row.note
            );
            for c in &row.checks {
                println!(
                    "  [{}] {} — {}",
                    if c.pass { "pass" } else { "FAIL" },
                    c.status,
                    c.claim
                );
                println!("      predicted: {}", c.prediction);
                println!("      measured:  {}", c.measured);
                println!("      tolerance: {}", c.tolerance);
            }
        }
    }
    let failed: Vec<&str> = rows
        .iter()
        .filter(|r| !r.pass)
        .map(|r| r.id.as_str())
        .collect();
    if !failed.is_empty() {
        bail!("claims failing their own check: {}", failed.join(", "));
    }
    Ok(())
}

/// Restricted and excluded loss of the final weights for one set of key frequencies.
#[derive(serde::Serialize)]
struct KeyedAblation {
    /// The key frequencies: the `n` most common dominant frequencies of the neurons.
    frequencies: Vec<usize>,
    restricted_loss: f64,
    restricted_test_loss: Option<f64>,
    excluded_loss: f64,
}

/// What `grok fourier` reports.
#[derive(serde::Serialize)]
struct FourierReport {
    run: PathBuf,
    t_mem: Option<u64>,
    t_grok: Option<u64>,
    phases: Phases,
    fourier: Option<FourierSummary>,
    ablations: Vec<KeyedAblation>,
}

fn fourier(a: FourierArgs) -> Result<()> {
    let dir = &a.run;
    let summary = Summary::read(&dir.join(report::SUMMARY_FILE))?;
    let weights = Weights::read(&dir.join(WEIGHTS_FILE))?;
    let model = weights.model()?;
    let config = &weights.config;
    let spectrum_file = dir.join(report::SPECTRUM_FILE);
    let history = History {
        records: report::read_metrics(&dir.join(report::METRICS_FILE))?,
        t_mem: summary.t_mem,
        t_grok: summary.t_grok,
        t_grok95: summary.t_grok95,
        steps_run: summary.steps_run,
        ms_per_step: summary.ms_per_step,
        embedding_spectra: if spectrum_file.exists() {
            report::read_spectra(&spectrum_file)?
        } else {
            Vec::new()
        },
    };
    let phases = Phases::detect(&history);
    let mut planner = Fourier::new();
    let analysis = analyse(&model, &config.task, &mut planner);
    let mut ablations = Vec::new();
    if let Some(f) = &analysis {
        let n = f.key_frequencies.len();
        let mut sizes: Vec<usize> = [1, 2, 4, 8, 16].into_iter().filter(|&m| m < n).collect();
        sizes.push(n);
        let key_sets: Vec<Vec<usize>> = sizes
            .iter()
            .map(|&m| f.key_frequencies[..m].to_vec())
            .collect();
        let split = config.task.split(config.train_frac, config.seed)?;
        let losses = ablation::of_model(
            &model,
            &config.task,
            config.loss,
            &split,
            &key_sets,
            &mut planner,
        );
        for (keys, l) in key_sets.into_iter().zip(losses) {
            if let Some(l) = l {
                ablations.push(KeyedAblation {
                    frequencies: keys,
                    restricted_loss: l.restricted,
                    restricted_test_loss: l.restricted_held_out,
                    excluded_loss: l.excluded,
                });
            }
        }
    }
    run::write_plots_and_spectra(dir, &history, &phases, &run::title(config))?;
    let out = FourierReport {
        run: dir.clone(),
        t_mem: summary.t_mem,
        t_grok: summary.t_grok,
        phases,
        fourier: analysis,
        ablations,
    };
    if a.json {
        println!("{}", serde_json::to_string(&out)?);
        return Ok(());
    }
    println!("grok fourier: {} ({})", dir.display(), run::title(config));
    println!("phases: {}", out.phases);
    match &out.fourier {
        Some(f) => print_fourier(f),
        None => println!("no Fourier analysis: the task is not on Z_p"),
    }
    if !out.ablations.is_empty() {
        println!("restricted (all pairs; held out) and excluded loss of the final weights, keeping the n most common key frequencies:");
        for k in &out.ablations {
            println!(
                "  n = {:3}: restricted {:.4}; held out {}; excluded {:.4}",
                k.frequencies.len(),
                k.restricted_loss,
                k.restricted_test_loss
                    .map_or("n/a".into(), |l| format!("{l:.4}")),
                k.excluded_loss
            );
        }
    }
    println!(
        "wrote {}/{{progress.svg{}}}",
        dir.display(),
        if history.embedding_spectra.len() >= 2 {
            ", fourier.svg"
        } else {
            ""
        }
    );
    Ok(())
}

fn reproduce(a: ReproduceArgs) -> Result<()> {
    let mut config = config::canonical(a.seed);
    config.steps = a.steps;
    let out = a
        .out
        .unwrap_or_else(|| PathBuf::from(format!("runs/canonical_s{}", a.seed)));
    if !a.json {
        println!("grok reproduce: {}", run::title(&config));
    }
    let summary = run::run(&config, &out, Progress::Bar)
        .with_context(|| format!("canonical run into {}", out.display()))?;
    report(&summary, &out, a.json)
}

fn singular(a: TrainArgs) -> Result<()> {
    let config = single_config(&a)?;
    if config.batch_size.is_some() {
        bail!("grok singular trains full batch; drop --batch");
    }
    println!("grok singular: {} (f64)", run::title(&config));
    let points = norm_trajectory(&config)?;
    // One (step, values) series per recorded quantity of the trajectory.
    let series = |values: &dyn Fn(&NormPoint) -> &Vec<f64>| -> Vec<(u64, Vec<f64>)> {
        points.iter().map(|q| (q.step, values(q).clone())).collect()
    };
    let (w1, w2) = (series(&|q| &q.singular[0]), series(&|q| &q.singular[1]));
    std::fs::create_dir_all(&a.out).with_context(|| format!("create {}", a.out.display()))?;
    report::write_spectra(&a.out.join("singular_w1.csv"), &w1)?;
    report::write_spectra(&a.out.join("singular_w2.csv"), &w2)?;
    report::write_spectra(
        &a.out.join("singular_g1.csv"),
        &series(&|q| &q.grad_singular[0]),
    )?;
    report::write_spectra(
        &a.out.join("singular_g2.csv"),
        &series(&|q| &q.grad_singular[1]),
    )?;
    let fourier = series(&|q| &q.grad_fourier);
    if fourier.iter().all(|(_, c)| !c.is_empty()) {
        report::write_spectra(&a.out.join("singular_g1_fourier.csv"), &fourier)?;
    }
    let t_mem = recorded_t_mem(&points);
    report::plot::singular::write_singular(
        &a.out.join("singular.svg"),
        &w1,
        &w2,
        t_mem,
        &run::title(&config),
    )?;
    let last = points.last().expect("the last step is recorded");
    println!(
        "t_mem = {}; at the last step |W1|_op {:.3}, |W2|_op {:.3}, |W1|_F {:.3}, |W2|_F {:.3}; wrote {}",
        t_mem.map_or("not reached".into(), |t| t.to_string()),
        last.op[0],
        last.op[1],
        last.fro[0],
        last.fro[1],
        a.out.display()
    );
    Ok(())
}

/// The one configuration of `grok train`-style arguments (an error if a list option has several values).
fn single_config(a: &TrainArgs) -> Result<TrainConfig> {
    let h = &a.hyper;
    for (name, n) in [
        ("task", h.task.len()),
        ("p", h.p.len()),
        ("train-frac", h.train_frac.len()),
        ("width", h.width.len()),
        ("lr", h.lr.len()),
        ("wd", h.wd.len()),
        ("alpha", h.alpha.len()),
    ] {
        if n > 1 {
            bail!("grok train and grok singular take one value of --{name}, got {n}; use grok sweep for a grid");
        }
    }
    let points = h.grid(&[a.seed]);
    h.config(&points[0])
}

fn train(a: TrainArgs) -> Result<()> {
    let config = single_config(&a)?;
    if !a.json {
        println!("grok train: {}", run::title(&config));
    }
    let summary = run::run(&config, &a.out, Progress::Bar)
        .with_context(|| format!("run into {}", a.out.display()))?;
    report(&summary, &a.out, a.json)
}

fn report(s: &Summary, out: &Path, json: bool) -> Result<()> {
    if let Some(w) = s.collapse_warning() {
        eprintln!("{w}");
    }
    if json {
        println!("{}", serde_json::to_string(s)?);
        return Ok(());
    }
    let t = |t: Option<u64>| t.map_or("not reached".to_string(), |t| t.to_string());
    println!(
        "train/test: {} / {} examples, {} steps",
        s.n_train, s.n_test, s.steps_run
    );
    println!("t_mem  = {}", t(s.t_mem));
    println!("t_grok = {}   (95%: {})", t(s.t_grok), t(s.t_grok95));
    println!(
        "t_grok/t_mem = {}",
        s.grok_ratio.map_or("n/a".into(), |r| format!("{r:.1}"))
    );
    println!(
        "final train acc {:.4}, test acc {:.4}, |θ| {:.3}",
        s.final_train_acc, s.final_test_acc, s.weight_norm
    );
    println!(
        "{} ms/step (median), {:.1} s wall",
        s.ms_per_step.map_or("n/a".into(), |m| format!("{m:.3}")),
        s.wall_s
    );
    println!("phases: {}", s.phases);
    if let Some(f) = &s.fourier {
        print_fourier(f);
    }
    println!(
        "wrote {}/{{metrics.csv, summary.json, weights.json, curves.svg, progress.svg{}}}",
        out.display(),
        if s.fourier.is_some() {
            ", spectrum.csv, fourier.svg"
        } else {
            ""
        }
    );
    Ok(())
}

fn print_fourier(f: &FourierSummary) {
    let shown: Vec<String> = f
        .key_frequencies
        .iter()
        .zip(&f.neurons_per_key_frequency)
        .take(10)
        .map(|(k, n)| format!("{k} ({n})"))
        .collect();
    println!(
        "key frequencies: {} distinct; most common (neurons): {}{}",
        f.key_frequencies.len(),
        shown.join(", "),
        if f.key_frequencies.len() > 10 {
            ", …"
        } else {
            ""
        }
    );
    println!(
        "Fourier: median per-neuron concentration {:.3}, IPR {:.4}, top-8 energy fraction {:.3}, logit energy on the (k, k, -k) diagonal {}",
        f.median_concentration,
        f.ipr,
        f.top8_energy_fraction,
        f.diagonal_logit_energy.map_or("n/a".into(), |d| format!("{d:.3}"))
    );
    if let Some(a) = &f.activation {
        println!(
            "activations (2-D DFT over (a, b)): median first-harmonic fraction {:.3}, median a+b-mode fraction {:.3}, {} distinct frequencies, {:.0}% agree with the embedding",
            a.median_first_harmonic_fraction,
            a.median_sum_mode_fraction,
            a.distinct_frequencies,
            100.0 * a.agreement_with_embedding
        );
    }
}

fn sweep_runs(a: SweepArgs) -> Result<()> {
    let grid = a.hyper.grid(&a.seeds.0);
    let mine: Vec<(usize, Point)> = grid
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % a.shard.count == a.shard.index)
        .collect();
    let configs: Vec<TrainConfig> = mine
        .iter()
        .map(|(_, pt)| a.hyper.config(pt))
        .collect::<Result<_>>()?;
    let bar =
        ProgressBar::with_draw_target(Some(configs.len() as u64), ProgressDrawTarget::stderr());
    bar.set_style(ProgressStyle::with_template(
        "[{elapsed_precise}] {bar:32} {pos}/{len} runs {msg}",
    )?);
    let stdout = Mutex::new(std::io::stdout());
    let jobs = a.jobs.unwrap_or_else(rayon::current_num_threads).max(1);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build()?;
    let failures: Vec<String> = pool.install(|| {
        configs
            .par_iter()
            .zip(mine.par_iter())
            .filter_map(|(config, (index, _))| {
                let dir = a.out.join(run_name(config));
                let result = sweep_one(config, &dir, &stdout);
                bar.inc(1);
                result
                    .err()
                    .map(|e| format!("run {index} ({}): {e:#}", dir.display()))
            })
            .collect()
    });
    bar.finish_and_clear();
    if !failures.is_empty() {
        bail!(
            "{} of {} runs failed:\n{}",
            failures.len(),
            configs.len(),
            failures.join("\n")
        );
    }
    Ok(())
}

/// Trains one grid point into `dir` and prints its summary as one JSON line.
fn sweep_one(config: &TrainConfig, dir: &Path, stdout: &Mutex<std::io::Stdout>) -> Result<()> {
    use std::io::Write;
    let summary = run::run(config, dir, Progress::Hidden)?;
    if let Some(w) = summary.collapse_warning() {
        eprintln!("{}: {w}", dir.display());
    }
    let line = serde_json::to_string(&summary)?;
    let mut out = stdout.lock().unwrap_or_else(|e| e.into_inner());
    writeln!(out, "{line}").context("writing to stdout")
}

/// Directory name of a run, unique within a grid: task, fraction, width, optimizer, lr, wd, alpha, seed.
fn run_name(c: &TrainConfig) -> String {
    format!(
        "{}_f{}_N{}_{}_lr{}_wd{}_a{}_s{}",
        c.task.slug(),
        c.train_frac,
        c.model.width,
        match c.optimizer {
            OptimizerConfig::Sgd(_) => "sgd",
            OptimizerConfig::AdamW(_) => "adamw",
            OptimizerConfig::Muon(_) => "muon",
        },
        c.optimizer.lr(),
        c.optimizer.weight_decay(),
        c.model.alpha,
        c.seed
    )
}
