//! T1-dichotomy — Lyu et al.'s (2024) clock $t\approx\ln\alpha/\lambda$ for leaving the kernel regime, put to
//! the crate's AdamW: the initial scale $\alpha$ multiplies every weight of the canonical initialization,
//! and above the scale that AdamW reaches by itself the grokking step grows by
//! $1/(-\ln(1-\eta\lambda))\approx1/(\eta\lambda)$ steps per e-fold of $\alpha$.
//! Note: notes/t1_dichotomy.md
//!
//! Norm lemma (proved in the note): decoupled weight decay $\theta\leftarrow(1-\eta\lambda)\theta-\eta u$ gives
//! $\\|\theta_t\\|\ge(1-\eta\lambda)^t\\|\theta_0\\|-\eta\sum_{s<t}(1-\eta\lambda)^{t-1-s}\rho_s$ with $\rho_s=\langle\theta_s,u_s\rangle/\\|\theta_s\\|$
//! the update's radial part, so a net that generalizes only once its norm is down to $R$ needs at least
//! $\ln(\\|\theta_0\\|/R)/(-\ln(1-\eta\lambda))$ steps when the radial pushes are negligible, and at least
//! [`decay_time_bound`] steps in any case: Adam's step is at most [`adam_step_bound`] per coordinate, so
//! $\rho_s\le B_\infty\sqrt P$.

use super::{Budget, Check, Memo, Seconds, Status, Theorem};
use grokking::config;
use grokking::config::canonical_add;
use grokking::error::Result;
use grokking::optim::{AdamWConfig, OptimizerConfig};
use grokking::stats::median;
use grokking::stats::slope_with_standard_error;
use grokking::evaluation::Measures;
use grokking::task::Labels;
use grokking::train::{self, Silent, TrainConfig};
use rayon::prelude::*;

/// The ledger entry.
pub const THEOREM: Theorem = Theorem {
    id: "T1-dichotomy",
    name: "Lyu et al.'s ln(alpha)/lambda clock under AdamW: t_grok grows by 1/(eta lambda) steps per e-fold of the init scale; t_grok/t_mem shrinks",
    note: "notes/t1_dichotomy.md",
    module: "theorems/t1_dichotomy.rs",
    run: check,
    seconds: Seconds {
        quick: 12.2,
        full: 60.0,
    },
};

/// The runs of one budget.
#[derive(Clone, Debug)]
struct Design {
    /// Modulus of $a+b$.
    pub p: u32,
    /// Training fraction.
    pub train_frac: f64,
    /// Initial scales $\alpha$; the first is the reference (the canonical $\alpha=1$).
    pub alphas: Vec<f64>,
    /// Weight decays $\lambda$ (AdamW, decoupled; learning rate the canonical $3\cdot10^{-3}$).
    pub weight_decays: Vec<f64>,
    /// Seeds per $(\alpha,\lambda)$.
    pub seeds: u64,
    /// Step limit of each run.
    pub max_steps: u64,
}

impl Design {
    /// $a+b\bmod23$, $f=0.7$, $\alpha\in\\{1,8,32,128,512\\}$, 5 seeds at $\lambda=1$ (quick); the same with 10
    /// seeds at $\lambda\in\\{1,\frac12\\}$ (full). Their times are in [`THEOREM`]'s `seconds`.
    pub fn of(budget: Budget) -> Self {
        let (weight_decays, seeds) = match budget {
            Budget::Quick => (vec![1.0], 5),
            Budget::Full => (vec![1.0, 0.5], 10),
        };
        Design {
            p: 23,
            train_frac: 0.7,
            alphas: vec![1.0, 8.0, 32.0, 128.0, 512.0],
            weight_decays,
            seeds,
            max_steps: 20_000,
        }
    }

    /// The canonical configuration with this design's task, `alpha` and `weight_decay`, evaluated every
    /// 10 steps and stopped at $t_{grok}$.
    pub fn config(&self, alpha: f64, weight_decay: f64, seed: u64) -> TrainConfig {
        let optimizer = OptimizerConfig::AdamW(AdamWConfig {
            weight_decay,
            ..config::CANONICAL_ADAMW
        });
        let mut c = canonical_add(self.p, self.train_frac, optimizer, self.max_steps, seed);
        c.model.alpha = alpha;
        c.eval_every = 10;
        c.stop_at_grok = true;
        c
    }
}

