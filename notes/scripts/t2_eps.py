#!/usr/bin/env python3
"""T2-drift, item 9: t_grok against Adam's epsilon. Reads the sweeps of notes/scripts/t2_eps.sh (runs/eps/*.jsonl:
a+b mod 97 and 59 at lambda = 1, f = 0.4, and mod 97 at lambda = 1/4; a+b mod 23 at lambda = 1/2, f = 0.7) and the
canonical epsilon = 1e-8 runs of the first three from the given files (runs/t2/wd.jsonl for p = 97,
runs/t2/p.jsonl for p = 59), and
prints one row per (p, lambda, epsilon, precision): t_grok per seed ('never' within
the step limit), the median counting 'never' as infinitely late, the median weight norm and the largest and
smallest training loss at the last evaluation (at t_grok for the runs that grok, at the step limit for the
others; a loss of exactly 0 is f32's softmax collapse) and the step limit.
usage: notes/scripts/t2_eps.py runs/eps runs/t2/wd.jsonl runs/t2/p.jsonl"""
import glob
import json
import math
import statistics
import sys


def main(argv):
    lines = []
    for path in sorted(glob.glob(f"{argv[0]}/*.jsonl")) + argv[1:]:
        lines += [json.loads(l) for l in open(path) if l.strip()]
    groups = {}
    for d in lines:
        c, o = d["config"], d["config"]["optimizer"]
        if c["batch_size"] is not None or o["lr"] != 3e-3 or c["task"]["op"] != "add":
            continue
        key = (c["task"]["p"], o["weight_decay"], o["eps"], c["precision"])
        if key[:2] not in ((97, 1.0), (97, 0.25), (59, 1.0), (23, 0.5)):
            continue
        groups.setdefault(key, {})[d["seed"]] = d  # the canonical run appears in several files: once per seed
    print("| p | lambda | epsilon | precision | t_grok per seed | median t_grok | median t_grok eta lambda | median final norm | final training loss | step limit |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for (p, wd, eps, precision), by_seed in sorted(groups.items()):
        runs = [by_seed[s] for s in sorted(by_seed)]
        t = [r["t_grok"] if r["t_grok"] is not None else math.inf for r in runs]
        shown = ", ".join("never" if math.isinf(x) else str(x) for x in t)
        m = statistics.median(t)
        norm = statistics.median(r["weight_norm"] for r in runs)
        limit = runs[0]["config"]["steps"]
        losses = [r["final_train_loss"] for r in runs]
        loss = f"{min(losses):.1e}" + ("" if len(losses) == 1 else f" to {max(losses):.1e}")
        lr = runs[0]["config"]["optimizer"]["lr"]
        clock = "-" if math.isinf(m) else f"{m * lr * wd:.2f}"
        print(f"| {p} | {wd:g} | {eps:g} | {precision} | {shown} | {'never' if math.isinf(m) else f'{m:.0f}'} | {clock} | {norm:.0f} | "
              f"{loss} | {limit} |")
    print("\n('never': no test accuracy >= 99% within the step limit; the median counts it as infinitely late)")


if __name__ == "__main__":
    main(sys.argv[1:])
