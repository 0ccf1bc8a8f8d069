//! T3-norm: the Newton–Schulz constants, the operator-norm bound of the implemented Muon over random
//! runs, its near-tightness, AdamW's contrasting worst case, and mutations that must fail.

use super::{
    adamw_reaches_sqrt_mn, adamw_sign_ratio, bound_is_attained, bound_on_a_real_run,
    bound_over_random_runs, c_ns, c_ns_is_the_supremum, grid_sup, iterate, norm_bound,
    quintic_argmax, quintic_facts, random_run_ratio, tight_ratio, ADAM_REACH, GRID_GAP, NS_STEPS,
    ROUND_OFF, TIGHTNESS,
};
use crate::Budget;
use grokking::optim::muon;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    #[test]
    fn t3_op_norm_never_exceeds_bound(seed in any::<u64>()) {
        let mut rng = grokking::rng::child(seed, grokking::rng::Stream::Init);
        let ratio = random_run_ratio(&mut rng, 40, c_ns()).unwrap();
        prop_assert!(ratio <= 1.0 + ROUND_OFF, "|W_t| / bound = {ratio}");
    }

    /// Every input in (0, 1] stays below c_NS after 1 to 8 iterations.
    #[test]
    fn t3_iterated_quintic_stays_below_c_ns(x in 1e-12f64..1.0, k in 1usize..9) {
        prop_assert!(iterate(x, k) <= c_ns() + 1e-12);
        prop_assert!(iterate(x, k) > 0.0);
    }
}

#[test]
fn t3_newton_schulz_constants() {
    assert!((c_ns() - 1.2023686).abs() < 1e-7, "{}", c_ns());
    assert!((quintic_argmax() - 0.5545288).abs() < 1e-7);
    let f = quintic_facts(NS_STEPS);
    assert!(f.discriminant < 0.0 && f.local_min > 0.0 && f.phi_at_c < c_ns());
    assert!(f.min_iterate_of_one > quintic_argmax());
    let sup = grid_sup(NS_STEPS, 200_000);
    assert!(sup <= c_ns() && c_ns() - sup < GRID_GAP, "grid sup {sup}");
}

/// The bound is attained, so the constant cannot be lowered: with c_NS replaced by 1 (the value of an
/// exact orthogonalization) the same run breaks it by the factor c_NS.
#[test]
fn t3_bound_is_tight_and_its_constant_cannot_be_one() {
    let ratio = tight_ratio(0.02, 1.0, 200, c_ns()).unwrap();
    assert!((TIGHTNESS..=1.0 + ROUND_OFF).contains(&ratio), "ratio {ratio}");
    let with_one = ratio * norm_bound(0.0, 0.02, 1.0, 1.0, c_ns(), 200)
        / norm_bound(0.0, 0.02, 1.0, 1.0, 1.0, 200);
    assert!(
        with_one > 1.19,
        "a bound with constant 1 must fail: {with_one}"
    );
}

/// AdamW's updates reach operator norm sqrt(mn): for the canonical first layer that is 161 times
/// Muon's bound.
#[test]
fn t3_adamw_worst_case_is_sqrt_mn() {
    let ratio = adamw_sign_ratio(256, 194, 3e-3, 1.0, 30, (256.0f64 * 194.0).sqrt());
    assert!((ratio - 1.0).abs() < ADAM_REACH, "ratio {ratio}");
    let advantage = (256.0f64 * 194.0).sqrt() / (muon::shape_factor(256, 194) * c_ns());
    assert!(advantage > 150.0);
}


/// The five ledger checks pass with c_NS and go red through their own pass flags with a wrong constant: a
/// supremum off by ten grid gaps either way; no update term at all (pure decay) for the random runs and the
/// real run; the constant 1 of an exact orthogonalization and a 1% looser one for the attaining run (too
/// tight, too loose); Muon's own bound in place of AdamW's sqrt(mn).
#[test]
fn t3_checks_fail_with_wrong_constants() {
    let c = c_ns();
    assert!(c_ns_is_the_supremum(c).pass);
    assert!(!c_ns_is_the_supremum(c - 10.0 * GRID_GAP).pass);
    assert!(!c_ns_is_the_supremum(c + 10.0 * GRID_GAP).pass);
    assert!(bound_over_random_runs(40, 30, c).unwrap().pass);
    assert!(!bound_over_random_runs(40, 30, 0.0).unwrap().pass);
    assert!(bound_is_attained(c).unwrap().pass);
    assert!(!bound_is_attained(1.0).unwrap().pass);
    assert!(!bound_is_attained(1.01 * c).unwrap().pass);
    assert!(adamw_reaches_sqrt_mn(|m, n| ((m * n) as f64).sqrt()).pass);
    assert!(!adamw_reaches_sqrt_mn(|m, n| muon::shape_factor(m, n) * c_ns()).pass);
    assert!(bound_on_a_real_run(Budget::Quick, c).unwrap().pass);
    assert!(!bound_on_a_real_run(Budget::Quick, 0.0).unwrap().pass);
}
