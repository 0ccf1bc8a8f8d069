//! The four phases of a run, detected from its progress measures after the run.
//!
//! Boundaries (steps; every measure first goes through a [`hampel`] filter over 7 evaluations, which
//! replaces outliers (up to 3 in a window, e.g. a 2-evaluation spike) by the local median and leaves
//! everything else untouched, so a smooth curve keeps its exact extremum):
//!
//! 1. **Memorization** $[0,t_{mem}]$: until training accuracy reaches 99%.
//! 2. **Plateau** $[t_{mem},t_{circ}]$, with $t_{circ}$ the step of the smallest excluded loss in
//!    $[t_{mem},t_{grok}]$. Before $t_{circ}$ the logits *without* their Fourier part still fit the
//!    training set better and better: the network is refining its memorization. After it they fit it
//!    worse and worse while the training loss keeps falling, so the fit is being carried over to the
//!    Fourier circuit. (Nanda et al., 2023, mark circuit formation by the rise of the excluded loss.)
//!    For tasks without an excluded loss (other than $+$, $-$) $t_{circ}$ is the step of the largest test
//!    loss in the same window: the first step after which the generalizing part outweighs the
//!    memorizing part on unseen pairs. [`Phases::circuit_onset`] says which measure was used.
//! 3. **Circuit formation** $[t_{circ},t_{clean}]$, with $t_{clean}$ the step of the largest weight norm in
//!    $[t_{circ},t_{grok}]$ ($t_{grok}$ itself if the norm still grows then): the circuit grows on top of the
//!    memorizing weights and the norm keeps rising.
//! 4. **Generalization and cleanup** $[t_{clean},t_{end}]$: the norm falls as weight decay removes the
//!    memorizing components, test accuracy passes 99% at $t_{grok}\in[t_{clean},t_{end}]$; $t_{end}$ is the
//!    last evaluated step.
//!
//! A run that never reaches $t_{grok}$ gets no phase 3 or 4 (its plateau lasts to $t_{end}$), and one that
//! never memorizes gets no phase at all: nothing is invented. If $t_{grok}\le t_{mem}$ (generalization
//! without a delay) there is no plateau and no circuit phase: phase 4 starts at $t_{mem}$.

use crate::evaluation::EvalRecord;
use crate::train::History;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Half-width (in evaluations) of the [`hampel`] window applied to each measure.
pub const HAMPEL_HALF_WIDTH: usize = 3;
/// Outlier threshold of the [`hampel`] filter, in robust standard deviations.
pub const HAMPEL_SIGMAS: f64 = 3.0;

/// A phase as `[start, end]` steps.
pub type Span = [u64; 2];

/// Which measure fixed the onset of circuit formation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CircuitOnset {
    /// The minimum of the excluded loss.
    ExcludedLoss,
    /// The maximum of the test loss (tasks without an excluded loss).
    TestLoss,
}

/// The four phases (`None`: the run did not show that phase).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phases {
    /// I: $[0,t_{mem}]$.
    pub memorization: Option<Span>,
    /// II: $[t_{mem},t_{circ}]$.
    pub plateau: Option<Span>,
    /// III: $[t_{circ},t_{clean}]$.
    pub circuit_formation: Option<Span>,
    /// IV: $[t_{clean},t_{end}]$.
    pub generalization: Option<Span>,
    /// The measure that gave $t_{circ}$.
    pub circuit_onset: Option<CircuitOnset>,
}

