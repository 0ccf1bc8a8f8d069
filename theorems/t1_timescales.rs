//! T1-timescales — readout fitting against feature learning in the parameterization
//! $f(x)=N^{-\alpha}\sum_{j=1}^Na_j\\,\sigma(w_j\cdot x)$, $\alpha\in[0,\frac12]$, with $a_j\in\mathbb R^p$ and $w_j\in\mathbb R^{2p}$ of order 1
//! ($a_{cj}\sim\mathcal N(0,1)$, $w_{jk}\sim\mathcal N(0,\frac12)$, so $w_j\cdot x\sim\mathcal N(0,1)$ on one-hot pairs), trained by full-batch
//! gradient descent with one learning rate $\eta$ for every parameter, MSE on one-hot targets.
//!
//! This is the crate's MLP with $W_2=(a_{cj})$, $W_1=(w_j)$ and output multiplier $\kappa=N^{-\alpha}$. Its tangent kernel
//! (summed over classes) on pairs $x=(a,b)$, $x'=(a',b')$ is
//! $$K(x,x')=\kappa^2\Bigl[p\sum_j\sigma(z_j)\sigma(z'\_j)+\sum_j\\|a_j\\|^2\sigma'(z_j)\sigma'(z'\_j)\\,([a=a']+[b=b'])\Bigr],$$
//! a sum of $N$ terms of order $N^{-2\alpha}$. At fixed $\eta$ (*derived at leading order* in the note, not proved: sums over
//! units are replaced by their mean or their $\sqrt N$ fluctuation scale without a bound on the remainder; the residual at
//! initialization is of order $N^{1/2-\alpha}$, and the per-unit changes add up incoherently):
//! * $\\|K_0\\|\propto N^{1-2\alpha}$, so $\tau_{readout}=np/(2\eta\\|K_0\\|)\propto N^{2\alpha-1}$, and so does the time to fit;
//! * the relative kernel change of one step is $r_0=\\|K_1-K_0\\|\_F/\\|K_0\\|\_F\propto\eta N^{-2\alpha}$, so the initial-rate time
//!   $\tau_{features}=\delta/r_0\propto N^{2\alpha}$;
//! * $\tau_{features}/\tau_{readout}\propto N$, for every $\alpha\in[0,\frac12]$ and every $\eta$; and the kernel moves by
//!   $\propto N^{-1}$ in all while the data are fit (lazy training).
//!
//! Neither the public note's $N^{2\alpha}$ nor the heuristic $N^{1-\alpha}$ is the rate (measured: the ratio's exponent is
//! 0.94 over $N=256\dots8192$ at $\alpha=0$ and at $\alpha=\frac12$).
//!
//! Note: notes/t1_timescales.md

use super::{Budget, Check, Seconds, Status, Theorem};
use grokking::config::canonical_add;
use grokking::error::{ensure, Result};
use grokking::evaluation::Measures;
use grokking::loss::LossKind;
use grokking::measure::kernel::tangent_kernel;
use grokking::model::{Activation, Batch, Model, ModelConfig, Params};
use grokking::optim::{OptimizerConfig, SgdConfig};
use grokking::rng::{self, Stream};
use grokking::stats::least_squares_slope;
use grokking::task::{Inputs, Labels, Split, Task};
use grokking::train::{self, Probe, Steer, TrainConfig};
use std::ops::ControlFlow;
use nalgebra::{DMatrix, SymmetricEigen};
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;

/// The ledger entry.
pub const THEOREM: Theorem = Theorem {
    id: "T1-timescales",
    name: "readout fitting outpaces feature learning by a factor growing like N in the N^-alpha parameterization",
    note: "notes/t1_timescales.md",
    module: "theorems/t1_timescales.rs",
    run: check,
    seconds: Seconds {
        quick: 1.3,
        full: 300.0,
    },
};

/// The predicted exponents in $N$ (at fixed $\eta$) of $\\|K_0\\|$, $r_0$, $t_{fit}$, $\tau_{features}/t_{fit}$ and the kernel
/// change at $t_{fit}$, in the order of `exponents`.
pub fn predicted_exponents(alpha: f64) -> [f64; 5] {
    [
        1.0 - 2.0 * alpha,
        -2.0 * alpha,
        2.0 * alpha - 1.0,
        1.0,
        -1.0,
    ]
}

