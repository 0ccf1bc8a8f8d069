//! Fourier analysis on $\mathbb{Z}\_p$ (and $\mathbb{Z}\_p^2$, $\mathbb{Z}\_p^3$) with rustfft.
//!
//! **Convention** (rustfft's forward transform, unnormalized): for $x:\mathbb{Z}\_p\to\mathbb{C}$,
//! $$\hat x(k)=\sum_{a=0}^{p-1}x(a)\\,e^{-2\pi i ka/p},\qquad k=0,\dots,p-1,$$
//! in that order (so $k$ and $p-k$ are the frequencies $\pm k$); Parseval reads
//! $\sum_a|x(a)|^2=\frac1p\sum_k|\hat x(k)|^2$. The $d$-dimensional transform applies this along every
//! axis of a row-major array (last index fastest).
//!
//! **Real basis and energy.** For real $x$ the orthonormal real Fourier basis of $\mathbb{R}^p$ is
//! $1/\sqrt p$, $\sqrt{2/p}\cos(2\pi ka/p)$, $\sqrt{2/p}\sin(2\pi ka/p)$ for $k=1,\dots,\lfloor (p-1)/2\rfloor$,
//! and for even $p$ also $(-1)^a/\sqrt p$ ([`real_basis`]). The *energy at frequency $k$*,
//! $E_k=\\|\text{projection of }x\text{ on frequency }k\\|^2$, is $E_0=|\hat x(0)|^2/p$,
//! $E_k=(|\hat x(k)|^2+|\hat x(p-k)|^2)/p$ for $0<k<p/2$ and $E_{p/2}=|\hat x(p/2)|^2/p$; they sum to
//! $\\|x\\|^2$ ([`Fourier::energy`], indexed $k=0,\dots,\lfloor p/2\rfloor$).
//!
//! The slow $O(n^2)$ transforms [`naive_dft`] and [`naive_dft_nd`] are kept as test oracles.

use num_complex::Complex;
use rustfft::{Fft, FftPlanner};
use std::collections::HashMap;
use std::f64::consts::PI;
use std::sync::Arc;

/// A complex number in `f64`.
pub type C64 = Complex<f64>;

/// FFTs of every length used so far, planned once (one rustfft planner, one plan per length).
pub struct Fourier {
    planner: FftPlanner<f64>,
    plans: HashMap<usize, Arc<dyn Fft<f64>>>,
}

impl Default for Fourier {
    fn default() -> Self {
        Fourier {
            planner: FftPlanner::new(),
            plans: HashMap::new(),
        }
    }
}

impl Fourier {
    /// A fresh planner.
    pub fn new() -> Self {
        Self::default()
    }

    fn plan(&mut self, len: usize) -> Arc<dyn Fft<f64>> {
        let planner = &mut self.planner;
        self.plans
            .entry(len)
            .or_insert_with(|| planner.plan_fft_forward(len))
            .clone()
    }

    /// $\hat x$ of a real signal.
    pub fn dft(&mut self, x: &[f64]) -> Vec<C64> {
        let mut buf: Vec<C64> = x.iter().map(|&v| C64::new(v, 0.0)).collect();
        self.dft_nd(&mut buf, &[x.len()]);
        buf
    }

    /// In-place $d$-dimensional DFT of a row-major array with shape `dims` (product = `data.len()`).
    pub fn dft_nd(&mut self, data: &mut [C64], dims: &[usize]) {
        assert_eq!(
            dims.iter().product::<usize>(),
            data.len(),
            "dims must match the data"
        );
        let mut scratch = Vec::new();
        for (axis, &len) in dims.iter().enumerate() {
            if len <= 1 {
                continue;
            }
            let fft = self.plan(len);
            let stride: usize = dims[axis + 1..].iter().product();
            if stride == 1 {
                fft.process(data);
                continue;
            }
            // Gather each line along `axis` (start, start + stride, …), transform, scatter back.
            scratch.resize(len, C64::default());
            let block = len * stride;
            for outer in (0..data.len()).step_by(block) {
                for inner in 0..stride {
                    let start = outer + inner;
                    for (i, s) in scratch.iter_mut().enumerate() {
                        *s = data[start + i * stride];
                    }
                    fft.process(&mut scratch);
                    for (i, s) in scratch.iter().enumerate() {
                        data[start + i * stride] = *s;
                    }
                }
            }
        }
    }

