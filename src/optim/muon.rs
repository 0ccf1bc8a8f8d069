//! Muon (K. Jordan et al., "Muon: an optimizer for hidden layers in neural networks", 2024), as the brief
//! states it: with momentum buffer $B_0=0$,
//! $$B\leftarrow\mu B+G,\qquad U=\begin{cases}G+\mu B&\text{Nesterov}\\\\B&\text{otherwise}\end{cases},\qquad
//! W\leftarrow(1-\eta\lambda)W-\eta\\,s\\,O(U),\quad s=\sqrt{\max(1,m/n)}$$
//! for $W\in\mathbb{R}^{m\times n}$. PyTorch's `torch.optim.Muon` keeps $B'=(1-\mu)B$ (a `lerp`) and uses
//! $U'=(1-\mu)U$; since $O$ is invariant to positive scaling of $U$ (up to the $\epsilon$ below),
//! both give the same updates.
//!
//! $O$ is one of:
//! * [`Orthogonalizer::NewtonSchulz`] — what is really computed in practice: $X_0=U/(\\|U\\|\_F+\epsilon)$,
//!   $\epsilon=10^{-7}$, then $k$ (default 5) iterations of the quintic
//!   $X\leftarrow aX+(bA+cA^2)X$, $A=XX^\top$, $(a,b,c)=(3.4445,-4.7750,2.0315)$, on the wide
//!   orientation ($X$ transposed when $m>n$). Each iteration maps every singular value $\sigma$ of $X$ to
//!   $\phi(\sigma)=a\sigma+b\sigma^3+c\sigma^5$ and keeps the singular vectors, so
//!   $O=U_U\\,\phi^{\circ k}(\Sigma/\\|U\\|\_F)\\,V_U^\top$: *not* $U_UV_U^\top$; its singular values lie in a
//!   band around 1 (about $[0.68, 1.13]$ for inputs with $\sigma/\\|U\\|\_F\ge10^{-2}$).
//! * [`Orthogonalizer::ExactPolar`] — the ideal $O=\sum_{\sigma_i>\tau}u_iv_i^\top$ from a thin SVD, with
//!   $\tau=\max(m,n)\\,\varepsilon_{mach}\\,\sigma_{max}$ (the polar factor restricted to the numerical range).

use crate::real::{frobenius, gemm, Op, Real};
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

/// Coefficients $(a,b,c)$ of the Newton–Schulz quintic $\phi(s)=as+bs^3+cs^5$.
pub const NS_COEFFICIENTS: (f64, f64, f64) = (3.4445, -4.7750, 2.0315);
/// Most Newton–Schulz iterations accepted (the quintic's band is reached in about 5; more only costs).
pub const MAX_NS_STEPS: usize = 100;
/// $\epsilon$ in the Frobenius normalisation $U/(\\|U\\|\_F+\epsilon)$.
pub const NS_EPS: f64 = 1e-7;

/// How the update direction is orthogonalised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Orthogonalizer {
    /// Quintic Newton–Schulz iterations after Frobenius normalisation.
    NewtonSchulz,
    /// Exact polar factor via SVD.
    ExactPolar,
}

/// Muon hyperparameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MuonConfig {
    /// Learning rate $\eta$.
    pub lr: f64,
    /// Momentum $\mu\in[0,1)$.
    pub momentum: f64,
    /// Nesterov momentum.
    pub nesterov: bool,
    /// Decoupled weight decay $\lambda$.
    pub weight_decay: f64,
    /// Newton–Schulz iterations $k\ge1$ (ignored by the exact polar variant).
    pub ns_steps: usize,
    /// Newton–Schulz or exact polar.
    pub orthogonalizer: Orthogonalizer,
}

/// The momentum buffer $B$ is the state.
pub use super::MomentumBuffer as State;

/// The shape factor $s=\sqrt{\max(1,m/n)}$ of an $m\times n$ weight.
pub fn shape_factor(rows: usize, cols: usize) -> f64 {
    (rows as f64 / cols as f64).max(1.0).sqrt()
}

/// $\phi(s)=as+bs^3+cs^5$, the Newton–Schulz quintic acting on one singular value.
pub fn quintic(s: f64) -> f64 {
    let (a, b, c) = NS_COEFFICIENTS;
    let s2 = s * s;
    s * (a + s2 * (b + c * s2))
}

