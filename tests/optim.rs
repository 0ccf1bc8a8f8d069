//! Optimizers against literal trajectories from an independent NumPy implementation
//! (`tests/oracle/optim_trajectories.py`: written from the update formulas, float64, 4 steps of the
//! open-loop gradients $G_t[i,j]=\sin(1+i+2j+3t)$), and Muon's Newton–Schulz map against its
//! singular-value description.

use grokking::optim::muon::{self, newton_schulz, quintic, Orthogonalizer};
use grokking::optim::{
    adamw, egd, sgd, AdamWConfig, EgdConfig, EgdLayers, MuonConfig, OptimizerConfig, SgdConfig,
};
use nalgebra::DMatrix;
use proptest::prelude::*;

// Output of `python3 tests/oracle/optim_trajectories.py` (row-major weights after 4 steps).
const SGD_HEAVY_BALL: [f64; 6] = [
    0.6385629546666642,
    -0.2761117426910724,
    0.35019883760522397,
    0.6636507106275087,
    -0.6724976720114723,
    -0.061610129984973,
];
const SGD_NESTEROV: [f64; 6] = [
    0.6444607094302808,
    -0.3021537079663147,
    0.3315113581034403,
    0.6501257423694478,
    -0.6973097816082073,
    -0.0469104045077946,
];
const ADAMW: [f64; 6] = [
    0.5036927967102132,
    -0.2849314320175634,
    0.20794536262553426,
    0.7699997424058137,
    -0.6769912322675634,
    0.08590923928849148,
];
const MUON_NS_TALL: [f64; 6] = [
    0.5148666636089152,
    -0.31643694934978545,
    0.19261739167733075,
    0.76188400740984,
    -0.7145841361000556,
    0.09637916478686734,
];
const MUON_NS_WIDE: [f64; 6] = [
    0.7573126080883986,
    0.2818531539681215,
    -1.0412103866482223,
    -0.4500910816051686,
    1.160052637851068,
    0.16946843414594123,
];
const MUON_POLAR_TALL: [f64; 6] = [
    0.5135283544756946,
    -0.31640457552248125,
    0.18936300017606666,
    0.7537165580422006,
    -0.7167625374314962,
    0.08752100750676939,
];

/// Agreement demanded of two float64 implementations of the same 4-step recursion (a few ulp per
/// operation, amplified at most ~10× by Newton–Schulz).
const TRAJECTORY_TOL: f64 = 1e-12;

fn w_tall() -> DMatrix<f64> {
    DMatrix::from_row_slice(3, 2, &[0.5, -0.3, 0.2, 0.8, -0.7, 0.1])
}

fn w_wide() -> DMatrix<f64> {
    w_tall().transpose() * 1.5
}

fn gradient(shape: (usize, usize), t: usize) -> DMatrix<f64> {
    DMatrix::from_fn(shape.0, shape.1, |i, j| {
        (1.0 + i as f64 + 2.0 * j as f64 + 3.0 * t as f64).sin()
    })
}

fn run(
    mut w: DMatrix<f64>,
    mut step: impl FnMut(&mut DMatrix<f64>, &DMatrix<f64>),
) -> DMatrix<f64> {
    for t in 1..=4 {
        let g = gradient(w.shape(), t);
        step(&mut w, &g);
    }
    w
}

fn assert_matches(name: &str, got: &DMatrix<f64>, expected: &[f64; 6]) {
    let want = DMatrix::from_row_slice(got.nrows(), got.ncols(), expected);
    let err = (got - &want).abs().max();
    assert!(
        err <= TRAJECTORY_TOL,
        "{name}: max error {err:e}\n got {got}\nwant {want}"
    );
}

#[test]
fn sgd_follows_the_literal_trajectory() {
    for (nesterov, expected) in [(false, &SGD_HEAVY_BALL), (true, &SGD_NESTEROV)] {
        let c = SgdConfig {
            lr: 0.1,
            momentum: 0.9,
            nesterov,
            weight_decay: 0.01,
        };
        let mut s = sgd::State::new(&w_tall());
        assert_matches(
            "sgd",
            &run(w_tall(), |w, g| sgd::step(&c, w, g, &mut s)),
            expected,
        );
    }
}