/// The clock's slope: steps per e-fold of the initial scale, $1/(-\ln(1-\eta\lambda))$ (the number of
/// decoupled-decay steps that shrink the weights by a factor $e$; $\approx1/(\eta\lambda)$).
pub fn clock_slope(lr: f64, weight_decay: f64) -> f64 {
    1.0 / -(1.0 - lr * weight_decay).ln()
}

/// Largest magnitude of one coordinate of Adam's step direction $\hat m_t/\sqrt{\hat v_t}$ after $t$ updates, over
/// every gradient sequence (dimensionless; `t = f64::INFINITY` gives the supremum over $t$):
/// $$B_t=\frac{1-\beta_1}{1-\beta_1^t}\sqrt{\frac{(1-\beta_2^t)\\,S_t(q)}{1-\beta_2}},\qquad q=\beta_1^2/\beta_2,\quad S_t(q)=\sum_{k<t}q^k,$$
/// attained by gradients $g_{t-k}\propto(\beta_1/\beta_2)^k$ (Cauchy–Schwarz; proof in the note). With $q<1$,
/// $B_t\le B_\infty=(1-\beta_1)/\sqrt{(1-\beta_2)(1-q)}$ (1.698 for $\beta=(0.9,0.98)$); with $q\ge1$ there is no
/// bound uniform in $t$ and $B_\infty=\infty$. $\epsilon>0$ only makes the step smaller.
pub fn adam_step_bound(beta1: f64, beta2: f64, t: f64) -> f64 {
    let q = beta1 * beta1 / beta2;
    let geometric_sum = if q == 1.0 {
        t
    } else {
        (1.0 - q.powf(t)) / (1.0 - q)
    };
    (1.0 - beta1) / (1.0 - beta1.powf(t))
        * ((1.0 - beta2.powf(t)) * geometric_sum / (1.0 - beta2)).sqrt()
}

/// The norm lemma's lower bound on the steps needed to bring $\\|\theta\\|$ from `initial_norm` down to
/// `target_norm` when every radial push is at most `push` ($\bar\rho$, same units as the norm):
/// $t_R\ge\ln\bigl((\\|\theta_0\\|+\bar\rho/\lambda)/(R+\bar\rho/\lambda)\bigr)/(-\ln(1-\eta\lambda))$, and 0 when the
/// logarithm is negative (the target is not below the start).
pub fn decay_time_bound(
    lr: f64,
    weight_decay: f64,
    initial_norm: f64,
    target_norm: f64,
    push: f64,
) -> f64 {
    let offset = push / weight_decay;
    ((initial_norm + offset) / (target_norm + offset))
        .ln()
        .max(0.0)
        * clock_slope(lr, weight_decay)
}

/// What one run gives.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Run {
    /// Initial scale.
    pub alpha: f64,
    /// $\\|\theta_0\\|$.
    pub initial_norm: f64,
    /// Largest recorded $\\|\theta\\|$ up to $t_{grok}$ (or the end).
    pub peak_norm: f64,
    /// First evaluated step with training accuracy $\ge99\\%$.
    pub t_mem: Option<u64>,
    /// First evaluated step with test accuracy $\ge99\\%$.
    pub t_grok: Option<u64>,
    /// $\\|\theta\\|$ at $t_{grok}$.
    pub norm_at_grok: Option<f64>,
    /// Number of trained parameters $P$ (both weight matrices).
    pub parameters: usize,
}

