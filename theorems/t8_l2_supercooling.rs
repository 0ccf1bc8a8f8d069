//! T8-supercooling — the L2-regularized objective $F_\lambda(\theta)=\mathcal L_{train}(\theta)+\frac\lambda2\\|\theta\\|^2$ (the crate's
//! SGD convention; the brief's $\lambda\\|\theta\\|^2$ is $\lambda_{brief}=\lambda/2$) at memorizing and generalizing solutions.
//!
//! For a network homogeneous of degree $d$ in $\theta$ ($d=3$ for the $z^2$ MLP), the logits along the ray
//! $s\theta$ are $s^d$ times those at $\theta$, so the *ray minimum* $F^\star(\lambda)=\min_{s\ge0}F_\lambda(s\theta)$ of a direction
//! needs one forward pass. With per-example margins $\mu_i$ at $s=1$ (proved in the note):
//! $$\frac1n\sum_i\log(1+e^{-s^d\mu_i})\ \le\ \mathcal L(s\theta)\ \le\ \frac1n\sum_i\log(1+(p-1)e^{-s^d\mu_i}),$$
//! and as $\lambda\to0$, $F^\star(\lambda)=\frac\lambda2\bigl(\ln(1/\lambda)/\bar\gamma\bigr)^{2/d}(1+o(1))$ with $\bar\gamma=\min_i\mu_i/\\|\theta\\|^d$ the
//! normalized margin: for small $\lambda$ the direction with the larger normalized margin has the lower $F^\star$,
//! and the envelopes certify a $\lambda$ below which that ordering holds. Measured: $\bar\gamma$ of memorizing and
//! grokked nets, the $\lambda$ where the ray minima cross and where they collapse to $\theta=0$, whether
//! gradient descent on $F_\lambda$ from a memorizing net stays there (stationary, Hessian of $F_\lambda$ via
//! Lanczos) or drifts to generalization, and $F_\lambda$ along the straight path from $\theta(t_{mem})$ to the
//! grokked weights of the same run.
//!
//! Note: notes/t8_l2_supercooling.md

use super::{Budget, Check, Memo, Seconds, Status, Theorem};
use grokking::analytic;
use grokking::config::canonical_add;
use grokking::error::{ensure, Result};
use grokking::evaluation::Measures;
use grokking::loss::{self, LossKind};
use grokking::measure::margin::{margins, min_margin};
use grokking::model::{forward_loss, objective_and_gradient};
use grokking::model::{Activation, Batch, Model, Workspace};
use grokking::optim::{AdamWConfig, OptimizerConfig, SgdConfig};
use grokking::rng::gaussian_matrix;
use grokking::task::Labels;
use grokking::task::Split;
use grokking::train::{self, Probe, TrainConfig, Watch, THRESHOLD};
use rayon::prelude::*;
use nalgebra::{DMatrix, DVector, SymmetricEigen};
use std::ops::ControlFlow;

/// The ledger entry.
pub const THEOREM: Theorem = Theorem {
    id: "T8-supercooling",
    name: "L2 'supercooling': ray minima of F at memorizing and generalizing nets, their crossing, and metastability",
    note: "notes/t8_l2_supercooling.md",
    module: "theorems/t8_l2_supercooling.rs",
    run: check,
    seconds: Seconds {
        quick: 48.9,
        full: 385.0,
    },
};

/// A direction $\theta$ of a degree-$d$ homogeneous network on a fixed training set: its logits and per-example
/// margins $\mu_i$ at $s=1$ (the margins are kept because every envelope evaluation needs them).
#[derive(Clone, Debug)]
pub struct Ray {
    logits: DMatrix<f64>,
    labels: Vec<u32>,
    margins: Vec<f64>,
    norm: f64,
    degree: u32,
}

impl Ray {
    /// The ray of `model` on `batch`, for homogeneity degree `degree` (3 for $z^2$, 2 for ReLU).
    pub fn new(model: &Model<f64>, batch: &Batch<f64>, degree: u32) -> Self {
        let mut ws = Workspace::default();
        model.forward(batch, &mut ws);
        Ray {
            margins: margins(&ws.logits, &batch.labels),
            logits: ws.logits,
            labels: batch.labels.clone(),
            norm: model.params.norms().2,
            degree,
        }
    }

    /// $\\|\theta\\|$ at $s=1$.
    pub fn norm(&self) -> f64 {
        self.norm
    }

    /// Cross-entropy $\mathcal L(s\theta)$, from the logits scaled by $s^d$.
    pub fn loss(&self, s: f64) -> f64 {
        let scaled = &self.logits * s.powi(self.degree as i32);
        loss::evaluate(LossKind::CrossEntropy, &scaled, &self.labels, None).loss
    }

    /// $F_\lambda(s\theta)=\mathcal L(s\theta)+\frac\lambda2s^2\\|\theta\\|^2$.
    pub fn objective(&self, s: f64, lambda: f64) -> f64 {
        self.loss(s) + 0.5 * lambda * (s * self.norm).powi(2)
    }

    /// The proved envelope of $\mathcal L(s\theta)$ from the margins $\mu_i$ at $s=1$.
    pub fn loss_envelope(&self, s: f64) -> (f64, f64) {
        let classes = self.logits.nrows() as f64;
        let mu = &self.margins;
        let sd = s.powi(self.degree as i32);
        let n = mu.len() as f64;
        let softplus = |x: f64| if x > 30.0 { x } else { x.exp().ln_1p() };
        let lower = mu.iter().map(|m| softplus(-sd * m)).sum::<f64>() / n;
        let upper = mu
            .iter()
            .map(|m| softplus((classes - 1.0).ln() - sd * m))
            .sum::<f64>()
            / n;
        (lower, upper)
    }

    /// The normalized margin $\bar\gamma=\min_i\mu_i/\\|\theta\\|^d$ (negative if a training example is misclassified).
    pub fn normalized_margin(&self) -> f64 {
        let gamma = self.margins.iter().copied().fold(f64::INFINITY, f64::min);
        gamma / self.norm.powi(self.degree as i32)
    }

