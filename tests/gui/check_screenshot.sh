#!/usr/bin/env bash
# CTest: `blupow --simulate --screenshot` writes a real PNG of a populated window and exits 0.
set -euo pipefail
app=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
QT_QPA_PLATFORM=offscreen "$app" --simulate --settings "$tmp/blupow.ini" \
    --screenshot "$tmp/shot.png" --screenshot-delay 3000
[ -f "$tmp/shot.png" ] || { echo "no screenshot written" >&2; exit 1; }
magic=$(head -c 8 "$tmp/shot.png" | od -An -tx1 | tr -d ' \n')
[ "$magic" = "89504e470d0a1a0a" ] || { echo "not a PNG: $magic" >&2; exit 1; }
size=$(stat -c %s "$tmp/shot.png")
# An empty window compresses to a few kB; panels full of text and a chart do not.
[ "$size" -gt 40000 ] || { echo "screenshot suspiciously small: $size bytes" >&2; exit 1; }
echo "screenshot ok: $size bytes"