/// The exponent of $\tau_{features}/\tau_{readout}$ of the heuristic in the brief, $1-\alpha$ (kernel velocity $\eta N^{-\alpha}$).
pub fn heuristic_exponent(alpha: f64) -> f64 {
    1.0 - alpha
}

/// The exponent in $N$ of $\tau_{features}/\tau_{readout}$ that the public note claims, $2\alpha$.
pub fn public_note_exponent(alpha: f64) -> f64 {
    2.0 * alpha
}

/// The network $f=N^{-\alpha}\sum_ja_j\sigma(w_j\cdot x)$ of width `width` on `task`, drawn from stream `Init` of `seed`.
pub fn network(task: &Task, width: usize, alpha: f64, seed: u64) -> Result<Model<f64>> {
    ensure((0.0..=0.5).contains(&alpha), || {
        format!("the parameterization needs alpha in [0, 1/2], got {alpha}")
    })?;
    let (d, c) = (task.input_dim(), task.n_classes());
    let mut rng = rng::child(seed, Stream::Init);
    let mut draw = |rows: usize, cols: usize, scale: f64| {
        DMatrix::from_fn(rows, cols, |_, _| {
            let g: f64 = StandardNormal.sample(&mut rng);
            scale * g
        })
    };
    let w1 = draw(width, d, 0.5f64.sqrt());
    let w2 = draw(c, width, 1.0);
    let config = ModelConfig {
        width,
        alpha: 1.0,
        kappa: (width as f64).powf(-alpha),
        activation: Activation::Gelu,
    };
    Model::from_params(task, config, Params { w1, w2 })
}

/// One measurement: $\\|K_0\\|$ (operator norm), the relative kernel change of the first step $r_0$, the steps to
/// halve the training loss $t_{fit}$ (`None` within `max_steps`) and the relative kernel change by then, at
/// learning rate `lr`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timescales {
    /// Width $N$.
    pub width: usize,
    /// $\\|K_0\\|\_{op}$.
    pub kernel_norm: f64,
    /// $r_0=\\|K_1-K_0\\|\_F/\\|K_0\\|\_F$.
    pub kernel_rate: f64,
    /// First step with training MSE at most half its initial value.
    pub t_fit: Option<u64>,
    /// $\\|K_{t_{fit}}-K_0\\|\_F/\\|K_0\\|\_F$.
    pub moved_at_fit: Option<f64>,
}

/// The measurement's configuration ($a+b \bmod p$ at training fraction `frac`, plain GD, MSE), its split and
/// its training pairs.
struct Setting {
    config: TrainConfig,
    split: Split,
    pairs: Vec<(u32, u32)>,
}

fn setting(p: u32, frac: f64, seed: u64, lr: f64, steps: u64) -> Result<Setting> {
    let sgd = OptimizerConfig::Sgd(SgdConfig {
        lr,
        momentum: 0.0,
        nesterov: false,
        weight_decay: 0.0,
    });
    let mut config = canonical_add(p, frac, sgd, steps, seed);
    config.loss = LossKind::Mse;
    config.eval_every = 1;
    let split = config
        .task
        .labelled_split(config.train_frac, config.seed, Labels::True)?;
    let Inputs::Pairs { a, b, .. } = &split.train.inputs else {
        unreachable!("a+b has pair inputs")
    };
    let pairs = a.iter().copied().zip(b.iter().copied()).collect();
    Ok(Setting {
        config,
        split,
        pairs,
    })
}

/// $\\|K_0\\|\_{op}$ of the width-`width` network (for choosing a stable learning rate).
fn initial_kernel_norm(p: u32, frac: f64, width: usize, alpha: f64, seed: u64) -> Result<f64> {
    let Setting {
        config,
        split,
        pairs,
    } = setting(p, frac, seed, 1.0, 1)?;
    let model = network(&config.task, width, alpha, seed)?;
    let k0 = tangent_kernel(&model, &Batch::new(&split.train), &pairs);
    Ok(SymmetricEigen::new(k0).eigenvalues.max())
}

