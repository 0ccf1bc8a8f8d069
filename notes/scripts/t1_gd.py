#!/usr/bin/env python3
"""T1-dichotomy in Lyu et al.'s own optimizer setting: full-batch gradient descent without momentum, lr 0.1, L2
weight decay 1e-3 (eta lambda = 1e-4), on a+b mod 23, f = 0.7, at initial scales alpha = 8, 32, 128.
Sweep (21 minutes on 2 cores shared with other work, 2026-12-04):
  grok sweep --p 23 --train-frac 0.7 --opt sgd --momentum 0 --lr 0.1 --wd 1e-3 --alpha 8,32,128 --seeds 0..3 \
      --steps 600000 --eval-every 1000 --stop-at-grok --out runs/t1gd/sweep > runs/t1gd/sweep.jsonl
Report: per alpha, t_mem, the first evaluated step with test accuracy >= LEVEL (0.5 unless given) and the final
test accuracy; the least-squares slope of that step against ln(alpha), against the clock 1/(-ln(1 - eta lambda)).
usage: notes/scripts/t1_gd.py runs/t1gd/sweep.jsonl runs/t1gd/sweep [LEVEL]"""
import csv
import glob
import json
import math
import statistics
import sys

from t1_dichotomy import slope_se  # the same least-squares fit as the AdamW table (this directory)


def main(argv):
    summaries, parent = argv[0], argv[1]
    level = float(argv[2]) if len(argv) > 2 else 0.5
    rows = []
    for line in open(summaries):
        d = json.loads(line)
        c, o = d["config"], d["config"]["optimizer"]
        alpha = c["model"]["alpha"]
        name = f"add_p{c['task']['p']}_f{c['train_frac']}_N{c['model']['width']}_sgd_lr{o['lr']:g}_wd{o['weight_decay']:g}_a{alpha:g}_s{d['seed']}"
        (path,) = glob.glob(f"{parent}/{name}/metrics.csv")
        records = list(csv.DictReader(open(path)))
        t_level = next((int(r["step"]) for r in records if float(r["test_acc"]) >= level), None)
        rows.append((alpha, d["seed"], d["t_mem"], t_level, d["final_test_acc"], d["t_grok"], o["lr"] * o["weight_decay"]))
    eta_lambda = rows[0][6]
    clock = 1 / -math.log(1 - eta_lambda)
    print(f"| alpha | seeds | t_mem | step with test accuracy >= {level} | final test accuracy | t_grok (99%) |")
    print("|---|---|---|---|---|---|")
    for a in sorted({r[0] for r in rows}):
        g = [r for r in rows if r[0] == a]
        t = sorted(r[3] for r in g if r[3] is not None)
        print(f"| {a:g} | {len(g)} | {statistics.median(r[2] for r in g):.0f} | "
              f"{', '.join(map(str, t)) or 'never'} | "
              f"{', '.join(f'{r[4]:.3f}' for r in sorted(g, key=lambda r: r[1]))} | "
              f"{', '.join('never' if r[5] is None else str(r[5]) for r in sorted(g, key=lambda r: r[1]))} |")
    points = [(math.log(r[0]), r[3]) for r in rows if r[3] is not None]
    if len({x for x, _ in points}) >= 2 and len(points) > 2:
        b, se = slope_se(points)
        print(f"\nslope of the step against ln(alpha): {b:.0f} +- {se:.0f} steps per e-fold over {len(points)} runs; "
              f"clock 1/(-ln(1 - eta lambda)) = {clock:.0f}; ratio {b / clock:.2f} +- {se / clock:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
