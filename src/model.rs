//! The two-layer network of the brief, with a hand-written backward pass.
//!
//! For an input $x$ (one-hot $e_a\oplus e_b\in\mathbb{R}^{2p}$ on $\mathbb{Z}\_p$ tasks, $\pm1$ bits for
//! sparse parity):
//! $$z = W_1 x\in\mathbb{R}^N,\qquad h=\sigma(z),\qquad f=\kappa\\,W_2 h\in\mathbb{R}^C .$$
//! $W_1\in\mathbb{R}^{N\times d}$ ($d=2p$ or $n$; its columns $0..p$ are the brief's $U$, columns
//! $p..2p$ its $V$) and $W_2\in\mathbb{R}^{C\times N}$ (the brief's $A$). On $\mathbb{Z}\_p$ tasks
//! $W_1x = W_1\[:,a\]+W_1\[:,p+b\]$ is computed as an embedding gather, never as a one-hot product.
//!
//! **Parameterization.** $\theta_0=\alpha\bar\theta_0$ with the fan-in scale
//! $\bar W_1\sim\mathcal N(0,1/d)$, $\bar W_2\sim\mathcal N(0,1/N)$ entrywise (as in the PyTorch baseline),
//! and a fixed output multiplier $\kappa$. The default $\kappa=1$ is the standard parameterization;
//! $\kappa=1/\sqrt N$ gives mean-field output scaling, and a theorem that needs the NTK or
//! $N^{-\alpha}$ scalings sets $\kappa$ accordingly. Neither layer has a bias.
//!
//! A batch of $n$ examples is processed column-wise: $Z,H\in\mathbb{R}^{N\times n}$,
//! $F\in\mathbb{R}^{C\times n}$. Given $G=\partial L/\partial F$, the backward pass is
//! $\partial L/\partial W_2=\kappa\\,G H^\top$, $\partial L/\partial Z=(\kappa W_2^\top G)\odot\sigma'(Z)$,
//! $\partial L/\partial W_1=(\partial L/\partial Z)\\,X^\top$ (a scatter-add into columns $a_j$ and $p+b_j$
//! on $\mathbb{Z}\_p$ tasks).

use crate::error::{ensure, Result};
use crate::loss::{self, LossKind, LossStats};
use crate::real::{frobenius, gemm, Op, Real};
use crate::rng::{self, Stream};
use crate::task::{Examples, Inputs, Task};
use nalgebra::{DMatrix, DVector};
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Columns processed per rayon task in element-wise passes.
const MIN_COLUMNS_PER_TASK: usize = 32;

/// The hidden activation $\sigma$.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// $\max(z,0)$ (derivative taken as 0 at 0).
    Relu,
    /// $z^2$.
    Quad,
    /// $z\\,\Phi(z)$ with the exact Gaussian CDF $\Phi$ (PyTorch's default GELU).
    Gelu,
}

impl Activation {
    /// $\sigma(z)$.
    #[inline]
    pub fn apply<T: Real>(self, z: T) -> T {
        match self {
            Activation::Relu => {
                if z > T::zero() {
                    z
                } else {
                    T::zero()
                }
            }
            Activation::Quad => z * z,
            Activation::Gelu => z * T::of(gaussian_cdf(z.to_f64())),
        }
    }

    /// $\sigma'(z)$.
    #[inline]
    pub fn derivative<T: Real>(self, z: T) -> T {
        match self {
            Activation::Relu => {
                if z > T::zero() {
                    T::one()
                } else {
                    T::zero()
                }
            }
            Activation::Quad => z + z,
            Activation::Gelu => {
                let x = z.to_f64();
                T::of(
                    gaussian_cdf(x)
                        + x * (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt(),
                )
            }
        }
    }
}

/// $\Phi(x)=\tfrac12\bigl(1+\operatorname{erf}(x/\sqrt2)\bigr)$.
fn gaussian_cdf(x: f64) -> f64 {
    0.5 * (1.0 + libm::erf(x / std::f64::consts::SQRT_2))
}

impl FromStr for Activation {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "relu" => Ok(Activation::Relu),
            "quad" | "z2" => Ok(Activation::Quad),
            "gelu" => Ok(Activation::Gelu),
            _ => Err(format!(
                "unknown activation {s:?}; expected relu, quad or gelu"
            )),
        }
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Activation::Relu => "relu",
            Activation::Quad => "quad",
            Activation::Gelu => "gelu",
        })
    }
}

