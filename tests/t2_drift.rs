//! T2-drift: full-batch grokking (against the Arrhenius mechanism), the 1/lambda drift law, and Adam's
//! epsilon as a hidden variable of the clock.

use super::{
    delayed, drift_in_eta, drift_in_lambda, drift_slope, eps_moves_the_clock,
    f32_collapses_at_small_eps, full_batch_groks, held_out_prediction, injected_temperature, measure, measure_batches,
    measure_eps, measure_rates, median_t_grok, nets_rest_at_the_rest_point, no_arrhenius,
    norm_separation, plateaus,
    resting_gradient, runs_at, Design, Run, EPS_FACTOR, NOISE_SPREAD, PRECISION_FACTOR, REST_FACTOR,
    SLOPE_TOLERANCE,
};
use crate::Budget;
use grokking::config;
use grokking::train::Precision;

fn run(t: Option<u64>) -> Run {
    Run {
        t_grok: t,
        norm_at_mem: None,
        norm_at_grok: None,
        last_norm: 1.0,
        last_train_loss: 1.0,
    }
}

#[test]
fn t2_drift_resting_gradient_is_a_fixed_point_of_adamw() {
    // A coordinate with a steady gradient g at the rest weight stays there under the crate's AdamW update
    // (after the moments have converged), and the rest gradient increases with |theta|.
    use grokking::optim::adamw::{self, AdamWConfig};
    use nalgebra::DMatrix;
    let (eps, wd) = (1e-8, 0.5);
    for theta in [0.1, 0.43, 1.5] {
        let g = resting_gradient(eps, wd, theta);
        let c = AdamWConfig {
            lr: 3e-3,
            weight_decay: wd,
            eps,
            ..config::CANONICAL_ADAMW
        };
        let mut w = DMatrix::from_element(1, 1, theta);
        let mut state = adamw::State::new(&w);
        for _ in 0..5000 {
            // Moments converge with w held at theta; then one update must leave w in place.
            w[(0, 0)] = theta;
            // The gradient opposes the weight: lambda theta = -g / (|g| + epsilon).
            adamw::step(&c, &mut w, &DMatrix::from_element(1, 1, -g), &mut state);
        }
        assert!((w[(0, 0)] - theta).abs() < 1e-12, "{theta}: {}", w[(0, 0)]);
    }
    assert!(resting_gradient(eps, wd, 0.2) < resting_gradient(eps, wd, 0.4));
    assert_eq!(resting_gradient(eps, wd, 2.0), f64::INFINITY);
}

#[test]
fn t2_drift_delay_counts_never_as_infinitely_late() {
    let reference = [run(Some(1000)), run(Some(1100)), run(Some(900))];
    let late = |t: u64| [run(Some(t)), run(Some(t)), run(None)];
    // Median of (t, t, never) is t: decided by the factor.
    assert!(delayed(&late(3000), &reference, 3.0));
    assert!(!delayed(&late(2900), &reference, 3.0));
    assert!(delayed(&late(1500), &reference, 1.5));
    // Most never grok: infinitely late.
    assert!(delayed(
        &[run(Some(500)), run(None), run(None)],
        &reference,
        100.0
    ));
    // No reference median: no counterexample.
    assert!(!delayed(
        &[run(None); 3],
        &[run(None), run(None), run(Some(1))],
        1.5
    ));
}

