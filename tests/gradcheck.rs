//! Every backward pass against central finite differences in f64.
//!
//! For each weight $\theta_i$: $\hat g_i=(L(\theta+he_i)-L(\theta-he_i))/2h$ with $h=10^{-6}$. Its error is at
//! most $h^2|L'''|/6+2\varepsilon|L|/h\approx10^{-12}+10^{-10}$ for the smooth pieces, so the check
//! `|ĝ − g| ≤ ABS_TOL + REL_TOL·|g|` with `ABS_TOL = 1e-7`, `REL_TOL = 1e-5` leaves a margin of ~100×
//! and still catches any real error (a 1% scaling of the gradient fails it; see the last test). ReLU is
//! not differentiable at 0, so cases with a pre-activation within $10h$ of 0 are resampled.

use grokking::loss::{self, LossKind};
use grokking::model::{Activation, Batch, Model, ModelConfig, Params, Workspace};
use grokking::task::{Operation, Task};
use nalgebra::DMatrix;
use proptest::prelude::*;

const H: f64 = 1e-6;
const ABS_TOL: f64 = 1e-7;
const REL_TOL: f64 = 1e-5;

struct Case {
    model: Model<f64>,
    batch: Batch<f64>,
    loss: LossKind,
}

impl Case {
    fn loss_at(&self, params: &Params<f64>) -> f64 {
        let m = Model {
            config: self.model.config,
            params: params.clone(),
        };
        let mut ws = Workspace::default();
        m.forward(&self.batch, &mut ws);
        loss::evaluate(self.loss, &ws.logits, &self.batch.labels, None).loss
    }

    fn analytic(&self) -> (Params<f64>, f64) {
        let mut ws = Workspace::default();
        self.model.forward(&self.batch, &mut ws);
        let min_abs_z = self
            .model
            .pre_activations(&self.batch)
            .iter()
            .fold(f64::INFINITY, |m, z| m.min(z.abs()));
        loss::evaluate(
            self.loss,
            &ws.logits,
            &self.batch.labels,
            Some(&mut ws.dlogits),
        );
        let mut g = self.model.params.zeros_like();
        self.model.backward(&self.batch, &mut ws, &mut g);
        (g, min_abs_z)
    }

    /// Largest `|ĝ − g| / (ABS_TOL + REL_TOL·|g|)` over all weights (≤ 1 passes).
    fn worst_violation(&self, g: &Params<f64>) -> f64 {
        let mut worst = 0.0f64;
        for which in 0..2 {
            let len = g.matrices()[which].len();
            for i in 0..len {
                let mut plus = self.model.params.clone();
                plus.matrices_mut()[which][i] += H;
                let mut minus = self.model.params.clone();
                minus.matrices_mut()[which][i] -= H;
                let numeric = (self.loss_at(&plus) - self.loss_at(&minus)) / (2.0 * H);
                let analytic = g.matrices()[which][i];
                worst =
                    worst.max((numeric - analytic).abs() / (ABS_TOL + REL_TOL * analytic.abs()));
            }
        }
        worst
    }
}

/// A parity task on `size` bits, or addition mod `size`.
fn task(parity: bool, size: u32) -> Task {
    if parity {
        Task::SparseParity {
            n_bits: size,
            k: 2.min(size),
        }
    } else {
        Task::Modular {
            op: Operation::Add,
            p: size,
        }
    }
}

fn case(task: Task, config: ModelConfig, loss: LossKind, seed: u64) -> Case {
    let model = Model::init(&task, config, seed).unwrap();
    let batch = Batch::new(&task.all_examples().unwrap());
    Case { model, batch, loss }
}

fn activation() -> impl Strategy<Value = Activation> {
    prop_oneof![
        Just(Activation::Relu),
        Just(Activation::Quad),
        Just(Activation::Gelu)
    ]
}

