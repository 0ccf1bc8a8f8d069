#!/usr/bin/env bash
# Data for T8 (t_grok against weight decay over a wide range): the canonical run (a+b mod 97, f = 0.4, AdamW
# lr 3e-3, full batch), seeds 0-4, stopped at t_grok, at lambda = 0.0625 and 0.125 (budget 60000 steps) and
# 3 and 8 (budget 20000; they stall). Together with runs/t2/wd.jsonl (lambda = 0.25 ... 4, from
# notes/scripts/t2_sweeps.sh) that is 9 values. JSON lines in runs/t8/*.jsonl. About 25 minutes on 2 cores.
#   usage: notes/scripts/t8_sweep.sh        (from the repository root)
set -euo pipefail
cargo build --release --quiet
. "$(dirname "$0")/sizes.sh"
out=$RUNS/t8
mkdir -p "$out"
common=(--seeds "$(pick 0..5 0..2)" --eval-every 10 --stop-at-grok "${SMALL[@]}")
"$GROK" sweep "${common[@]}" --steps "$(pick 60000 10000)" --wd 0.0625,0.125 --out "$out/small" > "$out/small.jsonl"
"$GROK" sweep "${common[@]}" --steps "$(pick 20000 5000)" --wd 3,8 --out "$out/large" > "$out/large.jsonl"
python3 notes/scripts/t8_table.py "$RUNS/t2/wd.jsonl" "$out/small.jsonl" "$out/large.jsonl" --window 0.125,1
