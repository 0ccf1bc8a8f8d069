//! T2-kramers — escape over a barrier: the exact mean first-passage time of 1-D overdamped Langevin
//! dynamics, its Kramers (Arrhenius) asymptotics, the Eyring–Kramers prefactor, and an Euler–Maruyama
//! simulator that must reproduce them. The yardstick for "$t_{grok}\sim e^{\Delta F/T_{eff}}$" (T2).
//! Note: notes/t2_kramers.md
//!
//! Dynamics: $dX=-U'(X)\\,dt+\sqrt{2T}\\,dW$ (unit friction). For a start $x_0$ and an absorbing point
//! $x_{abs}$ right of the barrier, with $U\to\infty$ on the left, the mean first-passage time is
//! $$\tau(x_0)=\frac1T\int_{x_0}^{x_{abs}}e^{U(y)/T}\int_{-\infty}^{y}e^{-U(z)/T}\\,dz\\,dy,$$
//! and as $\Delta U/T\to\infty$, $\tau\simeq\tau_K=\frac{2\pi}{\sqrt{U''(a)\\,|U''(b)|}}e^{\Delta U/T}$ (minimum $a$,
//! barrier top $b$). The test potential is the cubic well $U(x)=h(3x^2-2x^3)$: minimum at 0, barrier top
//! at 1, height $\Delta U=h$, curvatures $\pm6h$; with $T=1$, $h$ is the barrier in units of $T$.

use super::{Budget, Check, Seconds, Status, Theorem};
use grokking::error::{ensure, Result};
use grokking::rng;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;
use std::f64::consts::PI;

/// The ledger entry.
pub const THEOREM: Theorem = Theorem {
    id: "T2-kramers",
    name: "Langevin escape times: exact first passage, Kramers law, simulator",
    note: "notes/t2_kramers.md",
    module: "theorems/t2_kramers.rs",
    run: check,
    seconds: Seconds {
        quick: 1.5,
        full: 34.0,
    },
};

/// $U(x)=h(3x^2-2x^3)$ at temperature 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CubicWell {
    /// Barrier height $h=\Delta U/T$.
    pub height: f64,
}

/// Where escapes start and end: the minimum, and a point past the barrier where $U=-4h$.
pub const START: f64 = 0.0;
/// See [`START`].
pub const ABSORB: f64 = 2.0;

impl CubicWell {
    /// A well of barrier `height` $>0$ (in units of $T$).
    pub fn new(height: f64) -> Result<Self> {
        ensure(height > 0.0 && height.is_finite(), || {
            format!("the barrier height must be positive, got {height}")
        })?;
        Ok(CubicWell { height })
    }

    /// $U(x)$.
    pub fn potential(&self, x: f64) -> f64 {
        self.height * (3.0 * x * x - 2.0 * x * x * x)
    }

    /// $-U'(x)=6h(x^2-x)$.
    pub fn force(&self, x: f64) -> f64 {
        6.0 * self.height * (x * x - x)
    }

    /// The Kramers time $\tau_K=\frac{2\pi}{6h}e^h$.
    pub fn kramers_time(&self) -> f64 {
        kramers_time(6.0 * self.height, 6.0 * self.height, self.height, 1.0)
    }

    /// The exact mean first-passage time from [`START`] to [`ABSORB`] (quadrature; see
    /// [`exact_mean_first_passage`]).
    pub fn exact_time(&self) -> f64 {
        exact_mean_first_passage(|x| self.potential(x), 1.0, START, ABSORB, -2.0)
    }
}

/// Kramers' overdamped escape time $\frac{2\pi}{\sqrt{U''(a)|U''(b)|}}e^{\Delta U/T}$.
pub fn kramers_time(curvature_min: f64, curvature_top: f64, barrier: f64, temperature: f64) -> f64 {
    2.0 * PI / (curvature_min * curvature_top.abs()).sqrt() * (barrier / temperature).exp()
}

