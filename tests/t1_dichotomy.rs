//! T1-dichotomy: the clock's slope and fit on exact synthetic laws, and on trained nets the measured slope
//! of t_grok in ln(alpha) against the clock and against wrong clocks.

use super::{
    adam_step_bound, clock, clock_slope, decay_bound_check, decay_time_bound, fit_clock, measure,
    median_ratio, one_norm_at_grokking, own_scale, ratio_does_not_grow, Design, Run, Setting,
    MAX_RELATIVE_ERROR, NORM_SPREAD, SIGMAS,
};
use crate::Budget;
use grokking::config;
use grokking::optim::adamw::{self, AdamWConfig};
use grokking::stats::slope_with_standard_error;
use nalgebra::DMatrix;
use proptest::prelude::*;

fn run(alpha: f64, initial_norm: f64, t_grok: Option<u64>) -> Run {
    Run {
        alpha,
        initial_norm,
        peak_norm: initial_norm,
        t_mem: Some(100),
        t_grok,
        norm_at_grok: None,
        parameters: 1,
    }
}

/// The crate's AdamW step direction after feeding `gradients` (oldest first) to one coordinate: with
/// $\eta=1$, $\lambda=0$ and a negligible $\epsilon$ the last update is $-\hat m_t/(\sqrt{\hat v_t}+\epsilon)$.
fn adam_direction(gradients: &[f64]) -> f64 {
    let c = AdamWConfig {
        lr: 1.0,
        weight_decay: 0.0,
        eps: 1e-300,
        ..config::CANONICAL_ADAMW
    };
    let mut w = DMatrix::<f64>::zeros(1, 1);
    let mut state = adamw::State::new(&w);
    let mut before = 0.0;
    for &g in gradients {
        before = w[(0, 0)];
        adamw::step(&c, &mut w, &DMatrix::from_element(1, 1, g), &mut state);
    }
    before - w[(0, 0)]
}

/// The sequence that attains the bound: $g_{t-k}=(\beta_1/\beta_2)^k$, i.e. growing by $\beta_2/\beta_1$ per step.
fn extremal_gradients(t: usize) -> Vec<f64> {
    let (b1, b2) = (config::CANONICAL_ADAMW.beta1, config::CANONICAL_ADAMW.beta2);
    (0..t).map(|s| (b2 / b1).powi(s as i32)).collect()
}

#[test]
fn t1_dichotomy_adam_step_bound_is_attained_and_below_its_limit() {
    let (b1, b2) = (config::CANONICAL_ADAMW.beta1, config::CANONICAL_ADAMW.beta2);
    let limit = adam_step_bound(b1, b2, f64::INFINITY);
    // (1 - b1) / sqrt((1 - b2)(1 - b1^2 / b2)) for (0.9, 0.98).
    assert!((limit - 0.1 / (0.02_f64 * (1.0 - 0.81 / 0.98)).sqrt()).abs() < 1e-12);
    assert!(
        (adam_step_bound(b1, b2, 1.0) - 1.0).abs() < 1e-12,
        "one step is sign(g)"
    );
    for t in [1, 2, 5, 10, 50, 200] {
        let bound = adam_step_bound(b1, b2, t as f64);
        let attained = adam_direction(&extremal_gradients(t));
        assert!(
            (attained - bound).abs() < 1e-9 * bound,
            "t {t}: {attained} vs {bound}"
        );
        assert!(bound <= limit + 1e-12);
        // A constant 1% smaller is not a bound (mutation).
        assert!(attained > 0.99 * bound);
    }
    // The old per-term bound (triangle inequality) is over four times looser.
    assert!(limit < (1.0 - b1) / ((1.0 - b2).sqrt() * (1.0 - b1 / b2.sqrt())) / 4.0);
    // beta1^2 >= beta2: no bound uniform in t.
    assert_eq!(adam_step_bound(0.99, 0.9, f64::INFINITY), f64::INFINITY);
}

