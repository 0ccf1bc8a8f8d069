//! The 2-D Fourier spectrum of each neuron's activation over the $(a,b)$ grid.
//!
//! Neuron $i$ computes $h_i(a,b)=\sigma(U_i(a)+V_i(b))$ on $\mathbb{Z}\_p^2$. With $\hat h_i(k_1,k_2)$ its 2-D
//! DFT ([`fourier`](super::fourier) convention), $E_i(k_1,k_2)=|\hat h_i(k_1,k_2)|^2/p^2$ sums to
//! $\sum_{a,b}h_i^2$. For a frequency $k\ge1$ let the *first-harmonic family*
//! $\mathcal F(k)=\\{0,k,-k\\}^2\setminus\\{(0,0)\\}$ (8 modes: $\cos/\sin$ of $ka$, $kb$, $k(a+b)$, $k(a-b)$).
//!
//! * **Activation frequency** of neuron $i$: $\kappa_i=\arg\max_{k\ge1}\sum_{\mathcal F(k)}E_i$.
//! * **First-harmonic fraction**: $\sum_{\mathcal F(\kappa_i)}E_i$ over the non-constant energy
//!   $\sum_{(k_1,k_2)\ne(0,0)}E_i$. A neuron $\sigma(\cos(ka+\phi)+\cos(kb+\psi))$ keeps all its energy on
//!   the multiples of $k$; the first harmonics carry most of it. For $\sigma(z)=z^2$,
//!   $(\cos A+\cos B)^2=1+\tfrac12\cos2A+\tfrac12\cos2B+\cos(A+B)+\cos(A-B)$ gives exactly $4/5$.
//! * **Sum-mode fraction**: the share of the non-constant energy at $\pm(\kappa_i,\kappa_i)$, i.e. in
//!   $\cos(\kappa_i(a+b)+\cdot)$, the only part of the neuron that a readout can turn into $a+b$
//!   ($2/5$ for the $z^2$ neuron above).
//!
//! The median of each over neurons, and the fraction of neurons whose activation frequency equals their
//! embedding's dominant frequency ([`progress`](super::progress)), summarise a layer.

use super::fourier::{Fourier, C64};
use super::progress::EmbeddingSpectrum;
use crate::model::{Batch, Model, Workspace};
use crate::real::Real;
use crate::task::Task;
use serde::{Deserialize, Serialize};

/// Summary of the activation spectra of a layer (see the module docs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActivationSummary {
    /// Median first-harmonic fraction.
    pub median_first_harmonic_fraction: f64,
    /// Median sum-mode fraction.
    pub median_sum_mode_fraction: f64,
    /// Fraction of neurons whose activation frequency is their embedding's dominant frequency.
    pub agreement_with_embedding: f64,
    /// Number of distinct activation frequencies.
    pub distinct_frequencies: usize,
}

/// Per-neuron activation spectra statistics.
#[derive(Clone, Debug, PartialEq)]
pub struct ActivationSpectrum {
    /// $\kappa_i$ per neuron.
    pub frequency: Vec<usize>,
    /// First-harmonic fraction per neuron (0 for a constant neuron).
    pub first_harmonic_fraction: Vec<f64>,
    /// Sum-mode fraction per neuron (0 for a constant neuron).
    pub sum_mode_fraction: Vec<f64>,
}

impl ActivationSpectrum {
    /// The spectra of `model`'s neurons on a $\mathbb{Z}\_p$ task (`None` for sparse parity or a task
    /// without all $p^2$ pairs, i.e. ÷).
    pub fn of<T: Real>(model: &Model<T>, task: &Task, fourier: &mut Fourier) -> Option<Self> {
        let Task::Modular { p, .. } = *task else {
            return None;
        };
        let p = p as usize;
        let examples = task.all_examples().ok()?;
        if examples.len() != p * p {
            return None;
        }
        let mut ws = Workspace::default();
        model.forward(&Batch::new(&examples), &mut ws);
        // all_examples lists a outer, b inner: column a·p + b is the grid point (a, b), row-major.
        let mut out = ActivationSpectrum {
            frequency: Vec::new(),
            first_harmonic_fraction: Vec::new(),
            sum_mode_fraction: Vec::new(),
        };
        let mut grid = vec![C64::default(); p * p];
        for i in 0..ws.h.nrows() {
            for (g, h) in grid.iter_mut().zip(ws.h.row(i).iter()) {
                *g = C64::new(h.to_f64(), 0.0);
            }
            fourier.dft_nd(&mut grid, &[p, p]);
            let e = |k1: usize, k2: usize| grid[k1 * p + k2].norm_sqr();
            let total: f64 = grid.iter().map(C64::norm_sqr).sum::<f64>() - e(0, 0);
            let family = |k: usize| -> f64 {
                let mut ks = vec![0, k, p - k];
                ks.dedup(); // k = p/2 for even p
                ks.iter()
                    .flat_map(|&k1| ks.iter().map(move |&k2| (k1, k2)))
                    .filter(|&m| m != (0, 0))
                    .map(|(k1, k2)| e(k1, k2))
                    .sum()
            };
            let kappa =
                (1..=p / 2).fold(1, |best, k| if family(k) > family(best) { k } else { best });
            let share = |x: f64| if total > 0.0 { x / total } else { 0.0 };
            out.frequency.push(kappa);
            out.first_harmonic_fraction.push(share(family(kappa)));
            out.sum_mode_fraction.push(share(if 2 * kappa == p {
                e(kappa, kappa)
            } else {
                e(kappa, kappa) + e(p - kappa, p - kappa)
            }));
        }
        Some(out)
    }

    /// The layer summary, comparing with the embedding's dominant frequencies.
    pub fn summary(&self, embedding: &EmbeddingSpectrum) -> ActivationSummary {
        let n = self.frequency.len();
        let agree = (0..n)
            .filter(|&i| self.frequency[i] == embedding.dominant_frequency(i))
            .count();
        let mut distinct = self.frequency.clone();
        distinct.sort_unstable();
        distinct.dedup();
        let median = |v: &[f64]| crate::stats::median(&mut v.to_vec()).unwrap_or(0.0);
        ActivationSummary {
            median_first_harmonic_fraction: median(&self.first_harmonic_fraction),
            median_sum_mode_fraction: median(&self.sum_mode_fraction),
            agreement_with_embedding: if n > 0 { agree as f64 / n as f64 } else { 0.0 },
            distinct_frequencies: distinct.len(),
        }
    }
}