/// $k$ quintic Newton–Schulz iterations on $U/(\\|U\\|\_F+\epsilon)$ (see the module docs).
pub fn newton_schulz<T: Real>(u: &DMatrix<T>, steps: usize) -> DMatrix<T> {
    let (a, b, c) = NS_COEFFICIENTS;
    let (a, b, c) = (T::of(a), T::of(b), T::of(c));
    let tall = u.nrows() > u.ncols();
    let mut x = if tall { u.transpose() } else { u.clone() };
    x /= T::of(frobenius(u) + NS_EPS);
    let m = x.nrows();
    let mut gram = DMatrix::zeros(m, m);
    let mut poly = DMatrix::zeros(m, m);
    let mut next = x.clone();
    for _ in 0..steps {
        gemm(T::one(), &x, Op::N, &x, Op::T, T::zero(), &mut gram);
        poly.copy_from(&gram);
        gemm(c, &gram, Op::N, &gram, Op::N, b, &mut poly);
        next.copy_from(&x);
        gemm(T::one(), &poly, Op::N, &x, Op::N, a, &mut next);
        std::mem::swap(&mut x, &mut next);
    }
    if tall {
        x.transpose()
    } else {
        x
    }
}

/// The polar factor $\sum_{\sigma_i>\tau}u_iv_i^\top$ of `u` (see the module docs); zero for a zero matrix.
pub fn exact_polar<T: Real>(u: &DMatrix<T>) -> DMatrix<T> {
    let (m, n) = u.shape();
    let svd = u.clone().svd(true, true);
    let (Some(left), Some(right_t)) = (svd.u, svd.v_t) else {
        unreachable!("both singular-vector sets were requested")
    };
    let sigma = &svd.singular_values;
    let tau = sigma.iter().fold(T::zero(), |a, &b| a.max(b))
        * T::of(m.max(n) as f64)
        * T::default_epsilon();
    let mut out = DMatrix::zeros(m, n);
    for (i, &s) in sigma.iter().enumerate() {
        if s > tau {
            out += left.column(i) * right_t.row(i);
        }
    }
    out
}

/// Largest $\\|X_0^\top X_0-I\\|\_F$ (short side, $X_0=W\sqrt k/\\|W\\|\_F$) at which [`polar_factor`] iterates: it
/// bounds every $|\sigma_i^2-1|$, so every $\sigma_i\in(0.70,1.23)$, inside the iteration's basin $(0,\sqrt3)$.
pub const POLAR_ITERATION_RADIUS: f64 = 0.5;
/// Most iterations of [`polar_factor`] before it falls back on [`exact_polar`] (from the radius,
/// $e=|1-\sigma|\le0.3$ falls as $e\mapsto\tfrac32e^2$ and reaches round-off in about 6).
pub const MAX_POLAR_ITERATIONS: usize = 12;

