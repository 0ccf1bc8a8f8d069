//! The learning tasks and their seeded train/test split.
//!
//! * Modular arithmetic: all pairs $(a,b)\in\mathbb{Z}\_p^2$ labelled $c = a\circ b \bmod p$ for the
//!   operations of [`Operation`] (for ÷, $b\neq 0$ and $c = a\\,b^{-1}$, so $p(p-1)$ pairs).
//! * Sparse parity: all $x\in\\{\pm1\\}^n$ labelled by $y=\prod_{i\in S}x_i$ with support
//!   $S=\\{0,\dots,k-1\\}$ (by the permutation symmetry of the network's initialisation, which $k$ bits
//!   form the support does not matter); class 0 is $y=+1$, class 1 is $y=-1$.
//!
//! A random fraction $f$ of all examples is the training set (`round(f·total)` examples, as in the
//! baselines), the rest the test set; the permutation comes from the [`Stream::Split`] stream.

use crate::error::{ensure, Result};
use crate::rng::{self, Stream};
use rand::seq::SliceRandom;
use rand::Rng as _;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Largest modulus accepted (p² examples are materialised).
pub const MAX_MODULUS: u32 = 4096;
/// Largest number of parity bits accepted (2ⁿ examples are materialised).
pub const MAX_PARITY_BITS: u32 = 20;

/// A binary operation on $\mathbb{Z}\_p$.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// $a+b$
    Add,
    /// $a-b$
    Sub,
    /// $a\\,b$
    Mul,
    /// $a\\,b^{-1}$, $b\ne0$ ($p$ prime)
    Div,
    /// $a^2+b^2$
    SumSquares,
    /// $a^2+ab+b^2$
    QuadForm,
    /// $a^3+ab$
    CubicPlus,
}

impl Operation {
    /// Every operation, in CLI order.
    pub const ALL: [Operation; 7] = [
        Operation::Add,
        Operation::Sub,
        Operation::Mul,
        Operation::Div,
        Operation::SumSquares,
        Operation::QuadForm,
        Operation::CubicPlus,
    ];

    /// The CLI name of the operation.
    pub fn name(self) -> &'static str {
        match self {
            Operation::Add => "add",
            Operation::Sub => "sub",
            Operation::Mul => "mul",
            Operation::Div => "div",
            Operation::SumSquares => "sum_squares",
            Operation::QuadForm => "quad_form",
            Operation::CubicPlus => "cubic_plus",
        }
    }

    /// The formula, e.g. `a+b`.
    pub fn formula(self) -> &'static str {
        match self {
            Operation::Add => "a+b",
            Operation::Sub => "a-b",
            Operation::Mul => "a*b",
            Operation::Div => "a/b",
            Operation::SumSquares => "a^2+b^2",
            Operation::QuadForm => "a^2+ab+b^2",
            Operation::CubicPlus => "a^3+ab",
        }
    }

    /// $a\circ b \bmod p$, or `None` where undefined ($b=0$ for ÷). `a, b < p`, `p` prime for ÷.
    pub fn apply(self, a: u32, b: u32, p: u32) -> Option<u32> {
        let (a, b, p) = (a as u64, b as u64, p as u64);
        let c = match self {
            Operation::Add => (a + b) % p,
            Operation::Sub => (a + p - b) % p,
            Operation::Mul => a * b % p,
            Operation::Div => {
                if b == 0 {
                    return None;
                }
                a * pow_mod(b, p - 2, p) % p
            }
            Operation::SumSquares => (a * a + b * b) % p,
            Operation::QuadForm => (a * a + a * b + b * b) % p,
            Operation::CubicPlus => (a * a % p * a + a * b) % p,
        };
        Some(c as u32)
    }
}

impl FromStr for Operation {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Operation::ALL
            .into_iter()
            .find(|op| op.name() == s || op.formula() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Operation::ALL.iter().map(|o| o.name()).collect();
                format!(
                    "unknown operation {s:?}; expected one of {}",
                    names.join(", ")
                )
            })
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// $b^e \bmod p$ by square-and-multiply (`p < 2³²`, so products fit in `u64`).
fn pow_mod(mut b: u64, mut e: u64, p: u64) -> u64 {
    let mut r = 1 % p;
    b %= p;
    while e > 0 {
        if e & 1 == 1 {
            r = r * b % p;
        }
        b = b * b % p;
        e >>= 1;
    }
    r
}

