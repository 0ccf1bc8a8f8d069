#!/usr/bin/env bash
# Data for T2 (escape barrier vs drift): t_grok of the canonical run (a+b mod 97, f = 0.4, AdamW) across
# weight decay (full batch, lr 3e-3), learning rate (full batch, wd 1) and batch size (lr 3e-3, wd 1), seeds 0-4, stopped at
# t_grok, and over p in {59, 79, 113} (lambda 1, lr 3e-3, for the held-out prediction of notes/scripts/t2_heldout.py);
# JSON lines in runs/t2/*.jsonl. About 30 minutes on 2 cores (the lambda = 4 runs never grok and run their
# 40000 steps).
#   usage: notes/scripts/t2_sweeps.sh        (from the repository root)
set -euo pipefail
cargo build --release --quiet
. "$(dirname "$0")/sizes.sh"
out=$RUNS/t2
mkdir -p "$out"
common=(--seeds "$(pick 0..5 0..2)" --eval-every 10 --stop-at-grok)
long=(--steps "$(pick 40000 8000)")
"$GROK" sweep "${common[@]}" "${long[@]}" --wd "$(pick 0.25,0.5,1,2,4 0.5,1,4)" "${SMALL[@]}" --out "$out/wd" > "$out/wd.jsonl"
"$GROK" sweep "${common[@]}" "${long[@]}" --lr "$(pick 1e-3,3e-3,1e-2 3e-3,1e-2)" --wd 1 "${SMALL[@]}" --out "$out/lr" > "$out/lr.jsonl"
"$GROK" sweep "${common[@]}" --p "$(pick 59,79,113 23,29)" --steps "$(pick 20000 8000)" $(pick "" "--train-frac 0.7") --out "$out/p" > "$out/p.jsonl"
for b in $(pick "128 512 1024" "64 256"); do
  "$GROK" sweep "${common[@]}" "${long[@]}" --batch "$b" "${SMALL[@]}" --out "$out/batch$b" > "$out/batch$b.jsonl"
done
python3 notes/scripts/t2_table.py "$out"
