//! `grok sweep`: a grid of runs trained in parallel, resumable and shardable.
//!
//! Each run writes into `OUT/<run name>`; a run whose directory already holds a `summary.json` of the
//! same configuration is complete and skipped (its summary is printed again), and one with checkpoints
//! but no summary continues from its last checkpoint, so re-running a killed sweep's command finishes
//! it with the numbers of an uninterrupted sweep. Each shard writes its manifest
//! `OUT/sweep_shard_<i>_of_<n>.json` (the grid's size and the shard's run names), which `grok collect`
//! reads to report missing runs and shards.

use crate::hyper::Hyper;
use anyhow::{bail, Context, Result};
use clap::Args;
use grokking::optim::OptimizerConfig;
use grokking::report::checkpoint;
use grokking::report::{self, Summary};
use grokking::run::{self, Progress};
use grokking::train::TrainConfig;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Mutex;

/// Grids larger than this need `--yes`.
pub const CONFIRM_RUNS: u64 = 10_000;
/// Grids larger than this are refused (enumerating them would exhaust memory).
pub const MAX_RUNS: u64 = 10_000_000;

#[derive(Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub hyper: Hyper,
    /// Seeds: a list `0,3,7`, a half-open range `0..10`, or both `0..5,9`.
    #[arg(long, default_value = "0")]
    pub seeds: SeedList,
    /// Run only the runs whose grid index is i mod n (`i/n`, 0 ≤ i < n).
    #[arg(long, default_value = "0/1")]
    pub shard: Shard,
    /// Parent directory; each run writes into a sub-directory named after its configuration.
    #[arg(long)]
    pub out: PathBuf,
    /// Runs trained at once [default: the number of threads].
    #[arg(long)]
    pub jobs: Option<usize>,
    #[command(flatten)]
    pub save: crate::SaveArgs,
    /// Run a grid of more than 10,000 runs.
    #[arg(long)]
    pub yes: bool,
    /// Check the grid and print what would run (the counts on stderr), then stop: nothing is written.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Clone)]
