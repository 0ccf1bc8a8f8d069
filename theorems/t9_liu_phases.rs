//! T9-liu — Liu et al. (2022, "Towards understanding grokking: an effective theory of representation
//! learning") on the two-layer MLP: their three claims, in their words, measured.
//!
//! * **The phase diagram.** "Grokking is sandwiched between comprehension and memorization": in the plane
//!   of learning rate and weight decay, runs fall into four regimes ([`grokking::measure::regime`], Liu et
//!   al.'s own rule), and along each weight decay, with growing learning rate, they come in the order
//!   memorization, grokking, comprehension (`band_check`).
//! * **Representation quality.** The representation quality index (RQI, the share of the table's
//!   parallelograms the embedding realises; [`grokking::measure::parallelogram::rqi`]) rises as the network
//!   generalizes. On $\mathbb{Z}\_p$ an embedding that realises every modular parallelogram is constant
//!   (proved in the note), so a normalized embedding never reaches RQI 1; measured on trained nets
//!   (`rqi_check`), with the strongest true version, the Fourier circle forming (`circle_check`).
//! * **The critical training-set size.** Below the fraction $f_c$ at which a random training set's
//!   parallelogram equations pin the representation down to the table's solutions
//!   ([`grokking::measure::parallelogram::nullity`]), the effective theory predicts no generalization.
//!   $f_c$ computed exactly for both readings of the sums; checked against trained runs below and above it
//!   (`critical_check`).
//!
//! Note: notes/t9_liu_phases.md

use super::{Budget, Check, Seconds, Status, Theorem};
use grokking::config::{canonical_add, CANONICAL_ADAMW};
use grokking::error::Result;
use grokking::evaluation::Measures;
use grokking::measure::fourier::Fourier;
use grokking::measure::parallelogram::{critical_fraction, rqi, Sum, LIU_DELTA};
use grokking::measure::progress::EmbeddingSpectrum;
use grokking::measure::regime::{Lag, Regime, RegimeRule, LIU_LAG_STEPS, LIU_THRESHOLD};
use grokking::optim::{AdamWConfig, OptimizerConfig};
use grokking::report::phase_diagram::{GridAxis, PhaseDiagram, PhaseRun};
use grokking::stats::median;
use grokking::task::Labels;
use grokking::train::{self, TrainConfig, Watch};
use nalgebra::DMatrix;
use rayon::prelude::*;

/// The ledger entry.
pub const THEOREM: Theorem = Theorem {
    id: "T9-liu",
    name: "Liu et al.'s effective theory on the MLP: the phase band, representation quality, the critical training-set size",
    note: "notes/t9_liu_phases.md",
    module: "theorems/t9_liu_phases.rs",
    run: check,
    seconds: Seconds {
        quick: 14.0,
        full: 101.0,
    },
};

/// What a check trains and samples.
struct Design {
    /// The modulus.
    p: u32,
    /// Training fraction of the phase diagram and the RQI runs.
    frac: f64,
    /// Learning rates of the diagram.
    lrs: Vec<f64>,
    /// Weight decays of the diagram.
    wds: Vec<f64>,
    /// Seeds of every grid point.
    seeds: Vec<u64>,
    /// Step budget of every run.
    steps: u64,
    /// Evaluation interval.
    eval_every: u64,
    /// Seeds of the RQI runs (the canonical AdamW).
    rqi_seeds: Vec<u64>,
    /// Random training sets per fraction for the critical fraction.
    samples: u64,
    /// Seeds of the runs below and above the critical fraction.
    critical_seeds: Vec<u64>,
}

impl Design {
    fn new(budget: Budget) -> Self {
        match budget {
            Budget::Quick => Design {
                p: 23,
                frac: 0.7,
                lrs: vec![3e-3, 1e-2],
                wds: vec![0.3, 1.0, 2.4, 2.8, 3.4],
                seeds: vec![0],
                steps: 8000,
                eval_every: 20,
                rqi_seeds: vec![0, 1],
                samples: 20,
                critical_seeds: vec![0, 1],
            },
            Budget::Full => Design {
                p: 23,
                frac: 0.7,
                lrs: vec![1e-3, 3e-3, 1e-2, 3e-2],
                wds: vec![0.1, 0.3, 1.0, 2.0, 2.4, 2.8, 3.4, 4.0],
                seeds: vec![0, 1, 2],
                steps: 10_000,
                eval_every: 20,
                rqi_seeds: vec![0, 1, 2, 3, 4],
                samples: 50,
                critical_seeds: vec![0, 1, 2, 3, 4],
            },
        }
    }

