#!/usr/bin/env python3
"""Independent oracle for tests/optim.rs: optimizer trajectories in NumPy (float64).

Written from the update formulas (torch.optim.SGD / AdamW semantics, Muon as in the brief), not from the
Rust code. Weights W0 and the open-loop gradient sequence G_t[i, j] = sin(1 + i + 2 j + 3 t), t = 1..4,
are fixed; the script prints the weights after 4 steps as Rust literals (row-major). Regenerate with
    python3 tests/oracle/optim_trajectories.py        (needs numpy)
and paste the output into tests/optim.rs.
"""
import numpy as np

STEPS = 4
W_TALL = np.array([[0.5, -0.3], [0.2, 0.8], [-0.7, 0.1]])
W_WIDE = W_TALL.T.copy() * 1.5


def grad(shape, t):
    i, j = np.indices(shape)
    return np.sin(1.0 + i + 2.0 * j + 3.0 * t)


def sgd(w, lr, mu, wd, nesterov):
    buf = np.zeros_like(w)
    for t in range(1, STEPS + 1):
        g = grad(w.shape, t) + wd * w
        buf = mu * buf + g if t > 1 else g.copy()  # torch: first step buf = g
        w = w - lr * ((g + mu * buf) if nesterov else buf)
    return w


def adamw(w, lr, b1, b2, eps, wd):
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for t in range(1, STEPS + 1):
        g = grad(w.shape, t)
        w = w * (1 - lr * wd)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        mhat = m / (1 - b1 ** t)
        vhat = v / (1 - b2 ** t)
        w = w - lr * mhat / (np.sqrt(vhat) + eps)
    return w


def ns5(u):
    a, b, c = 3.4445, -4.7750, 2.0315
    x = u / (np.linalg.norm(u) + 1e-7)
    tall = x.shape[0] > x.shape[1]
    if tall:
        x = x.T
    for _ in range(5):
        A = x @ x.T
        x = a * x + (b * A + c * A @ A) @ x
    return x.T if tall else x


def polar(u):
    U, s, Vt = np.linalg.svd(u, full_matrices=False)
    return U @ Vt


def muon(w, lr, mu, wd, orth):
    buf = np.zeros_like(w)
    m, n = w.shape
    scale = np.sqrt(max(1.0, m / n))
    for t in range(1, STEPS + 1):
        g = grad(w.shape, t)
        buf = mu * buf + g
        u = g + mu * buf
        w = (1 - lr * wd) * w - lr * scale * orth(u)
    return w


def lit(name, w):
    vals = ", ".join(repr(float(x)) for x in w.ravel())
    print(f"const {name}: [f64; {w.size}] = [{vals}];")


lit("SGD_HEAVY_BALL", sgd(W_TALL, 0.1, 0.9, 0.01, False))
lit("SGD_NESTEROV", sgd(W_TALL, 0.1, 0.9, 0.01, True))
lit("ADAMW", adamw(W_TALL, 0.01, 0.9, 0.98, 1e-8, 0.5))
lit("MUON_NS_TALL", muon(W_TALL, 0.05, 0.95, 0.1, ns5))
lit("MUON_NS_WIDE", muon(W_WIDE, 0.05, 0.95, 0.1, ns5))
lit("MUON_POLAR_TALL", muon(W_TALL, 0.05, 0.95, 0.1, polar))