/// Every seed of `design` at every $\alpha$ and `weight_decay` (f32 training, seeds in parallel; trained once
/// per process, [`Memo`]).
fn measure(design: &Design, weight_decay: f64) -> Result<Vec<Run>> {
    static RUNS: Memo<Vec<Run>> = Memo::new();
    RUNS.get_or_measure(format!("{design:?} {weight_decay:?}"), || {
        let jobs: Vec<(f64, u64)> = design
            .alphas
            .iter()
            .flat_map(|&a| (0..design.seeds).map(move |s| (a, s)))
            .collect();
        jobs.into_par_iter()
            .map(|(alpha, seed)| {
                // Only accuracies and norms are read: no Fourier measures.
                let trained = train::train_with::<f32>(
                    &design.config(alpha, weight_decay, seed),
                    Labels::True,
                    Measures::Accuracy,
                    &mut Silent,
                )?;
                let h = trained.history;
                let norms: Vec<f64> = h.records.iter().map(|r| r.weight_norm).collect();
                Ok(Run {
                    alpha,
                    initial_norm: norms.first().copied().unwrap_or(f64::NAN),
                    peak_norm: norms.iter().copied().fold(0.0, f64::max),
                    t_mem: h.t_mem,
                    t_grok: h.t_grok,
                    norm_at_grok: h
                        .t_grok
                        .and_then(|t| h.records.iter().find(|r| r.step == t))
                        .map(|r| r.weight_norm),
                    parameters: trained
                        .model
                        .params
                        .matrices()
                        .iter()
                        .map(|m| m.len())
                        .sum(),
                })
            })
            .collect()
    })
}

/// The scale AdamW reaches by itself: the median peak norm of the reference-$\alpha$ runs.
fn own_scale(runs: &[Run], reference_alpha: f64) -> Option<f64> {
    median_at(runs, reference_alpha, |r| Some(r.peak_norm))
}

/// Least-squares slope of $t_{grok}$ against $\ln\alpha$, with its standard error, over the runs that start
/// above `scale` ($\\|\theta_0\\|>$ `scale`: the decay-limited regime); `None` unless every such run groks and
/// they span at least two scales.
fn fit_clock(runs: &[Run], scale: f64) -> Option<(f64, f64)> {
    let points: Option<Vec<(f64, f64)>> = runs
        .iter()
        .filter(|r| r.initial_norm > scale)
        .map(|r| r.t_grok.map(|t| (r.alpha.ln(), t as f64)))
        .collect();
    slope_with_standard_error(&points?)
}

/// Median of $t_{grok}/t_{mem}$ over the runs at `alpha` that grok.
fn median_ratio(runs: &[Run], alpha: f64) -> Option<f64> {
    median_at(runs, alpha, |r| Some(r.t_grok? as f64 / r.t_mem? as f64))
}

/// Median of a per-run quantity over the runs at `alpha`.
fn median_at(runs: &[Run], alpha: f64, value: impl Fn(&Run) -> Option<f64>) -> Option<f64> {
    let mut v: Vec<f64> = runs
        .iter()
        .filter(|r| r.alpha == alpha)
        .filter_map(value)
        .collect();
    median(&mut v)
}

/// Largest accepted standard error of the measured slope, relative to the clock's: above it the design
/// cannot tell the clock from half or twice the clock, and the check fails as underpowered.
pub const MAX_RELATIVE_ERROR: f64 = 0.15;

/// Accepted distance of the measured slope from the clock's, in standard errors.
pub const SIGMAS: f64 = 3.0;

/// Accepted ratio of the largest to the smallest median norm at $t_{grok}$ across initial scales.
pub const NORM_SPREAD: f64 = 1.1;

/// The ledger check.
fn check(budget: Budget) -> Result<Vec<Check>> {
    let design = Design::of(budget);
    let mut checks = Vec::new();
    for &wd in &design.weight_decays {
        let runs = measure(&design, wd)?;
        let at = Setting::new(&design, &runs, wd);
        checks.push(clock(&at, clock_slope(at.lr, wd)));
        checks.push(one_norm_at_grokking(&at));
        let adam = config::CANONICAL_ADAMW;
        let step_bound = adam_step_bound(adam.beta1, adam.beta2, f64::INFINITY);
        checks.push(decay_bound_check(&runs, at.lr, wd, at.largest, step_bound));
        checks.push(ratio_does_not_grow(&at));
    }
    Ok(checks)
}

