//! `grok`: reproduce grokking, train single runs, sweep grids of runs, collect their summaries, check the
//! claims. See `grok --help` and the CLI contract in the README. The library never sees clap:
//! arguments become `TrainConfig`s here.
//!
//! A user error (bad flag values, a run that would not fit in memory, a missing file) prints one line,
//! `error: ` and the error chain, and exits with status 1, without a backtrace even under
//! `RUST_BACKTRACE`; a panic (a bug) keeps Rust's report.

mod collect;
mod hyper;
mod phase;
mod sweep;

use anyhow::{bail, Context, Result};
use clap::parser::ValueSource;
use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use grokking::config;
use grokking::measure::ablation;
use grokking::measure::fourier::Fourier;
use grokking::measure::phases::Phases;
use grokking::measure::spectrum::{norm_trajectory, recorded_t_mem, NormPoint};
use grokking::measure::summary::{analyse, FourierSummary};
use grokking::report::checkpoint::{self, Schedule};
use grokking::report::plot::figure::Figure;
use grokking::report::{self, Summary};
use grokking::run::{self, Progress};
use grokking::train::History;
use grokking_theorems as theorems;
use hyper::Hyper;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

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
    /// Train one configuration, or continue one from its last checkpoint (--resume).
    Train(TrainArgs),
    /// Train a grid of configurations in parallel; one JSON line per finished run on stdout. Runs
    /// already complete in --out are skipped and runs with checkpoints continue from them, so the same
    /// command resumes a killed sweep.
    Sweep(sweep::SweepArgs),
    /// A phase diagram: sweep two hyperparameters on log grids (--x, --y: lr, wd, train-frac, alpha,
    /// width or p, each given at least two positive values), classify each run into Liu et al.'s
    /// comprehension, grokking, memorization or confusion, and write OUT/phase_diagram.csv and
    /// OUT/phase_diagram.svg (colour: t_gen / t_fit). Resumable and shardable like sweep.
    Phase(phase::PhaseArgs),
    /// Merge the summaries of sweeps (all shards) into one CSV table: one row per run, the
    /// configuration flattened into columns; duplicate runs, missing runs and missing shards reported.
    Collect(collect::CollectArgs),
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
    Singular(SingularArgs),
    /// Draw a figure described by a JSON spec (panels side by side; their axes, linear or log; series of
    /// points drawn as points, crosses, line, dashed or line_points, in a named colour) as SVG. The notes'
    /// scripts draw their figures with it (see grokking::report::plot::figure for the format).
    Plot(PlotArgs),
}

#[derive(Args)]
struct PlotArgs {
    /// The figure's spec (JSON).
    spec: PathBuf,
    /// The SVG to write.
    #[arg(long)]
    out: PathBuf,
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
    /// Also write the ledger as a blueprint into DIR: a static site for a browser, usable offline
    /// (DIR/index.html: the dependency graph and one card per theorem; the notes rendered, the modules
    /// and tests as source). Written even when a claim fails its check.
    #[arg(long, value_name = "DIR")]
    html: Option<PathBuf>,
}

#[derive(Args)]
struct FourierArgs {
    /// Run directory (holding summary.json, weights.safetensors or weights.json, metrics.csv and, for
    /// Z_p tasks, spectrum.csv).
    #[arg(long)]
    run: PathBuf,
    /// Analyse the checkpoint after this many updates (checkpoints/step_S.safetensors for S updates) instead of the
    /// final weights; the run's plots are left as they are.
    #[arg(long)]
    step: Option<u64>,
    /// Print the analysis as one JSON object on stdout (and nothing else there).
    #[arg(long)]
    json: bool,
}

