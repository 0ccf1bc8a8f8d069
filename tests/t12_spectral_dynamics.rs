//! T12-spectral: the closed forms against their own recurrences on hand-made cases, and each ledger check
//! red with a wrong prediction.

use super::*;

#[test]
fn t12_closed_forms_solve_their_recurrences() {
    let (lr, wd, y) = (0.01, 0.1, 7.0);
    for t in 0..500 {
        // GD with L2 decay: sigma+ = sigma - lr (sigma - y + wd sigma).
        let g = gd_closed_form(0.3, y, lr, wd, t);
        let next = g - lr * (g - y + wd * g);
        assert!((gd_closed_form(0.3, y, lr, wd, t + 1) - next).abs() < 1e-12);
        // A constant push c under decoupled decay: sigma+ = (1 - lr wd) sigma + lr c.
        let a = ceiling_approach(0.3, 1.5, lr, wd, t);
        let next = (1.0 - lr * wd) * a + lr * 1.5;
        assert!((ceiling_approach(0.3, 1.5, lr, wd, t + 1) - next).abs() < 1e-12);
    }
    // The crossing step is the first step at or above y; none above the ceiling 15.
    let t = crossing_step(0.3, y, 1.5, lr, wd).unwrap();
    assert!(ceiling_approach(0.3, 1.5, lr, wd, t - 1) < y && ceiling_approach(0.3, 1.5, lr, wd, t) >= y);
    assert_eq!(crossing_step(0.3, 16.0, 1.5, lr, wd), None);
    // One mode sees x = 1: its rest point is the one-mode ceiling s phi^5(1) / lambda.
    let one = ns_fixed_points(&[40.0], 1.2, wd, 5).unwrap();
    assert!((one[0] - 1.2 * iterate(1.0, 5) / wd).abs() < 1e-9);
    // AdamW's rest point solves lambda sigma = g / (g + eps), and lies just below 1/lambda.
    let rest = adam_rest_point(20.0, wd, 1e-8);
    assert!((wd * rest - (20.0 - rest) / (20.0 - rest + 1e-8)).abs() < 1e-14 && rest < 10.0);
    assert!((adam_kappa(&CANONICAL_ADAM) - 40.0).abs() < 1e-9);
}

#[test]
fn t12_checks_fail_with_wrong_predictions() {
    let d = Design::new(Budget::Quick);
    let s = d.s();
    assert!(gd_check(&d, d.wd).pass);
    assert!(!gd_check(&d, 0.0).pass, "the rest point y (no decay) for y/(1+lambda)");
    assert!(polar_check(&d, s).pass);
    assert!(!polar_check(&d, 1.0).pass, "the ceiling 1/lambda without the shape factor");
    assert!(!polar_check(&d, s * muon::c_ns()).pass, "Newton-Schulz's supremum for the exact polar factor");
    assert!(band_check(&d, 1.0).pass);
    assert!(!band_check(&d, 0.9).pass, "a band 10% narrower");
    let omega = iterate(1.0, muon::NS_STEPS);
    assert!(ns_check(&d, omega, true).pass);
    assert!(!ns_check(&d, 1.0, true).pass, "the ideal polar factor's 1 for phi^5(1)");
    assert!(!ns_check(&d, omega, false).pass, "one ceiling for every mode");
    assert!(adam_check(&d, 40.0).pass);
    assert!(!adam_check(&d, 0.0).pass, "no lag: pure sign descent");
    assert!(!adam_check(&d, 80.0).pass, "twice the lag");
    assert!(!adam_check(&d, -40.0).pass, "a lead instead of a lag");
}