#[test]
fn adamw_follows_the_literal_trajectory() {
    let c = AdamWConfig {
        lr: 0.01,
        beta1: 0.9,
        beta2: 0.98,
        eps: 1e-8,
        weight_decay: 0.5,
    };
    let mut s = adamw::State::new(&w_tall());
    assert_matches(
        "adamw",
        &run(w_tall(), |w, g| adamw::step(&c, w, g, &mut s)),
        &ADAMW,
    );
}

#[test]
fn muon_follows_the_literal_trajectories() {
    let cases = [
        (Orthogonalizer::NewtonSchulz, w_tall(), &MUON_NS_TALL),
        (Orthogonalizer::NewtonSchulz, w_wide(), &MUON_NS_WIDE),
        (Orthogonalizer::ExactPolar, w_tall(), &MUON_POLAR_TALL),
    ];
    for (orthogonalizer, w0, expected) in cases {
        let c = MuonConfig {
            lr: 0.05,
            momentum: 0.95,
            nesterov: true,
            weight_decay: 0.1,
            ns_steps: 5,
            orthogonalizer,
        };
        let mut s = muon::State::new(&w0);
        assert_matches(
            &format!("muon {orthogonalizer:?} {:?}", w0.shape()),
            &run(w0, |w, g| muon::step(&c, w, g, &mut s)),
            expected,
        );
    }
}

#[test]
fn a_wrong_hyperparameter_leaves_the_trajectory() {
    // The comparison can fail: AdamW with beta2 = 0.99 instead of 0.98 is far outside the tolerance.
    let c = AdamWConfig {
        lr: 0.01,
        beta1: 0.9,
        beta2: 0.99,
        eps: 1e-8,
        weight_decay: 0.5,
    };
    let mut s = adamw::State::new(&w_tall());
    let w = run(w_tall(), |w, g| adamw::step(&c, w, g, &mut s));
    assert!((w - DMatrix::from_row_slice(3, 2, &ADAMW)).abs().max() > 1e3 * TRAJECTORY_TOL);
}

fn random_matrix(rows: usize, cols: usize, seed: u64) -> DMatrix<f64> {
    use rand_distr::{Distribution, StandardNormal};
    let mut rng = grokking::rng::child(seed, grokking::rng::Stream::Init);
    DMatrix::from_fn(rows, cols, |_, _| StandardNormal.sample(&mut rng))
}

