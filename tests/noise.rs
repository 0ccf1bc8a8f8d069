//! Weight noise (`grokking::noise::WeightNoise`): its size per coordinate, its seeding, that $T=0$ is the
//! noiseless run bit for bit, and that bad temperatures are refused.

use crate::common::small_config;
use grokking::model::Params;
use grokking::noise::WeightNoise;
use grokking::train::{self, Observer, Silent};
use nalgebra::DMatrix;

fn zeros(rows: usize, cols: usize) -> Params<f64> {
    Params {
        w1: DMatrix::zeros(rows, cols),
        w2: DMatrix::zeros(cols, rows),
    }
}

#[test]
fn one_step_of_noise_has_standard_deviation_sqrt_2_eta_t() {
    let (lr, temperature) = (3e-3, 0.05);
    let mut noise = WeightNoise::new(temperature, lr, 7).unwrap();
    let expected = (2.0 * lr * temperature).sqrt();
    assert_eq!(noise.scale(), expected);
    let mut p = zeros(256, 100);
    // Step 0 is the initial weights: no noise there.
    noise.constrain(0, &mut p);
    assert!(p.w1.iter().chain(p.w2.iter()).all(|&w| w == 0.0));
    noise.constrain(1, &mut p);
    let n = (p.w1.len() + p.w2.len()) as f64;
    let values: Vec<f64> = p.w1.iter().chain(p.w2.iter()).copied().collect();
    let mean = values.iter().sum::<f64>() / n;
    let sd = (values.iter().map(|w| (w - mean).powi(2)).sum::<f64>() / n).sqrt();
    // 51,200 draws: the sample standard deviation is within 1/sqrt(2n) = 0.3% of sigma (one s.e.), the
    // mean within sigma/sqrt(n) = 0.44% of sigma; 2% and 2.5% are more than five standard errors.
    assert!(
        (sd / expected - 1.0).abs() < 0.02,
        "sd {sd} against {expected}"
    );
    assert!(mean.abs() < 0.025 * expected, "mean {mean}");
    // A second update adds independent noise: the variance doubles.
    noise.constrain(2, &mut p);
    let sd2 = (p.w1.iter().chain(p.w2.iter()).map(|w| w * w).sum::<f64>() / n).sqrt();
    assert!((sd2 / (expected * 2f64.sqrt()) - 1.0).abs() < 0.02, "{sd2}");
}

#[test]
fn noise_is_seeded_and_zero_temperature_is_the_noiseless_run() {
    let config = grokking::train::TrainConfig {
        steps: 200,
        ..small_config(3)
    };
    let lr = 1e-3;
    let silent = train::train::<f32>(&config, &mut Silent).unwrap();
    let cold = train::train::<f32>(&config, &mut WeightNoise::new(0.0, lr, 3).unwrap()).unwrap();
    assert_eq!(cold.model.params, silent.model.params);
    let hot = |seed| {
        train::train::<f32>(&config, &mut WeightNoise::new(1e-3, lr, seed).unwrap())
            .unwrap()
            .model
            .params
    };
    assert_eq!(hot(3), hot(3));
    assert_ne!(hot(3), silent.model.params);
    assert_ne!(hot(3), hot(4));
}

#[test]
fn bad_temperatures_and_rates_are_refused() {
    for (t, lr) in [
        (-1e-3, 1e-3),
        (f64::NAN, 1e-3),
        (f64::INFINITY, 1e-3),
        (1e-3, 0.0),
        (1e-3, -1.0),
        (1e-3, f64::NAN),
    ] {
        let e = WeightNoise::new(t, lr, 0).err().expect("refused");
        assert!(e.to_string().contains("must be finite"), "{e}");
    }
}
