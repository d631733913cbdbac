#!/usr/bin/env bash
# One replication of the national scenario (all 208 district units, everything on): wall
# time and peak memory. Targets: <= 60 s and <= 4 GB on this 2-core machine.
#   benches/national.sh [EXTRA navbat run ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/navbat-target}"
cargo build --profile release-lto -q -p navbat
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -f "wall %e s, peak resident %M KB" \
    "$CARGO_TARGET_DIR/release-lto/navbat" run scenarios/national-2026.ron --replications 1 "$@" \
    > /dev/null