/// Architecture and initialisation of the network.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelConfig {
    /// Hidden width $N\ge1$.
    pub width: usize,
    /// Init scale $\alpha>0$: $\theta_0=\alpha\bar\theta_0$.
    pub alpha: f64,
    /// Output multiplier $\kappa>0$ in $f=\kappa W_2h$.
    pub kappa: f64,
    /// Hidden activation.
    pub activation: Activation,
}

impl ModelConfig {
    /// Checks $N\ge1$ and finite $\alpha,\kappa>0$.
    pub fn validate(&self) -> Result<()> {
        ensure(self.width >= 1, || "width N must be at least 1".into())?;
        ensure(self.alpha.is_finite() && self.alpha > 0.0, || {
            format!(
                "init scale alpha must be finite and > 0, got {}",
                self.alpha
            )
        })?;
        ensure(self.kappa.is_finite() && self.kappa > 0.0, || {
            format!(
                "output multiplier kappa must be finite and > 0, got {}",
                self.kappa
            )
        })
    }
}

/// The trainable weights (and, with the same shapes, their gradients or optimizer moments).
#[derive(Clone, Debug, PartialEq)]
pub struct Params<T: Real> {
    /// $W_1\in\mathbb{R}^{N\times d}$.
    pub w1: DMatrix<T>,
    /// $W_2\in\mathbb{R}^{C\times N}$.
    pub w2: DMatrix<T>,
}

impl<T: Real> Params<T> {
    /// Zeros of the same shapes.
    pub fn zeros_like(&self) -> Self {
        Params {
            w1: DMatrix::zeros(self.w1.nrows(), self.w1.ncols()),
            w2: DMatrix::zeros(self.w2.nrows(), self.w2.ncols()),
        }
    }

    /// Both matrices, in order $W_1, W_2$.
    pub fn matrices(&self) -> [&DMatrix<T>; 2] {
        [&self.w1, &self.w2]
    }

    /// Both matrices, mutably.
    pub fn matrices_mut(&mut self) -> [&mut DMatrix<T>; 2] {
        [&mut self.w1, &mut self.w2]
    }

    /// Frobenius norms $(\\|W_1\\|\_F, \\|W_2\\|\_F, \\|\theta\\|\_2)$ with $\\|\theta\\|\_2^2=\\|W_1\\|\_F^2+\\|W_2\\|\_F^2$.
    pub fn norms(&self) -> (f64, f64, f64) {
        let (n1, n2) = (frobenius(&self.w1), frobenius(&self.w2));
        (n1, n2, n1.hypot(n2))
    }

    /// The same weights in another scalar type.
    pub fn cast<U: Real>(&self) -> Params<U> {
        Params {
            w1: crate::real::cast(&self.w1),
            w2: crate::real::cast(&self.w2),
        }
    }
}

/// The network: its configuration and weights.
#[derive(Clone, Debug)]
pub struct Model<T: Real> {
    /// Architecture.
    pub config: ModelConfig,
    /// Weights.
    pub params: Params<T>,
}

