#!/usr/bin/env bash
# Data for the fair optimizer comparison (T5 / issue "Muon as an implicit regularizer"): AdamW and Muon, each
# tuned on its own 3 x 3 learning-rate x weight-decay grid around its default (equal size, equal budget:
# 10000 steps, stopped at t_grok, seeds 0-2), then 10 fresh seeds (10-19) at each optimizer's best setting
# (least median t_grok over the tuning seeds; a setting where a seed does not grok counts as never). On
# a+b mod 97 and a*b mod 97 (canonical configuration otherwise). JSON lines in runs/t5opt/; the table and
# the intervals by notes/scripts/t5_optimizers.py. About 40 minutes on 2 cores.
#   usage: notes/scripts/t5_optimizers.sh        (from the repository root)
set -euo pipefail
cargo build --release --quiet
. "$(dirname "$0")/sizes.sh"
out=$RUNS/t5opt
mkdir -p "$out"
common=(--steps "$(pick 10000 5000)" --eval-every 10 --stop-at-grok "${SMALL[@]}")
for task in add mul; do
  "$GROK" sweep "${common[@]}" --task "$task" --opt adamw --lr 1e-3,3e-3,1e-2 --wd 0.3,1,3 \
    --seeds "$(pick 0..3 0..2)" --out "$out/$task-adamw-grid" > "$out/$task-adamw-grid.jsonl"
  "$GROK" sweep "${common[@]}" --task "$task" --opt muon --lr 0.02,0.05,0.1 --wd 0.03,0.1,0.3 \
    --seeds "$(pick 0..3 0..2)" --out "$out/$task-muon-grid" > "$out/$task-muon-grid.jsonl"
  for opt in adamw muon; do
    read -r lr wd < <(python3 notes/scripts/t5_optimizers.py --best "$out/$task-$opt-grid.jsonl")
    "$GROK" sweep "${common[@]}" --task "$task" --opt "$opt" --lr "$lr" --wd "$wd" \
      --seeds "$(pick 10..20 10..13)" --out "$out/$task-$opt-best" > "$out/$task-$opt-best.jsonl"
  done
done
python3 notes/scripts/t5_optimizers.py "$out"
