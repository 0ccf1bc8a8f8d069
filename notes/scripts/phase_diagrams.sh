#!/usr/bin/env bash
# Data for T9 (Liu et al.'s phase diagram) at the canonical size: `grok phase` on a+b mod 97, two 8 x 8 log
# grids, budget 10000 steps, evaluated every 20, stopped at t_grok, classified by Liu et al.'s own rule
# (90% accuracy, grokking when generalizing lags fitting by 1000 steps or more):
#   1. learning rate x weight decay (factors of 2) at training fraction 0.4;
#   2. training fraction (0.2 to 0.8, factors of about 1.22) x weight decay at the canonical learning rate 3e-3.
# Writes runs/phase_lr_wd/ and runs/phase_frac_wd/ (phase_diagram.{csv,svg} each) and the printed tables
# runs/phase_lr_wd.txt and runs/phase_frac_wd.txt; the figures are copied by regenerate.sh.
#   usage: notes/scripts/phase_diagrams.sh        (from the repository root)
set -euo pipefail
cargo build --release --quiet
. "$(dirname "$0")/sizes.sh"
COMMON=(--p "$(pick 97 23)" --wd "$(pick 0.0625,0.125,0.25,0.5,1,2,4,8 0.25,1,2.4,4)" \
  --steps "$(pick 10000 6000)" --eval-every 20 --stop-at-grok --lag-steps 1000)
"$GROK" phase "${COMMON[@]}" --train-frac "$(pick 0.4 0.7)" --x lr --y wd \
  --lr "$(pick 2.5e-4,5e-4,1e-3,2e-3,4e-3,8e-3,1.6e-2,3.2e-2 1e-3,3e-3,1e-2)" \
  --out "$RUNS/phase_lr_wd" > "$RUNS/phase_lr_wd.txt"
"$GROK" phase "${COMMON[@]}" --lr 3e-3 --x train-frac --y wd \
  --train-frac "$(pick 0.2,0.24,0.3,0.36,0.44,0.54,0.66,0.8 0.3,0.5,0.7)" \
  --out "$RUNS/phase_frac_wd" > "$RUNS/phase_frac_wd.txt"
