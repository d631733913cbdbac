#!/usr/bin/env bash
# Screenshot check of the planner window: opens it under Xvfb with Mesa's software Vulkan
# (lavapipe), advances the pilot scenario to 11:00 on its first day, renders 90 frames, saves
# a PNG and checks that it has the window's size, real colour variety and the map's land.
# Needs (Debian): xvfb mesa-vulkan-drivers libvulkan1 imagemagick.
# Usage: sim/planner/tests/screenshot.sh [OUT.png]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="${1:-${TMPDIR:-/tmp}/navbat-planner-screenshot.png}"
fail() { echo "screenshot check FAILED: $*" >&2; exit 1; }

for tool in xvfb-run identify convert; do
    command -v "$tool" >/dev/null ||
        fail "needs $tool (Debian: apt-get install xvfb mesa-vulkan-drivers libvulkan1 imagemagick)"
done

cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/navbat-target}"
# scripts/test.sh passes the example that `cargo test --workspace` already built: building it
# here with `-p` would resolve features for this package alone and rebuild the Bevy stack.
plan="${NAVBAT_PLANNER_EXAMPLE:-}"
if [ -z "$plan" ]; then
    cargo build -p navbat-planner --example plan
    plan="$CARGO_TARGET_DIR/debug/examples/plan"
fi
[ -x "$plan" ] || fail "no planner example at $plan"
rm -f "$out"
timeout 600 xvfb-run -a -s "-screen 0 1600x900x24" \
    "$plan" scenarios/pilot-2026.ron \
    --screenshot "$out" --frames 90 --sim-hours 11 ||
    fail "the planner exited with an error"

test -s "$out" || fail "$out was not written"
size="$(identify -format '%w %h' "$out")"
[ "$size" = "1600 900" ] || fail "expected 1600 900 pixels, found $size"
colours="$(identify -format '%k' "$out")"
[ "$colours" -ge 1000 ] || fail "only $colours distinct colours: blank or broken rendering"
# The map's land colour (250,248,241) must cover a real share of the picture.
land="$(convert "$out" -format %c histogram:info:- |
    awk '/\(250,248,241\)/ { sub(":", "", $1); n += $1 } END { print n + 0 }')"
[ "$land" -ge 72000 ] || fail "the map's land covers only $land pixels (expected at least 5 %)"
echo "screenshot ok: $out, $size pixels, $colours colours, land $land pixels"
