# Sourced by the notes' data scripts: where they write, which binary they call, and the sizes of the
# quick mode. Full mode (the default) is what the notes report; QUICK=1 (set by
# `notes/scripts/regenerate.sh --quick`) shrinks every design to minutes: a+b mod 23 at training fraction
# 0.7 instead of p = 97 at 0.4, fewer seeds and shorter budgets, and writes under runs/quick/, so a quick
# result is never taken for a note's.
#   pick FULL QUICK   prints FULL, or QUICK in quick mode
#   SMALL             extra sweep options in quick mode (the small task), empty otherwise
if [ -n "${QUICK:-}" ]; then
  RUNS=${RUNS:-runs/quick}
  FIGURES=${FIGURES:-runs/quick/figures}
  SMALL=(--p 23 --train-frac 0.7)
else
  RUNS=${RUNS:-runs}
  FIGURES=${FIGURES:-notes/figures}
  SMALL=()
fi
GROK=${GROK:-target/release/grok}
export RUNS FIGURES GROK
pick() { if [ -n "${QUICK:-}" ]; then echo "$2"; else echo "$1"; fi; }
