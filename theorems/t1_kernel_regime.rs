//! T1-kernel — kernel regression with a one-hot kernel cannot generalize on $a+b \bmod p$: on unseen
//! pairs it is an additive predictor whose data are blind to the true class.
//! Note: notes/t1_kernel_regime.md
//!
//! Kernel: $K(x,x')=k_0+k_1m+k_2[m=2]$ with $m=[a=a']+[b=b']$ for $x=(a,b)$, $x'=(a',b')$ (every kernel of
//! the network's one-hot inputs that depends on them only through $m$, e.g. its infinite-width NTK).
//! Kernel ridge regression on the training pairs $S$ with one-hot targets $Y$ and ridge $\rho$:
//! $F(x)=K(x,S)(K_{SS}+\rho I)^{-1}Y$. With $D\in\\{0,1\\}^{n\times2p}$ the row/column indicators of $S$,
//! $Q=k_1I+k_0uu^\top$ ($u=1_p\oplus0_p$), $\gamma=k_2+\rho>0$ and $z=e_a\oplus e_b$, on an unseen pair
//! (Lemma 1 of the note)
//! $$F_c(x)=z^\top(\gamma Q^{-1}+D^\top D)^{-1}r_c,\qquad r_c=D^\top Y_c,$$
//! and $r_{c^\*}$ vanishes at both coordinates $z$ reads, for the true class $c^\*=a+b$ (Lemma 2). The
//! zeroth-order predictor $F^0_c(x)=\gamma^{-1}(k_1(r_c(a)+r_c(p+b))+k_0n_c)$ is within
//! $\\|H\\|\gamma^{-2}\sqrt{2k_1+k_0}\sqrt{2k_1n_c+k_0n_c^2}$ of $F_c$, $\\|H\\|=\lambda_{max}(Q^{1/2}D^\top DQ^{1/2})$
//! (Theorem 3), which certifies that the true class loses wherever the gap beats the bound.

use super::{Budget, Check, Seconds, Status, Theorem};
use grokking::config;
use grokking::config::canonical_add;
use grokking::error::{ensure, Error, Result};
use grokking::evaluation::Measures;
use grokking::measure::kernel::{tangent_kernel_between, OneHotKernel};
use grokking::model::{Batch, Model};
use grokking::optim::{AdamWConfig, OptimizerConfig};
use grokking::rng::{self, Stream};
use grokking::task::Examples;
use grokking::task::Labels;
use grokking::task::{Inputs, Operation, Task};
use grokking::train::{self, Probe, TrainConfig, Watch};
use nalgebra::{DMatrix, SymmetricEigen};
use rand::Rng;

/// The ledger entry.
pub const THEOREM: Theorem = Theorem {
    id: "T1-kernel",
    name: "one-hot kernel regression does not generalize on a+b mod p",
    note: "notes/t1_kernel_regime.md",
    module: "theorems/t1_kernel_regime.rs",
    run: check,
    seconds: Seconds {
        quick: 1.2,
        full: 216.0,
    },
};

/// A kernel ridge regression problem on a split of $a+b \bmod p$ (assumptions A1–A3 of the note).
#[derive(Clone, Debug)]
pub struct Problem {
    p: usize,
    train: Vec<(u32, u32)>,
    test: Vec<(u32, u32)>,
    kernel: OneHotKernel,
    ridge: f64,
}

impl Problem {
    /// The split of `train_frac` of all pairs (seeded as in training) with `kernel` and `ridge`.
    /// Errors unless $k_0\ge0$, $k_1>0$, $k_2\ge0$, $\rho\ge0$, $\gamma=k_2+\rho>0$ and the split is valid.
    pub fn new(
        p: u32,
        train_frac: f64,
        seed: u64,
        kernel: OneHotKernel,
        ridge: f64,
    ) -> Result<Self> {
        let OneHotKernel { k0, k1, k2 } = kernel;
        ensure(k0 >= 0.0 && k1 > 0.0 && k2 >= 0.0 && ridge >= 0.0, || {
            format!("the kernel needs k0 >= 0, k1 > 0, k2 >= 0 and ridge >= 0, got {kernel:?}, ridge {ridge}")
        })?;
        ensure(k2 + ridge > 0.0, || {
            "gamma = k2 + ridge must be positive".into()
        })?;
        let task = Task::Modular {
            op: Operation::Add,
            p,
        };
        let split = task.split(train_frac, seed)?;
        let pairs = |inputs: &Inputs| match inputs {
            Inputs::Pairs { a, b, .. } => Ok(a.iter().copied().zip(b.iter().copied()).collect()),
            Inputs::Bits { .. } => Err(Error::Shape("a+b mod p has pair inputs".into())),
        };
        Ok(Problem {
            p: p as usize,
            train: pairs(&split.train.inputs)?,
            test: pairs(&split.test.inputs)?,
            kernel,
            ridge,
        })
    }

