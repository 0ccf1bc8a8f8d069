//! T10-power — Power et al. (2022, "Grokking: generalization beyond overfitting on small algorithmic
//! datasets"): "smaller datasets require increasing amounts of optimization for generalization".
//!
//! * **The rise (empirical).** The median number of steps to 99% test accuracy grows as the training
//!   fraction shrinks (`rise_check`).
//! * **Its form.** An exponential $t=Ae^{-cf}$ and a power law $t=Af^{-k}$, each a least-squares line in
//!   $\ln t$ (against $f$, against $\ln f$), two parameters each: the one with the smaller residual sum of
//!   squares is what the data support (`law_check`).
//! * **Where grokking stops.** The smallest fraction of the grid at which the median seed groks within the
//!   budget, every smaller one failing; compared with the effective theory's critical fraction
//!   ([`grokking::measure::parallelogram::critical_fraction`], T9-liu), which must lie below it
//!   (`stop_check`).
//!
//! * **Weight decay, the most effective intervention.** Power et al. found weight decay the most effective
//!   of the interventions they tried for data efficiency. From the same AdamW without weight decay, each
//!   intervention alone (weight decay 1; mini-batches of 32; injected weight noise of temperature
//!   $10^{-3}$, [`grokking::noise`]) at the largest fraction of the grid, against weight decay's edge: weight
//!   decay must grok at a smaller fraction than every other intervention (`intervention_check`).
//!
//! Note: notes/t10_power_fraction.md

use super::{Budget, Check, Seconds, Status, Theorem};
use grokking::config::{canonical_add, CANONICAL_ADAMW};
use grokking::error::Result;
use grokking::evaluation::Measures;
use grokking::measure::parallelogram::{critical_fraction, Sum};
use grokking::noise::WeightNoise;
use grokking::optim::{AdamWConfig, OptimizerConfig};
use grokking::stats::{fit_line, median, LineFit};
use grokking::task::Labels;
use grokking::train::{self, Observer, TrainConfig};
use rayon::prelude::*;

/// The ledger entry.
pub const THEOREM: Theorem = Theorem {
    id: "T10-power",
    name: "Power et al.'s data-fraction law: steps to generalize against the training fraction, its form, where grokking stops",
    note: "notes/t10_power_fraction.md",
    module: "theorems/t10_power_fraction.rs",
    run: check,
    seconds: Seconds {
        quick: 26.4,
        full: 452.0,
    },
};

/// What a check trains.
struct Design {
    /// The modulus.
    p: u32,
    /// Training fractions, increasing.
    fracs: Vec<f64>,
    /// Seeds at each fraction.
    seeds: Vec<u64>,
    /// Step budget.
    steps: u64,
    /// Evaluation interval (the resolution of $t_{grok}$).
    eval_every: u64,
    /// Random training sets per fraction for the effective theory's critical fraction.
    samples: u64,
    /// Seeds of the other interventions' runs.
    intervention_seeds: Vec<u64>,
    /// The budget of the intervention comparison, for weight decay as for the others.
    intervention_steps: u64,
}

impl Design {
    fn new(budget: Budget) -> Self {
        match budget {
            Budget::Quick => Design {
                p: 23,
                fracs: vec![0.5, 0.6, 0.65, 0.7, 0.8, 0.9],
                seeds: vec![0, 1, 2],
                steps: 12_000,
                eval_every: 20,
                samples: 20,
                intervention_seeds: vec![0, 1],
                intervention_steps: 6000,
            },
            Budget::Full => Design {
                p: 31,
                fracs: vec![0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9],
                seeds: vec![0, 1, 2, 3, 4],
                steps: 20_000,
                eval_every: 20,
                samples: 50,
                intervention_seeds: vec![0, 1, 2, 3, 4],
                intervention_steps: 20_000,
            },
        }
    }

    fn config(&self, frac: f64, seed: u64) -> TrainConfig {
        let mut c = canonical_add(
            self.p,
            frac,
            OptimizerConfig::AdamW(CANONICAL_ADAMW),
            self.steps,
            seed,
        );
        c.eval_every = self.eval_every;
        c.stop_at_grok = true;
        c
    }
}

