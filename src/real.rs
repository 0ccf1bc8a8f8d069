//! The scalar type of the networks: `f32` for training speed, `f64` for theorem checks.
//!
//! Matrices are nalgebra `DMatrix<T>` (column-major). Products go through [`gemm`], which calls
//! `matrixmultiply` (the GEMM nalgebra itself uses for `f32`/`f64`) with strides, so that transposed
//! operands cost no copy, and splits large products over the rayon threads by column blocks of the
//! output. Each output entry is always summed in the same order: results do not depend on the thread
//! count.

use nalgebra::{DMatrix, RealField};
use rayon::prelude::*;

/// A real scalar the networks can be trained in.
pub trait Real: RealField + Copy + Default + Send + Sync + 'static {
    /// Human-readable name ("f32" or "f64").
    const NAME: &'static str;
    /// The smallest positive normal number (below it lie the subnormals).
    const MIN_POSITIVE: Self;
    /// Rounds an `f64` to this type.
    fn of(x: f64) -> Self;
    /// Widens to `f64` (exact).
    fn to_f64(self) -> f64;
    /// $e^x$ for hot loops: `f64` calls `f64::exp`; `f32` uses [`exp_f32`], a branch-free (vectorizable)
    /// Cephes-style evaluation within 2 ulp of the correctly rounded value.
    fn fast_exp(self) -> Self;
    /// Writes $y_i=e^{x_i-s}$ (by [`fast_exp`](Real::fast_exp)) and returns $\sum_i y_i$, accumulated in
    /// [`LANES`] interleaved partial sums. The `f32` version is compiled for AVX2+FMA and AVX-512 too and
    /// picks the best the CPU has at run time.
    fn exp_sum(x: &[Self], shift: Self, y: &mut [Self]) -> Self {
        exp_sum_generic(x, shift, y)
    }
    /// Raw GEMM `C ← α·A·B + β·C` on strided storage; see `matrixmultiply::sgemm`.
    ///
    /// # Safety
    /// The pointers and strides must describe valid, non-overlapping (for `c`) storage of the given sizes.
    #[allow(clippy::too_many_arguments)]
    unsafe fn raw_gemm(
        m: usize,
        k: usize,
        n: usize,
        alpha: Self,
        a: *const Self,
        rsa: isize,
        csa: isize,
        b: *const Self,
        rsb: isize,
        csb: isize,
        beta: Self,
        c: *mut Self,
        rsc: isize,
        csc: isize,
    );
}

impl Real for f32 {
    const NAME: &'static str = "f32";
    const MIN_POSITIVE: f32 = f32::MIN_POSITIVE;
    fn of(x: f64) -> Self {
        x as f32
    }
    fn to_f64(self) -> f64 {
        self as f64
    }
    #[inline]
    fn fast_exp(self) -> f32 {
        exp_f32(self)
    }
    fn exp_sum(x: &[f32], shift: f32, y: &mut [f32]) -> f32 {
        exp_sum_f32(x, shift, y)
    }
    unsafe fn raw_gemm(
        m: usize,
        k: usize,
        n: usize,
        alpha: f32,
        a: *const f32,
        rsa: isize,
        csa: isize,
        b: *const f32,
        rsb: isize,
        csb: isize,
        beta: f32,
        c: *mut f32,
        rsc: isize,
        csc: isize,
    ) {
        matrixmultiply::sgemm(m, k, n, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc)
    }
}

impl Real for f64 {
    const NAME: &'static str = "f64";
    const MIN_POSITIVE: f64 = f64::MIN_POSITIVE;
    fn of(x: f64) -> Self {
        x
    }
    fn to_f64(self) -> f64 {
        self
    }
    #[inline]
    fn fast_exp(self) -> f64 {
        self.exp()
    }
    unsafe fn raw_gemm(
        m: usize,
        k: usize,
        n: usize,
        alpha: f64,
        a: *const f64,
        rsa: isize,
        csa: isize,
        b: *const f64,
        rsb: isize,
        csb: isize,
        beta: f64,
        c: *mut f64,
        rsc: isize,
        csc: isize,
    ) {
        matrixmultiply::dgemm(m, k, n, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc)
    }
}