impl<T: Real> Model<T> {
    /// Initialises $\theta_0=\alpha\bar\theta_0$ for `task` from the [`Stream::Init`] stream of `seed`.
    /// Entries are drawn in `f64` ($W_1$ then $W_2$, column-major) and rounded to `T`, so an `f32` and an
    /// `f64` model of the same seed start from the same weights up to rounding.
    pub fn init(task: &Task, config: ModelConfig, seed: u64) -> Result<Self> {
        task.validate()?;
        config.validate()?;
        let mut rng = rng::child(seed, Stream::Init);
        let (n, d, c) = (config.width, task.input_dim(), task.n_classes());
        let mut draw = |rows: usize, cols: usize, fan_in: usize| {
            let scale = config.alpha / (fan_in as f64).sqrt();
            DMatrix::from_fn(rows, cols, |_, _| {
                let g: f64 = StandardNormal.sample(&mut rng);
                T::of(scale * g)
            })
        };
        let w1 = draw(n, d, d);
        let w2 = draw(c, n, n);
        Ok(Model {
            config,
            params: Params { w1, w2 },
        })
    }

    /// Wraps given weights, checking their shapes against `task` and `config`.
    pub fn from_params(task: &Task, config: ModelConfig, params: Params<T>) -> Result<Self> {
        config.validate()?;
        let want = (
            (config.width, task.input_dim()),
            (task.n_classes(), config.width),
        );
        if (params.w1.shape(), params.w2.shape()) != want {
            return Err(crate::Error::Shape(format!(
                "weights have shapes {:?}, {:?}; task and width need {:?}, {:?}",
                params.w1.shape(),
                params.w2.shape(),
                want.0,
                want.1
            )));
        }
        Ok(Model { config, params })
    }

    /// Forward pass: fills `ws.h` and `ws.logits` for `batch` (and `ws.z` for dense inputs).
    pub fn forward(&self, batch: &Batch<T>, ws: &mut Workspace<T>) {
        ws.resize(
            self.config.width,
            self.params.w2.nrows(),
            batch.len(),
            matches!(batch.inputs, BatchInputs::Dense(_)),
        );
        // One arm per activation, each with a closure of constant activation: the match inside
        // `apply` folds away and the element-wise loops are compiled (and vectorized) per activation.
        match self.config.activation {
            Activation::Relu => self.hidden(batch, ws, |z| Activation::Relu.apply(z)),
            Activation::Quad => self.hidden(batch, ws, |z| Activation::Quad.apply(z)),
            Activation::Gelu => self.hidden(batch, ws, |z| Activation::Gelu.apply(z)),
        }
        gemm(
            T::of(self.config.kappa),
            &self.params.w2,
            Op::N,
            &ws.h,
            Op::N,
            T::zero(),
            &mut ws.logits,
        );
    }

    /// $H=\sigma(Z)$ with $\sigma=$ `act`. On pairs $Z$ is gathered column by column and not stored; on
    /// dense inputs $Z=W_1X$ is stored in `ws.z`.
    fn hidden(&self, batch: &Batch<T>, ws: &mut Workspace<T>, act: impl Fn(T) -> T + Sync) {
        let n = self.config.width;
        let w1 = self.params.w1.as_slice();
        match &batch.inputs {
            BatchInputs::Pairs { a, b, p, .. } => {
                ws.h.as_mut_slice()
                    .par_chunks_mut(n)
                    .zip(a.par_iter().zip(b.par_iter()))
                    .with_min_len(MIN_COLUMNS_PER_TASK)
                    .for_each(|(h, (&a, &b))| {
                        let (u, v) = pair_columns(w1, n, *p, a, b);
                        h.iter_mut()
                            .zip(u.iter().zip(v))
                            .for_each(|(h, (&u, &v))| *h = act(u + v));
                    });
            }
            BatchInputs::Dense(x) => {
                gemm(
                    T::one(),
                    &self.params.w1,
                    Op::N,
                    x,
                    Op::N,
                    T::zero(),
                    &mut ws.z,
                );
                ws.z.as_slice()
                    .par_chunks(n)
                    .zip(ws.h.as_mut_slice().par_chunks_mut(n))
                    .with_min_len(MIN_COLUMNS_PER_TASK)
                    .for_each(|(z, h)| h.iter_mut().zip(z).for_each(|(h, &z)| *h = act(z)));
            }
        }
    }

