//! T4-stiefel — Stiefel proximity: how far the weights are from the nearest scaled Stiefel point
//! $rQ$ ($Q^\top Q=I$ on the short side), tracked for Muon and AdamW, and Stiefel-constrained networks
//! (a hard retraction $W\leftarrow c\\,r_0\\,\mathrm{polar}(W)$ after every step at a multiple $c$ of the initial
//! scale $r_0$, or a soft pull toward the current nearest scaled Stiefel point) put to the claim that the
//! constraint removes the memorization basin.
//! Note: notes/t4_stiefel_proximity.md
//!
//! Distance: for $W$ with singular values $\sigma_1..\sigma_k$ ($k=\min(m,n)$),
//! $\min_{r\ge0,\\,Q}\\|W-rQ\\|\_F^2=\sum\sigma_i^2-(\sum\sigma_i)^2/k$, attained at $Q=\mathrm{polar}(W)$,
//! $r=\sum\sigma_i/k$; the crate reports it relative to $\\|W\\|\_F$.

use super::{Budget, Check, Status, Theorem};
use grokking::config;
use grokking::config::canonical_add;
use grokking::error::{ensure, Result};
use grokking::evaluation::Measures;
use grokking::measure::spectrum::{
    mean_singular_value, stiefel_distance, stiefel_penalty_gradient,
};
use grokking::model::Params;
use grokking::optim::muon::exact_polar;
use grokking::optim::OptimizerConfig;
use grokking::task::Labels;
use grokking::train::{self, first_at, Observer, Probe, TrainConfig, THRESHOLD};
use std::ops::ControlFlow;

/// The ledger entry.
pub const THEOREM: Theorem = Theorem {
    id: "T4-stiefel",
    name: "Stiefel proximity: Muon moves W1 toward Stiefel, AdamW does not; a Stiefel-held net neither memorizes random labels nor groks",
    note: "notes/t4_stiefel_proximity.md",
    module: "theorems/t4_stiefel_proximity.rs",
    run: check,
};

/// How the weights are tied to the scaled Stiefel manifold after every update.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Constraint {
    /// No constraint.
    Free,
    /// Hard retraction $W_i\leftarrow c\\,r_{0,i}\\,\mathrm{polar}(W_i)$, $r_{0,i}$ the scale of $W_i$'s nearest
    /// Stiefel point at initialisation, $c$ = `scale`.
    Held {
        /// The multiple $c$ of the initial scale.
        scale: f64,
    },
    /// Soft pull $W\leftarrow W-\gamma\nabla P(W)=(1-\gamma)W+\gamma\\,\bar r(W)\\,\mathrm{polar}(W)$,
    /// $\gamma$ = `rate` in $(0,1]$: it keeps the singular vectors and the mean singular value and
    /// shrinks every $\sigma_i-\bar r$ by the factor $1-\gamma$; the scale is free.
    Pull {
        /// The step $\gamma$ on the penalty.
        rate: f64,
    },
}

impl Constraint {
    /// A short label for tables.
    pub fn label(&self) -> String {
        match self {
            Constraint::Free => "free".into(),
            Constraint::Held { scale } => format!("held at {scale} r0"),
            Constraint::Pull { rate } => format!("pull {rate}"),
        }
    }
}

/// A recorded step of [`train_tracked`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// Updates applied.
    pub step: u64,
    /// Training accuracy (on the training labels used).
    pub train_acc: f64,
    /// Test accuracy on the true labels.
    pub test_acc: f64,
    /// [`stiefel_distance`] of $W_1$ and $W_2$.
    pub distance: [f64; 2],
    /// $\\|W_1\\|\_F$, $\\|W_2\\|\_F$.
    pub fro: [f64; 2],
}

