//! ⊥Grad (L. Prieto, M. Barsbey, P. A. M. Mediano, T. Birdal, "Grokking at the edge of numerical stability",
//! ICLR 2025): before the optimizer's step the gradient loses its component along the current weights,
//! $$g^\perp=g-\frac{\langle w,g\rangle}{\langle w,w\rangle}\\,w,$$
//! the "naïve loss minimization" direction that, past memorization, only scales the logits. The crate applies
//! it to each weight matrix separately, with the Frobenius inner product, to the loss gradient (before the
//! optimizer adds any decay); a zero matrix leaves its gradient as it is. With plain gradient descent and no
//! decay a matrix's norm then changes only at second order: $\\|w-\eta g^\perp\\|^2=\\|w\\|^2+\eta^2\\|g^\perp\\|^2$.

use crate::real::Real;
use nalgebra::DMatrix;

/// Replaces `g` by its component orthogonal to `w` (Frobenius inner product, accumulated in `f64`).
pub fn project_out<T: Real>(g: &mut DMatrix<T>, w: &DMatrix<T>) {
    let (mut wg, mut ww) = (0.0f64, 0.0f64);
    for (&g, &w) in g.as_slice().iter().zip(w.as_slice()) {
        wg += g.to_f64() * w.to_f64();
        ww += w.to_f64() * w.to_f64();
    }
    if ww > 0.0 {
        let c = T::of(wg / ww);
        g.zip_apply(w, |g, w| *g -= c * w);
    }
}