/// Eyring–Kramers time in $d$ dimensions: $\frac{2\pi}{|\lambda_-|}\sqrt{\frac{|\det\nabla^2U(s)|}{\det\nabla^2U(m)}}\\,e^{\Delta U/T}$,
/// from the Hessian eigenvalues at the minimum (all positive) and at the saddle (exactly one negative,
/// $\lambda_-$). With $d=1$ it is [`kramers_time`].
pub fn eyring_kramers_time(
    hessian_min: &[f64],
    hessian_saddle: &[f64],
    barrier: f64,
    temperature: f64,
) -> Result<f64> {
    ensure(hessian_min.len() == hessian_saddle.len(), || {
        "both Hessians need the same dimension".into()
    })?;
    ensure(hessian_min.iter().all(|&l| l > 0.0), || {
        "the minimum's Hessian must be positive definite".into()
    })?;
    let negative: Vec<f64> = hessian_saddle
        .iter()
        .copied()
        .filter(|&l| l < 0.0)
        .collect();
    ensure(
        negative.len() == 1 && !hessian_saddle.contains(&0.0),
        || "the saddle's Hessian needs exactly one negative eigenvalue and no zero".into(),
    )?;
    let det_min: f64 = hessian_min.iter().product();
    let det_saddle: f64 = hessian_saddle.iter().product::<f64>().abs();
    Ok(
        2.0 * PI / negative[0].abs()
            * (det_saddle / det_min).sqrt()
            * (barrier / temperature).exp(),
    )
}

/// Points per unit length of the quadrature in [`exact_mean_first_passage`].
const QUADRATURE_DENSITY: f64 = 20_000.0;

/// $\frac1T\int_{x_0}^{x_{abs}}e^{U(y)/T}\int_{x_{lo}}^{y}e^{-U(z)/T}dz\\,dy$ by the trapezoidal rule on a fine
/// grid (the inner integral accumulated along it); $x_{lo}$ stands for $-\infty$ and must lie where
/// $U\gg T$.
pub fn exact_mean_first_passage(
    potential: impl Fn(f64) -> f64,
    temperature: f64,
    x0: f64,
    x_abs: f64,
    x_lo: f64,
) -> f64 {
    let n = ((x_abs - x_lo) * QUADRATURE_DENSITY).ceil() as usize;
    let h = (x_abs - x_lo) / n as f64;
    let (mut inner, mut outer) = (0.0, 0.0);
    let mut prev: Option<(f64, f64)> = None; // (e^{-U/T}, integrand of the outer integral) at the last point
    for i in 0..=n {
        let x = x_lo + i as f64 * h;
        let u = potential(x) / temperature;
        let down = (-u).exp();
        if let Some((down_prev, _)) = prev {
            inner += 0.5 * h * (down + down_prev);
        }
        let integrand = u.exp() * inner;
        if let Some((_, integrand_prev)) = prev {
            if x > x0 {
                outer += 0.5 * h * (integrand + integrand_prev);
            }
        }
        prev = Some((down, integrand));
    }
    outer / temperature
}

/// Mean and standard error of simulated first-passage times.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    /// Mean first-passage time.
    pub mean: f64,
    /// Standard error of the mean.
    pub std_err: f64,
    /// Trajectories.
    pub n: usize,
}

/// Euler–Maruyama step of the simulator, as a fraction of the well's relaxation time $1/U''(0)$.
pub const DT_FRACTION: f64 = 0.005;

/// Simulates `n` escapes from [`START`] to [`ABSORB`] with Euler–Maruyama, $dt=$ [`DT_FRACTION`]$/(6h)$;
/// trajectory $i$ draws its noise from [`rng::indexed`]`(seed, i)` (deterministic at any thread count).
pub fn simulate(well: &CubicWell, n: usize, seed: u64) -> Sample {
    let dt = DT_FRACTION / (6.0 * well.height);
    let noise = (2.0 * dt).sqrt();
    let times: Vec<f64> = (0..n)
        .into_par_iter()
        .map(|i| {
            let mut rng = rng::indexed(seed, i as u64);
            let (mut x, mut steps) = (START, 0u64);
            while x < ABSORB {
                let g: f64 = StandardNormal.sample(&mut rng);
                x += well.force(x) * dt + noise * g;
                steps += 1;
            }
            steps as f64 * dt
        })
        .collect();
    let mean = times.iter().sum::<f64>() / n as f64;
    let var = times.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / (n as f64 - 1.0).max(1.0);
    Sample {
        mean,
        std_err: (var / n as f64).sqrt(),
        n,
    }
}

/// Allowance for the Euler–Maruyama bias of the simulated mean, relative: the weak error is first order,
/// $O(dt\\,\max|U''|)=O(0.005)$ near the well and the barrier; measured below 1% for $h\le8$ (note).
pub const DISCRETIZATION_ALLOWANCE: f64 = 0.02;