    fn config(&self, frac: f64, lr: f64, wd: f64, seed: u64) -> TrainConfig {
        let optimizer = OptimizerConfig::AdamW(AdamWConfig {
            lr,
            weight_decay: wd,
            ..CANONICAL_ADAMW
        });
        let mut c = canonical_add(self.p, frac, optimizer, self.steps, seed);
        c.eval_every = self.eval_every;
        c.stop_at_grok = true;
        c
    }
}

/// Liu et al.'s own rule: 90% accuracy, grokking when generalizing lags fitting by $10^3$ steps or more.
pub fn liu_rule() -> Result<RegimeRule> {
    RegimeRule::new(LIU_THRESHOLD, Lag::Steps(LIU_LAG_STEPS))
}

/// Trains the diagram's grid (in parallel) and classifies each run with `rule`.
fn phase_grid(design: &Design, rule: &RegimeRule) -> Result<PhaseDiagram> {
    let mut points = Vec::new();
    for &lr in &design.lrs {
        for &wd in &design.wds {
            for &seed in &design.seeds {
                points.push((lr, wd, seed));
            }
        }
    }
    let runs: Vec<PhaseRun> = points
        .par_iter()
        .map(|&(lr, wd, seed)| {
            let config = design.config(design.frac, lr, wd, seed);
            let run = train::train_with::<f32>(
                &config,
                Labels::True,
                Measures::Accuracy,
                &mut train::Silent,
            )?;
            Ok(PhaseRun {
                x: lr,
                y: wd,
                seed,
                classified: rule.classify(&run.history.records),
            })
        })
        .collect::<Result<_>>()?;
    PhaseDiagram::new(
        GridAxis::new("lr", design.lrs.clone())?,
        GridAxis::new("wd", design.wds.clone())?,
        runs,
    )
}

/// The pairs of 4-neighbouring cells of `d` whose regimes are `first` and `second` (in either order), as
/// `((i, j), (i', j'))` grid indices.
fn touching(d: &PhaseDiagram, first: Regime, second: Regime) -> Vec<((usize, usize), (usize, usize))> {
    let (nx, ny) = (d.x.values.len(), d.y.values.len());
    let regime = |i: usize, j: usize| d.cell(i, j).map(|c| c.regime);
    let mut pairs = Vec::new();
    for i in 0..nx {
        for j in 0..ny {
            for (k, l) in [(i + 1, j), (i, j + 1)] {
                let (a, b) = (regime(i, j), regime(k, l));
                let hit = (a == Some(first) && b == Some(second))
                    || (a == Some(second) && b == Some(first));
                if hit {
                    pairs.push(((i, j), (k, l)));
                }
            }
        }
    }
    pairs
}

/// Whether `regimes` (confusion left out) follow `order`: each one's position in `order` is at least the
/// previous one's; a regime not in `order` breaks it.
fn follows(regimes: &[Regime], order: &[Regime]) -> bool {
    let ranks: Option<Vec<usize>> = regimes
        .iter()
        .filter(|&&g| g != Regime::Confusion)
        .map(|g| order.iter().position(|o| o == g))
        .collect();
    ranks.is_some_and(|r| r.windows(2).all(|w| w[0] <= w[1]))
}