/// Trains `config` in f64, full batch, with `labels`, applying `constraint` to every weight matrix at
/// initialisation and after every update. Records a [`Point`] every `every` steps.
pub fn train_tracked(
    config: &TrainConfig,
    labels: Labels,
    constraint: Constraint,
    every: u64,
) -> Result<Vec<Point>> {
    config.validate()?;
    let valid = match constraint {
        Constraint::Free => true,
        Constraint::Held { scale } => scale.is_finite() && scale > 0.0,
        Constraint::Pull { rate } => rate > 0.0 && rate <= 1.0,
    };
    ensure(valid, || {
        format!("Stiefel constraint {constraint:?}: the scale must be finite and > 0, the rate in (0, 1]")
    })?;
    let config = TrainConfig {
        eval_every: every,
        ..*config
    };
    let mut tracker = Tracker {
        constraint,
        scales: Vec::new(),
        points: Vec::new(),
    };
    train::train_with(&config, labels, Measures::Accuracy, &mut tracker)?;
    Ok(tracker.points)
}

/// [`train_tracked`]'s observer: the constraint as the trainer's weight hook (the initial scales are taken
/// from the initial weights, before the hook first applies), and a [`Point`] at every evaluation.
struct Tracker {
    constraint: Constraint,
    scales: Vec<f64>,
    points: Vec<Point>,
}

impl Observer<f64> for Tracker {
    fn constrain(&mut self, step: u64, params: &mut Params<f64>) {
        if step == 0 {
            self.scales = params
                .matrices()
                .iter()
                .map(|&w| mean_singular_value(w))
                .collect();
        }
        match self.constraint {
            Constraint::Free => {}
            Constraint::Held { scale } => {
                for (w, r) in params.matrices_mut().into_iter().zip(&self.scales) {
                    *w = exact_polar(w) * (scale * r);
                }
            }
            Constraint::Pull { rate } => {
                for w in params.matrices_mut() {
                    *w -= stiefel_penalty_gradient(w) * rate;
                }
            }
        }
    }

    fn observe(&mut self, probe: &Probe<'_, f64>) -> Result<ControlFlow<()>> {
        let [w1, w2] = probe.model.params.matrices();
        self.points.push(Point {
            step: probe.step,
            train_acc: probe.train.accuracy,
            test_acc: probe.test_acc()?,
            distance: [stiefel_distance(w1), stiefel_distance(w2)],
            fro: [w1.norm(), w2.norm()],
        });
        Ok(ControlFlow::Continue(()))
    }
}

/// First recorded step with training accuracy $\ge99\\%$.
fn memorized_at(points: &[Point]) -> Option<u64> {
    first_at(points.iter().map(|q| (q.step, q.train_acc)), THRESHOLD)
}

/// First recorded step with test accuracy $\ge99\\%$.
fn grokked_at(points: &[Point]) -> Option<u64> {
    first_at(points.iter().map(|q| (q.step, q.test_acc)), THRESHOLD)
}

/// The designs of a budget: `(p, fraction, steps, every)` for the Muon-vs-AdamW comparison (the canonical
/// task) and for the Stiefel-held runs with their free controls.
fn designs(budget: Budget) -> [(u32, f64, u64, u64); 2] {
    match budget {
        Budget::Quick => [(97, 0.4, 600, 50), (23, 0.7, 4000, 50)],
        Budget::Full => [(97, 0.4, 4000, 100), (97, 0.4, 4000, 100)],
    }
}

/// The constraints of a budget's sweep (beyond the hard retraction at the initial scale, which the
/// budget's main runs use).
fn swept_constraints(budget: Budget) -> Vec<Constraint> {
    match budget {
        Budget::Quick => vec![
            Constraint::Held { scale: 4.0 },
            Constraint::Pull { rate: 1.0 },
        ],
        Budget::Full => vec![
            Constraint::Held { scale: 2.0 },
            Constraint::Held { scale: 4.0 },
            Constraint::Held { scale: 8.0 },
            Constraint::Pull { rate: 0.01 },
            Constraint::Pull { rate: 0.1 },
            Constraint::Pull { rate: 1.0 },
        ],
    }
}