pub struct SeedList(pub Vec<u64>);

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
                    if hi - lo > MAX_RUNS || seeds.len() as u64 + (hi - lo) > MAX_RUNS {
                        return Err(format!("more than {MAX_RUNS} seeds in {s:?}"));
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
pub struct Shard {
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

/// What one shard of a sweep was asked to run: `OUT/sweep_shard_<i>_of_<n>.json`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Manifest {
    /// Runs in the whole grid.
    pub grid_runs: u64,
    /// This shard's index i in `i/n`.
    pub shard_index: usize,
    /// The number of shards n.
    pub shard_count: usize,
    /// The run directories of this shard, in grid order.
    pub runs: Vec<String>,
}

impl Manifest {
    /// The manifest's file name for shard `i/n`.
    pub fn file_name(index: usize, count: usize) -> String {
        format!("sweep_shard_{index}_of_{count}.json")
    }
}

/// What is in a run's directory before the sweep trains it.
pub enum Found {
    /// Nothing of this run (or an interrupted run without checkpoints): train it.
    Fresh,
    /// Checkpoints of this configuration and no summary: continue from the last one.
    Resumable,
    /// A summary of this configuration: skip it.
    Complete(Box<Summary>),
}

/// Looks at `dir`, the directory of a run of `config`; an error if it holds another configuration.
pub fn inspect(dir: &Path, config: &TrainConfig) -> Result<Found> {
    let summary = dir.join(report::SUMMARY_FILE);
    if summary.exists() {
        let s = Summary::read(&summary)?;
        if s.config != *config {
            bail!(
                "{} holds a run of another configuration; move it away or choose another --out",
                dir.display()
            );
        }
        return Ok(Found::Complete(Box::new(s)));
    }
    match checkpoint::checkpoints(dir)?.last() {
        Some((_, path)) => {
            let meta = checkpoint::read_meta(path)?;
            if meta.config != *config {
                bail!(
                    "{} holds checkpoints of another configuration; move it away or choose another --out",
                    dir.display()
                );
            }
            Ok(Found::Resumable)
        }
        None => Ok(Found::Fresh),
    }
}

pub fn sweep(a: SweepArgs) -> Result<()> {
    train_grid(&a, true)
}

/// Trains this shard's runs of the grid of `a` (skipping complete runs, resuming interrupted ones);
/// with `lines`, prints each run's summary as one JSON line on stdout.
pub fn train_grid(a: &SweepArgs, lines: bool) -> Result<()> {
    let schedule = a.save.schedule()?;
    let size = a
        .hyper
        .grid_size(&a.seeds.0)
        .filter(|&n| n <= MAX_RUNS)
        .with_context(|| {
            format!("the grid has more than {MAX_RUNS} runs; split it into several sweeps")
        })?;
    if size > CONFIRM_RUNS && !a.yes {
        bail!("the grid has {size} runs (more than {CONFIRM_RUNS}); pass --yes to run them all");
    }
    let grid = a.hyper.grid(&a.seeds.0);
    let mut names = HashSet::new();
    let mut mine = Vec::new();
    for (index, point) in grid.iter().enumerate() {
        if index % a.shard.count != a.shard.index {
            continue;
        }
        let config = a.hyper.config(point)?;
        config.ensure_fits_memory()?;
        let name = run_name(&config);
        if !names.insert(name.clone()) {
            bail!("the grid holds the run {name} twice (a list repeats a value)");
        }
        mine.push((index, config, name));
    }
    let found: Vec<Found> = mine
        .iter()
        .map(|(_, config, name)| inspect(&a.out.join(name), config))
        .collect::<Result<_>>()?;
    let count = |f: fn(&Found) -> bool| found.iter().filter(|x| f(x)).count();
    let (complete, resumable) = (
        count(|f| matches!(f, Found::Complete(_))),
        count(|f| matches!(f, Found::Resumable)),
    );
    eprintln!(
        "grok sweep: {size} runs in the grid, {} in shard {}/{}: {complete} complete (skipped), {resumable} to resume from checkpoints, {} to train",
        mine.len(),
        a.shard.index,
        a.shard.count,
        mine.len() - complete - resumable
    );
    if a.dry_run {
        return Ok(());
    }
    std::fs::create_dir_all(&a.out).with_context(|| format!("create {}", a.out.display()))?;
    let manifest = Manifest {
        grid_runs: size,
        shard_index: a.shard.index,
        shard_count: a.shard.count,
        runs: mine.iter().map(|(_, _, name)| name.clone()).collect(),
    };
    report::write_atomic(
        &a.out
            .join(Manifest::file_name(a.shard.index, a.shard.count)),
        serde_json::to_string_pretty(&manifest)?.as_bytes(),
    )?;

    let stdout = Mutex::new(std::io::stdout());
    for f in &found {
        if let (Found::Complete(s), true) = (f, lines) {
            print_line(s, &stdout)?;
        }
    }
    let bar = ProgressBar::with_draw_target(Some(mine.len() as u64), ProgressDrawTarget::stderr());
    bar.set_style(ProgressStyle::with_template(
        "[{elapsed_precise}] {bar:32} {pos}/{len} runs (eta {eta}) {msg}",
    )?);
    bar.set_position(complete as u64);
    bar.reset_eta();
    let jobs = a.jobs.unwrap_or_else(rayon::current_num_threads).max(1);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build()?;
    let todo: Vec<(&(usize, TrainConfig, String), &Found)> = mine
        .iter()
        .zip(&found)
        .filter(|(_, f)| !matches!(f, Found::Complete(_)))
        .collect();
    let failures: Vec<String> = pool.install(|| {
        todo.par_iter()
            .filter_map(|((index, config, name), found)| {
                let dir = a.out.join(name);
                let result = match found {
                    Found::Resumable => run::resume(&dir, Progress::Hidden).map(|(s, _)| s),
                    _ => run::run(config, &dir, Progress::Hidden, &schedule),
                }
                .map_err(anyhow::Error::from)
                .and_then(|s| {
                    if let Some(w) = s.collapse_warning() {
                        bar.suspend(|| eprintln!("{}: {w}", dir.display()));
                    }
                    if lines {
                        print_line(&s, &stdout)?;
                    }
                    Ok(())
                });
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
            mine.len(),
            failures.join("\n")
        );
    }
    Ok(())
}

/// Prints `summary` as one JSON line.
fn print_line(summary: &Summary, stdout: &Mutex<std::io::Stdout>) -> Result<()> {
    use std::io::Write;
    let line = serde_json::to_string(summary)?;
    let mut out = stdout.lock().unwrap_or_else(|e| e.into_inner());
    writeln!(out, "{line}").context("writing to stdout")
}

/// Directory name of a run, unique within a grid: task, fraction, width, optimizer, lr, wd, alpha, seed.
pub fn run_name(c: &TrainConfig) -> String {
    format!(
        "{}_f{}_N{}_{}_lr{}_wd{}_a{}_s{}",
        c.task.slug(),
        number(c.train_frac),
        c.model.width,
        match c.optimizer {
            OptimizerConfig::Sgd(_) => "sgd",
            OptimizerConfig::AdamW(_) => "adamw",
            OptimizerConfig::Muon(_) => "muon",
            OptimizerConfig::Egd(_) => "egd",
        },
        number(c.optimizer.lr()),
        number(c.optimizer.weight_decay()),
        number(c.model.alpha),
        c.seed
    )
}

/// `x` as Rust prints it (`0.003`), or in exponent form (`1e300`) where that is shorter than 12
/// characters and the plain form is not: names stay short and distinct values stay distinct.
fn number(x: f64) -> String {
    let plain = x.to_string();
    if plain.len() <= 12 {
        plain
    } else {
        format!("{x:e}")
    }
}
