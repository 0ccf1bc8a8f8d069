//! T11-varma: each ledger check fed fits and runs in which its claim holds or fails.

use super::*;

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
