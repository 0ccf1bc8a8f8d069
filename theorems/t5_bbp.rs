//! T5-bbp — the BBP transition of the rectangular spiked model: for $X=\theta uv^\top+Z\in\mathbb{R}^{n\times m}$,
//! $Z_{ij}\sim\mathcal N(0,1/m)$, $n/m\to c\in(0,1]$, the top singular value leaves the Marchenko–Pastur edge
//! $1+\sqrt c$ exactly when $\theta>c^{1/4}$, at $\sqrt{(1+\theta^2)(c+\theta^2)}/\theta$, with squared overlaps
//! $1-\frac{c(1+\theta^2)}{\theta^2(\theta^2+c)}$ (left) and $1-\frac{c+\theta^2}{\theta^2(\theta^2+1)}$ (right).
//! Note: notes/t5_bbp.md
//!
//! The yardstick for "Fourier-aligned outliers leave the bulk" in training (T5); the training part is not
//! done yet.

use super::{Budget, Check, Seconds, Status, Theorem};
use grokking::error::{ensure, Result};
use grokking::rng;
use grokking::rng::gaussian_matrix;
use nalgebra::DVector;
use rayon::prelude::*;

/// The ledger entry.
pub const THEOREM: Theorem = Theorem {
    id: "T5-bbp",
    name: "BBP transition of the rectangular spiked model (threshold c^1/4, outlier, overlaps)",
    note: "notes/t5_bbp.md",
    module: "theorems/t5_bbp.rs",
    run: check,
    seconds: Seconds {
        quick: 2.2,
        full: 7.0,
    },
};

/// $c^{1/4}$.
pub fn threshold(c: f64) -> f64 {
    c.powf(0.25)
}

/// The Marchenko–Pastur edge $1+\sqrt c$ of the singular values of $Z$.
pub fn edge(c: f64) -> f64 {
    1.0 + c.sqrt()
}

/// The limit of the top singular value: the outlier above the threshold, the edge below.
pub fn top_singular_value(theta: f64, c: f64) -> f64 {
    if theta > threshold(c) {
        ((1.0 + theta * theta) * (c + theta * theta)).sqrt() / theta
    } else {
        edge(c)
    }
}

/// The limit of $\langle u,\hat u\rangle^2$ (left, $n$-dimensional side); 0 below the threshold.
pub fn overlap_left(theta: f64, c: f64) -> f64 {
    let t2 = theta * theta;
    (1.0 - c * (1.0 + t2) / (t2 * (t2 + c))).max(0.0)
}

/// The limit of $\langle v,\hat v\rangle^2$ (right, $m$-dimensional side); 0 below the threshold.
pub fn overlap_right(theta: f64, c: f64) -> f64 {
    let t2 = theta * theta;
    (1.0 - (c + t2) / (t2 * (t2 + 1.0))).max(0.0)
}

/// One draw: $(\hat\sigma_1,\langle u,\hat u\rangle^2,\langle v,\hat v\rangle^2)$ for random unit $u$, $v$.
fn sample(n: usize, m: usize, theta: f64, seed: u64, index: u64) -> Result<[f64; 3]> {
    ensure(n >= 2 && n <= m, || {
        format!("needs 2 <= n <= m, got {n} x {m}")
    })?;
    let mut rng = rng::indexed(seed, index);
    let mut unit = |len: usize| -> DVector<f64> {
        gaussian_matrix(&mut rng, len, 1, 1.0).column(0).normalize()
    };
    let (u, v) = (unit(n), unit(m));
    let mut x = gaussian_matrix(&mut rng, n, m, 1.0 / (m as f64).sqrt());
    x += &u * v.transpose() * theta;
    let svd = x.svd(true, true);
    let (Some(left), Some(right_t)) = (svd.u, svd.v_t) else {
        unreachable!("both singular-vector sets were requested")
    };
    let top = svd.singular_values.imax();
    Ok([
        svd.singular_values[top],
        left.column(top).dot(&u).powi(2),
        right_t.row(top).transpose().dot(&v).powi(2),
    ])
}