    /// Projection of a real signal $x$ on $\mathbb{Z}\_p$ onto the frequencies $k\in\\{0,\dots,\lfloor p/2\rfloor\\}$
    /// with `keep(k)`: $\frac1p\sum_{k:\\,\text{kept}}\hat x(k)e^{2\pi ika/p}$ summed over both $\pm k$ (an
    /// orthogonal projection; its squared norm is $\sum_{\text{kept}}E_k$).
    pub fn band_pass(&mut self, x: &[f64], keep: impl Fn(usize) -> bool) -> Vec<f64> {
        let p = x.len();
        let mut xh = self.dft(x);
        for (k, v) in xh.iter_mut().enumerate() {
            if !keep(k.min(p - k)) {
                *v = C64::default();
            }
        }
        // Inverse DFT by conjugation: x = conj(DFT(conj(x̂))) / p.
        xh.iter_mut().for_each(|v| *v = v.conj());
        self.dft_nd(&mut xh, &[p]);
        xh.iter().map(|v| v.re / p as f64).collect()
    }

    /// Energy $E_k$ of a real signal on $\mathbb{Z}\_p$ at each frequency $k=0,\dots,\lfloor p/2\rfloor$
    /// (see the module docs); $\sum_kE_k=\\|x\\|^2$.
    pub fn energy(&mut self, x: &[f64]) -> Vec<f64> {
        energy_of_dft(&self.dft(x))
    }
}

/// Energies $E_k$, $k=0..\lfloor p/2\rfloor$, from the DFT $\hat x$ of a real signal of length $p$.
pub fn energy_of_dft(xh: &[C64]) -> Vec<f64> {
    let p = xh.len();
    (0..=p / 2)
        .map(|k| {
            let e = xh[k].norm_sqr()
                + if k != 0 && 2 * k != p {
                    xh[p - k].norm_sqr()
                } else {
                    0.0
                };
            e / p as f64
        })
        .collect()
}

/// The $O(p^2)$ DFT, straight from the definition (test oracle).
pub fn naive_dft(x: &[C64]) -> Vec<C64> {
    naive_dft_nd(x, &[x.len()])
}

/// The $O(n^2)$ $d$-dimensional DFT of a row-major array, straight from the definition (test oracle).
pub fn naive_dft_nd(x: &[C64], dims: &[usize]) -> Vec<C64> {
    let index = |mut flat: usize| -> Vec<usize> {
        let mut idx = vec![0; dims.len()];
        for (d, &len) in dims.iter().enumerate().rev() {
            idx[d] = flat % len;
            flat /= len;
        }
        idx
    };
    (0..x.len())
        .map(|kf| {
            let k = index(kf);
            x.iter().enumerate().fold(C64::default(), |acc, (af, &v)| {
                let a = index(af);
                let phase: f64 = k
                    .iter()
                    .zip(&a)
                    .zip(dims)
                    .map(|((&k, &a), &n)| ((k * a) % n) as f64 / n as f64)
                    .sum();
                acc + v * C64::from_polar(1.0, -2.0 * PI * phase)
            })
        })
        .collect()
}

/// The orthonormal real Fourier basis of $\mathbb{R}^p$ as the columns of a $p\times p$ matrix, in the
/// order constant, $(\cos_k,\sin_k)$ for $k=1,\dots,\lfloor(p-1)/2\rfloor$, then $(-1)^a$ for even $p$.
pub fn real_basis(p: usize) -> nalgebra::DMatrix<f64> {
    let mut cols: Vec<Vec<f64>> = vec![vec![1.0 / (p as f64).sqrt(); p]];
    let s = (2.0 / p as f64).sqrt();
    for k in 1..=(p - 1) / 2 {
        let w = 2.0 * PI * k as f64 / p as f64;
        cols.push((0..p).map(|a| s * (w * a as f64).cos()).collect());
        cols.push((0..p).map(|a| s * (w * a as f64).sin()).collect());
    }
    if p % 2 == 0 {
        cols.push(
            (0..p)
                .map(|a| if a % 2 == 0 { 1.0 } else { -1.0 } / (p as f64).sqrt())
                .collect(),
        );
    }
    nalgebra::DMatrix::from_fn(p, p, |a, j| cols[j][a])
}

/// The frequency of column `j` of [`real_basis`]`(p)`.
pub fn basis_frequency(j: usize, p: usize) -> usize {
    if j == 0 {
        0
    } else if p % 2 == 0 && j == p - 1 {
        p / 2
    } else {
        j.div_ceil(2)
    }
}
