//! T4-stiefel: the distance to the scaled Stiefel manifold (closed form against a brute-force scan of the
//! scale), and the ledger's training checks.

use grokking::measure::spectrum::{
    mean_singular_value, nearest_scaled_stiefel, stiefel_distance, stiefel_penalty,
    stiefel_penalty_gradient,
};
use grokking::rng::gaussian_matrix;
use nalgebra::DMatrix;
use proptest::prelude::*;

fn gaussian(seed: u64, m: usize, n: usize) -> DMatrix<f64> {
    gaussian_matrix(&mut grokking::rng::indexed(seed, 0), m, n, 1.0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// The closed form equals |W - r polar(W)| / |W| at the best r found by a scan, and the nearest point
    /// is at distance zero from the manifold.
    #[test]
    fn t4_distance_is_the_best_scaled_polar_fit(seed in any::<u64>(), m in 2usize..12, n in 2usize..12) {
        let w = gaussian(seed, m, n);
        let q = grokking::optim::muon::exact_polar(&w);
        let best = (0..=4000)
            .map(|i| 3.0 * i as f64 / 4000.0 * w.norm() / (m.min(n) as f64).sqrt())
            .map(|r| (&w - &q * r).norm() / w.norm())
            .fold(f64::INFINITY, f64::min);
        let d = stiefel_distance(&w);
        prop_assert!(d <= best + 1e-12 && best - d < 1e-3, "closed form {} vs scan {}", d, best);
        prop_assert!(stiefel_distance(&nearest_scaled_stiefel(&w)) < 1e-6);
        // Mutation: dropping the 1/k gives a different (wrong) value on a generic matrix.
        let s = w.clone().svd(false, false).singular_values;
        let wrong = (1.0 - s.sum().powi(2) / s.norm_squared()).abs().sqrt();
        prop_assert!((wrong - d).abs() > 1e-6);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    /// The soft pull's direction is the penalty's gradient: grad P = W - rbar polar(W) against central
    /// differences of P(W) = (sum sigma^2 - (sum sigma)^2 / k) / 2 (a generic Gaussian matrix has full rank
    /// and distinct singular values, where P is smooth). Mutation: without the factor rbar the gradient
    /// is wrong.
    #[test]
    fn t4_penalty_gradient_matches_finite_differences(seed in any::<u64>(), m in 2usize..9, n in 2usize..9) {
        // Scaled to mean singular value 3: the mutant differs from the gradient by (rbar - 1) polar(W),
        // which vanishes for a matrix whose mean singular value happens to be near 1 (such a draw made
        // the mutation check fail, 5.6e-4; the case is in proptest-regressions/).
        let w = gaussian(seed, m, n);
        let w = &w * (3.0 / mean_singular_value(&w));
        let g = stiefel_penalty_gradient(&w);
        let h = 1e-6;
        let mut worst: f64 = 0.0;
        let mut worst_mutant: f64 = 0.0;
        let mutant = &w - grokking::optim::muon::exact_polar(&w);
        for i in 0..m {
            for j in 0..n {
                let (mut up, mut down) = (w.clone(), w.clone());
                up[(i, j)] += h;
                down[(i, j)] -= h;
                let fd = (stiefel_penalty(&up) - stiefel_penalty(&down)) / (2.0 * h);
                worst = worst.max((fd - g[(i, j)]).abs());
                worst_mutant = worst_mutant.max((fd - mutant[(i, j)]).abs());
            }
        }
        prop_assert!(worst < 1e-6 * (1.0 + g.norm()), "worst {}", worst);
        prop_assert!(worst_mutant > 1e-3, "mutant {}", worst_mutant);
    }

    /// One pull step W - gamma grad P keeps the mean singular value and the singular vectors and scales
    /// every deviation sigma_i - rbar by 1 - gamma, so the absolute distance to the manifold shrinks by
    /// exactly 1 - gamma.
    #[test]
    fn t4_pull_contracts_the_spread_of_singular_values(seed in any::<u64>(), m in 2usize..9, n in 2usize..9, gamma in 0.01f64..1.0) {
        let w = gaussian(seed, m, n);
        let pulled = &w - stiefel_penalty_gradient(&w) * gamma;
        let rbar = mean_singular_value(&w);
        prop_assert!((mean_singular_value(&pulled) - rbar).abs() < 1e-10 * (1.0 + rbar));
        let before = w.clone().svd(false, false).singular_values;
        let after = pulled.clone().svd(false, false).singular_values;
        for (b, a) in before.iter().zip(after.iter()) {
            prop_assert!((a - (rbar + (1.0 - gamma) * (b - rbar))).abs() < 1e-10 * (1.0 + rbar));
        }
        let absolute = |x: &DMatrix<f64>| stiefel_distance(x) * x.norm();
        prop_assert!((absolute(&pulled) - (1.0 - gamma) * absolute(&w)).abs() < 1e-6 * (1.0 + absolute(&w)));
    }
}


/// A recorded point of a synthetic run.
fn point(step: u64, train_acc: f64, test_acc: f64, distance: f64) -> super::Point {
    super::Point {
        step,
        train_acc,
        test_acc,
        distance: [distance, distance],
        fro: [1.0, 1.0],
    }
}

/// A synthetic run: memorizes at step 100 if `memorizes`, groks at step 300 if `groks`, and its distance to
/// the manifold goes from 1 to `final_distance` after step 100 (0 throughout when it is held there).
fn synthetic(memorizes: bool, groks: bool, final_distance: f64, held: bool) -> Vec<super::Point> {
    let train = |t: u64| if memorizes && t >= 100 { 1.0 } else { 0.5 };
    let test = |t: u64| if groks && t >= 300 { 1.0 } else { 0.05 };
    let distance = |t: u64| match (held, t >= 100) {
        (true, _) => 0.0,
        (false, false) => 1.0,
        (false, true) => final_distance,
    };
    (0..=4)
        .map(|i| i * 100)
        .map(|t| point(t, train(t), test(t), distance(t)))
        .collect()
}

/// A synthetic run whose watched accuracy rises steadily and is still moving when it ends (undecided).
fn still_moving() -> Vec<super::Point> {
    (0..=4)
        .map(|i| point(i * 100, 0.1 + 0.1 * i as f64, 0.1 + 0.1 * i as f64, 0.0))
        .collect()
}

/// Runs for which every claim of the ledger holds, built by hand: Muon's W1 distance falls to 0.3 after
/// t_mem, AdamW's stays at 0.9; in each of two seeds the free net memorizes random labels and groks, the
/// held net does neither (flat, so its plateau test decides) and the sphere-held net, off the manifold,
/// does neither; the swept constraint (held at 4 times the scale) memorizes random labels and does not
/// grok. The plateau window is 200 steps.
fn runs_where_the_claims_hold() -> super::Runs {
    use super::{ConstrainedPair, Constraint, Plateau, Runs, SeedDesign, SeedRuns};
    let pair = |constraint, random, truth| ConstrainedPair {
        constraint,
        random,
        truth,
    };
    let seed = |seed| SeedRuns {
        seed,
        free: pair(
            Constraint::Free,
            synthetic(true, false, 1.0, false),
            synthetic(true, true, 0.9, false),
        ),
        held: pair(
            Constraint::Held { scale: 1.0 },
            synthetic(false, false, 0.0, true),
            synthetic(false, false, 0.0, true),
        ),
        sphere: pair(
            Constraint::Sphere { scale: 1.0 },
            synthetic(false, false, 0.3, false),
            synthetic(false, false, 0.3, false),
        ),
    };
    Runs {
        designs: [(97, 0.4, 500), (23, 0.7, 500)],
        cmp_adamw: synthetic(true, true, 0.9, false),
        cmp_muon: synthetic(true, true, 0.3, false),
        seed_design: SeedDesign {
            p: 23,
            frac: 0.7,
            seeds: 2,
            cap: 400,
            every: 100,
            plateau: Plateau {
                window: 200,
                tolerance: super::PLATEAU_TOLERANCE,
            },
        },
        seeds: vec![seed(0), seed(1)],
        swept: vec![pair(
            Constraint::Held { scale: 4.0 },
            synthetic(true, false, 0.0, true),
            synthetic(true, false, 0.0, true),
        )],
    }
}

/// Each of the six ledger checks passes on runs where its claim holds and goes red, through its own pass
/// flag, when the runs are changed so that the claim fails (the checks read only the recorded points, so
/// hand-built runs exercise their whole logic without training).
#[test]
fn t4_checks_fail_when_their_claims_fail() {
    use super::{
        held_does_not_grok, held_refuses_random_labels, muon_approaches_the_manifold,
        no_constraint_does_both, scale_not_geometry, the_manifold_keeps_the_basin, ConstrainedPair,
        Constraint, CONSTRAINED_DISTANCE,
    };
    let holds = runs_where_the_claims_hold();
    let checks = [
        muon_approaches_the_manifold,
        held_refuses_random_labels,
        held_does_not_grok,
        scale_not_geometry,
        the_manifold_keeps_the_basin,
        no_constraint_does_both,
    ];
    for check in checks {
        let c = check(&holds);
        assert!(c.pass, "{}: {}", c.claim, c.measured);
    }

    type Mutation = fn(&mut super::Runs);
    type Verdict = fn(&super::Runs) -> crate::Check;
    let mutants: [(&str, Verdict, Mutation); 17] = [
        ("optimizers swapped", muon_approaches_the_manifold, |r| {
            std::mem::swap(&mut r.cmp_adamw, &mut r.cmp_muon)
        }),
        ("a held net memorizes", held_refuses_random_labels, |r| {
            r.seeds[1].held.random = synthetic(true, false, 0.0, true)
        }),
        ("a held net still moving at the cap", held_refuses_random_labels, |r| {
            r.seeds[0].held.random = still_moving()
        }),
        ("a free net does not memorize", held_refuses_random_labels, |r| {
            r.seeds[1].free.random = synthetic(false, false, 1.0, false)
        }),
        ("a held net off the manifold", held_refuses_random_labels, |r| {
            r.seeds[0].held.random[2].distance = [10.0 * CONSTRAINED_DISTANCE; 2]
        }),
        ("no seeds", held_refuses_random_labels, |r| r.seeds.clear()),
        ("a held net groks", held_does_not_grok, |r| {
            r.seeds[1].held.truth = synthetic(true, true, 0.0, true)
        }),
        ("a held net's test accuracy still moving at the cap", held_does_not_grok, |r| {
            r.seeds[1].held.truth = still_moving()
        }),
        ("a free net does not grok", held_does_not_grok, |r| {
            r.seeds[0].free.truth = synthetic(true, false, 0.9, false)
        }),
        ("a sphere-held net memorizes", scale_not_geometry, |r| {
            r.seeds[1].sphere.random = synthetic(true, false, 0.3, false)
        }),
        ("a sphere-held net groks", scale_not_geometry, |r| {
            r.seeds[0].sphere.truth = synthetic(true, true, 0.3, false)
        }),
        ("a sphere-held net still moving", scale_not_geometry, |r| {
            r.seeds[0].sphere.truth = still_moving()
        }),
        ("the sphere-held nets on the manifold", scale_not_geometry, |r| {
            for s in &mut r.seeds {
                s.sphere.random = synthetic(false, false, 0.0, true);
            }
        }),
        ("no seeds for the sphere", scale_not_geometry, |r| r.seeds.clear()),
        ("no swept net memorizes", the_manifold_keeps_the_basin, |r| {
            r.swept[0].random = synthetic(false, false, 0.0, true)
        }),
        ("a constraint that does both", no_constraint_does_both, |r| {
            r.swept.push(ConstrainedPair {
                constraint: Constraint::Pull { rate: 0.1 },
                random: synthetic(false, false, 0.0, true),
                truth: synthetic(true, true, 0.0, true),
            })
        }),
        ("the swept pair replaced by one that does both", no_constraint_does_both, |r| {
            r.swept[0].random = synthetic(false, false, 0.0, true);
            r.swept[0].truth = synthetic(true, true, 0.0, true);
        }),
    ];
    for (what, check, mutate) in mutants {
        let mut r = runs_where_the_claims_hold();
        mutate(&mut r);
        assert!(!check(&r).pass, "{what}");
    }
}


/// The plateau test: a flat run is decided at the window, not before; a rising one stays undecided; a
/// run that reaches 99% is decided by that; a noisy but flat run (alternating by twice the tolerance)
/// counts as flat, a step of three tolerances between the half-windows does not; bad rules are errors.
#[test]
fn t4_plateau_test_decides_only_what_it_should() {
    use super::{train_tracked, Constraint, Outcome, Plateau, Until, Watched, PLATEAU_TOLERANCE};
    let rule = Until {
        watched: Watched::Test,
        plateau: Plateau {
            window: 200,
            tolerance: PLATEAU_TOLERANCE,
        },
    };
    let run = |accs: &[f64]| -> Vec<super::Point> {
        accs.iter()
            .enumerate()
            .map(|(i, &a)| point(50 * i as u64, 0.5, a, 0.0))
            .collect()
    };
    let flat = run(&[0.05; 5]);
    assert_eq!(rule.outcome(&flat[..4]), Outcome::Budget(150, 0.05), "before the window");
    assert_eq!(rule.outcome(&flat), Outcome::Plateau(200, 0.05));
    assert!(matches!(rule.outcome(&still_moving()), Outcome::Budget(..)));
    assert_eq!(rule.outcome(&run(&[0.0, 0.5, 1.0])), Outcome::Reached(100));
    let t = PLATEAU_TOLERANCE;
    let noisy = run(&[0.1, 0.1 + 2.0 * t, 0.1, 0.1 + 2.0 * t, 0.1]);
    assert!(matches!(rule.outcome(&noisy), Outcome::Plateau(..)));
    let stepped = run(&[0.1, 0.1, 0.1, 0.1 + 3.0 * t, 0.1 + 3.0 * t]);
    assert!(matches!(rule.outcome(&stepped), Outcome::Budget(..)));

    let config = grokking::config::canonical_add(
        5,
        0.5,
        grokking::optim::OptimizerConfig::AdamW(grokking::config::CANONICAL_ADAMW),
        10,
        0,
    );
    for plateau in [
        Plateau { window: 1, tolerance: 0.01 },
        Plateau { window: 100, tolerance: 1.0 },
        Plateau { window: 100, tolerance: -0.1 },
    ] {
        let until = Some(Until { watched: Watched::Train, plateau });
        assert!(train_tracked(&config, grokking::task::Labels::True, Constraint::Free, 5, until).is_err());
    }
    let sphere = Constraint::Sphere { scale: 0.0 };
    assert!(train_tracked(&config, grokking::task::Labels::True, sphere, 5, None).is_err());
}
