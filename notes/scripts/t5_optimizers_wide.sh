#!/usr/bin/env bash
# The fair optimizer comparison on a wider grid (both 3 x 3 optima of notes/scripts/t5_optimizers.sh lie on
# their grids' edges): on a+b mod 97, each grid grows to 5 learning rates x 4 weight decays, AdamW lr
# {1e-3, 3e-3, 1e-2, 3e-2, 1e-1} x wd {0.3, 1, 3, 10} and Muon lr {0.02, 0.05, 0.1, 0.2, 0.5} x wd {0.03, 0.1,
# 0.3, 1}, with the same budget (10000 steps, stopped at t_grok, seeds 0-2); only the 11 new cells of each
# are trained, the 9 old ones are read from runs/t5opt/add-*-grid.jsonl (same configurations and seeds, so
# the same runs). Then 10 fresh seeds (10-19) at each optimizer's best cell of the wide grid. Needs the data
# of t5_optimizers.sh; about 45 minutes on 2 cores. Report: notes/scripts/t5_optimizers.py runs/t5opt.
#   usage: notes/scripts/t5_optimizers_wide.sh        (from the repository root)
set -euo pipefail
cargo build --release --quiet
. "$(dirname "$0")/sizes.sh"
out=$RUNS/t5opt
common=(--steps "$(pick 10000 5000)" --eval-every 10 --stop-at-grok --task add "${SMALL[@]}")
g=$GROK
{
  $g sweep "${common[@]}" --opt adamw --lr 3e-2 --wd 0.3,1,3,10 --seeds "$(pick 0..3 0..2)" --out "$out/add-adamw-wide"
  $g sweep "${common[@]}" --opt adamw --lr 1e-3,3e-3,1e-2 --wd 10 --seeds "$(pick 0..3 0..2)" --out "$out/add-adamw-wide"
  $g sweep "${common[@]}" --opt adamw --lr 1e-1 --wd 0.3,1,3,10 --seeds "$(pick 0..3 0..2)" --out "$out/add-adamw-wide"
} > "$out/add-adamw-wide.jsonl"
{
  $g sweep "${common[@]}" --opt muon --lr 0.2 --wd 0.03,0.1,0.3,1 --seeds "$(pick 0..3 0..2)" --out "$out/add-muon-wide"
  $g sweep "${common[@]}" --opt muon --lr 0.02,0.05,0.1 --wd 1 --seeds "$(pick 0..3 0..2)" --out "$out/add-muon-wide"
  $g sweep "${common[@]}" --opt muon --lr 0.5 --wd 0.03,0.1,0.3,1 --seeds "$(pick 0..3 0..2)" --out "$out/add-muon-wide"
} > "$out/add-muon-wide.jsonl"
for opt in adamw muon; do
  read -r lr wd < <(python3 notes/scripts/t5_optimizers.py --best "$out/add-$opt-grid.jsonl" "$out/add-$opt-wide.jsonl")
  $g sweep "${common[@]}" --opt "$opt" --lr "$lr" --wd "$wd" --seeds "$(pick 10..20 10..13)" --out "$out/add-$opt-widebest" \
    > "$out/add-$opt-widebest.jsonl"
done
python3 notes/scripts/t5_optimizers.py "$out"
