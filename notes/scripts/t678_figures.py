#!/usr/bin/env python3
"""Figures of the T6, T7 and T8 notes, from the sweep data and a ledger run (needs matplotlib; run it with
any Python that has it, e.g. the measurement venv of ../shared/baselines):
  notes/figures/t6_learnability.svg   final test accuracy and t_grok against the Fourier participation ratio
                                      of each task (runs/t6, from notes/scripts/t6_learnability.sh)
  notes/figures/t7_kernel_norm.svg    E = tr(Y^T K^-1 Y) against n with the proved sandwich, true and random
                                      labels (from `grok check T7-norm --json`, full budget)
  notes/figures/t8_t_grok_lambda.svg  t_grok against lambda, every seed, with the drift law 7.38/(eta lambda)
                                      (runs/t2/wd.jsonl, runs/t8/*.jsonl)
usage: grok check T7-norm --json > runs/t7_check.json && python notes/scripts/t678_figures.py runs/t7_check.json"""
import json
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402

from t2_heldout import load  # noqa: E402  (same folder: the sweep-file reader)
from t6_table import ORDER, SEPARABLE as SEPARABILITY, participation  # noqa: E402

FIG = Path("notes/figures")
# Separable, or log-affine on the units: every task whose separability is not "no".
SEPARABLE = {op for op, how in SEPARABILITY.items() if how != "no"}


def t6():
    runs = load(sorted(Path("runs/t6").glob("p*.jsonl")))
    fig, ax = plt.subplots(1, 2, figsize=(10, 4))
    for (p, f), marker in (((97, 0.4), "o"), ((31, 0.6), "s"), ((31, 0.4), "^")):
        for op in ORDER:
            rs = [d for d in runs if d["config"]["task"]["op"] == op and d["config"]["task"]["p"] == p and d["config"]["train_frac"] == f]
            if not rs:
                continue
            x = participation(op, p) / p
            color = "tab:blue" if op in SEPARABLE else "tab:red"
            acc = sorted(d["final_test_acc"] for d in rs)[len(rs) // 2]
            ax[0].scatter([x * (1 + 0.03 * ORDER.index(op))], [acc], marker=marker, color=color, label=f"p={p}, f={f}" if op == "add" else None)
            t = [d["t_grok"] for d in rs if d["t_grok"] is not None]
            if t:
                ax[1].scatter([x * (1 + 0.03 * ORDER.index(op))] * len(t), t, marker=marker, color=color, s=12)
    ax[0].set(xscale="log", xlabel="Fourier participation ratio / p", ylabel="final test accuracy (median over seeds)", title="blue: separable or log-affine, red: not")
    ax[0].legend()
    ax[1].set(xscale="log", yscale="log", xlabel="Fourier participation ratio / p", ylabel="t_grok (every grokking seed)", title="t_grok, 20000-step budget")
    fig.tight_layout()
    fig.savefig(FIG / "t6_learnability.svg")


def t7(check_json):
    ledger = json.load(open(check_json))
    rows = ledger["ledger"]
    row = next(r for r in rows if r["id"] == "T7-norm")
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for check, color, name in zip(row["checks"][:2], ("tab:blue", "tab:orange"), ("true labels", "random labels")):
        pts = [tuple(map(float, m)) for m in re.findall(r"n=(\d+) E\*k2/n=([\d.]+) \(\|P_S Y\|\^2/n=([\d.]+)\)", check["measured"])]
        n = [q[0] for q in pts]
        ax.plot(n, [q[1] for q in pts], "o-", color=color, label=f"E k2 / n, {name}")
        ax.plot(n, [1 - q[2] for q in pts], "--", color=color, label=f"lower bound 1 - |P_S Y|^2 / n, {name}")
    ax.axhline(1.0, color="gray", label="upper bound n / k2")
    ax.set(xscale="log", xlabel="training pairs n (p = 31)", ylabel="E k2 / n", title="kernel-regime memorization: E grows like n")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(FIG / "t7_kernel_norm.svg")


def t8():
    runs = load(["runs/t2/wd.jsonl", "runs/t8/small.jsonl", "runs/t8/large.jsonl"])
    fig, ax = plt.subplots(figsize=(6, 4.5))
    lams = sorted({d["config"]["optimizer"]["weight_decay"] for d in runs})
    for lam in lams:
        rs = [d for d in runs if d["config"]["optimizer"]["weight_decay"] == lam]
        t = [d["t_grok"] for d in rs if d["t_grok"] is not None]
        ax.scatter([lam] * len(t), t, color="tab:blue", s=14)
        missing = len(rs) - len(t)
        if missing:
            budget = max(d["config"]["steps"] for d in rs)
            ax.scatter([lam], [budget], marker="x", color="tab:red", s=40)
            ax.annotate(f"{missing}/{len(rs)} never", (lam, budget), textcoords="offset points", xytext=(4, 4), fontsize=7)
    xs = [10 ** (i / 20) for i in range(-26, 20)]
    ax.plot(xs, [7.38 / (0.003 * x) for x in xs], "--", color="gray", label="7.38 / (eta lambda)")
    ax.set(xscale="log", yscale="log", xlabel="weight decay lambda (AdamW, eta = 3e-3)", ylabel="t_grok (steps)", title="a+b mod 97: t_grok against lambda (x: budget, no grokking)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(FIG / "t8_t_grok_lambda.svg")


if __name__ == "__main__":
    t6()
    t7(sys.argv[1])
    t8()
