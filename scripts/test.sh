#!/usr/bin/env bash
# navbat's test command: installs what the tests need on a fresh Debian machine, then runs
# every test of the workspace and the process-mining check of the exported event logs.
# Usage: scripts/test.sh            (from anywhere; set NAVBAT_SKIP_SETUP=1 to skip installs)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/navbat-target}
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

need_apt=()
if [ -d sim/planner ]; then
  # The planner's screenshot test opens a real window under Xvfb with Mesa's software Vulkan.
  command -v xvfb-run >/dev/null || need_apt+=(xvfb xauth)
  [ -e /usr/share/vulkan/icd.d/lvp_icd.x86_64.json ] || need_apt+=(mesa-vulkan-drivers)
  ldconfig -p | grep -q 'libvulkan.so.1' || need_apt+=(libvulkan1)
  ldconfig -p | grep -q 'libxkbcommon-x11.so.0' || need_apt+=(libxkbcommon-x11-0)
  ldconfig -p | grep -q 'libXcursor.so.1' || need_apt+=(libxcursor1)
  ldconfig -p | grep -q 'libXrandr.so.2' || need_apt+=(libxrandr2)
  ldconfig -p | grep -q 'libXi.so.6' || need_apt+=(libxi6)
fi
# The evaluation report's screenshot check renders it in headless Chromium.
command -v chromium >/dev/null || need_apt+=(chromium)
command -v identify >/dev/null || need_apt+=(imagemagick)
command -v python3 >/dev/null || need_apt+=(python3 python3-venv)
# The Slurm recipe's test starts a one-node cluster (deploy/slurm/test.sh).
command -v slurmctld >/dev/null || need_apt+=(slurm-wlm)
command -v munged >/dev/null || need_apt+=(munge)
if [ "${#need_apt[@]}" -gt 0 ] && [ "${NAVBAT_SKIP_SETUP:-0}" != 1 ]; then
  echo "== installing ${need_apt[*]}"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd=sudo
  $sudo_cmd apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q "${need_apt[@]}" >/dev/null
fi

echo "== cargo test (workspace)"
cargo test --workspace --no-fail-fast 2>&1

echo "== event logs load in pm4py"
bash sim/workflow/tests/pm4py/run.sh

echo "== case-log distance measures against log-distance-measures 2.2.0"
bash sim/discover/tests/ldm/run.sh

echo "== sweep shards on a one-node Slurm cluster, merged, against one machine"
bash deploy/slurm/test.sh

if [ -x sim/planner/tests/screenshot.sh ]; then
  echo "== planner window under Xvfb"
  # `cargo test` above built the example with the workspace's features; reuse it.
  NAVBAT_PLANNER_EXAMPLE="$CARGO_TARGET_DIR/debug/examples/plan" bash sim/planner/tests/screenshot.sh
fi

echo "== evaluation report in headless Chromium"
bash sim/report/tests/screenshot.sh
