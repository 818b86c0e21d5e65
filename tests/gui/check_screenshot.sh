#!/usr/bin/env bash
# CTest: `blupow --simulate --screenshot` writes a real PNG of a populated window and exits 0.
# Then several devices at once: `--connect` links three, the settings remember them, and the
# next start without --connect links the same three again.
set -euo pipefail
app=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check_png() {
    [ -f "$1" ] || { echo "no screenshot written" >&2; exit 1; }
    magic=$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')
    [ "$magic" = "89504e470d0a1a0a" ] || { echo "not a PNG: $magic" >&2; exit 1; }
    size=$(stat -c %s "$1")
    # An empty window compresses to a few kB; panels full of text and a chart do not.
    [ "$size" -gt 40000 ] || { echo "screenshot suspiciously small: $size bytes" >&2; exit 1; }
    echo "screenshot ok: $size bytes"
}

QT_QPA_PLATFORM=offscreen "$app" --simulate --settings "$tmp/blupow.ini" \
    --screenshot "$tmp/shot.png" --screenshot-delay 3000
check_png "$tmp/shot.png"

out=$(QT_QPA_PLATFORM=offscreen "$app" --settings "$tmp/links.ini" \
    --connect sim:controller --connect sim:battery --connect sim:inverter \
    --screenshot "$tmp/links.png" --screenshot-delay 3000)
echo "$out"
check_png "$tmp/links.png"
grep -q "(3 device(s) linked)" <<<"$out" || { echo "three --connect devices not linked" >&2; exit 1; }
grep -q "^linked=sim:controller, sim:battery, sim:inverter" "$tmp/links.ini" ||
    { echo "linked devices not remembered:" >&2; cat "$tmp/links.ini" >&2; exit 1; }

out=$(QT_QPA_PLATFORM=offscreen "$app" --simulate --settings "$tmp/links.ini" \
    --screenshot "$tmp/again.png" --screenshot-delay 2000)
echo "$out"
grep -q "(3 device(s) linked)" <<<"$out" || { echo "last devices not linked again" >&2; exit 1; }