/// Standard errors allowed: 4, so that a property test over random seeds fails by chance with
/// probability below $10^{-4}$ per case (normal approximation of the mean of 1000 escape times).
pub const STANDARD_ERRORS: f64 = 4.0;

/// How far a simulated mean may be from the exact time: [`STANDARD_ERRORS`] standard errors plus the
/// discretization allowance.
fn tolerance(exact: f64, s: &Sample) -> f64 {
    STANDARD_ERRORS * s.std_err + DISCRETIZATION_ALLOWANCE * exact
}

fn heights(budget: Budget) -> &'static [f64] {
    match budget {
        Budget::Quick => &[3.0, 4.0, 5.0],
        Budget::Full => &[3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    }
}

/// The ledger check: the simulator against the exact time, and the Kramers law's relative error.
fn check(budget: Budget) -> Result<Vec<Check>> {
    Ok(vec![
        simulation(budget, CubicWell::exact_time)?,
        kramers_correction(KRAMERS_FIRST_ORDER)?,
    ])
}

/// The simulator's mean escape time against `predicted` ([`CubicWell::exact_time`] in the ledger; a test
/// swaps in wrong times).
fn simulation(budget: Budget, predicted: fn(&CubicWell) -> f64) -> Result<Check> {
    let n = match budget {
        Budget::Quick => 1000,
        Budget::Full => 1000,
    };
    let mut sim = Vec::new();
    let mut pass = true;
    for &h in heights(budget) {
        let well = CubicWell::new(h)?;
        let exact = predicted(&well);
        let s = simulate(&well, n, 7);
        pass &= (s.mean - exact).abs() <= tolerance(exact, &s);
        sim.push(format!(
            "h={h}: {:.1} ± {:.1} vs {exact:.1}",
            s.mean, s.std_err
        ));
    }
    Ok(Check {
        claim: "Euler–Maruyama escapes reproduce the exact mean first-passage time".into(),
        status: Status::Proved,
        prediction: "simulated mean = exact quadrature".into(),
        measured: format!("{} ({n} trajectories each)", sim.join("; ")),
        tolerance: format!(
            "{STANDARD_ERRORS} standard errors + {DISCRETIZATION_ALLOWANCE} x exact (Euler–Maruyama bias)"
        ),
        pass,
    })
}

/// Kramers' law with its first correction `first_order` ($5/18$, [`KRAMERS_FIRST_ORDER`], in the ledger).
fn kramers_correction(first_order: f64) -> Result<Check> {
    let mut worst: f64 = 0.0;
    for &h in KRAMERS_HEIGHTS {
        let well = CubicWell::new(h)?;
        let rel = well.exact_time() / well.kramers_time() - 1.0;
        worst = worst.max(h * h * (rel - first_order / h).abs());
    }
    Ok(Check {
        claim: "Kramers' law with its first correction: exact / tau_K = 1 + 5/(18h) + O(1/h^2)"
            .into(),
        status: Status::Proved,
        prediction: format!("h^2 |exact / tau_K - 1 - c/h| bounded, c = {first_order:.4}"),
        measured: format!("max over h in {KRAMERS_HEIGHTS:?}: {worst:.3}"),
        tolerance: format!("{SECOND_ORDER_BOUND} (measured second-order coefficient, note)"),
        pass: worst <= SECOND_ORDER_BOUND,
    })
}

/// First-order correction: $\tau/\tau_K=1+c/h+O(h^{-2})$ with $c=5/18$, from the Laplace expansions of
/// the well and the barrier integrals (each contributes $5/(36h)$; note).
pub const KRAMERS_FIRST_ORDER: f64 = 5.0 / 18.0;
/// Bound on $h^2|\tau/\tau_K-1-c/h|$ over [`KRAMERS_HEIGHTS`] (measured: 0.49 at $h=6$, tending to about
/// 0.31 as $h\to\infty$; note).
pub const SECOND_ORDER_BOUND: f64 = 0.6;
/// Barrier heights of the Kramers check (quadrature only: cheap).
pub const KRAMERS_HEIGHTS: &[f64] = &[3.0, 4.0, 5.0, 6.0, 8.0, 12.0, 16.0, 32.0, 64.0];

#[cfg(test)]
#[path = "../tests/t2_kramers.rs"]
mod tests;
