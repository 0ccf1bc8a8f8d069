//! T5-democracy — what "spectral democracy" means for the implemented Muon: the Newton–Schulz map sends
//! each singular direction of relative size $x=\sigma_i/\\|D\\|\_F$ to $\phi^{\circ5}(x)$, independently of the others,
//! which compresses a 100:1 spread of relative sizes in $[10^{-2},1]$ to $[0.6818,1.1344]$ (1.66:1), but
//! amplifies tiny directions only linearly, by $\phi'(0)^5=a^5\approx485$.
//!
//! The references are computed here, independently of the crate's scalar iteration and grids
//! (`grokking::optim::muon::{iterate, range_above}`), which are what is checked: $\phi$ is written out from its
//! coefficients, and the band is the exact image of $[10^{-2},1]$ under five steps of $\phi$, each step the image of
//! an interval under a quintic (its ends and the critical points inside, which solve a quadratic in $x^2$).
//! Note: notes/t5_spectral_democracy.md

use super::{Budget, Check, Seconds, Status, Theorem};
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
    seconds: Seconds {
        quick: 0.1,
        full: 1.0,
    },
};

/// Coefficients $(a,b,c)$ of a quintic $\phi(x)=ax+bx^3+cx^5$.
type Quintic = (f64, f64, f64);

/// $\phi(x)=x(a+x^2(b+cx^2))$, written out (not through the crate's `quintic`).
fn phi(q: Quintic, x: f64) -> f64 {
    let (a, b, c) = q;
    let y = x * x;
    x * (a + y * (b + c * y))
}

/// $\phi^{\circ k}(x)$ with this module's [`phi`].
fn phi_iterate(q: Quintic, x: f64, k: usize) -> f64 {
    (0..k).fold(x, |x, _| phi(q, x))
}

/// $\pm\sqrt y$ for $y>0$, $0$ for $y=0$, nothing for $y<0$: the real $x$ with $x^2=y$.
fn square_roots(y: f64) -> Vec<f64> {
    match y {
        y if y > 0.0 => vec![y.sqrt(), -y.sqrt()],
        0.0 => vec![0.0],
        _ => Vec::new(),
    }
}

/// The critical points of $\phi$: $\phi'(x)=a+3bx^2+5cx^4=0$, a quadratic in $y=x^2$,
/// $y=(-3b\pm\sqrt{9b^2-20ac})/(10c)$.
fn critical_points(q: Quintic) -> Vec<f64> {
    let (a, b, c) = q;
    let disc = 9.0 * b * b - 20.0 * a * c;
    if disc < 0.0 || c == 0.0 {
        return Vec::new();
    }
    [-1.0, 1.0]
        .iter()
        .flat_map(|s| square_roots((-3.0 * b + s * disc.sqrt()) / (10.0 * c)))
        .collect()
}

/// The image of $[lo,hi]$ under a continuous `f` whose derivative vanishes inside $[lo,hi]$ only at points of
/// `critical`: $[\min,\max]$ of `f` over the ends and the critical points inside.
fn image(f: impl Fn(f64) -> f64, critical: &[f64], (lo, hi): (f64, f64)) -> (f64, f64) {
    [lo, hi]
        .into_iter()
        .chain(critical.iter().copied().filter(|&x| x > lo && x < hi))
        .map(f)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), y| {
            (l.min(y), h.max(y))
        })
}

/// $\phi^{\circ k}([lo,hi])$, exactly (up to round-off): `k` interval images under $\phi$.
fn band(q: Quintic, k: usize, interval: (f64, f64)) -> (f64, f64) {
    let critical = critical_points(q);
    (0..k).fold(interval, |i, _| image(|x| phi(q, x), &critical, i))
}

