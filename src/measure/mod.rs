//! Instruments that look inside a network: Fourier spectra ([`fourier`]), the progress measures of the
//! embedding built on them ([`progress`]), the 2-D spectra of neuron activations ([`activation`]), the
//! end-of-run Fourier statistics that combine them ([`summary`]), the Fourier ablations of the logits
//! ([`ablation`]), the phases of a run detected from them ([`phases`]), logit margins with the norm per
//! unit margin ([`margin`]), kernels of the network ([`kernel`]: the one-hot family and the tangent
//! kernel), and spectra and norms of weight matrices ([`spectrum`]: singular values, the distance to
//! the Stiefel manifold, norm trajectories along a run).

pub mod ablation;
pub mod activation;
pub mod fourier;
pub mod kernel;
pub mod margin;
pub mod parallelogram;
pub mod phases;
pub mod progress;
pub mod regime;
pub mod spectrum;
pub mod summary;
