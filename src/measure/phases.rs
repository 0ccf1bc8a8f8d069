//! The four phases of a run, detected from its progress measures after the run, without looking at the
//! test accuracy or $t_{grok}$: where $t_{grok}$ then falls is a finding ([`Phases::phase_at`]), not part of
//! the rule.
//!
//! Boundaries (steps; every measure first goes through a [`hampel`] filter over 7 evaluations, which
//! replaces outliers (up to 3 in a window, e.g. a 2-evaluation spike) by the local median and leaves
//! everything else untouched, so a smooth curve keeps its exact extremum):
//!
//! 1. **Memorization** $[0,t_{mem}]$: until training accuracy reaches 99%.
//! 2. **Plateau** $[t_{mem},t_{circ}]$, with $t_{circ}$ the step of the smallest excluded loss (training pairs
//!    only) in $[t_{mem},t_{end}]$, over the evaluations that measured it (a run with a coarser schedule for the
//!    Fourier measures, `fourier_every`, places $t_{circ}$ on that schedule). Before $t_{circ}$ the logits *without* their Fourier part still fit the
//!    training set better and better: the network is refining its memorization. After it they fit it
//!    worse and worse while the training loss keeps falling, so the fit is being carried over to the
//!    Fourier circuit. (Nanda et al., 2023, mark circuit formation by the rise of the excluded loss.)
//!    For tasks without an excluded loss (other than $+$, $-$) $t_{circ}$ is the step of the largest test
//!    *loss* in the same window (a loss on the unseen pairs, not their accuracy). [`Phases::circuit_onset`]
//!    says which measure was used. There is no circuit formation if the measure never turns: if at $t_{end}$
//!    it has come back from its extremum by no more than [`TURN`] of its range.
//! 3. **Circuit formation** $[t_{circ},t_{clean}]$, with $t_{clean}$ the step of the largest weight norm in
//!    $[t_{circ},t_{end}]$: the circuit grows on top of the memorizing weights and the norm keeps rising.
//!    If the norm at $t_{end}$ has come back from that peak by no more than [`TURN`] of its range, it has not
//!    turned: phase 3 lasts to $t_{end}$.
//! 4. **Generalization and cleanup** $[t_{clean},t_{end}]$: the norm falls as weight decay removes the
//!    memorizing components; $t_{end}$ is the last evaluated step.
//!
//! A run that never memorizes gets no phase at all, and an empty span is no phase (a measure that turns at
//! $t_{mem}$ gives no plateau): nothing is invented. Until 2026-12 the windows ended at $t_{grok}$, which made
//! "$t_{grok}$ falls in phase 4" true by construction; now it can fail, and [`Phases::phase_at`] reports it.

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

/// How far a measure must have come back from its extremum by $t_{end}$ to count as having turned, as a
/// fraction of the range the (filtered) measure spans over the window: 1%. A convention, not fitted: ten
/// times the relative noise of the synthetic curves of the tests ($10^{-3}$), far below the turns of real runs
/// (the canonical run's excluded loss nearly doubles over circuit formation, from 0.82–1.00 to 1.56–2.00). A
/// fraction of the range, not of the extremum: an excluded loss that follows the training loss down to
/// $10^{-6}$ and jitters there has not turned, however large its jitter is relative to $10^{-6}$.
pub const TURN: f64 = 0.01;

/// One of the four phases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// I.
    Memorization,
    /// II.
    Plateau,
    /// III.
    CircuitFormation,
    /// IV.
    Generalization,
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::Memorization => "I memorization",
            Phase::Plateau => "II plateau",
            Phase::CircuitFormation => "III circuit formation",
            Phase::Generalization => "IV generalization/cleanup",
        })
    }
}

impl Phases {
    /// The phases of a finished run (see the module docs); reads training accuracy, the excluded loss (or
    /// the test loss) and the weight norm, never the test accuracy or $t_{grok}$.
    pub fn detect(history: &History) -> Phases {
        let records = &history.records;
        let (Some(t_mem), Some(last)) = (history.t_mem, records.last()) else {
            return Phases::default();
        };
        let t_end = last.step.max(t_mem);
        let memorization = Some([0, t_mem]);
        let after =
            |from: u64| -> Vec<&EvalRecord> { records.iter().filter(|r| r.step >= from).collect() };
        let span = |a: u64, b: u64| (a < b).then_some([a, b]);
        let after_mem = after(t_mem);
        // The evaluations that measured the excluded loss (all of them, or those on the run's coarser
        // schedule for it, `fourier_every`).
        let with_excluded: Vec<&EvalRecord> = after_mem
            .iter()
            .copied()
            .filter(|r| r.excluded_loss.is_some())
            .collect();
        // The circuit onset as the minimum of a measure that must rise afterwards.
        let (onset_records, onset_values, onset): (_, Vec<f64>, _) = if with_excluded.is_empty() {
            let values = after_mem.iter().map(|r| -r.test_loss).collect();
            (after_mem, values, CircuitOnset::TestLoss)
        } else {
            let values = with_excluded
                .iter()
                .filter_map(|r| r.excluded_loss)
                .collect();
            (with_excluded, values, CircuitOnset::ExcludedLoss)
        };
        let Some(t_circ) = turning_point(&onset_records, &onset_values) else {
            return Phases {
                memorization,
                plateau: span(t_mem, t_end),
                ..Phases::default()
            };
        };
        let after_circ = after(t_circ);
        let neg_norm: Vec<f64> = after_circ.iter().map(|r| -r.weight_norm).collect();
        let t_clean = turning_point(&after_circ, &neg_norm).unwrap_or(t_end);
        Phases {
            memorization,
            plateau: span(t_mem, t_circ),
            circuit_formation: span(t_circ, t_clean),
            generalization: span(t_clean, t_end),
            circuit_onset: Some(onset),
        }
    }

    /// The phase that contains `step` (a boundary step belongs to the later phase; the last step to the
    /// last phase); `None` outside every phase.
    pub fn phase_at(&self, step: u64) -> Option<Phase> {
        let named = [
            (Phase::Generalization, self.generalization),
            (Phase::CircuitFormation, self.circuit_formation),
            (Phase::Plateau, self.plateau),
            (Phase::Memorization, self.memorization),
        ];
        named
            .iter()
            .find(|(_, span)| span.is_some_and(|[a, b]| (a..=b).contains(&step)))
            .map(|(phase, _)| *phase)
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
            None => f.write_str(" (the circuit-onset measure never turned: no circuit formation)"),
        }
    }
}

/// The step of the smallest value of `values` (one per record) after the [`hampel`] filter (the first on
/// ties), if at its last record the filtered curve has come back from it by more than [`TURN`] of the range it
/// spans; `None` if it has not turned.
fn turning_point(records: &[&EvalRecord], values: &[f64]) -> Option<u64> {
    let filtered = hampel(values, HAMPEL_HALF_WIDTH, HAMPEL_SIGMAS);
    let (i, &least) = filtered
        .iter()
        .enumerate()
        .min_by(|x, y| x.1.total_cmp(y.1).then(x.0.cmp(&y.0)))?;
    let most = filtered.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let end = *filtered.last()?;
    (end - least > TURN * (most - least)).then(|| records[i].step)
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
