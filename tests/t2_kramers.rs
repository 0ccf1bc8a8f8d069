//! T2-kramers: exact first passage, Kramers asymptotics, Eyring–Kramers, and the Langevin simulator.

use super::{
    eyring_kramers_time, kramers_correction, kramers_time, simulate, simulation, tolerance,
    CubicWell, KRAMERS_FIRST_ORDER, KRAMERS_HEIGHTS, SECOND_ORDER_BOUND,
};
use crate::Budget;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4))]
    #[test]
    fn t2_simulated_escape_time_matches_the_exact_first_passage(h in 3.0f64..5.0, seed in any::<u64>()) {
        let well = CubicWell::new(h).unwrap();
        let (exact, s) = (well.exact_time(), simulate(&well, 1000, seed));
        prop_assert!(
            (s.mean - exact).abs() <= tolerance(exact, &s),
            "h {}: simulated {} ± {}, exact {}", h, s.mean, s.std_err, exact
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// A saddle and a minimum that differ only along x: Eyring–Kramers reduces to 1-D Kramers.
    #[test]
    fn t2_eyring_kramers_reduces_to_kramers_for_separable_potentials(
        a in 0.1f64..10.0, b in 0.1f64..10.0, k in prop::collection::vec(0.1f64..10.0, 0..4),
        barrier in 0.0f64..10.0, t in 0.1f64..3.0,
    ) {
        let min: Vec<f64> = std::iter::once(a).chain(k.iter().copied()).collect();
        let saddle: Vec<f64> = std::iter::once(-b).chain(k.iter().copied()).collect();
        let ek = eyring_kramers_time(&min, &saddle, barrier, t).unwrap();
        let kr = kramers_time(a, -b, barrier, t);
        prop_assert!((ek / kr - 1.0).abs() < 1e-12);
    }
}

/// Mutation: the simulator is sharp enough to reject Kramers' leading-order time at h = 3, which is
/// 11% off the exact one.
#[test]
fn t2_simulation_rejects_the_uncorrected_kramers_time_at_a_low_barrier() {
    let well = CubicWell::new(3.0).unwrap();
    let s = simulate(&well, 4000, 11);
    let (exact, kramers) = (well.exact_time(), well.kramers_time());
    assert!((s.mean - exact).abs() <= tolerance(exact, &s));
    assert!(
        (s.mean - kramers).abs() > tolerance(kramers, &s),
        "simulated {} ± {}, Kramers {kramers}",
        s.mean,
        s.std_err
    );
}

/// Mutation: a first-order correction half as large (only one Laplace integral corrected) breaks the
/// second-order bound.
#[test]
fn t2_the_kramers_correction_is_five_eighteenths() {
    let dev = |c: f64| {
        KRAMERS_HEIGHTS
            .iter()
            .map(|&h| {
                let w = CubicWell::new(h).unwrap();
                h * h * (w.exact_time() / w.kramers_time() - 1.0 - c / h).abs()
            })
            .fold(0.0, f64::max)
    };
    assert!(dev(KRAMERS_FIRST_ORDER) <= SECOND_ORDER_BOUND);
    assert!(dev(KRAMERS_FIRST_ORDER / 2.0) > SECOND_ORDER_BOUND);
}

#[test]
fn t2_bad_inputs_are_errors() {
    assert!(CubicWell::new(0.0).is_err() && CubicWell::new(f64::NAN).is_err());
    assert!(eyring_kramers_time(&[1.0, 1.0], &[1.0, 1.0], 1.0, 1.0).is_err());
    assert!(eyring_kramers_time(&[1.0, -1.0], &[-1.0, 1.0], 1.0, 1.0).is_err());
    assert!(eyring_kramers_time(&[1.0], &[-1.0, 1.0], 1.0, 1.0).is_err());
}


/// Both ledger checks go red through their own pass flags with a wrong prediction: the escape time without
/// Kramers' 2 pi (a prefactor convention slip) or twice the exact time for the simulator; half the first
/// correction (5/36, one of the two Laplace expansions) or none for Kramers' law.
#[test]
fn t2_kramers_checks_fail_with_wrong_predictions() {
    assert!(simulation(Budget::Quick, CubicWell::exact_time).unwrap().pass);
    fn without_two_pi(w: &CubicWell) -> f64 {
        w.exact_time() / (2.0 * std::f64::consts::PI)
    }
    fn doubled(w: &CubicWell) -> f64 {
        2.0 * w.exact_time()
    }
    assert!(!simulation(Budget::Quick, without_two_pi).unwrap().pass);
    assert!(!simulation(Budget::Quick, doubled).unwrap().pass);
    assert!(kramers_correction(KRAMERS_FIRST_ORDER).unwrap().pass);
    assert!(!kramers_correction(KRAMERS_FIRST_ORDER / 2.0).unwrap().pass);
    assert!(!kramers_correction(0.0).unwrap().pass);
}
