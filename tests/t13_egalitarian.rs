//! T13-egalitarian: each check on crossings where its claim holds and where it fails (a wrong prediction
//! swapped in), and one real crossing.

use super::*;

fn runs(t_mem: &[u64], t_level: &[Option<u64>]) -> Vec<Crossing> {
    t_mem
        .iter()
        .zip(t_level)
        .map(|(&m, &t)| Crossing {
            t_mem: Some(m),
            t_level: t,
        })
        .collect()
}

#[test]
fn t13_checks_fail_when_their_claims_fail() {
    let early = runs(&[12, 13, 13], &[Some(1960), Some(2010), Some(2530)]);
    let never = runs(&[200, 200, 200], &[None, None, None]);
    let late = runs(&[12, 13, 13], &[Some(9000), Some(7000), Some(8000)]);
    // One rate: EGD first passes; gradient descent first, or an EGD seed that never crosses, fails.
    assert!(shared_rate_check(&early, &never, 5000).pass);
    assert!(shared_rate_check(&early, &late, 5000).pass);
    assert!(!shared_rate_check(&late, &early, 5000).pass, "swapped");
    assert!(!shared_rate_check(&never, &early, 5000).pass);
    let one_never = runs(&[12, 13, 13], &[Some(1960), None, Some(2530)]);
    assert!(!shared_rate_check(&one_never, &never, 5000).pass);
    // Tuned: the counterexample holds when gradient descent is first, not when EGD is (the paper's claim).
    assert!(shared_rate_check(&early, &late, 5000).pass);
    assert!(tuned_check(&late, &early, 15_000).pass);
    assert!(tuned_check(&never, &early, 15_000).pass);
    assert!(!tuned_check(&early, &late, 15_000).pass, "EGD first");
    assert!(!tuned_check(&early, &never, 15_000).pass);
    // The plateau: ratios of hundreds pass; a plateau removed (t_80 near t_mem) fails, as does a wrong
    // threshold far above the measurement.
    assert!(plateau_check(&late, PLATEAU_RATIO, 15_000).pass);
    let removed = runs(&[12, 13, 13], &[Some(20), Some(30), Some(20)]);
    assert!(!plateau_check(&removed, PLATEAU_RATIO, 15_000).pass);
    assert!(!plateau_check(&late, 1e4, 15_000).pass);
    let unmemorized = vec![Crossing {
        t_mem: None,
        t_level: None,
    }];
    assert!(!plateau_check(&unmemorized, PLATEAU_RATIO, 15_000).pass);
    assert!(!plateau_check(&[], PLATEAU_RATIO, 15_000).pass);
    // A run that never crosses counts with the budget, a lower bound on its ratio.
    let censored = runs(&[12], &[None]);
    assert!(plateau_check(&censored, PLATEAU_RATIO, 15_000).pass);
    assert!(!plateau_check(&censored, PLATEAU_RATIO, 100).pass);
}

#[test]
fn t13_the_median_counts_runs_that_never_cross_as_latest() {
    assert_eq!(
        median_crossing(&runs(&[1, 1, 1], &[Some(30), None, Some(10)])),
        Some(30.0)
    );
    assert_eq!(median_crossing(&runs(&[1, 1, 1], &[Some(30), None, None])), None);
}

/// A real crossing stops at the first evaluation at the level: tuned gradient descent reaches 50% test
/// accuracy on an evaluation step after memorizing, and a budget too short gives none.
#[test]
fn t13_a_crossing_stops_at_the_level() {
    let c = crossing(gd(TUNED_GD_LR), 0, 0.5, 5000).unwrap();
    let (m, t) = (c.t_mem.unwrap(), c.t_level.unwrap());
    assert!(t % 10 == 0 && m < t, "t_mem {m}, t_50 {t}");
    let short = crossing(gd(TUNED_GD_LR), 0, 0.5, t - 10).unwrap();
    assert_eq!(short.t_level, None);
}