    /// The pre-activations $Z=W_1X$ ($N\times n$) of `batch`.
    pub fn pre_activations(&self, batch: &Batch<T>) -> DMatrix<T> {
        let n = self.config.width;
        let mut z = DMatrix::zeros(n, batch.len());
        match &batch.inputs {
            BatchInputs::Pairs { a, b, p, .. } => {
                for ((z, &a), &b) in z.as_mut_slice().chunks_mut(n).zip(a).zip(b) {
                    let (u, v) = pair_columns(self.params.w1.as_slice(), n, *p, a, b);
                    z.iter_mut()
                        .zip(u.iter().zip(v))
                        .for_each(|(z, (&u, &v))| *z = u + v);
                }
            }
            BatchInputs::Dense(x) => gemm(
                T::one(),
                &self.params.w1,
                Op::N,
                x,
                Op::N,
                T::zero(),
                &mut z,
            ),
        }
        z
    }

    /// Backward pass: given `ws.dlogits` $=\partial L/\partial F$ and the activations of the last
    /// [`forward`](Self::forward) on the same batch, writes $\partial L/\partial\theta$ into `grads`
    /// (overwriting it). Uses `ws.dh` as scratch.
    pub fn backward(&self, batch: &Batch<T>, ws: &mut Workspace<T>, grads: &mut Params<T>) {
        let kappa = T::of(self.config.kappa);
        let n = self.config.width;
        gemm(
            kappa,
            &ws.dlogits,
            Op::N,
            &ws.h,
            Op::T,
            T::zero(),
            &mut grads.w2,
        );
        gemm(
            kappa,
            &self.params.w2,
            Op::T,
            &ws.dlogits,
            Op::N,
            T::zero(),
            &mut ws.dh,
        );
        match self.config.activation {
            Activation::Relu => self.chain_rule(batch, ws, |z| Activation::Relu.derivative(z)),
            Activation::Quad => self.chain_rule(batch, ws, |z| Activation::Quad.derivative(z)),
            Activation::Gelu => self.chain_rule(batch, ws, |z| Activation::Gelu.derivative(z)),
        }
        match &batch.inputs {
            BatchInputs::Pairs { columns, .. } => {
                let dz = ws.dh.as_slice();
                grads
                    .w1
                    .as_mut_slice()
                    .par_chunks_mut(n)
                    .enumerate()
                    .for_each(|(col, g)| {
                        g.fill(T::zero());
                        for &j in columns.samples_of(col) {
                            let src = &dz[j as usize * n..][..n];
                            g.iter_mut().zip(src).for_each(|(g, &s)| *g += s);
                        }
                    });
            }
            BatchInputs::Dense(x) => {
                gemm(T::one(), &ws.dh, Op::N, x, Op::T, T::zero(), &mut grads.w1)
            }
        }
    }

    /// $\partial L/\partial Z=\partial L/\partial H\odot\sigma'(Z)$, in place in `ws.dh`; `derivative` is
    /// $\sigma'$. On pairs $Z$ is gathered again (cheaper than storing and re-reading it).
    fn chain_rule(
        &self,
        batch: &Batch<T>,
        ws: &mut Workspace<T>,
        derivative: impl Fn(T) -> T + Sync,
    ) {
        let n = self.config.width;
        let dh = ws.dh.as_mut_slice().par_chunks_mut(n);
        match &batch.inputs {
            BatchInputs::Pairs { a, b, p, .. } => {
                let w1 = self.params.w1.as_slice();
                dh.zip(a.par_iter().zip(b.par_iter()))
                    .with_min_len(MIN_COLUMNS_PER_TASK)
                    .for_each(|(d, (&a, &b))| {
                        let (u, v) = pair_columns(w1, n, *p, a, b);
                        d.iter_mut()
                            .zip(u.iter().zip(v))
                            .for_each(|(d, (&u, &v))| *d *= derivative(u + v));
                    });
            }
            BatchInputs::Dense(_) => dh
                .zip(ws.z.as_slice().par_chunks(n))
                .with_min_len(MIN_COLUMNS_PER_TASK)
                .for_each(|(d, z)| d.iter_mut().zip(z).for_each(|(d, &z)| *d *= derivative(z))),
        }
    }
}

