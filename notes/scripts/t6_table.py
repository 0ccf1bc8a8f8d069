#!/usr/bin/env python3
"""T6 table: per task, the proved spectral sparsity (participation ratio in the Fourier basis of Z_p^3,
closed forms checked by `grok check T6-algebra`), additive separability, and the measured learnability
(seeds that reach 99% test accuracy within the budget, median and range of t_grok, final test accuracy).
usage: notes/scripts/t6_table.py runs/t6"""
import json
import statistics
import sys
from pathlib import Path

SEPARABLE = {"add": "yes", "sub": "yes", "sum_squares": "yes (phi = psi = x^2)",
             "mul": "on the units, in log coordinates", "div": "on the units, in log coordinates",
             "quad_form": "no", "cubic_plus": "no"}
ORDER = ["add", "sub", "sum_squares", "mul", "div", "quad_form", "cubic_plus"]


def participation(op, p):
    if op in ("add", "sub"):
        return p
    if op == "div":
        return p**3 * (p - 1) / (p * p - 2 * p + 2)
    return p**10 / (p**8 + p**7 - p**6)


def main(root):
    root = Path(root)
    groups = {}
    for path in root.glob("p*.jsonl"):
        for line in path.read_text().splitlines():
            if line.strip():
                d = json.loads(line)
                key = (d["config"]["task"]["p"], d["config"]["train_frac"])
                groups.setdefault(key, {}).setdefault(d["config"]["task"]["op"], []).append(d)
    for (p, frac), runs in sorted(groups.items(), key=lambda kv: (-kv[0][0], kv[0][1])):
        steps = max(d["config"]["steps"] for rs in runs.values() for d in rs)
        print(f"\np = {p}, f = {frac} (AdamW lr 3e-3 wd 1, N = 256, budget {steps} steps)\n")
        print("| task | PR / p | separable | grokked | median t_grok (range) | median t_mem | final test acc (median) |")
        print("|---|---|---|---|---|---|---|")
        for op in ORDER:
            rs = runs.get(op, [])
            if not rs:
                continue
            grok = sorted(d["t_grok"] for d in rs if d["t_grok"] is not None)
            tg = f"{statistics.median(grok):.0f} ({grok[0]}–{grok[-1]})" if 2 * len(grok) > len(rs) else "—"
            tm = [d["t_mem"] for d in rs if d["t_mem"] is not None]
            tm = f"{statistics.median(tm):.0f}" if tm else "—"
            acc = statistics.median(d["final_test_acc"] for d in rs)
            print(f"| {op} | {participation(op, p) / p:.1f} | {SEPARABLE[op]} | {len(grok)}/{len(rs)} | {tg} | {tm} | {acc:.3f} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "runs/t6")
