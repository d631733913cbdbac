#!/usr/bin/env bash
# How a sweep scales with threads: the 50-point sweep (scenarios/sweeps/adoption-50.ron, the
# pilot with everything on, 2 replications a point) with 1 thread, then with 2. Prints the
# wall times and their ratio; the outputs of both runs must be byte-identical.
# Target (issue 5): 2 threads >= 1.8 x one thread.
#   benches/sweep-scaling.sh [SWEEP]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/navbat-target}"
sweep=${1:-scenarios/sweeps/adoption-50.ron}
cargo build --profile release-lto -q -p navbat
bin="$CARGO_TARGET_DIR/release-lto/navbat"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
declare -A wall
for t in 1 2; do
    echo "threads $t, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    start=$(date +%s.%N)
    "$bin" sweep "$sweep" --threads "$t" --out "$out/t$t" > /dev/null
    wall[$t]=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
    echo "threads $t: ${wall[$t]} s"
done
if diff -r "$out/t1" "$out/t2" > /dev/null; then
    echo "outputs byte-identical"
else
    echo "outputs differ between 1 and 2 threads" >&2
    exit 1
fi
awk -v a="${wall[1]}" -v b="${wall[2]}" 'BEGIN { printf "speed-up: %.3f\n", a / b }'