/// One constrained setting on random and on true labels.
#[derive(Clone, Debug)]
struct ConstrainedPair {
    /// The constraint.
    pub constraint: Constraint,
    /// The run on random labels.
    pub random: Vec<Point>,
    /// The run on the true labels.
    pub truth: Vec<Point>,
}

impl ConstrainedPair {
    /// Trains both runs of `constraint` on `config` (AdamW, as the held runs of the check).
    pub fn train(config: &TrainConfig, constraint: Constraint, every: u64) -> Result<Self> {
        Ok(ConstrainedPair {
            constraint,
            random: train_tracked(config, Labels::Random, constraint, every)?,
            truth: train_tracked(config, Labels::True, constraint, every)?,
        })
    }

    /// Whether this setting does what the claim asks of a constraint: no memorization of random labels,
    /// and grokking of the true ones, within the budget.
    pub fn blocks_memorization_and_groks(&self) -> bool {
        memorized_at(&self.random).is_none() && grokked_at(&self.truth).is_some()
    }

    fn describe(&self) -> String {
        format!(
            "{}: random labels best train acc {:.3}; true labels t_mem {}, t_grok {}",
            self.constraint.label(),
            best_train_acc(&self.random),
            memorized_at(&self.truth).map_or("none".into(), |t| t.to_string()),
            grokked_at(&self.truth).map_or("none".into(), |t| t.to_string()),
        )
    }
}

/// Best training accuracy of a run.
fn best_train_acc(run: &[Point]) -> f64 {
    run.iter().map(|q| q.train_acc).fold(0.0, f64::max)
}

/// Whether both layers of every recorded point of `runs` are within [`CONSTRAINED_DISTANCE`] of the
/// manifold.
fn stays_on_manifold(runs: &[&[Point]]) -> bool {
    runs.iter()
        .flat_map(|run| run.iter().flat_map(|q| q.distance))
        .fold(0.0, f64::max)
        < CONSTRAINED_DISTANCE
}

/// Smallest ratio of a run's distance (layer `i`) after its $t_{mem}$ to its initial distance.
fn closest_after_mem(run: &[Point], i: usize) -> f64 {
    let t_mem = memorized_at(run).unwrap_or(0);
    run.iter()
        .filter(|q| q.step >= t_mem)
        .map(|q| q.distance[i] / run[0].distance[i])
        .fold(f64::INFINITY, f64::min)
}

fn describe(run: &[Point]) -> String {
    let at = |t: Option<u64>| {
        t.and_then(|t| run.iter().find(|q| q.step == t))
            .map_or("-".to_string(), |q| {
                format!("{:.3}/{:.3}", q.distance[0], q.distance[1])
            })
    };
    format!(
        "t_mem {}, t_grok {}, best train acc {:.3}; distance W1/W2 at 0: {}, at t_mem: {}, at end: {}",
        memorized_at(run).map_or("none".into(), |t| t.to_string()),
        grokked_at(run).map_or("none".into(), |t| t.to_string()),
        best_train_acc(run),
        at(Some(0)),
        at(memorized_at(run)),
        at(run.last().map(|q| q.step))
    )
}

/// After $t_{mem}$ Muon's $W_1$ distance must fall below this fraction of its initial value...
pub const MUON_DISTANCE_RATIO: f64 = 0.5;
/// ...while AdamW's stays above this one (the canonical task; the note's table).
pub const ADAMW_DISTANCE_RATIO: f64 = 0.75;

/// The runs of the check: free AdamW and Muon (on the held runs' task and on the canonical one), a free
/// net on random labels, the net held at its initial scale, and the swept constraints.
struct Runs {
    /// `(p, fraction, steps)` of the comparison on the canonical task, and of the held runs.
    designs: [(u32, f64, u64); 2],
    free_adamw: Vec<Point>,
    free_muon: Vec<Point>,
    cmp_adamw: Vec<Point>,
    cmp_muon: Vec<Point>,
    random_free: Vec<Point>,
    held: ConstrainedPair,
    swept: Vec<ConstrainedPair>,
}