/// The polar factor $UV^\top$ of a full-rank `w` whose singular values are close to one another (a weight
/// matrix kept near the scaled Stiefel manifold), by the quadratically convergent Newton–Schulz
/// iteration $X\leftarrow\tfrac12X(3I-X^\top X)$ from $X_0=W\sqrt k/\\|W\\|\_F$ ($k$ the short side; on the
/// wide orientation $X\leftarrow\tfrac12(3I-XX^\top)X$), which keeps the singular vectors and maps each
/// singular value by $\sigma\mapsto\tfrac12\sigma(3-\sigma^2)$, so $e=1-\sigma$ becomes
/// $\tfrac32e^2-\tfrac12e^3$. Once the defect $\\|X^\top X-I\\|\_F\ge\max_i|\sigma_i^2-1|$ is at most
/// $\sqrt{\varepsilon_{mach}}$, every $|e_i|\le\sqrt{\varepsilon_{mach}}$ and one more iteration brings it to
/// $\tfrac32\varepsilon_{mach}$: round-off. Two small products per iteration instead of an SVD (a held
/// network's step in T4 spent most of its time in the SVD). Where $X_0$'s defect is not below
/// [`POLAR_ITERATION_RADIUS`] or the iteration has not converged within [`MAX_POLAR_ITERATIONS`], the
/// result is [`exact_polar`]'s. Equal to [`exact_polar`] to round-off on full-rank input.
pub fn polar_factor<T: Real>(w: &DMatrix<T>) -> DMatrix<T> {
    let tall = w.nrows() >= w.ncols();
    let k = w.nrows().min(w.ncols());
    let norm = frobenius(w);
    if k == 0 || norm == 0.0 || !norm.is_finite() {
        return exact_polar(w);
    }
    // The Gram matrix on the short side: XᵀX for tall X, XXᵀ for wide X.
    let (gram_a, gram_b) = if tall { (Op::T, Op::N) } else { (Op::N, Op::T) };
    let mut x = w * T::of((k as f64).sqrt() / norm);
    let mut gram = DMatrix::zeros(k, k);
    let mut next = x.clone();
    let converged = T::default_epsilon().to_f64().sqrt();
    for _ in 0..MAX_POLAR_ITERATIONS {
        gemm(T::one(), &x, gram_a, &x, gram_b, T::zero(), &mut gram);
        for i in 0..k {
            gram[(i, i)] -= T::one();
        }
        let defect = frobenius(&gram);
        if defect.is_nan() || defect >= POLAR_ITERATION_RADIUS {
            break;
        }
        // X(3I − XᵀX)/2 = X − X(XᵀX − I)/2, with `gram` holding XᵀX − I.
        next.copy_from(&x);
        if tall {
            gemm(T::of(-0.5), &x, Op::N, &gram, Op::N, T::one(), &mut next);
        } else {
            gemm(T::of(-0.5), &gram, Op::N, &x, Op::N, T::one(), &mut next);
        }
        std::mem::swap(&mut x, &mut next);
        if defect <= converged {
            return x;
        }
    }
    exact_polar(w)
}

/// One Muon update of `w` with gradient `g`.
pub fn step<T: Real>(c: &MuonConfig, w: &mut DMatrix<T>, g: &DMatrix<T>, s: &mut State<T>) {
    let mu = T::of(c.momentum);
    s.buffer.zip_apply(g, |b, g| *b = mu * *b + g);
    let direction = if c.nesterov {
        g.zip_map(&s.buffer, |g, b| g + mu * b)
    } else {
        s.buffer.clone()
    };
    let o = match c.orthogonalizer {
        Orthogonalizer::NewtonSchulz => newton_schulz(&direction, c.ns_steps),
        Orthogonalizer::ExactPolar => exact_polar(&direction),
    };
    let decay = T::of(1.0 - c.lr * c.weight_decay);
    let scale = T::of(c.lr * shape_factor(w.nrows(), w.ncols()));
    w.zip_apply(&o, |w, o| *w = decay * *w - scale * o);
}

/// Newton–Schulz iterations of the implementation (the default of [`MuonConfig`]).
pub const NS_STEPS: usize = 5;

/// $x^\*=\arg\max_{\[0,1\]}\phi$: $x^{\*2}=\frac{-3b-\sqrt{9b^2-20ac}}{10c}$.
pub fn quintic_argmax() -> f64 {
    let (a, b, c) = NS_COEFFICIENTS;
    ((-3.0 * b - (9.0 * b * b - 20.0 * a * c).sqrt()) / (10.0 * c)).sqrt()
}

/// $c_{NS}=\phi(x^\*)\approx1.2024$.
pub fn c_ns() -> f64 {
    quintic(quintic_argmax())
}

/// $\phi^{\circ k}(x)$.
pub fn iterate(x: f64, k: usize) -> f64 {
    (0..k).fold(x, |x, _| quintic(x))
}

/// $\sup_{(0,1]}\phi^{\circ k}$ on a log-spaced grid of `points` from $10^{-12}$ to 1 (a lower estimate).
pub fn grid_sup(k: usize, points: usize) -> f64 {
    (0..=points)
        .map(|i| 10f64.powf(-12.0 + 12.0 * i as f64 / points as f64))
        .map(|x| iterate(x, k))
        .fold(0.0, f64::max)
}

/// $\min$ and $\max$ of $\phi^{\circ k}$ on $[x_{lo},1]$, on a grid of `points`.
pub fn range_above(k: usize, x_lo: f64, points: usize) -> (f64, f64) {
    (0..=points)
        .map(|i| x_lo + (1.0 - x_lo) * i as f64 / points as f64)
        .map(|x| iterate(x, k))
        .fold((f64::INFINITY, 0.0), |(lo, hi), y| (lo.min(y), hi.max(y)))
}
