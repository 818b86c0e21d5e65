#!/usr/bin/env bash
# Builds the Debian package from a configured and built tree, checks its contents and metadata,
# runs the desktop/AppStream validators on what it installs, and runs the unpacked binaries.
#   check_deb.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$work/out" > "$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack failed"; }
deb=$(find "$work/out" -maxdepth 1 -name 'blupow_*.deb' | head -n 1)
[ -n "$deb" ] || fail "no blupow_*.deb produced"
arch=$(dpkg --print-architecture)
[[ "$(basename "$deb")" =~ ^blupow_[0-9]+\.[0-9]+\.[0-9]+_${arch}\.deb$ ]] || fail "unexpected name $(basename "$deb")"
echo "package: $(basename "$deb") ($(du -h "$deb" | cut -f1))"

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for path in ./usr/bin/blupow ./usr/bin/blupow-cli \
    ./usr/share/applications/io.github.blupow.BluPow.desktop \
    ./usr/share/metainfo/io.github.blupow.BluPow.metainfo.xml \
    ./usr/share/icons/hicolor/scalable/apps/io.github.blupow.BluPow.svg \
    ./usr/share/man/man1/blupow-cli.1.gz ./usr/share/man/man1/blupow.1.gz \
    ./lib/systemd/system/blupow-bridge.service ./etc/blupow/bridge.conf \
    ./usr/share/blupow/registers/inverter.json ./usr/share/blupow/registers/controller.json \
    ./usr/share/doc/blupow/copyright; do
    grep -qxF "$path" <<<"$contents" || fail "package lacks $path"
done

depends=$(dpkg-deb -f "$deb" Depends)
recommends=$(dpkg-deb -f "$deb" Recommends)
echo "Depends: $depends"
echo "Recommends: $recommends"
for lib in libqt6core6 libqt6bluetooth6 libqt6widgets6 libmosquitto1 qt6-qpa-plugins libqt6sql6-sqlite; do
    grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib (shlibdeps)"
done
grep -q bluez <<<"$recommends" || fail "bluez not recommended"
grep -q mosquitto <<<"$recommends" || fail "no broker recommended"
if grep -qE '(^|[ ,])(bluez|mosquitto)([ ,(]|$)' <<<"$depends"; then fail "BlueZ or the broker is required instead of recommended"; fi

dpkg-deb -e "$deb" "$work/control"
grep -qxF /etc/blupow/bridge.conf "$work/control/conffiles" || fail "bridge.conf is not a conffile"

root="$work/root"
dpkg -x "$deb" "$root"
desktop-file-validate "$root/usr/share/applications/io.github.blupow.BluPow.desktop"
appstreamcli validate --no-net "$root/usr/share/metainfo/io.github.blupow.BluPow.metainfo.xml"

copyright="$root/usr/share/doc/blupow/copyright"
grep -qx 'License: MIT' "$copyright" || fail "copyright file names no SPDX licence"
metalicense=$(sed -nE 's|.*<project_license>(.*)</project_license>.*|\1|p' \
    "$root/usr/share/metainfo/io.github.blupow.BluPow.metainfo.xml")
[ "$metalicense" = MIT ] || fail "AppStream says licence '$metalicense', the copyright file MIT"

unit="$root/lib/systemd/system/blupow-bridge.service"
for key in 'ExecStart=/usr/bin/blupow-cli bridge' 'Restart=on-failure' 'NoNewPrivileges=yes' \
    'ProtectSystem=strict' 'ProtectHome=yes' 'DynamicUser=yes' 'SupplementaryGroups=bluetooth'; do
    grep -qF "$key" "$unit" || fail "service unit lacks $key"
done
# Verification, hardening and the exposure score: the same checks as the service_unit test.
"$(dirname "$0")/check_unit.sh" "$unit" || [ $? -eq 77 ] || fail "the installed unit fails check_unit.sh"

version=$("$root/usr/bin/blupow-cli" --version)
[[ "$version" =~ ^blupow-cli\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "blupow-cli --version printed '$version'"
echo "unpacked $version runs"
QT_QPA_PLATFORM=offscreen "$root/usr/bin/blupow" --version | grep -q '^blupow ' || fail "blupow --version failed"
zcat "$root/usr/share/man/man1/blupow-cli.1.gz" | grep -q 'bridge' || fail "man page lacks the bridge command"
echo "1 passed, 0 failed"
