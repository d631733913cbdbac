#!/usr/bin/env bash
# Export a seeded sample log from navbat-workflow and check it with pm4py.
# Needs network access to PyPI the first time (setup.sh caches a venv in $HOME/.cache).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
CASES="${1:-2000}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
"$HERE/setup.sh" >/dev/null
cargo run -q -p navbat-workflow --example event_log -- "$OUT" "$CASES" 2026
"${NAVBAT_PM4PY_VENV:-$HOME/.cache/navbat-pm4py}/bin/python" "$HERE/check_exports.py" "$OUT" "$CASES"