/// One fraction's runs: the median $t_{grok}$ (99% test accuracy) when at least half of its seeds grok.
#[derive(Clone, Debug, PartialEq)]
pub struct FractionPoint {
    /// The training fraction.
    pub frac: f64,
    /// $t_{grok}$ of each seed (`None`: not within the budget).
    pub t_grok: Vec<Option<u64>>,
}

impl FractionPoint {
    /// The median $t_{grok}$ over seeds, counting a run that never groks as later than every run that
    /// does; `None` when that median is such a run.
    pub fn median(&self) -> Option<f64> {
        let mut t: Vec<f64> = self
            .t_grok
            .iter()
            .map(|t| t.map_or(f64::INFINITY, |t| t as f64))
            .collect();
        median(&mut t).filter(|m| m.is_finite())
    }
}

/// Trains every fraction and seed of `design` (in parallel).
fn fraction_points(design: &Design) -> Result<Vec<FractionPoint>> {
    design
        .fracs
        .iter()
        .map(|&frac| {
            let t_grok = design
                .seeds
                .par_iter()
                .map(|&seed| {
                    let config = design.config(frac, seed);
                    let run = train::train_with::<f32>(
                        &config,
                        Labels::True,
                        Measures::Accuracy,
                        &mut train::Silent,
                    )?;
                    Ok(run.history.t_grok)
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(FractionPoint { frac, t_grok })
        })
        .collect()
}

/// The fractions whose median seed groks, with that median.
fn grokking(points: &[FractionPoint]) -> Vec<(f64, f64)> {
    points
        .iter()
        .filter_map(|p| Some((p.frac, p.median()?)))
        .collect()
}

fn show(points: &[FractionPoint]) -> String {
    points
        .iter()
        .map(|p| {
            let grokked = p.t_grok.iter().filter(|t| t.is_some()).count();
            format!(
                "{}: {} ({grokked}/{})",
                p.frac,
                p.median().map_or("-".into(), |m| format!("{m:.0}")),
                p.t_grok.len()
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rise: over the grokking fractions (at least three), the median steps to 99% move against the
/// fraction with sign `direction` at every step of the grid (Power et al.: $-1$, fewer steps with more
/// data).
fn rise_check(points: &[FractionPoint], direction: f64) -> Check {
    let g = grokking(points);
    let monotone = g
        .windows(2)
        .all(|w| (w[1].1 - w[0].1) * direction > 0.0);
    Check {
        claim: "Power et al.: smaller datasets require increasing amounts of optimization for generalization".into(),
        status: Status::Empirical,
        prediction: format!(
            "the median steps to 99% test accuracy {} at every step up the grid of grokking fractions (at least 3)",
            if direction < 0.0 { "fall" } else { "rise" }
        ),
        measured: format!("median t_grok by fraction (seeds grokked): {}", show(points)),
        tolerance: "none (strict order of the medians)".into(),
        pass: g.len() >= 3 && monotone,
    }
}

/// The two laws of the rise, each a line in $\ln t$.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Law {
    /// $t=Ae^{-cf}$: $\ln t$ linear in $f$.
    Exponential,
    /// $t=Af^{-k}$: $\ln t$ linear in $\ln f$.
    PowerLaw,
}

impl Law {
    /// The least-squares line of this law through `(fraction, steps)` points.
    pub fn fit(self, points: &[(f64, f64)]) -> Option<LineFit> {
        let line: Vec<(f64, f64)> = points
            .iter()
            .map(|&(f, t)| {
                let x = match self {
                    Law::Exponential => f,
                    Law::PowerLaw => f.ln(),
                };
                (x, t.ln())
            })
            .collect();
        fit_line(&line)
    }

    fn name(self) -> &'static str {
        match self {
            Law::Exponential => "exponential t = A exp(-c f)",
            Law::PowerLaw => "power law t = A f^-k",
        }
    }
}

/// Which law fits the grokking fractions' medians better (smaller residual sum of squares in $\ln t$, both
/// with two parameters); passes when it is `supported`.
fn law_check(points: &[FractionPoint], supported: Law) -> Check {
    let g = grokking(points);
    let fits = [Law::Exponential, Law::PowerLaw].map(|law| (law, law.fit(&g)));
    let describe = |(law, fit): &(Law, Option<LineFit>)| match fit {
        Some(f) => format!(
            "{}: {} {:.3}, rss {:.4}",
            law.name(),
            match law {
                Law::Exponential => "c",
                Law::PowerLaw => "k",
            },
            -f.slope,
            f.rss
        ),
        None => format!("{}: no fit", law.name()),
    };
    let better = match fits {
        [(_, Some(e)), (_, Some(p))] if g.len() >= 3 => {
            Some(if e.rss < p.rss { Law::Exponential } else { Law::PowerLaw })
        }
        _ => None,
    };
    Check {
        claim: "Power et al.: the steps to generalize rise roughly exponentially as the training fraction shrinks".into(),
        status: Status::Empirical,
        prediction: format!(
            "of the two-parameter laws fitted in ln t to the median steps of the grokking fractions, the {} has the smaller residual",
            supported.name()
        ),
        measured: format!(
            "{}; {}",
            fits.iter().map(describe).collect::<Vec<_>>().join("; "),
            better.map_or("fewer than 3 grokking fractions".into(), |b| format!("better: {}", b.name()))
        ),
        tolerance: "none (the smaller residual sum of squares)".into(),
        pass: better == Some(supported),
    }
}

/// Where grokking stops: the smallest fraction whose median seed groks, every smaller fraction of the grid
/// failing (and at least one failing, so the edge is on the grid); it must lie above the effective
/// theory's critical fraction `f_c` (T9-liu's lower bound).
fn stop_check(points: &[FractionPoint], p: u32, f_c: f64) -> Check {
    let first = points.iter().position(|q| q.median().is_some());
    let edge = first.filter(|&i| i > 0 && points[i..].iter().all(|q| q.median().is_some()));
    let stop = edge.map(|i| points[i].frac);
    Check {
        claim: "Power et al.'s data fraction, where grokking stops, against Liu et al.'s critical training-set size".into(),
        status: Status::Empirical,
        prediction: format!(
            "grokking (median seed, within the budget) stops at a fraction on the grid, above the effective theory's f_c = {f_c} at p = {p}"
        ),
        measured: match stop {
            Some(s) => format!(
                "the median seed groks from fraction {s} up and at no smaller fraction: {:.1} times f_c",
                s / f_c
            ),
            None => format!("no edge on the grid: {}", show(points)),
        },
        tolerance: "none (grid values)".into(),
        pass: stop.is_some_and(|s| s > f_c),
    }
}

/// An intervention on AdamW without weight decay (Power et al.'s Figure 2 compares such interventions).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Intervention {
    /// Decoupled weight decay 1 (the canonical run).
    WeightDecay,
    /// Nothing: AdamW without weight decay, full batch.
    Nothing,
    /// Mini-batches of this size, sampled with replacement (gradient noise).
    MiniBatch(usize),
    /// Gaussian weight noise of this temperature after every update.
    WeightNoise(f64),
}

impl Intervention {
    fn name(self) -> String {
        match self {
            Intervention::WeightDecay => "weight decay 1".into(),
            Intervention::Nothing => "none".into(),
            Intervention::MiniBatch(b) => format!("mini-batches of {b}"),
            Intervention::WeightNoise(t) => format!("weight noise T = {t}"),
        }
    }
}

/// The interventions compared with weight decay.
pub const OTHERS: [Intervention; 3] = [
    Intervention::Nothing,
    Intervention::MiniBatch(32),
    Intervention::WeightNoise(1e-3),
];

/// $t_{grok}$ of one run of `intervention` at `frac`.
fn intervened(design: &Design, intervention: Intervention, frac: f64, seed: u64) -> Result<Option<u64>> {
    let mut config = design.config(frac, seed);
    config.steps = design.intervention_steps;
    if intervention != Intervention::WeightDecay {
        config.optimizer = OptimizerConfig::AdamW(AdamWConfig {
            weight_decay: 0.0,
            ..CANONICAL_ADAMW
        });
    }
    if let Intervention::MiniBatch(b) = intervention {
        config.batch_size = Some(b);
    }
    let (mut silent, mut noise);
    let observer: &mut dyn Observer<f32> = match intervention {
        Intervention::WeightNoise(t) => {
            noise = WeightNoise::new(t, CANONICAL_ADAMW.lr, seed)?;
            &mut noise
        }
        _ => {
            silent = train::Silent;
            &mut silent
        }
    };
    let run = train::train_with::<f32>(&config, Labels::True, Measures::Accuracy, observer)?;
    Ok(run.history.t_grok)
}

/// Each other intervention's runs at the largest fraction of the grid.
fn intervention_points(design: &Design, others: &[Intervention]) -> Result<Vec<(Intervention, FractionPoint)>> {
    let frac = design.fracs.iter().copied().fold(0.0, f64::max);
    others
        .iter()
        .map(|&i| {
            let t_grok = design
                .intervention_seeds
                .par_iter()
                .map(|&s| intervened(design, i, frac, s))
                .collect::<Result<Vec<_>>>()?;
            Ok((i, FractionPoint { frac, t_grok }))
        })
        .collect()
}

/// Weight decay the most effective intervention: its runs (`decay`, on the fraction grid) grok within
/// `budget` steps (median seed) from some fraction on, and no other intervention's median seed groks
/// within the same budget at any smaller fraction: where measured at the grid's largest fraction only, it
/// must not grok there (its edge then lies above every fraction of the grid, so above weight decay's).
fn intervention_check(
    decay: &[FractionPoint],
    others: &[(Intervention, FractionPoint)],
    budget: u64,
) -> Check {
    let edge = decay
        .iter()
        .filter(|q| q.median().is_some_and(|m| m <= budget as f64))
        .map(|q| q.frac)
        .fold(None, |m: Option<f64>, f| Some(m.map_or(f, |m| m.min(f))));
    let beaten = |q: &FractionPoint| match (edge, q.median()) {
        (Some(e), Some(m)) => q.frac > e || m > budget as f64,
        (Some(_), None) => true,
        (None, _) => false,
    };
    let wins = others.iter().filter(|(_, q)| beaten(q)).count();
    let show: Vec<String> = others
        .iter()
        .map(|(i, q)| {
            format!(
                "{}: {} at {} ({}/{} seeds)",
                i.name(),
                q.median().map_or("never".into(), |m| format!("median t_grok {m:.0}")),
                q.frac,
                q.t_grok.iter().filter(|t| t.is_some()).count(),
                q.t_grok.len()
            )
        })
        .collect();
    Check {
        claim: "Power et al.: weight decay is the most effective intervention for data efficiency".into(),
        status: Status::Empirical,
        prediction: format!("within {budget} steps, AdamW with weight decay groks (median seed) at a smaller training fraction than AdamW without it plus any one other intervention"),
        measured: format!(
            "weight decay groks from {}; {}",
            edge.map_or("no fraction".into(), |e| e.to_string()),
            show.join("; ")
        ),
        tolerance: "none (grid fractions; the budget is the same for all)".into(),
        pass: edge.is_some() && !others.is_empty() && wins == others.len(),
    }
}

fn check(budget: Budget) -> Result<Vec<Check>> {
    let design = Design::new(budget);
    let points = fraction_points(&design)?;
    let others = intervention_points(&design, &OTHERS)?;
    let f_c = critical_fraction(design.p, Sum::Modular, design.samples)?
        .max(critical_fraction(design.p, Sum::Integer, design.samples)?);
    Ok(vec![
        rise_check(&points, -1.0),
        law_check(&points, SUPPORTED),
        stop_check(&points, design.p, f_c),
        intervention_check(&points, &others, design.intervention_steps),
    ])
}

/// The law the data support (measured at p = 97 in the note; the ledger checks it again at its sizes).
pub const SUPPORTED: Law = Law::PowerLaw;

#[cfg(test)]
#[path = "../tests/t10_power_fraction.rs"]
mod tests;