/// Whether `n` is prime (trial division; `n ≤ MAX_MODULUS`).
pub fn is_prime(n: u32) -> bool {
    n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| n % d != 0)
}

/// A learning task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Task {
    /// $c=a\circ b \bmod p$; inputs are the pair $(a,b)$, $p$ classes.
    Modular { op: Operation, p: u32 },
    /// $y=\prod_{i<k}x_i$ on $x\in\\{\pm1\\}^n$; 2 classes.
    SparseParity { n_bits: u32, k: u32 },
}

impl Task {
    /// Checks the task's parameters: $2\le p\le$ [`MAX_MODULUS`], $p$ prime for ÷;
    /// $1\le k\le n\le$ [`MAX_PARITY_BITS`].
    pub fn validate(&self) -> Result<()> {
        match *self {
            Task::Modular { op, p } => {
                ensure(p >= 2, || format!("modulus p = {p} must be at least 2"))?;
                ensure(p <= MAX_MODULUS, || {
                    format!("modulus p = {p} exceeds the maximum {MAX_MODULUS}")
                })?;
                ensure(op != Operation::Div || is_prime(p), || {
                    format!("division needs a prime modulus (every b ≠ 0 invertible), and p = {p} is not prime")
                })
            }
            Task::SparseParity { n_bits, k } => {
                ensure((1..=MAX_PARITY_BITS).contains(&n_bits), || {
                    format!("sparse parity needs 1 ≤ n_bits ≤ {MAX_PARITY_BITS}, got {n_bits}")
                })?;
                ensure((1..=n_bits).contains(&k), || {
                    format!("sparse parity needs 1 ≤ k ≤ n_bits = {n_bits}, got k = {k}")
                })
            }
        }
    }

    /// Number of output classes.
    pub fn n_classes(&self) -> usize {
        match *self {
            Task::Modular { p, .. } => p as usize,
            Task::SparseParity { .. } => 2,
        }
    }

    /// Input dimension of the first layer: $2p$ (one-hot $e_a\oplus e_b$) or $n$.
    pub fn input_dim(&self) -> usize {
        match *self {
            Task::Modular { p, .. } => 2 * p as usize,
            Task::SparseParity { n_bits, .. } => n_bits as usize,
        }
    }

    /// A short name such as `add_p97` or `parity_n10_k3`.
    pub fn slug(&self) -> String {
        match *self {
            Task::Modular { op, p } => format!("{op}_p{p}"),
            Task::SparseParity { n_bits, k } => format!("parity_n{n_bits}_k{k}"),
        }
    }

    /// Every example of the task, in a fixed order (pairs row by row; bit patterns by their integer code).
    pub fn all_examples(&self) -> Result<Examples> {
        self.validate()?;
        Ok(match *self {
            Task::Modular { op, p } => {
                let (mut a, mut b, mut y) = (Vec::new(), Vec::new(), Vec::new());
                for i in 0..p {
                    for j in 0..p {
                        if let Some(c) = op.apply(i, j, p) {
                            a.push(i);
                            b.push(j);
                            y.push(c);
                        }
                    }
                }
                Examples {
                    inputs: Inputs::Pairs { a, b, p },
                    labels: y,
                }
            }
            Task::SparseParity { n_bits, k } => {
                let codes: Vec<u32> = (0..1u32 << n_bits).collect();
                let labels = codes
                    .iter()
                    .map(|&c| (c & ((1 << k) - 1)).count_ones() % 2)
                    .collect();
                Examples {
                    inputs: Inputs::Bits { n_bits, codes },
                    labels,
                }
            }
        })
    }

    /// Number of examples: $p^2$, $p(p-1)$ for ÷, or $2^n$.
    pub fn n_examples(&self) -> usize {
        match *self {
            Task::Modular {
                op: Operation::Div,
                p,
            } => (p as usize) * (p as usize - 1),
            Task::Modular { p, .. } => (p as usize).pow(2),
            Task::SparseParity { n_bits, .. } => 1 << n_bits,
        }
    }