    /// $\gamma=k_2+\rho$.
    pub fn gamma(&self) -> f64 {
        self.kernel.k2 + self.ridge
    }

    /// The unseen pairs, in the column order of the predictions.
    pub fn test_pairs(&self) -> &[(u32, u32)] {
        &self.test
    }

    fn label(&self, (a, b): (u32, u32)) -> usize {
        (a as usize + b as usize) % self.p
    }

    /// $F$ on the test pairs ($p\times n_{test}$) from the definition: an $n\times n$ Cholesky solve.
    pub fn direct(&self) -> Result<DMatrix<f64>> {
        let (n, p) = (self.train.len(), self.p);
        let k = &self.kernel;
        let kss = DMatrix::from_fn(n, n, |i, j| {
            k.value(self.train[i], self.train[j]) + if i == j { self.ridge } else { 0.0 }
        });
        let y = DMatrix::from_fn(n, p, |i, c| f64::from(self.label(self.train[i]) == c));
        let alpha = kss
            .cholesky()
            .ok_or_else(|| Error::Shape("K_SS + ridge I is not positive definite".into()))?
            .solve(&y);
        let kts = DMatrix::from_fn(self.test.len(), n, |t, i| {
            k.value(self.test[t], self.train[i])
        });
        Ok((kts * alpha).transpose())
    }

    /// $R=D^\top Y$ ($2p\times p$): $R_{a,c}=[(a,c-a)\in S]$, $R_{p+b,c}=[(c-b,b)\in S]$.
    fn r(&self) -> DMatrix<f64> {
        let p = self.p;
        let mut r = DMatrix::zeros(2 * p, p);
        for &(a, b) in &self.train {
            let c = self.label((a, b));
            r[(a as usize, c)] += 1.0;
            r[(p + b as usize, c)] += 1.0;
        }
        r
    }

    /// $D^\top D$: row and column counts on the diagonal, the incidence of $S$ off it.
    fn gram(&self) -> DMatrix<f64> {
        let p = self.p;
        let mut g = DMatrix::zeros(2 * p, 2 * p);
        for &(a, b) in &self.train {
            let (i, j) = (a as usize, p + b as usize);
            g[(i, i)] += 1.0;
            g[(j, j)] += 1.0;
            g[(i, j)] += 1.0;
            g[(j, i)] += 1.0;
        }
        g
    }

    /// $Q^{s}$ for $s=\pm1,\pm\frac12$: $Q=k_1I+k_0uu^\top$ has eigenvalue $k_1+pk_0$ on $u/\sqrt p$ and $k_1$
    /// elsewhere.
    fn q_power(&self, s: f64) -> DMatrix<f64> {
        let (p, k) = (self.p, &self.kernel);
        let (lo, hi) = (k.k1.powf(s), (k.k1 + p as f64 * k.k0).powf(s));
        DMatrix::from_fn(2 * p, 2 * p, |i, j| {
            let on_u = if i < p && j < p {
                (hi - lo) / p as f64
            } else {
                0.0
            };
            on_u + if i == j { lo } else { 0.0 }
        })
    }

    /// $F$ on the test pairs from Lemma 1: a $2p\times2p$ solve.
    pub fn additive(&self) -> Result<DMatrix<f64>> {
        let p = self.p;
        let system = self.q_power(-1.0) * self.gamma() + self.gram();
        let coef = system
            .cholesky()
            .ok_or_else(|| Error::Shape("gamma Q^-1 + D^T D is not positive definite".into()))?
            .solve(&self.r());
        Ok(DMatrix::from_fn(p, self.test.len(), |c, t| {
            let (a, b) = self.test[t];
            coef[(a as usize, c)] + coef[(p + b as usize, c)]
        }))
    }

