#!/usr/bin/env python3
"""T6 §2b table: per k and n, the median t_grok over seeds with its range, and the least-squares slope of
ln(median t_grok) against ln n per k; for runs that never reach 99% (k = 3), the final test accuracies.
usage: notes/scripts/t6_parity.py RUNS/t6_parity"""
import glob
import json
import math
import statistics
import sys


def main(folder):
    grokked, never = {}, {}
    for path in sorted(glob.glob(f"{folder}/n*_k*.jsonl")):
        for line in open(path):
            d = json.loads(line)
            task = d["config"]["task"]
            key = (task["k"], task["n_bits"])
            if d["t_grok"] is None:
                never.setdefault(key, []).append(d["final_test_acc"])
            else:
                grokked.setdefault(key, []).append(d["t_grok"])
    ns = sorted({n for _, n in grokked})
    print("| k | " + " | ".join(f"n = {n}" for n in ns) + " | slope of ln t on ln n |")
    print("|---|" + "---|" * (len(ns) + 1))
    for k in sorted({k for k, _ in grokked}):
        cells, points = [], []
        for n in ns:
            t = grokked.get((k, n))
            if not t or (k, n) in never:
                cells.append("–" if not t else f"{statistics.median(t):g} ({len(t)} of {len(t) + len(never[(k, n)])} seeds)")
                continue
            m = statistics.median(t)
            cells.append(f"{m:g} ({min(t)}–{max(t)})")
            points.append((math.log(n), math.log(m)))
        slope = "–"
        if len(points) >= 2:
            mx = sum(x for x, _ in points) / len(points)
            my = sum(y for _, y in points) / len(points)
            slope = f"{sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points):.2f}"
        print(f"| {k} | " + " | ".join(cells) + f" | {slope} |")
    for (k, n), accs in sorted(never.items()):
        if (k, n) not in grokked:
            print(f"\nk = {k}, n = {n}: never 99%; final test accuracy " + ", ".join(f"{a:.3f}" for a in accs))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.splitlines()[-1])
    main(sys.argv[1])
