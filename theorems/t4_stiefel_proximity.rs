//! T4-stiefel — Stiefel proximity: how far the weights are from the nearest scaled Stiefel point
//! $rQ$ ($Q^\top Q=I$ on the short side), tracked for Muon and AdamW, and a Stiefel-constrained network
//! (retraction $W\leftarrow r\,\mathrm{polar}(W)$ after every step, $r$ fixed at its initial value) put to the
//! claim that the constraint removes the memorization basin.
//! Note: notes/t4_stiefel_proximity.md
//!
//! Distance: for $W$ with singular values $\sigma_1..\sigma_k$ ($k=\min(m,n)$),
//! $\min_{r\ge0,\,Q}\|W-rQ\|_F^2=\sum\sigma_i^2-(\sum\sigma_i)^2/k$, attained at $Q=\mathrm{polar}(W)$,
//! $r=\sum\sigma_i/k$; the crate reports it relative to $\|W\|_F$.

use super::harness::{canonical_add, labelled_split, train_full_batch_f64, Labels};
use super::{Budget, Check, Status, Theorem};
use crate::config;
use crate::error::Result;
use crate::model::{Batch, Model, Params, Workspace};
use crate::optim::muon::exact_polar;
use crate::optim::OptimizerConfig;
use crate::train::{forward_loss, TrainConfig, THRESHOLD};
use nalgebra::DMatrix;

/// The ledger entry.
pub const THEOREM: Theorem = Theorem {
    id: "T4-stiefel",
    name: "Stiefel proximity: Muon moves W1 toward Stiefel, AdamW does not; a Stiefel-held net neither memorizes random labels nor groks",
    note: "notes/t4_stiefel_proximity.md",
    module: "theorems/t4_stiefel_proximity.rs",
    run: check,
};

/// $\min_{r,Q}\|W-rQ\|_F/\|W\|_F=\sqrt{1-(\sum\sigma_i)^2/(k\sum\sigma_i^2)}$ (0 for the zero matrix).
pub fn stiefel_distance(w: &DMatrix<f64>) -> f64 {
    let s = w.clone().svd(false, false).singular_values;
    let (sum, sq) = (s.sum(), s.norm_squared());
    if sq == 0.0 {
        return 0.0;
    }
    (1.0 - sum * sum / (s.len() as f64 * sq)).max(0.0).sqrt()
}

/// The nearest scaled Stiefel point $r\,\mathrm{polar}(W)$ with $r=\sum\sigma_i/k$.
pub fn nearest_scaled_stiefel(w: &DMatrix<f64>) -> DMatrix<f64> {
    let s = w.clone().svd(false, false).singular_values;
    exact_polar(w) * (s.sum() / s.len() as f64)
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
    /// $\|W_1\|_F$, $\|W_2\|_F$.
    pub fro: [f64; 2],
}

/// Trains `config` in f64, full batch, with `labels`; if `constrained`, every weight matrix is retracted to
/// $r_i\,\mathrm{polar}(W_i)$ after every update, with $r_i$ the scale of its nearest Stiefel point at
/// initialisation. Records a [`Point`] every `every` steps.
pub fn train_tracked(
    config: &TrainConfig,
    labels: Labels,
    constrained: bool,
    every: u64,
) -> Result<Vec<Point>> {
    config.validate()?;
    let split = labelled_split(config, labels)?;
    let test = Batch::<f64>::new(&split.test);
    let mut model = Model::<f64>::init(&config.task, config.model, config.seed)?;
    let scales: Vec<f64> = model
        .params
        .matrices()
        .iter()
        .map(|&w| {
            let s = w.clone().svd(false, false).singular_values;
            s.sum() / s.len() as f64
        })
        .collect();
    let retract = |p: &mut Params<f64>| {
        if constrained {
            for (w, r) in p.matrices_mut().into_iter().zip(&scales) {
                *w = exact_polar(w) * *r;
            }
        }
    };
    retract(&mut model.params);
    let mut test_ws = Workspace::default();
    let mut out = Vec::new();
    train_full_batch_f64(
        config,
        &split.train,
        model,
        every,
        retract,
        |step, model, stats| {
            let test_stats = forward_loss(model, &test, &mut test_ws, config.loss, false);
            let [w1, w2] = model.params.matrices();
            out.push(Point {
                step,
                train_acc: stats.accuracy,
                test_acc: test_stats.accuracy,
                distance: [stiefel_distance(w1), stiefel_distance(w2)],
                fro: [w1.norm(), w2.norm()],
            });
        },
    )?;
    Ok(out)
}

/// First recorded step with training accuracy $\ge99\%$.
pub fn memorized_at(points: &[Point]) -> Option<u64> {
    points
        .iter()
        .find(|q| q.train_acc >= THRESHOLD)
        .map(|q| q.step)
}

/// First recorded step with test accuracy $\ge99\%$.
pub fn grokked_at(points: &[Point]) -> Option<u64> {
    points
        .iter()
        .find(|q| q.test_acc >= THRESHOLD)
        .map(|q| q.step)
}

