//! Instruments that look inside a network: Fourier spectra ([`fourier`]) and the progress measures
//! built on them ([`progress`]), the Fourier ablations of the logits ([`ablation`]), and the phases of
//! a run detected from them ([`phases`]).

pub mod ablation;
pub mod fourier;
pub mod phases;
pub mod progress;