/// Measures [`Timescales`] of the width-`width` network at `alpha`, learning rate `lr`, at most `max_steps`: runs
/// of 64, 256, 1024, … steps (capped at `max_steps`) until one fits, so a run costs at most about twice its
/// $t_{fit}$ (training is deterministic, so a longer run repeats the shorter one).
pub fn measure(
    p: u32,
    frac: f64,
    width: usize,
    alpha: f64,
    lr: f64,
    max_steps: u64,
    seed: u64,
) -> Result<Timescales> {
    let mut cap = 64;
    loop {
        let run = measure_within(p, frac, width, alpha, lr, cap.min(max_steps), seed)?;
        if run.t_fit.is_some() || cap >= max_steps {
            return Ok(run);
        }
        cap *= 4;
    }
}

fn measure_within(
    p: u32,
    frac: f64,
    width: usize,
    alpha: f64,
    lr: f64,
    steps: u64,
    seed: u64,
) -> Result<Timescales> {
    let Setting {
        mut config,
        split,
        pairs,
    } = setting(p, frac, seed, lr, steps)?;
    let batch = Batch::new(&split.train);
    let model = network(&config.task, width, alpha, seed)?;
    config.model = model.config;
    let k0 = tangent_kernel(&model, &batch, &pairs);
    let kernel_norm = SymmetricEigen::new(k0.clone()).eigenvalues.max();
    let (mut kernel_rate, mut t_fit, mut moved_at_fit, mut initial) = (0.0, None, None, None);
    let moved =
        |model: &Model<f64>| (tangent_kernel(model, &batch, &pairs) - &k0).norm() / k0.norm();
    // Nothing is recorded after t_fit, so the run stops there.
    let mut watch = Steer(|probe: &Probe<'_, f64>| {
        let first = *initial.get_or_insert(probe.train.loss);
        if probe.step == 1 {
            kernel_rate = moved(probe.model);
        }
        if t_fit.is_none() && probe.train.loss <= 0.5 * first {
            t_fit = Some(probe.step);
            moved_at_fit = Some(moved(probe.model));
            return Ok(ControlFlow::Break(()));
        }
        Ok(ControlFlow::Continue(()))
    });
    train::train_on(&config, &split, model, Measures::Training, &mut watch)?;
    Ok(Timescales {
        width,
        kernel_norm,
        kernel_rate,
        t_fit,
        moved_at_fit,
    })
}

/// Least-squares exponents in $N$ of $\\|K_0\\|$, $r_0$, $t_{fit}$, $\tau_{features}/t_{fit}=\delta/(r_0t_{fit})$ and the kernel
/// change at $t_{fit}$ over `runs` (`None` if a run did not fit).
fn exponents(runs: &[Timescales]) -> Option<[f64; 5]> {
    let slope = |f: &dyn Fn(&Timescales) -> Option<f64>| {
        let points: Option<Vec<(f64, f64)>> = runs
            .iter()
            .map(|r| f(r).map(|y| ((r.width as f64).ln(), y.ln())))
            .collect();
        least_squares_slope(&points?)
    };
    Some([
        slope(&|r| Some(r.kernel_norm))?,
        slope(&|r| Some(r.kernel_rate))?,
        slope(&|r| r.t_fit.map(|t| t as f64))?,
        slope(&|r| r.t_fit.map(|t| 1.0 / (r.kernel_rate * t as f64)))?,
        slope(&|r| r.moved_at_fit)?,
    ])
}

/// Every width at one learning rate, stable at the widest: $\eta=np/(2\\|K_0\\|)$ there ($n$ training pairs,
/// $p$ classes; the crate's MSE averages over both, so the fastest mode of the linearized dynamics then
/// decays by a factor $1-\eta\cdot2\\|K_0\\|/(np)=0$ per step at the widest width and more slowly below it).
fn sweep(
    p: u32,
    frac: f64,
    widths: &[usize],
    alpha: f64,
    seed: u64,
    max_steps: u64,
) -> Result<Vec<Timescales>> {
    let Some(&widest) = widths.iter().max() else {
        return Err(grokking::error::Error::InvalidConfig(
            "the sweep needs at least one width".into(),
        ));
    };
    let s = setting(p, frac, seed, 1.0, 1)?;
    let n = s.split.train.len() as f64;
    let lr = n * s.config.task.n_classes() as f64
        / (2.0 * initial_kernel_norm(p, frac, widest, alpha, seed)?);
    widths
        .par_iter()
        .map(|&n| measure(p, frac, n, alpha, lr, max_steps, seed))
        .collect()
}

