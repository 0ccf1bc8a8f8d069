#!/usr/bin/env bash
# Data for T1-dichotomy at the canonical size: a+b mod 97, f = 0.4, AdamW lr 3e-3, full batch, the
# initial scale alpha (every weight of the canonical initialization multiplied by alpha) from 0.5 to 128,
# weight decay 1 and 0.5, seeds 0-4, stopped at t_grok. Run directories (with metrics.csv) under
# runs/t1dich/; the table, the fits and the figure by notes/scripts/t1_dichotomy.py. About 40 minutes on
# 2 cores.
#   usage: notes/scripts/t1_dichotomy.sh        (from the repository root)
set -euo pipefail
cargo build --release --quiet
. "$(dirname "$0")/sizes.sh"
out=$RUNS/t1dich
mkdir -p "$out"
common=(--wd "$(pick 1,0.5 1)" --seeds "$(pick 0..5 0..3)" --steps "$(pick 20000 8000)" --eval-every 10 --stop-at-grok "${SMALL[@]}")
"$GROK" sweep "${common[@]}" --alpha "$(pick 0.5,1,2,4,8,16 1,4)" --out "$out/adamw" > "$out/adamw.jsonl"
"$GROK" sweep "${common[@]}" --alpha "$(pick 32,64,128 16,64)" --out "$out/adamw_large" > "$out/adamw_large.jsonl"
python3 notes/scripts/t1_dichotomy.py "$out/adamw" "$out/adamw_large" --figure
