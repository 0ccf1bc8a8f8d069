//! The scalar type of the networks: `f32` for training speed, `f64` for theorem checks.
//!
//! Matrices are nalgebra `DMatrix<T>` (column-major). Products go through [`gemm`], which calls
//! `matrixmultiply` (the GEMM nalgebra itself uses for `f32`/`f64`) with strides, so that transposed
//! operands cost no copy. matrixmultiply splits a product over threads by blocks of the output, and
//! each output entry is always summed in the same order: results do not depend on the thread count.

use nalgebra::{DMatrix, RealField};

/// A real scalar the networks can be trained in.
pub trait Real: RealField + Copy + Default + Send + Sync + 'static {
    /// Human-readable name ("f32" or "f64").
    const NAME: &'static str;
    /// Rounds an `f64` to this type.
    fn of(x: f64) -> Self;
    /// Widens to `f64` (exact).
    fn to_f64(self) -> f64;
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
    fn of(x: f64) -> Self {
        x as f32
    }
    fn to_f64(self) -> f64 {
        self as f64
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
    fn of(x: f64) -> Self {
        x
    }
    fn to_f64(self) -> f64 {
        self
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

/// `C ← α·op(A)·op(B) + β·C`, with `op(X) ∈ {X, Xᵀ}`; shapes `(m×k)(k×n) → m×n`.
///
/// Panics only on a shape mismatch, which is a bug in the caller (all public entry points check shapes).
pub fn gemm<T: Real>(alpha: T, a: &DMatrix<T>, op_a: Op, b: &DMatrix<T>, op_b: Op, beta: T, c: &mut DMatrix<T>) {
    let (m, k, rsa, csa) = view(a, op_a);
    let (kb, n, rsb, csb) = view(b, op_b);
    assert!(k == kb && c.shape() == (m, n), "gemm shape mismatch: ({m}×{k})({kb}×{n}) → {:?}", c.shape());
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        c.scale_mut(beta);
        return;
    }
    // SAFETY: the strides describe the column-major storage of `a`, `b`, `c` with the checked shapes,
    // and `c` is borrowed mutably, so it cannot alias `a` or `b`.
    unsafe {
        T::raw_gemm(
            m,
            k,
            n,
            alpha,
            a.as_ptr(),
            rsa,
            csa,
            b.as_ptr(),
            rsb,
            csb,
            beta,
            c.as_mut_ptr(),
            1,
            m as isize,
        )
    }
}

/// Converts a matrix between scalar types (through `f64`).
pub fn cast<S: Real, T: Real>(m: &DMatrix<S>) -> DMatrix<T> {
    m.map(|x| T::of(x.to_f64()))
}

/// Frobenius norm `‖A‖_F = (Σ a_ij²)^{1/2}`, summed in `f64` in storage order.
pub fn frobenius<T: Real>(a: &DMatrix<T>) -> f64 {
    a.iter().map(|x| x.to_f64() * x.to_f64()).sum::<f64>().sqrt()
}