/// Liu et al.'s band, read on the grid: along every row of fixed weight decay, with growing learning rate,
/// the regimes follow `order` (theirs: memorization, grokking, comprehension; confusion anywhere), so every
/// grokking cell lies between memorization and comprehension; and some row holds grokking next to
/// memorization and some row grokking next to comprehension (else the check says nothing). The
/// comprehension cells that touch a memorization cell directly (no grokking between them) are reported: a
/// finding about where the band is thin, not part of the claim.
fn band_check(d: &PhaseDiagram, rule: &RegimeRule, order: &[Regime]) -> Check {
    let rows: Vec<Vec<Regime>> = (0..d.y.values.len())
        .map(|j| {
            (0..d.x.values.len())
                .filter_map(|i| d.cell(i, j).map(|c| c.regime))
                .collect()
        })
        .collect();
    let ordered = rows.iter().filter(|r| follows(r, order)).count();
    let with = |a: Regime, b: Regime| rows.iter().any(|r| r.contains(&a) && r.contains(&b));
    let informative = with(Regime::Grokking, Regime::Memorization)
        && with(Regime::Grokking, Regime::Comprehension);
    let direct = touching(d, Regime::Comprehension, Regime::Memorization);
    let at = |(i, j): (usize, usize)| format!("(lr {}, wd {})", d.x.values[i], d.y.values[j]);
    let shown: Vec<String> = rows
        .iter()
        .enumerate()
        .rev()
        .map(|(j, r)| {
            let letters: String = r.iter().map(|g| g.letter()).collect();
            format!("wd {}: {letters}", d.y.values[j])
        })
        .collect();
    let lag = match rule.lag() {
        Lag::Ratio(r) => format!("t_gen >= {r} t_fit"),
        Lag::Steps(s) => format!("t_gen - t_fit >= {s} steps"),
    };
    let names: Vec<&str> = order.iter().map(|g| g.name()).collect();
    Check {
        claim: "Liu et al.: grokking is sandwiched between comprehension and memorization in the plane of learning rate and weight decay".into(),
        status: Status::Empirical,
        prediction: format!(
            "along each weight decay, with growing learning rate: {} (confusion anywhere); grokking next to each of the others somewhere",
            names.join(" -> ")
        ),
        measured: format!(
            "{ordered} of {} rows in that order; by row (lr {} rightward; C comprehension, G grokking, M memorization, X confusion; accuracy {:.0}%, grokking when {lag}): {}; comprehension touching memorization directly: {}{}",
            rows.len(),
            d.x.values.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", "),
            100.0 * rule.threshold(),
            shown.join("; "),
            direct.len(),
            direct
                .first()
                .map_or(String::new(), |&(a, b)| format!(", e.g. {} and {}", at(a), at(b))),
        ),
        tolerance: "none (an order along each row of the grid)".into(),
        pass: informative && ordered == rows.len(),
    }
}

/// RQI of one trained run at its start, at $t_{fit}$ (first evaluation at 90% training accuracy), at its
/// end and at its largest over every evaluation, with its final test accuracy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RqiRun {
    /// Seed.
    pub seed: u64,
    /// RQI at initialization, at $t_{fit}$ and at the end (modular sums).
    pub modular: [f64; 3],
    /// The same for integer sums.
    pub integer: [f64; 3],
    /// The largest RQI over every evaluation of the run, modular and integer sums.
    pub peak: [f64; 2],
    /// The median per-neuron Fourier concentration of $W_1$ at the same three points.
    pub concentration: [f64; 3],
    /// Final test accuracy.
    pub test_acc: f64,
}

/// Trains the canonical AdamW at `design`'s size and records RQI at every evaluation.
fn rqi_runs(design: &Design) -> Result<Vec<RqiRun>> {
    let p = design.p as usize;
    design
        .rqi_seeds
        .par_iter()
        .map(|&seed| {
            let config = design.config(design.frac, CANONICAL_ADAMW.lr, 1.0, seed);
            // RQI in both readings and the median concentration of W1; RQI is read at every evaluation,
            // the whole triple kept at the start, at t_fit and at the end.
            let rqis = |w1: &DMatrix<f64>| -> Result<[f64; 2]> {
                Ok([
                    rqi(w1, p, Sum::Modular, LIU_DELTA)?,
                    rqi(w1, p, Sum::Integer, LIU_DELTA)?,
                ])
            };
            let triple = |w1: &DMatrix<f64>, r: [f64; 2]| -> [f64; 3] {
                let concentration =
                    EmbeddingSpectrum::of(w1, p, &mut Fourier::new()).median_concentration();
                [r[0], r[1], concentration]
            };
            let mut at: Vec<[f64; 3]> = Vec::new();
            let mut peak = [0.0f64; 2];
            let mut fitted = false;
            let mut watch = Watch::new(|probe: &train::Probe<'_, f32>| {
                let w1 = probe.model.params.w1.map(|x| x as f64);
                let r = rqis(&w1)?;
                peak = [peak[0].max(r[0]), peak[1].max(r[1])];
                let fit = !fitted && probe.train.accuracy >= LIU_THRESHOLD;
                if probe.step == 0 || fit {
                    fitted |= fit;
                    at.push(triple(&w1, r));
                }
                Ok(())
            });
            let run =
                train::train_with::<f32>(&config, Labels::True, Measures::Accuracy, &mut watch)?;
            let w1 = run.model.params.w1.map(|x| x as f64);
            let end = triple(&w1, rqis(&w1)?);
            let (start, fit) = (at.first().copied(), at.get(1).copied());
            let (start, fit) = (start.unwrap_or(end), fit.unwrap_or(end));
            Ok(RqiRun {
                seed,
                modular: [start[0], fit[0], end[0]],
                integer: [start[1], fit[1], end[1]],
                peak: [peak[0].max(end[0]), peak[1].max(end[1])],
                concentration: [start[2], fit[2], end[2]],
                test_acc: run.history.last().map_or(0.0, |r| r.test_acc),
            })
        })
        .collect()
}

