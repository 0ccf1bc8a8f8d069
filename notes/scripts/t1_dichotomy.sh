#!/usr/bin/env bash
# Data for T1-dichotomy at the canonical size: a+b mod 97, f = 0.4, AdamW lr 3e-3, full batch, the
# initial scale alpha (every weight of the canonical initialization multiplied by alpha) from 0.5 to 128,
# weight decay 1 and 0.5, seeds 0-4, stopped at t_grok. Run directories (with metrics.csv) under
# runs/t1dich/; the table, the fits and the figure by notes/scripts/t1_dichotomy.py. About 40 minutes on
# 2 cores.
#   usage: notes/scripts/t1_dichotomy.sh        (from the repository root)
set -euo pipefail
cargo build --release --quiet
out=runs/t1dich
mkdir -p "$out"
common=(--wd 1,0.5 --seeds 0..5 --steps 20000 --eval-every 10 --stop-at-grok)
./target/release/grok sweep "${common[@]}" --alpha 0.5,1,2,4,8,16 --out "$out/adamw" > "$out/adamw.jsonl"
./target/release/grok sweep "${common[@]}" --alpha 32,64,128 --out "$out/adamw_large" > "$out/adamw_large.jsonl"
python3 notes/scripts/t1_dichotomy.py "$out/adamw" "$out/adamw_large"
