//! T11-varma: each ledger check fed fits and runs in which its claim holds or fails.

use super::*;
use grokking::evaluation::EvalRecord;

fn fit(n: usize, e: f64) -> MemoryFit {
    MemoryFit {
        n,
        efficiency: Some(e),
    }
}

fn net(efficiency: f64, ungrokked: &[(f64, f64)]) -> Grokked {
    Grokked {
        seed: 0,
        efficiency: Some(efficiency),
        worst: [None, None],
        test_acc: 1.0,
        ungrokked: ungrokked.to_vec(),
    }
}

#[test]
fn t11_the_crossing_is_where_the_power_law_meets_the_circuit() {
    // E_mem = 2 n^0.5 meets E_gen = 20 at n = 100.
    let fits: Vec<MemoryFit> = [25, 100, 400].iter().map(|&n| fit(n, 2.0 * (n as f64).sqrt())).collect();
    let (b, e_gen, n_star) = crossing(&fits, &[net(20.0, &[])]).unwrap();
    assert!((b - 0.5).abs() < 1e-12 && e_gen == 20.0 && (n_star - 100.0).abs() < 1e-9);
}

#[test]
fn t11_checks_fail_when_their_claims_fail() {
    let growing: Vec<MemoryFit> = [25, 100, 400].iter().map(|&n| fit(n, 2.0 * (n as f64).sqrt())).collect();
    let flat: Vec<MemoryFit> = [25, 100, 400].iter().map(|&n| fit(n, 20.0)).collect();
    let circuit = [net(20.0, &[])];
    assert!(efficiency_check(&growing, &circuit, 23, GROWTH).pass);
    assert!(!efficiency_check(&flat, &circuit, 23, GROWTH).pass, "no growth");
    assert!(!efficiency_check(&growing, &circuit, 23, 0.8).pass, "a faster growth than measured");
    assert!(!efficiency_check(&growing, &[net(2000.0, &[])], 23, GROWTH).pass, "crossing beyond the table");

    // Lost at 0.1, kept from 0.4: the edge sqrt(0.1 * 0.4) = 0.2.
    let ungrok = [(0.1, 0.05), (0.2, 0.6), (0.4, 0.95), (0.8, 1.0)];
    let two = [net(20.0, &ungrok), net(20.0, &ungrok)];
    assert!(ungrokking_check(&two, Some(0.2), UNGROK_FACTOR).pass);
    assert!(!ungrokking_check(&two, Some(0.5), UNGROK_FACTOR).pass, "f* 2.5 times the edge");
    assert!(!ungrokking_check(&two, Some(0.25), 1.1).pass, "a tighter factor");
    let stays = [(0.1, 0.95), (0.2, 0.97), (0.4, 0.99), (0.8, 1.0)];
    assert!(!ungrokking_check(&[net(20.0, &stays)], Some(0.2), UNGROK_FACTOR).pass, "no ungrokking");
    let mixed = [(0.1, 0.05), (0.2, 0.95), (0.4, 0.3), (0.8, 1.0)];
    assert!(!ungrokking_check(&[net(20.0, &mixed)], Some(0.2), UNGROK_FACTOR).pass, "lost above kept");
    assert!(!ungrokking_check(&two, None, UNGROK_FACTOR).pass, "no prediction");
}

/// Evaluations every 100 steps to `end`: training accuracy 1 from step 100, test accuracy `test(step)`.
fn run(end: u64, test: impl Fn(u64) -> f64) -> Vec<EvalRecord> {
    (0..=end / 100)
        .map(|k| {
            let step = 100 * k;
            EvalRecord {
                step,
                train_loss: 0.0,
                train_acc: if step >= 100 { 1.0 } else { 0.0 },
                test_loss: 0.0,
                test_acc: test(step),
                w1_norm: 0.0,
                w2_norm: 0.0,
                weight_norm: 0.0,
                fourier_concentration: None,
                fourier_ipr: None,
                restricted_loss: None,
                restricted_test_loss: None,
                excluded_loss: None,
            }
        })
        .collect()
}

/// A saturating rise to `level` with time constant `tau` steps.
fn rise(level: f64, tau: f64) -> impl Fn(u64) -> f64 {
    move |t| level * (1.0 - (-(t as f64) / tau).exp())
}

#[test]
fn t11_outcome_tells_semi_grokking_from_its_lookalikes() {
    assert_eq!(outcome(&run(20_000, rise(0.85, 3000.0))), Outcome::Semi);
    assert_eq!(outcome(&run(20_000, rise(1.0, 1000.0))), Outcome::Full);
    assert_eq!(outcome(&run(20_000, |_| 0.01)), Outcome::Chance);
    // Still rising: 0.6 at the end, 0.45 two thirds of the way.
    assert_eq!(outcome(&run(20_000, rise(0.85, 15_000.0))), Outcome::Unsettled);
    // Partial from the start: half the final accuracy at step 100, as soon as it fits.
    assert_eq!(outcome(&run(20_000, |t| if t >= 100 { 0.6 } else { 0.0 })), Outcome::Unsettled);
    assert_eq!(outcome(&[]), Outcome::Chance);
    assert_eq!(majority(&[Outcome::Semi, Outcome::Semi, Outcome::Full]), Outcome::Semi);
    assert_eq!(majority(&[Outcome::Semi, Outcome::Full]), Outcome::Unsettled);
}

fn scan(frac: f64, o: Outcome) -> Scratch {
    Scratch {
        frac,
        outcomes: vec![o, o],
        finals: vec![0.5, 0.5],
    }
}

#[test]
fn t11_semi_grokking_check_fails_when_its_claim_fails() {
    use Outcome::*;
    let seen = [scan(0.4, Chance), scan(0.55, Semi), scan(0.7, Full)];
    assert!(semi_grokking_check(&seen, Some(0.48), UNGROK_FACTOR).pass);
    assert!(!semi_grokking_check(&seen, Some(0.3), UNGROK_FACTOR).pass, "semi far above f*");
    assert!(!semi_grokking_check(&seen, None, UNGROK_FACTOR).pass, "no prediction");
    let none = [scan(0.4, Chance), scan(0.55, Full), scan(0.7, Full)];
    assert!(!semi_grokking_check(&none, Some(0.48), UNGROK_FACTOR).pass, "no semi-grokking");
    let rising = [scan(0.4, Chance), scan(0.55, Unsettled), scan(0.7, Full)];
    assert!(!semi_grokking_check(&rising, Some(0.48), UNGROK_FACTOR).pass, "still rising");
    let back = [scan(0.4, Semi), scan(0.55, Full), scan(0.7, Chance)];
    assert!(!semi_grokking_check(&back, Some(0.48), UNGROK_FACTOR).pass, "chance above full");
}
