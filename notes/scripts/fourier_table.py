#!/usr/bin/env python3
"""Fourier progress measures of the seed sweeps written by notes/scripts/seeds.sh.

For each configuration: per seed, the median per-neuron Fourier concentration at initialisation (the
first row of metrics.csv) and at t_grok (summary.json: the runs stop at t_grok), the number of distinct
dominant frequencies, the top-8 energy fraction and the IPR of the layer spectrum; then medians.
    usage: python3 notes/scripts/fourier_table.py [runs/seeds]
"""
import csv
import json
import pathlib
import statistics as st
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "runs/seeds")
for f in sorted(root.glob("*.jsonl")):
    runs = sorted((json.loads(l) for l in open(f)), key=lambda r: r["seed"])
    rows = []
    for r in runs:
        c = r["config"]
        name = f"{c['task']['op']}_p{c['task']['p']}_f{c['train_frac']}_N{c['model']['width']}_adamw_lr{c['optimizer']['lr']}_wd{c['optimizer']['weight_decay']:g}_a{c['model']['alpha']:g}_s{r['seed']}"
        with open(root / f.stem / name / "metrics.csv") as m:
            first = next(csv.DictReader(m))
        fo = r["fourier"]
        rows.append((r["seed"], float(first["fourier_concentration"]), fo["median_concentration"],
                     len(fo["key_frequencies"]), fo["top8_energy_fraction"], fo["ipr"]))
    print(f"{f.stem}: seed, concentration at init -> at t_grok, distinct dominant frequencies, top-8 energy, IPR")
    for row in rows:
        print("  %4d  %.3f -> %.3f  %3d  %.3f  %.4f" % row)
    med = [st.median(x[i] for x in rows) for i in range(1, 6)]
    print("  median %.3f -> %.3f  %g  %.3f  %.4f" % tuple(med))