/// Columns $a$ and $p+b$ of $W_1$ (stored column-major with $N$ rows): $Z_{:j}$ is their sum.
#[inline]
fn pair_columns<T>(w1: &[T], n: usize, p: u32, a: u32, b: u32) -> (&[T], &[T]) {
    (&w1[a as usize * n..][..n], &w1[(p + b) as usize * n..][..n])
}

/// For each column of $W_1$, the samples of a batch that read it (ascending), in CSR form.
/// It turns the scatter-add of the backward pass into independent, deterministic column sums.
#[derive(Clone, Debug, Default)]
pub struct ColumnIndex {
    offsets: Vec<u32>,
    samples: Vec<u32>,
}

impl ColumnIndex {
    /// Index of pairs: sample $j$ reads columns $a_j$ and $p+b_j$ of $W_1$ ($2p$ columns).
    fn of_pairs(a: &[u32], b: &[u32], p: u32) -> Self {
        let cols = 2 * p as usize;
        let column = |j: usize, side: usize| {
            if side == 0 {
                a[j] as usize
            } else {
                (p + b[j]) as usize
            }
        };
        let mut offsets = vec![0u32; cols + 1];
        for j in 0..a.len() {
            for side in 0..2 {
                offsets[column(j, side) + 1] += 1;
            }
        }
        for c in 0..cols {
            offsets[c + 1] += offsets[c];
        }
        let mut fill = offsets.clone();
        let mut samples = vec![0u32; 2 * a.len()];
        for j in 0..a.len() {
            for side in 0..2 {
                let c = column(j, side);
                samples[fill[c] as usize] = j as u32;
                fill[c] += 1;
            }
        }
        ColumnIndex { offsets, samples }
    }

    fn samples_of(&self, col: usize) -> &[u32] {
        &self.samples[self.offsets[col] as usize..self.offsets[col + 1] as usize]
    }
}

/// The inputs of a batch, in the form the first layer consumes.
#[derive(Clone, Debug)]
pub enum BatchInputs<T: Real> {
    /// Residue pairs, with the column index for the backward scatter.
    Pairs {
        a: Vec<u32>,
        b: Vec<u32>,
        p: u32,
        columns: ColumnIndex,
    },
    /// Dense inputs $X\in\\{\pm1\\}^{n_{bits}\times n}$.
    Dense(DMatrix<T>),
}

/// A batch: inputs and labels.
#[derive(Clone, Debug)]
pub struct Batch<T: Real> {
    /// First-layer inputs.
    pub inputs: BatchInputs<T>,
    /// Class labels.
    pub labels: Vec<u32>,
}

impl<T: Real> Batch<T> {
    /// Prepares `examples` for the network.
    pub fn new(examples: &Examples) -> Self {
        let inputs = match &examples.inputs {
            Inputs::Pairs { a, b, p } => BatchInputs::Pairs {
                columns: ColumnIndex::of_pairs(a, b, *p),
                a: a.clone(),
                b: b.clone(),
                p: *p,
            },
            Inputs::Bits { n_bits, codes } => {
                BatchInputs::Dense(DMatrix::from_fn(*n_bits as usize, codes.len(), |i, j| {
                    if codes[j] >> i & 1 == 1 {
                        -T::one()
                    } else {
                        T::one()
                    }
                }))
            }
        };
        Batch {
            inputs,
            labels: examples.labels.clone(),
        }
    }