fn sorted_singular_values(m: &DMatrix<f64>) -> Vec<f64> {
    let mut s: Vec<f64> = m.singular_values().iter().copied().collect();
    s.sort_by(|a, b| b.total_cmp(a));
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    /// Newton–Schulz acts on each singular value independently: $\sigma_i(O)=\phi^{\circ5}(\sigma_i(U)/(\|U\|_F+\epsilon))$.
    /// For Gaussian matrices of these shapes every $\sigma_i/\|U\|_F\ge10^{-2}$ (checked), where the map's range
    /// lies in $[0.68, 1.1344]$, so the output singular values do too.
    #[test]
    fn newton_schulz_maps_each_singular_value_through_the_quintic(rows in 2usize..24, cols in 2usize..24, seed in any::<u64>()) {
        let u = random_matrix(rows, cols, seed);
        let norm = u.norm();
        let input = sorted_singular_values(&u);
        prop_assume!(input.iter().all(|s| s / norm >= 1e-2));
        let output = sorted_singular_values(&newton_schulz(&u, 5));
        // φ⁵ is not monotone: compare the sorted predicted values with the sorted output.
        let mut predicted: Vec<f64> = input.iter().map(|s| (0..5).fold(s / (norm + muon::NS_EPS), |s, _| quintic(s))).collect();
        predicted.sort_by(|a, b| b.total_cmp(a));
        for (s_out, s_pred) in output.iter().zip(&predicted) {
            prop_assert!((s_out - s_pred).abs() <= 1e-9, "σ_out {s_out}, φ⁵(σ_in/‖U‖) {s_pred}; inputs/‖U‖ {:?}", input.iter().map(|s| s / norm).collect::<Vec<_>>());
            prop_assert!((0.68..=1.1344).contains(s_out), "output singular value {s_out} outside the Newton–Schulz range");
        }
    }

    #[test]
    fn exact_polar_is_a_partial_isometry(rows in 1usize..16, cols in 1usize..16, seed in any::<u64>()) {
        let o = muon::exact_polar(&random_matrix(rows, cols, seed));
        for s in sorted_singular_values(&o) {
            prop_assert!((s - 1.0).abs() < 1e-10, "singular value {s}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The iterated polar factor is the SVD's to round-off near the scaled Stiefel manifold (where it
    /// iterates) and far from it (where it falls back on the SVD), on both orientations.
    #[test]
    fn polar_factor_is_the_exact_polar_factor(rows in 1usize..40, cols in 1usize..40, spread in 0.0f64..0.6, scale in 1e-3f64..1e3, seed in any::<u64>()) {
        let w = random_matrix(rows, cols, seed);
        let (q, k) = (muon::exact_polar(&w), rows.min(cols));
        // Singular values spread around `scale`: from the polar factor and a diagonal of 1 ± spread.
        let svd = w.clone().svd(true, true);
        let (u, v_t) = (svd.u.unwrap(), svd.v_t.unwrap());
        let sigma = DMatrix::from_fn(k, k, |i, j| if i == j { scale * (1.0 + spread * (2.0 * i as f64 / k.max(2) as f64 - 1.0)) } else { 0.0 });
        let near = &u * sigma * &v_t;
        let exact = muon::exact_polar(&near);
        let iterated = muon::polar_factor(&near);
        prop_assert!((&iterated - &exact).norm() <= 1e-12 * (k as f64).sqrt(), "difference {}", (&iterated - &exact).norm());
        prop_assert!((&q - muon::polar_factor(&w)).norm() <= 1e-10 * (k as f64).sqrt());
    }
}

#[test]
fn polar_factor_falls_back_on_the_svd_for_rank_deficient_input() {
    let mut w = random_matrix(12, 5, 3);
    w.column_mut(4).fill(0.0);
    assert_eq!(muon::polar_factor(&w), muon::exact_polar(&w));
    let z = DMatrix::<f64>::zeros(4, 3);
    assert_eq!(muon::polar_factor(&z), z);
}

#[test]
fn newton_schulz_of_zero_is_zero_and_polar_of_zero_is_zero() {
    let z = DMatrix::<f64>::zeros(4, 3);
    assert_eq!(newton_schulz(&z, 5), z);
    assert_eq!(muon::exact_polar(&z), z);
}

#[test]
fn muon_scales_tall_updates_by_the_shape_factor() {
    assert_eq!(muon::shape_factor(8, 2), 2.0);
    assert_eq!(muon::shape_factor(2, 8), 1.0);
    // One step from W = 0 without decay: W₁ = −η·s·O, so ‖W₁‖_op = η·s·σ_max(O).
    let g = random_matrix(8, 2, 3);
    let mut w = DMatrix::zeros(8, 2);
    let c = MuonConfig {
        lr: 0.1,
        momentum: 0.0,
        nesterov: false,
        weight_decay: 0.0,
        ns_steps: 5,
        orthogonalizer: Orthogonalizer::ExactPolar,
    };
    let mut state = muon::State::new(&w);
    muon::step(&c, &mut w, &g, &mut state);
    let s = sorted_singular_values(&w);
    assert!(
        (s[0] - 0.1 * 2.0).abs() < 1e-12 && (s[1] - 0.2).abs() < 1e-12,
        "{s:?}"
    );
}

/// Newton–Schulz at the canonical shapes gives the same bits on one and on two threads (its products are
/// large enough to be split over threads).
#[test]
fn newton_schulz_is_identical_at_one_and_two_threads() {
    for (rows, cols) in [(256, 194), (97, 256)] {
        let u = random_matrix(rows, cols, 5);
        let at = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| newton_schulz(&u, 5))
        };
        assert_eq!(at(1), at(2), "{rows}x{cols}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]
    /// Egalitarian gradient descent moves a whitened matrix by $\eta$ times a partial isometry with the
    /// singular vectors of $G+\lambda W$ (the update's singular values are all 1: $\eta$ when divided out, and it
    /// equals $\eta\,(\tilde G\tilde G^\top)^{-1/2}\tilde G$ computed from the eigendecomposition of $\tilde G\tilde G^\top$ on the
    /// wide side), and a plain matrix by $\eta(G+\lambda W)$.
    #[test]
    fn egd_whitens_the_decayed_gradient(rows in 1usize..12, cols in 1usize..12, seed in any::<u64>(), lr in 1e-3f64..1.0, wd in 0.0f64..0.1) {
        let (w, g) = (random_matrix(rows, cols, seed), random_matrix(rows, cols, seed ^ 1));
        let c = EgdConfig { lr, weight_decay: wd, layers: EgdLayers::Embedding };
        let decayed = &g + &w * wd;
        let mut whitened = w.clone();
        egd::step(&c, &mut whitened, &g, true);
        let update = (&w - &whitened) / lr;
        for s in sorted_singular_values(&update) {
            prop_assert!((s - 1.0).abs() < 1e-9, "singular value {s} of the update / lr");
        }
        // (G̃G̃ᵀ)^{-1/2} G̃ on the side where G̃G̃ᵀ is invertible (the short one).
        let wide = rows <= cols;
        let short = if wide { decayed.clone() } else { decayed.transpose() };
        let eig = (&short * short.transpose()).symmetric_eigen();
        let inv_sqrt = &eig.eigenvectors
            * DMatrix::from_diagonal(&eig.eigenvalues.map(|l| 1.0 / l.sqrt()))
            * eig.eigenvectors.transpose();
        let literal = inv_sqrt * &short;
        let literal = if wide { literal } else { literal.transpose() };
        prop_assert!((&update - &literal).abs().max() < 1e-7, "polar vs (G̃G̃ᵀ)^(-1/2)G̃: {}", (&update - &literal).abs().max());
        let mut plain = w.clone();
        egd::step(&c, &mut plain, &g, false);
        prop_assert!((&plain - (&w - &decayed * lr)).abs().max() < 1e-12);
    }
}

/// Through the optimizer: `Embedding` whitens $W_1$ and steps $W_2$ by its gradient, `Both` whitens both;
/// the two differ on $W_2$ only. A rank-one gradient gives a rank-one update (the pseudo-inverse drops the
/// null directions instead of amplifying them).
#[test]
fn egd_whitens_the_chosen_layers_only() {
    use grokking::model::Params;
    use grokking::optim::Optimizer;
    let params = Params {
        w1: random_matrix(6, 4, 1),
        w2: random_matrix(3, 6, 2),
    };
    let grads = Params {
        w1: random_matrix(6, 4, 3),
        w2: random_matrix(3, 6, 4),
    };
    let stepped = |layers| {
        let config = OptimizerConfig::Egd(EgdConfig {
            lr: 0.1,
            weight_decay: 0.0,
            layers,
        });
        let mut p = params.clone();
        Optimizer::new(config, &p).unwrap().step(&mut p, &grads);
        p
    };
    let (embedding, both) = (stepped(EgdLayers::Embedding), stepped(EgdLayers::Both));
    assert_eq!(embedding.w1, both.w1);
    assert!(
        (&embedding.w1 - (&params.w1 - muon::exact_polar(&grads.w1) * 0.1))
            .abs()
            .max()
            < 1e-15
    );
    assert!((&embedding.w2 - (&params.w2 - &grads.w2 * 0.1)).abs().max() < 1e-15);
    assert!(
        (&both.w2 - (&params.w2 - muon::exact_polar(&grads.w2) * 0.1))
            .abs()
            .max()
            < 1e-15
    );
    let u = random_matrix(6, 1, 5);
    let v = random_matrix(1, 4, 6);
    let mut w = DMatrix::zeros(6, 4);
    let config = EgdConfig {
        lr: 1.0,
        weight_decay: 0.0,
        layers: EgdLayers::Both,
    };
    egd::step(&config, &mut w, &(&u * &v * 1e-3), true);
    let s = sorted_singular_values(&w);
    assert!(
        (s[0] - 1.0).abs() < 1e-12 && s[1] < 1e-12,
        "singular values {s:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]
    /// ⊥Grad leaves a gradient orthogonal to its weight, is idempotent, keeps an orthogonal gradient as it is
    /// and never lengthens it.
    #[test]
    fn orthograd_projects_the_gradient_off_the_weights(rows in 1usize..10, cols in 1usize..10, seed in any::<u64>()) {
        use grokking::optim::orthograd::project_out;
        let (w, g) = (random_matrix(rows, cols, seed), random_matrix(rows, cols, seed ^ 7));
        let mut p = g.clone();
        project_out(&mut p, &w);
        prop_assert!(p.dot(&w).abs() <= 1e-12 * (1.0 + g.norm() * w.norm()));
        prop_assert!(p.norm() <= g.norm() + 1e-12);
        let mut twice = p.clone();
        project_out(&mut twice, &w);
        prop_assert!((&twice - &p).abs().max() <= 1e-12 * (1.0 + p.norm()));
        // g minus its projection is along w.
        let along = &g - &p;
        prop_assert!((&along - &w * (along.dot(&w) / w.dot(&w))).abs().max() <= 1e-10 * (1.0 + g.norm()));
    }
}

/// Trained with ⊥Grad, plain gradient descent and no decay, each matrix's norm changes only at second order
/// ($\|w-\eta g^\perp\|^2=\|w\|^2+\eta^2\|g^\perp\|^2$, so it never falls); without ⊥Grad the first step already
/// changes it at first order, by far more.
#[test]
fn orthograd_training_changes_the_norms_only_at_second_order() {
    use grokking::config::canonical_add;
    use grokking::evaluation::Measures;
    use grokking::task::Labels;
    use grokking::train::{self, Probe, Watch};
    let sgd = OptimizerConfig::Sgd(SgdConfig {
        lr: 0.05,
        momentum: 0.0,
        nesterov: false,
        weight_decay: 0.0,
    });
    let norms = |perp: bool| {
        let mut c = canonical_add(7, 0.6, sgd, 30, 0);
        (c.eval_every, c.perpendicular_gradient, c.model.width) = (1, perp, 16);
        let mut seen = Vec::new();
        let mut watch = Watch::new(|p: &Probe<'_, f64>| {
            let w = &p.model.params;
            seen.push((w.w1.norm_squared(), w.w2.norm_squared()));
            Ok(())
        });
        train::train_with::<f64>(&c, Labels::True, Measures::Training, &mut watch).unwrap();
        seen
    };
    let (perp, plain) = (norms(true), norms(false));
    assert_eq!(perp.len(), 31);
    for pair in perp.windows(2) {
        let ((a1, a2), (b1, b2)) = (pair[0], pair[1]);
        assert!(
            b1 >= a1 * (1.0 - 1e-12) && b2 >= a2 * (1.0 - 1e-12),
            "{pair:?}"
        );
    }
    let first_change = |n: &[(f64, f64)]| (n[1].0 - n[0].0).abs() + (n[1].1 - n[0].1).abs();
    assert!(
        first_change(&plain) > 20.0 * first_change(&perp),
        "plain {} against perp {}",
        first_change(&plain),
        first_change(&perp)
    );
}
