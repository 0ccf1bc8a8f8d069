#!/usr/bin/env python3
"""T10 table and figure: steps to 99% test accuracy against the training fraction, from sweep JSON lines.
Per task and fraction: seeds grokked, t_grok per seed, the median (a run that never groks counts as later
than every run that does), median t_mem. Over the fractions whose median seed groks: least-squares lines in
ln t against f (exponential) and against ln f (power law), with their residual sums of squares, and a
three-parameter law diverging at a critical fraction, t = A (f - f*)^-nu; where grokking stops. The figure (steps against fraction, log axes, both fits) goes to FIGURES/t10_fraction.svg.
usage: notes/scripts/power_fraction.py runs/power_fraction.jsonl"""
import json
import math
import statistics
import sys

from figure import draw, panel, series


def line(points):
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    b = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)
    a = my - b * mx
    return a, b, sum((y - a - b * x) ** 2 for x, y in points)


def median_grok(ts):
    ranked = sorted(ts, key=lambda t: math.inf if t is None else t)
    m = statistics.median([math.inf if t is None else t for t in ranked])
    return None if math.isinf(m) else m


def main(path):
    runs = {}
    for text in open(path):
        if text.strip():
            d = json.loads(text)
            runs.setdefault(d["config"]["task"]["op"], {}).setdefault(d["config"]["train_frac"], []).append(d)
    panels = []
    colours = {"add": "blue", "mul": "orange"}
    for op in sorted(runs):
        by_frac = runs[op]
        p = next(iter(by_frac.values()))[0]["config"]["task"]["p"]
        print(f"\n**{op} mod {p}**\n")
        print("| fraction | grokked | t_grok per seed | median t_grok | median t_mem | median final test acc |")
        print("|---|---|---|---|---|---|")
        points, never = [], []
        for f in sorted(by_frac):
            rs = sorted(by_frac[f], key=lambda d: d["seed"])
            ts = [d["t_grok"] for d in rs]
            med = median_grok(ts)
            tm = statistics.median(d["t_mem"] for d in rs if d["t_mem"] is not None) if any(d["t_mem"] for d in rs) else None
            acc = statistics.median(d["final_test_acc"] for d in rs)
            budget = max(d["config"]["steps"] for d in rs)
            shown = ", ".join("—" if t is None else str(t) for t in ts)
            print(f"| {f:g} | {sum(t is not None for t in ts)}/{len(ts)} | {shown} | "
                  f"{'—' if med is None else f'{med:.0f}'} | {'—' if tm is None else f'{tm:.0f}'} | {acc:.3f} |")
            (points if med is not None else never).append((f, med if med is not None else budget))
        stop = None
        grok_from = [f for f, _ in points]
        below = [f for f, _ in never if grok_from and f < min(grok_from)]
        if grok_from and below and all(f < min(grok_from) for f, _ in never):
            stop = min(grok_from)
        print()
        if stop is not None:
            print(f"The median seed groks from fraction {stop:g} up and at no smaller fraction of the grid.")
        fits = {}
        if len(points) >= 3:
            for name, x in (("exponential", lambda f: f), ("power law", math.log)):
                a, b, rss = line([(x(f), math.log(t)) for f, t in points])
                fits[name] = (a, b, rss, x)
                par = "c" if name == "exponential" else "k"
                print(f"- {name}: {par} = {-b:.3f}, residual sum of squares in ln t = {rss:.4f} over {len(points)} fractions")
            better = min(fits, key=lambda k: fits[k][2])
            print(f"- smaller residual: {better}")
            # A third law with three parameters: divergence at a critical fraction f*, t = A (f - f*)^-nu,
            # f* by grid search (step 0.001) below the smallest grokking fraction.
            lo = min(f for f, _ in points)
            best = None
            for i in range(int(lo * 1000)):
                fs = i / 1000
                a, b, rss = line([(math.log(f - fs), math.log(t)) for f, t in points])
                if best is None or rss < best[3]:
                    best = (fs, a, b, rss)
            fs, a, b, rss = best
            fits["divergence"] = (a, b, rss, lambda f, fs=fs: math.log(f - fs))
            print(f"- divergence t = A (f - f*)^-nu (three parameters): f* = {fs:.3f}, nu = {-b:.3f}, "
                  f"residual sum of squares in ln t = {rss:.4f}")
        c = colours.get(op, "green")
        s = [series(f"{op}: median t_grok", "points", c, points)]
        if never:
            s.append(series(f"{op}: median seed never (at the budget)", "crosses", c, never))
        if fits and points:
            lo, hi = min(f for f, _ in points), max(f for f, _ in points)
            grid = [lo + (hi - lo) * i / 40 for i in range(41)]
            for name, style, colour in (("exponential", "dashed", "gray"), ("power law", "line", "green"),
                                        ("divergence", "line", "purple")):
                a, b, _, x = fits[name]
                s.append(series(f"{op}: {name} fit", style, colour, [(f, math.exp(a + b * x(f))) for f in grid]))
        panels.append(panel(f"{op} mod {p}", "training fraction", "steps to 99% test accuracy", s,
                            logx=True, logy=True))
    draw("t10_fraction", "Power et al.'s data-fraction law on the MLP (AdamW, lr 3e-3, wd 1)", panels)


if __name__ == "__main__":
    main(sys.argv[1])