    /// Class counts $n_c$ in the training set.
    fn class_counts(&self) -> Vec<f64> {
        let mut n = vec![0.0; self.p];
        for &x in &self.train {
            n[self.label(x)] += 1.0;
        }
        n
    }

    /// $F^0$ on the test pairs: $\gamma^{-1}(k_1(r_c(a)+r_c(p+b))+k_0n_c)$.
    pub fn zeroth_order(&self) -> DMatrix<f64> {
        let (p, k, r, n) = (self.p, &self.kernel, self.r(), self.class_counts());
        DMatrix::from_fn(p, self.test.len(), |c, t| {
            let (a, b) = self.test[t];
            (k.k1 * (r[(a as usize, c)] + r[(p + b as usize, c)]) + k.k0 * n[c]) / self.gamma()
        })
    }

    /// $\\|H\\|=\lambda_{max}(Q^{1/2}D^\top DQ^{1/2})$.
    pub fn h_norm(&self) -> f64 {
        let half = self.q_power(0.5);
        let h = &half * self.gram() * &half;
        SymmetricEigen::new(h).eigenvalues.max()
    }

    /// Theorem 3's bound on $|F_c-F^0_c|$, per class (the same at every unseen pair).
    pub fn error_bound(&self) -> Vec<f64> {
        let k = &self.kernel;
        let scale = self.h_norm() / self.gamma().powi(2) * (2.0 * k.k1 + k.k0).sqrt();
        self.class_counts()
            .into_iter()
            .map(|n| scale * (2.0 * k.k1 * n + k.k0 * n * n).sqrt())
            .collect()
    }

    /// Per unseen pair: whether Theorem 3 certifies that some class beats the true one
    /// ($F^0_{c'}-F^0_{c^\*}>\text{bound}\_{c'}+\text{bound}\_{c^\*}$ for some $c'$).
    pub fn certified(&self) -> Vec<bool> {
        let (f0, bound) = (self.zeroth_order(), self.error_bound());
        (0..self.test.len())
            .map(|t| {
                let star = self.label(self.test[t]);
                (0..self.p)
                    .any(|c| c != star && f0[(c, t)] - f0[(star, t)] > bound[c] + bound[star])
            })
            .collect()
    }

    /// Per unseen pair, $F_{c^\*}-\max_{c\ne c^\*}F_c$ for predictions `f` ($p\times n_{test}$).
    pub fn margins(&self, f: &DMatrix<f64>) -> Vec<f64> {
        (0..self.test.len())
            .map(|t| {
                let star = self.label(self.test[t]);
                let best_other = (0..self.p)
                    .filter(|&c| c != star)
                    .map(|c| f[(c, t)])
                    .fold(f64::NEG_INFINITY, f64::max);
                f[(star, t)] - best_other
            })
            .collect()
    }

    /// Accuracy and worst margin of predictions `f` ($p\times n_{test}$) on the test pairs.
    pub fn outcome(&self, f: &DMatrix<f64>) -> Outcome {
        let margins = self.margins(f);
        let correct = margins.iter().filter(|&&m| m > 0.0).count();
        Outcome {
            accuracy: correct as f64 / margins.len().max(1) as f64,
            max_true_class_margin: margins.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    }
}

/// How a predictor does on the unseen pairs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outcome {
    /// Fraction of unseen pairs whose true class has the strictly largest score.
    pub accuracy: f64,
    /// $\max_x\\,(F_{c^\*}(x)-\max_{c\ne c^\*}F_c(x))$: negative means the true class loses everywhere.
    pub max_true_class_margin: f64,
}

