#!/usr/bin/env bash
# Data for T2 (escape barrier vs drift): t_grok of the canonical run (a+b mod 97, f = 0.4, AdamW) across
# weight decay (full batch, lr 3e-3), learning rate (full batch, wd 1) and batch size (lr 3e-3, wd 1), seeds 0-4, stopped at
# t_grok, and over p in {59, 79, 113} (lambda 1, lr 3e-3, for the held-out prediction of notes/scripts/t2_heldout.py);
# JSON lines in runs/t2/*.jsonl. About 30 minutes on 2 cores (the lambda = 4 runs never grok and run their
# 40000 steps).
#   usage: notes/scripts/t2_sweeps.sh        (from the repository root)
set -euo pipefail
cargo build --release --quiet
out=runs/t2
mkdir -p "$out"
common=(--seeds 0..5 --steps 40000 --eval-every 10 --stop-at-grok)
./target/release/grok sweep "${common[@]}" --wd 0.25,0.5,1,2,4 --out "$out/wd" > "$out/wd.jsonl"
./target/release/grok sweep "${common[@]}" --lr 1e-3,3e-3,1e-2 --wd 1 --out "$out/lr" > "$out/lr.jsonl"
./target/release/grok sweep "${common[@]}" --p 59,79,113 --steps 20000 --out "$out/p" > "$out/p.jsonl"
for b in 128 512 1024; do
  ./target/release/grok sweep "${common[@]}" --batch "$b" --out "$out/batch$b" > "$out/batch$b.jsonl"
done
python3 notes/scripts/t2_table.py "$out"