#[derive(Args, Default)]
struct ReproduceArgs {
    /// Master seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Optimizer updates at most; the run ends at 1.3·t_grok, once the cleanup shows.
    #[arg(long, default_value_t = config::CANONICAL_STEPS)]
    steps: u64,
    /// Train all --steps (no stop after grokking), with the Fourier measures at every evaluation.
    #[arg(long)]
    all_steps: bool,
    /// Output directory [default: runs/canonical_sK for seed K].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print the summary as one JSON object on stdout (and nothing else there).
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct TrainArgs {
    #[command(flatten)]
    hyper: Hyper,
    /// Master seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Output directory.
    #[arg(long, required_unless_present = "resume", conflicts_with = "resume")]
    out: Option<PathBuf>,
    /// Continue the run in this directory from its last checkpoint, with the configuration and
    /// checkpoint schedule saved there (give no hyperparameters); the result is bit-identical to the
    /// uninterrupted run.
    #[arg(long)]
    resume: Option<PathBuf>,
    #[command(flatten)]
    save: SaveArgs,
    /// Print the summary as one JSON object on stdout (and nothing else there).
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct SingularArgs {
    #[command(flatten)]
    hyper: Hyper,
    /// Master seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Output directory.
    #[arg(long)]
    out: PathBuf,
}

/// When a run saves checkpoints (weights and optimizer state, safetensors) into DIR/checkpoints/.
#[derive(Args, Clone, Default)]
pub struct SaveArgs {
    /// Save a checkpoint every K updates.
    #[arg(long)]
    save_every: Option<u64>,
    /// Save checkpoints after these numbers of updates (a list: 100,500,2000).
    #[arg(long, value_delimiter = ',')]
    save_at: Vec<u64>,
}

impl SaveArgs {
    /// The checkpoint schedule.
    pub fn schedule(&self) -> Result<Schedule> {
        let schedule = Schedule {
            every: self.save_every,
            at: self.save_at.clone(),
        };
        schedule.validate()?;
        Ok(schedule)
    }
}

fn main() -> ExitCode {
    match run_cli() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The chain on one line; `{:?}` would add a backtrace under RUST_BACKTRACE.
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_cli() -> Result<()> {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
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
        Command::Train(a) => {
            let given = matches
                .subcommand_matches("train")
                .map(|m| flags_given(m, "train"))
                .unwrap_or_default();
            train(a, &given)
        }
        Command::Sweep(a) => sweep::sweep(a),
        Command::Phase(a) => phase::phase(a),
        Command::Collect(a) => collect::collect(a),
        Command::Fourier(a) => fourier(a),
        Command::Check(a) => check(a),
        Command::Singular(a) => singular(a),
        Command::Plot(a) => plot(a),
    }
}

fn check(a: CheckArgs) -> Result<()> {
    let budget = if a.quick {
        theorems::Budget::Quick
    } else {
        theorems::Budget::Full
    };
    if a.html.is_some() {
        theorems::blueprint::validate()?; // before the checks run, not after
    }
    let selected = theorems::selected(&a.ids)?;
    // Theorem i of n on stderr (drawn only on a terminal), the bar filled in expected seconds (each
    // theorem's measured time for this budget, `Theorem::seconds`); in text mode each theorem's rows are
    // printed as soon as it finishes, in JSON mode stdout holds the one object written at the end.
    let expected: Vec<u64> = selected
        .iter()
        .map(|t| t.seconds.of(budget).ceil() as u64)
        .collect();
    let total: u64 = expected.iter().sum();
    let bar = ProgressBar::with_draw_target(Some(total.max(1)), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{prefix} [{elapsed_precise}] {bar:30} {msg}; about {len} s in all on 2 cores",
        )
        .expect("a valid template"),
    );
    bar.set_prefix("grok check");
    bar.enable_steady_tick(std::time::Duration::from_secs(1));
    let mut rows = Vec::with_capacity(selected.len());
    for (i, (theorem, seconds)) in selected.iter().zip(&expected).enumerate() {
        bar.set_message(format!(
            "theorem {} of {}: {} (expected {seconds} s)",
            i + 1,
            selected.len(),
            theorem.id
        ));
        let started = std::time::Instant::now();
        let row = theorems::run_theorem(theorem, budget)?;
        if !a.json {
            bar.suspend(|| print_ledger_row(&row, started.elapsed().as_secs_f64()))
                .context("writing the ledger to stdout")?;
        }
        rows.push(row);
        bar.inc(*seconds);
    }
    bar.finish_and_clear();
    if let Some(dir) = &a.html {
        let mut command = String::from("grok check");
        for id in &a.ids {
            command.push(' ');
            command.push_str(id);
        }
        if a.quick {
            command.push_str(" --quick");
        }
        theorems::blueprint::site(&rows, &command)?
            .write(dir)
            .with_context(|| format!("writing the blueprint into {}", dir.display()))?;
        eprintln!("blueprint written: {}", dir.join("index.html").display());
    }
    if a.json {
        println!("{}", serde_json::json!({ "ledger": rows }));
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

/// One theorem's lines of the ledger, with the seconds its checks took, flushed so that a pipe sees each
/// theorem as it finishes (an error, not a panic, when the reader has gone).
fn print_ledger_row(row: &theorems::LedgerRow, seconds: f64) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} — {} [{}] ({}; {seconds:.1} s)",
        row.id,
        row.name,
        if row.pass { "PASS" } else { "FAIL" },
        row.note
    )?;
    for c in &row.checks {
        let verdict = if c.pass { "pass" } else { "FAIL" };
        writeln!(out, "  [{verdict}] {} — {}", c.status, c.claim)?;
        writeln!(out, "      predicted: {}", c.prediction)?;
        writeln!(out, "      measured:  {}", c.measured)?;
        writeln!(out, "      tolerance: {}", c.tolerance)?;
    }
    out.flush()
}