/// A random problem: `p` from `primes`, fraction in `fracs` (moved in so that both sides of the split
/// are non-empty), kernel and ridge from the note's ranges
/// ($k_0\in\\{0\\}\cup[0,3]$, $k_1\in[0.01,3]$, $k_2\in\\{0\\}\cup[0,3]$, $\rho\in[10^{-8},1]$ log-uniform).
fn random_problem(rng: &mut impl Rng, primes: &[u32], fracs: (f64, f64)) -> Result<Problem> {
    let p = primes[rng.random_range(0..primes.len())];
    // Kept where both sides of the split hold at least one pair.
    let edge = 1.5 / f64::from(p * p);
    let frac = rng.random_range(fracs.0..fracs.1).clamp(edge, 1.0 - edge);
    let mut maybe = |hi: f64| {
        if rng.random_bool(0.5) {
            0.0
        } else {
            rng.random_range(0.0..hi)
        }
    };
    let (k0, k2) = (maybe(3.0), maybe(3.0));
    let kernel = OneHotKernel {
        k0,
        k1: rng.random_range(0.01..3.0),
        k2,
    };
    let ridge = 10f64.powf(rng.random_range(-8.0..0.0));
    Problem::new(p, frac, rng.random(), kernel, ridge)
}

/// The pairs of a set of examples of $a+b \bmod p$.
fn pairs_of(examples: &Examples) -> Result<Vec<(u32, u32)>> {
    match &examples.inputs {
        Inputs::Pairs { a, b, .. } => Ok(a.iter().copied().zip(b.iter().copied()).collect()),
        Inputs::Bits { .. } => Err(Error::Shape("a+b mod p has pair inputs".into())),
    }
}

/// Test accuracy of kernel regression with `model`'s own tangent kernel ([`tangent_kernel_between`]): fit to
/// the one-hot targets of `train` (ridge $10^{-6}$ times the mean diagonal, for conditioning), predict `test`.
fn own_kernel_accuracy(model: &Model<f64>, train: &Examples, test: &Examples) -> Result<f64> {
    let (trp, tep) = (pairs_of(train)?, pairs_of(test)?);
    let (trb, teb) = (Batch::<f64>::new(train), Batch::<f64>::new(test));
    let mut kss = tangent_kernel_between(model, (&trb, &trp), (&trb, &trp));
    let ridge = 1e-6 * kss.diagonal().mean();
    for i in 0..trp.len() {
        kss[(i, i)] += ridge;
    }
    let classes = model.params.w2.nrows();
    let y = DMatrix::from_fn(trp.len(), classes, |i, c| {
        f64::from(train.labels[i] as usize == c)
    });
    let alpha = kss
        .cholesky()
        .ok_or_else(|| Error::Shape("the tangent kernel is not positive definite".into()))?
        .solve(&y);
    let f = tangent_kernel_between(model, (&teb, &tep), (&trb, &trp)) * alpha;
    let hits = (0..tep.len())
        .filter(|&i| f.row(i).transpose().argmax().0 == test.labels[i] as usize)
        .count();
    Ok(hits as f64 / tep.len() as f64)
}

/// Along a full-batch f64 run of `config`: (step, the network's test accuracy, [`own_kernel_accuracy`]) at
/// its evaluation steps.
fn own_kernel_trajectory(config: &TrainConfig) -> Result<Vec<(u64, f64, f64)>> {
    let (split, model) = train::seeded(config, Labels::True)?;
    let mut out = Vec::new();
    let mut watch = Watch::new(|probe: &Probe<'_, f64>| {
        let kernel = own_kernel_accuracy(probe.model, &split.train, &split.test)?;
        out.push((probe.step, probe.test_acc()?, kernel));
        Ok(())
    });
    train::train_on(config, &split, model, Measures::Accuracy, &mut watch)?;
    Ok(out)
}

/// The runs of the own-kernel check, `(p, training fraction, AdamW weight decay, steps, every, seed)`:
/// quick, $a+b\bmod23$ ($f=0.7$, $\lambda=0.5$) seed 0 for 1500 steps; full, that task for 6000 steps at
/// seeds 0–4 and the canonical $a+b\bmod97$ ($f=0.4$, $\lambda=1$) seed 0 for 3000 steps.
fn own_kernel_runs(budget: Budget) -> Vec<(u32, f64, f64, u64, u64, u64)> {
    match budget {
        Budget::Quick => vec![(23, 0.7, 0.5, 1500, 500, 0)],
        Budget::Full => {
            let mut runs: Vec<_> = (0..5).map(|seed| (23, 0.7, 0.5, 6000, 500, seed)).collect();
            runs.push((97, 0.4, 1.0, 3000, 250, 0));
            runs
        }
    }
}

/// One run of the own-kernel check: its description, $p$, and (step, network accuracy, kernel accuracy).
type OwnKernelRun = (String, u32, Vec<(u64, f64, f64)>);

