//! Instruments that look inside a network: Fourier spectra ([`fourier`]), the progress measures of the
//! embedding built on them ([`progress`]), the 2-D spectra of neuron activations ([`activation`]), the
//! Fourier ablations of the logits ([`ablation`]), the phases of a run detected from them
//! ([`phases`]), and logit margins with the norm per unit margin ([`margin`]).

pub mod ablation;
pub mod activation;
pub mod fourier;
pub mod margin;
pub mod phases;
pub mod progress;
