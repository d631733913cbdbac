#!/usr/bin/env bash
# FAISS side-by-side for navbat-matching: exports the bench data set from Rust, runs FAISS
# IndexFlatIP and the 8-bit scalar quantizer on it, and prints both sides as JSON lines.
# Usage: sim/matching/benches/faiss/run.sh [gallery_size] [queries]
# Needs python3 with venv; installs faiss-cpu and numpy into $HOME/.cache/navbat-faiss.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../../.." && pwd)"
size="${1:-100000}"
queries="${2:-1000}"
venv="$HOME/.cache/navbat-faiss"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "faiss-cpu==1.15.1" numpy
fi
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/navbat-target}"
cd "$repo"
cargo run --release --quiet -p navbat-matching --example side_by_side -- export "$data" "$size" "$queries"
"$venv/bin/python" "$here/faiss_bench.py" "$data"
cargo run --release --quiet -p navbat-matching --example side_by_side -- measure "$data"
