//! Liu et al.'s parallelograms (2022, "Towards understanding grokking: an effective theory of
//! representation learning", §3) for the two-layer network on $\mathbb{Z}\_p$.
//!
//! The network's first layer sees the pair $(a,b)$ as $z(a,b)=U_a+V_b$, with $U_a=W_1\[:,a\]$ and
//! $V_b=W_1\[:,p+b\]$ (the two input slots have their own embeddings; Liu et al.'s toy model shares one).
//! A quadruple of pairs $(i,j),(m,n)$ with $i+j=m+n$ is a *parallelogram* of the representation when
//! $z(i,j)=z(m,n)$. Two readings of "$+$":
//!
//! * [`Sum::Modular`]: $i+j\equiv m+n \pmod p$, the task's own equivalence;
//! * [`Sum::Integer`]: $i+j=m+n$ in $\mathbb{Z}$ (no wrap-around), the sums of Liu et al.'s toy model.
//!
//! **Representation quality index** ([`rqi`]). After normalizing every row of $U$ and of $V$ over the
//! $p$ tokens to mean 0 and variance 1 (rows that are constant become 0), a parallelogram is realised when
//! $\frac1N\\|\tilde z(i,j)-\tilde z(m,n)\\|^2<\delta$; $\mathrm{RQI}=|P|/|P_0|$ is the share of the
//! parallelograms $P_0$ of the table (unordered pairs of distinct pairs) that are realised. Liu et al.'s
//! code uses $\delta=10^{-2}$ ([`LIU_DELTA`]). (A graded version, the mean squared defect over $P_0$, carries
//! no information in the modular reading: it equals $4p/(p-1)$ for every weight matrix; the note proves it.)
//!
//! **Effective theory** ([`nullity`]). The training pairs' parallelograms, taken as exact equations
//! $U_i+V_j-U_m-V_n=0$ (one coordinate: the equations do not couple coordinates), leave a solution space
//! whose dimension is the *nullity*. On the whole table it is 2 for modular sums ($U$ and $V$ constant:
//! a representation that realises every modular parallelogram cannot tell tokens apart) and 3 for integer
//! sums ($U_i=u+ci$, $V_j=v+ci$: the number line); `notes/t9_liu_phases.md` proves both. Liu et al.'s
//! critical training-set size is where a random training set's nullity reaches the table's.

use crate::error::{ensure, Result};
use crate::task::{Inputs, Operation, Task};
use nalgebra::{DMatrix, SymmetricEigen};
use rayon::prelude::*;

/// Liu et al.'s detection threshold $\delta$ on the mean squared difference of normalized embeddings.
pub const LIU_DELTA: f64 = 1e-2;

/// Which sums make a parallelogram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sum {
    /// $i+j\equiv m+n \pmod p$.
    Modular,
    /// $i+j=m+n$ in the integers.
    Integer,
}

impl Sum {
    /// The class of the pair $(i,j)$: pairs with the same class form parallelograms.
    fn class(self, i: usize, j: usize, p: usize) -> usize {
        match self {
            Sum::Modular => (i + j) % p,
            Sum::Integer => i + j,
        }
    }

    /// The number of classes on $\mathbb{Z}\_p$.
    fn classes(self, p: usize) -> usize {
        match self {
            Sum::Modular => p,
            Sum::Integer => 2 * p - 1,
        }
    }

    /// The nullity of the whole table's parallelogram equations (proved in the note).
    pub fn table_nullity(self) -> usize {
        match self {
            Sum::Modular => 2,
            Sum::Integer => 3,
        }
    }
}

/// Rows of `m` (columns `cols`) normalized to mean 0 and variance 1 over those columns; constant rows
/// become 0.
fn normalized_rows(m: &DMatrix<f64>, cols: std::ops::Range<usize>) -> DMatrix<f64> {
    let k = cols.len() as f64;
    let mut out = m.columns(cols.start, cols.len()).into_owned();
    for mut row in out.row_iter_mut() {
        let mean = row.sum() / k;
        row.add_scalar_mut(-mean);
        let sd = (row.norm_squared() / k).sqrt();
        if sd > 0.0 {
            row /= sd;
        } else {
            row.fill(0.0);
        }
    }
    out
}

/// Calls `visit` with $\frac1N\\|\tilde z(i,j)-\tilde z(m,n)\\|^2$ for every parallelogram of the table
/// (see the module docs); an error if `w1` is not $N\times2p$.
fn visit_defects(w1: &DMatrix<f64>, p: usize, sum: Sum, mut visit: impl FnMut(f64)) -> Result<()> {
    ensure(w1.ncols() == 2 * p && p >= 2 && w1.nrows() >= 1, || {
        format!(
            "a parallelogram measure needs a first layer of 2p = {} columns, got {}×{}",
            2 * p,
            w1.nrows(),
            w1.ncols()
        )
    })?;
    let (u, v) = (normalized_rows(w1, 0..p), normalized_rows(w1, p..2 * p));
    let n = w1.nrows() as f64;
    let mut members: Vec<Vec<(usize, usize)>> = vec![Vec::new(); sum.classes(p)];
    for i in 0..p {
        for j in 0..p {
            members[sum.class(i, j, p)].push((i, j));
        }
    }
    for pairs in members.iter().filter(|m| m.len() >= 2) {
        let z = DMatrix::from_fn(w1.nrows(), pairs.len(), |r, c| {
            let (i, j) = pairs[c];
            u[(r, i)] + v[(r, j)]
        });
        let gram = z.transpose() * &z;
        for a in 0..pairs.len() {
            for b in a + 1..pairs.len() {
                visit((gram[(a, a)] + gram[(b, b)] - 2.0 * gram[(a, b)]).max(0.0) / n);
            }
        }
    }
    Ok(())
}

