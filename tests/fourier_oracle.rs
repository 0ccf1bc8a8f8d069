//! rustfft against the naive DFT, Parseval, known signals, the real basis, and the 3-D spectrum of
//! addition; the Fourier progress measures on synthetic layers.

use grokking::measure::fourier::{basis_frequency, naive_dft_nd, real_basis, Fourier, C64};
use grokking::measure::progress::EmbeddingSpectrum;
use nalgebra::DMatrix;
use proptest::prelude::*;
use std::f64::consts::PI;

fn signal(n: usize, seed: u64) -> Vec<C64> {
    use rand::Rng;
    let mut rng = grokking::rng::child(seed, grokking::rng::Stream::Init);
    (0..n)
        .map(|_| C64::new(rng.random_range(-1.0..1.0), rng.random_range(-1.0..1.0)))
        .collect()
}

proptest! {
    #[test]
    fn fft_matches_the_naive_dft_in_one_two_and_three_dimensions(
        dims in prop_oneof![
            (1usize..40).prop_map(|n| vec![n]),
            (1usize..9, 1usize..9).prop_map(|(a, b)| vec![a, b]),
            (1usize..6, 1usize..6, 1usize..6).prop_map(|(a, b, c)| vec![a, b, c]),
        ],
        seed in any::<u64>(),
    ) {
        let n: usize = dims.iter().product();
        let x = signal(n, seed);
        let mut fast = x.clone();
        Fourier::new().dft_nd(&mut fast, &dims);
        let slow = naive_dft_nd(&x, &dims);
        let err = fast.iter().zip(&slow).map(|(a, b)| (a - b).norm()).fold(0.0, f64::max);
        prop_assert!(err < 1e-9 * n as f64, "max error {err:e} for dims {dims:?}");
        // Parseval: Σ|x|² = (1/n) Σ|x̂|².
        let lhs: f64 = x.iter().map(|v| v.norm_sqr()).sum();
        let rhs: f64 = fast.iter().map(|v| v.norm_sqr()).sum::<f64>() / n as f64;
        prop_assert!((lhs - rhs).abs() < 1e-9 * (1.0 + lhs));
    }

    #[test]
    fn energies_equal_projections_on_the_real_basis(p in 2usize..40, seed in any::<u64>()) {
        let x: Vec<f64> = signal(p, seed).iter().map(|c| c.re).collect();
        let energy = Fourier::new().energy(&x);
        prop_assert_eq!(energy.len(), p / 2 + 1);
        let coeffs = real_basis(p).transpose() * nalgebra::DVector::from_vec(x.clone());
        let mut from_basis = vec![0.0; p / 2 + 1];
        for (j, c) in coeffs.iter().enumerate() {
            from_basis[basis_frequency(j, p)] += c * c;
        }
        for (e, b) in energy.iter().zip(&from_basis) {
            prop_assert!((e - b).abs() < 1e-10, "{energy:?} vs {from_basis:?}");
        }
        let norm2: f64 = x.iter().map(|v| v * v).sum();
        prop_assert!((energy.iter().sum::<f64>() - norm2).abs() < 1e-10 * (1.0 + norm2));
    }
}

#[test]
fn the_real_basis_is_orthonormal() {
    for p in [2, 3, 7, 10, 97] {
        let b = real_basis(p);
        assert!(
            (b.transpose() * &b - DMatrix::identity(p, p)).abs().max() < 1e-12,
            "p = {p}"
        );
    }
}

#[test]
fn a_sinusoid_has_all_its_energy_at_its_frequency() {
    let p = 31;
    for k in 1..=15 {
        let x: Vec<f64> = (0..p)
            .map(|a| (2.0 * PI * (k * a) as f64 / p as f64 + 0.7).cos())
            .collect();
        let e = Fourier::new().energy(&x);
        for (j, &ej) in e.iter().enumerate() {
            let want = if j == k { p as f64 / 2.0 } else { 0.0 };
            assert!((ej - want).abs() < 1e-10, "k = {k}, bin {j}: {ej}");
        }
    }
    // A delta has a flat spectrum: |x̂(k)| = 1 for every k.
    let mut delta = vec![C64::default(); p];
    delta[3] = C64::new(1.0, 0.0);
    Fourier::new().dft_nd(&mut delta, &[p]);
    assert!(delta.iter().all(|v| (v.norm() - 1.0).abs() < 1e-12));
}

#[test]
fn addition_is_diagonal_in_the_three_dimensional_fourier_basis() {
    // T_abc = [a + b = c mod p] has T̂(k1, k2, k3) = p² [k1 = k2 = −k3 mod p]: p nonzero coefficients of p³.
    let p = 11;
    let mut t = vec![C64::default(); p * p * p];
    for a in 0..p {
        for b in 0..p {
            t[(a * p + b) * p + (a + b) % p] = C64::new(1.0, 0.0);
        }
    }
    Fourier::new().dft_nd(&mut t, &[p, p, p]);
    for k1 in 0..p {
        for k2 in 0..p {
            for k3 in 0..p {
                let v = t[(k1 * p + k2) * p + k3];
                let on_diagonal = k1 == k2 && (k1 + k3) % p == 0;
                let want = if on_diagonal { (p * p) as f64 } else { 0.0 };
                assert!((v.norm() - want).abs() < 1e-9, "({k1}, {k2}, {k3}): {v}");
            }
        }
    }
}

