#!/usr/bin/env python3
"""Fair optimizer comparison: per task, the tuning grids (median t_grok per setting over seeds 0-2) and, at
each optimizer's best setting, t_grok of 10 fresh seeds with the median and its 95% and 99% bootstrap
percentile intervals (10000 resamples, fixed seed), and a two-sided Mann-Whitney U test (normal
approximation with tie correction) of AdamW against Muon.
usage: notes/scripts/t5_optimizers.py runs/t5opt          (report)
       notes/scripts/t5_optimizers.py --best GRID.jsonl...   (prints 'lr wd' of the best setting of the union)"""
import json
import math
import random
import statistics
import sys
from pathlib import Path


def load(path):
    return [json.loads(l) for l in open(path) if l.strip()]


def setting(d):
    o = d["config"]["optimizer"]
    return (o["lr"], o["weight_decay"])


def grid_medians(runs):
    by = {}
    for d in runs:
        by.setdefault(setting(d), []).append(d["t_grok"])
    out = {}
    for k, ts in by.items():
        out[k] = statistics.median(math.inf if t is None else t for t in ts)
    return out


def best(runs):
    medians = grid_medians(runs)
    return min(medians, key=lambda k: (medians[k], k))


def bootstrap(xs, level, rng, n=10000):
    meds = sorted(statistics.median(rng.choice(xs) for _ in xs) for _ in range(n))
    lo = meds[int((1 - level) / 2 * n)]
    hi = meds[min(n - 1, int((1 + level) / 2 * n))]
    return lo, hi


def mann_whitney(x, y):
    allv = sorted((v, i) for i, v in enumerate(x + y))
    ranks = [0.0] * len(allv)
    i = 0
    ties = 0.0
    while i < len(allv):
        j = i
        while j + 1 < len(allv) and allv[j + 1][0] == allv[i][0]:
            j += 1
        r = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[allv[k][1]] = r
        t = j - i + 1
        ties += t ** 3 - t
        i = j + 1
    n1, n2 = len(x), len(y)
    r1 = sum(ranks[:n1])
    u = r1 - n1 * (n1 + 1) / 2
    mu = n1 * n2 / 2
    sigma = math.sqrt(n1 * n2 / 12 * ((n1 + n2 + 1) - ties / ((n1 + n2) * (n1 + n2 - 1))))
    z = (u - mu) / sigma if sigma > 0 else 0.0
    p = math.erfc(abs(z) / math.sqrt(2))
    return u, p


def report(root):
    root = Path(root)
    rng = random.Random(0)
    for task in ("add", "mul"):
        # The 3 x 3 grids and, where it was run, their extension to 5 x 4 (notes/scripts/t5_optimizers_wide.sh).
        for label, extra, best_name in (("3 x 3 grid", None, "best"), ("5 x 4 grid", "wide", "widebest")):
            final = {}
            lines = []
            for opt in ("adamw", "muon"):
                paths = [root / f"{task}-{opt}-grid.jsonl"] + ([root / f"{task}-{opt}-{extra}.jsonl"] if extra else [])
                if not all(p.exists() for p in paths):
                    continue
                runs = [d for p in paths for d in load(p)]
                med = grid_medians(runs)
                cells = ", ".join(f"lr {lr:g} wd {wd:g}: {'never' if m == math.inf else f'{m:.0f}'}" for (lr, wd), m in sorted(med.items()))
                b = best(runs)
                lines.append(f"{opt} {label} (median t_grok, seeds 0-2): {cells}; best lr {b[0]:g} wd {b[1]:g}")
                path = root / f"{task}-{opt}-{best_name}.jsonl"
                if path.exists():
                    final[opt] = [d["t_grok"] for d in load(path)]
            if not lines:
                continue
            print(f"\n## {task} mod 97, {label}\n")
            print("\n".join(lines))
            if len(final) == 2:
                print("\n| optimizer | seeds grokked | t_grok (seeds 10-19) | median | 95% interval | 99% interval |")
                print("|---|---|---|---|---|---|")
                for opt, ts in final.items():
                    g = [t for t in ts if t is not None]
                    lo95, hi95 = bootstrap(g, 0.95, rng)
                    lo99, hi99 = bootstrap(g, 0.99, rng)
                    print(f"| {opt} | {len(g)}/{len(ts)} | {', '.join('—' if t is None else str(t) for t in ts)} | {statistics.median(g):.0f} | [{lo95:.0f}, {hi95:.0f}] | [{lo99:.0f}, {hi99:.0f}] |")
                a = [math.inf if t is None else t for t in final["adamw"]]
                m = [math.inf if t is None else t for t in final["muon"]]
                u, p = mann_whitney(a, m)
                print(f"\nMann-Whitney U (AdamW vs Muon) = {u:.0f}, two-sided p = {p:.2g}")


if __name__ == "__main__":
    if sys.argv[1] == "--best":
        lr, wd = best([d for path in sys.argv[2:] for d in load(path)])
        print(f"{lr:g} {wd:g}")
    else:
        report(sys.argv[1])
