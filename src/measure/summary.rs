//! The end-of-run Fourier statistics of a network on a $\mathbb{Z}\_p$ task (`summary.json`'s `fourier`):
//! the embedding spectrum ([`progress`](super::progress)), the diagonal logit energy and the activation
//! spectra ([`activation`](super::activation)).

use super::activation::{ActivationSpectrum, ActivationSummary};
use super::fourier::Fourier;
use super::progress::{diagonal_logit_energy, EmbeddingSpectrum};
use crate::model::Model;
use crate::real::Real;
use crate::task::Task;
use serde::{Deserialize, Serialize};

/// Number of frequencies in [`FourierSummary::top8_energy_fraction`].
pub const TOP_FREQUENCIES: usize = 8;

/// The summary recorded in `summary.json` of a layer's `spectrum`, with the network's
/// [`diagonal_logit_energy`] and activation spectra.
pub fn summarize(
    spectrum: &EmbeddingSpectrum,
    diagonal_logit_energy: Option<f64>,
    activation: Option<ActivationSummary>,
) -> FourierSummary {
    let keys = spectrum.key_frequencies();
    FourierSummary {
        key_frequencies: keys.iter().map(|k| k.0).collect(),
        neurons_per_key_frequency: keys.iter().map(|k| k.1).collect(),
        median_concentration: spectrum.median_concentration(),
        ipr: spectrum.ipr(),
        top8_energy_fraction: spectrum.top_energy_fraction(TOP_FREQUENCIES),
        diagonal_logit_energy,
        activation,
    }
}

/// Every Fourier statistic of a network on a $\mathbb{Z}\_p$ task (`None` for sparse parity): the
/// embedding spectrum, the diagonal logit energy and the activation spectra.
pub fn analyse<T: Real>(
    model: &Model<T>,
    task: &Task,
    fourier: &mut Fourier,
) -> Option<FourierSummary> {
    let Task::Modular { p, .. } = *task else {
        return None;
    };
    let spectrum = EmbeddingSpectrum::of(&model.params.w1, p as usize, fourier);
    let diagonal = diagonal_logit_energy(model, task, fourier);
    let activation = ActivationSpectrum::of(model, task, fourier).map(|a| a.summary(&spectrum));
    Some(summarize(&spectrum, diagonal, activation))
}

/// Fourier statistics of a trained first layer (see the module docs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FourierSummary {
    /// Distinct dominant frequencies, most common first.
    pub key_frequencies: Vec<usize>,
    /// Number of neurons with each key frequency (same order).
    pub neurons_per_key_frequency: Vec<usize>,
    /// Median per-neuron concentration.
    pub median_concentration: f64,
    /// Inverse participation ratio of the layer spectrum.
    pub ipr: f64,
    /// Fraction of the non-constant energy in the 8 largest frequencies.
    pub top8_energy_fraction: f64,
    /// Share of the logits' energy on the $(k,k,-k)$ diagonal ([`diagonal_logit_energy`]).
    pub diagonal_logit_energy: Option<f64>,
    /// The neurons' 2-D activation spectra ([`super::activation`]; `None` for ÷).
    pub activation: Option<ActivationSummary>,
}