impl Phases {
    /// The phases of a finished run (see the module docs).
    pub fn detect(history: &History) -> Phases {
        let records = &history.records;
        let (Some(t_mem), Some(last)) = (history.t_mem, records.last()) else {
            return Phases::default();
        };
        let t_end = last.step.max(t_mem);
        let memorization = Some([0, t_mem]);
        let Some(t_grok) = history.t_grok else {
            return Phases {
                memorization,
                plateau: Some([t_mem, t_end]),
                ..Phases::default()
            };
        };
        if t_grok <= t_mem {
            return Phases {
                memorization,
                generalization: Some([t_mem, t_end]),
                ..Phases::default()
            };
        }
        let window = |from: u64| -> Vec<&EvalRecord> {
            records
                .iter()
                .filter(|r| (from..=t_grok).contains(&r.step))
                .collect()
        };
        let after_mem = window(t_mem);
        let excluded: Option<Vec<f64>> = after_mem.iter().map(|r| r.excluded_loss).collect();
        let (t_circ, onset) = match excluded {
            Some(e) => (argmin_step(&after_mem, &e), CircuitOnset::ExcludedLoss),
            None => {
                let neg_test: Vec<f64> = after_mem.iter().map(|r| -r.test_loss).collect();
                (argmin_step(&after_mem, &neg_test), CircuitOnset::TestLoss)
            }
        };
        // The window holds at least the record of t_grok, so both arg-mins exist.
        let t_circ = t_circ.unwrap_or(t_mem);
        let after_circ = window(t_circ);
        let neg_norm: Vec<f64> = after_circ.iter().map(|r| -r.weight_norm).collect();
        let t_clean = argmin_step(&after_circ, &neg_norm).unwrap_or(t_grok);
        Phases {
            memorization,
            plateau: Some([t_mem, t_circ]),
            circuit_formation: Some([t_circ, t_clean]),
            generalization: Some([t_clean, t_end]),
            circuit_onset: Some(onset),
        }
    }
}

impl fmt::Display for Phases {
    /// One line: each phase that occurred with its span, and the measure behind $t_{circ}$.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let named = [
            ("I memorization", self.memorization),
            ("II plateau", self.plateau),
            ("III circuit formation", self.circuit_formation),
            ("IV generalization/cleanup", self.generalization),
        ];
        let shown: Vec<String> = named
            .iter()
            .filter_map(|(name, span)| span.map(|[a, b]| format!("{name} [{a}, {b}]")))
            .collect();
        if shown.is_empty() {
            return f.write_str("none (the run never memorized its training set)");
        }
        f.write_str(&shown.join(" · "))?;
        match self.circuit_onset {
            Some(CircuitOnset::ExcludedLoss) => {
                f.write_str(" (circuit onset: excluded-loss minimum)")
            }
            Some(CircuitOnset::TestLoss) => f.write_str(" (circuit onset: test-loss maximum)"),
            None if self.generalization.is_none() => {
                f.write_str(" (no grokking: no circuit or generalization phase)")
            }
            None => f.write_str(" (generalized without a delay)"),
        }
    }
}

/// The step of the smallest value of `values` (one per record) after the [`hampel`] filter (the first
/// on ties).
fn argmin_step(records: &[&EvalRecord], values: &[f64]) -> Option<u64> {
    hampel(values, HAMPEL_HALF_WIDTH, HAMPEL_SIGMAS)
        .iter()
        .enumerate()
        .min_by(|x, y| x.1.total_cmp(y.1).then(x.0.cmp(&y.0)))
        .map(|(i, _)| records[i].step)
}

/// Hampel filter: each $x_i$ farther than `n_sigmas` robust standard deviations
/// ($1.4826\cdot\mathrm{MAD}$) from the median of its window $x_{i-h..=i+h}$ (truncated at the ends) is
/// replaced by that median; other values are kept as they are.
pub fn hampel(x: &[f64], h: usize, n_sigmas: f64) -> Vec<f64> {
    (0..x.len())
        .map(|i| {
            let mut window = x[i.saturating_sub(h)..(i + h + 1).min(x.len())].to_vec();
            let median = crate::stats::median(&mut window).unwrap_or(x[i]);
            let mut deviations: Vec<f64> = window.iter().map(|v| (v - median).abs()).collect();
            let mad = crate::stats::median(&mut deviations).unwrap_or(0.0);
            if (x[i] - median).abs() > n_sigmas * 1.4826 * mad {
                median
            } else {
                x[i]
            }
        })
        .collect()
}
