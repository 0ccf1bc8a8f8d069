#!/usr/bin/env bash
# Side-by-side speed of one canonical training step: grok (this crate) vs the PyTorch and JAX baselines,
# alternating runs in one session so that all see the same machine state. Prints one line per run and
# the medians. Measurement only (needs the baseline venvs of ../shared/baselines/README.md); never in CI.
#   usage: notes/scripts/speed_vs_baselines.sh [ROUNDS] [STEPS]     (from the repository root)
set -euo pipefail
rounds=${1:-3}
steps=${2:-2000}
torch=${TORCH_PY:-../torch-venv/bin/python}
jax=${JAX_PY:-../jax-venv/bin/python}
base=../shared/baselines
tmp=$(mktemp -d)
cargo build --release --quiet
grok_ms=(); torch_ms=(); jax_ms=()
for r in $(seq 1 "$rounds"); do
  g=$(./target/release/grok train --steps "$steps" --eval-every 500 --out "$tmp/grok" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["ms_per_step"])')
  t=$("$torch" "$base/torch_mlp.py" --steps "$steps" --eval-every 500 --quiet --csv "$tmp/t.csv" | sed -n 's/^ms\/step (median, train only) = //p')
  j=$("$jax" "$base/jax_mlp.py" --steps "$steps" --eval-every 500 --quiet --csv "$tmp/j.csv" | sed -n 's/^ms\/step (median[^=]*= \([0-9.]*\).*/\1/p')
  echo "round $r: grok $g ms, torch $t ms, jax $j ms"
  grok_ms+=("$g"); torch_ms+=("$t"); jax_ms+=("$j")
done
python3 - "${grok_ms[*]}" "${torch_ms[*]}" "${jax_ms[*]}" <<'PY'
import statistics as s, sys
g, t, j = ([float(x) for x in a.split()] for a in sys.argv[1:4])
mg, mt, mj = s.median(g), s.median(t), s.median(j)
print(f"median ms/step: grok {mg:.3f}, torch {mt:.3f}, jax {mj:.3f}")
print(f"torch/grok = {mt / mg:.2f}, jax/grok = {mj / mg:.2f}")
PY
rm -rf "$tmp"