/// The quick design: a large epsilon delays grokking at the same eta and lambda; the trained net's
/// gradient settles at AdamW's rest point at three epsilons over seven decades (wrong rest points, and one
/// gradient scale for every epsilon, are rejected); at a small epsilon f32 runs never grok (softmax
/// collapse) while f64 runs of the same seeds do.
#[test]
fn t2_drift_eps_sets_the_plateau_and_the_clock() {
    let design = Design::of(Budget::Quick);
    let data = measure(&design).unwrap();
    let canonical = runs_at(&data, design.temperature_wd);
    let large = measure_eps(&design, design.large_eps, Precision::F32).unwrap();
    assert!(delayed(&large, canonical, EPS_FACTOR), "{large:?}");
    let wd = design.temperature_wd;
    let near = |r: f64| (1.0 / REST_FACTOR..=REST_FACTOR).contains(&r);
    let eps0 = config::CANONICAL_ADAMW.eps;
    let plateaus = plateaus(&design).unwrap();
    let canonical_plateau = plateaus[1].1;
    assert!(nets_rest_at_the_rest_point(&design, &plateaus, resting_gradient).pass);
    assert!(!nets_rest_at_the_rest_point(&design, &plateaus, |eps, _, _| eps).pass);
    assert!(!nets_rest_at_the_rest_point(&design, &plateaus, |_, wd, w| {
        resting_gradient(config::CANONICAL_ADAMW.eps, wd, w)
    })
    .pass);
    for (eps, q) in plateaus {
        assert!(near(q.ratio_to(resting_gradient, eps, wd)), "epsilon {eps}: {q:?}");
        // Mutations: the gradient at epsilon itself; sign-Adam's rest (no epsilon: lambda |theta| = 1);
        // one gradient scale for every epsilon.
        assert!(
            !near(q.gradient / eps),
            "|g| = epsilon accepted at {eps}: {q:?}"
        );
        assert!(wd * q.weight < 1.0 / REST_FACTOR, "{q:?}");
        if eps != eps0 {
            assert!(!near(
                canonical_plateau.gradient / resting_gradient(eps, wd, q.weight)
            ));
        }
    }
    let f32_runs = measure_eps(&design, design.small_eps, Precision::F32).unwrap();
    let f64_runs = measure_eps(&design, design.small_eps, Precision::F64).unwrap();
    assert!(f64_runs.iter().all(|r| r.t_grok.is_some()), "{f64_runs:?}");
    assert!(
        delayed(&f32_runs, &f64_runs, PRECISION_FACTOR),
        "{f32_runs:?}"
    );
    for (a, b) in f32_runs.iter().zip(&f64_runs) {
        assert!(a.last_norm > 2.0 * b.last_norm, "{a:?} {b:?}");
        assert_eq!(a.last_train_loss, 0.0, "softmax collapse in f32: {a:?}");
        assert!(b.last_train_loss > 0.0, "{b:?}");
    }
}

#[test]
fn t2_drift_slope_of_exact_laws() {
    let law = |k: f64| -> Vec<(f64, Vec<Run>)> {
        [0.25, 0.5, 1.0]
            .iter()
            .map(|&wd: &f64| (wd, vec![run(Some((2400.0 * wd.powf(-k)) as u64)); 3]))
            .collect()
    };
    assert!((drift_slope(&law(1.0)).unwrap() + 1.0).abs() < 1e-3);
    assert!((drift_slope(&law(0.5)).unwrap() + 0.5).abs() < 1e-3);
    let mut missing = law(1.0);
    missing[1].1 = vec![run(None), run(None), run(Some(10))];
    assert_eq!(
        drift_slope(&missing),
        None,
        "a weight decay where most seeds never grok"
    );
}