    /// The ray minimum $(s^\star,F^\star)$ of $F_\lambda$ over $s\ge0$: $s=0$ ($F=\ln p$) against a scan of 400
    /// log-spaced $s$ up to where the penalty alone exceeds $\ln p$, refined by golden-section search.
    pub fn minimum(&self, lambda: f64) -> (f64, f64) {
        let at_zero = (self.logits.nrows() as f64).ln();
        let top = (2.0 * at_zero / lambda).sqrt() / self.norm;
        let grid: Vec<f64> = (0..400)
            .map(|i| top * 10f64.powf(-6.0 + 6.0 * i as f64 / 399.0))
            .collect();
        let (best, _) = grid
            .iter()
            .enumerate()
            .map(|(i, &s)| (i, self.objective(s, lambda)))
            .fold((0, f64::INFINITY), |a, b| if b.1 < a.1 { b } else { a });
        let (mut lo, mut hi) = (
            grid[best.saturating_sub(1)],
            grid[(best + 1).min(grid.len() - 1)],
        );
        let golden = 0.5 * (5f64.sqrt() - 1.0);
        for _ in 0..80 {
            let (x1, x2) = (hi - golden * (hi - lo), lo + golden * (hi - lo));
            if self.objective(x1, lambda) < self.objective(x2, lambda) {
                hi = x2;
            } else {
                lo = x1;
            }
        }
        let s = 0.5 * (lo + hi);
        let f = self.objective(s, lambda);
        if f < at_zero {
            (s, f)
        } else {
            (0.0, at_zero)
        }
    }

    /// The envelope of the ray minimum: $\min_s$ of the lower and of the upper loss envelope plus the
    /// penalty (the upper one also against $s=0$), on the grid of [`Ray::minimum`] refined the same way.
    pub fn minimum_envelope(&self, lambda: f64) -> (f64, f64) {
        let at_zero = (self.logits.nrows() as f64).ln();
        let top = (2.0 * at_zero / lambda).sqrt() / self.norm;
        let penalty = |s: f64| 0.5 * lambda * (s * self.norm).powi(2);
        let mut lower = f64::INFINITY;
        let mut upper = at_zero;
        // A fine grid suffices for the certificate: each envelope is evaluated exactly at grid points,
        // and the lower one is minimized over an interval containing its minimizer; the grid error is
        // bounded by the envelope's variation between neighbours, which the note bounds by 1e-3 relative.
        for i in 0..=4000 {
            let s = top * 10f64.powf(-6.0 + 6.0 * i as f64 / 4000.0);
            let (lo, hi) = self.loss_envelope(s);
            lower = lower.min(lo + penalty(s));
            upper = upper.min(hi + penalty(s));
        }
        (lower.min(self.loss_envelope(0.0).0), upper)
    }
}

/// The smallest eigenvalue of the Hessian of $F_\lambda$ at `model`, by `steps` Lanczos iterations (full
/// reorthogonalization, a seeded Gaussian start vector) on Hessian–vector products by central differences of the
/// gradient, $Hv\approx(\nabla F(\theta+hv)-\nabla F(\theta-hv))/2h$, $h=10^{-5}$, $\\|v\\|=1$.
fn hessian_min_eigenvalue(
    model: &Model<f64>,
    batch: &Batch<f64>,
    lambda: f64,
    steps: usize,
) -> f64 {
    let theta = model.params.flatten();
    let dim = theta.len();
    let hvp = |v: &DVector<f64>| {
        let h = 1e-5;
        let at = |x: DVector<f64>| objective_and_gradient(&model.with_flat(&x), batch, lambda).1;
        (at(&theta + v * h) - at(&theta - v * h)) / (2.0 * h)
    };
    let steps = steps.min(dim);
    let start = gaussian_matrix(&mut grokking::rng::indexed(8, 0), dim, 1, 1.0);
    let mut basis: Vec<DVector<f64>> = vec![start.column(0) / start.norm()];
    let (mut alpha, mut beta) = (Vec::new(), Vec::new());
    for j in 0..steps {
        let mut w = hvp(&basis[j]);
        alpha.push(w.dot(&basis[j]));
        for q in &basis {
            let c = w.dot(q);
            w -= q * c;
        }
        let b = w.norm();
        if j + 1 == steps || b < 1e-10 {
            break;
        }
        beta.push(b);
        basis.push(w / b);
    }
    let k = alpha.len();
    let t = DMatrix::from_fn(k, k, |i, j| {
        if i == j {
            alpha[i]
        } else if i + 1 == j || j + 1 == i {
            beta[i.min(j)]
        } else {
            0.0
        }
    });
    SymmetricEigen::new(t).eigenvalues.min()
}

/// $F_\lambda$ along the straight path $\theta(t)=(1-t)\theta_a+t\theta_b$ at `points` equally spaced $t\in[0,1]$ (the
/// string method's starting path: [`string_profile`] with no rounds).
fn path_profile(
    a: &Model<f64>,
    b: &Model<f64>,
    batch: &Batch<f64>,
    lambda: f64,
    points: usize,
) -> Vec<f64> {
    string_profile(a, b, batch, lambda, points, 0, 0.0)
}

/// $F_\lambda$ along a relaxed path from $\theta_a$ to $\theta_b$ by the string method (E, Ren and Vanden-Eijnden, 2002):
/// `images` points, first on the straight path; each of `iterations` rounds moves every interior point by one
/// gradient step of size `step` on $F_\lambda$ and then re-spaces all points at equal arc length along the
/// polyline (ends fixed). Returns $F_\lambda$ at the final points.
fn string_profile(
    a: &Model<f64>,
    b: &Model<f64>,
    batch: &Batch<f64>,
    lambda: f64,
    images: usize,
    iterations: usize,
    step: f64,
) -> Vec<f64> {
    let (ta, tb) = (a.params.flatten(), b.params.flatten());
    let at = |x: &DVector<f64>| a.with_flat(x);
    let mut path: Vec<DVector<f64>> = (0..images)
        .map(|i| {
            let t = i as f64 / (images - 1) as f64;
            &ta * (1.0 - t) + &tb * t
        })
        .collect();
    for _ in 0..iterations {
        for x in path.iter_mut().take(images - 1).skip(1) {
            let g = objective_and_gradient(&at(x), batch, lambda).1;
            *x -= g * step;
        }
        // Re-space at equal arc length by linear interpolation along the polyline.
        let lengths: Vec<f64> = path.windows(2).map(|w| (&w[1] - &w[0]).norm()).collect();
        let total: f64 = lengths.iter().sum();
        let mut spaced = vec![path[0].clone()];
        let (mut segment, mut walked) = (0, 0.0);
        for i in 1..images - 1 {
            let target = total * i as f64 / (images - 1) as f64;
            while segment + 1 < lengths.len() && walked + lengths[segment] < target {
                walked += lengths[segment];
                segment += 1;
            }
            let u = ((target - walked) / lengths[segment].max(f64::MIN_POSITIVE)).clamp(0.0, 1.0);
            spaced.push(&path[segment] * (1.0 - u) + &path[segment + 1] * u);
        }
        spaced.push(path[images - 1].clone());
        path = spaced;
    }
    path.iter()
        .map(|x| objective_and_gradient(&at(x), batch, lambda).0)
        .collect()
}

