#!/usr/bin/env python3
"""Tables of notes/t2_drift.md from the JSON lines of notes/scripts/t2_sweeps.sh: per configuration,
t_mem range, t_grok per seed, median t_grok and median t_grok * lr * wd.
    usage: python3 notes/scripts/t2_table.py [runs/t2]
"""
import json
import pathlib
import statistics as st
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "runs/t2")
for f in sorted(root.glob("*.jsonl")):
    groups = {}
    for line in open(f):
        r = json.loads(line)
        c = r["config"]
        key = (c["optimizer"]["lr"], c["optimizer"]["weight_decay"], c["batch_size"])
        groups.setdefault(key, []).append(r)
    print(f"\n{f.stem}: lr, wd, batch | t_mem | t_grok per seed | median | median * lr * wd")
    for (lr, wd, batch), runs in sorted(groups.items()):
        runs.sort(key=lambda r: r["seed"])
        t = [r["t_grok"] for r in runs]
        done = [x for x in t if x is not None]
        med = st.median(done) if 2 * len(done) > len(t) else None
        mems = [r["t_mem"] for r in runs if r["t_mem"] is not None]
        print(f"  {lr:g}, {wd:g}, {batch or 'full'} | {min(mems)}-{max(mems)} | "
              f"{', '.join('none' if x is None else str(x) for x in t)} | {med} | "
              f"{'-' if med is None else round(med * lr * wd, 2)}")
