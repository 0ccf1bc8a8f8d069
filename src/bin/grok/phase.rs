//! `grok phase`: a phase diagram over two hyperparameters on log grids. The runs go through the sweep
//! machinery (parallel, resumable, `--shard`); when every run of the grid has finished in `--out`, each
//! is classified into Liu et al.'s four regimes (`grokking::measure::regime`) and the diagram is written
//! as `OUT/phase_diagram.csv` (one row per run) and `OUT/phase_diagram.svg` (one cell per grid point).
//! A shard that leaves runs of other shards missing says so and draws nothing; re-running the command
//! once all shards are done skips every run and draws the diagram.

use crate::hyper::{Hyper, TaskName};
use crate::sweep::{self, Found, SweepArgs};
use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use grokking::measure::regime::{Lag, Regime, RegimeRule, LIU_THRESHOLD};
use grokking::report;
use grokking::report::phase_diagram::{Cell, GridAxis, PhaseDiagram, PhaseRun};
use grokking::task::Task;
use grokking::train::TrainConfig;
use serde::Serialize;

#[derive(Args)]
pub struct PhaseArgs {
    #[command(flatten)]
    pub sweep: SweepArgs,
    /// The horizontal axis: a list option given at least two positive values.
    #[arg(long)]
    pub x: AxisName,
    /// The vertical axis: another list option given at least two positive values.
    #[arg(long)]
    pub y: AxisName,
    /// Accuracy threshold in (0, 1) for fitting (training accuracy) and generalizing (test accuracy).
    #[arg(long, default_value_t = LIU_THRESHOLD)]
    pub threshold: f64,
    /// Grokking when t_gen >= R * t_fit, comprehension otherwise (R > 1).
    #[arg(long, default_value_t = DEFAULT_LAG_RATIO, conflicts_with = "lag_steps")]
    pub lag_ratio: f64,
    /// Instead of --lag-ratio: grokking when t_gen - t_fit >= S steps (Liu et al.: 1000).
    #[arg(long)]
    pub lag_steps: Option<u64>,
    /// Print the diagram as one JSON object on stdout (and nothing else there).
    #[arg(long)]
    pub json: bool,
}

/// The default lag ratio: generalizing takes at least twice as long as fitting (see
/// `notes/t9_liu_phases.md` for the choice).
pub const DEFAULT_LAG_RATIO: f64 = 2.0;

/// The hyperparameters a phase diagram can span.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AxisName {
    Lr,
    Wd,
    TrainFrac,
    Alpha,
    Width,
    P,
}

impl AxisName {
    fn flag(self) -> &'static str {
        match self {
            AxisName::Lr => "lr",
            AxisName::Wd => "wd",
            AxisName::TrainFrac => "train-frac",
            AxisName::Alpha => "alpha",
            AxisName::Width => "width",
            AxisName::P => "p",
        }
    }

    /// The values the flags give this axis.
    fn values(self, h: &Hyper) -> Vec<f64> {
        match self {
            AxisName::Lr => h.lr.clone(),
            AxisName::Wd => h.wd.clone(),
            AxisName::TrainFrac => h.train_frac.clone(),
            AxisName::Alpha => h.alpha.clone(),
            AxisName::Width => h.width.iter().map(|&n| n as f64).collect(),
            AxisName::P => h.p.iter().map(|&p| p as f64).collect(),
        }
    }

    /// This axis's value in a configuration.
    fn of(self, c: &TrainConfig) -> f64 {
        match self {
            AxisName::Lr => c.optimizer.lr(),
            AxisName::Wd => c.optimizer.weight_decay(),
            AxisName::TrainFrac => c.train_frac,
            AxisName::Alpha => c.model.alpha,
            AxisName::Width => c.model.width as f64,
            AxisName::P => match c.task {
                Task::Modular { p, .. } => p as f64,
                Task::SparseParity { .. } => f64::NAN,
            },
        }
    }
}

/// The one JSON object of `--json`.
#[derive(Serialize)]
struct Output<'a> {
    rule: RegimeRule,
    diagram: &'a PhaseDiagram,
    csv: String,
    svg: String,
}