/// $e^x$ in `f32` without branches or calls, so that loops over it vectorize.
///
/// Range reduction $x=n\ln2+r$, $|r|\le\tfrac12\ln2$ ($n$ rounded with the $1.5\cdot2^{23}$ trick, $\ln 2$
/// split in two parts for an exact $r$), a degree-7 minimax polynomial for $e^r$ (the Cephes `expf`
/// coefficients, S. Moshier), and $2^n$ built from its exponent bits. Inputs are clamped to
/// $[-87.3, 88.7]$, so results stay normal: $e^x$ for $x<-87.3$ returns $e^{-87.3}\approx 1.2\cdot10^{-38}$
/// instead of a subnormal (harmless next to the $\ge1$ sums of a softmax). NaN propagates.
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    const ROUND: f32 = 12_582_912.0; // 1.5·2²³: adding it rounds to an integer
                                     // Written as selects (not f32::max/min, which drop NaN) so that NaN propagates.
    let x = if x < -87.3 { -87.3 } else { x };
    let x = if x > 88.7 { 88.7 } else { x };
    let t = x * LOG2E + ROUND;
    let n = t - ROUND;
    let r = x - n * LN2_HI - n * LN2_LO;
    let p = 1.987_569_1e-4_f32;
    let p = p * r + 1.398_2e-3;
    let p = p * r + 8.333_452e-3;
    let p = p * r + 4.166_579_6e-2;
    let p = p * r + 1.666_666_5e-1;
    let p = p * r + 0.5;
    let e_r = p * r * r + r + 1.0;
    // The low mantissa bits of `t` hold n + 2²²; shifting n + 127 into the exponent field gives 2ⁿ.
    let n_bits = t.to_bits().wrapping_sub(ROUND.to_bits()).wrapping_add(127) << 23;
    e_r * f32::from_bits(n_bits)
}

/// Lanes of the split reductions [`sum`] and [`max`]: independent accumulators let the compiler use
/// SIMD registers where a single running value would serialise on its latency.
pub const LANES: usize = 8;

/// $\sum_i x_i$, accumulated in [`LANES`] interleaved partial sums (a fixed order: deterministic).
#[inline]
pub fn sum<T: Real>(xs: &[T]) -> T {
    let mut acc = [T::zero(); LANES];
    let chunks = xs.chunks_exact(LANES);
    let tail = chunks.remainder().iter().fold(T::zero(), |a, &b| a + b);
    for c in chunks {
        for (a, &x) in acc.iter_mut().zip(c) {
            *a += x;
        }
    }
    acc.iter().fold(tail, |a, &b| a + b)
}

#[multiversion::multiversion(targets("x86_64+avx512f+avx512vl+avx2+fma", "x86_64+avx2+fma"))]
fn exp_sum_f32(x: &[f32], shift: f32, y: &mut [f32]) -> f32 {
    exp_sum_generic(x, shift, y)
}

/// See [`Real::exp_sum`]: one vectorizable pass of `fast_exp`, then the lane-split [`sum`].
#[inline(always)]
fn exp_sum_generic<T: Real>(x: &[T], shift: T, y: &mut [T]) -> T {
    assert_eq!(x.len(), y.len(), "exp_sum: equal lengths");
    for (y, &x) in y.iter_mut().zip(x) {
        *y = (x - shift).fast_exp();
    }
    sum(y)
}

/// $\max_i x_i$ (the most negative finite value for an empty slice; NaN entries are skipped), in
/// [`LANES`] interleaved lanes.
#[inline]
pub fn max<T: Real>(xs: &[T]) -> T {
    let pick = |a: T, b: T| if b > a { b } else { a };
    let mut acc = [-T::max_value().unwrap_or_else(T::one); LANES];
    let chunks = xs.chunks_exact(LANES);
    let tail = chunks.remainder().iter().fold(acc[0], |a, &b| pick(a, b));
    for c in chunks {
        for (a, &x) in acc.iter_mut().zip(c) {
            *a = pick(*a, x);
        }
    }
    acc.iter().fold(tail, |a, &b| pick(a, b))
}

/// Whether an operand of [`gemm`] is used as stored or transposed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `A`
    N,
    /// `Aᵀ`
    T,
}

/// Rows, columns and (row, column) strides of `op(A)` for a column-major `A`.
fn view<T>(a: &DMatrix<T>, op: Op) -> (usize, usize, isize, isize) {
    let (r, c) = a.shape();
    match op {
        Op::N => (r, c, 1, r as isize),
        Op::T => (c, r, r as isize, 1),
    }
}