/// The network's own tangent kernel along the budget's runs (trained here).
fn check_own_kernel(budget: Budget) -> Result<Check> {
    let mut runs = Vec::new();
    for (p, frac, weight_decay, steps, every, seed) in own_kernel_runs(budget) {
        let adamw = OptimizerConfig::AdamW(AdamWConfig {
            weight_decay,
            ..config::CANONICAL_ADAMW
        });
        let mut config = canonical_add(p, frac, adamw, steps, seed);
        config.eval_every = every;
        let run = own_kernel_trajectory(&config)?;
        runs.push((
            format!("a+b mod {p}, f = {frac}, wd {weight_decay}, seed {seed}"),
            p,
            run,
        ));
    }
    Ok(own_kernel(&runs))
}

/// The network's own tangent kernel, on recorded `runs`: below chance at initialization, and generalizing
/// before the network.
fn own_kernel(runs: &[OwnKernelRun]) -> Check {
    let mut pass = !runs.is_empty();
    let mut shown = Vec::new();
    for (describe, p, run) in runs {
        let chance = 1.0 / f64::from(*p);
        let below_at_init = run.first().is_some_and(|&(_, _, k)| k < chance);
        let lead = run.iter().find(|&&(_, net, k)| k >= 0.9 && net < 0.5);
        pass &= below_at_init && lead.is_some();
        let trajectory: Vec<String> = run
            .iter()
            .map(|(s, net, k)| format!("{s}: {net:.3}/{k:.3}"))
            .collect();
        shown.push(format!(
            "{describe} (step: net/kernel) {}",
            trajectory.join(", ")
        ));
    }
    Check {
        claim: "kernel regression with the network's own tangent kernel: below chance at initialization (the lemma's regime), and it generalizes before the network does".into(),
        status: Status::Empirical,
        prediction: "in every run: accuracy < 1/p at step 0; some recorded step with kernel accuracy >= 0.9 while the network's is < 0.5".into(),
        measured: format!("ReLU N = 256, AdamW, f64; {}", shown.join("; ")),
        tolerance: "strict inequalities".into(),
        pass,
    }
}

/// The ledger check: Lemma 1 (agreement of the two forms), Theorem 3 (bound and certified losses), the
/// empirical below-chance law and exact-zero rate, and the counterexample to "exactly 0 for every $p$
/// and fraction".
fn check(budget: Budget) -> Result<Vec<Check>> {
    let cases = match budget {
        Budget::Quick => 40,
        Budget::Full => 2000,
    };
    let mut rng = rng::child(1, Stream::Init);
    Ok(vec![
        check_lemma1(&mut rng, cases / 4, Problem::additive)?,
        check_theorem3(&mut rng, cases / 4, 1.0)?,
        check_below_chance(&mut rng, cases, budget, Problem::additive)?,
        check_zero_rate(&mut rng, cases, budget, Problem::additive)?,
        check_counterexample(Problem::additive)?,
        check_own_kernel(budget)?,
    ])
}

/// Relative tolerance of Lemma 1: both forms are f64 solves with $\gamma\ge10^{-2}$, condition numbers
/// below $10^{5}$ here, so agreement to $10^{-9}$ of the largest score leaves a wide margin.
pub const LEMMA1_TOLERANCE: f64 = 1e-9;
/// Relative slack of Theorem 3's inequality error <= bound: the same f64 solves as Lemma 1's.
pub const BOUND_ROUND_OFF: f64 = 1e-9;

/// Lemma 1: the direct $n\times n$ solve against the `form` of the predictor on unseen pairs
/// ([`Problem::additive`] in the ledger).
fn check_lemma1(rng: &mut impl Rng, cases: usize, form: Predictor) -> Result<Check> {
    let mut worst: f64 = 0.0;
    for _ in 0..cases {
        let mut pb = random_problem(rng, &[5, 7, 11, 13], (0.2, 0.9))?;
        pb.ridge = pb.ridge.max(1e-2);
        let (direct, additive) = (pb.direct()?, form(&pb)?);
        let scale = direct.amax().max(1e-300);
        worst = worst.max((direct - additive).amax() / scale);
    }
    Ok(Check {
        claim: "Lemma 1: on unseen pairs the one-hot KRR predictor is z^T (gamma Q^-1 + D^T D)^-1 D^T Y"
            .into(),
        status: Status::Proved,
        prediction: "direct n x n solve = additive 2p x 2p form".into(),
        measured: format!("max relative difference {worst:.1e} over {cases} random problems"),
        tolerance: format!("{LEMMA1_TOLERANCE:.0e} (f64 round-off, note §Numerical check)"),
        pass: worst <= LEMMA1_TOLERANCE,
    })
}

