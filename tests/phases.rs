//! The phase detector on synthetic curves with known boundaries (noise, outliers, non-monotone bumps,
//! runs that never grok or never memorize) and on real small runs.

use crate::common::small_config;
use grokking::evaluation::EvalRecord;
use grokking::measure::phases::{hampel, CircuitOnset, Phase, Phases};
use grokking::train::{self, History, Silent};
use proptest::prelude::*;
use rand_distr::{Distribution, Normal};

const EVERY: u64 = 10;

/// Known boundaries of a synthetic run.
#[derive(Clone, Copy, Debug)]
struct Truth {
    t_mem: u64,
    t_circ: u64,
    t_clean: u64,
    t_grok: Option<u64>,
    t_end: u64,
}

/// Curves with the shapes seen in real runs: the excluded loss falls to its minimum at `t_circ` and then
/// rises; the weight norm rises to its peak at `t_clean` and then falls; the test loss peaks at `t_circ`;
/// plus Gaussian noise of relative size `noise` (a tenth of the change per evaluation near each
/// extremum at `noise` = 1e-3) and, if `outliers`, a two-evaluation spike beyond each extremum, placed
/// between t_mem and t_circ.
fn synthetic(t: Truth, noise: f64, outliers: bool, excluded: bool, seed: u64) -> History {
    let mut rng = grokking::rng::child(seed, grokking::rng::Stream::Batches);
    let normal = Normal::new(0.0, 1.0).unwrap();
    let mut jitter = |x: f64| x * (1.0 + noise * normal.sample(&mut rng));
    let spike_at = (t.t_mem + t.t_circ) / 2 / EVERY * EVERY;
    let records = (0..=t.t_end / EVERY)
        .map(|i| {
            let s = i * EVERY;
            let x = s as f64;
            let spike = outliers && (s == spike_at || s == spike_at + EVERY);
            let exc = 1.0 + (x - t.t_circ as f64).abs() / 1000.0;
            let norm = 150.0 - (x - t.t_clean as f64).abs() / 10.0;
            let grokked = t.t_grok.is_some_and(|g| s >= g);
            EvalRecord {
                step: s,
                train_loss: jitter(1.0 / (1.0 + x)),
                train_acc: if s >= t.t_mem { 1.0 } else { 0.5 },
                test_loss: if spike {
                    100.0
                } else {
                    jitter(9.0 - (x - t.t_circ as f64).abs() / 100.0)
                },
                test_acc: if grokked { 1.0 } else { 0.1 },
                w1_norm: 0.0,
                w2_norm: 0.0,
                weight_norm: if spike { 500.0 } else { jitter(norm) },
                fourier_concentration: None,
                fourier_ipr: None,
                restricted_loss: None,
                restricted_test_loss: None,
                excluded_loss: excluded.then(|| if spike { 0.01 } else { jitter(exc) }),
            }
        })
        .collect();
    History {
        records,
        t_mem: Some(t.t_mem),
        t_grok: t.t_grok,
        t_grok95: t.t_grok,
        steps_run: t.t_end,
        ms_per_step: None,
        embedding_spectra: Vec::new(),
    }
}

