#!/usr/bin/env python3
"""T8 table: t_grok against weight decay lambda (canonical run, full batch), from sweep JSON lines; the
least-squares fit of log median t_grok against log lambda over the values where every seed groks, with
its residuals; and what happens outside (no grokking within the budget, or a stall).
usage: notes/scripts/t8_table.py runs/t2/wd.jsonl runs/t8/small.jsonl runs/t8/large.jsonl"""
import json
import math
import statistics
import sys


def main(paths):
    runs = {}
    for path in paths:
        for line in open(path):
            if line.strip():
                d = json.loads(line)
                runs.setdefault(d["config"]["optimizer"]["weight_decay"], []).append(d)
    lr = next(iter(runs.values()))[0]["config"]["optimizer"]["lr"]
    print("| lambda | budget | grokked | t_grok per seed | median | median * eta * lambda | final train acc | final test acc |")
    print("|---|---|---|---|---|---|---|---|")
    fit = []
    for wd in sorted(runs):
        rs = sorted(runs[wd], key=lambda d: d["seed"])
        t = [d["t_grok"] for d in rs]
        grok = [x for x in t if x is not None]
        med = statistics.median(grok) if len(grok) == len(rs) else None
        if med is not None:
            fit.append((math.log(wd), math.log(med)))
        shown = ", ".join("—" if x is None else str(x) for x in t)
        budget = max(d["config"]["steps"] for d in rs)
        tr = statistics.median(d["final_train_acc"] for d in rs)
        te = statistics.median(d["final_test_acc"] for d in rs)
        m = f"{med:.0f}" if med is not None else "—"
        m2 = f"{med * lr * wd:.1f}" if med is not None else "—"
        print(f"| {wd:g} | {budget} | {len(grok)}/{len(rs)} | {shown} | {m} | {m2} | {tr:.3f} | {te:.3f} |")
    if len(fit) >= 2:
        n = len(fit)
        mx = sum(x for x, _ in fit) / n
        my = sum(y for _, y in fit) / n
        slope = sum((x - mx) * (y - my) for x, y in fit) / sum((x - mx) ** 2 for x, _ in fit)
        res = [y - (my + slope * (x - mx)) for x, y in fit]
        print(f"\nfit over the lambdas where every seed groks: slope {slope:.3f}; residuals (log) "
              + ", ".join(f"{r:+.3f}" for r in res))


if __name__ == "__main__":
    main(sys.argv[1:])