/// [`sweep`] for every seed of `seeds`, pooled (the exponents are then fitted to all points at once, i.e. to
/// the seed average of each log quantity).
fn pooled(
    p: u32,
    frac: f64,
    widths: &[usize],
    alpha: f64,
    seeds: std::ops::Range<u64>,
    max_steps: u64,
) -> Result<Vec<Timescales>> {
    let mut all = Vec::new();
    for seed in seeds {
        all.extend(sweep(p, frac, widths, alpha, seed, max_steps)?);
    }
    Ok(all)
}

/// Tolerance on a measured exponent (3 seeds pooled). The kernel is an average of $N$ independent terms, so at
/// the smallest width $N_{min}$ its relative fluctuation is about $N_{min}^{-1/2}$; over a width range $R$ (in log) a
/// least-squares slope then moves by about $2N_{min}^{-1/2}/R$: 0.064 for $N=128\dots2048$. $r_0$ and $t_{fit}$ also
/// depend on the random initial outputs (through the residual), whose share in the slow modes varies from
/// seed to seed by tens of percent at one width; pooling 3 seeds divides that by $\sqrt3$. 0.15 covers both.
///
/// Measured afterwards (120 single seeds at $N=128\dots2048$, $\alpha\in\\{0,\frac14,\frac12\\}$, mean $\pm$ standard
/// deviation of the exponent minus its prediction): $\\|K_0\\|$ $-0.01\pm0.026$, $r_0$ $0.00\pm0.092$, $t_{fit}$
/// $+0.05\pm0.07$ (worst $+0.061$ at $\alpha=0$), the ratio $-0.05\pm0.045$, the kernel change $+0.05\pm0.047$. The
/// offsets of about 0.05 are the finite-$N$ correction to the leading-order law. Over 3 pooled seeds the $t_{fit}$
/// exponent's margin is then $(0.15-0.061)/(0.066/\sqrt3)=2.4$ standard deviations: seeds 0–2 (the ledger's) pass,
/// but a random seed triple fails about once in a hundred draws, so the proptest pools 12 seeds (4.7 standard
/// deviations). The tolerance itself was chosen before this measurement and is unchanged.
pub const EXPONENT_TOLERANCE: f64 = 0.15;

/// The ledger check.
fn check(budget: Budget) -> Result<Vec<Check>> {
    let sweep = Sweep::measure(budget)?;
    Ok(vec![
        exponents_match(&sweep, predicted_exponents),
        other_rates_fail(&sweep, &REFUTED_LAWS),
    ])
}

