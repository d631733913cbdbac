#!/usr/bin/env bash
# Create (once) a Python venv with log-distance-measures for compute.py, under
# $HOME/.cache/navbat-ldm-venv (NAVBAT_LDM_VENV overrides). Needs PyPI the first time.
set -euo pipefail
VENV="${NAVBAT_LDM_VENV:-$HOME/.cache/navbat-ldm-venv}"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import log_distance_measures, pandas" 2>/dev/null; then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check \
        "log-distance-measures==2.2.0" pandas
fi
"$VENV/bin/python" -c "import importlib.metadata as m; print('log-distance-measures', m.version('log-distance-measures'))"
