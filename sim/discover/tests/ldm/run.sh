#!/usr/bin/env bash
# The measures against log-distance-measures 2.2.0: make (once) the venv, then run the Rust
# test that writes two small logs, asks compute.py for the package's figures and requires
# agreement to 1e-6. Needs PyPI the first time (setup.sh caches the venv in $HOME/.cache).
# With NAVBAT_SKIP_SETUP=1 nothing is installed: the test then runs only if the venv exists.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
export NAVBAT_LDM_VENV="${NAVBAT_LDM_VENV:-$HOME/.cache/navbat-ldm-venv}"
required=1
if [ "${NAVBAT_SKIP_SETUP:-0}" != 1 ]; then
    "$HERE/setup.sh"
elif [ ! -x "$NAVBAT_LDM_VENV/bin/python" ]; then
    echo "NAVBAT_SKIP_SETUP=1 and no venv at $NAVBAT_LDM_VENV: the parity test will skip"
    required=0
fi
NAVBAT_LDM_REQUIRED=$required cargo test -q -p navbat-discover --test it ldm -- --nocapture