/// The barrier of a profile: $\max_tF(\theta(t))-\max(F(\theta_a),F(\theta_b))$ (positive iff the path climbs above both ends).
fn barrier(profile: &[f64]) -> f64 {
    let ends = profile[0].max(*profile.last().expect("non-empty"));
    profile.iter().copied().fold(f64::NEG_INFINITY, f64::max) - ends
}

/// A training problem: a run's configuration, its split, and the split as batches.
struct Problem {
    /// The run's configuration (the relaxation keeps its task, split and model and swaps the optimizer).
    pub config: TrainConfig,
    /// Its split.
    pub split: Split,
    /// The training set as a batch.
    pub train: Batch<f64>,
    /// The test set as a batch.
    pub test: Batch<f64>,
}

impl Problem {
    fn new(config: TrainConfig, split: Split) -> Self {
        Problem {
            config,
            train: Batch::new(&split.train),
            test: Batch::new(&split.test),
            split,
        }
    }
}

/// The networks of the experiment, on one split: a memorizing net (weight decay 0, the first evaluation
/// with every training margin positive and test accuracy below 50%), the same run's weights at that
/// step under weight decay (`at_mem`), and its grokked end point (`grokked`).
#[derive(Clone)]
struct Nets {
    /// The memorizing net trained without weight decay.
    pub memorizing: Model<f64>,
    /// The weight-decay run at its first evaluation with every training margin positive.
    pub at_mem: Model<f64>,
    /// The weight-decay run at its last step.
    pub grokked: Model<f64>,
    /// Test accuracy of `grokked`.
    pub grokked_test_acc: f64,
    /// The weight-decay run's training set as a batch.
    pub train: Batch<f64>,
}

/// The $z^2$ network of width `width` on $a+b \bmod p$ at `frac`, AdamW with `weight_decay`, `steps` steps.
fn z2_config(
    p: u32,
    frac: f64,
    width: usize,
    weight_decay: f64,
    steps: u64,
    seed: u64,
) -> TrainConfig {
    let adamw = OptimizerConfig::AdamW(AdamWConfig {
        weight_decay,
        ..grokking::config::CANONICAL_ADAMW
    });
    let mut c = canonical_add(p, frac, adamw, steps, seed);
    c.model.width = width;
    c.model.activation = Activation::Quad;
    c
}

/// Two snapshots of a run, with its split.
struct Snapshots {
    /// The first evaluation (every 10 steps) with every training margin positive and test accuracy below
    /// 50%.
    first: Option<Model<f64>>,
    /// The last step.
    last: Model<f64>,
    /// Test accuracy at the last step.
    last_test_acc: f64,
    split: Split,
}

/// The [`Snapshots`] of a run of `config`.
fn snapshots(config: &TrainConfig) -> Result<Snapshots> {
    let config = TrainConfig {
        eval_every: 10,
        ..*config
    };
    let (split, model) = train::seeded(&config, Labels::True)?;
    let train = Batch::<f64>::new(&split.train);
    let mut first = None;
    let mut watch = Watch::new(|probe: &Probe<'_, f64>| {
        if first.is_none()
            && probe.train.accuracy == 1.0
            && probe.test_acc()? < 0.5
            && Ray::new(probe.model, &train, 3).normalized_margin() > 0.0
        {
            first = Some(probe.model.clone());
        }
        Ok(())
    });
    let last = train::train_on(&config, &split, model, Measures::Accuracy, &mut watch)?;
    Ok(Snapshots {
        first,
        last_test_acc: last.history.last().map_or(0.0, |r| r.test_acc),
        last: last.model,
        split,
    })
}

/// Trains the two runs of [`Nets`] (weight decay 0 and `weight_decay`) for `steps` steps, once per process
/// ([`Memo`]).
fn nets(
    p: u32,
    frac: f64,
    width: usize,
    weight_decay: f64,
    steps: u64,
    seed: u64,
) -> Result<Nets> {
    static NETS: Memo<Nets> = Memo::new();
    let key = format!("{p} {frac:?} {width} {weight_decay:?} {steps} {seed}");
    NETS.get_or_measure(key, || {
        let memorizing = snapshots(&z2_config(p, frac, width, 0.0, steps, seed))?.first;
        let decayed = z2_config(p, frac, width, weight_decay, steps, seed);
        let Snapshots {
            first: at_mem,
            last: grokked,
            last_test_acc: grokked_test_acc,
            split,
        } = snapshots(&decayed)?;
        let missing = |what: &str| {
            grokking::error::Error::InvalidConfig(format!("the run never reached a {what} state"))
        };
        Ok(Nets {
            memorizing: memorizing.ok_or_else(|| missing("memorizing"))?,
            at_mem: at_mem.ok_or_else(|| missing("memorizing"))?,
            grokked,
            grokked_test_acc,
            train: Batch::new(&split.train),
        })
    })
}

/// A point of a relaxation: step, $F_\lambda$, $\\|\nabla F_\lambda\\|$, $\\|\theta\\|$, training and test accuracy.
#[derive(Clone, Copy, Debug, PartialEq)]
struct RelaxationPoint {
    pub step: u64,
    pub objective: f64,
    pub gradient_norm: f64,
    pub weight_norm: f64,
    pub train_acc: f64,
    pub test_acc: f64,
}

/// What gradient descent on $F_\lambda$ does from a start: its points every [`RELAX_EVERY`] steps, from the
/// start to the end, and the smallest Hessian eigenvalue of $F_\lambda$ at the start and the end (Lanczos).
#[derive(Clone, Debug, PartialEq)]
struct Relaxation {
    /// The points, the first at the start and the last at the end.
    pub trace: Vec<RelaxationPoint>,
    /// The rest threshold: the descent stops at the first point with $\\|\nabla F_\lambda\\|$ below it.
    pub rest: f64,
    /// Smallest Hessian eigenvalue at the start and at the end.
    pub hessian_min: (f64, f64),
    /// Normalized margin $\bar\gamma$ on the training set at the end.
    pub normalized_margin: f64,
}

impl Relaxation {
    fn start(&self) -> &RelaxationPoint {
        &self.trace[0]
    }
    fn end(&self) -> &RelaxationPoint {
        self.trace.last().expect("a relaxation has its start")
    }
    /// Whether it came to rest ($\\|\nabla F_\lambda\\|$ below the threshold at the end, not stopped by the cap).
    fn at_rest(&self) -> bool {
        self.end().gradient_norm < self.rest
    }
}

/// Steps between two points of a relaxation.
pub const RELAX_EVERY: u64 = 500;
/// Lanczos iterations for the smallest Hessian eigenvalue of a relaxation.
pub const LANCZOS_STEPS: usize = 60;

