#!/usr/bin/env python3
"""T2: predict t_grok of held-out runs with the drift clock t_grok = C / (eta * lambda), one constant C
calibrated on separate runs (the canonical a+b mod 97, eta = 3e-3, lambda = 1, full batch, seeds 0-4), and
report the absolute percentage errors per group and overall. Held out: every other full-batch run of a+b
in the given sweep files (other lambda, eta, p); runs that do not grok within their budget are listed
apart (the law predicts a finite t_grok for them). Optional extra group: other operations (--tasks FILE).
usage: notes/scripts/t2_heldout.py runs/t2/wd.jsonl runs/t2/lr.jsonl runs/t2/p.jsonl runs/t8/small.jsonl \
           runs/t8/large.jsonl [--tasks runs/t6/p97_f0.4.jsonl] [--calibrate-p P (default 97)]"""
import json
import statistics
import sys


def load(paths):
    out = []
    for path in paths:
        for line in open(path):
            if line.strip():
                out.append(json.loads(line))
    return out


def key(d):
    c = d["config"]
    return (c["task"]["op"], c["task"]["p"], c["optimizer"]["lr"], c["optimizer"]["weight_decay"], c["batch_size"])


def main(argv):
    tasks = []
    if "--tasks" in argv:
        i = argv.index("--tasks")
        tasks = load([argv[i + 1]])
        argv = argv[:i] + argv[i + 2:]
    cal_p = 97
    if "--calibrate-p" in argv:  # the calibration setting's p (the quick mode's small task)
        i = argv.index("--calibrate-p")
        cal_p = int(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    runs = [d for d in load(argv) if d["config"]["batch_size"] is None]
    seen = set()
    unique = []
    for d in runs:  # the canonical setting appears in several sweeps: keep one run per (setting, seed)
        k = key(d) + (d["seed"],)
        if k not in seen:
            seen.add(k)
            unique.append(d)
    cal = [d for d in unique if key(d) == ("add", cal_p, 0.003, 1.0, None)]
    c = statistics.median(d["t_grok"] for d in cal) * 0.003 * 1.0
    print(f"C = median t_grok * eta * lambda over {len(cal)} calibration runs = {c:.3f}\n")
    held = [d for d in unique if key(d) != ("add", cal_p, 0.003, 1.0, None)]
    groups = {}
    stalled = []
    for d in held + [t for t in tasks if t["config"]["task"]["op"] != "add"]:
        o = d["config"]["optimizer"]
        if d["t_grok"] is None:
            stalled.append(d)
            continue
        pred = c / (o["lr"] * o["weight_decay"])
        ape = abs(pred - d["t_grok"]) / d["t_grok"]
        op, p = d["config"]["task"]["op"], d["config"]["task"]["p"]
        g = f"{op} p={p} eta={o['lr']:g} lambda={o['weight_decay']:g}"
        groups.setdefault(g, []).append((d["t_grok"], pred, ape))
    print("| setting | runs | t_grok (median) | predicted | mean APE |")
    print("|---|---|---|---|---|")
    add_errors, other_errors = [], []
    for g, rs in sorted(groups.items()):
        apes = [r[2] for r in rs]
        (add_errors if g.startswith("add") else other_errors).extend(apes)
        print(f"| {g} | {len(rs)} | {statistics.median(r[0] for r in rs):.0f} | {rs[0][1]:.0f} | {100 * statistics.mean(apes):.1f}% |")
    print(f"\na+b held out: {len(add_errors)} runs, MAPE {100 * statistics.mean(add_errors):.1f}%, "
          f"median APE {100 * statistics.median(add_errors):.1f}%")
    if other_errors:
        print(f"other operations (p = 97, lambda = 1): {len(other_errors)} runs, MAPE {100 * statistics.mean(other_errors):.1f}%")
    if stalled:
        s = sorted({(d['config']['task']['op'], d['config']['task']['p'], d['config']['optimizer']['weight_decay']) for d in stalled})
        print(f"not grokked within budget (outside the law's domain): {len(stalled)} runs at {s}")


if __name__ == "__main__":
    main(sys.argv[1:])
