#!/usr/bin/env bash
# Data for T6 (algebraic structure vs learnability): t_grok of the canonical configuration (AdamW, lr 3e-3,
# wd 1, ReLU, N = 256, full batch) on every modular task at p = 97 (f = 0.4) and p = 31 (f = 0.4 and 0.6),
# seeds 0-4, at most 20000 steps, stopped at t_grok; JSON lines in runs/t6/*.jsonl, then the table. About
# 35 minutes on 2 cores (the tasks that do not grok run all 20000 steps).
#   usage: notes/scripts/t6_learnability.sh        (from the repository root)
set -euo pipefail
cargo build --release --quiet
. "$(dirname "$0")/sizes.sh"
out=$RUNS/t6
mkdir -p "$out"
tasks=add,sub,mul,div,sum_squares,quad_form,cubic_plus
for run in $(pick "97,0.4 31,0.4 31,0.6" "23,0.7"); do
  run=${run/,/ }
  set -- $run
  "$GROK" sweep --task "$tasks" --p "$1" --train-frac "$2" --seeds "$(pick 0..5 0..2)" --steps "$(pick 20000 5000)" \
    --eval-every 10 --stop-at-grok --out "$out/p$1_f$2" > "$out/p$1_f$2.jsonl"
done
"$GROK" check T6-algebra $(pick "" --quick) --json > "$out/check.json"
python3 notes/scripts/t6_table.py "$out"
