//! Kernels of the two-layer network on $\mathbb{Z}\_p^2$: the one-hot family $K(x,x')=k_0+k_1m+k_2[m=2]$,
//! $m=[a=a']+[b=b']$ (every kernel of the one-hot inputs that depends on them only through $m$, e.g. the
//! infinite-width NTK), and the network's own class-summed tangent kernel
//! $K(x,x')=\sum_c\nabla_\theta f_c(x)\cdot\nabla_\theta f_c(x')$ at its current weights: with
//! $f=\kappa W_2\sigma(W_1x)$, $h=\sigma(W_1x)$, $s=\sigma'(W_1x)$ and $C$ classes,
//! $K(x,x')=\kappa^2\bigl(C\\,h\cdot h'+(x\cdot x')\sum_j\\|W_{2,:j}\\|^2s_js'\_j\bigr)$, $x\cdot x'=m$ for one-hot pairs.

use crate::model::{Batch, Model};
use nalgebra::DMatrix;

/// $K=k_0+k_1m+k_2[m=2]$, $m=[a=a']+[b=b']$.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OneHotKernel {
    /// Constant part $k_0\ge0$.
    pub k0: f64,
    /// Weight $k_1>0$ of shared coordinates.
    pub k1: f64,
    /// Extra weight $k_2\ge0$ of identical pairs.
    pub k2: f64,
}

impl OneHotKernel {
    /// $K(x,x')$.
    pub fn value(&self, x: (u32, u32), y: (u32, u32)) -> f64 {
        let m = u32::from(x.0 == y.0) + u32::from(x.1 == y.1);
        self.k0 + self.k1 * f64::from(m) + if m == 2 { self.k2 } else { 0.0 }
    }
}

/// The class-summed tangent kernel of `model` on the pairs of `batch` (module docs), $n\times n$.
pub fn tangent_kernel(
    model: &Model<f64>,
    batch: &Batch<f64>,
    pairs: &[(u32, u32)],
) -> DMatrix<f64> {
    tangent_kernel_between(model, (batch, pairs), (batch, pairs))
}

/// The class-summed tangent kernel between the pairs of two batches: rows from `a`, columns from `b`.
pub fn tangent_kernel_between(
    model: &Model<f64>,
    a: (&Batch<f64>, &[(u32, u32)]),
    b: (&Batch<f64>, &[(u32, u32)]),
) -> DMatrix<f64> {
    let act = model.config.activation;
    let features = |batch: &Batch<f64>| {
        let z = model.pre_activations(batch);
        (z.map(|v| act.apply(v)), z.map(|v| act.derivative(v)))
    };
    let ((ha, sa), (hb, sb)) = (features(a.0), features(b.0));
    let w2 = &model.params.w2;
    let weights: Vec<f64> = (0..w2.ncols())
        .map(|j| w2.column(j).norm_squared())
        .collect();
    let sw = DMatrix::from_fn(sa.nrows(), sa.ncols(), |j, i| sa[(j, i)] * weights[j]);
    let kappa2 = model.config.kappa * model.config.kappa;
    let classes = w2.nrows() as f64;
    let first = ha.transpose() * &hb * classes;
    let second = sw.transpose() * &sb;
    DMatrix::from_fn(a.1.len(), b.1.len(), |i, k| {
        let shared = f64::from(u8::from(a.1[i].0 == b.1[k].0) + u8::from(a.1[i].1 == b.1[k].1));
        kappa2 * (first[(i, k)] + second[(i, k)] * shared)
    })
}