fn loss_kind() -> impl Strategy<Value = LossKind> {
    prop_oneof![
        Just(LossKind::CrossEntropy),
        Just(LossKind::Mse),
        Just(LossKind::StableMax)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn backward_matches_central_differences(
        parity in any::<bool>(),
        size in 3u32..7,
        width in 1usize..10,
        act in activation(),
        loss in loss_kind(),
        kappa in prop_oneof![Just(1.0), Just(0.5), Just(2.0)],
        alpha in 0.5f64..2.0,
        seed in any::<u64>(),
    ) {
        let c = case(task(parity, size), ModelConfig { width, alpha, kappa, activation: act }, loss, seed);
        let (g, min_abs_z) = c.analytic();
        prop_assume!(act != Activation::Relu || min_abs_z > 10.0 * H);
        let worst = c.worst_violation(&g);
        prop_assert!(worst <= 1.0, "worst violation {worst:.3} (seed {seed}, {act}, {loss}, parity {parity}, size {size}, N {width})");
    }

    #[test]
    fn loss_gradient_matches_central_differences(classes in 2usize..12, n in 1usize..8, kind in loss_kind(), seed in any::<u64>()) {
        let mut rng = grokking::rng::child(seed, grokking::rng::Stream::Init);
        use rand::Rng;
        let logits = DMatrix::<f64>::from_fn(classes, n, |_, _| rng.random_range(-4.0..4.0));
        let labels: Vec<u32> = (0..n).map(|_| rng.random_range(0..classes as u32)).collect();
        let mut grad = DMatrix::zeros(classes, n);
        loss::evaluate(kind, &logits, &labels, Some(&mut grad));
        for i in 0..logits.len() {
            let (mut plus, mut minus) = (logits.clone(), logits.clone());
            plus[i] += H;
            minus[i] -= H;
            let numeric = (loss::evaluate(kind, &plus, &labels, None).loss - loss::evaluate(kind, &minus, &labels, None).loss) / (2.0 * H);
            prop_assert!((numeric - grad[i]).abs() <= ABS_TOL + REL_TOL * grad[i].abs(), "entry {i}: numeric {numeric}, analytic {}", grad[i]);
        }
    }
}

#[test]
fn cross_entropy_is_stable_for_huge_logits() {
    let logits = DMatrix::from_column_slice(3, 1, &[1000.0f64, -1000.0, 999.0]);
    let mut grad = DMatrix::zeros(3, 1);
    let s = loss::evaluate(LossKind::CrossEntropy, &logits, &[2], Some(&mut grad));
    let expected = (1.0f64 + (-1.0f64).exp()).ln() + 1.0; // lse − f_y with f_y = 999
    assert!(
        (s.loss - expected).abs() < 1e-12,
        "loss {} vs {expected}",
        s.loss
    );
    assert!(grad.iter().all(|g| g.is_finite()));
    assert_eq!(s.accuracy, 0.0);
}

#[test]
fn the_check_detects_a_one_percent_gradient_error() {
    let config = ModelConfig {
        width: 6,
        alpha: 1.0,
        kappa: 1.0,
        activation: Activation::Gelu,
    };
    let c = case(task(false, 5), config, LossKind::CrossEntropy, 7);
    let (mut g, _) = c.analytic();
    assert!(c.worst_violation(&g) <= 1.0, "the true gradient passes");
    g.w2 *= 1.01;
    assert!(
        c.worst_violation(&g) > 1.0,
        "a 1% error in dL/dW2 must fail the check"
    );
    let (mut g, _) = c.analytic();
    g.w1 *= 1.01;
    assert!(
        c.worst_violation(&g) > 1.0,
        "a 1% error in dL/dW1 must fail the check"
    );
}

/// StableMax on hand-computed logits: $s(2)=3$, $s(0)=1$, $s(-1)=\frac12$, so the loss of label 1 is
/// $\log4.5-\log1$ and its gradient $(1/4.5,\ 1/4.5-1,\ \frac14/4.5)$; the arg-max is class 0. A one-sided
/// rule that used $e^x$, or dropped the chain factor $s'$, would give other numbers.
#[test]
fn stablemax_matches_its_closed_form() {
    let logits = DMatrix::from_column_slice(3, 1, &[2.0f64, 0.0, -1.0]);
    let mut grad = DMatrix::zeros(3, 1);
    let s = loss::evaluate(LossKind::StableMax, &logits, &[1], Some(&mut grad));
    assert!((s.loss - 4.5f64.ln()).abs() < 1e-15, "loss {}", s.loss);
    let want = [1.0 / 4.5, 1.0 / 4.5 - 1.0, 0.25 / 4.5];
    for (g, w) in grad.iter().zip(want) {
        assert!((g - w).abs() < 1e-15, "gradient {grad} against {want:?}");
    }
    assert_eq!(s.accuracy, 0.0);
    // Huge logits stay finite: s grows linearly.
    let huge = DMatrix::from_column_slice(3, 1, &[1e30f64, -1e30, 1e29]);
    let s = loss::evaluate(LossKind::StableMax, &huge, &[0], Some(&mut grad));
    assert!(s.loss.is_finite() && grad.iter().all(|g| g.is_finite()));
}