/// The quick design: every full-batch run groks, the slopes in lambda and in eta are -1 within tolerance,
/// and wrong laws (t ~ lambda^-1/2, t ~ eta^-1/2) are rejected by the same data; more SGD noise makes grokking later, so the Arrhenius
/// order (earlier with more noise) fails.
#[test]
fn t2_drift_full_batch_runs_grok_and_follow_one_over_lambda() {
    let design = Design::of(Budget::Quick);
    let data = measure(&design).unwrap();
    let full = median_t_grok(runs_at(&data, design.temperature_wd)).unwrap();
    let mut medians: Vec<f64> = measure_batches(&design)
        .unwrap()
        .iter()
        .map(|(_, r)| median_t_grok(r).unwrap())
        .collect();
    medians.push(full);
    assert!(
        medians.windows(2).all(|w| w[0] > w[1]),
        "noise makes grokking later: {medians:?}"
    );
    assert!(
        !medians.windows(2).all(|w| w[0] < w[1]),
        "the Arrhenius order must fail: {medians:?}"
    );
    assert!(
        data.iter()
            .all(|(_, r)| r.iter().all(|r| r.t_grok.is_some())),
        "{data:?}"
    );
    // Norm separation's premise fails: the norm grows from t_mem to t_grok in every run.
    for (_, runs) in &data {
        for r in runs {
            assert!(r.norm_at_mem.unwrap() < r.norm_at_grok.unwrap(), "{r:?}");
        }
    }
    let slope = drift_slope(&data).unwrap();
    assert!((slope + 1.0).abs() <= SLOPE_TOLERANCE, "slope {slope}");
    assert!(
        (slope + 0.5).abs() > SLOPE_TOLERANCE,
        "a t ~ lambda^-1/2 law must be rejected: {slope}"
    );
    // The same clock in the learning rate, and the same mutation rejected.
    let rates = measure_rates(&design, &data).unwrap();
    assert_eq!(rates.len(), design.learning_rates.len());
    let slope = drift_slope(&rates).unwrap();
    assert!((slope + 1.0).abs() <= SLOPE_TOLERANCE, "eta slope {slope}");
    assert!(
        (slope + 0.5).abs() > SLOPE_TOLERANCE,
        "a t ~ eta^-1/2 law must be rejected: {slope}"
    );
}

/// Runs at each of `keys` (weight decays or learning rates) whose t_grok follows t = 2400 key^-k, three
/// seeds each, with the norm growing from t_mem to t_grok (as measured under AdamW).
fn law(keys: &[f64], k: f64) -> Vec<(f64, Vec<Run>)> {
    keys.iter()
        .map(|&key| {
            let t = (2400.0 * key.powf(-k)) as u64;
            let r = Run {
                norm_at_mem: Some(90.0),
                norm_at_grok: Some(120.0),
                ..run(Some(t))
            };
            (key, vec![r; 3])
        })
        .collect()
}

/// Every T2-drift check passes on synthetic data where its claim holds and goes red, through its own pass
/// flag, on data where it fails: a full-batch run that never groks; t ~ lambda^-1/2 and eta^-1/2 (the
/// slopes and the held-out clock); medians in the Arrhenius order; a norm that shrinks from t_mem to t_grok
/// (the premise of norm separation holds); a large epsilon that changes nothing; f32 runs that behave like
/// the f64 ones, or f64 runs that fail.
#[test]
fn t2_drift_checks_fail_when_their_claims_fail() {
    let design = Design::of(Budget::Quick);
    let exact = law(&design.weight_decays, 1.0);
    let half = law(&design.weight_decays, 0.5);
    assert!(full_batch_groks(&design, &exact).pass);
    let mut never = exact.clone();
    never[0].1[0] = run(None);
    assert!(!full_batch_groks(&design, &never).pass);

    assert!(drift_in_lambda(&design, &exact).pass);
    assert!(!drift_in_lambda(&design, &half).pass);
    assert!(drift_in_eta(&design, &law(&design.learning_rates, 1.0)).pass);
    assert!(!drift_in_eta(&design, &law(&design.learning_rates, 0.5)).pass);
    assert!(held_out_prediction(&design, &exact).pass);
    assert!(!held_out_prediction(&design, &half).pass);

    let noisy_later: Vec<(String, Option<f64>)> = [("B=64", 3000.0), ("B=256", 2000.0), ("full", 1000.0)]
        .iter()
        .map(|(n, t)| (n.to_string(), Some(*t)))
        .collect();
    assert!(no_arrhenius(&design, &noisy_later).pass);
    let arrhenius: Vec<(String, Option<f64>)> = noisy_later
        .iter()
        .rev()
        .map(|(n, t)| (n.clone(), *t))
        .collect();
    assert!(!no_arrhenius(&design, &arrhenius).pass);

    assert!(norm_separation(&exact).pass);
    let shrinking: Vec<(f64, Vec<Run>)> = exact
        .iter()
        .map(|(wd, runs)| {
            let r = Run {
                norm_at_mem: Some(150.0),
                ..runs[0]
            };
            (*wd, vec![r; 3])
        })
        .collect();
    assert!(!norm_separation(&shrinking).pass);

    let canonical = [run(Some(1000)), run(Some(1100)), run(Some(900))];
    let late = [run(Some(4000)), run(Some(5000)), run(None)];
    assert!(eps_moves_the_clock(&design, &late, &canonical).pass);
    assert!(!eps_moves_the_clock(&design, &canonical, &canonical).pass);

    let collapsed = Run {
        last_train_loss: 0.0,
        ..run(None)
    };
    let f32_runs = [collapsed; 3];
    assert!(f32_collapses_at_small_eps(&design, &f32_runs, &canonical).pass);
    assert!(!f32_collapses_at_small_eps(&design, &canonical, &canonical).pass);
    assert!(!f32_collapses_at_small_eps(&design, &f32_runs, &[run(None); 3]).pass);
}