/// Theorem 3: the zeroth-order error bound (times `scale`, 1 in the ledger) and the certified losses.
fn check_theorem3(rng: &mut impl Rng, cases: usize, scale: f64) -> Result<Check> {
    let (mut worst_ratio, mut certified, mut certified_wrong, mut total) = (0.0f64, 0, 0, 0);
    for i in 0..cases {
        let mut pb = random_problem(rng, &[5, 7, 11, 13], (0.2, 0.9))?;
        // Half the cases in the strongly regularized regime, where certificates appear.
        if i % 2 == 0 {
            pb.ridge = 100.0 * (1.0 + pb.h_norm());
        }
        let (f, f0) = (pb.additive()?, pb.zeroth_order());
        let bound: Vec<f64> = pb.error_bound().iter().map(|b| scale * b).collect();
        for t in 0..f.ncols() {
            for c in 0..f.nrows() {
                let err = (f[(c, t)] - f0[(c, t)]).abs();
                worst_ratio = worst_ratio.max(if bound[c] > 0.0 {
                    err / bound[c]
                } else if err > 0.0 {
                    f64::INFINITY
                } else {
                    0.0
                });
            }
        }
        for (ok, margin) in pb.certified().into_iter().zip(pb.margins(&f)) {
            total += 1;
            if ok {
                certified += 1;
                certified_wrong += usize::from(margin >= 0.0);
            }
        }
    }
    Ok(Check {
        claim: "Theorem 3: |F - F0| <= |H| gamma^-2 sqrt(2k1+k0) sqrt(2k1 n_c + k0 n_c^2); certified pairs lose".into(),
        status: Status::ProvedUnderAssumptions,
        prediction: "error / bound <= 1; the true class loses at every certified pair".into(),
        measured: format!(
            "max error/bound {worst_ratio:.3}; {certified} of {total} unseen pairs certified, {certified_wrong} of them won by the true class"
        ),
        tolerance: format!("none: an inequality (ratio <= 1 + {BOUND_ROUND_OFF:e} for round-off)"),
        pass: worst_ratio <= 1.0 + BOUND_ROUND_OFF && certified_wrong == 0 && certified > 0,
    })
}

/// Primes of the empirical checks (Full adds larger ones, the brief's 31 and 47 among them).
fn primes(budget: Budget, small: &'static [u32], large: &'static [u32]) -> Vec<u32> {
    let mut v = small.to_vec();
    if budget == Budget::Full {
        v.extend_from_slice(large);
    }
    v
}

/// A predictor's scores on a problem's unseen pairs ($p\times n_{test}$): [`Problem::additive`], the kernel-regime
/// predictor, in the ledger; a test swaps in others.
type Predictor = fn(&Problem) -> Result<DMatrix<f64>>;

fn check_below_chance(
    rng: &mut impl Rng,
    cases: usize,
    budget: Budget,
    predictor: Predictor,
) -> Result<Check> {
    let primes = primes(budget, &[3, 5, 7, 11, 13, 17], &[23, 31]);
    let mut worst: f64 = 0.0;
    for _ in 0..cases {
        let pb = random_problem(rng, &primes, (0.02, 0.98))?;
        let o = pb.outcome(&predictor(&pb)?);
        worst = worst.max(o.accuracy * pb.p as f64);
    }
    Ok(Check {
        claim: format!(
            "below chance: for p in {primes:?}, any training fraction in [0.02, 0.98], kernel and ridge of the note's ranges, test accuracy < 1/p"
        ),
        status: Status::Empirical,
        prediction: "accuracy x p < 1".into(),
        measured: format!("max accuracy x p = {worst:.3} over {cases} random problems"),
        tolerance: "none: strict".into(),
        pass: worst < 1.0,
    })
}