/// A bound on $|(\phi^{\circ k})''|$ over `interval`, by the chain rule: with $F_{j+1}=\phi\circ F_j$,
/// $F_{j+1}''=\phi''(F_j)F_j'^2+\phi'(F_j)F_j''$, so $D_2\leftarrow P_2D_1^2+P_1D_2$ and $D_1\leftarrow P_1D_1$, where $P_1,P_2$
/// are the largest $|\phi'|,|\phi''|$ on $F_j$'s image interval. $\phi'=a+3bx^2+5cx^4$ has its extremes at the ends
/// and at the zeros of $\phi''=2x(3b+10cx^2)$; $\phi''$ at the ends and at the zeros of $\phi'''=6b+60cx^2$.
fn curvature_bound(q: Quintic, k: usize, interval: (f64, f64)) -> f64 {
    let (a, b, c) = q;
    let largest = |f: &dyn Fn(f64) -> f64, zeros: &[f64], i| {
        let (l, h) = image(f, zeros, i);
        l.abs().max(h.abs())
    };
    let first = |x: f64| a + 3.0 * b * x * x + 5.0 * c * x.powi(4);
    let second = |x: f64| 6.0 * b * x + 20.0 * c * x.powi(3);
    let mut zeros_second = square_roots(-3.0 * b / (10.0 * c));
    zeros_second.push(0.0);
    let zeros_third = square_roots(-b / (10.0 * c));
    let critical = critical_points(q);
    let (mut i, mut d1, mut d2) = (interval, 1.0, 0.0);
    for _ in 0..k {
        let (p1, p2) = (
            largest(&first, &zeros_second, i),
            largest(&second, &zeros_third, i),
        );
        d2 = p2 * d1 * d1 + p1 * d2;
        d1 *= p1;
        i = image(|x| phi(q, x), &critical, i);
    }
    d2
}

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

