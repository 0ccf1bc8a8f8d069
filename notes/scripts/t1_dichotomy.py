#!/usr/bin/env python3
"""T1-dichotomy table: per weight decay and initial scale alpha, the medians (over seeds) of the initial
norm, t_mem, t_grok, t_grok/t_mem and the norm at t_grok; AdamW's own scale R (the median peak norm of the
alpha = 1 runs); the least-squares slope of t_grok against ln(alpha), with its standard error, over the runs
that start above R, against the clock 1/(-ln(1 - eta lambda)); the norm lemma's bound t_R with Adam's sharp step
bound (B = (1 - b1) / sqrt((1 - b2)(1 - b1^2 / b2)) per coordinate, push B sqrt(P)) per run, and whether every run
groks no earlier than its bound. With --figure also draws t_grok against alpha with the clock's slope
through the fitted points, FIGURES/t1_dichotomy.svg (the crate draws it: figure.py).
usage: notes/scripts/t1_dichotomy.py RUN_PARENT_DIR... [--figure]"""
import csv
import glob
import json
import math
import statistics
import sys


def load(parents):
    runs = []
    for parent in parents:
        for d in sorted(glob.glob(f"{parent}/*/summary.json")):
            s = json.load(open(d))
            rows = list(csv.DictReader(open(d.replace("summary.json", "metrics.csv"))))
            norms = [float(r["weight_norm"]) for r in rows]
            steps = [int(r["step"]) for r in rows]
            c = s["config"]
            t_grok = s["t_grok"]
            runs.append({
                "wd": c["optimizer"]["weight_decay"],
                "lr": c["optimizer"]["lr"],
                "alpha": c["model"]["alpha"],
                "t_mem": s["t_mem"],
                "beta": (c["optimizer"]["beta1"], c["optimizer"]["beta2"]),
                "parameters": 3 * c["task"]["p"] * c["model"]["width"],
                "t_grok": t_grok,
                "norm0": norms[0],
                "peak": max(norms),
                "norm_grok": norms[steps.index(t_grok)] if t_grok in steps else None,
            })
    return runs


def slope_se(points):
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    b = sum((x - mx) * (y - my) for x, y in points) / sxx
    rss = sum((y - my - b * (x - mx)) ** 2 for x, y in points)
    return b, math.sqrt(rss / ((n - 2) * sxx))


def decay_time_bound(r):
    """t_R = ln((|theta_0| + B sqrt(P) / lambda) / (R + B sqrt(P) / lambda)) / (-ln(1 - eta lambda)), R = norm at t_grok."""
    b1, b2 = r["beta"]
    push = (1 - b1) / math.sqrt((1 - b2) * (1 - b1 * b1 / b2)) * math.sqrt(r["parameters"]) / r["wd"]
    clock = 1 / -math.log(1 - r["lr"] * r["wd"])
    return max(0.0, math.log((r["norm0"] + push) / (r["norm_grok"] + push))) * clock


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def main(argv):
    figure = "--figure" in argv
    argv = [a for a in argv if a != "--figure"]
    runs = load(argv)
    fits = {}
    for wd in sorted({r["wd"] for r in runs}, reverse=True):
        group = [r for r in runs if r["wd"] == wd]
        lr = group[0]["lr"]
        clock = 1 / -math.log(1 - lr * wd)
        own = med([r["peak"] for r in group if r["alpha"] == 1.0])
        print(f"\n### lambda = {wd}: clock {clock:.1f} steps per e-fold; AdamW's own scale R = {own:.1f}\n")
        print("| alpha | runs | |theta_0| | t_mem | t_grok (min-max) | t_grok/t_mem | |theta| at t_grok | bound t_R |")
        print("|---|---|---|---|---|---|---|---|")
        for a in sorted({r["alpha"] for r in group}):
            g = [r for r in group if r["alpha"] == a]
            tg = [r["t_grok"] for r in g if r["t_grok"] is not None]
            ratio = med([r["t_grok"] / r["t_mem"] for r in g if r["t_grok"] and r["t_mem"]])
            print(f"| {a:g} | {len(g)} | {med([r['norm0'] for r in g]):.0f} | {med([r['t_mem'] for r in g]):.0f} | "
                  f"{med(tg):.0f} ({min(tg)}-{max(tg)}) | {ratio:.2f} | {med([r['norm_grok'] for r in g]):.1f} | "
                  f"{med([decay_time_bound(r) for r in g if r['t_grok']]):.0f} |")
        grokked = [r for r in group if r["t_grok"]]
        below = sum(r["t_grok"] < decay_time_bound(r) for r in grokked)
        print(f"\nruns that grok before their bound t_R: {below} of {len(grokked)}")
        above = [r for r in group if r["norm0"] > own]
        b, se = slope_se([(math.log(r["alpha"]), r["t_grok"]) for r in above])
        alphas = sorted({r["alpha"] for r in above})
        fits[wd] = (clock, above)
        print(f"\nslope over alpha in {alphas} ({len(above)} runs): {b:.0f} +- {se:.0f} steps per e-fold; "
              f"ratio to the clock {b / clock:.3f} +- {se / clock:.3f}")
    if figure:
        draw(runs, fits)


def draw(runs, fits):
    from figure import draw as plot, panel, series
    lines = []
    for (wd, (clock, above)), colour in zip(sorted(fits.items(), reverse=True), ["blue", "orange"]):
        group = [r for r in runs if r["wd"] == wd and r["t_grok"] is not None]
        lines.append(series(f"lambda = {wd:g}: t_grok per seed", "points", colour, [(r["alpha"], r["t_grok"]) for r in group]))
        xs = [math.log(r["alpha"]) for r in above]
        ys = [r["t_grok"] for r in above]
        x0, y0 = sum(xs) / len(xs), sum(ys) / len(ys)
        lo, hi = min(xs), max(xs)
        lines.append(series(f"clock: {clock:.0f} steps per e-fold (not fitted)", "line", colour,
                            [(math.exp(lo), y0 + clock * (lo - x0)), (math.exp(hi), y0 + clock * (hi - x0))]))
    plot("t1_dichotomy", "a+b mod 97, AdamW lr 3e-3: t_grok against the initial scale",
         [panel("", "initial scale alpha", "t_grok (steps)", lines, logx=True)])


if __name__ == "__main__":
    main(sys.argv[1:])
