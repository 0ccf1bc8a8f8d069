//! T1-dichotomy: the clock's slope and fit on exact synthetic laws, and on trained nets the measured slope
//! of t_grok in ln(alpha) against the clock and against wrong clocks.

use crate::common::assert_ledger_passes;
use grokking::config;
use grokking::theorems::harness::slope_with_standard_error;
use grokking::theorems::t1_dichotomy::{
    clock_slope, fit_clock, measure, median_ratio, own_scale, Design, Run, MAX_RELATIVE_ERROR,
    SIGMAS,
};
use grokking::theorems::Budget;

fn run(alpha: f64, initial_norm: f64, t_grok: Option<u64>) -> Run {
    Run {
        alpha,
        initial_norm,
        peak_norm: initial_norm,
        t_mem: Some(100),
        t_grok,
        norm_at_grok: None,
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
}

#[test]
fn t1_dichotomy_ledger_check_passes_quick() {
    assert_ledger_passes("T1-dichotomy");
}
