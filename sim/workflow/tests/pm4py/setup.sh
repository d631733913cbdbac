#!/usr/bin/env bash
# Create (once) a Python venv with pm4py for check_exports.py, under $HOME/.cache/navbat-pm4py.
set -euo pipefail
VENV="${NAVBAT_PM4PY_VENV:-$HOME/.cache/navbat-pm4py}"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import pm4py" 2>/dev/null; then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "pm4py==2.7.23.11"
fi
"$VENV/bin/python" -c "import pm4py; print('pm4py', pm4py.__version__)"
