#!/usr/bin/env python3
"""T8 table: t_grok against weight decay lambda (canonical run, full batch), from sweep JSON lines; the
least-squares fit of log median t_grok against log lambda over the values where every seed groks, with
its residuals; and what happens outside (no grokking within the budget, or a stall).
usage: notes/scripts/t8_table.py runs/t2/wd.jsonl runs/t8/small.jsonl runs/t8/large.jsonl [--window 0.125,1]
(--window: also fit only over lambda in [lo, hi])"""
import json
import math
import statistics
import sys


def fit(points):
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    slope = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)
    return slope, [y - (my + slope * (x - mx)) for x, y in points]


def main(paths):
    window = None
    if "--window" in paths:
        i = paths.index("--window")
        window = tuple(float(v) for v in paths[i + 1].split(","))
        paths = paths[:i] + paths[i + 2:]
    runs = {}
    for path in paths:
        for line in open(path):
            if line.strip():
                d = json.loads(line)
                runs.setdefault(d["config"]["optimizer"]["weight_decay"], []).append(d)
    lr = next(iter(runs.values()))[0]["config"]["optimizer"]["lr"]
    print("| lambda | budget | grokked | t_grok per seed | median | median * eta * lambda | final train acc | final test acc |")
    print("|---|---|---|---|---|---|---|---|")
    fit_points = []
    for wd in sorted(runs):
        rs = sorted(runs[wd], key=lambda d: d["seed"])
        t = [d["t_grok"] for d in rs]
        grok = [x for x in t if x is not None]
        med = statistics.median(grok) if len(grok) == len(rs) else None
        if med is not None:
            fit_points.append((math.log(wd), math.log(med)))
        shown = ", ".join("—" if x is None else str(x) for x in t)
        budget = max(d["config"]["steps"] for d in rs)
        tr = statistics.median(d["final_train_acc"] for d in rs)
        te = statistics.median(d["final_test_acc"] for d in rs)
        m = f"{med:.0f}" if med is not None else "—"
        m2 = f"{med * lr * wd:.1f}" if med is not None else "—"
        print(f"| {wd:g} | {budget} | {len(grok)}/{len(rs)} | {shown} | {m} | {m2} | {tr:.3f} | {te:.3f} |")
    fits = [("every lambda where all seeds grok", fit_points)]
    if window:
        lo, hi = window
        fits.append((f"lambda in [{lo:g}, {hi:g}]", [q for q in fit_points if lo <= math.exp(q[0]) <= hi]))
    for name, points in fits:
        if len(points) >= 2:
            slope, res = fit(points)
            print(f"\nfit over {name}: slope {slope:.3f}; residuals (log) " + ", ".join(f"{r:+.3f}" for r in res))


if __name__ == "__main__":
    main(sys.argv[1:])
