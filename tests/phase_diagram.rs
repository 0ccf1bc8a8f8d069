//! Liu et al.'s regimes, the phase diagram built from them, and the parallelogram measures: the rule's
//! domain, the classification on hand-made histories, the diagram's cells, CSV and SVG, the exact
//! nullities of the whole table and RQI on embeddings whose structure is known.

use grokking::evaluation::EvalRecord;
use grokking::measure::parallelogram::{nullity, rqi, Sum, LIU_DELTA};
use grokking::measure::regime::{Classified, Lag, Regime, RegimeRule};
use grokking::report::phase_diagram::{GridAxis, PhaseDiagram, PhaseRun};
use nalgebra::DMatrix;

fn record(step: u64, train_acc: f64, test_acc: f64) -> EvalRecord {
    EvalRecord {
        step,
        train_loss: 1.0,
        train_acc,
        test_loss: 1.0,
        test_acc,
        w1_norm: 1.0,
        w2_norm: 1.0,
        weight_norm: 1.0,
        fourier_concentration: None,
        fourier_ipr: None,
        restricted_loss: None,
        restricted_test_loss: None,
        excluded_loss: None,
    }
}

#[test]
fn regime_rule_rejects_values_outside_its_domain() {
    for bad in [0.0, 1.0, -0.5, 1.5, f64::NAN] {
        assert!(RegimeRule::new(bad, Lag::Ratio(2.0)).is_err(), "{bad}");
    }
    for bad in [1.0, 0.5, f64::INFINITY, f64::NAN] {
        assert!(RegimeRule::new(0.9, Lag::Ratio(bad)).is_err(), "{bad}");
    }
    assert!(RegimeRule::new(0.9, Lag::Steps(0)).is_err());
    assert!(RegimeRule::new(0.9, Lag::Steps(1000)).is_ok());
}

#[test]
fn regimes_follow_the_first_crossings() {
    let rule = RegimeRule::new(0.9, Lag::Ratio(2.0)).unwrap();
    let run = |points: &[(u64, f64, f64)]| {
        let records: Vec<EvalRecord> = points.iter().map(|&(s, a, b)| record(s, a, b)).collect();
        rule.classify(&records)
    };
    let never = run(&[(0, 0.1, 0.0), (100, 0.8, 0.0)]);
    assert_eq!(never.regime, Regime::Confusion);
    let mem = run(&[(0, 0.1, 0.0), (100, 0.95, 0.2)]);
    assert_eq!(
        (mem.regime, mem.t_fit, mem.t_gen),
        (Regime::Memorization, Some(100), None)
    );
    let comp = run(&[(0, 0.1, 0.0), (100, 0.95, 0.5), (150, 1.0, 0.92)]);
    assert_eq!(comp.regime, Regime::Comprehension);
    assert_eq!(comp.ratio(), Some(1.5));
    let grok = run(&[(0, 0.1, 0.0), (100, 0.95, 0.5), (200, 1.0, 0.92)]);
    assert_eq!(
        grok.regime,
        Regime::Grokking,
        "the ratio 2 itself is grokking"
    );
    let liu = RegimeRule::new(0.9, Lag::Steps(1000)).unwrap();
    assert_eq!(liu.regime(Some(100), Some(1099)), Regime::Comprehension);
    assert_eq!(liu.regime(Some(100), Some(1100)), Regime::Grokking);
    assert_eq!(rule.regime(Some(500), Some(100)), Regime::Comprehension);
}

#[test]
fn grid_axes_must_be_log_grids() {
    assert!(GridAxis::new("lr", vec![1e-3]).is_err(), "one value");
    assert!(
        GridAxis::new("wd", vec![0.0, 1.0]).is_err(),
        "zero on a log axis"
    );
    assert!(GridAxis::new("wd", vec![-1.0, 1.0]).is_err(), "negative");
    assert!(GridAxis::new("wd", vec![1.0, 1.0]).is_err(), "repeated");
    let axis = GridAxis::new("wd", vec![1.0, 0.1]).unwrap();
    assert_eq!(axis.values, vec![0.1, 1.0], "sorted");
}

fn classified(regime: Regime, t_fit: Option<u64>, t_gen: Option<u64>) -> Classified {
    Classified {
        regime,
        t_fit,
        t_gen,
    }
}

