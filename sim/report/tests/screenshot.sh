#!/usr/bin/env bash
# Screenshot check of the evaluation report: renders an index.html in headless Chromium,
# saves a PNG of the whole page's first 6000 pixels and checks that the page is not blank
# and that its charts were drawn (the Okabe-Ito blue of the bars and lines covers a real
# area, and the picture has colour variety).
# Needs (Debian): chromium imagemagick.
# Usage: sim/report/tests/screenshot.sh [INDEX.html] [OUT.png]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
page="${1:-$root/reports/sample/index.html}"
out="${2:-${TMPDIR:-/tmp}/navbat-report-screenshot.png}"
fail() { echo "report screenshot check FAILED: $*" >&2; exit 1; }

for tool in chromium identify convert; do
    command -v "$tool" >/dev/null || fail "needs $tool (Debian: apt-get install chromium imagemagick)"
done
[ -s "$page" ] || fail "no report page at $page"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
rm -f "$out"
# The report is self-contained (inline CSS and SVG, no URLs), so no network is needed; the
# flags keep Chromium from trying to reach one.
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars --window-size=1280,6000 \
    --screenshot="$out" "file://$page" >/dev/null 2>&1 || fail "chromium exited with an error"

test -s "$out" || fail "$out was not written"
size="$(identify -format '%w %h' "$out")"
[ "$size" = "1280 6000" ] || fail "expected 1280 6000 pixels, found $size"
colours="$(identify -format '%k' "$out")"
[ "$colours" -ge 500 ] || fail "only $colours distinct colours: a blank or unstyled page"
# Charts draw their first series in Okabe-Ito blue (0,114,178).
blue="$(convert "$out" -format %c histogram:info:- |
    awk '/\(0,114,178\)/ { sub(":", "", $1); n += $1 } END { print n + 0 }')"
[ "$blue" -ge 20000 ] || fail "chart blue covers only $blue pixels: charts missing"
# Not mostly white: text, tables and charts cover a share of the page.
white="$(convert "$out" -format %c histogram:info:- |
    awk '/\(255,255,255\)/ { sub(":", "", $1); n += $1 } END { print n + 0 }')"
total=$((1280 * 6000))
[ $((white * 100 / total)) -le 97 ] || fail "the page is $((white * 100 / total)) % white"
echo "report screenshot ok: $out, $size pixels, $colours colours, chart blue $blue pixels"