/// Smallest product (in multiply-adds $mkn$) worth splitting over threads.
const PARALLEL_MIN_WORK: usize = 1 << 21;
/// Fewest output columns per thread in a split product; block boundaries are multiples of it.
const MIN_COLUMNS_PER_THREAD: usize = 32;

/// A raw pointer that may cross threads; each thread writes a disjoint column block of `C`.
#[derive(Clone, Copy)]
struct SharedPtr<T>(*mut T);
// SAFETY: used only to hand disjoint column blocks of one output matrix to rayon tasks.
unsafe impl<T> Send for SharedPtr<T> {}
unsafe impl<T> Sync for SharedPtr<T> {}

impl<T> SharedPtr<T> {
    fn get(self) -> *mut T {
        self.0
    }
}

/// `C ← α·op(A)·op(B) + β·C`, with `op(X) ∈ {X, Xᵀ}`; shapes `(m×k)(k×n) → m×n`.
///
/// Large products are split into contiguous column blocks of `C`, one per rayon thread, each computed by
/// single-threaded matrixmultiply. The blocks start at multiples of `MIN_COLUMNS_PER_THREAD` columns, a
/// multiple of every micro-kernel's tile width, so every entry of `C` falls in the same kind of tile (full
/// or edge) at the same position as in the unsplit product and is computed with the same operations in the
/// same order: the result does not depend on the thread count, to the bit. (Unaligned boundaries make some
/// entries edge-tile entries in one split and not in another, which changes their last bits.)
///
/// Panics only on a shape mismatch, which is a bug in the caller (all public entry points check shapes).
pub fn gemm<T: Real>(
    alpha: T,
    a: &DMatrix<T>,
    op_a: Op,
    b: &DMatrix<T>,
    op_b: Op,
    beta: T,
    c: &mut DMatrix<T>,
) {
    let (m, k, rsa, csa) = view(a, op_a);
    let (kb, n, rsb, csb) = view(b, op_b);
    assert!(
        k == kb && c.shape() == (m, n),
        "gemm shape mismatch: ({m}×{k})({kb}×{n}) → {:?}",
        c.shape()
    );
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        c.scale_mut(beta);
        return;
    }
    let blocks = if m * k * n < PARALLEL_MIN_WORK {
        1
    } else {
        rayon::current_num_threads()
            .min(n / MIN_COLUMNS_PER_THREAD)
            .max(1)
    };
    let (pa, pb, pc) = (
        SharedPtr(a.as_ptr() as *mut T),
        SharedPtr(b.as_ptr() as *mut T),
        SharedPtr(c.as_mut_ptr()),
    );
    let start = move |i: usize| {
        if i == blocks {
            n
        } else {
            n * i / blocks / MIN_COLUMNS_PER_THREAD * MIN_COLUMNS_PER_THREAD
        }
    };
    let block = move |i: usize| {
        let (j0, j1) = (start(i), start(i + 1));
        // SAFETY: the strides describe the column-major storage of `a`, `b`, `c` with the checked shapes;
        // columns j0..j1 of op(B) start j0·csb elements in and columns j0..j1 of C start j0·m elements in;
        // blocks are disjoint, and `c` is borrowed mutably, so it aliases neither `a` nor `b`.
        unsafe {
            T::raw_gemm(
                m,
                k,
                j1 - j0,
                alpha,
                pa.get(),
                rsa,
                csa,
                pb.get().offset(j0 as isize * csb),
                rsb,
                csb,
                beta,
                pc.get().add(j0 * m),
                1,
                m as isize,
            )
        }
    };
    if blocks == 1 {
        block(0);
    } else {
        (0..blocks).into_par_iter().for_each(block);
    }
}

/// Converts a matrix between scalar types (through `f64`).
pub fn cast<S: Real, T: Real>(m: &DMatrix<S>) -> DMatrix<T> {
    m.map(|x| T::of(x.to_f64()))
}

/// Frobenius norm `‖A‖_F = (Σ a_ij²)^{1/2}`, summed in `f64` in storage order.
pub fn frobenius<T: Real>(a: &DMatrix<T>) -> f64 {
    a.iter()
        .map(|x| x.to_f64() * x.to_f64())
        .sum::<f64>()
        .sqrt()
}
