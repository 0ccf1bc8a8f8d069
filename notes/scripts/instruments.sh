#!/usr/bin/env bash
# Progress measures and phases over seeds (issue "instruments"): the canonical run a+b mod 97, seeds
# 0-9, 4000 steps (past t_grok, so the measures after t_grok are seen), and a run that never groks
# (weight decay 0, training fraction 0.3, seeds 0-2, 10000 steps); then the table of
# notes/scripts/instruments_table.py. About 4 minutes on 2 cores.
#   usage: notes/scripts/instruments.sh        (from the repository root)
set -euo pipefail
cargo build --release --quiet
. "$(dirname "$0")/sizes.sh"
out=$RUNS/instruments
mkdir -p "$out"
"$GROK" sweep --seeds "$(pick 0..10 0..3)" --steps "$(pick 4000 3000)" --eval-every 10 "${SMALL[@]}" \
  --out "$out/add_p97" > "$out/add_p97.jsonl"
"$GROK" sweep --seeds "$(pick 0..3 0..2)" --steps "$(pick 10000 3000)" --eval-every 10 --p "$(pick 97 23)" --wd 0 --train-frac 0.3 \
  --out "$out/never_wd0_f0.3" > "$out/never_wd0_f0.3.jsonl"
python3 notes/scripts/instruments_table.py "$out"