    /// Number of examples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether the batch is empty.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

/// Activations and their gradients for one batch, reused across steps to avoid allocation.
#[derive(Clone, Debug)]
pub struct Workspace<T: Real> {
    /// Pre-activations $Z=W_1X$ ($N\times n$) for dense inputs; empty for pairs, whose $Z$ is a cheap
    /// gather recomputed where needed (see [`Model::pre_activations`]).
    pub z: DMatrix<T>,
    /// Activations $H=\sigma(Z)$ ($N\times n$).
    pub h: DMatrix<T>,
    /// Logits $F$ ($C\times n$).
    pub logits: DMatrix<T>,
    /// $\partial L/\partial F$ ($C\times n$), written by the loss.
    pub dlogits: DMatrix<T>,
    /// $\partial L/\partial Z$ ($N\times n$), scratch of the backward pass.
    pub dh: DMatrix<T>,
}

impl<T: Real> Default for Workspace<T> {
    fn default() -> Self {
        let e = || DMatrix::zeros(0, 0);
        Workspace {
            z: e(),
            h: e(),
            logits: e(),
            dlogits: e(),
            dh: e(),
        }
    }
}

impl<T: Real> Workspace<T> {
    fn resize(&mut self, width: usize, classes: usize, n: usize, dense: bool) {
        let z_cols = if dense { n } else { 0 };
        for (m, rows, cols) in [
            (&mut self.z, width, z_cols),
            (&mut self.h, width, n),
            (&mut self.dh, width, n),
            (&mut self.logits, classes, n),
            (&mut self.dlogits, classes, n),
        ] {
            if m.shape() != (rows, cols) {
                *m = DMatrix::zeros(rows, cols);
            }
        }
    }
}

/// Forward pass and loss of `model` on `batch`; the loss gradient with respect to the logits is left in
/// `ws.dlogits` when `with_grad` (for [`Model::backward`]).
pub fn forward_loss<T: Real>(
    model: &Model<T>,
    batch: &Batch<T>,
    ws: &mut Workspace<T>,
    kind: LossKind,
    with_grad: bool,
) -> LossStats {
    model.forward(batch, ws);
    let grad = if with_grad {
        Some(&mut ws.dlogits)
    } else {
        None
    };
    loss::evaluate(kind, &ws.logits, &batch.labels, grad)
}

impl Params<f64> {
    /// The flat parameter vector $\theta=(W_1,W_2)$, each matrix column-major.
    pub fn flatten(&self) -> DVector<f64> {
        DVector::from_iterator(
            self.w1.len() + self.w2.len(),
            self.w1.iter().chain(self.w2.iter()).copied(),
        )
    }
}

impl Model<f64> {
    /// The same network with its parameters replaced by the flat vector `v` (the order of
    /// [`Params::flatten`]).
    pub fn with_flat(&self, v: &DVector<f64>) -> Model<f64> {
        let (w1, w2) = (&self.params.w1, &self.params.w2);
        let k = w1.len();
        Model {
            params: Params {
                w1: DMatrix::from_column_slice(w1.nrows(), w1.ncols(), &v.as_slice()[..k]),
                w2: DMatrix::from_column_slice(w2.nrows(), w2.ncols(), &v.as_slice()[k..]),
            },
            ..self.clone()
        }
    }
}

/// The L2-regularized objective $F_\lambda(\theta)=\mathcal L(\theta)+\frac\lambda2\\|\theta\\|^2$ of `model` on
/// `batch` (cross-entropy) and its gradient $\nabla\mathcal L+\lambda\theta$, flat ([`Params::flatten`]).
pub fn objective_and_gradient(
    model: &Model<f64>,
    batch: &Batch<f64>,
    lambda: f64,
) -> (f64, DVector<f64>) {
    let mut ws = Workspace::default();
    let stats = forward_loss(model, batch, &mut ws, LossKind::CrossEntropy, true);
    let mut grads = model.params.zeros_like();
    model.backward(batch, &mut ws, &mut grads);
    let theta = model.params.flatten();
    let f = stats.loss + 0.5 * lambda * theta.norm_squared();
    (f, grads.flatten() + theta * lambda)
}
