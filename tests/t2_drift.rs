//! T2-drift: full-batch grokking (against the Arrhenius mechanism) and the 1/lambda drift law.

use grokking::theorems::t2_drift::{
    drift_slope, measure, measure_batches, measure_rates, median_t_grok, Design, Run,
    SLOPE_TOLERANCE,
};
use grokking::theorems::Budget;

#[test]
fn t2_drift_slope_of_exact_laws() {
    let run = |t: Option<u64>| Run {
        t_grok: t,
        norm_at_mem: None,
        norm_at_grok: None,
    };
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
    let full = data
        .iter()
        .find(|(wd, _)| *wd == design.temperature_wd)
        .and_then(|(_, r)| median_t_grok(r))
        .unwrap();
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
