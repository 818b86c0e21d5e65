#!/usr/bin/env bash
# Regenerates docs/history.png: the chart panel over the last 7 days, drawn from a history file
# that bench_history --keep writes (a year of a simulated controller: 48 h raw, minutes before),
# on a real X11 server (Xvfb) by tst_historychart's screenshot case.
#
#   tests/gui/screenshot_history.sh [BUILD_DIR] [OUTPUT]   defaults: build/release docs/history.png
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$here/build/release}
out=${2:-$here/docs/history.png}
screen=${SCREENSHOT_SCREEN:-1366x768}
bench="$build/tests/bench/bench_history"
for program in "$build/tests/tst_historychart" "$bench"; do
    [ -x "$program" ] || { echo "screenshot_history.sh: $program not built" >&2; exit 1; }
done
command -v xvfb-run >/dev/null || { echo "screenshot_history.sh: xvfb-run missing" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bench" --keep "$tmp/history.sqlite"
mkdir -p "$(dirname "$out")"
BLUPOW_HISTORY_FILE="$tmp/history.sqlite" BLUPOW_HISTORY_SCREENSHOT="$out" \
    xvfb-run -a -s "-screen 0 ${screen}x24" "$build/tests/tst_historychart" screenshot
echo "screenshot_history.sh: wrote $out"