/// The RQI of the generalized nets ($\ge$ `structured`: Liu et al. call an RQI above 0.95 structured)
/// against the claim that it rises to structure as the net generalizes; `status` the label of the
/// claim (*false as stated* passes when every generalized net stays below `structured` in both readings).
fn rqi_check(runs: &[RqiRun], structured: f64, status: Status) -> Check {
    let generalized: Vec<&RqiRun> = runs.iter().filter(|r| r.test_acc >= LIU_THRESHOLD).collect();
    let best = |r: &&RqiRun| r.peak[0].max(r.peak[1]);
    let reached = generalized.iter().filter(|r| best(r) >= structured).count();
    let show = |r: &&RqiRun| {
        format!(
            "seed {}: modular {:.4} -> {:.4} -> {:.4}, integer {:.4} -> {:.4} -> {:.4} (largest at any evaluation {:.4}, {:.4}), test {:.3}",
            r.seed,
            r.modular[0],
            r.modular[1],
            r.modular[2],
            r.integer[0],
            r.integer[1],
            r.integer[2],
            r.peak[0],
            r.peak[1],
            r.test_acc
        )
    };
    Check {
        claim: "Liu et al.: the representation quality index rises to a structured representation (RQI > 0.95) as the network generalizes".into(),
        status,
        prediction: format!(
            "every generalized net (test accuracy >= 90%) reaches RQI >= {structured} (at some evaluation) in the modular or the integer reading (delta = {LIU_DELTA}); on Z_p RQI 1 is impossible for a normalized embedding (proved)"
        ),
        measured: format!(
            "{reached} of {} generalized nets reach it; RQI at init -> t_fit -> end: {}",
            generalized.len(),
            runs.iter().map(|r| show(&r)).collect::<Vec<_>>().join("; ")
        ),
        tolerance: "none (Liu et al.'s own threshold 0.95)".into(),
        pass: !generalized.is_empty()
            && match status {
                Status::FalseAsStated => reached == 0,
                _ => reached == generalized.len(),
            },
    }
}

/// The strongest true version of the RQI claim: the representation does become structured as the net
/// generalizes, as a circle rather than a parallelogram lattice. In every generalized net the median
/// per-neuron Fourier concentration of $W_1$ at the end must exceed `factor` times its value at $t_{fit}$.
fn circle_check(runs: &[RqiRun], factor: f64) -> Check {
    let generalized: Vec<&RqiRun> = runs.iter().filter(|r| r.test_acc >= LIU_THRESHOLD).collect();
    let rose = generalized
        .iter()
        .filter(|r| r.concentration[2] > factor * r.concentration[1])
        .count();
    let show: Vec<String> = runs
        .iter()
        .map(|r| {
            format!(
                "seed {}: {:.3} -> {:.3} -> {:.3}",
                r.seed, r.concentration[0], r.concentration[1], r.concentration[2]
            )
        })
        .collect();
    Check {
        claim: "the strongest true version: a structured representation forms as the net generalizes, the circle of the Fourier circuit (not a parallelogram lattice)".into(),
        status: Status::Empirical,
        prediction: format!(
            "in every generalized net the median per-neuron Fourier concentration of W1 at the end exceeds {factor} times its value at t_fit"
        ),
        measured: format!(
            "{rose} of {} generalized nets; median concentration at init -> t_fit -> end: {}",
            generalized.len(),
            show.join("; ")
        ),
        tolerance: format!("none (the factor {factor} is the claim)"),
        pass: !generalized.is_empty() && rose == generalized.len(),
    }
}