/// A named law for the exponent in $N$ of $\tau_{features}/\tau_{readout}$ as a function of $\alpha$.
type Law = (&'static str, fn(f64) -> f64);

/// The two laws for the exponent of $\tau_{features}/\tau_{readout}$ that the ledger refutes.
const REFUTED_LAWS: [Law; 2] = [
    ("N^(2a)", public_note_exponent),
    ("N^(1-a)", heuristic_exponent),
];

/// The five exponents in $N$ measured at each $\alpha$ of a budget's sweep (`None` where a width did not fit).
struct Sweep {
    widths: &'static [usize],
    seeds: u64,
    exponents: Vec<(f64, Option<[f64; 5]>)>,
}

impl Sweep {
    fn measure(budget: Budget) -> Result<Self> {
        let (alphas, seeds, widths): (&[f64], u64, &[usize]) = match budget {
            Budget::Quick => (&[0.0, 0.5], 3, &[128, 256, 512, 1024, 2048]),
            Budget::Full => (
                &[0.0, 0.125, 0.25, 0.375, 0.5],
                3,
                &[256, 512, 1024, 2048, 4096, 8192],
            ),
        };
        let exponents = alphas
            .iter()
            .map(|&alpha| {
                let runs = pooled(11, 0.5, widths, alpha, 0..seeds, 20_000)?;
                Ok((alpha, exponents(&runs)))
            })
            .collect::<Result<_>>()?;
        Ok(Sweep {
            widths,
            seeds,
            exponents,
        })
    }

    /// The exponent of $\tau_{features}/\tau_{readout}$ at each $\alpha$ where every width fitted.
    fn ratio_exponents(&self) -> Vec<(f64, f64)> {
        self.exponents
            .iter()
            .filter_map(|(alpha, e)| Some((*alpha, e.as_ref()?[3])))
            .collect()
    }
}

/// The five exponents in $N$, measured against `predicted` (the derived ones in the ledger; a test swaps in
/// wrong ones and the check must fail).
fn exponents_match(sweep: &Sweep, predicted: impl Fn(f64) -> [f64; 5]) -> Check {
    let names = ["|K0|", "r0", "t_fit", "ratio", "moved"];
    let mut worst = 0.0f64;
    let mut rows = Vec::new();
    for (alpha, measured) in &sweep.exponents {
        match measured {
            Some(e) => {
                let want = predicted(*alpha);
                for (m, w) in e.iter().zip(want) {
                    worst = worst.max((m - w).abs());
                }
                let shown: Vec<String> = names
                    .iter()
                    .zip(e.iter().zip(want))
                    .map(|(name, (m, w))| format!("{name} {m:.2} ({w:.2})"))
                    .collect();
                rows.push(format!("alpha {alpha}: {}", shown.join(", ")));
            }
            None => {
                worst = f64::INFINITY;
                rows.push(format!(
                    "alpha {alpha}: a width did not fit in 20000 steps"
                ));
            }
        }
    }
    let Sweep { widths, seeds, .. } = sweep;
    Check {
        claim: "at fixed eta: |K0| ~ N^(1-2a), r0 ~ N^(-2a), t_fit ~ N^(2a-1), tau_features/tau_readout ~ N, kernel moved by t_fit ~ 1/N".into(),
        status: Status::DerivedAtLeadingOrder,
        prediction: "the five exponents, measured (predicted)".into(),
        measured: format!(
            "a+b mod 11, f = 0.5, GELU, MSE, GD, N = {widths:?}, seeds 0..{seeds} pooled: {}",
            rows.join("; ")
        ),
        tolerance: format!("{EXPONENT_TOLERANCE} on each exponent (finite-N fluctuation; module docs)"),
        pass: !sweep.exponents.is_empty() && worst <= EXPONENT_TOLERANCE,
    }
}

/// False as stated: each law of `laws` for the exponent of $\tau_{features}/\tau_{readout}$ must be rejected at
/// every $\alpha$ where it differs from the derived $N^1$ by more than twice the tolerance, and must differ there
/// at some $\alpha$ of the sweep (a law that agrees with $N^1$ everywhere is not refuted).
fn other_rates_fail(sweep: &Sweep, laws: &[Law]) -> Check {
    let ratio_exponents = sweep.ratio_exponents();
    let verdicts: Vec<(&str, usize, usize)> = laws
        .iter()
        .map(|(name, law)| {
            let tested: Vec<&(f64, f64)> = ratio_exponents
                .iter()
                .filter(|(a, _)| (law(*a) - 1.0).abs() > 2.0 * EXPONENT_TOLERANCE)
                .collect();
            let rejected = tested
                .iter()
                .filter(|(a, m)| (m - law(*a)).abs() > EXPONENT_TOLERANCE)
                .count();
            (*name, rejected, tested.len())
        })
        .collect();
    let shown: Vec<String> = verdicts
        .iter()
        .map(|(name, rejected, tested)| format!("{name} rejected in {rejected} of {tested} such cases"))
        .collect();
    Check {
        claim: "not the question's claim (which holds, row above): the growth rates N^(2a) (a public note's Omega(N^(2a)) read as the rate) and N^(1-a) (the brief's heuristic) for tau_features/tau_readout".into(),
        status: Status::FalseAsStated,
        prediction: "both rejected wherever they differ from N^1 by more than 0.3 in the exponent (as a lower bound, Omega(N^(2a)) holds)".into(),
        measured: shown.join(", "),
        tolerance: format!("{EXPONENT_TOLERANCE}"),
        pass: !verdicts.is_empty()
            && verdicts
                .iter()
                .all(|(_, rejected, tested)| *tested > 0 && rejected == tested),
    }
}

#[cfg(test)]
#[path = "../tests/t1_timescales.rs"]
mod tests;
