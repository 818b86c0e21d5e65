#!/usr/bin/env bash
# Runs the tests whose verdict could depend on scheduling (labels unit, sim and capture by default)
# again and again while every core is kept busy by a CPU burner that this script starts and stops
# itself: a test that passes only on an idle machine fails here. Not part of .ci/run (it takes a
# while); run it after touching timers, the session, the simulator or the recorder.
#
#   scripts/stress-tests.sh [--preset P] [--repeat N] [--labels REGEX] [--burners N] [ctest args...]
#
# Defaults: the ci preset (built if needed), 20 repetitions (`ctest --repeat until-fail:20`),
# labels 'unit|sim|capture', one burner per core. Prints a closing "N passed, N failed" line for
# the repetitions it ran and exits non-zero when any failed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

preset=ci
repeat=20
labels='unit|sim|capture'
burners=$(nproc 2>/dev/null || echo 2)
while [ $# -gt 0 ]; do
    case "$1" in
    --preset) preset=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --labels) labels=$2; shift 2 ;;
    --burners) burners=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) break ;;
    esac
done
for n in "$repeat" "$burners"; do
    [[ "$n" =~ ^[0-9]+$ ]] || { echo "stress-tests: '$n' is not a whole number" >&2; exit 2; }
done

if [ ! -f "build/$preset/CTestTestfile.cmake" ]; then
    cmake --preset "$preset"
fi
cmake --build --preset "$preset" -j "$(nproc 2>/dev/null || echo 2)"

# The burners: plain busy loops at normal priority, so the tests compete for every core as they
# would beside a compiler or a browser. They stop with this script, however it ends.
pids=()
stop_burners() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop_burners EXIT INT TERM
for _ in $(seq 1 "$burners"); do
    ( while :; do :; done ) &
    pids+=("$!")
done
echo "stress-tests: $burners CPU burner(s) running; labels '$labels', until-fail:$repeat"

log=$(mktemp)
start=$(date +%s)
status=0
ctest --preset "$preset" -j "$(nproc 2>/dev/null || echo 2)" -L "$labels" \
    --repeat "until-fail:$repeat" --output-on-failure "$@" 2>&1 | tee "$log" || status=$?
elapsed=$(( $(date +%s) - start ))

# ctest prints one summary for the whole run; with until-fail every test that passed ran $repeat
# times, and a failed test stopped at its first failure.
tests=$(sed -nE 's/.*tests passed, ([0-9]+) tests failed out of ([0-9]+).*/\2/p' "$log" | tail -n 1)
failed=$(sed -nE 's/.*tests passed, ([0-9]+) tests failed out of ([0-9]+).*/\1/p' "$log" | tail -n 1)
rm -f "$log"
tests=${tests:-0}
failed=${failed:-0}
passed_runs=$(( (tests - failed) * repeat ))
echo "stress-tests: $tests tests x $repeat repetitions under $burners burner(s) in ${elapsed}s"
echo "${passed_runs} passed, ${failed} failed"
exit "$status"