/// Means and standard errors of `draws` samples.
fn measure(n: usize, m: usize, theta: f64, draws: usize, seed: u64) -> Result<[(f64, f64); 3]> {
    let samples: Result<Vec<[f64; 3]>> = (0..draws as u64)
        .into_par_iter()
        .map(|i| sample(n, m, theta, seed, i))
        .collect();
    let samples = samples?;
    let k = draws as f64;
    Ok(std::array::from_fn(|j| {
        let mean = samples.iter().map(|s| s[j]).sum::<f64>() / k;
        let var = samples.iter().map(|s| (s[j] - mean).powi(2)).sum::<f64>() / (k - 1.0).max(1.0);
        (mean, (var / k).sqrt())
    }))
}

/// Standard errors allowed: 5, so that with 20 draws (Student $t$, 19 degrees of freedom) a check of 12
/// means fails by chance with probability about $10^{-3}$.
pub const STANDARD_ERRORS: f64 = 5.0;

/// Allowed deviation of a sample mean from its limit: [`STANDARD_ERRORS`] standard errors plus the finite-size term of
/// the note — $2/n$ above the threshold (the $O(1/n)$ bias of outliers and overlaps), $2n^{-2/3}$ for the
/// top singular value below it (the Tracy–Widom scale at the edge) and $10/n$ for overlaps below it.
fn tolerance(n: usize, std_err: f64, above: bool, is_value: bool) -> f64 {
    let n = n as f64;
    let finite = match (above, is_value) {
        (true, _) => 2.0 / n,
        (false, true) => 2.0 * n.powf(-2.0 / 3.0),
        (false, false) => 10.0 / n,
    };
    STANDARD_ERRORS * std_err + finite
}

/// Spike strengths of the check, away from the threshold $c^{1/4}=0.84$ by more than the $n^{-1/3}$ width
/// of the finite-size transition.
pub const THETAS: [f64; 4] = [0.4, 1.5, 2.0, 3.0];

/// The limits of the top singular value and of the two squared overlaps at spike $\theta$ and aspect ratio $c$.
type Limits = fn(f64, f64) -> [f64; 3];

/// The theorem's limits ([`top_singular_value`], [`overlap_left`], [`overlap_right`]).
fn bbp_limits(theta: f64, c: f64) -> [f64; 3] {
    [
        top_singular_value(theta, c),
        overlap_left(theta, c),
        overlap_right(theta, c),
    ]
}

/// The ledger check.
fn check(budget: Budget) -> Result<Vec<Check>> {
    Ok(vec![spiked_matrices(budget, bbp_limits)?])
}

/// For each $\theta$ in [`THETAS`], the mean top singular value and both overlaps over independent draws
/// against `limits` ([`bbp_limits`] in the ledger; a test swaps in wrong ones).
fn spiked_matrices(budget: Budget, limits: Limits) -> Result<Check> {
    let (n, m, draws) = match budget {
        Budget::Quick => (200, 400, 20),
        Budget::Full => (400, 800, 20),
    };
    let c = n as f64 / m as f64;
    let mut rows = Vec::new();
    let mut pass = true;
    for &theta in &THETAS {
        let above = theta > threshold(c);
        let got = measure(n, m, theta, draws, 17)?;
        let want = limits(theta, c);
        for j in 0..3 {
            pass &= (got[j].0 - want[j]).abs() <= tolerance(n, got[j].1, above, j == 0);
        }
        rows.push(format!(
            "theta {theta}: sigma {:.4} (limit {:.4}), <u,u^>^2 {:.4} ({:.4}), <v,v^>^2 {:.4} ({:.4})",
            got[0].0, want[0], got[1].0, want[1], got[2].0, want[2]
        ));
    }
    Ok(Check {
        claim: format!(
            "rectangular BBP at n = {n}, m = {m} (c = {c}): threshold c^1/4 = {:.3}, outlier and overlaps",
            threshold(c)
        ),
        status: Status::Proved,
        prediction: "sample means of sigma_1 and both squared overlaps at their limits".into(),
        measured: format!("{} ({draws} draws each)", rows.join("; ")),
        tolerance: "5 standard errors + the finite-size term (2/n above threshold; 2 n^-2/3 and 10/n below)"
            .into(),
        pass,
    })
}

#[cfg(test)]
#[path = "../tests/t5_bbp.rs"]
mod tests;
