//! The test harness: one module per subject. Run with `cargo test --release`.

mod ablation;
mod analytic;
mod cli;
mod common;
mod fourier_oracle;
mod gradcheck;
mod notes_consistency;
mod numerics;
mod optim;
mod phases;
mod t1_dichotomy;
mod t1_kernel_regime;
mod t1_timescales;
mod t2_drift;
mod t2_kramers;
mod t3_muon_norm_control;
mod t4_stiefel_proximity;
mod t5_bbp;
mod t5_spectral_democracy;
mod t6_algebraic_structure;
mod t7_norm_discrepancy;
mod t8_l2_supercooling;
mod tasks;
mod training;
