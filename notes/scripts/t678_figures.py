#!/usr/bin/env python3
"""Figures of the T6, T7 and T8 notes, from the sweep data and a ledger run, drawn by the crate (`grok plot`,
through figure.py; standard library only):
  t6_learnability.svg   final test accuracy and t_grok against the Fourier participation ratio of each task
                        (RUNS/t6, from notes/scripts/t6_learnability.sh)
  t7_kernel_norm.svg    E = tr(Y^T K^-1 Y) against n with the proved sandwich, true and random labels; and
                        the least norm for margin 1 of nets fitted to random labels against n, with the
                        proved bound for every network (from `grok check T7-norm --json`, full budget)
  t8_t_grok_lambda.svg  t_grok against lambda, every seed, with the drift law 7.38/(eta lambda)
                        (RUNS/t2/wd.jsonl, RUNS/t8/*.jsonl)
into FIGURES (notes/figures by default; see figure.py). Each figure is drawn when its data exist.
usage: notes/scripts/t678_figures.py t6 | t7 CHECK_JSON (from grok check T7-norm --json) | t8"""
import json
import math
import re
import sys

from figure import RUNS, draw, panel, series
from t2_heldout import load  # (same folder: the sweep-file reader)
from t6_table import ORDER, SEPARABLE as SEPARABILITY, participation
# Separable, or log-affine on the units: every task whose separability is not "no".
SEPARABLE = {op for op, how in SEPARABILITY.items() if how != "no"}


