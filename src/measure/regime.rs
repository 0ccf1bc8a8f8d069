//! The four regimes of Liu et al. (2022, "Towards understanding grokking: an effective theory of
//! representation learning", App. A), read off one run's evaluations.
//!
//! With an accuracy threshold $\theta\in(0,1)$ (Liu et al. use $0.9$), let $t_{fit}$ be the first evaluated
//! step with training accuracy $\ge\theta$ and $t_{gen}$ the first with test accuracy $\ge\theta$, each `None`
//! if it never happens within the run's budget. Then
//!
//! * **confusion**: no $t_{fit}$ (the run does not even fit its training set);
//! * **memorization**: $t_{fit}$ but no $t_{gen}$;
//! * **comprehension**: both, and generalization comes about when fitting does: the lag
//!   $t_{gen}-t_{fit}$ is short by the [`Lag`] rule;
//! * **grokking**: both, and the lag is long.
//!
//! Liu et al. call a lag long from $10^3$ steps on, with their budget of $10^5$ steps ([`Lag::Steps`]).
//! A fixed number of steps classifies the same curve differently at different learning rates (halving
//! the learning rate doubles both times), so the crate's default is scale-free: the lag is long when
//! $t_{gen}\ge\rho\\,t_{fit}$ ([`Lag::Ratio`]), with $t_{gen}/t_{fit}$ the colour of a phase diagram. A run
//! that generalizes before it fits ($t_{gen}<t_{fit}$, possible at $\theta<1$) is comprehension.

use crate::error::{ensure, Result};
use crate::evaluation::EvalRecord;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One of the four regimes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Regime {
    /// Generalizes about when it fits.
    Comprehension,
    /// Generalizes long after it fits.
    Grokking,
    /// Fits, never generalizes within the budget.
    Memorization,
    /// Does not even fit within the budget.
    Confusion,
}

impl Regime {
    /// The four, in the order of the list above.
    pub const ALL: [Regime; 4] = [
        Regime::Comprehension,
        Regime::Grokking,
        Regime::Memorization,
        Regime::Confusion,
    ];

    /// Its letter on a phase diagram: C, G, M, X (confusion).
    pub fn letter(self) -> char {
        match self {
            Regime::Comprehension => 'C',
            Regime::Grokking => 'G',
            Regime::Memorization => 'M',
            Regime::Confusion => 'X',
        }
    }

    /// Its name in lower case.
    pub fn name(self) -> &'static str {
        match self {
            Regime::Comprehension => "comprehension",
            Regime::Grokking => "grokking",
            Regime::Memorization => "memorization",
            Regime::Confusion => "confusion",
        }
    }
}

impl fmt::Display for Regime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// When the lag from fitting to generalizing is long (grokking) rather than short (comprehension).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lag {
    /// Long when $t_{gen}\ge\rho\\,t_{fit}$, $\rho>1$.
    Ratio(f64),
    /// Long when $t_{gen}-t_{fit}\ge s$ steps, $s\ge1$ (Liu et al.: $s=10^3$).
    Steps(u64),
}

/// The classification rule: the accuracy threshold and the lag rule.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegimeRule {
    threshold: f64,
    lag: Lag,
}

/// Liu et al.'s accuracy threshold.
pub const LIU_THRESHOLD: f64 = 0.9;
/// Liu et al.'s lag, in steps, at their budget of $10^5$ steps.
pub const LIU_LAG_STEPS: u64 = 1000;

impl RegimeRule {
    /// The rule with accuracy threshold `threshold` $\in(0,1)$ and lag rule `lag`; an error outside those
    /// domains (a ratio must be finite and $>1$, a number of steps $\ge1$).
    pub fn new(threshold: f64, lag: Lag) -> Result<Self> {
        ensure(threshold > 0.0 && threshold < 1.0, || {
            format!("the accuracy threshold must lie in (0, 1), got {threshold}")
        })?;
        match lag {
            Lag::Ratio(r) => ensure(r.is_finite() && r > 1.0, || {
                format!("the lag ratio must be a finite number > 1, got {r}")
            })?,
            Lag::Steps(s) => ensure(s >= 1, || "the lag must be at least 1 step".into())?,
        }
        Ok(RegimeRule { threshold, lag })
    }

    /// The accuracy threshold $\theta$.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// The lag rule.
    pub fn lag(&self) -> Lag {
        self.lag
    }

    /// The regime of a run from its first-crossing steps $t_{fit}$, $t_{gen}$ at this rule's threshold.
    pub fn regime(&self, t_fit: Option<u64>, t_gen: Option<u64>) -> Regime {
        match (t_fit, t_gen) {
            (None, _) => Regime::Confusion,
            (Some(_), None) => Regime::Memorization,
            (Some(fit), Some(gen)) => {
                let long = match self.lag {
                    Lag::Ratio(r) => gen as f64 >= r * fit as f64,
                    Lag::Steps(s) => gen >= fit.saturating_add(s),
                };
                if long {
                    Regime::Grokking
                } else {
                    Regime::Comprehension
                }
            }
        }
    }

    /// Classifies a run from its evaluations (in step order).
    pub fn classify(&self, records: &[EvalRecord]) -> Classified {
        let first = |acc: fn(&EvalRecord) -> f64| {
            records
                .iter()
                .find(|r| acc(r) >= self.threshold)
                .map(|r| r.step)
        };
        let t_fit = first(|r| r.train_acc);
        let t_gen = first(|r| r.test_acc);
        Classified {
            regime: self.regime(t_fit, t_gen),
            t_fit,
            t_gen,
        }
    }
}

/// A classified run.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Classified {
    /// Its regime.
    pub regime: Regime,
    /// First step with training accuracy at the threshold.
    pub t_fit: Option<u64>,
    /// First step with test accuracy at the threshold.
    pub t_gen: Option<u64>,
}

impl Classified {
    /// $t_{gen}/t_{fit}$ where both exist (a fit at step 0 counts as step 1).
    pub fn ratio(&self) -> Option<f64> {
        Some(self.t_gen? as f64 / self.t_fit?.max(1) as f64)
    }
}