fn plot(a: PlotArgs) -> Result<()> {
    let text = std::fs::read_to_string(&a.spec)
        .with_context(|| format!("reading {}", a.spec.display()))?;
    let figure = Figure::from_json(&a.spec.display().to_string(), &text)?;
    figure
        .write(&a.out)
        .with_context(|| format!("writing {}", a.out.display()))?;
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
    /// Updates applied to the analysed weights.
    step: u64,
    t_mem: Option<u64>,
    t_grok: Option<u64>,
    phases: Phases,
    fourier: Option<FourierSummary>,
    ablations: Vec<KeyedAblation>,
}

fn fourier(a: FourierArgs) -> Result<()> {
    let dir = &a.run;
    let (weights, history) = match a.step {
        None => {
            let history = final_history(dir)?;
            (checkpoint::read_final_weights(dir)?, history)
        }
        Some(step) => {
            let path = checkpoint::checkpoint_path(dir, step);
            if !path.exists() {
                let steps: Vec<String> = checkpoint::checkpoints(dir)?
                    .iter()
                    .map(|(s, _)| s.to_string())
                    .collect();
                bail!(
                    "{} has no checkpoint at step {step} (checkpoints at: {})",
                    dir.display(),
                    if steps.is_empty() {
                        "none".into()
                    } else {
                        steps.join(", ")
                    }
                );
            }
            let (weights, meta) = checkpoint::read_weights_and_meta(&path)?;
            let history = meta.checkpoint.map(|c| c.history).unwrap_or_default();
            (weights, history)
        }
    };
    let model = weights.model()?;
    let config = &weights.config;
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
    if a.step.is_none() {
        run::write_plots_and_spectra(dir, &history, &phases, &run::title(config))?;
    }
    let out = FourierReport {
        run: dir.clone(),
        step: weights.step,
        t_mem: history.t_mem,
        t_grok: history.t_grok,
        phases,
        fourier: analysis,
        ablations,
    };
    if a.json {
        println!("{}", serde_json::to_string(&out)?);
        return Ok(());
    }
    println!(
        "grok fourier: {} at step {} ({})",
        dir.display(),
        out.step,
        run::title(config)
    );
    println!("phases: {}", out.phases);
    match &out.fourier {
        Some(f) => print_fourier(f),
        None => println!("no Fourier analysis: the task is not on Z_p"),
    }
    if !out.ablations.is_empty() {
        println!("restricted (all pairs; held out) and excluded loss of these weights, keeping the n most common key frequencies:");
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
    if a.step.is_none() {
        println!(
            "wrote {}/{{progress.svg{}}}",
            dir.display(),
            if history.embedding_spectra.len() >= 2 {
                ", fourier.svg"
            } else {
                ""
            }
        );
    }
    Ok(())
}

/// The history of the finished run in `dir`, from its summary, metrics and spectra.
fn final_history(dir: &Path) -> Result<History> {
    let summary = Summary::read(&dir.join(report::SUMMARY_FILE))?;
    let spectrum_file = dir.join(report::SPECTRUM_FILE);
    Ok(History {
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
    })
}

fn reproduce(a: ReproduceArgs) -> Result<()> {
    let mut config = if a.all_steps {
        config::canonical(a.seed)
    } else {
        config::reproduction(a.seed)
    };
    config.steps = a.steps;
    let out = a
        .out
        .unwrap_or_else(|| PathBuf::from(format!("runs/canonical_s{}", a.seed)));
    if !a.json {
        println!("grok reproduce: {}", run::title(&config));
    }
    let summary = run::run(&config, &out, Progress::Bar, &Schedule::default())
        .with_context(|| format!("canonical run into {}", out.display()))?;
    report(&summary, &out, a.json)
}

fn singular(a: SingularArgs) -> Result<()> {
    let config = a.hyper.single(a.seed)?;
    if config.batch_size.is_some() {
        bail!("grok singular trains full batch; drop --batch");
    }
    if config.steps == 0 {
        bail!("grok singular records a trajectory: --steps must be at least 1");
    }
    println!("grok singular: {} (f64)", run::title(&config));
    let points = norm_trajectory(&config)?;
    // One (step, values) series per recorded quantity of the trajectory.
    let series = |values: &dyn Fn(&NormPoint) -> &Vec<f64>| -> Vec<(u64, Vec<f64>)> {
        points.iter().map(|q| (q.step, values(q).clone())).collect()
    };
    let (w1, w2) = (series(&|q| &q.singular[0]), series(&|q| &q.singular[1]));
    let mut tables = vec![
        ("singular_w1.csv", w1.clone()),
        ("singular_w2.csv", w2.clone()),
        ("singular_g1.csv", series(&|q| &q.grad_singular[0])),
        ("singular_g2.csv", series(&|q| &q.grad_singular[1])),
    ];
    let fourier = series(&|q| &q.grad_fourier);
    if fourier.iter().all(|(_, c)| !c.is_empty()) {
        tables.push(("singular_g1_fourier.csv", fourier));
    }
    let t_mem = recorded_t_mem(&points);
    // Everything is computed before the first file is written, so an error leaves nothing behind.
    let svg = report::plot::singular::singular_svg(&w1, &w2, t_mem, &run::title(&config))?;
    let created = !a.out.exists();
    let written = (|| -> Result<()> {
        std::fs::create_dir_all(&a.out).with_context(|| format!("create {}", a.out.display()))?;
        for (name, rows) in &tables {
            report::write_spectra(&a.out.join(name), rows)?;
        }
        report::write_atomic(&a.out.join("singular.svg"), svg.as_bytes())?;
        Ok(())
    })();
    if written.is_err() && created {
        let _ = std::fs::remove_dir_all(&a.out);
    }
    written?;
    let last = points
        .last()
        .context("the trajectory records its last step")?;
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

/// The configuration flags given on the command line of `grok <subcommand>` with matches `m`: every
/// flag but `--resume`, `--json` and `--threads` (with `--resume` the configuration comes from the
/// checkpoint, so none may be given).
fn flags_given(m: &ArgMatches, subcommand: &str) -> Vec<String> {
    let cli = Cli::command();
    let Some(command) = cli.find_subcommand(subcommand) else {
        return Vec::new();
    };
    command
        .get_arguments()
        .filter_map(|arg| arg.get_long())
        .filter(|long| !matches!(*long, "resume" | "json" | "threads"))
        .filter(|long| m.value_source(&long.replace('-', "_")) == Some(ValueSource::CommandLine))
        .map(|long| format!("--{long}"))
        .collect()
}

fn train(a: TrainArgs, given: &[String]) -> Result<()> {
    if let Some(dir) = &a.resume {
        if !given.is_empty() {
            bail!(
                "--resume continues the run with the configuration and checkpoint schedule saved in its checkpoint; drop {}",
                given.join(", ")
            );
        }
        let (summary, from) = run::resume(dir, Progress::Bar)
            .with_context(|| format!("resuming the run in {}", dir.display()))?;
        if !a.json {
            println!(
                "grok train: resumed {} from step {from} ({})",
                dir.display(),
                run::title(&summary.config)
            );
        }
        return report(&summary, dir, a.json);
    }
    let out = a.out.as_ref().context("--out is required")?;
    let config = a.hyper.single(a.seed)?;
    let schedule = a.save.schedule()?;
    config.ensure_fits_memory()?;
    if !a.json {
        println!("grok train: {}", run::title(&config));
    }
    let summary = run::run(&config, out, Progress::Bar, &schedule)
        .with_context(|| format!("run into {}", out.display()))?;
    report(&summary, out, a.json)
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
    if let Some(phase) = s.t_grok_phase {
        println!(
            "t_grok falls in phase {phase} (the phases are detected without the test accuracy)"
        );
    }
    if let Some(f) = &s.fourier {
        print_fourier(f);
    }
    println!(
        "wrote {}/{{metrics.csv, summary.json, weights.safetensors, curves.svg, progress.svg{}}}",
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
