//! T10-power: the fits on exact laws, and each ledger check fed runs in which its claim holds or fails.

use super::*;

fn point(frac: f64, t: &[Option<u64>]) -> FractionPoint {
    FractionPoint {
        frac,
        t_grok: t.to_vec(),
    }
}

/// Points on `law` with parameters `(a, b)`, one seed each, and a non-grokking fraction below.
fn on_law(law: Law, a: f64, b: f64) -> Vec<FractionPoint> {
    let mut v = vec![point(0.2, &[None])];
    for f in [0.3, 0.4, 0.5, 0.6, 0.8] {
        let t = match law {
            Law::Exponential => a * (-b * f).exp(),
            Law::PowerLaw => a * f.powf(-b),
        };
        v.push(point(f, &[Some(t.round() as u64)]));
    }
    v
}

#[test]
fn t10_each_law_is_recovered_from_its_own_points() {
    for law in [Law::Exponential, Law::PowerLaw] {
        let points = grokking(&on_law(law, 1e5, 3.0));
        let fit = law.fit(&points).unwrap();
        assert!((-fit.slope - 3.0).abs() < 1e-3, "{law:?}: {fit:?}");
        assert!(fit.rss < 1e-6);
    }
}

#[test]
fn t10_checks_fail_when_their_claims_fail() {
    let exp = on_law(Law::Exponential, 1e5, 8.0);
    let pow = on_law(Law::PowerLaw, 100.0, 2.5);
    // The rise, and a wrong direction.
    assert!(rise_check(&exp, -1.0).pass);
    assert!(!rise_check(&exp, 1.0).pass);
    let mut bump = exp.clone();
    bump[3] = point(0.5, &[Some(1_000_000)]);
    assert!(!rise_check(&bump, -1.0).pass, "a fraction later than a smaller one");
    // The law: each data set supports its own law and rejects the other.
    assert!(law_check(&exp, Law::Exponential).pass);
    assert!(!law_check(&exp, Law::PowerLaw).pass);
    assert!(law_check(&pow, Law::PowerLaw).pass);
    assert!(!law_check(&pow, Law::Exponential).pass);
    // Where grokking stops: above f_c passes, below fails, no edge on the grid fails.
    assert!(stop_check(&exp, 23, 0.1).pass);
    assert!(!stop_check(&exp, 23, 0.35).pass, "f_c above the measured edge");
    assert!(!stop_check(&exp[1..], 23, 0.1).pass, "every fraction groks: no edge");
    let mut gap = exp.clone();
    gap[3] = point(0.5, &[None]);
    assert!(!stop_check(&gap, 23, 0.1).pass, "a failing fraction above the edge");
}

#[test]
fn t10_the_median_counts_failures_as_latest() {
    assert_eq!(point(0.5, &[Some(10), None, Some(30)]).median(), Some(30.0));
    assert_eq!(point(0.5, &[Some(10), None, None]).median(), None);
    assert_eq!(point(0.5, &[Some(10), None]).median(), None, "median of 10 and never");
}

#[test]
fn t10_intervention_check_fails_when_another_intervention_does_as_well() {
    let decay = on_law(Law::PowerLaw, 100.0, 2.5); // groks from 0.3
    let never = |i| (i, point(0.8, &[None, None]));
    let others = [never(Intervention::Nothing), never(Intervention::MiniBatch(32))];
    assert!(intervention_check(&decay, &others, 1_000_000).pass);
    let rival = [
        never(Intervention::Nothing),
        (Intervention::MiniBatch(32), point(0.3, &[Some(900), Some(800)])),
    ];
    assert!(!intervention_check(&decay, &rival, 1_000_000).pass, "a rival groking at the same fraction");
    let late = [(Intervention::WeightNoise(1e-3), point(0.8, &[Some(900), Some(800)]))];
    assert!(intervention_check(&decay, &late, 1_000_000).pass, "a rival groking only at a larger fraction");
    let no_decay: Vec<FractionPoint> = decay.iter().map(|q| point(q.frac, &[None])).collect();
    assert!(!intervention_check(&no_decay, &others, 1_000_000).pass, "weight decay never groks");
    assert!(!intervention_check(&decay, &[], 1_000_000).pass, "nothing to compare");
    // Within a budget shorter than weight decay's steps it groks nowhere, and a rival's late grok is no win.
    assert!(!intervention_check(&decay, &others, 10).pass, "weight decay too slow for the budget");
}
