#!/usr/bin/env bash
# T2-drift, item 9: Adam's epsilon and the drift clock. The canonical a+b mod 97 (AdamW, lr 3e-3, lambda 1, full
# batch) and a+b mod 59 at several epsilon, seeds 0-4 (f32, as the crate trains), and one f64 run at p = 59,
# epsilon = 1e-10, where every f32 run falls into softmax collapse; one JSON line per run in
# runs/eps/p{P}_e{EPS}[_f64].jsonl (epsilon = 1e-8 is the default, already in runs/t2/wd.jsonl and runs/t2/p.jsonl).
# Report: notes/scripts/t2_eps.py runs/eps runs/t2/wd.jsonl runs/t2/p.jsonl. About 45 minutes on 2 cores.
set -euo pipefail
. "$(dirname "$0")/sizes.sh"
grok=$GROK
mkdir -p "$RUNS/eps"
# Quick mode (sizes.sh) runs only the small design at the end, with fewer seeds and steps.
if [ -z "${QUICK:-}" ]; then
for eps in 1e-14 1e-12 1e-10 1e-6 1e-5; do
  "$grok" sweep --p 97 --eps "$eps" --seeds 0..5 --steps 40000 --eval-every 10 --stop-at-grok \
    --out "$RUNS/eps/p97_e$eps" > "$RUNS/eps/p97_e$eps.jsonl"
done
# The same lambda * epsilon at lambda = 1/4 as at lambda = 1 with epsilon = 1e-6 and 1e-5.
for eps in 4e-6 4e-5; do
  "$grok" sweep --p 97 --wd 0.25 --eps "$eps" --seeds 0..5 --steps 40000 --eval-every 10 --stop-at-grok \
    --out "$RUNS/eps/p97_wd0.25_e$eps" > "$RUNS/eps/p97_wd0.25_e$eps.jsonl"
done
for eps in 1e-10 1e-9 1e-6; do
  "$grok" sweep --p 59 --eps "$eps" --seeds 0..5 --steps 40000 --eval-every 10 --stop-at-grok \
    --out "$RUNS/eps/p59_e$eps" > "$RUNS/eps/p59_e$eps.jsonl"
done
"$grok" sweep --p 59 --eps 1e-10 --f64 --seeds 0 --steps 40000 --eval-every 10 --stop-at-grok \
  --out "$RUNS"/eps/p59_e1e-10_f64 > "$RUNS"/eps/p59_e1e-10_f64.jsonl
fi
# The quick design's size, a+b mod 23, f = 0.7, lambda = 1/2, seeds 0-3: f32 at large epsilon, f32 and f64 at small.
for eps in 1e-8 1e-7 1e-6 1e-5 1e-12; do
  "$grok" sweep --p 23 --train-frac 0.7 --wd 0.5 --eps "$eps" --seeds "$(pick 0..4 0..2)" --steps "$(pick 20000 5000)" --eval-every 10 \
    --stop-at-grok --out "$RUNS/eps/p23_e$eps" > "$RUNS/eps/p23_e$eps.jsonl"
done
for eps in 1e-8 1e-10 1e-12 1e-16; do
  "$grok" sweep --p 23 --train-frac 0.7 --wd 0.5 --eps "$eps" --f64 --seeds "$(pick 0..4 0..2)" --steps "$(pick 20000 5000)" --eval-every 10 \
    --stop-at-grok --out "$RUNS/eps/p23_e${eps}_f64" > "$RUNS/eps/p23_e${eps}_f64.jsonl"
done