/// One run's final test accuracy at fraction `frac` (the canonical AdamW).
fn test_accuracy_at(design: &Design, frac: f64, seed: u64) -> Result<f64> {
    let config = design.config(frac, CANONICAL_ADAMW.lr, 1.0, seed);
    let run = train::train_with::<f32>(&config, Labels::True, Measures::Accuracy, &mut train::Silent)?;
    Ok(run.history.last().map_or(0.0, |r| r.test_acc))
}

/// Liu et al.'s order of the regimes with growing learning rate.
pub const LIU_ORDER: [Regime; 3] = [Regime::Memorization, Regime::Grokking, Regime::Comprehension];

/// How much the Fourier concentration must rise from $t_{fit}$ to the end of a generalized run: twofold.
pub const CIRCLE_RISE: f64 = 2.0;

/// Where the runs below the critical fraction train: at this multiple of the smaller $f_c$.
pub const BELOW: f64 = 0.9;

/// The critical fraction against trained nets: below $f_c$ (at [`BELOW`] times it) no run may generalize (Liu et al.'s
/// prediction); at the largest of `above` the runs' median test accuracy is reported, so the note can say
/// how far above $f_c$ generalization actually starts.
fn critical_check(p: u32, f_c: [f64; 2], below: &[f64], above: &[(f64, f64)]) -> Check {
    let generalized_below = below.iter().filter(|&&a| a >= LIU_THRESHOLD).count();
    let show: Vec<String> = above
        .iter()
        .map(|(f, a)| format!("{f}: {a:.3}"))
        .collect();
    Check {
        claim: "Liu et al.: below the critical training-set size at which the training pairs' parallelogram equations pin the representation down, the effective theory predicts no generalization".into(),
        status: Status::Empirical,
        prediction: format!(
            "p = {p}: f_c = {} (modular sums) and {} (integer sums), computed from the equations' nullity over random splits; no run at {BELOW} f_c generalizes",
            f_c[0], f_c[1]
        ),
        measured: format!(
            "{generalized_below} of {} runs at {BELOW} f_c generalize; median final test accuracy by fraction: {}",
            below.len(),
            show.join(", ")
        ),
        tolerance: format!("none (a run generalizes at {:.0}% test accuracy)", 100.0 * LIU_THRESHOLD),
        pass: !below.is_empty() && generalized_below == 0,
    }
}

fn check(budget: Budget) -> Result<Vec<Check>> {
    let design = Design::new(budget);
    let rule = liu_rule()?;
    let diagram = phase_grid(&design, &rule)?;
    let band = band_check(&diagram, &rule, &LIU_ORDER);
    let rqi_runs = rqi_runs(&design)?;
    let rqi = rqi_check(&rqi_runs, 0.95, Status::FalseAsStated);
    let circle = circle_check(&rqi_runs, CIRCLE_RISE);
    let f_c = [
        critical_fraction(design.p, Sum::Modular, design.samples)?,
        critical_fraction(design.p, Sum::Integer, design.samples)?,
    ];
    let low = BELOW * f_c[0].min(f_c[1]);
    let below = design
        .critical_seeds
        .par_iter()
        .map(|&s| test_accuracy_at(&design, low, s))
        .collect::<Result<Vec<f64>>>()?;
    let above = [2.0 * f_c[0].max(f_c[1]), design.frac]
        .into_iter()
        .map(|f| {
            let mut accs = design
                .critical_seeds
                .par_iter()
                .map(|&s| test_accuracy_at(&design, f, s))
                .collect::<Result<Vec<f64>>>()?;
            Ok((f, median(&mut accs).unwrap_or(0.0)))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(vec![
        band,
        rqi,
        circle,
        critical_check(design.p, f_c, &below, &above),
    ])
}

#[cfg(test)]
#[path = "../tests/t9_liu_phases.rs"]
mod tests;
