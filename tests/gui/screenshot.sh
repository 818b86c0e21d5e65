#!/usr/bin/env bash
# Regenerates docs/screenshot.png: the GUI on a real X11 server (Xvfb) showing the simulated
# inverter, grabbed by the app itself (--screenshot, QWidget::grab()).
#
#   tests/gui/screenshot.sh [BUILD_DIR] [OUTPUT]     defaults: build/release docs/screenshot.png
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$here/build/release}
out=${2:-$here/docs/screenshot.png}
delay_ms=${SCREENSHOT_DELAY_MS:-20000}
# A common laptop screen (docs/gui.md, Window sizes); SCREENSHOT_SCREEN=1024x700 for the smallest.
screen=${SCREENSHOT_SCREEN:-1366x768}
app="$build/app/gui/blupow"
[ -x "$app" ] || { echo "screenshot.sh: $app not built" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "screenshot.sh: xvfb-run missing (Debian: xvfb)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A fresh settings file: the default layout and window, with a volt and two watt fields plotted.
cat >"$tmp/blupow.ini" <<'INI'
[chart]
fields=load_active_power, charging_power, battery_voltage
INI

mkdir -p "$(dirname "$out")"
xvfb-run -a -s "-screen 0 ${screen}x24" \
    "$app" --simulate="${SCREENSHOT_MODEL:-inverter}" --settings "$tmp/blupow.ini" \
    --screenshot "$out" --screenshot-delay "$delay_ms"
echo "screenshot.sh: wrote $out"