impl Runs {
    fn train(budget: Budget) -> Result<Self> {
        let adamw = OptimizerConfig::AdamW(config::CANONICAL_ADAMW);
        let muon = OptimizerConfig::Muon(config::DEFAULT_MUON);
        let [(pc, fc, sc, ec), (p, frac, steps, every)] = designs(budget);
        let free = |optimizer, labels| {
            train_tracked(
                &canonical_add(p, frac, optimizer, steps, 0),
                labels,
                Constraint::Free,
                every,
            )
        };
        let free_adamw = free(adamw, Labels::True)?;
        let free_muon = free(muon, Labels::True)?;
        let (cmp_adamw, cmp_muon) = if (pc, sc) == (p, steps) {
            (free_adamw.clone(), free_muon.clone())
        } else {
            let canonical = |optimizer| {
                train_tracked(
                    &canonical_add(pc, fc, optimizer, sc, 0),
                    Labels::True,
                    Constraint::Free,
                    ec,
                )
            };
            (canonical(adamw)?, canonical(muon)?)
        };
        let held_config = canonical_add(p, frac, adamw, steps, 0);
        Ok(Runs {
            designs: [(pc, fc, sc), (p, frac, steps)],
            random_free: free(adamw, Labels::Random)?,
            held: ConstrainedPair::train(&held_config, Constraint::Held { scale: 1.0 }, every)?,
            swept: swept_constraints(budget)
                .into_iter()
                .map(|c| ConstrainedPair::train(&held_config, c, every))
                .collect::<Result<Vec<_>>>()?,
            free_adamw,
            free_muon,
            cmp_adamw,
            cmp_muon,
        })
    }

    /// Whether the net held at its initial scale stayed on the manifold on both labels.
    fn held_on_manifold(&self) -> bool {
        stays_on_manifold(&[&self.held.random, &self.held.truth])
    }
}

/// The ledger check.
fn check(budget: Budget) -> Result<Vec<Check>> {
    let runs = Runs::train(budget)?;
    Ok(vec![
        muon_approaches_the_manifold(&runs),
        held_refuses_random_labels(&runs),
        held_does_not_grok(&runs),
        the_manifold_keeps_the_basin(&runs),
        no_constraint_does_both(&runs),
    ])
}

/// Muon moves $W_1$ toward the scaled Stiefel manifold on the canonical task, AdamW does not.
fn muon_approaches_the_manifold(runs: &Runs) -> Check {
    let [(pc, fc, sc), _] = runs.designs;
    let (muon_w1, adamw_w1) = (
        closest_after_mem(&runs.cmp_muon, 0),
        closest_after_mem(&runs.cmp_adamw, 0),
    );
    Check {
        claim: format!(
            "on the canonical task (a+b mod {pc}, f = {fc}) Muon moves W1 toward the scaled Stiefel manifold, AdamW does not"
        ),
        status: Status::Empirical,
        prediction: "after t_mem, Muon's W1 distance falls below 1/2 of its initial value; AdamW's stays above 3/4".into(),
        measured: format!(
            "{sc} steps: smallest ratio after t_mem: Muon {muon_w1:.2}, AdamW {adamw_w1:.2}. Muon: {}; AdamW: {}",
            describe(&runs.cmp_muon),
            describe(&runs.cmp_adamw)
        ),
        tolerance: "the factors 1/2 and 3/4".into(),
        pass: muon_w1 < MUON_DISTANCE_RATIO && adamw_w1 > ADAMW_DISTANCE_RATIO,
    }
}

/// Held at its initial scale, the net does not memorize random labels; the free net does.
fn held_refuses_random_labels(runs: &Runs) -> Check {
    let [_, (p, frac, steps)] = runs.designs;
    let random = &runs.held.random;
    Check {
        claim: "a net held on the scaled Stiefel manifold (retraction to its initial scale after every AdamW step) cannot memorize random labels".into(),
        status: Status::Empirical,
        prediction: format!(
            "a+b mod {p}, f = {frac}: no 99% training accuracy on random labels in {steps} steps, while the free net memorizes them"
        ),
        measured: format!("held: {}; free: {}", describe(random), describe(&runs.random_free)),
        tolerance: format!("constraint held to distance < {CONSTRAINED_DISTANCE:.0e}"),
        pass: runs.held_on_manifold()
            && memorized_at(random).is_none()
            && memorized_at(&runs.random_free).is_some(),
    }
}