#[test]
fn progress_measures_of_a_layer_of_pure_sinusoids() {
    let p = 23;
    let freqs = [3usize, 3, 5, 7, 3, 5];
    let w1 = DMatrix::from_fn(freqs.len(), 2 * p, |i, col| {
        let a = (col % p) as f64;
        (2.0 * PI * freqs[i] as f64 * a / p as f64 + 0.3 * (i + col / p) as f64).cos()
    });
    let s = EmbeddingSpectrum::of(&w1, p, &mut Fourier::new());
    for (i, &k) in freqs.iter().enumerate() {
        assert_eq!(s.dominant_frequency(i), k);
        assert!((s.concentration(i) - 1.0).abs() < 1e-12);
    }
    assert_eq!(s.key_frequencies(), vec![(3, 3), (5, 2), (7, 1)]);
    // Layer spectrum: 3 and 5 and 7 carry 3/6, 2/6, 1/6 of the energy: IPR = (9 + 4 + 1) / 36.
    assert!((s.ipr() - 14.0 / 36.0).abs() < 1e-12);
    assert!((s.top_energy_fraction(2) - 5.0 / 6.0).abs() < 1e-12);
}

#[test]
fn random_layers_are_not_fourier_concentrated() {
    use rand_distr::{Distribution, StandardNormal};
    let p = 97;
    let mut rng = grokking::rng::child(1, grokking::rng::Stream::Init);
    let w1 = DMatrix::<f64>::from_fn(256, 2 * p, |_, _| StandardNormal.sample(&mut rng));
    let s = EmbeddingSpectrum::of(&w1, p, &mut Fourier::new());
    let c = s.median_concentration();
    // Each of the 48 frequencies holds about 2/97 of a Gaussian row's energy; the largest of 48 such
    // (χ²₄-distributed) shares is a few times that: about 0.07.
    assert!(
        (0.04..0.12).contains(&c),
        "median concentration of a random layer: {c}"
    );
    assert!(
        s.key_frequencies().len() > 40,
        "random neurons spread over almost all frequencies"
    );
}

/// A matrix with two planted Fourier directions of different strengths on top of weak noise: its two
/// leading singular directions are the planted ones, in order of strength, with concentration near 1; the
/// directions after them are noise, near a random vector's.
#[test]
fn singular_directions_of_planted_fourier_modes() {
    use grokking::measure::progress::singular_direction_concentrations;
    use rand_distr::{Distribution, StandardNormal};
    let (p, n) = (31usize, 64usize);
    let mut rng = grokking::rng::child(2, grokking::rng::Stream::Init);
    let wave = |k: usize, phase: f64| -> Vec<f64> {
        (0..2 * p)
            .map(|c| (2.0 * PI * (k * (c % p)) as f64 / p as f64 + phase * (c / p) as f64).cos())
            .collect()
    };
    let (v1, v2) = (wave(4, 0.7), wave(9, 1.9));
    let u1: Vec<f64> = (0..n).map(|_| StandardNormal.sample(&mut rng)).collect();
    let u2: Vec<f64> = (0..n).map(|_| StandardNormal.sample(&mut rng)).collect();
    let m = DMatrix::from_fn(n, 2 * p, |i, c| {
        let noise: f64 = StandardNormal.sample(&mut rng);
        3.0 * u1[i] * v1[c] + 2.0 * u2[i] * v2[c] + 0.05 * noise
    });
    let c = singular_direction_concentrations(&m, p, 6);
    assert_eq!(c.len(), 6);
    assert!(c[0] > 0.95 && c[1] > 0.95, "planted directions: {c:?}");
    assert!(c[2..].iter().all(|&x| x < 0.4), "noise directions: {c:?}");
}

/// The $z^2$ Fourier solution's neurons are $(\cos A+\cos B)^2$: exactly 4/5 of their non-constant
/// activation energy is in the first-harmonic family of their frequency and 2/5 in $\cos(k(a+b))$; a
/// random ReLU layer is far from that.
#[test]
fn activation_spectra_of_the_fourier_solution_and_of_a_random_layer() {
    use grokking::measure::activation::ActivationSpectrum;
    for (p, keys) in [(11u32, vec![1usize, 3]), (23, vec![2, 7, 11])] {
        let model = grokking::analytic::fourier_solution(p, &keys).unwrap();
        let task = grokking::analytic::task(p);
        let mut planner = Fourier::new();
        let s = ActivationSpectrum::of(&model, &task, &mut planner).unwrap();
        for (i, &kappa) in s.frequency.iter().enumerate() {
            assert_eq!(kappa, keys[i / 6], "neuron {i}");
            assert!((s.first_harmonic_fraction[i] - 0.8).abs() < 1e-12);
            assert!((s.sum_mode_fraction[i] - 0.4).abs() < 1e-12);
        }
        let embedding = EmbeddingSpectrum::of(&model.params.w1, p as usize, &mut planner);
        let summary = s.summary(&embedding);
        assert_eq!(summary.agreement_with_embedding, 1.0);
        assert_eq!(summary.distinct_frequencies, keys.len());
    }
    let cfg = grokking::config::canonical(0);
    let model = grokking::model::Model::<f64>::init(&cfg.task, cfg.model, 0).unwrap();
    let s = ActivationSpectrum::of(&model, &cfg.task, &mut Fourier::new()).unwrap();
    let mut f = s.first_harmonic_fraction.clone();
    let median = grokking::stats::median(&mut f).unwrap();
    assert!(
        median < 0.2,
        "random ReLU layer: median first-harmonic fraction {median}"
    );
}
