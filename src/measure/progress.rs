//! Fourier progress measures of the first layer on $\mathbb{Z}\_p$ tasks.
//!
//! Neuron $i$ reads $z_i(a,b)=U_i(a)+V_i(b)$ with $U_i=W_1[i,0..p]$ and $V_i=W_1[i,p..2p]$. Its
//! *embedding energy at frequency $k$* is $E_{ik}=E_k(U_i)+E_k(V_i)$ (energies as in
//! [`fourier`](super::fourier), $k=0,\dots,\lfloor p/2\rfloor$), so $\sum_kE_{ik}=\\|U_i\\|^2+\\|V_i\\|^2$.
//!
//! * **Dominant frequency** of neuron $i$: $k_i=\arg\max_{k\ge1}E_{ik}$ (the smallest on ties).
//! * **Per-neuron concentration**: $c_i=E_{ik_i}/\sum_kE_{ik}$, the fraction of the neuron's whole energy
//!   (constant included) at its dominant frequency; the order parameter is the median over neurons.
//!   For i.i.d. Gaussian weights it is about $0.1$ at $p=97$; a neuron that is a pure sinusoid in $a$ and
//!   in $b$ at one frequency has $c_i=1$.
//! * **Key frequencies**: the distinct dominant frequencies, ranked by how many neurons have them (then by
//!   frequency). This is the rule for MLPs, whose neurons each pick one frequency but together use many;
//!   a network with a few key frequencies (a transformer, or a $z^2$ net) shows few distinct ones.
//! * **Spectrum of the layer**: $S_k=\sum_iE_{ik}$, its inverse participation ratio over $k\ge1$,
//!   $\mathrm{IPR}=\sum_{k\ge1}S_k^2/(\sum_{k\ge1}S_k)^2\in[1/\lfloor p/2\rfloor,1]$, and the fraction of the
//!   non-constant energy in the 8 largest $S_k$.

use super::fourier::{Fourier, C64};
use crate::model::{Batch, Model, Workspace};
use crate::real::Real;
use crate::task::{Operation, Task};
use nalgebra::DMatrix;

/// The embedding energies $E_{ik}$ of a first layer on $\mathbb{Z}\_p$.
#[derive(Clone, Debug)]
pub struct EmbeddingSpectrum {
    /// $E_{ik}$: one row per neuron, columns $k=0,\dots,\lfloor p/2\rfloor$.
    pub energy: DMatrix<f64>,
}

impl EmbeddingSpectrum {
    /// The spectrum of $W_1\in\mathbb{R}^{N\times2p}$ (columns $0..p$ are $U$, $p..2p$ are $V$).
    ///
    /// Panics if `w1` does not have $2p$ columns (a caller's bug: the model's shapes are checked).
    pub fn of<T: Real>(w1: &DMatrix<T>, p: usize, fourier: &mut Fourier) -> Self {
        assert_eq!(w1.ncols(), 2 * p, "W1 must have 2p columns");
        let bins = p / 2 + 1;
        let mut energy = DMatrix::zeros(w1.nrows(), bins);
        for i in 0..w1.nrows() {
            let row: Vec<f64> = w1.row(i).iter().map(|x| x.to_f64()).collect();
            let (u, v) = row.split_at(p);
            for (k, (eu, ev)) in fourier
                .energy(u)
                .into_iter()
                .zip(fourier.energy(v))
                .enumerate()
            {
                energy[(i, k)] = eu + ev;
            }
        }
        EmbeddingSpectrum { energy }
    }

    /// Dominant frequency $k_i\ge1$ of neuron `i`.
    pub fn dominant_frequency(&self, i: usize) -> usize {
        let row = self.energy.row(i);
        (1..row.len()).fold(1, |best, k| if row[k] > row[best] { k } else { best })
    }

    /// Concentration $c_i$ of neuron `i` (0 for a neuron with no energy).
    pub fn concentration(&self, i: usize) -> f64 {
        let total = self.energy.row(i).sum();
        if total > 0.0 {
            self.energy[(i, self.dominant_frequency(i))] / total
        } else {
            0.0
        }
    }

    /// Median of $c_i$ over neurons.
    pub fn median_concentration(&self) -> f64 {
        let mut c: Vec<f64> = (0..self.energy.nrows())
            .map(|i| self.concentration(i))
            .collect();
        crate::stats::median(&mut c).unwrap_or(0.0)
    }

    /// Distinct dominant frequencies with their neuron counts, most common first (ties: lower frequency).
    pub fn key_frequencies(&self) -> Vec<(usize, usize)> {
        let mut counts = vec![0usize; self.energy.ncols()];
        for i in 0..self.energy.nrows() {
            counts[self.dominant_frequency(i)] += 1;
        }
        let mut keys: Vec<(usize, usize)> = counts
            .into_iter()
            .enumerate()
            .filter(|&(_, n)| n > 0)
            .collect();
        keys.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        keys
    }