/// Full-batch gradient descent (learning rate `lr`, heavy-ball momentum 0.9) on $F_\lambda$ from `start`,
/// until $\\|\nabla F_\lambda\\|<$ `rest` (checked every [`RELAX_EVERY`] steps) or `max_steps` steps.
fn relax(
    start: &Model<f64>,
    problem: &Problem,
    lambda: f64,
    lr: f64,
    rest: f64,
    max_steps: u64,
) -> Result<Relaxation> {
    ensure(lambda > 0.0 && lr > 0.0 && rest > 0.0, || {
        format!("relaxation needs lambda, lr and the rest threshold > 0, got {lambda}, {lr}, {rest}")
    })?;
    let gd = OptimizerConfig::Sgd(SgdConfig {
        lr,
        momentum: 0.9,
        nesterov: false,
        weight_decay: lambda,
    });
    let config = TrainConfig {
        optimizer: gd,
        steps: max_steps,
        eval_every: RELAX_EVERY,
        ..problem.config
    };
    let mut ws = Workspace::default();
    let mut trace = Vec::new();
    let mut steer = train::Steer(|probe: &Probe<'_, f64>| {
        let (objective, gradient) = objective_and_gradient(probe.model, &problem.train, lambda);
        let gradient_norm = gradient.norm();
        let test = forward_loss(probe.model, &problem.test, &mut ws, LossKind::CrossEntropy, false);
        trace.push(RelaxationPoint {
            step: probe.step,
            objective,
            gradient_norm,
            weight_norm: probe.model.params.norms().2,
            train_acc: probe.train.accuracy,
            test_acc: test.accuracy,
        });
        Ok(if gradient_norm < rest {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        })
    });
    let end = train::train_on(
        &config,
        &problem.split,
        start.clone(),
        Measures::Training,
        &mut steer,
    )?
    .model;
    Ok(Relaxation {
        trace,
        rest,
        hessian_min: (
            hessian_min_eigenvalue(start, &problem.train, lambda, LANCZOS_STEPS),
            hessian_min_eigenvalue(&end, &problem.train, lambda, LANCZOS_STEPS),
        ),
        normalized_margin: Ray::new(&end, &problem.train, 3).normalized_margin(),
    })
}

/// The memorizing net of seed `seed` (weight decay 0, [`Snapshots::first`]) at width `width`, with its
/// problem.
fn memorizing(d: &Design, width: usize, seed: u64) -> Result<(Model<f64>, Problem)> {
    let config = z2_config(d.p, d.frac, width, 0.0, d.steps, seed);
    let Snapshots { first, split, .. } = snapshots(&config)?;
    let model = first.ok_or_else(|| {
        grokking::error::Error::InvalidConfig(format!("seed {seed} never memorized"))
    })?;
    Ok((model, Problem::new(config, split)))
}

/// Every frequency of $\mathbb Z_p$ up to sign, $1,\dots,(p-1)/2$: the set of the all-frequency circuit.
fn all_frequencies(p: u32) -> Vec<usize> {
    (1..=(p as usize - 1) / 2).collect()
}

/// The all-frequency Fourier circuit ([`analytic::fourier_solution`], width $6\lfloor p/2\rfloor$) padded with
/// zero neurons to `width` (a zero neuron of the $z^2$ net contributes nothing and has zero gradient), with
/// `problem` re-shaped to it (its model configuration is the circuit's at `width`).
fn padded_circuit(p: u32, width: usize, problem: &Problem) -> Result<(Model<f64>, Problem)> {
    let circuit = analytic::fourier_solution(p, &all_frequencies(p))?;
    let n = circuit.config.width;
    ensure(width >= n, || {
        format!("width {width} is below the circuit's {n}")
    })?;
    let (w1, w2) = (&circuit.params.w1, &circuit.params.w2);
    let params = grokking::model::Params {
        w1: DMatrix::from_fn(width, w1.ncols(), |i, j| if i < n { w1[(i, j)] } else { 0.0 }),
        w2: DMatrix::from_fn(w2.nrows(), width, |i, j| if j < n { w2[(i, j)] } else { 0.0 }),
    };
    let model_config = grokking::model::ModelConfig {
        width,
        ..circuit.config
    };
    let model = Model::from_params(&analytic::task(p), model_config, params)?;
    let mut config = problem.config;
    config.model = model_config;
    Ok((model, Problem::new(config, problem.split.clone())))
}

/// One seed of the metastability experiment at $\lambda=$ `RELAX.0`: the relaxation from its memorizing net,
/// the Fourier circuit's ray minimum $F^\star_{circuit}(\lambda)$ on its training set, and (if asked) the
/// relaxation from the circuit scaled to that minimum.
#[derive(Clone, Debug, PartialEq)]
struct SeedRelaxation {
    /// The descent from the seed's memorizing net.
    pub memorizing: Relaxation,
    /// $F^\star_{circuit}(\lambda)$, the circuit's ray minimum on the seed's training set.
    pub circuit_ray_minimum: f64,
    /// The circuit's normalized margin $\bar\gamma$ on that training set.
    pub circuit_normalized_margin: f64,
    /// The descent from the circuit scaled to its ray minimum, where asked for.
    pub circuit: Option<Relaxation>,
}

/// The [`SeedRelaxation`]s of seeds `0..d.metastable_seeds` at width `d.metastable_width`, in parallel, in
/// seed order; the circuit is relaxed on the first `d.circuit_relaxations` seeds.
fn relaxations(d: &Design) -> Result<Vec<SeedRelaxation>> {
    let (lambda, lr) = RELAX;
    (0..d.metastable_seeds)
        .into_par_iter()
        .map(|seed| {
            let (start, problem) = memorizing(d, d.metastable_width, seed)?;
            let memorizing = relax(&start, &problem, lambda, lr, d.rest_gradient, d.relax_steps)?;
            let (circuit, circuit_problem) = padded_circuit(d.p, d.metastable_width, &problem)?;
            let ray = Ray::new(&circuit, &problem.train, 3);
            let (scale, circuit_ray_minimum) = ray.minimum(lambda);
            let circuit = if seed < d.circuit_relaxations {
                let mut at_minimum = circuit;
                at_minimum.params.w1 *= scale;
                at_minimum.params.w2 *= scale;
                Some(relax(&at_minimum, &circuit_problem, lambda, lr, d.rest_gradient, d.relax_steps)?)
            } else {
                None
            };
            Ok(SeedRelaxation {
                memorizing,
                circuit_ray_minimum,
                circuit_normalized_margin: ray.normalized_margin(),
                circuit,
            })
        })
        .collect()
}

/// Log-spaced $\lambda$ from $10^{-8}$ to $10^{2}$, 8 per decade.
fn lambda_grid() -> Vec<f64> {
    (0..=80)
        .map(|i| 10f64.powf(-8.0 + i as f64 / 8.0))
        .collect()
}