/// $\mathrm{RQI}$ of the first layer `w1` ($N\times2p$) on $\mathbb{Z}\_p$ for sums `sum` and threshold
/// `delta` (see the module docs); an error if the shape is not $N\times2p$ or `delta` is not positive.
pub fn rqi(w1: &DMatrix<f64>, p: usize, sum: Sum, delta: f64) -> Result<f64> {
    ensure(delta > 0.0 && delta.is_finite(), || {
        format!("the RQI threshold must be positive, got {delta}")
    })?;
    let (mut realised, mut total) = (0u64, 0u64);
    visit_defects(w1, p, sum, |d2| {
        total += 1;
        realised += u64::from(d2 < delta);
    })?;
    Ok(realised as f64 / total as f64)
}

/// The dimension of the solutions $(U,V)\in\mathbb{R}^{2p}$ of the parallelogram equations of the
/// training pairs `pairs` on $\mathbb{Z}\_p$ for sums `sum`: for each class with pairs
/// $e_1,\dots,e_k$, the equations $z(e_1)=z(e_t)$, $t=2..k$. Computed as the number of eigenvalues of
/// $A^\top A$ below $10^{-9}$ of the largest (the entries are integers, so the nonzero ones are far above).
pub fn nullity(pairs: &[(u32, u32)], p: usize, sum: Sum) -> Result<usize> {
    ensure(
        pairs
            .iter()
            .all(|&(a, b)| (a as usize) < p && (b as usize) < p),
        || format!("a training pair lies outside Z_{p}"),
    )?;
    let mut first: Vec<Option<(usize, usize)>> = vec![None; sum.classes(p)];
    let mut gram = DMatrix::<f64>::zeros(2 * p, 2 * p);
    for &(a, b) in pairs {
        let (i, j) = (a as usize, b as usize);
        let c = sum.class(i, j, p);
        match first[c] {
            None => first[c] = Some((i, j)),
            Some((m, n)) => {
                // The row e_(m,n) - e_(i,j) over the columns U_0..U_{p-1}, V_0..V_{p-1}.
                let row = [(m, 1.0), (p + n, 1.0), (i, -1.0), (p + j, -1.0)];
                for &(r, x) in &row {
                    for &(s, y) in &row {
                        gram[(r, s)] += x * y;
                    }
                }
            }
        }
    }
    let eig = SymmetricEigen::new(gram).eigenvalues;
    let top = eig.iter().fold(0.0f64, |a, &x| a.max(x.abs()));
    Ok(eig
        .iter()
        .filter(|&&x| x.abs() <= 1e-9 * top.max(1.0))
        .count())
}

/// The training pairs of a random split of $a+b \bmod p$ at `frac` (seed `seed`).
fn training_pairs(p: u32, frac: f64, seed: u64) -> Result<Vec<(u32, u32)>> {
    let task = Task::Modular {
        op: Operation::Add,
        p,
    };
    let split = task.split(frac, seed)?;
    match split.train.inputs {
        Inputs::Pairs { a, b, .. } => Ok(a.into_iter().zip(b).collect()),
        Inputs::Bits { .. } => Err(crate::Error::InvalidConfig("not a Z_p task".into())),
    }
}

/// The share of `samples` random training sets of $a+b \bmod p$ at `frac` (the task's own splits, seeds
/// $1000,1001,\dots$) whose parallelogram equations have the table's nullity: the representation is pinned
/// down.
pub fn pinned_share(p: u32, frac: f64, sum: Sum, samples: u64) -> Result<f64> {
    let hits = (0..samples)
        .into_par_iter()
        .map(|seed| {
            let pairs = training_pairs(p, frac, 1000 + seed)?;
            Ok(nullity(&pairs, p as usize, sum)? == sum.table_nullity())
        })
        .collect::<Result<Vec<bool>>>()?;
    Ok(hits.iter().filter(|&&h| h).count() as f64 / samples as f64)
}

/// The effective theory's critical fraction: the smallest fraction of the grid $0.01, 0.02, \dots, 0.99$ at
/// which at least half of `samples` random training sets are pinned down.
pub fn critical_fraction(p: u32, sum: Sum, samples: u64) -> Result<f64> {
    for k in 1..100 {
        let frac = k as f64 / 100.0;
        if pinned_share(p, frac, sum, samples)? >= 0.5 {
            return Ok(frac);
        }
    }
    Err(crate::Error::InvalidConfig(format!(
        "no fraction below 1 pins the representation at p = {p}"
    )))
}
