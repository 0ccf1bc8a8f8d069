#!/usr/bin/env bash
# Data for T10 (Power et al.'s data-fraction law): the canonical run (AdamW lr 3e-3, wd 1, full batch) on
# a+b and a*b mod 97 at ten training fractions 0.15 ... 0.8, seeds 0-4, stopped at t_grok (99% test
# accuracy), budget 30000 steps. JSON lines in runs/power_fraction.jsonl; table and figure by
# power_fraction.py. About 60 minutes on 2 cores while other work shares them.
#   usage: notes/scripts/power_fraction.sh        (from the repository root)
set -euo pipefail
cargo build --release --quiet
. "$(dirname "$0")/sizes.sh"
"$GROK" sweep --task add,mul --p "$(pick 97 23)" \
  --train-frac "$(pick 0.15,0.2,0.25,0.3,0.35,0.4,0.5,0.6,0.7,0.8 0.5,0.6,0.65,0.7,0.8,0.9)" \
  --seeds "$(pick 0..5 0..2)" --steps "$(pick 30000 12000)" --stop-at-grok \
  --out "$RUNS/power_fraction" > "$RUNS/power_fraction.jsonl"
python3 notes/scripts/power_fraction.py "$RUNS/power_fraction.jsonl"
