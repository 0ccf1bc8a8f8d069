//! T5-democracy — what "spectral democracy" means for the implemented Muon: the Newton–Schulz map sends
//! each singular direction of relative size $x=\sigma_i/\\|D\\|\_F$ to $\phi^{\circ5}(x)$, independently of the others,
//! which compresses a 100:1 spread of relative sizes in $[10^{-2},1]$ to $[0.6818,1.1344]$ (1.66:1), but
//! amplifies tiny directions only linearly, by $\phi'(0)^5=a^5\approx485$.
//! Note: notes/t5_spectral_democracy.md

use super::{Budget, Check, Status, Theorem};
use grokking::error::Result;
use grokking::optim::muon::{
    iterate, newton_schulz, range_above, NS_COEFFICIENTS, NS_EPS, NS_STEPS,
};
use grokking::rng;
use grokking::rng::gaussian_matrix;
use nalgebra::DMatrix;
use rand::Rng;

/// The ledger entry.
pub const THEOREM: Theorem = Theorem {
    id: "T5-democracy",
    name: "spectral democracy of the implemented Newton–Schulz map, with its small-singular-value caveat",
    note: "notes/t5_spectral_democracy.md",
    module: "theorems/t5_spectral_democracy.rs",
    run: check,
};

/// A random orthogonal $k\times k$ matrix (the Q factor of a Gaussian matrix).
fn orthogonal(rng: &mut impl Rng, k: usize) -> DMatrix<f64> {
    gaussian_matrix(rng, k, k, 1.0).qr().q()
}

/// A random $m\times n$ matrix ($m\ge n$) with singular values `sigma` (length $n$) and Haar singular vectors.
fn with_singular_values(rng: &mut impl Rng, m: usize, sigma: &[f64]) -> DMatrix<f64> {
    let n = sigma.len();
    let (u, v) = (orthogonal(rng, m), orthogonal(rng, n));
    let mut s = DMatrix::zeros(m, n);
    for (i, &x) in sigma.iter().enumerate() {
        s[(i, i)] = x;
    }
    u * s * v.transpose()
}

/// Largest $|\sigma_i(\mathrm{NS}\_5(D))-\phi^{\circ5}(\sigma_i(D)/(\\|D\\|\_F+\epsilon))|$ for a random $D$ of shape $m\times n$ whose
/// singular values are log-uniform over `decades` decades.
fn independence_error(rng: &mut impl Rng, m: usize, n: usize, decades: f64) -> f64 {
    let mut sigma: Vec<f64> = (0..n)
        .map(|_| 10f64.powf(-rng.random_range(0.0..decades)))
        .collect();
    sigma.sort_by(|a, b| b.total_cmp(a));
    let d = with_singular_values(rng, m, &sigma);
    let norm = d.norm() + NS_EPS;
    let out = newton_schulz(&d, NS_STEPS)
        .svd(false, false)
        .singular_values
        .as_slice()
        .to_vec();
    let mut want: Vec<f64> = sigma.iter().map(|s| iterate(s / norm, NS_STEPS)).collect();
    let mut got = out;
    want.sort_by(|a, b| b.total_cmp(a));
    got.sort_by(|a, b| b.total_cmp(a));
    got.iter()
        .zip(&want)
        .map(|(g, w)| (g - w).abs())
        .fold(0.0, f64::max)
}

/// Agreement of the singular values of $NS_5(D)$ with $\phi^{\circ5}$ of the normalised ones: both sides are
/// f64 computations of $O(1)$ numbers through five polynomial steps and an SVD.
pub const INDEPENDENCE_TOLERANCE: f64 = 1e-10;
/// The band $\phi^{\circ5}([10^{-2},1])$ as the note computes it, to four decimals.
pub const BAND: (f64, f64) = (0.6818, 1.1344);
/// Half a unit of the band's last printed decimal, and more: the grid of $10^5$ points resolves the ends to
/// about $10^{-6}$.
pub const BAND_TOLERANCE: f64 = 1e-4;
/// Relative agreement of $\phi^{\circ5}(10^{-6})/10^{-6}$ with $a^5$ (the cubic term shifts it by $O(10^{-11})$).
pub const GAIN_TOLERANCE: f64 = 1e-3;

/// The ledger check.
fn check(budget: Budget) -> Result<Vec<Check>> {
    let cases = match budget {
        Budget::Quick => 20,
        Budget::Full => 200,
    };
    let mut rng = rng::indexed(23, 0);
    let mut worst: f64 = 0.0;
    for _ in 0..cases {
        let n = rng.random_range(2..24);
        let m = n + rng.random_range(0..24);
        worst = worst.max(independence_error(&mut rng, m, n, 4.0));
    }
    let (lo, hi) = range_above(NS_STEPS, 1e-2, 100_000);
    let a5 = NS_COEFFICIENTS.0.powi(NS_STEPS as i32);
    let tiny = iterate(1e-6, NS_STEPS) / 1e-6;
    Ok(vec![
        Check {
            claim: "the implemented Newton–Schulz map acts on each singular value alone: sigma_i -> phi^5(sigma_i / (|D|_F + eps))".into(),
            status: Status::Proved,
            prediction: "singular values of NS_5(D) = phi^5 of the normalised ones".into(),
            measured: format!("max deviation {worst:.1e} over {cases} random D (singular values over 4 decades)"),
            tolerance: format!("{INDEPENDENCE_TOLERANCE:e} (f64 round-off)"),
            pass: worst <= INDEPENDENCE_TOLERANCE,
        },
        Check {
            claim: "democracy: relative sizes in [1e-2, 1] (100:1) come out in a band; tiny ones are amplified only linearly".into(),
            status: Status::Proved,
            prediction: format!(
                "phi^5([1e-2, 1]) = [{:.4}, {:.4}]; phi^5(x)/x -> a^5 = {a5:.1} as x -> 0",
                BAND.0, BAND.1
            ),
            measured: format!(
                "range [{lo:.4}, {hi:.4}] (spread {:.2}:1); phi^5(1e-6)/1e-6 = {tiny:.1}",
                hi / lo
            ),
            tolerance: format!(
                "{BAND_TOLERANCE:e} on the band ends; {GAIN_TOLERANCE:e} relative on the gain"
            ),
            pass: (lo - BAND.0).abs() < BAND_TOLERANCE
                && (hi - BAND.1).abs() < BAND_TOLERANCE
                && (tiny / a5 - 1.0).abs() < GAIN_TOLERANCE,
        },
    ])
}

#[cfg(test)]
#[path = "../tests/t5_spectral_democracy.rs"]
mod tests;
