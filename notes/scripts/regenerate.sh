#!/usr/bin/env bash
# Regenerates the figures and tables of notes/: one target per figure group or table, run in the order
# below (a target's inputs come from the targets before it), each timed.
#
#   notes/scripts/regenerate.sh [--quick] [TARGET ...]    (from anywhere; all targets when none given)
#   notes/scripts/regenerate.sh --list                    (one line per target: name, then its outputs)
#
# Full mode (the default) runs the designs the notes report and writes figures into notes/figures/ and
# tables into runs/tables/<target>.md (the notes quote them); it takes about five hours on 2 cores
# (the minutes per target are in notes/README.md, "Reproduction map"). --quick runs every design at small
# sizes (a+b mod 23, fewer seeds and steps; see notes/scripts/sizes.sh) in minutes and writes everything
# under runs/quick/ (figures in runs/quick/figures/, titled as quick), never into notes/. Figures are drawn
# by the crate (`grok plot`, `grok train`, `grok singular`, the blueprint's headless Chromium); the Python
# is standard library only. Not covered: speed_vs_baselines.sh (needs the baselines' venvs) and the
# SLURM recipes.
set -euo pipefail
cd "$(dirname "$0")/../.."

# name|outputs (figures under the figure directory, tables under the tables directory)
TARGETS=(
  "canonical|figures/canonical_s0.svg tables/canonical.md"
  "seeds|figures/sub_p97_s0.svg figures/add_p113_s0.svg tables/seeds.md"
  "instruments|figures/progress_add_p97_s0.svg figures/fourier_add_p97_s0.svg figures/progress_never_wd0_f0.3_s0.svg tables/instruments.md"
  "singular|figures/singular_adamw_p97_s0.svg figures/singular_muon_p97_s0.svg tables/singular.md"
  "t5_mp_edge|tables/t5_mp_edge.md"
  "t1_dichotomy|figures/t1_dichotomy.svg tables/t1_dichotomy.md"
  "t1_gd|tables/t1_gd.md"
  "t2_sweeps|tables/t2_sweeps.md"
  "t2_eps|tables/t2_eps.md"
  "t5_optimizers|tables/t5_optimizers.md"
  "t5_optimizers_wide|tables/t5_optimizers_wide.md"
  "t6_learnability|figures/t6_learnability.svg tables/t6_learnability.md"
  "t6_parity|tables/t6_parity.md"
  "t7_kernel_norm|figures/t7_kernel_norm.svg tables/t7_kernel_norm.md"
  "t8_sweep|figures/t8_t_grok_lambda.svg tables/t8_sweep.md"
  "phase_diagrams|figures/phase_lr_wd.svg figures/phase_frac_wd.svg tables/phase_diagrams.md"
  "power_fraction|figures/t10_fraction.svg tables/power_fraction.md"
  "blueprint|figures/blueprint.png tables/blueprint.md"
)

quick=""
wanted=()
for arg in "$@"; do
  case $arg in
    --quick) quick=1 ;;
    --list)
      for t in "${TARGETS[@]}"; do echo "${t%%|*} ${t#*|}"; done
      exit 0 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) echo "unknown option $arg (see --help)" >&2; exit 2 ;;
    *) wanted+=("$arg") ;;
  esac
done
names=()
for t in "${TARGETS[@]}"; do names+=("${t%%|*}"); done
for w in "${wanted[@]}"; do
  [[ " ${names[*]} " == *" $w "* ]] || { echo "unknown target $w; targets: ${names[*]}" >&2; exit 2; }
done

if [ -n "$quick" ]; then export QUICK=1; else unset QUICK; fi
. notes/scripts/sizes.sh
TABLES=$RUNS/tables
mkdir -p "$FIGURES" "$TABLES"
if [ -n "$quick" ]; then
  printf 'Written by notes/scripts/regenerate.sh --quick: small sizes (notes/scripts/sizes.sh), not the notes'"'"' designs.\n' > "$RUNS/QUICK.md"
fi
cargo build --release --quiet --bin grok