/// What the sub-claims at one weight decay share: the design, its runs, $\eta$, $\lambda$, the reference
/// and the largest $\alpha$, and AdamW's own scale (the median peak norm at the reference $\alpha$).
struct Setting<'a> {
    design: &'a Design,
    runs: &'a [Run],
    lr: f64,
    wd: f64,
    reference: f64,
    largest: f64,
    scale: f64,
}

impl<'a> Setting<'a> {
    fn new(design: &'a Design, runs: &'a [Run], wd: f64) -> Self {
        let reference = design.alphas[0];
        Setting {
            design,
            runs,
            lr: config::CANONICAL_ADAMW.lr,
            wd,
            reference,
            largest: design.alphas.iter().copied().fold(0.0, f64::max),
            scale: own_scale(runs, reference).unwrap_or(f64::NAN),
        }
    }
}

/// Lyu et al.'s clock: above AdamW's own scale, $t_{grok}$ grows by `predicted` steps per e-fold of $\alpha$
/// ($1/(-\ln(1-\eta\lambda))$, [`clock_slope`], in the ledger; a test swaps in wrong clocks).
fn clock(at: &Setting, predicted: f64) -> Check {
    let Setting {
        design,
        runs,
        lr,
        wd,
        reference,
        scale,
        ..
    } = *at;
    let fit = fit_clock(runs, scale);
    let per_alpha = design
        .alphas
        .iter()
        .map(|&a| {
            let show = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.0}"));
            format!(
                "alpha {a}: |theta_0| {}, t_mem {}, t_grok {}, |theta| at t_grok {}",
                show(median_at(runs, a, |r| Some(r.initial_norm))),
                show(median_at(runs, a, |r| r.t_mem.map(|t| t as f64))),
                show(median_at(runs, a, |r| r.t_grok.map(|t| t as f64))),
                show(median_at(runs, a, |r| r.norm_at_grok)),
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let (pass, measured) = match fit {
        Some((slope, se)) => (
            se / predicted <= MAX_RELATIVE_ERROR
                && (slope - predicted).abs() <= SIGMAS * se,
            format!(
                "slope {slope:.0} +- {se:.0} steps per e-fold (ratio {:.3} +- {:.3}) over the runs starting above AdamW's own scale {scale:.1} (median peak norm at alpha = {reference}); medians: {per_alpha}",
                slope / predicted,
                se / predicted
            ),
        ),
        None => (
            false,
            format!("no fit (a run above the scale {scale:.1} did not grok, or fewer than two scales); medians: {per_alpha}"),
        ),
    };
    Check {
        claim: format!(
            "a+b mod {}, f = {}, AdamW lr {lr}, wd {wd}: above AdamW's own scale, t_grok grows by 1/(-ln(1 - eta lambda)) steps per e-fold of the init scale alpha (Lyu et al.'s ln(alpha)/lambda clock)",
            design.p, design.train_frac
        ),
        status: Status::Empirical,
        prediction: format!("slope {predicted:.1} steps per e-fold of alpha"),
        measured,
        tolerance: format!(
            "{SIGMAS} standard errors of the slope ({} seeds per alpha), which must be at most {:.0}% of the prediction",
            design.seeds,
            100.0 * MAX_RELATIVE_ERROR
        ),
        pass,
    }
}

/// The clock's premise: runs generalize at one weight norm, whatever their initial scale.
fn one_norm_at_grokking(at: &Setting) -> Check {
    let Setting {
        design,
        runs,
        wd,
        reference,
        largest,
        scale,
        ..
    } = *at;
    let grok_norms: Vec<f64> = design
        .alphas
        .iter()
        .filter_map(|&a| median_at(runs, a, |r| r.norm_at_grok))
        .collect();
    let spread = grok_norms.iter().copied().fold(0.0, f64::max)
        / grok_norms.iter().copied().fold(f64::INFINITY, f64::min);
    Check {
        claim: format!(
            "wd {wd}: the clock's premise: runs generalize at one weight norm, whatever their initial scale (from {:.0} to {:.0})",
            median_at(runs, reference, |r| Some(r.initial_norm)).unwrap_or(f64::NAN),
            median_at(runs, largest, |r| Some(r.initial_norm)).unwrap_or(f64::NAN),
        ),
        status: Status::Empirical,
        prediction: "the median |theta| at t_grok is the same at every alpha".into(),
        measured: format!(
            "median |theta| at t_grok per alpha: {}; largest/smallest {spread:.3} (AdamW's own scale, the median peak norm at alpha = {reference}: {scale:.1})",
            grok_norms
                .iter()
                .map(|v| format!("{v:.1}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        tolerance: format!("largest/smallest at most {NORM_SPREAD}"),
        pass: grok_norms.len() == design.alphas.len() && spread <= NORM_SPREAD,
    }
}

/// False as stated: a larger initial scale makes $t_{grok}/t_{mem}$ larger.
fn ratio_does_not_grow(at: &Setting) -> Check {
    let Setting {
        runs,
        wd,
        reference,
        largest,
        ..
    } = *at;
    let (small, large) = (median_ratio(runs, reference), median_ratio(runs, largest));
    Check {
        claim: format!(
            "wd {wd}: a larger init scale makes t_grok/t_mem larger (gradient-flow picture: t_mem shrinks as the kernel grows like alpha^2, t_grok grows like ln(alpha)/lambda)"
        ),
        status: Status::FalseAsStated,
        prediction: format!(
            "counterexample under AdamW: median t_grok/t_mem at alpha = {largest} below its value at alpha = {reference}"
        ),
        measured: format!(
            "median t_grok/t_mem: {} at alpha = {reference}, {} at alpha = {largest}",
            small.map_or("-".into(), |v| format!("{v:.2}")),
            large.map_or("-".into(), |v| format!("{v:.2}")),
        ),
        tolerance: "none (strict inequality of the medians)".into(),
        pass: matches!((small, large), (Some(s), Some(l)) if l < s),
    }
}

/// The norm lemma made explicit with a per-coordinate step bound `step_bound` (Adam's sharp $B_\infty$,
/// [`adam_step_bound`], in the ledger): the radial push is at most $\bar\rho=B\sqrt P$, so every run needs at least
/// [`decay_time_bound`] steps to go from $\\|\theta_0\\|$ to the norm at which it generalizes, and $t_{grok}$ can be no
/// smaller.
fn decay_bound_check(runs: &[Run], lr: f64, wd: f64, largest: f64, step_bound: f64) -> Check {
    let bound = |r: &Run| {
        let push = step_bound * (r.parameters as f64).sqrt();
        Some(decay_time_bound(
            lr,
            wd,
            r.initial_norm,
            r.norm_at_grok?,
            push,
        ))
    };
    let pairs: Vec<(f64, u64)> = runs
        .iter()
        .filter_map(|r| Some((bound(r)?, r.t_grok?)))
        .collect();
    let violations = pairs.iter().filter(|(b, t)| *b > *t as f64).count();
    let large_bound = median_at(runs, largest, bound);
    let show = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.0}"));
    Check {
        claim: format!(
            "wd {wd}: consistency check of the norm lemma, not a prediction (R is the norm read at t_grok): with Adam's sharp step bound |m_hat / sqrt(v_hat)| <= B = {step_bound:.3} per coordinate, t_grok >= t_R, the decay time from |theta_0| to R"
        ),
        status: Status::Proved,
        prediction: format!(
            "t_R = ln((|theta_0| + B sqrt(P) / lambda) / (R + B sqrt(P) / lambda)) / (-ln(1 - eta lambda)) <= t_grok in every run; at alpha = {largest} the median t_R is {}",
            show(large_bound)
        ),
        measured: format!(
            "{violations} of {} grokking runs below their bound; at alpha = {largest}: median t_mem {}, t_grok {}",
            pairs.len(),
            show(median_at(runs, largest, |r| r.t_mem.map(|t| t as f64))),
            show(median_at(runs, largest, |r| r.t_grok.map(|t| t as f64))),
        ),
        tolerance: "none (a proved inequality; the bound must also be positive at the largest alpha, i.e. say something)".into(),
        pass: !pairs.is_empty() && violations == 0 && large_bound.is_some_and(|b| b > 0.0),
    }
}

#[cfg(test)]
#[path = "../tests/t1_dichotomy.rs"]
mod tests;
