//! The ledger: every registered theorem passes its quick check, in-process. This file is mounted in the
//! claims package's unit-test binary (`theorems/lib.rs`), beside the theorems' own tests, so that a
//! measurement both need is trained once per suite (`Memo`); the CLI test runs two cheap theorems through
//! `grok check --json`. One test covers the whole registry, so a new theorem is checked here without an
//! edit, and a failure names the theorem, the claim, the prediction and the measurement. The theorems run
//! one after another (each check is parallel inside).

use crate::{run, Budget, LedgerRow, REGISTRY};

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

/// The memo behind shared measurements: concurrent callers of one key measure once and all get the
/// value; another key is another measurement; an error is returned and not kept.
#[test]
fn a_memo_measures_each_key_once_and_keeps_no_error() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let memo = crate::Memo::<u64>::new();
    let calls = AtomicUsize::new(0);
    let measure = || {
        calls.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(std::time::Duration::from_millis(20));
        Ok(7)
    };
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| assert_eq!(memo.get_or_measure("a".into(), measure).unwrap(), 7));
        }
    });
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(memo.get_or_measure("b".into(), || Ok(3)).unwrap(), 3);
    let failed = memo.get_or_measure("c".into(), || {
        Err(grokking::error::Error::InvalidConfig("no".into()))
    });
    assert!(failed.is_err());
    assert_eq!(memo.get_or_measure("c".into(), || Ok(5)).unwrap(), 5);
}
