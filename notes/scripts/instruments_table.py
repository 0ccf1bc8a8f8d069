#!/usr/bin/env python3
"""Tables of the progress measures and phases of the runs written by notes/scripts/instruments.sh.

For every run directory under <root>/<sweep>/: t_mem, t_grok, the four phases (and whether they are
ordered and non-empty), the median per-neuron Fourier concentration at step 0, at t_grok and at the end,
the Fourier summary of the final weights, the first step at which the restricted loss (both variants) and the
test loss fall below 1 nat, and the excluded loss at the start and at the end of circuit formation. Markdown.
    usage: python3 notes/scripts/instruments_table.py [runs/instruments]
"""
import csv
import json
import pathlib
import statistics as st
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "runs/instruments")


def at(rows, step):
    """The record of the last evaluation at or before `step`."""
    return [r for r in rows if int(r["step"]) <= step][-1]


def first_below(rows, key, level, after=0):
    for r in rows:
        if int(r["step"]) >= after and r[key] != "" and float(r[key]) < level:
            return int(r["step"])
    return None


def fmt(x, spec=".3f"):
    return "–" if x is None else format(x, spec)


for sweep in sorted(p for p in root.iterdir() if p.is_dir()):
    runs = []
    for d in sorted(p for p in sweep.iterdir() if p.is_dir()):
        s = json.load(open(d / "summary.json"))
        rows = list(csv.DictReader(open(d / "metrics.csv")))
        runs.append((s, rows))
    runs.sort(key=lambda x: x[0]["seed"])
    print(f"\n### {sweep.name}\n")
    print("| seed | t_mem | t_grok | II plateau | III circuit | IV general. | ordered, non-empty "
          "| conc. 0 → t_grok → end | restricted < 1: all pairs, held out | test < 1 | excluded at III start → end "
          "| distinct freqs | top-8 | diag. logit | act. 1st harm. | act. a+b |")
    print("|" + "---|" * 16)
    stats = []
    for s, rows in runs:
        ph = s["phases"]
        spans = [ph[k] for k in ("memorization", "plateau", "circuit_formation", "generalization")]
        ok = all(sp is not None and sp[0] < sp[1] for sp in spans) and all(
            spans[i][1] == spans[i + 1][0] for i in range(3))
        c0 = float(rows[0]["fourier_concentration"])
        cg = float(at(rows, s["t_grok"])["fourier_concentration"]) if s["t_grok"] else None
        ce = float(rows[-1]["fourier_concentration"])
        peak = max(rows, key=lambda r: float(r["test_loss"]))
        t_r = first_below(rows, "restricted_loss", 1.0)
        t_h = first_below(rows, "restricted_test_loss", 1.0)
        min_h = min(float(r["restricted_test_loss"]) for r in rows)
        t_t = first_below(rows, "test_loss", 1.0, after=int(peak["step"]))
        exc = None
        if ph["circuit_formation"]:
            a, b = ph["circuit_formation"]
            exc = (float(at(rows, a)["excluded_loss"]), float(at(rows, b)["excluded_loss"]))
        f = s["fourier"]
        act = f["activation"]
        span = lambda sp: "–" if sp is None else f"[{sp[0]}, {sp[1]}]"
        print(f"| {s['seed']} | {s['t_mem']} | {fmt(s['t_grok'], 'd')} | {span(ph['plateau'])} "
              f"| {span(ph['circuit_formation'])} | {span(ph['generalization'])} | {'yes' if ok else 'no'} "
              f"| {c0:.3f} → {fmt(cg)} → {ce:.3f} | {fmt(t_r, 'd')}, {fmt(t_h, 'd')} | {fmt(t_t, 'd')} "
              f"| {'–' if exc is None else f'{exc[0]:.2f} → {exc[1]:.2f}'} "
              f"| {len(f['key_frequencies'])} | {f['top8_energy_fraction']:.3f} "
              f"| {fmt(f['diagonal_logit_energy'])} | {act['median_first_harmonic_fraction']:.3f} "
              f"| {act['median_sum_mode_fraction']:.3f} |")
        stats.append(dict(ok=ok, c0=c0, cg=cg, t_r=t_r, t_h=t_h, min_h=min_h, t_t=t_t, exc=exc, grok=s["t_grok"],
                          final_test=s["final_test_acc"], phase=s.get("t_grok_phase")))
    grok = [x for x in stats if x["grok"] is not None]
    print(f"\n{len(grok)}/{len(stats)} grokked; phases ordered and non-empty in "
          f"{sum(x['ok'] for x in grok)}/{len(grok)} of those; t_grok in phase IV (the phases are detected "
          f"without the test accuracy) in {sum(x['phase'] == 'generalization' for x in grok)}/{len(grok)} "
          f"(phases of t_grok: {', '.join(str(x['phase']) for x in grok)}).")
    if grok:
        print(f"Medians: concentration {st.median(x['c0'] for x in grok):.3f} at step 0 → "
              f"{st.median(x['cg'] for x in grok):.3f} at t_grok; restricted loss < 1 at step "
              f"{st.median(x['t_r'] for x in grok)} (held out: {st.median(x['t_h'] for x in grok)}), test loss < 1 at step {st.median(x['t_t'] for x in grok)}; "
              f"excluded loss ×{st.median(x['exc'][1] / x['exc'][0] for x in grok):.2f} over circuit formation.")
    else:
        finals = ", ".join(format(x["final_test"], ".4f") for x in stats)
        lows = ", ".join(format(x["min_h"], ".2f") for x in stats)
        print(f"Final test accuracy: {finals}; lowest held-out restricted loss: {lows}.")


def shares(row):
    e = [float(x) for x in row[2:]]  # k >= 1
    return [x / sum(e) for x in e]


def corr(a, b):
    ma, mb = st.mean(a), st.mean(b)
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    return cov / (sum((x - ma) ** 2 for x in a) * sum((y - mb) ** 2 for y in b)) ** 0.5


# When is the allocation of energy over frequencies decided? Correlation of the layer spectrum's shares
# S_k / sum S_k (k >= 1) at step 0, t_mem, and the start and end of circuit formation with the last ones.
print("\n### Layer spectrum: correlation of the frequency shares with the final ones (median, range)\n")
for sweep in sorted(p for p in root.iterdir() if p.is_dir()):
    points = {}
    for d in sorted(p for p in sweep.iterdir() if p.is_dir()):
        s = json.load(open(d / "summary.json"))
        if s["t_grok"] is None:
            continue
        spectra = list(csv.reader(open(d / "spectrum.csv")))[1:]
        final = shares(spectra[-1])
        ph = s["phases"]
        named = [("step 0", 0), ("t_mem", s["t_mem"]), ("start of III", ph["circuit_formation"][0]),
                 ("end of III", ph["circuit_formation"][1])]
        for name, step in named:
            row = [r for r in spectra if int(r[0]) <= step][-1]
            points.setdefault(name, []).append(corr(shares(row), final))
    for name, v in points.items():
        print(f"{sweep.name}: {name}: {st.median(v):.2f} ({min(v):.2f}–{max(v):.2f})")