    /// Sizes `(n_train, n_test)` of the split with fraction `train_frac`: `n_train = round(f·total)`.
    /// Errors if the task is invalid, `train_frac ∉ (0,1)`, or either side would be empty.
    pub fn split_sizes(&self, train_frac: f64) -> Result<(usize, usize)> {
        self.validate()?;
        ensure(train_frac > 0.0 && train_frac < 1.0, || {
            format!("training fraction must lie in (0, 1), got {train_frac}")
        })?;
        let total = self.n_examples();
        let n_train = (train_frac * total as f64).round() as usize;
        ensure(n_train > 0 && n_train < total, || {
            format!(
                "training fraction {train_frac} of {total} examples gives {n_train} training and {} test examples; both sides must be non-empty",
                total.saturating_sub(n_train)
            )
        })?;
        Ok((n_train, total - n_train))
    }

    /// Splits all examples at random into a training set of `round(train_frac·total)` examples and a test
    /// set of the rest (see [`split_sizes`](Self::split_sizes) for the errors).
    pub fn split(&self, train_frac: f64, seed: u64) -> Result<Split> {
        let (n_train, _) = self.split_sizes(train_frac)?;
        self.split_count(n_train, seed)
    }

    /// The split of [`split`](Self::split) at a count: all examples in the random order of `seed`, the
    /// first `n_train` for training and the rest for testing. Every seed has one order, so the training
    /// set at a smaller count is a prefix of the one at a larger count. An error unless
    /// $0<$ `n_train` $<$ the number of examples.
    pub fn split_count(&self, n_train: usize, seed: u64) -> Result<Split> {
        let all = self.all_examples()?;
        let total = all.len();
        ensure(n_train > 0 && n_train < total, || {
            format!(
                "{n_train} training examples of {total}: both sides of a split must be non-empty"
            )
        })?;
        let mut order: Vec<usize> = (0..total).collect();
        order.shuffle(&mut rng::child(seed, Stream::Split));
        let (train_idx, test_idx) = order.split_at(n_train);
        Ok(Split {
            train: all.select(train_idx),
            test: all.select(test_idx),
        })
    }

    /// [`split`](Self::split) with the training labels given by `labels`: the task's own, or uniformly
    /// random classes drawn from stream [`rng::indexed`]`(seed, 1)` (nothing to generalize, only to
    /// memorize); the test set keeps the true labels.
    pub fn labelled_split(&self, train_frac: f64, seed: u64, labels: Labels) -> Result<Split> {
        let mut split = self.split(train_frac, seed)?;
        if labels == Labels::Random {
            let classes = self.n_classes() as u32;
            let mut rng = rng::indexed(seed, 1);
            split
                .train
                .labels
                .iter_mut()
                .for_each(|y| *y = rng.random_range(0..classes));
        }
        Ok(split)
    }
}

/// Which labels a training set carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Labels {
    /// The task's own, e.g. $a+b \bmod p$.
    True,
    /// Uniformly random classes (seeded): nothing to generalize, only to memorize.
    Random,
}

impl fmt::Display for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Task::Modular { op, p } => write!(f, "{} mod {p}", op.formula()),
            Task::SparseParity { n_bits, k } => write!(f, "sparse parity (n = {n_bits}, k = {k})"),
        }
    }
}

/// The inputs of a set of examples.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inputs {
    /// Pairs $(a_j, b_j)$ of residues mod `p`.
    Pairs { a: Vec<u32>, b: Vec<u32>, p: u32 },
    /// Bit patterns: bit $i$ of `codes[j]` set means $x_{ij}=-1$, clear means $+1$.
    Bits { n_bits: u32, codes: Vec<u32> },
}

/// A set of labelled examples.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Examples {
    /// The inputs.
    pub inputs: Inputs,
    /// The class of each example, in `0..n_classes`.
    pub labels: Vec<u32>,
}

impl Examples {
    /// Number of examples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no examples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The examples at `idx`, in that order.
    pub fn select(&self, idx: &[usize]) -> Examples {
        let pick = |v: &[u32]| idx.iter().map(|&i| v[i]).collect::<Vec<_>>();
        let inputs = match &self.inputs {
            Inputs::Pairs { a, b, p } => Inputs::Pairs {
                a: pick(a),
                b: pick(b),
                p: *p,
            },
            Inputs::Bits { n_bits, codes } => Inputs::Bits {
                n_bits: *n_bits,
                codes: pick(codes),
            },
        };
        Examples {
            inputs,
            labels: pick(&self.labels),
        }
    }
}

/// A train/test split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// The training set.
    pub train: Examples,
    /// The test set.
    pub test: Examples,
}