/// The largest $\lambda$ of `grid` (increasing) such that at it and every smaller grid value the upper envelope
/// of `low`'s ray minimum is below the lower envelope of `high`'s: a certificate that
/// $F^\star_{low}(\lambda)<F^\star_{high}(\lambda)$ there.
fn certified_ordering(low: &Ray, high: &Ray, grid: &[f64]) -> Option<f64> {
    grid.iter()
        .take_while(|&&l| low.minimum_envelope(l).1 < high.minimum_envelope(l).0)
        .last()
        .copied()
}

/// The smallest $\lambda$ of `grid` at which the ray minimum is the collapsed point $s=0$.
fn collapse(ray: &Ray, grid: &[f64]) -> Option<f64> {
    grid.iter().copied().find(|&l| ray.minimum(l).0 == 0.0)
}

/// Sizes of the check.
struct Design {
    p: u32,
    frac: f64,
    width: usize,
    steps: u64,
    relax_steps: u64,
    rest_gradient: f64,
    metastable_seeds: u64,
    metastable_width: usize,
    circuit_relaxations: u64,
    morwani_primes: &'static [u32],
}

impl Design {
    fn of(budget: Budget) -> Self {
        match budget {
            Budget::Quick => Design {
                p: 17,
                frac: 0.6,
                width: 64,
                steps: 3000,
                relax_steps: 300_000,
                rest_gradient: 1e-4,
                metastable_seeds: 5,
                metastable_width: 96,
                circuit_relaxations: 1,
                morwani_primes: &[5, 7, 11, 13, 17, 23],
            },
            Budget::Full => Design {
                p: 23,
                frac: 0.5,
                width: 64,
                steps: 6000,
                relax_steps: 2_000_000,
                rest_gradient: 1e-5,
                metastable_seeds: 5,
                metastable_width: 128,
                circuit_relaxations: 5,
                morwani_primes: &[5, 7, 11, 13, 17, 23, 31, 47, 97],
            },
        }
    }
}

/// Weight decay of the grokking run.
pub const WEIGHT_DECAY: f64 = 1.0;
/// Rounds of the string method for the relaxed path.
pub const STRING_ROUNDS: usize = 200;
/// $\lambda$ and learning rate of the relaxation from the memorizing net.
pub const RELAX: (f64, f64) = (1e-3, 0.05);

/// Absolute agreement of the ray loss $\mathcal L(s\theta)$ computed from the margins with the forward pass of
/// the scaled net: both are f64 sums of $n\le400$ log-sum-exp terms of size $O(1)$, so round-off is far below.
pub const HOMOGENEITY_TOLERANCE: f64 = 1e-9;
/// Slack of the exact comparisons (the loss envelope, the ray minima on the grid): f64 round-off of a mean
/// of logs, nothing more.
pub const ROUND_OFF: f64 = 1e-12;
/// Largest gradient norm at $\theta=0$ that counts as zero (it is exactly zero: no logits, uniform softmax).
pub const ZERO_GRADIENT: f64 = 1e-12;
/// Relative error allowed on the smallest Hessian eigenvalue at $\theta=0$ (central differences with
/// $h=10^{-5}$ on a cubic: error $O(h^2)$ relative).
pub const HESSIAN_TOLERANCE: f64 = 1e-6;
/// Rise in test accuracy that the relaxation from the memorizing net must show to count as "not metastable".
pub const RELAXATION_GAIN: f64 = 0.1;
/// Largest barrier along a path, relative to $F(\theta(t_{mem}))$; set after the full check measured
/// $1.6\cdot10^{-4}$ on the straight path (see the note).
pub const BARRIER_TOLERANCE: f64 = 1e-3;

/// What the sub-claims share: the trained nets, the Fourier circuit, the rays of all four and the
/// $\lambda$ grid.
struct Setting {
    nets: Nets,
    circuit: Model<f64>,
    rays: Vec<Ray>,
    grid: Vec<f64>,
}

impl Setting {
    fn new(d: &Design) -> Result<Self> {
        let nets = nets(d.p, d.frac, d.width, WEIGHT_DECAY, d.steps, 0)?;
        let circuit = analytic::fourier_solution(d.p, &all_frequencies(d.p))?;
        let mut setting = Setting {
            nets,
            circuit,
            rays: Vec::new(),
            grid: lambda_grid(),
        };
        setting.rays = setting
            .named()
            .iter()
            .map(|(_, m)| Ray::new(m, &setting.nets.train, 3))
            .collect();
        Ok(setting)
    }