    /// $S_k=\sum_iE_{ik}$, $k=0,\dots,\lfloor p/2\rfloor$.
    pub fn layer_spectrum(&self) -> Vec<f64> {
        self.energy.row_sum().iter().copied().collect()
    }

    /// Inverse participation ratio of $S_k$ over $k\ge1$ (0 for a layer without non-constant energy).
    pub fn ipr(&self) -> f64 {
        let s = &self.layer_spectrum()[1..];
        let total: f64 = s.iter().sum();
        if total > 0.0 {
            s.iter().map(|e| e * e).sum::<f64>() / (total * total)
        } else {
            0.0
        }
    }

    /// Fraction of $\sum_{k\ge1}S_k$ carried by the `m` largest $S_k$, $k\ge1$.
    pub fn top_energy_fraction(&self, m: usize) -> f64 {
        let mut s = self.layer_spectrum()[1..].to_vec();
        let total: f64 = s.iter().sum();
        s.sort_by(|a, b| b.total_cmp(a));
        if total > 0.0 {
            s.iter().take(m).sum::<f64>() / total
        } else {
            0.0
        }
    }
}

/// The Fourier concentration of the leading singular directions of a first-layer-shaped matrix
/// $M\in\mathbb{R}^{N\times2p}$ (the weights $W_1$ or their gradient): with $M=\sum_i\sigma_iu_iv_i^\top$,
/// $\sigma_1\ge\sigma_2\ge\dots$, the concentration $c$ of [`EmbeddingSpectrum`] of each input-side vector
/// $v_i\in\mathbb{R}^{2p}$, $i=1..\min(k,\operatorname{rank})$, read as a neuron's weights (its $a$ half and its
/// $b$ half). A direction that is one frequency in $a$ and in $b$ has $c=1$; a random one about $0.07$ at $p=97$.
///
/// Panics if `m` does not have $2p$ columns (a caller's bug).
pub fn singular_direction_concentrations(m: &DMatrix<f64>, p: usize, k: usize) -> Vec<f64> {
    let svd = m.clone().svd(false, true);
    let v_t = svd.v_t.expect("requested");
    let mut order: Vec<usize> = (0..svd.singular_values.len()).collect();
    order.sort_by(|&i, &j| svd.singular_values[j].total_cmp(&svd.singular_values[i]));
    let rows: Vec<usize> = order.into_iter().take(k).collect();
    let directions = DMatrix::from_fn(rows.len(), m.ncols(), |r, c| v_t[(rows[r], c)]);
    let spectrum = EmbeddingSpectrum::of(&directions, p, &mut Fourier::new());
    (0..rows.len()).map(|i| spectrum.concentration(i)).collect()
}

/// Fraction of the logits' energy on the diagonal of their 3-D Fourier spectrum, for a network on a
/// $\mathbb{Z}\_p$ task defined on all $p^2$ pairs (`None` for ÷ and for sparse parity).
///
/// With $F_{abc}$ the logit of class $c$ at $(a,b)$, remove the softmax-invariant part (the mean over
/// $c$ of each $F_{ab\cdot}$), take the 3-D DFT $\hat F(k_1,k_2,k_3)$ and return
/// $\sum_{k\ne0}|\hat F(k,k,-k)|^2/\sum|\hat F|^2$: the share of the logits of the form
/// $\sum_k g_k\cos(2\pi k(a+b-c)/p+\varphi_k)$, the algorithm of addition. It is 1 for the exact Fourier
/// solution of [`crate::analytic`] and about $1/p^2$ for random logits.
pub fn diagonal_logit_energy<T: Real>(
    model: &Model<T>,
    task: &Task,
    fourier: &mut Fourier,
) -> Option<f64> {
    let Task::Modular { op, p } = *task else {
        return None;
    };
    if op == Operation::Div {
        return None;
    }
    let p = p as usize;
    let examples = task.all_examples().ok()?;
    let batch = Batch::new(&examples);
    let mut ws = Workspace::default();
    model.forward(&batch, &mut ws);
    // all_examples lists pairs with a outer and b inner: column j = a·p + b; tensor index (a·p + b)·p + c.
    let mut tensor: Vec<C64> = Vec::with_capacity(p * p * p);
    for column in ws.logits.column_iter() {
        let mean = column.iter().map(|x| x.to_f64()).sum::<f64>() / p as f64;
        tensor.extend(column.iter().map(|x| C64::new(x.to_f64() - mean, 0.0)));
    }
    fourier.dft_nd(&mut tensor, &[p, p, p]);
    let total: f64 = tensor.iter().map(|v| v.norm_sqr()).sum();
    let diagonal: f64 = (1..p)
        .map(|k| tensor[(k * p + k) * p + (p - k)].norm_sqr())
        .sum();
    (total > 0.0).then(|| diagonal / total)
}