/// Held at its initial scale, the net does not grok either; the free nets do.
fn held_does_not_grok(runs: &Runs) -> Check {
    let [_, (_, _, steps)] = runs.designs;
    let constrained = &runs.held.truth;
    Check {
        claim: "the held net does not grok a+b either, while the free nets do".into(),
        status: Status::Empirical,
        prediction: format!("held: no t_grok in {steps} steps; free AdamW and Muon: t_grok found"),
        measured: format!(
            "held: {}; free AdamW: {}; free Muon: {}",
            describe(constrained),
            describe(&runs.free_adamw),
            describe(&runs.free_muon)
        ),
        tolerance: "none".into(),
        pass: runs.held_on_manifold()
            && grokked_at(constrained).is_none()
            && grokked_at(&runs.free_adamw).is_some()
            && grokked_at(&runs.free_muon).is_some(),
    }
}

/// False as stated: held exactly on the manifold at a larger or a free scale, the net memorizes random labels.
fn the_manifold_keeps_the_basin(runs: &Runs) -> Check {
    let [_, (p, frac, steps)] = runs.designs;
    let on_manifold_and_memorizing: Vec<&ConstrainedPair> = runs
        .swept
        .iter()
        .filter(|pair| stays_on_manifold(&[&pair.random, &pair.truth]))
        .filter(|pair| memorized_at(&pair.random).is_some())
        .collect();
    Check {
        claim: "weights held on the scaled Stiefel manifold cannot memorize random labels at any fixed or free scale (the manifold's geometry, not the scale, removes the memorization basin; at the initial scale the claim holds, row above)".into(),
        status: Status::FalseAsStated,
        prediction: format!(
            "counterexample: a+b mod {p}, f = {frac}: a net held exactly on the manifold at a larger fixed scale, or at a free scale (pull rate 1), memorizes random labels in {steps} steps"
        ),
        measured: format!(
            "held exactly on the manifold (distance < {CONSTRAINED_DISTANCE:.0e}) and memorizing random labels: {}",
            if on_manifold_and_memorizing.is_empty() {
                "none".to_string()
            } else {
                on_manifold_and_memorizing
                    .iter()
                    .map(|pair| {
                        format!(
                            "{} (t_mem {})",
                            pair.constraint.label(),
                            memorized_at(&pair.random).unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ),
        tolerance: format!("constraint held to distance < {CONSTRAINED_DISTANCE:.0e}"),
        pass: !on_manifold_and_memorizing.is_empty(),
    }
}

/// No swept constraint both refuses random labels and groks.
fn no_constraint_does_both(runs: &Runs) -> Check {
    let [_, (p, frac, steps)] = runs.designs;
    Check {
        claim: "no Stiefel constraint of the sweep both refuses random labels and lets a+b grok".into(),
        status: Status::Empirical,
        prediction: format!(
            "a+b mod {p}, f = {frac}, {steps} steps: every swept setting either memorizes random labels or does not grok (held at the initial scale: rows above)"
        ),
        measured: runs
            .swept
            .iter()
            .map(ConstrainedPair::describe)
            .collect::<Vec<_>>()
            .join("; "),
        tolerance: "none".into(),
        pass: !runs
            .swept
            .iter()
            .any(ConstrainedPair::blocks_memorization_and_groks),
    }
}

/// Largest [`stiefel_distance`] accepted for retracted weights: the distance is a square root of a
/// difference of nearly equal sums, so round-off $10^{-16}$ shows as $10^{-8}$.
pub const CONSTRAINED_DISTANCE: f64 = 1e-6;

#[cfg(test)]
#[path = "../tests/t4_stiefel_proximity.rs"]
mod tests;
