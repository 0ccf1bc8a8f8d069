//! Instruments that look inside a network: Fourier spectra ([`fourier`]) and the progress measures
//! built on them ([`progress`]).

pub mod fourier;
pub mod progress;
