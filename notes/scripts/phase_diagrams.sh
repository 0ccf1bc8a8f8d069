#!/usr/bin/env bash
# Data for T9 (Liu et al.'s phase diagram) at the canonical size: `grok phase` on a+b mod 97 at training
# fraction 0.4, learning rate x weight decay on an 8 x 8 log grid (factors of 2), budget 10000 steps,
# evaluated every 20, stopped at t_grok, classified by Liu et al.'s own rule (90% accuracy, grokking when
# generalizing lags fitting by 1000 steps or more). Writes runs/phase_lr_wd/phase_diagram.{csv,svg} and the
# printed table runs/phase_lr_wd.txt; the figure is copied by regenerate.sh.
#   usage: notes/scripts/phase_diagrams.sh        (from the repository root)
# The same command with --x train-frac --y wd --train-frac 0.2,0.25,... draws the diagram of training
# fraction x weight decay (not run at the canonical size; see notes/t9_liu_phases.md).
set -euo pipefail
cargo build --release --quiet
. "$(dirname "$0")/sizes.sh"
"$GROK" phase --p "$(pick 97 23)" --train-frac "$(pick 0.4 0.7)" --x lr --y wd \
  --lr "$(pick 2.5e-4,5e-4,1e-3,2e-3,4e-3,8e-3,1.6e-2,3.2e-2 1e-3,3e-3,1e-2)" \
  --wd "$(pick 0.0625,0.125,0.25,0.5,1,2,4,8 0.25,1,2.4,4)" \
  --steps "$(pick 10000 6000)" --eval-every 20 --stop-at-grok --lag-steps 1000 \
  --out "$RUNS/phase_lr_wd" > "$RUNS/phase_lr_wd.txt"