pub fn phase(a: PhaseArgs) -> Result<()> {
    let lag = match a.lag_steps {
        Some(s) => Lag::Steps(s),
        None => Lag::Ratio(a.lag_ratio),
    };
    let rule = RegimeRule::new(a.threshold, lag)?;
    if a.x == a.y {
        bail!("--x and --y name the same hyperparameter ({})", a.x.flag());
    }
    let h = &a.sweep.hyper;
    let x = GridAxis::new(a.x.flag(), a.x.values(h))?;
    let y = GridAxis::new(a.y.flag(), a.y.values(h))?;
    let parity = h.task.iter().any(|t| matches!(t, TaskName::Parity));
    if parity && (a.x == AxisName::P || a.y == AxisName::P) {
        bail!("--p is no axis for sparse parity");
    }
    let seeds = &a.sweep.seeds.0;
    let expected = (x.values.len() * y.values.len() * seeds.len()) as u64;
    let other = |&(name, n): &(&str, usize)| n > 1 && name != a.x.flag() && name != a.y.flag();
    if let Some((name, n)) = h.axes().into_iter().find(other) {
        bail!("a phase diagram spans two hyperparameters, --x and --y; --{name} has {n} values");
    }
    debug_assert_eq!(h.grid_size(seeds), Some(expected));

    sweep::train_grid(&a.sweep, false)?;
    if a.sweep.dry_run {
        return Ok(());
    }
    let mut runs = Vec::new();
    let mut missing = 0usize;
    for point in h.grid(seeds) {
        let config = h.config(&point)?;
        let dir = a.sweep.out.join(sweep::run_name(&config));
        // A complete run of this configuration, or missing (another shard's, or unfinished).
        if !matches!(sweep::inspect(&dir, &config)?, Found::Complete(_)) {
            missing += 1;
            continue;
        }
        let records = report::read_metrics(&dir.join(report::METRICS_FILE))
            .with_context(|| format!("reading the metrics of {}", dir.display()))?;
        runs.push(PhaseRun {
            x: a.x.of(&config),
            y: a.y.of(&config),
            seed: config.seed,
            classified: rule.classify(&records),
        });
    }
    if missing > 0 {
        eprintln!(
            "grok phase: {missing} of {expected} runs of the grid are not in {} yet (other shards?); \
             run the command again when they are, to draw the diagram",
            a.sweep.out.display()
        );
        return Ok(());
    }
    let diagram = PhaseDiagram::new(x, y, runs)?;
    let title = format!(
        "phase diagram: {} against {}, threshold {}, {}",
        a.y.flag(),
        a.x.flag(),
        rule.threshold(),
        match rule.lag() {
            Lag::Ratio(r) => format!("grokking when t_gen >= {r} t_fit"),
            Lag::Steps(s) => format!("grokking when t_gen - t_fit >= {s} steps"),
        }
    );
    diagram.write(&a.sweep.out, "phase_diagram", &title)?;
    if a.json {
        let out = Output {
            rule,
            diagram: &diagram,
            csv: a.sweep.out.join("phase_diagram.csv").display().to_string(),
            svg: a.sweep.out.join("phase_diagram.svg").display().to_string(),
        };
        println!("{}", serde_json::to_string(&out)?);
    } else {
        print_table(&diagram);
        println!(
            "wrote {} and {}",
            a.sweep.out.join("phase_diagram.csv").display(),
            a.sweep.out.join("phase_diagram.svg").display()
        );
    }
    Ok(())
}

/// The diagram as text: one row per value of y (largest on top), one column per value of x.
fn print_table(d: &PhaseDiagram) {
    print!("{:>12} |", format!("{} \\ {}", d.y.name, d.x.name));
    for v in &d.x.values {
        print!(" {v:>10}");
    }
    println!();
    for j in (0..d.y.values.len()).rev() {
        print!("{:>12} |", d.y.values[j]);
        for i in 0..d.x.values.len() {
            let text = d.cell(i, j).map_or(String::from("?"), Cell::label);
            print!(" {text:>10}");
        }
        println!();
    }
    let counts: Vec<String> = Regime::ALL
        .iter()
        .map(|&g| {
            let n = d.cells.iter().filter(|c| c.regime == g).count();
            format!("{} {g} {n}", g.letter())
        })
        .collect();
    println!("cells: {}", counts.join(", "));
}
