#!/usr/bin/env bash
# Submits a navbat sweep to Slurm as an array of N shards and a merge job that runs when
# every shard has succeeded. Prints the two job ids.
#
# Usage:   deploy/slurm/submit.sh N SWEEP RESULTS OUT [SBATCH OPTIONS...]
#          e.g. deploy/slurm/submit.sh 100 studies/national.ron /scratch/$USER/nat out/nat \
#                 --partition=compute --time=02:00:00
# Shards are written to RESULTS/shard-0 .. RESULTS/shard-(N-1), the merged folder to OUT.
set -euo pipefail
if [ $# -lt 4 ]; then
  echo "usage: $0 N SWEEP RESULTS OUT [SBATCH OPTIONS...]" >&2
  exit 2
fi
n=$1 sweep=$2 results=$3 out=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
array=$(sbatch --parsable --export=ALL "$@" --array="0-$((n - 1))" \
  "$here/sweep-array.sbatch" "$sweep" "$results")
array=${array%%;*}
merge=$(sbatch --parsable --export=ALL "$@" --dependency="afterok:$array" \
  "$here/merge.sbatch" "$results" "$out")
echo "$array $merge"