/// Largest $|\sigma_i(\mathrm{NS}\_5(D))-\phi_q^{\circ k}(\sigma_i(D)/(\\|D\\|\_F+\epsilon))|$ for a random $D$ of shape
/// $m\times n$ whose singular values are log-uniform over `decades` decades: the crate's Newton–Schulz map
/// against the scalar prediction with quintic `q` and `k` steps (the implemented ones in the ledger).
fn independence_error(
    rng: &mut impl Rng,
    (m, n): (usize, usize),
    decades: f64,
    q: Quintic,
    k: usize,
) -> f64 {
    let mut sigma: Vec<f64> = (0..n)
        .map(|_| 10f64.powf(-rng.random_range(0.0..decades)))
        .collect();
    sigma.sort_by(|a, b| b.total_cmp(a));
    let d = with_singular_values(rng, m, &sigma);
    let norm = d.norm() + NS_EPS;
    let mut got = newton_schulz(&d, NS_STEPS)
        .svd(false, false)
        .singular_values
        .as_slice()
        .to_vec();
    let mut want: Vec<f64> = sigma.iter().map(|s| phi_iterate(q, s / norm, k)).collect();
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
/// The smallest relative size of the band, $10^{-2}$ (100:1).
pub const BAND_FROM: f64 = 1e-2;
/// The band $\phi^{\circ5}([10^{-2},1])$ as the note prints it, to four decimals.
pub const BAND: (f64, f64) = (0.6818, 1.1344);
/// Half a unit of the printed band's fourth decimal: the most a correctly rounded value can differ.
pub const BAND_TOLERANCE: f64 = 5e-5;
/// Points of the crate's grid ([`range_above`]) whose range is checked against the exact band.
pub const GRID_POINTS: usize = 100_000;
/// f64 round-off allowed on either side of an exact comparison of $O(1)$ numbers.
pub const ROUND_OFF: f64 = 1e-12;
/// Relative agreement of $\phi^{\circ5}(10^{-6})/10^{-6}$ with $a^5$ (the cubic term shifts it by $O(10^{-11})$).
pub const GAIN_TOLERANCE: f64 = 1e-3;

/// The ledger check.
fn check(budget: Budget) -> Result<Vec<Check>> {
    Ok(vec![
        independence(budget, NS_COEFFICIENTS, NS_STEPS),
        democracy(NS_COEFFICIENTS, NS_STEPS),
    ])
}

/// The crate's Newton–Schulz map acts on each singular value alone, as $\phi_q^{\circ k}$.
fn independence(budget: Budget, q: Quintic, k: usize) -> Check {
    let cases = match budget {
        Budget::Quick => 20,
        Budget::Full => 200,
    };
    let mut rng = rng::indexed(23, 0);
    let mut worst: f64 = 0.0;
    for _ in 0..cases {
        let n = rng.random_range(2..24);
        let m = n + rng.random_range(0..24);
        worst = worst.max(independence_error(&mut rng, (m, n), 4.0, q, k));
    }
    Check {
        claim: "the implemented Newton–Schulz map acts on each singular value alone: sigma_i -> phi^5(sigma_i / (|D|_F + eps))".into(),
        status: Status::Proved,
        prediction: format!("singular values of NS_5(D) = phi^{k} of the normalised ones, phi(x) = ax + bx^3 + cx^5 written out, (a, b, c) = {q:?}"),
        measured: format!("max deviation {worst:.1e} over {cases} random D (singular values over 4 decades)"),
        tolerance: format!("{INDEPENDENCE_TOLERANCE:e} (f64 round-off)"),
        pass: worst <= INDEPENDENCE_TOLERANCE,
    }
}

/// Democracy: the crate's grid range of $\phi^{\circ5}$ on $[10^{-2},1]$ against the exact band of `k` steps of
/// $\phi_q$ (the grid can only fall inside the band, by at most $D_2h^2/8$ at an interior extreme, $D_2$ from
/// [`curvature_bound`], $h$ the grid step; at an end it is exact); the band against the note's printed
/// values; the gain on tiny directions against $a^k$.
fn democracy(q: Quintic, k: usize) -> Check {
    let (lo, hi) = range_above(NS_STEPS, BAND_FROM, GRID_POINTS);
    let tiny = iterate(1e-6, NS_STEPS) / 1e-6;
    let (exact_lo, exact_hi) = band(q, k, (BAND_FROM, 1.0));
    let h = (1.0 - BAND_FROM) / GRID_POINTS as f64;
    let slack = curvature_bound(q, k, (BAND_FROM, 1.0)) * h * h / 8.0;
    let gain = q.0.powi(k as i32);
    let grid_inside = lo >= exact_lo - ROUND_OFF
        && lo <= exact_lo + slack + ROUND_OFF
        && hi <= exact_hi + ROUND_OFF
        && hi >= exact_hi - slack - ROUND_OFF;
    let printed = (exact_lo - BAND.0).abs() <= BAND_TOLERANCE
        && (exact_hi - BAND.1).abs() <= BAND_TOLERANCE;
    Check {
        claim: "democracy: relative sizes in [1e-2, 1] (100:1) come out in a band; tiny ones are amplified only linearly".into(),
        status: Status::Proved,
        prediction: format!(
            "phi^{k}([1e-2, 1]) = [{exact_lo:.6}, {exact_hi:.6}] (exact interval images; printed in the note as [{:.4}, {:.4}]); phi^{k}(x)/x -> a^{k} = {gain:.1} as x -> 0",
            BAND.0, BAND.1
        ),
        measured: format!(
            "the crate's grid of {GRID_POINTS} points: range [{lo:.6}, {hi:.6}] (spread {:.2}:1); phi^5(1e-6)/1e-6 = {tiny:.1}",
            hi / lo
        ),
        tolerance: format!(
            "grid inside the band and within {slack:.1e} of it (D2 h^2/8); band within {BAND_TOLERANCE:e} of the printed values; {GAIN_TOLERANCE:e} relative on the gain"
        ),
        pass: grid_inside && printed && (tiny / gain - 1.0).abs() < GAIN_TOLERANCE,
    }
}

#[cfg(test)]
#[path = "../tests/t5_spectral_democracy.rs"]
mod tests;