/// Five seeds at each temperature with the given t_grok (`None`: never), `T = 0` first.
fn at_temperatures(rows: &[(f64, [Option<u64>; 5])]) -> Vec<(f64, Vec<Run>)> {
    rows.iter()
        .map(|(t, g)| (*t, g.iter().map(|&g| run(g)).collect()))
        .collect()
}

/// The injected-noise check passes on the shape measured (flat, then later, then never) and goes red on an
/// Arrhenius law (no grokking at T = 0, earlier with more noise), on noise that brings grokking earlier
/// by more than the spread at one temperature only, and on noise too weak to act anywhere (no power).
#[test]
fn t2_drift_injected_temperature_fails_when_its_claim_fails() {
    let design = Design::of(Budget::Quick);
    let g = |t: [u64; 5]| t.map(Some);
    let drift = at_temperatures(&[
        (0.0, g([2500, 2600, 2400, 2700, 2550])),
        (1e-3, g([2550, 2650, 2400, 2600, 2500])),
        (1e-2, g([2700, 2800, 2600, 2900, 2750])),
        (3e-2, [None, Some(4300), Some(8300), Some(6800), Some(4000)]),
    ]);
    assert!(injected_temperature(&design, &drift).pass);

    // Arrhenius: t = 100 exp(0.05 / T), never at T = 0.
    let arrhenius_t = |t: f64| (100.0 * (0.05 / t).exp()) as u64;
    let mut arrhenius = drift.clone();
    arrhenius[0].1 = vec![run(None); 5];
    for (t, runs) in arrhenius.iter_mut().skip(1) {
        *runs = vec![run(Some(arrhenius_t(*t))); 5];
    }
    assert!(!injected_temperature(&design, &arrhenius).pass);
    // The same law with a finite T = 0 point (the delay at T = 0 larger than every noisy one).
    arrhenius[0].1 = vec![run(Some(100_000)); 5];
    assert!(!injected_temperature(&design, &arrhenius).pass);

    // One temperature that brings grokking earlier than the spread allows.
    let early = (1.0 - NOISE_SPREAD - 0.05) * 2550.0;
    let mut faster = drift.clone();
    faster[1].1 = vec![run(Some(early as u64)); 5];
    assert!(!injected_temperature(&design, &faster).pass);

    // Noise that never acts: the hottest temperature as the coldest, no power to see anything.
    let mut weak = drift.clone();
    weak[3].1 = drift[0].1.clone();
    assert!(!injected_temperature(&design, &weak).pass);

    // A T = 0 run that does not grok.
    let mut cold_fails = drift;
    cold_fails[0].1[0] = run(None);
    assert!(!injected_temperature(&design, &cold_fails).pass);
}
