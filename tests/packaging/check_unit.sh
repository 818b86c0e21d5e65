#!/usr/bin/env bash
# The bridge's systemd unit: it verifies, it keeps the hardening that does not break BlueZ over
# D-Bus, and its offline exposure score stays below 1.5 (it was 1.9).
#   check_unit.sh UNIT_FILE
set -euo pipefail
unit=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v systemd-analyze >/dev/null 2>&1 || { echo "SKIP: no systemd-analyze"; exit 77; }

for key in 'NoNewPrivileges=yes' 'ProtectSystem=strict' 'ProtectHome=yes' 'DynamicUser=yes' \
    'SupplementaryGroups=bluetooth' 'ProtectProc=invisible' 'ProcSubset=pid' 'PrivateMounts=yes' \
    'SystemCallFilter=~@privileged @resources' 'DevicePolicy=closed' 'IPAddressDeny=any' \
    'IPAddressAllow=localhost'; do
    grep -qxF "$key" "$unit" || grep -qF "$key " "$unit" || fail "unit lacks $key"
done

# The binary and the man page are not installed here; anything else is an error in the unit.
problems=$(systemd-analyze verify "$unit" 2>&1 |
    grep -v -e 'blupow-cli is not executable' -e "Command 'man blupow-cli(1)' failed" || true)
[ -z "$problems" ] || fail "systemd-analyze verify: $problems"

report=$(systemd-analyze security --offline=true "$unit" 2>&1)
score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' <<<"$report")
[ -n "$score" ] || fail "no exposure score in: $report"
echo "offline exposure score: $score"
awk -v s="$score" 'BEGIN { exit !(s < 1.5) }' || fail "exposure score $score is not below 1.5"
echo "1 passed, 0 failed"