#[test]
fn t1_dichotomy_decay_time_bound_of_pure_decay_and_with_pushes() {
    let (lr, wd) = (3e-3, 1.0);
    // No push: exactly the steps of pure decay from 100 to 100 / e^2.
    let t = decay_time_bound(lr, wd, 100.0, 100.0 / 2.0_f64.exp(), 0.0);
    assert!((t - 2.0 * clock_slope(lr, wd)).abs() < 1e-9);
    // A push makes it shorter; a target above the start needs no time.
    assert!(decay_time_bound(lr, wd, 100.0, 100.0 / 2.0_f64.exp(), 50.0) < t);
    assert_eq!(decay_time_bound(lr, wd, 10.0, 20.0, 5.0), 0.0);
    // Iterating the worst case x -> (1 - eta lambda) x - eta rho reaches R no earlier than the bound.
    let (start, target, push) = (1000.0, 60.0, 200.0);
    let (mut x, mut steps) = (start, 0u32);
    while x > target {
        x = (1.0 - lr * wd) * x - lr * push;
        steps += 1;
    }
    let bound = decay_time_bound(lr, wd, start, target, push);
    assert!(
        bound <= steps as f64 && steps as f64 <= bound + 1.0,
        "{bound} {steps}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any gradient sequence (signs, scales over twelve orders of magnitude, zeros): the crate's AdamW step
    /// direction never exceeds B_t.
    #[test]
    fn t1_dichotomy_adam_step_never_exceeds_the_bound(
        gradients in prop::collection::vec((-6.0f64..6.0, -1.0f64..1.0), 1..120)
    ) {
        let g: Vec<f64> = gradients.iter().map(|(e, s)| s * 10f64.powf(*e)).collect();
        let (b1, b2) = (config::CANONICAL_ADAMW.beta1, config::CANONICAL_ADAMW.beta2);
        let bound = adam_step_bound(b1, b2, g.len() as f64);
        prop_assert!(adam_direction(&g).abs() <= bound * (1.0 + 1e-12));
    }
}

#[test]
fn t1_dichotomy_clock_slope_is_the_e_folding_time_of_the_decay() {
    // (1 - x)^k = 1/e at k = 1/(-ln(1 - x)); for small x that is 1/x.
    let k = clock_slope(3e-3, 1.0);
    assert!(((1.0 - 3e-3_f64).powf(k) - (-1.0_f64).exp()).abs() < 1e-12);
    assert!((k * 3e-3 - 1.0).abs() < 2e-3);
    assert!((clock_slope(1.0 - (-1.0_f64).exp(), 1.0) - 1.0).abs() < 1e-12);
}

#[test]
fn t1_dichotomy_fit_recovers_an_exact_law_and_skips_runs_below_the_scale() {
    let law = |a: f64| (2000.0 + 333.0 * a.ln()).round() as u64;
    let mut runs: Vec<Run> = [8.0, 32.0, 128.0]
        .iter()
        .flat_map(|&a| (0..3).map(move |_| run(a, 20.0 * a, Some(law(a)))))
        .collect();
    // Below the scale (initial norm 20 < 100): ignored even though it breaks the law.
    runs.push(run(1.0, 20.0, Some(9999)));
    let (slope, se) = fit_clock(&runs, 100.0).unwrap();
    assert!((slope - 333.0).abs() < 0.5 && se < 0.5, "{slope} {se}");
    runs.push(run(512.0, 20.0 * 512.0, None));
    assert_eq!(
        fit_clock(&runs, 100.0),
        None,
        "a run above the scale that never groks"
    );
}

#[test]
fn t1_dichotomy_standard_error_of_a_known_fit() {
    // y = x + (+1, -1, -1, +1): slope 1, residuals of the fitted line 1, -1, -1, 1 (the noise is orthogonal
    // to x - mean), rss 4, sxx 5: se = sqrt(4 / (2 * 5)).
    let points = [(0.0, 1.0), (1.0, 0.0), (2.0, 1.0), (3.0, 4.0)];
    let (b, se) = slope_with_standard_error(&points).unwrap();
    assert!((b - 1.0).abs() < 1e-12);
    assert!((se - (0.4_f64).sqrt()).abs() < 1e-12, "{se}");
    assert_eq!(slope_with_standard_error(&points[..2]), None);
}

/// The quick design: the measured slope agrees with the clock within SIGMAS standard errors, the error is
/// small enough to matter, and the same data reject half and twice the clock and a clock-free law (slope
/// 0); t_grok/t_mem falls with alpha.
#[test]
fn t1_dichotomy_trained_nets_follow_the_clock_and_reject_wrong_clocks() {
    let design = Design::of(Budget::Quick);
    let wd = design.weight_decays[0];
    let runs = measure(&design, wd).unwrap();
    let scale = own_scale(&runs, design.alphas[0]).unwrap();
    let (slope, se) = fit_clock(&runs, scale).unwrap();
    let clock = clock_slope(config::CANONICAL_ADAMW.lr, wd);
    assert!(se / clock <= MAX_RELATIVE_ERROR, "se {se}");
    assert!(
        (slope - clock).abs() <= SIGMAS * se,
        "slope {slope} +- {se}, clock {clock}"
    );
    for wrong in [0.0, 0.5 * clock, 2.0 * clock] {
        assert!(
            (slope - wrong).abs() > SIGMAS * se,
            "wrong clock {wrong} not rejected"
        );
    }
    let largest = *design.alphas.last().unwrap();
    assert!(median_ratio(&runs, largest).unwrap() < median_ratio(&runs, design.alphas[0]).unwrap());
    ledger_checks_fail_with_wrong_predictions(&design, &runs, wd, clock);
}

/// The four ledger checks on the quick runs pass, and each goes red through its own pass flag when a wrong
/// prediction is swapped in or the runs are changed so that the claim no longer holds.
fn ledger_checks_fail_with_wrong_predictions(design: &Design, runs: &[Run], wd: f64, slope: f64) {
    let at = Setting::new(design, runs, wd);
    assert!(clock(&at, slope).pass);
    for wrong in [0.0, 0.5 * slope, 2.0 * slope] {
        assert!(!clock(&at, wrong).pass, "clock {wrong} accepted");
    }
    assert!(one_norm_at_grokking(&at).pass);
    let mut spread = runs.to_vec();
    for r in spread.iter_mut().filter(|r| r.alpha == at.largest) {
        r.norm_at_grok = r.norm_at_grok.map(|n| n * NORM_SPREAD * 1.1);
    }
    assert!(!one_norm_at_grokking(&Setting::new(design, &spread, wd)).pass);
    assert!(ratio_does_not_grow(&at).pass);
    let mut growing = runs.to_vec();
    for r in growing.iter_mut().filter(|r| r.alpha == at.largest) {
        r.t_mem = Some(1);
    }
    assert!(!ratio_does_not_grow(&Setting::new(design, &growing, wd)).pass);
    let adam = config::CANONICAL_ADAMW;
    let b = adam_step_bound(adam.beta1, adam.beta2, f64::INFINITY);
    assert!(decay_bound_check(runs, at.lr, wd, at.largest, b).pass);
    // A run that generalizes one step before the lemma allows.
    let (initial_norm, norm_at_grok) = (1000.0, 60.0);
    let bound = decay_time_bound(at.lr, wd, initial_norm, norm_at_grok, b);
    let mut early = runs.to_vec();
    early.push(Run {
        alpha: at.largest,
        initial_norm,
        peak_norm: initial_norm,
        t_mem: Some(10),
        t_grok: Some(bound.floor() as u64 - 1),
        norm_at_grok: Some(norm_at_grok),
        parameters: 1,
    });
    assert!(!decay_bound_check(&early, at.lr, wd, at.largest, b).pass);
}