/// The designs of a budget: `(p, fraction, steps, every)` for the Muon-vs-AdamW comparison (the canonical
/// task) and for the Stiefel-held runs with their free controls.
pub fn designs(budget: Budget) -> [(u32, f64, u64, u64); 2] {
    match budget {
        Budget::Quick => [(97, 0.4, 600, 50), (23, 0.7, 4000, 50)],
        Budget::Full => [(97, 0.4, 4000, 100), (97, 0.4, 4000, 100)],
    }
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
    let best = run.iter().map(|q| q.train_acc).fold(0.0, f64::max);
    format!(
        "t_mem {}, t_grok {}, best train acc {best:.3}; distance W1/W2 at 0: {}, at t_mem: {}, at end: {}",
        memorized_at(run).map_or("none".into(), |t| t.to_string()),
        grokked_at(run).map_or("none".into(), |t| t.to_string()),
        at(Some(0)),
        at(memorized_at(run)),
        at(run.last().map(|q| q.step))
    )
}

/// The ledger check.
pub fn check(budget: Budget) -> Result<Vec<Check>> {
    let adamw = OptimizerConfig::AdamW(config::CANONICAL_ADAMW);
    let muon = OptimizerConfig::Muon(config::DEFAULT_MUON);
    let [(pc, fc, sc, ec), (p, frac, steps, every)] = designs(budget);
    let free_adamw = train_tracked(
        &canonical_add(p, frac, adamw, steps, 0),
        Labels::True,
        false,
        every,
    )?;
    let free_muon = train_tracked(
        &canonical_add(p, frac, muon, steps, 0),
        Labels::True,
        false,
        every,
    )?;
    let (cmp_adamw, cmp_muon) = if (pc, sc) == (p, steps) {
        (free_adamw.clone(), free_muon.clone())
    } else {
        (
            train_tracked(
                &canonical_add(pc, fc, adamw, sc, 0),
                Labels::True,
                false,
                ec,
            )?,
            train_tracked(&canonical_add(pc, fc, muon, sc, 0), Labels::True, false, ec)?,
        )
    };
    let random_free = train_tracked(
        &canonical_add(p, frac, adamw, steps, 0),
        Labels::Random,
        false,
        every,
    )?;
    let random = train_tracked(
        &canonical_add(p, frac, adamw, steps, 0),
        Labels::Random,
        true,
        every,
    )?;
    let constrained = train_tracked(
        &canonical_add(p, frac, adamw, steps, 0),
        Labels::True,
        true,
        every,
    )?;
    let (muon_w1, adamw_w1) = (
        closest_after_mem(&cmp_muon, 0),
        closest_after_mem(&cmp_adamw, 0),
    );
    let on_manifold = random
        .iter()
        .chain(&constrained)
        .flat_map(|q| q.distance)
        .fold(0.0, f64::max)
        < CONSTRAINED_DISTANCE;
    Ok(vec![
        Check {
            claim: format!(
                "on the canonical task (a+b mod {pc}, f = {fc}) Muon moves W1 toward the scaled Stiefel manifold, AdamW does not"
            ),
            status: Status::Empirical,
            prediction: "after t_mem, Muon's W1 distance falls below 1/2 of its initial value; AdamW's stays above 3/4".into(),
            measured: format!(
                "{sc} steps: smallest ratio after t_mem: Muon {muon_w1:.2}, AdamW {adamw_w1:.2}. Muon: {}; AdamW: {}",
                describe(&cmp_muon),
                describe(&cmp_adamw)
            ),
            tolerance: "the factors 1/2 and 3/4".into(),
            pass: muon_w1 < 0.5 && adamw_w1 > 0.75,
        },
        Check {
            claim: "a net held on the scaled Stiefel manifold (retraction to its initial scale after every AdamW step) cannot memorize random labels".into(),
            status: Status::Empirical,
            prediction: format!(
                "a+b mod {p}, f = {frac}: no 99% training accuracy on random labels in {steps} steps, while the free net memorizes them"
            ),
            measured: format!("held: {}; free: {}", describe(&random), describe(&random_free)),
            tolerance: format!("constraint held to distance < {CONSTRAINED_DISTANCE:.0e}"),
            pass: on_manifold && memorized_at(&random).is_none() && memorized_at(&random_free).is_some(),
        },
        Check {
            claim: "the held net does not grok a+b either, while the free nets do".into(),
            status: Status::Empirical,
            prediction: format!("held: no t_grok in {steps} steps; free AdamW and Muon: t_grok found"),
            measured: format!(
                "held: {}; free AdamW: {}; free Muon: {}",
                describe(&constrained),
                describe(&free_adamw),
                describe(&free_muon)
            ),
            tolerance: "none".into(),
            pass: on_manifold
                && grokked_at(&constrained).is_none()
                && grokked_at(&free_adamw).is_some()
                && grokked_at(&free_muon).is_some(),
        },
    ])
}

/// Largest [`stiefel_distance`] accepted for retracted weights: the distance is a square root of a
/// difference of nearly equal sums, so round-off $10^{-16}$ shows as $10^{-8}$.
pub const CONSTRAINED_DISTANCE: f64 = 1e-6;
