#!/usr/bin/env bash
# Data for T6 §2b (the steps to learn k-sparse parity against n and k): the crate's network (ReLU, N = 256,
# no biases) trained by SGD (lr 0.1, no momentum, no weight decay) on mini-batches of 32 drawn from 90% of
# the cube {+-1}^n, evaluated every 10 steps and stopped at t_grok; k = 2 and 4 at n = 8..20, k = 6 at
# n = 8..16, seeds 0-3 (and k = 3, which item 9 proves out of reach, at n = 8..16 for 100000 steps, seeds
# 0-2). JSON lines in RUNS/t6_parity/, then the table on stdout. About 10 minutes on one core.
#   usage: notes/scripts/t6_parity.sh        (from the repository root)
set -euo pipefail
cargo build --release --quiet --bin grok
. "$(dirname "$0")/sizes.sh"
out=$RUNS/t6_parity
mkdir -p "$out"
run() {  # k, n, seeds, steps, eval interval
  "$GROK" sweep --task parity --k "$1" --bits "$2" --train-frac 0.9 --opt sgd --lr 0.1 --wd 0 --batch 32 \
    --steps "$4" --eval-every "$5" --stop-at-grok --seeds "$3" --out "$out/n$2_k$1" > "$out/n$2_k$1.jsonl"
}
for k in 2 4; do
  for n in $(pick "8 10 12 14 16 18 20" "8 10 12"); do run "$k" "$n" "$(pick 0..4 0..2)" 100000 10; done
done
for n in $(pick "8 10 12 14 16" "8 10"); do run 6 "$n" "$(pick 0..4 0..2)" 100000 10; done
for n in $(pick "8 10 12 14 16" "8"); do run 3 "$n" "$(pick 0..3 0..2)" "$(pick 100000 5000)" 250; done
python3 notes/scripts/t6_parity.py "$out"