/// The smallest rate of problems with test accuracy exactly 0 that the note claims for $p\ge11$ and
/// training fractions in $[0.3,0.9]$ (measured: 1999 of 2000 problems, `grok check T1-kernel`).
pub const ZERO_RATE: f64 = 0.95;

fn check_zero_rate(
    rng: &mut impl Rng,
    cases: usize,
    budget: Budget,
    predictor: Predictor,
) -> Result<Check> {
    let primes = primes(budget, &[11, 13, 17, 19, 23], &[31, 47]);
    let (mut zero, mut max_acc) = (0usize, 0.0f64);
    for _ in 0..cases {
        let pb = random_problem(rng, &primes, (0.3, 0.9))?;
        let o = pb.outcome(&predictor(&pb)?);
        zero += usize::from(o.accuracy == 0.0);
        max_acc = max_acc.max(o.accuracy);
    }
    let rate = zero as f64 / cases as f64;
    Ok(Check {
        claim: format!(
            "exact zero: for p in {primes:?} and training fractions in [0.3, 0.9], test accuracy is exactly 0 in almost every problem"
        ),
        status: Status::Empirical,
        prediction: format!("rate of problems with accuracy 0 >= {ZERO_RATE}"),
        measured: format!("{zero} of {cases} problems (rate {rate:.4}); max accuracy {max_acc:.4}"),
        tolerance: "the stated rate; at the full run's 0.9995, 40 cases fall below it with probability 1e-6".into(),
        pass: rate >= ZERO_RATE,
    })
}

/// A counterexample to "accuracy 0 for every $p$ and fraction".
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Counterexample {
    /// Modulus.
    pub p: u32,
    /// Training fraction.
    pub train_frac: f64,
    /// Split seed.
    pub seed: u64,
    /// Kernel.
    pub kernel: OneHotKernel,
    /// Ridge.
    pub ridge: f64,
    /// What the predictor does on the unseen pairs.
    pub outcome: Outcome,
}

/// The first problem with positive test accuracy in a fixed search over sparse training sets:
/// $p\in\\{5,7,11\\}$, fractions 0.1 and 0.2, the kernels $k=(0,1,0)$ ($\rho=10^{-5}$) and $(0,1,1)$
/// ($\rho=10^{-6}$), split seeds 0–49, in that order, for `predictor` ([`Problem::additive`] in the ledger).
fn counterexample(predictor: Predictor) -> Result<Option<Counterexample>> {
    let kernels = [
        (
            OneHotKernel {
                k0: 0.0,
                k1: 1.0,
                k2: 0.0,
            },
            1e-5,
        ),
        (
            OneHotKernel {
                k0: 0.0,
                k1: 1.0,
                k2: 1.0,
            },
            1e-6,
        ),
    ];
    for p in [5, 7, 11] {
        for train_frac in [0.1, 0.2] {
            for &(kernel, ridge) in &kernels {
                for seed in 0..50 {
                    let pb = Problem::new(p, train_frac, seed, kernel, ridge)?;
                    let outcome = pb.outcome(&predictor(&pb)?);
                    if outcome.accuracy > 0.0 {
                        return Ok(Some(Counterexample {
                            p,
                            train_frac,
                            seed,
                            kernel,
                            ridge,
                            outcome,
                        }));
                    }
                }
            }
        }
    }
    Ok(None)
}

fn check_counterexample(predictor: Predictor) -> Result<Check> {
    let found = counterexample(predictor)?;
    Ok(Check {
        claim: "as first stated: test accuracy exactly 0 for every p, fraction and ridge".into(),
        status: Status::FalseAsStated,
        prediction: "a sparse training set where the true class wins somewhere".into(),
        measured: match found {
            Some(c) => format!(
                "p = {}, fraction {}, k = ({}, {}, {}), ridge {:.0e}, split seed {}: accuracy {:.3} (chance {:.3})",
                c.p, c.train_frac, c.kernel.k0, c.kernel.k1, c.kernel.k2, c.ridge, c.seed,
                c.outcome.accuracy, 1.0 / f64::from(c.p)
            ),
            None => "no counterexample in the search".into(),
        },
        tolerance: "none".into(),
        pass: found.is_some(),
    })
}

#[cfg(test)]
#[path = "../tests/t1_kernel_regime.rs"]
mod tests;