# The run directory of seed 0 in a sweep's output directory.
seed0() { local d; d=$(ls -d "$1"/*_s0 | head -n 1); [ -d "$d" ] || { echo "no seed-0 run in $1" >&2; return 1; }; echo "$d"; }

target_canonical() {
  "$GROK" reproduce --out "$RUNS/canonical_s0" $(pick "" "--steps 1500")
  cp "$RUNS/canonical_s0/curves.svg" "$FIGURES/canonical_s0.svg"
}
target_seeds() {
  notes/scripts/seeds.sh
  cp "$(seed0 "$RUNS/seeds/sub_p97")/curves.svg" "$FIGURES/sub_p97_s0.svg"
  cp "$(seed0 "$RUNS/seeds/add_p113")/curves.svg" "$FIGURES/add_p113_s0.svg"
}
target_instruments() {
  notes/scripts/instruments.sh
  local run
  run=$(seed0 "$RUNS/instruments/add_p97")
  cp "$run/progress.svg" "$FIGURES/progress_add_p97_s0.svg"
  cp "$run/fourier.svg" "$FIGURES/fourier_add_p97_s0.svg"
  cp "$(seed0 "$RUNS/instruments/never_wd0_f0.3")/progress.svg" "$FIGURES/progress_never_wd0_f0.3_s0.svg"
}
target_singular() {
  for opt in adamw muon; do
    "$GROK" singular --opt "$opt" "${SMALL[@]}" --steps "$(pick 3000 1000)" --eval-every 20 --out "$RUNS/singular_$opt"
    cp "$RUNS/singular_$opt/singular.svg" "$FIGURES/singular_${opt}_p97_s0.svg"
    python3 notes/scripts/t5_mp_edge.py "$RUNS/singular_$opt" 256 "$((2 * $(pick 97 23)))"
  done
}
target_t5_mp_edge() {
  local dirs=()
  for s in $(pick "0 1 2 3 4" "0 1"); do
    for opt in adamw muon; do
      "$GROK" singular --opt "$opt" --seed "$s" "${SMALL[@]}" --steps "$(pick 3000 1000)" --eval-every 20 \
        --out "$RUNS/singular_g/${opt}_s$s"
    done
    dirs+=("$RUNS/singular_g/adamw_s$s")
  done
  local cols=$((2 * $(pick 97 23)))
  python3 notes/scripts/t5_mp_edge.py "${dirs[@]}" 256 "$cols"
  python3 notes/scripts/t5_mp_edge.py "${dirs[@]}" 256 "$cols" singular_g1.csv
}
target_t1_dichotomy() { notes/scripts/t1_dichotomy.sh; }
target_t1_gd() {
  mkdir -p "$RUNS/t1gd"
  "$GROK" sweep --p 23 --train-frac 0.7 --opt sgd --momentum 0 --lr 0.1 --wd 1e-3 --alpha "$(pick 8,32,128 8,32)" \
    --seeds "$(pick 0..3 0..2)" --steps "$(pick 600000 20000)" --eval-every 1000 --stop-at-grok \
    --out "$RUNS/t1gd/sweep" > "$RUNS/t1gd/sweep.jsonl"
  python3 notes/scripts/t1_gd.py "$RUNS/t1gd/sweep.jsonl" "$RUNS/t1gd/sweep"
}
target_t2_sweeps() {
  notes/scripts/t2_sweeps.sh
}
target_t2_eps() {
  notes/scripts/t2_eps.sh
  python3 notes/scripts/t2_eps.py "$RUNS/eps" "$RUNS/t2/wd.jsonl" "$RUNS/t2/p.jsonl"
}
target_t5_optimizers() { notes/scripts/t5_optimizers.sh; }
target_t5_optimizers_wide() { notes/scripts/t5_optimizers_wide.sh; }
target_t6_learnability() {
  notes/scripts/t6_learnability.sh
  python3 notes/scripts/t678_figures.py t6
}
target_t6_parity() { notes/scripts/t6_parity.sh; }
target_t7_kernel_norm() {
  "$GROK" check T7-norm $(pick "" --quick) --json > "$RUNS/t7_check.json"
  python3 notes/scripts/t678_figures.py t7 "$RUNS/t7_check.json"
}
target_t8_sweep() {
  notes/scripts/t8_sweep.sh
  python3 notes/scripts/t2_heldout.py "$RUNS"/t2/{wd,lr,p}.jsonl "$RUNS"/t8/{small,large}.jsonl --calibrate-p "$(pick 97 23)"
  python3 notes/scripts/t678_figures.py t8
}
target_phase_diagrams() {
  notes/scripts/phase_diagrams.sh
  local grid
  for grid in lr_wd frac_wd; do
    cp "$RUNS/phase_$grid/phase_diagram.svg" "$FIGURES/phase_$grid.svg"
    printf '```\n'
    cat "$RUNS/phase_$grid.txt"
    printf '```\n'
  done
}
target_power_fraction() { notes/scripts/power_fraction.sh; }
target_blueprint() {
  "$GROK" check --quick --html "$RUNS/blueprint" > /dev/null
  python3 notes/scripts/blueprint_check.py "$RUNS/blueprint" --screenshot "$FIGURES/blueprint.png"
}

summary=()
start_all=$SECONDS
for t in "${TARGETS[@]}"; do
  name=${t%%|*}
  if [ ${#wanted[@]} -gt 0 ] && [[ " ${wanted[*]} " != *" $name "* ]]; then
    continue
  fi
  echo "== $name$([ -n "$quick" ] && echo ' (quick)')" >&2
  start=$SECONDS
  table="$TABLES/$name.md"
  "target_$name" > "$table.part"
  mv "$table.part" "$table"
  took=$((SECONDS - start))
  outputs=""
  for o in ${t#*|}; do
    case $o in
      figures/*) outputs+=" $FIGURES/${o#figures/}" ;;
      tables/*) outputs+=" $TABLES/${o#tables/}" ;;
    esac
  done
  line="$name: ${took} s:$outputs"
  echo "rebuilt $line" >&2
  summary+=("$line")
done
echo "== rebuilt $([ -n "$quick" ] && echo '(quick) ')in $((SECONDS - start_all)) s" >&2
printf '  %s\n' "${summary[@]}" >&2
