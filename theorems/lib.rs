//! The claims ledger: every registered theorem with its status label and a check that measures it.
//!
//! A check returns one [`Check`] per sub-claim: what the theorem predicts, what was measured, the
//! tolerance (from the note), and whether the measurement agrees. The ledger's verdict for a theorem is
//! *pass* when all its checks agree with its status label: a proved bound holds on every sampled case, an
//! empirical law is reproduced, a *false-as-stated* claim is refuted by its counterexample. `grok check`
//! prints the ledger and exits non-zero if any verdict fails.
//!
//! This package (`grokking-theorems`) sits on the machinery (`grokking`): a theorem imports from it and
//! never from another theorem, and what two theorems share moves down into it. Each theorem module
//! reads as statement (module docs), prediction (closed forms), measurement (runs through
//! `grokking::train`), and one short function per sub-claim that compares them within a named
//! tolerance; `theorems/README.md` says how to add one.
//!
//! # Example: check one claim from code
//!
//! ```
//! use grokking_theorems::{run, Budget};
//!
//! // T6: the character identity behind the Fourier circuit, and the other algebraic facts.
//! let rows = run(&["T6".to_string()], Budget::Quick)?;
//! assert!(rows.iter().all(|row| row.pass));
//! for check in &rows[0].checks {
//!     println!("[{}] {}: measured {}", check.status, check.claim, check.measured);
//! }
//! # Ok::<(), grokking::Error>(())
//! ```

use grokking::error::{Error, Result};
use serde::Serialize;

pub mod blueprint;

// The quick ledger's test runs in this package's unit-test binary, beside the theorems' own tests, so
// that the measurements they share ([`Memo`]) are trained once per suite.
#[cfg(test)]
#[path = "../tests/ledger.rs"]
mod ledger;

/// Measurements shared within one process: a run that a theorem's check and its tests both need is
/// trained once (the test suite runs the quick ledger and the theorems' tests in one binary; in `grok
/// check` each check runs once and nothing is shared). Keyed by the measurement's inputs written out with
/// `{:?}`, so another design or argument is another entry. Only top-level measurements go through it,
/// never code inside a rayon job: a worker blocked on an entry that another computation is filling could
/// starve that computation of its threads.
pub(crate) struct Memo<V> {
    entries: std::sync::Mutex<Vec<(String, Slot<V>)>>,
}

/// One entry of a [`Memo`]: empty until its first measurement ends.
type Slot<V> = std::sync::Arc<std::sync::Mutex<Option<V>>>;

impl<V: Clone> Memo<V> {
    /// An empty memo (for a `static`).
    pub(crate) const fn new() -> Self {
        Memo {
            entries: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// The value measured for `key`, measuring it with `measure` the first time (a second caller with
    /// the same key waits for the first; an error is returned and not kept).
    pub(crate) fn get_or_measure(
        &self,
        key: String,
        measure: impl FnOnce() -> Result<V>,
    ) -> Result<V> {
        let slot = {
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            match entries.iter().find(|(k, _)| *k == key) {
                Some((_, slot)) => slot.clone(),
                None => {
                    let slot = std::sync::Arc::new(std::sync::Mutex::new(None));
                    entries.push((key, slot.clone()));
                    slot
                }
            }
        };
        let mut value = slot.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = value.as_ref() {
            return Ok(v.clone());
        }
        let v = measure()?;
        *value = Some(v.clone());
        Ok(v)
    }
}

/// The status label of a theorem (see the notes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Proved in its note.
    Proved,
    /// Proved under the assumptions its note states.
    ProvedUnderAssumptions,
    /// Derived at leading order: an argument that drops stated lower-order terms (sums replaced by their
    /// mean or fluctuation scale, a linearization), without a bound on what it drops; weaker than
    /// *proved under assumptions*, stronger than *empirical*.
    DerivedAtLeadingOrder,
    /// Measured, not proved.
    Empirical,
    /// False as first stated; the note gives the counterexample and the strongest true version.
    FalseAsStated,
}

impl Status {
    /// Every label, strongest first.
    pub const ALL: [Status; 5] = [
        Status::Proved,
        Status::ProvedUnderAssumptions,
        Status::DerivedAtLeadingOrder,
        Status::Empirical,
        Status::FalseAsStated,
    ];
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Status::Proved => "proved",
            Status::ProvedUnderAssumptions => "proved-under-assumptions",
            Status::DerivedAtLeadingOrder => "derived-at-leading-order",
            Status::Empirical => "empirical",
            Status::FalseAsStated => "false-as-stated",
        })
    }
}

/// How much a check may spend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Budget {
    /// Under about a minute on 2 cores (`grok check --quick`, the test suite).
    Quick,
    /// The sizes the note reports.
    Full,
}

/// One sub-claim of a theorem, checked.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Check {
    /// The sub-claim, in words.
    pub claim: String,
    /// Its status label.
    pub status: Status,
    /// What the theorem predicts.
    pub prediction: String,
    /// What was measured.
    pub measured: String,
    /// The tolerance, with where it comes from.
    pub tolerance: String,
    /// Whether the measurement agrees with the prediction within the tolerance.
    pub pass: bool,
}

