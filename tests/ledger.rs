//! The ledger: every registered theorem passes its quick check, in-process (the CLI test runs two cheap
//! theorems through `grok check --json`, so the ledger is trained once per suite). One test covers the
//! whole registry, so a new theorem is checked here without an edit, and a failure names the theorem,
//! the claim, the prediction and the measurement. The theorems run one after another (each check is
//! parallel inside).

use grokking_theorems::{run, Budget, LedgerRow, REGISTRY};

/// Runs the quick ledger for `id` and asserts that every check of every selected theorem passes,
/// printing the claim, prediction and measurement of a failing one; returns the rows.
fn assert_ledger_passes(id: &str) -> Vec<LedgerRow> {
    let rows = run(&[id.into()], Budget::Quick).unwrap();
    assert!(!rows.is_empty(), "{id} selects no theorem");
    for row in &rows {
        for c in &row.checks {
            assert!(
                c.pass,
                "{}: {}: predicted {}; measured {}",
                row.id, c.claim, c.prediction, c.measured
            );
        }
        assert!(row.pass, "{}", row.id);
    }
    rows
}

#[test]
fn every_registered_theorem_passes_its_quick_check() {
    let ids: Vec<&str> = REGISTRY.iter().map(|t| t.id).collect();
    let rows: Vec<Vec<LedgerRow>> = ids.iter().map(|id| assert_ledger_passes(id)).collect();
    for (id, rows) in ids.iter().zip(&rows) {
        assert_eq!(rows.len(), 1, "{id} selects itself only");
        assert_eq!(rows[0].id, *id);
    }
}

#[test]
fn an_unknown_theorem_is_an_error() {
    assert!(run(&["T99".into()], Budget::Quick).is_err());
}