#[test]
fn cells_take_the_majority_and_the_median_ratio() {
    let x = GridAxis::new("lr", vec![1e-3, 1e-2]).unwrap();
    let y = GridAxis::new("wd", vec![0.1, 1.0]).unwrap();
    let mut runs = Vec::new();
    for (xi, yi) in [(1e-3, 0.1), (1e-2, 0.1), (1e-3, 1.0)] {
        runs.push(PhaseRun {
            x: xi,
            y: yi,
            seed: 0,
            classified: classified(Regime::Memorization, Some(10), None),
        });
    }
    for (seed, t_gen) in [(0, 100), (1, 300), (2, 15)] {
        runs.push(PhaseRun {
            x: 1e-2,
            y: 1.0,
            seed,
            classified: classified(
                if t_gen >= 20 {
                    Regime::Grokking
                } else {
                    Regime::Comprehension
                },
                Some(10),
                Some(t_gen),
            ),
        });
    }
    let d = PhaseDiagram::new(x.clone(), y.clone(), runs.clone()).unwrap();
    let cell = d.cell(1, 1).unwrap();
    assert_eq!(
        (cell.regime, cell.agreeing, cell.runs),
        (Regime::Grokking, 2, 3)
    );
    assert_eq!(cell.ratio, Some(10.0), "median of 10, 30 and 1.5");
    assert_eq!(d.cell(0, 0).unwrap().regime, Regime::Memorization);
    let csv = d.csv().unwrap();
    assert!(
        csv.starts_with("lr,wd,seed,regime,t_fit,t_gen,ratio\n"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 1 + runs.len());
    let svg = d.svg("test").unwrap();
    assert!(
        svg.contains("<svg") && svg.contains("G 10.0 (2/3)"),
        "cell label"
    );

    // A grid point without runs, and a run off the grid, are errors.
    assert!(PhaseDiagram::new(x.clone(), y.clone(), runs[1..].to_vec()).is_err());
    let mut off = runs.clone();
    off[0].x = 5e-3;
    assert!(PhaseDiagram::new(x, y, off).is_err());
}

/// Every pair of $\mathbb{Z}\_p$.
fn table(p: u32) -> Vec<(u32, u32)> {
    (0..p).flat_map(|a| (0..p).map(move |b| (a, b))).collect()
}

#[test]
fn the_whole_tables_equations_leave_the_proved_nullities() {
    for p in [3u32, 5, 7, 11, 13] {
        let n = p as usize;
        assert_eq!(nullity(&table(p), n, Sum::Modular).unwrap(), 2, "p = {p}");
        assert_eq!(nullity(&table(p), n, Sum::Integer).unwrap(), 3, "p = {p}");
        assert_eq!(
            nullity(&[], n, Sum::Modular).unwrap(),
            2 * n,
            "no equations"
        );
    }
    assert!(
        nullity(&[(5, 0)], 5, Sum::Modular).is_err(),
        "a pair outside Z_5"
    );
}

#[test]
fn rqi_sees_the_number_line_and_not_the_circle() {
    let p = 13usize;
    // The number line U_i = V_i = i c realises every integer parallelogram exactly.
    let c = [0.3, -1.2, 0.7];
    let line = DMatrix::from_fn(3, 2 * p, |r, k| c[r] * (k % p) as f64);
    assert_eq!(rqi(&line, p, Sum::Integer, 1e-12).unwrap(), 1.0);
    let modular = rqi(&line, p, Sum::Modular, 1e-12).unwrap();
    assert!(
        modular > 0.0 && modular < 1.0,
        "only the pairs without wrap-around: {modular}"
    );
    // The circle (the Fourier embedding of frequency 1, the same in both slots) realises only the swaps
    // (i, j), (j, i): (p - 1) / 2 of the p (p - 1) / 2 parallelograms of each class, a share 1 / p.
    let w = 2.0 * std::f64::consts::PI / p as f64;
    let circle = DMatrix::from_fn(2, 2 * p, |r, k| {
        let a = w * (k % p) as f64;
        if r == 0 {
            a.cos()
        } else {
            a.sin()
        }
    });
    let share = rqi(&circle, p, Sum::Modular, 1e-12).unwrap();
    assert!((share - 1.0 / p as f64).abs() < 1e-12, "{share}");
    assert!(
        rqi(&circle, p, Sum::Modular, LIU_DELTA).unwrap() < 0.95,
        "not structured"
    );
    // Shapes and thresholds are checked.
    assert!(rqi(&circle, p + 1, Sum::Modular, LIU_DELTA).is_err());
    assert!(rqi(&circle, p, Sum::Modular, 0.0).is_err());
}
