#!/usr/bin/env bash
# Side-by-side: the same M/M/5 (rho = 0.9) model in navbat, SimPy and Ciw, each timing only
# its simulation loop. Prints one JSON line per engine and a ratio line.
# Usage: benches/peers.sh [CUSTOMERS]   (default 200000; run from anywhere)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
peers="$root/../shared/peers"
n=${1:-200000}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/navbat-target}
py=$("$peers/setup.sh")
cargo build --profile release-lto -q -p navbat-benches --bin mmc-speed --manifest-path "$root/Cargo.toml"
ours=$("$CARGO_TARGET_DIR/release-lto/mmc-speed" --customers "$n")
simpy=$("$py" "$peers/mmc.py" --engine simpy --arrivals-per-hour 54 --service-minutes 5 --servers 5 --customers "$n")
ciw=$("$py" "$peers/mmc.py" --engine ciw --arrivals-per-hour 54 --service-minutes 5 --servers 5 --customers "$n")
echo "$ours"; echo "$simpy"; echo "$ciw"
"$py" - "$ours" "$simpy" "$ciw" <<'PY'
import json, sys
ours, simpy, ciw = (json.loads(a) for a in sys.argv[1:])
print(json.dumps({
    "navbat_vs_simpy": ours["customers_per_s"] / simpy["customers_per_s"],
    "navbat_vs_ciw": ours["customers_per_s"] / ciw["customers_per_s"],
    "erlang_c_mean_wait_min": simpy["erlang_c_mean_wait_min"],
    "mean_wait_min": {"navbat": ours["mean_wait_min"], "simpy": simpy["mean_wait_min"], "ciw": ciw["mean_wait_min"]},
}))
PY
