//! T9-liu: the effective theory's facts that need no training (the table's nullities, the critical
//! fraction's monotone share), and each ledger check fed the diagrams and runs in which its claim holds or
//! fails: the checks must go red when their claims fail.

use super::*;
use grokking::measure::parallelogram::pinned_share;
use grokking::measure::regime::Classified;

/// A diagram on lr {1, 2, 3} × wd {1, 2, 3} from its rows of letters, lowest weight decay first.
fn diagram(rows: [&str; 3]) -> PhaseDiagram {
    let mut runs = Vec::new();
    for (j, row) in rows.iter().enumerate() {
        for (i, letter) in row.chars().enumerate() {
            let regime = Regime::ALL
                .into_iter()
                .find(|g| g.letter() == letter)
                .expect("a regime letter");
            let (t_fit, t_gen) = match regime {
                Regime::Comprehension => (Some(10), Some(20)),
                Regime::Grokking => (Some(10), Some(5000)),
                Regime::Memorization => (Some(10), None),
                Regime::Confusion => (None, None),
            };
            runs.push(PhaseRun {
                x: (i + 1) as f64,
                y: (j + 1) as f64,
                seed: 0,
                classified: Classified {
                    regime,
                    t_fit,
                    t_gen,
                },
            });
        }
    }
    let axis = |name| GridAxis::new(name, vec![1.0, 2.0, 3.0]).unwrap();
    PhaseDiagram::new(axis("lr"), axis("wd"), runs).unwrap()
}

#[test]
fn t9_band_check_fails_when_its_claim_fails() {
    let rule = liu_rule().unwrap();
    // Rows (lowest weight decay first), learning rate growing to the right: Liu et al.'s order.
    let sandwich = diagram(["MMG", "MGC", "GCC"]);
    assert!(band_check(&sandwich, &rule, &LIU_ORDER).pass);
    // The order reversed is rejected on the same diagram.
    let reversed = [Regime::Comprehension, Regime::Grokking, Regime::Memorization];
    assert!(!band_check(&sandwich, &rule, &reversed).pass);
    // Comprehension at a smaller learning rate than grokking, or memorization after grokking, breaks it.
    assert!(!band_check(&diagram(["MMG", "CGC", "GCC"]), &rule, &LIU_ORDER).pass);
    assert!(!band_check(&diagram(["MGM", "MGC", "GCC"]), &rule, &LIU_ORDER).pass);
    // Comprehension right after memorization in a row is in order (the band is only reported thin there).
    assert!(band_check(&diagram(["MMC", "MGC", "GCC"]), &rule, &LIU_ORDER).pass);
    // Without grokking next to both others somewhere, the check says nothing.
    assert!(!band_check(&diagram(["MMM", "MCC", "CCC"]), &rule, &LIU_ORDER).pass);
}

fn rqi_run(end: f64, test_acc: f64) -> RqiRun {
    RqiRun {
        seed: 0,
        modular: [0.0, 0.0, end],
        integer: [0.0, 0.0, 0.0],
        peak: [end, 0.0],
        concentration: [0.1, 0.1, if end > 0.5 { 0.1 } else { 0.5 }],
        test_acc,
    }
}

#[test]
fn t9_rqi_check_fails_when_its_claim_fails() {
    let low = [rqi_run(0.01, 1.0), rqi_run(0.02, 0.99)];
    assert!(rqi_check(&low, 0.95, Status::FalseAsStated).pass);
    assert!(!rqi_check(&low, 0.95, Status::Empirical).pass);
    // A generalized net with a structured embedding refutes "false as stated".
    let structured = [rqi_run(0.01, 1.0), rqi_run(0.97, 1.0)];
    assert!(!rqi_check(&structured, 0.95, Status::FalseAsStated).pass);
    // The wrong threshold (anything counts as structured) turns the verdict.
    assert!(!rqi_check(&low, 0.0, Status::FalseAsStated).pass);
    // No generalized net: nothing to say.
    assert!(!rqi_check(&[rqi_run(0.0, 0.2)], 0.95, Status::FalseAsStated).pass);
}

#[test]
fn t9_circle_check_fails_when_the_concentration_does_not_rise() {
    let rising = [rqi_run(0.0, 1.0), rqi_run(0.01, 0.95)];
    assert!(circle_check(&rising, CIRCLE_RISE).pass);
    assert!(!circle_check(&rising, 10.0).pass, "a tenfold rise is not measured");
    let flat = [rqi_run(0.0, 1.0), rqi_run(0.97, 1.0)];
    assert!(!circle_check(&flat, CIRCLE_RISE).pass, "one net stays flat");
    assert!(!circle_check(&[rqi_run(0.0, 0.2)], CIRCLE_RISE).pass, "none generalized");
}

#[test]
fn t9_critical_check_fails_when_a_run_generalizes_below_f_c() {
    let above = [(0.4, 0.2), (0.7, 1.0)];
    assert!(critical_check(23, [0.1, 0.1], &[0.05, 0.1], &above).pass);
    assert!(!critical_check(23, [0.1, 0.1], &[0.05, 0.95], &above).pass);
    assert!(!critical_check(23, [0.1, 0.1], &[], &above).pass, "no run");
}

#[test]
fn t9_the_pinned_share_grows_with_the_fraction_and_reaches_one() {
    for sum in [Sum::Modular, Sum::Integer] {
        let shares: Vec<f64> = [0.02, 0.2, 0.9]
            .iter()
            .map(|&f| pinned_share(13, f, sum, 10).unwrap())
            .collect();
        assert_eq!(shares[0], 0.0, "{sum:?}: 3 pairs cannot pin 26 unknowns");
        assert_eq!(shares[2], 1.0, "{sum:?}: 90% of the table pins it");
        let f_c = critical_fraction(13, sum, 10).unwrap();
        assert!(f_c > 0.02 && f_c <= 0.9, "{sum:?}: {f_c}");
    }
}