/// Wall seconds of a theorem's checks on the project's 2-core machine, per budget: what `grok check`'s
/// progress bar expects. Quick: measured with `grok check --quick` (`theorems/README.md` says when); full:
/// the last full run its note reports, which may predate later speed-ups, or the note's estimate where it
/// reports none (T1-timescales, T5-democracy).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Seconds {
    /// Under [`Budget::Quick`].
    pub quick: f64,
    /// Under [`Budget::Full`].
    pub full: f64,
}

impl Seconds {
    /// The seconds under `budget`.
    pub fn of(&self, budget: Budget) -> f64 {
        match budget {
            Budget::Quick => self.quick,
            Budget::Full => self.full,
        }
    }
}

/// A registered theorem.
pub struct Theorem {
    /// Short id, e.g. `T1-kernel`.
    pub id: &'static str,
    /// One-line name.
    pub name: &'static str,
    /// Its note, relative to the repository root.
    pub note: &'static str,
    /// Its module, relative to the repository root.
    pub module: &'static str,
    /// Runs its checks.
    pub run: fn(Budget) -> Result<Vec<Check>>,
    /// How long its checks take.
    pub seconds: Seconds,
}

/// Declares each theorem module and registers its `THEOREM` in [`REGISTRY`], in ledger order, with
/// the text of its note, module and test in [`SOURCES`] (for the blueprint).
macro_rules! registry {
    ($($module:ident),* $(,)?) => {
        $(pub mod $module;)*
        /// Every registered theorem, in ledger order.
        pub const REGISTRY: &[Theorem] = &[$($module::THEOREM),*];
        /// The note, module and test of each registered theorem, embedded at compile time, in ledger
        /// order (`SOURCES[i]` belongs to `REGISTRY[i]`).
        pub const SOURCES: &[blueprint::Sources] = &[$(blueprint::Sources {
            stem: stringify!($module),
            note: include_str!(concat!("../notes/", stringify!($module), ".md")),
            module: include_str!(concat!(stringify!($module), ".rs")),
            test: include_str!(concat!("../tests/", stringify!($module), ".rs")),
        }),*];
    };
}

// The ledger: one line per theorem (its module `theorems/<name>.rs` defines `THEOREM`).
registry![
    t1_kernel_regime,
    t1_timescales,
    t1_dichotomy,
    t2_kramers,
    t2_drift,
    t3_muon_norm_control,
    t4_stiefel_proximity,
    t5_bbp,
    t5_spectral_democracy,
    t6_algebraic_structure,
    t7_norm_discrepancy,
    t8_l2_supercooling,
    t9_liu_phases,
    t10_power_fraction,
    t11_varma_efficiency,
    t12_spectral_dynamics,
    t13_egalitarian,
];

/// A theorem's line of the ledger.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LedgerRow {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its note.
    pub note: String,
    /// Its checks.
    pub checks: Vec<Check>,
    /// Whether every check passed.
    pub pass: bool,
}

/// Whether `arg` names theorem `id`: the id itself, or its family (`T2` names `T2-kramers` and
/// `T2-drift`); case-insensitive.
pub fn selects(arg: &str, id: &str) -> bool {
    let (arg, id) = (arg.to_ascii_lowercase(), id.to_ascii_lowercase());
    id == arg || id.starts_with(&format!("{arg}-"))
}

/// The theorems named by `ids` (all when empty; see [`selects`]), in registry order; an id that names no
/// registered theorem is an error.
pub fn selected(ids: &[String]) -> Result<Vec<&'static Theorem>> {
    for arg in ids {
        if !REGISTRY.iter().any(|t| selects(arg, t.id)) {
            let known: Vec<&str> = REGISTRY.iter().map(|t| t.id).collect();
            return Err(Error::InvalidConfig(format!(
                "unknown theorem {arg:?}; registered: {}",
                known.join(", ")
            )));
        }
    }
    Ok(REGISTRY
        .iter()
        .filter(|t| ids.is_empty() || ids.iter().any(|arg| selects(arg, t.id)))
        .collect())
}

/// Runs one theorem's checks: its line of the ledger.
pub fn run_theorem(theorem: &Theorem, budget: Budget) -> Result<LedgerRow> {
    let checks = (theorem.run)(budget)?;
    Ok(LedgerRow {
        id: theorem.id.into(),
        name: theorem.name.into(),
        note: theorem.note.into(),
        pass: checks.iter().all(|c| c.pass),
        checks,
    })
}

/// Runs the theorems named by `ids` (all when empty; see [`selects`]), in registry order.
pub fn run(ids: &[String], budget: Budget) -> Result<Vec<LedgerRow>> {
    selected(ids)?
        .into_iter()
        .map(|t| run_theorem(t, budget))
        .collect()
}
