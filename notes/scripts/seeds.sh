#!/usr/bin/env bash
# t_mem and t_grok over seeds 0-9 for the canonical run and two variants (a-b mod 97; a+b mod 113),
# as JSON lines in runs/seeds/<name>.jsonl, then a table of medians and one of the Fourier progress
# measures (notes/scripts/fourier_table.py). About 3 minutes on 2 cores.
#   usage: notes/scripts/seeds.sh        (from the repository root)
set -euo pipefail
cargo build --release --quiet
. "$(dirname "$0")/sizes.sh"
out=$RUNS/seeds
mkdir -p "$out"
common=(--seeds "$(pick 0..10 0..3)" --steps "$(pick 10000 5000)" --eval-every 10 --stop-at-grok $(pick "" "--train-frac 0.7"))
"$GROK" sweep "${common[@]}" --task add --p "$(pick 97 23)" --out "$out/add_p97" > "$out/add_p97.jsonl"
"$GROK" sweep "${common[@]}" --task sub --p "$(pick 97 23)" --out "$out/sub_p97" > "$out/sub_p97.jsonl"
"$GROK" sweep "${common[@]}" --task add --p "$(pick 113 29)" --out "$out/add_p113" > "$out/add_p113.jsonl"
python3 - "$out" <<'PY'
import json, statistics as st, sys, pathlib
for f in sorted(pathlib.Path(sys.argv[1]).glob("*.jsonl")):
    runs = sorted((json.loads(l) for l in open(f)), key=lambda r: r["seed"])
    grok = [r for r in runs if r["t_grok"] is not None]
    print(f"{f.stem}: {len(grok)}/{len(runs)} grokked")
    print("  seed  t_mem  t_grok  ratio")
    for r in runs:
        print(f"  {r['seed']:4d}  {r['t_mem']}  {r['t_grok']}  {r['grok_ratio'] and round(r['grok_ratio'], 1)}")
    print(f"  median t_mem {st.median(r['t_mem'] for r in runs)}, median t_grok {st.median(r['t_grok'] for r in grok)}, "
          f"median ratio {st.median(r['grok_ratio'] for r in grok):.1f}")
PY
python3 notes/scripts/fourier_table.py "$out"