def t6():
    files = sorted((RUNS / "t6").glob("p*.jsonl"))
    if not files:
        return print(f"t6_learnability.svg: no {RUNS}/t6/p*.jsonl, skipped")
    runs = load(files)
    acc_sep, acc_not, grok_sep, grok_not = [], [], [], []
    for p, f in sorted({(d["config"]["task"]["p"], d["config"]["train_frac"]) for d in runs}):
        for op in ORDER:
            rs = [d for d in runs if d["config"]["task"]["op"] == op and d["config"]["task"]["p"] == p and d["config"]["train_frac"] == f]
            if not rs:
                continue
            x = participation(op, p) / p * (1 + 0.03 * ORDER.index(op))
            acc = sorted(d["final_test_acc"] for d in rs)[len(rs) // 2]
            (acc_sep if op in SEPARABLE else acc_not).append((x, acc))
            (grok_sep if op in SEPARABLE else grok_not).extend((x, d["t_grok"]) for d in rs if d["t_grok"] is not None)
    left = panel("final test accuracy (median over seeds); every (p, f)", "Fourier participation ratio / p",
                 "final test accuracy", [series("separable or log-affine", "points", "blue", acc_sep),
                                         series("not", "points", "red", acc_not)], logx=True)
    right = panel("t_grok, every grokking seed", "Fourier participation ratio / p", "t_grok (steps)",
                  [series("separable or log-affine", "points", "blue", grok_sep),
                   series("not", "points", "red", grok_not)], logx=True, logy=True)
    draw("t6_learnability", "learnability against the Fourier participation ratio", [left, right])


def t7(check_json):
    rows = json.load(open(check_json))["ledger"]
    row = next(r for r in rows if r["id"] == "T7-norm")
    lines = []
    for check, colour, name in zip(row["checks"][:2], ("blue", "orange"), ("true labels", "random labels")):
        pts = [tuple(map(float, m)) for m in re.findall(r"n=(\d+) E\*k2/n=([\d.]+) \(\|P_S Y\|\^2/n=([\d.]+)\)", check["measured"])]
        lines.append(series(f"E k2 / n, {name}", "line_points", colour, [(q[0], q[1]) for q in pts]))
        lines.append(series(f"lower bound 1 - |P_S Y|^2 / n, {name}", "dashed", colour, [(q[0], 1 - q[2]) for q in pts]))
    ns = [x for s in lines for x, _ in s["points"]]
    lines.append(series("upper bound n / k2", "line", "gray", [(min(ns), 1.0), (max(ns), 1.0)]))
    kernel = panel("kernel regime", "training pairs n (p = 31)", "E k2 / n", lines, logx=True)
    # Random labels, trained nets: every seed's least norm for margin 1 against n, the power law through
    # their geometric means, and the range of the proved bound for every network.
    growth = next(c for c in row["checks"] if c["claim"].startswith("nets trained on random labels"))
    every = next(c for c in row["checks"] if c["claim"].startswith("every network of the architecture"))
    per_n = [(float(n), [float(v) for v in vs.split("/")])
             for n, vs in re.findall(r"n=(\d+): ([\d./]+)", growth["measured"].split("slopes")[0])]
    p = re.search(r"p = (\d+)", growth["measured"]).group(1)
    lo, hi = map(float, re.search(r"random labels [\d.]+ \(bounds ([\d.]+)-([\d.]+)", every["measured"]).groups())
    points = [(n, v) for n, vs in per_n for v in vs]
    logs = [(math.log(n), sum(math.log(v) for v in vs) / len(vs)) for n, vs in per_n]
    mx, my = (sum(x for x, _ in logs) / len(logs), sum(y for _, y in logs) / len(logs))
    slope = sum((x - mx) * (y - my) for x, y in logs) / sum((x - mx) ** 2 for x, _ in logs)
    fit = [(math.exp(x), math.exp(my + slope * (x - mx))) for x, _ in logs]
    ends = [(per_n[0][0], None), (per_n[-1][0], None)]
    trained = panel("nets fitted to random labels", f"training pairs n (p = {p})", "least norm for margin 1", [
        series("every seed", "points", "blue", points),
        series(f"power law, slope {slope:.2f}", "dashed", "blue", fit),
        series("proved bound for every network (its range)", "dashed", "gray", [(x, lo) for x, _ in ends]),
        series("", "dashed", "gray", [(x, hi) for x, _ in ends])], logx=True, logy=True)
    draw("t7_kernel_norm", "memorization norm: E grows like n in the kernel regime, trained nets like n^0.36",
         [kernel, trained])


def t8():
    files = [f for f in (RUNS / "t2" / "wd.jsonl", RUNS / "t8" / "small.jsonl", RUNS / "t8" / "large.jsonl") if f.exists()]
    if not files:
        return print(f"t8_t_grok_lambda.svg: no {RUNS}/t2/wd.jsonl or {RUNS}/t8/*.jsonl, skipped")
    runs = load(files)
    grokked, never = [], []
    for lam in sorted({d["config"]["optimizer"]["weight_decay"] for d in runs}):
        rs = [d for d in runs if d["config"]["optimizer"]["weight_decay"] == lam]
        grokked += [(lam, d["t_grok"]) for d in rs if d["t_grok"] is not None]
        if any(d["t_grok"] is None for d in rs):
            never.append((lam, max(d["config"]["steps"] for d in rs)))
    lams = [x for x, _ in grokked + never]
    law = [(x, 7.38 / (0.003 * x)) for x in (10 ** (i / 20) for i in range(-26, 20)) if min(lams) / 1.5 <= x <= max(lams) * 1.5]
    draw("t8_t_grok_lambda", "a+b mod 97: t_grok against lambda", [panel(
        "", "weight decay lambda (AdamW, eta = 3e-3)", "t_grok (steps)",
        [series("t_grok, every seed", "points", "blue", grokked),
         series("some seed never groks (drawn at the budget)", "crosses", "red", never),
         series("7.38 / (eta lambda)", "dashed", "gray", law)], logx=True, logy=True)])


if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or args[0] not in ("t6", "t7", "t8") or (args[0] == "t7") != (len(args) == 2):
        sys.exit(__doc__.splitlines()[-1])
    {"t6": t6, "t8": t8}[args[0]]() if args[0] != "t7" else t7(args[1])