    /// The four nets with their names, in the order of [`Setting::rays`].
    fn named(&self) -> [(&'static str, &Model<f64>); 4] {
        [
            ("memorizing (wd 0)", &self.nets.memorizing),
            ("at t_mem (wd 1)", &self.nets.at_mem),
            ("grokked (wd 1)", &self.nets.grokked),
            ("Fourier circuit", &self.circuit),
        ]
    }

    /// The rays of the memorizing and of the grokked net.
    fn memorizing_and_grokked(&self) -> (&Ray, &Ray) {
        (&self.rays[0], &self.rays[2])
    }
}

/// Morwani, Edelman, Oncescu, Zhao and Kakade (2024, Theorem 7): on all $p^2$ pairs of $a+b\bmod p$, the largest
/// margin of a quadratic network $\sum_i(u_{i,a}+v_{i,b})^2w_i$ (width $\ge4(p-1)$) normalized by
/// $\\|\theta\\|\_{2,3}^3=\sum_i\\|(u_i,v_i,w_i)\\|\_2^3$ is $\gamma^\*=\sqrt{2/27}/(\sqrt p\\,(p-1))$.
pub fn morwani_max_margin(p: u32) -> f64 {
    let p = f64::from(p);
    (2.0f64 / 27.0).sqrt() / (p.sqrt() * (p - 1.0))
}

/// All $p^2$ pairs of $a+b\bmod p$ as a batch.
fn all_pairs(p: u32) -> Result<Batch<f64>> {
    Ok(Batch::new(&analytic::task(p).all_examples()?))
}

/// A $z^2$ network's margin on `all_pairs` ([`all_pairs`]) with its two normalizations: divided by
/// $\sum_i\\|\omega_i\\|\_2^3$ ($\omega_i$ = neuron $i$'s input row and output column, Morwani et al.'s $L_{2,3}$) and by
/// $\\|\theta\\|\_2^3$ (the crate's Euclidean norm, the one weight decay charges).
fn full_grid_normalized_margins(model: &Model<f64>, all_pairs: &Batch<f64>) -> (f64, f64) {
    let margin = min_margin(model, all_pairs);
    let (w1, w2) = (&model.params.w1, &model.params.w2);
    let l23: f64 = (0..w1.nrows())
        .map(|i| (w1.row(i).norm_squared() + w2.column(i).norm_squared()).powf(1.5))
        .sum();
    let euclidean = model.params.norms().2.powi(3);
    (margin / l23, margin / euclidean)
}

/// Relative agreement of a margin computed from the network's logits with a closed form (f64 sums of
/// $O(p)$ cosines).
pub const MARGIN_ROUND_OFF: f64 = 1e-10;

/// G1. The crate's all-frequency circuit attains Morwani et al.'s maximum $L_{2,3}$-normalized margin
/// `predicted(p)` ([`morwani_max_margin`] in the ledger) on all pairs.
fn circuit_is_max_margin(primes: &[u32], predicted: fn(u32) -> f64) -> Result<Check> {
    let mut worst = 0.0f64;
    let mut shown = Vec::new();
    for &p in primes {
        let all = all_frequencies(p);
        let (l23, _) =
            full_grid_normalized_margins(&analytic::fourier_solution(p, &all)?, &all_pairs(p)?);
        worst = worst.max((l23 / predicted(p) - 1.0).abs());
        shown.push(format!("p={p}: {l23:.6e} ({:.6e})", predicted(p)));
    }
    Ok(Check {
        claim: "on all p^2 pairs the all-frequency Fourier circuit (width 3(p-1)) is a maximum-margin solution in Morwani et al.'s L_{2,3} normalization, so it is the lambda -> 0 limit of the global minimizers of L + lambda |theta|_{2,3}^r (Wei et al. 2019, Theorem 2.1) up to the set of maximizers".into(),
        status: Status::Proved,
        prediction: "margin / sum_i |omega_i|^3 = sqrt(2/27) / (sqrt(p) (p-1)) (Morwani et al. 2024, Theorem 7)".into(),
        measured: format!("from the circuit's logits on all pairs: {}", shown.join(", ")),
        tolerance: format!("{MARGIN_ROUND_OFF:e} relative"),
        pass: !primes.is_empty() && worst < MARGIN_ROUND_OFF,
    })
}

/// Every set of at most `size` frequencies of $\\{1..(p-1)/2\\}$: the circuits [`euclidean_max_is_not_all_frequencies`]
/// compares.
fn frequency_sets(p: u32, size: usize) -> Vec<Vec<usize>> {
    let half = (p as usize - 1) / 2;
    let mut sets: Vec<Vec<usize>> = vec![Vec::new()];
    for k in 1..=half {
        let grown: Vec<Vec<usize>> = sets
            .iter()
            .filter(|s| s.len() < size)
            .map(|s| s.iter().copied().chain(std::iter::once(k)).collect())
            .collect();
        sets.extend(grown);
    }
    sets.retain(|s| !s.is_empty());
    sets
}

/// Largest size of the frequency sets searched for a circuit with a larger Euclidean-normalized margin than
/// the all-frequency one.
pub const SEARCHED_SET_SIZE: usize = 4;

/// G2. Under the crate's Euclidean penalty the all-frequency circuit is not the $\lambda\to0$ global minimum on
/// all pairs: among the circuits on the frequency sets `candidates(p)` one has a larger Euclidean-normalized
/// margin, so (Wei et al.'s theorem, and item B's ray asymptotics) its ray minimum is lower for small $\lambda$.
fn euclidean_max_is_not_all_frequencies(
    p: u32,
    candidates: fn(u32) -> Vec<Vec<usize>>,
) -> Result<Check> {
    let all = all_frequencies(p);
    let batch = all_pairs(p)?;
    let (_, all_euclidean) =
        full_grid_normalized_margins(&analytic::fourier_solution(p, &all)?, &batch);
    let mut best: Option<(f64, Vec<usize>)> = None;
    for set in candidates(p) {
        let (_, euclidean) =
            full_grid_normalized_margins(&analytic::fourier_solution(p, &set)?, &batch);
        if euclidean <= 0.0 {
            continue; // does not classify every pair: no margin to compare
        }
        if best.as_ref().is_none_or(|(b, _)| euclidean > *b) {
            best = Some((euclidean, set));
        }
    }
    let ratio = best.as_ref().map(|(b, _)| b / all_euclidean);
    Ok(Check {
        claim: format!("under the crate's Euclidean penalty lambda/2 |theta|^2 the all-frequency circuit is not the lambda -> 0 global minimum on all p^2 pairs (p = {p}): a Fourier circuit on fewer frequencies has a larger normalized margin |theta|^-3 min margin, hence a lower ray minimum for small lambda"),
        status: Status::Proved,
        prediction: "some circuit on at most 4 frequencies beats the all-frequency circuit's Euclidean-normalized margin".into(),
        measured: match &best {
            Some((b, set)) => format!(
                "all {} frequencies: {all_euclidean:.4e}; best circuit, on frequencies {set:?}: {b:.4e} (ratio {:.3})",
                all.len(),
                b / all_euclidean
            ),
            None => "no candidate classifies every pair".into(),
        },
        tolerance: format!("strict, beyond {MARGIN_ROUND_OFF:e} relative"),
        pass: ratio.is_some_and(|r| r > 1.0 + MARGIN_ROUND_OFF),
    })
}

/// The ledger check.
fn check(budget: Budget) -> Result<Vec<Check>> {
    let d = Design::of(budget);
    let s = Setting::new(&d)?;
    let seeds = relaxations(&d)?;
    Ok(vec![
        homogeneity(&s),
        small_lambda_ordering(&s, |grokked, memorizing| grokked > memorizing),
        no_critical_lambda(&s),
        zero_is_a_strict_minimum(&s, 1.0),
        not_metastable(&seeds.iter().map(|s| &s.memorizing).collect::<Vec<_>>()),
        rest_is_below_the_circuit(&seeds, |rest, circuit| rest < circuit),
        no_barrier(&s, &s.nets.at_mem, &s.nets.grokked),
        circuit_is_max_margin(d.morwani_primes, morwani_max_margin)?,
        euclidean_max_is_not_all_frequencies(d.p, |p| frequency_sets(p, SEARCHED_SET_SIZE))?,
    ])
}

/// A. Homogeneity and the loss envelope.
fn homogeneity(s: &Setting) -> Check {
    let (mut worst_scaling, mut outside) = (0.0f64, 0);
    for ((_, model), ray) in s.named().iter().zip(&s.rays) {
        for i in 0..30 {
            let scale = 0.2 * 25f64.powf(i as f64 / 29.0);
            let mut scaled = (*model).clone();
            scaled.params.w1 *= scale;
            scaled.params.w2 *= scale;
            let direct = objective_and_gradient(&scaled, &s.nets.train, 0.0).0;
            worst_scaling = worst_scaling.max((ray.loss(scale) - direct).abs());
            let (lo, hi) = ray.loss_envelope(scale);
            outside += usize::from(direct < lo - ROUND_OFF || direct > hi + ROUND_OFF);
        }
    }
    Check {
        claim: "z^2 net is homogeneous of degree 3 (logits(s theta) = s^3 logits(theta)), and (1/n) sum log(1+e^{-s^3 mu_i}) <= L(s theta) <= (1/n) sum log(1+(p-1)e^{-s^3 mu_i})".into(),
        status: Status::Proved,
        prediction: "ray loss = forward loss of the scaled net; loss inside the envelope".into(),
        measured: format!("4 nets x 30 scales in [0.2, 5]: max |ray - forward| {worst_scaling:.1e}, {outside} outside the envelope"),
        tolerance: format!("{HOMOGENEITY_TOLERANCE:e} absolute; envelope exact ({ROUND_OFF:e})"),
        pass: worst_scaling < HOMOGENEITY_TOLERANCE && outside == 0,
    }
}

/// B. Small-$\lambda$ ordering by normalized margin, certified: `grokked_lower(gamma_grokked, gamma_memorizing)`
/// predicts from the two normalized margins whether the grokked ray's minimum is the lower one for small
/// $\lambda$ (the theorem: iff its margin is the larger; a test swaps in the opposite rule).
fn small_lambda_ordering(s: &Setting, grokked_lower: fn(f64, f64) -> bool) -> Check {
    let gammas: Vec<String> = s
        .named()
        .iter()
        .zip(&s.rays)
        .map(|((name, _), r)| {
            format!(
                "{name} {:.2e} (|theta| {:.1})",
                r.normalized_margin(),
                r.norm()
            )
        })
        .collect();
    let (mem, gen) = s.memorizing_and_grokked();
    let certificate = certified_ordering(gen, mem, &s.grid);
    let consistent = s
        .grid
        .iter()
        .filter(|&&l| certificate.is_some_and(|c| l <= c))
        .all(|&l| gen.minimum(l).1 < mem.minimum(l).1);
    let predicted_order = grokked_lower(gen.normalized_margin(), mem.normalized_margin());
    Check {
        claim: "as lambda -> 0, F*(lambda) = (lambda/2)(ln(1/lambda)/gamma_bar)^(2/3)(1+o(1)): the direction with the larger normalized margin gamma_bar has the lower ray minimum, certified by the envelopes below some lambda*".into(),
        status: Status::ProvedUnderAssumptions,
        prediction: format!("grokked below memorizing for small lambda iff gamma_bar_grokked > gamma_bar_memorizing ({predicted_order})"),
        measured: format!(
            "gamma_bar: {}; certified for lambda <= {}; exact ray minima agree: {consistent}",
            gammas.join(", "),
            certificate.map_or("none".into(), |c| format!("{c:.1e}"))
        ),
        tolerance: "certificate on the lambda grid 1e-8..1e2 (8 per decade)".into(),
        pass: certificate.is_some() == predicted_order && consistent,
    }
}

/// C. No crossing: the question's critical $\lambda_c$ does not exist here.
fn no_critical_lambda(s: &Setting) -> Check {
    let (mem, gen) = s.memorizing_and_grokked();
    let crossing = s
        .grid
        .iter()
        .find(|&&l| mem.minimum(l).1 < gen.minimum(l).1 - ROUND_OFF)
        .copied();
    let collapses: Vec<String> = s
        .named()
        .iter()
        .zip(&s.rays)
        .map(|((name, _), r)| {
            format!(
                "{name} {}",
                collapse(r, &s.grid).map_or("none".into(), |l| format!("{l:.1e}"))
            )
        })
        .collect();
    let rows: Vec<String> = [1e-6, 1e-4, 1e-2]
        .iter()
        .map(|&l| {
            format!(
                "lambda {l:.0e}: memorizing {:.3e}, grokked {:.3e}",
                mem.minimum(l).1,
                gen.minimum(l).1
            )
        })
        .collect();
    Check {
        claim: "a critical lambda_c below which the memorizing ray minimum is the lower one (a reading of 'tilts', not the question's words; false here: the grokked one is lower at every lambda > 0 until both collapse to theta = 0)".into(),
        status: Status::FalseAsStated,
        prediction: "no lambda on the grid where the memorizing ray minimum is below the grokked one".into(),
        measured: format!(
            "{}; first lambda with memorizing lower: {}; collapse to theta = 0 at lambda >= {}",
            rows.join("; "),
            crossing.map_or("none".into(), |l| format!("{l:.1e}")),
            collapses.join(", ")
        ),
        tolerance: "exact comparison on the grid".into(),
        pass: crossing.is_none(),
    }
}

/// D. The collapsed phase is a strict local minimum for every $\lambda>0$, with Hessian `factor`$\cdot\lambda I$ (the
/// theorem: 1, for $F=L+\frac\lambda2\\|\theta\\|^2$; a test swaps in the factor 2 of the $\lambda\\|\theta\\|^2$ convention).
fn zero_is_a_strict_minimum(s: &Setting, factor: f64) -> Check {
    let mut zero = s.circuit.clone();
    zero.params.w1.fill(0.0);
    zero.params.w2.fill(0.0);
    let lambda0 = RELAX.0;
    let grad0 = objective_and_gradient(&zero, &s.nets.train, lambda0).1.norm();
    let hmin0 = hessian_min_eigenvalue(&zero, &s.nets.train, lambda0, 30);
    Check {
        claim: "theta = 0 is a strict local minimum of F_lambda for every lambda > 0 (degree-3 logits: L - L(0) = O(|theta|^3), Hessian = lambda I)".into(),
        status: Status::Proved,
        prediction: format!("gradient 0, smallest Hessian eigenvalue {factor} lambda = {:e}", factor * lambda0),
        measured: format!("gradient norm {grad0:.1e}, smallest eigenvalue {hmin0:.6e}"),
        tolerance: format!("{HESSIAN_TOLERANCE:e} relative on the eigenvalue (finite differences)"),
        pass: grad0 < ZERO_GRADIENT && (hmin0 / (factor * lambda0) - 1.0).abs() < HESSIAN_TOLERANCE,
    }
}

/// One relaxation in words: steps, whether at rest, $F$, $\\|\nabla F\\|$, $\\|\theta\\|$, accuracies, Hessian, margin.
fn describe(r: &Relaxation) -> String {
    let (a, b) = (r.start(), r.end());
    format!(
        "{} steps{}: F {:.3} -> {:.4}, |grad F| {:.1e} -> {:.1e}, |theta| {:.1} -> {:.1}, train acc {:.2} -> {:.2}, test acc {:.3} -> {:.3}, smallest Hessian eigenvalue {:.1e} -> {:.1e}, normalized margin at the end {:.2e}",
        b.step,
        if r.at_rest() { "" } else { " (not at rest)" },
        a.objective, b.objective, a.gradient_norm, b.gradient_norm, a.weight_norm, b.weight_norm,
        a.train_acc, b.train_acc, a.test_acc, b.test_acc, r.hessian_min.0, r.hessian_min.1,
        r.normalized_margin
    )
}

/// The rest thresholds of `relaxations`, e.g. `1e-4` (or `1e-4 or 1e-5` where they differ).
fn thresholds(relaxations: &[&Relaxation]) -> String {
    let mut rests: Vec<f64> = relaxations.iter().map(|r| r.rest).collect();
    rests.sort_by(f64::total_cmp);
    rests.dedup();
    rests.iter().map(|r| format!("{r:e}")).collect::<Vec<_>>().join(" or ")
}

/// E. The memorizing point is not metastable: gradient descent on $F$ from each seed's memorizing net comes to
/// rest ($\\|\nabla F\\|$ below its threshold) at a point whose test accuracy is at least [`RELAXATION_GAIN`] above the
/// start's.
fn not_metastable(relaxations: &[&Relaxation]) -> Check {
    let shown: Vec<String> = relaxations.iter().map(|r| describe(r)).collect();
    Check {
        claim: "the memorizing net is not a metastable minimum of F_lambda: gradient descent on F (no noise) from it comes to rest only at a point of higher test accuracy".into(),
        status: Status::Empirical,
        prediction: format!(
            "every relaxation reaches |grad F| < {} with test accuracy at least {RELAXATION_GAIN} above its start",
            thresholds(relaxations)
        ),
        measured: format!(
            "lambda {:e}, lr {}, momentum 0.9, {} seeds: {}",
            RELAX.0,
            RELAX.1,
            relaxations.len(),
            shown.join("; ")
        ),
        tolerance: format!("{RELAXATION_GAIN} absolute on the test accuracy"),
        pass: !relaxations.is_empty()
            && relaxations
                .iter()
                .all(|r| r.at_rest() && r.end().test_acc >= r.start().test_acc + RELAXATION_GAIN),
    }
}

/// E'. At $\lambda=$ `RELAX.0` the rest points are not generalizing and lie below the generalizing circuit: for
/// every seed, `below(F_rest, F*_circuit)` (the finding: $F_{rest}<F^\star_{circuit}(\lambda)$, the circuit's best value
/// along its ray) with test accuracy below [`THRESHOLD`] at rest; and descent from the circuit at its ray minimum
/// ends below that minimum with test accuracy below [`THRESHOLD`].
fn rest_is_below_the_circuit(seeds: &[SeedRelaxation], below: fn(f64, f64) -> bool) -> Check {
    let shown: Vec<String> = seeds
        .iter()
        .map(|s| {
            let from_circuit = s
                .circuit
                .as_ref()
                .map_or(String::new(), |c| format!("; from the circuit: {}", describe(c)));
            format!(
                "F* circuit {:.4} (normalized margin {:.2e}), F at rest from memorizing {:.4} (test acc {:.3}, normalized margin {:.2e}){from_circuit}",
                s.circuit_ray_minimum,
                s.circuit_normalized_margin,
                s.memorizing.end().objective,
                s.memorizing.end().test_acc,
                s.memorizing.normalized_margin
            )
        })
        .collect();
    let relaxed = seeds.iter().filter(|s| s.circuit.is_some()).count();
    Check {
        claim: format!(
            "at lambda {:e} the generalizing circuit is not the lowest state gradient descent finds: the rest points from memorizing nets lie below the circuit's ray minimum and do not generalize, and descent from the circuit itself loses generalization",
            RELAX.0
        ),
        status: Status::Empirical,
        prediction: format!(
            "for every seed F_rest < F*_circuit(lambda) and test accuracy at rest < {THRESHOLD}; from the circuit ({relaxed} seeds) F ends below F*_circuit with test accuracy < {THRESHOLD}"
        ),
        measured: shown.join("; "),
        tolerance: "exact comparisons (F to f64 round-off)".into(),
        pass: relaxed > 0
            && seeds.iter().all(|s| {
                let circuit_falls = s.circuit.as_ref().is_none_or(|c| {
                    below(c.end().objective, s.circuit_ray_minimum) && c.end().test_acc < THRESHOLD
                });
                below(s.memorizing.end().objective, s.circuit_ray_minimum)
                    && s.memorizing.end().test_acc < THRESHOLD
                    && circuit_falls
            }),
    }
}

/// F. The straight and the relaxed path from `from` to `to` ($\theta(t_{mem})$ and the grokked weights of the same
/// run in the ledger) are flat to [`BARRIER_TOLERANCE`].
fn no_barrier(s: &Setting, from: &Model<f64>, to: &Model<f64>) -> Check {
    let nets = &s.nets;
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let profiles: Vec<(f64, f64, f64, f64, f64)> = [1e-3, 1e-2]
        .iter()
        .map(|&l| {
            let straight = path_profile(from, to, &nets.train, l, 41);
            let relaxed = string_profile(
                from,
                to,
                &nets.train,
                l,
                11,
                STRING_ROUNDS,
                0.01,
            );
            (
                l,
                barrier(&straight) / straight[0],
                barrier(&relaxed) / relaxed[0],
                mean(&path_profile(
                    from,
                    to,
                    &nets.train,
                    l,
                    11,
                )),
                mean(&relaxed),
            )
        })
        .collect();
    let shown: Vec<String> = profiles
        .iter()
        .map(|(l, s, r, ms, mr)| {
            format!("lambda {l:e}: barrier straight {s:.1e}, relaxed {r:.1e} of F(theta(t_mem)); mean F over 11 points before and after relaxing {ms:.4}, {mr:.4}")
        })
        .collect();
    Check {
        claim: format!("F_lambda on the straight and on a relaxed (string-method) path from theta(t_mem) to the grokked weights of the same run has no barrier beyond {BARRIER_TOLERANCE:e} of F(theta(t_mem))"),
        status: Status::Empirical,
        prediction: format!("(max_t F(theta(t)) - max(F at the ends)) / F(theta(t_mem)) <= {BARRIER_TOLERANCE:e} on both paths"),
        measured: format!("{}; grokked test acc {:.3}", shown.join(", "), nets.grokked_test_acc),
        tolerance: format!("{BARRIER_TOLERANCE:e} relative (threshold set after the full check measured 1.6e-4 on the straight path; note); 41 points straight, 11 relaxed"),
        pass: profiles.iter().all(|&(_, s, r, _, _)| s <= BARRIER_TOLERANCE && r <= BARRIER_TOLERANCE) && nets.grokked_test_acc >= THRESHOLD,
    }
}

#[cfg(test)]
#[path = "../tests/t8_l2_supercooling.rs"]
mod tests;
