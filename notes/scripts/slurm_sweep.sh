#!/usr/bin/env bash
# Runs a `grok sweep` on a SLURM cluster as a job array, one shard per array task.
#
#   notes/scripts/slurm_sweep.sh SHARDS OUT [grok sweep options ...]
#   notes/scripts/slurm_sweep.sh 16 runs/grid --p 97 --lr 1e-3,3e-3,1e-2 --wd 0.3,1,3 --seeds 0..10
#
# writes OUT/sweep.sbatch and submits it: task i of the array runs
#   grok --threads $SLURM_CPUS_PER_TASK sweep OPTIONS --shard i/SHARDS --out OUT
# so each shard writes its runs and its manifest into OUT (a file system all nodes see). A killed or
# failed task is rerun with the same sbatch file: the sweep skips complete runs and resumes runs from
# their checkpoints (pass --save-every K among the options). When the array is done:
#   grok collect OUT --out OUT/table.csv
# merges every shard's summaries and reports missing shards and runs.
#
# Environment: GROK (the binary; default target/release/grok), CPUS (cores per task; default 2),
# SBATCH_EXTRA (more sbatch options, e.g. "--partition=cpu --time=04:00:00"), WAIT=1 (block until the
# array ends, with sbatch --wait).
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '2,17p' "$0" >&2
  exit 2
fi
shards=$1
out=$2
shift 2
case $shards in
  ''|*[!0-9]*|0) echo "SHARDS must be a positive integer, got '$shards'" >&2; exit 2 ;;
esac
grok=$(realpath "${GROK:-target/release/grok}")
[ -x "$grok" ] || { echo "no grok binary at $grok (cargo build --release)" >&2; exit 2; }
mkdir -p "$out"
out=$(realpath "$out")
# Check the options once here, before anything is queued: a bad grid fails now, not on every node.
"$grok" sweep "$@" --shard "0/$shards" --out "$out" --dry-run
options=$(printf ' %q' "$@")
cat > "$out/sweep.sbatch" <<SBATCH
#!/usr/bin/env bash
#SBATCH --job-name=grok-sweep
#SBATCH --array=0-$((shards - 1))
#SBATCH --cpus-per-task=${CPUS:-2}
#SBATCH --output=$out/slurm-%A_%a.log
set -euo pipefail
exec "$grok" --threads "\${SLURM_CPUS_PER_TASK:-1}" sweep$options --shard "\${SLURM_ARRAY_TASK_ID}/$shards" --out "$out"
SBATCH
echo "wrote $out/sweep.sbatch ($shards array tasks)" >&2
# shellcheck disable=SC2086
sbatch ${WAIT:+--wait} ${SBATCH_EXTRA:-} "$out/sweep.sbatch"