fn truth() -> impl Strategy<Value = Truth> {
    // Boundaries on the evaluation grid, at least 100 steps apart.
    (5u64..30, 10u64..60, 10u64..100, 10u64..100, 0u64..200).prop_map(|(m, a, b, c, d)| {
        let t_mem = m * EVERY;
        let t_circ = t_mem + a * EVERY;
        let t_clean = t_circ + b * EVERY;
        let t_grok = t_clean + c * EVERY;
        Truth {
            t_mem,
            t_circ,
            t_clean,
            t_grok: Some(t_grok),
            t_end: t_grok + d * EVERY,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn boundaries_are_recovered_through_noise_and_outliers(
        t in truth(), outliers in any::<bool>(), excluded in any::<bool>(), seed in any::<u64>(),
    ) {
        let ph = Phases::detect(&synthetic(t, 1e-3, outliers, excluded, seed));
        let near = |got: u64, want: u64| got.abs_diff(want) <= 2 * EVERY;
        let [m0, m1] = ph.memorization.unwrap();
        let [p0, p1] = ph.plateau.unwrap();
        let [c0, c1] = ph.circuit_formation.unwrap();
        let [g0, g1] = ph.generalization.unwrap();
        prop_assert_eq!((m0, m1, p0), (0, t.t_mem, t.t_mem));
        prop_assert!(near(p1, t.t_circ), "t_circ {} vs {}", p1, t.t_circ);
        prop_assert_eq!(c0, p1);
        prop_assert!(near(c1, t.t_clean), "t_clean {} vs {}", c1, t.t_clean);
        prop_assert_eq!((g0, g1), (c1, t.t_end));
        let onset = if excluded { CircuitOnset::ExcludedLoss } else { CircuitOnset::TestLoss };
        prop_assert_eq!(ph.circuit_onset, Some(onset));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    /// With the excluded loss measured every fifth evaluation only (a run's `fourier_every`), $t_{circ}$ is found on
    /// that coarser grid, within two of its steps, and the other boundaries as before.
    #[test]
    fn the_circuit_onset_is_found_on_a_coarser_schedule(t in truth(), seed in any::<u64>()) {
        let mut h = synthetic(t, 1e-3, false, true, seed);
        for r in &mut h.records {
            if r.step % (5 * EVERY) != 0 {
                r.excluded_loss = None;
            }
        }
        let ph = Phases::detect(&h);
        let [_, t_circ] = ph.plateau.unwrap();
        prop_assert_eq!(t_circ % (5 * EVERY), 0);
        prop_assert!(t_circ.abs_diff(t.t_circ) <= 10 * EVERY, "t_circ {} vs {}", t_circ, t.t_circ);
        prop_assert!(ph.circuit_formation.unwrap()[1].abs_diff(t.t_clean) <= 2 * EVERY);
        prop_assert_eq!(ph.circuit_onset, Some(CircuitOnset::ExcludedLoss));
    }
}

/// A run that memorizes at 150 and never groks in 3000 steps, its excluded loss still falling at the end
/// (as in the real run without weight decay: it follows the training loss down).
const NEVER_GROKS: Truth = Truth {
    t_mem: 150,
    t_circ: 5000,
    t_clean: 6000,
    t_grok: None,
    t_end: 3000,
};

#[test]
fn an_excluded_loss_that_never_turns_gives_no_circuit_or_generalization_phase() {
    let t = NEVER_GROKS;
    let ph = Phases::detect(&synthetic(t, 1e-3, false, true, 0));
    assert_eq!(ph.memorization, Some([0, 150]));
    assert_eq!(ph.plateau, Some([150, 3000]));
    assert_eq!((ph.circuit_formation, ph.generalization), (None, None));
    assert!(ph.to_string().contains("never turned"), "{ph}");
}

/// The rule never reads the test accuracy: markers that turn give phases III and IV even in a run that
/// never groks, and the same markers give the same phases whatever t_grok is.
#[test]
fn the_phases_do_not_depend_on_the_test_accuracy() {
    let turns = Truth {
        t_circ: 500,
        t_clean: 1400,
        ..NEVER_GROKS
    };
    let ph = Phases::detect(&synthetic(turns, 1e-3, false, true, 0));
    assert_eq!(ph.circuit_formation, Some([500, 1400]));
    assert_eq!(ph.generalization, Some([1400, 3000]));
    for t_grok in [Some(300), Some(1000), Some(2000), None] {
        let h = synthetic(Truth { t_grok, ..turns }, 1e-3, false, true, 0);
        assert_eq!(Phases::detect(&h), ph, "t_grok {t_grok:?}");
    }
    assert_eq!(ph.phase_at(300), Some(Phase::Plateau));
    assert_eq!(ph.phase_at(1000), Some(Phase::CircuitFormation));
    assert_eq!(ph.phase_at(2000), Some(Phase::Generalization));
    assert_eq!(ph.phase_at(0), Some(Phase::Memorization));
    assert_eq!(ph.phase_at(3001), None);
}

#[test]
fn a_run_that_never_memorizes_has_no_phase() {
    let t = NEVER_GROKS;
    let mut h = synthetic(t, 0.0, false, true, 0);
    h.t_mem = None;
    assert_eq!(Phases::detect(&h), Phases::default());
    assert_eq!(Phases::detect(&History::default()), Phases::default());
}

/// An excluded loss that turns at t_mem gives no plateau (an empty span is no phase).
#[test]
fn a_measure_that_turns_at_t_mem_gives_no_plateau() {
    let t = Truth {
        t_mem: 300,
        t_circ: 300,
        t_clean: 1400,
        t_grok: Some(200),
        t_end: 3000,
    };
    let ph = Phases::detect(&synthetic(t, 0.0, false, true, 0));
    assert_eq!(ph.plateau, None);
    assert_eq!(ph.circuit_formation, Some([300, 1400]));
    assert_eq!(ph.generalization, Some([1400, 3000]));
}

/// A norm still rising at the end gives no phase IV, and a t_grok before the end then falls in phase III:
/// the finding "t_grok is in phase IV" can fail.
#[test]
fn a_norm_still_rising_at_the_end_gives_no_phase_four() {
    let t = Truth {
        t_mem: 100,
        t_circ: 400,
        t_clean: 5000,
        t_grok: Some(2000),
        t_end: 2500,
    };
    let ph = Phases::detect(&synthetic(t, 0.0, false, true, 0));
    assert_eq!(ph.circuit_formation, Some([400, 2500]));
    assert_eq!(ph.generalization, None);
    assert_eq!(ph.phase_at(2000), Some(Phase::CircuitFormation));
}

#[test]
fn the_hampel_filter_removes_a_two_point_spike_and_keeps_a_clean_vertex() {
    let v: Vec<f64> = (0..40).map(|i| (i as f64 - 17.0).abs()).collect();
    assert_eq!(hampel(&v, 3, 3.0), v, "a V shape is left as it is");
    let mut spiked = v.clone();
    spiked[8] = -100.0;
    spiked[9] = -100.0;
    let filtered = hampel(&spiked, 3, 3.0);
    assert!(filtered[8] > 5.0 && filtered[9] > 5.0, "{filtered:?}");
    assert_eq!(filtered[..7], v[..7]);
    assert_eq!(filtered[11..], v[11..]);
}

/// Real runs (a+b mod 23, which groks within 3000 steps): four ordered, non-empty phases, with t_grok
/// inside the last one.
#[test]
fn real_small_runs_have_four_ordered_phases() {
    for seed in 0..3 {
        let h = train::train::<f32>(&small_config(seed), &mut Silent)
            .unwrap()
            .history;
        let ph = Phases::detect(&h);
        let (t_mem, t_grok) = (h.t_mem.unwrap(), h.t_grok.unwrap());
        let spans = [
            ph.memorization.unwrap(),
            ph.plateau.unwrap(),
            ph.circuit_formation.unwrap(),
            ph.generalization.unwrap(),
        ];
        for (i, [a, b]) in spans.iter().enumerate() {
            assert!(a < b, "seed {seed}: phase {i} is empty: {ph}");
            if i > 0 {
                assert_eq!(*a, spans[i - 1][1], "seed {seed}: phases must abut: {ph}");
            }
        }
        assert_eq!(spans[0][1], t_mem);
        // The finding (the rule does not look at t_grok): it falls in phase IV.
        assert_eq!(
            ph.phase_at(t_grok),
            Some(Phase::Generalization),
            "seed {seed}: {ph}"
        );
        assert_eq!(ph.circuit_onset, Some(CircuitOnset::ExcludedLoss));
    }
}
