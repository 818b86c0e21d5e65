#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine: installs the Debian packages BluPow needs
# (only the missing ones), configures, builds, then either starts the GUI or runs every test.
#
#   scripts/bootstrap.sh run     install, build (release preset), start blupow (simulator if no adapter)
#   scripts/bootstrap.sh test    install, build (ci preset: Debug with Q_ASSERT on, ASan + UBSan on
#                                every target, warnings are errors), run every test once under it
#   scripts/bootstrap.sh deps    install only
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
mode=${1:-run}
shift || true

# Build and test dependencies, by Debian 12 package name. Keep in step with the README.
packages=(
    build-essential cmake ninja-build pkg-config clang-format clang-tidy clazy
    qt6-base-dev qt6-base-dev-tools qt6-connectivity-dev qt6-charts-dev qt6-qpa-plugins
    qtkeychain-qt6-dev libgl-dev libqt6opengl6-dev libqt6sql6-sqlite
    libmosquitto-dev
    # tests: a real broker, a private D-Bus with a fake bluetoothd, screenshots, validators
    mosquitto mosquitto-clients openssl
    dbus-daemon python3 python3-dbus python3-gi python3-jsonschema
    xvfb xauth fonts-dejavu-core
    desktop-file-utils appstream dpkg-dev file help2man
    clang libclang-rt-14-dev   # the bounded libFuzzer run of the capture importer
)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_missing() {
    local missing=()
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        echo "bootstrap: all ${#packages[@]} Debian packages present"
        return
    fi
    echo "bootstrap: installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

jobs=$(nproc 2>/dev/null || echo 2)

case "$mode" in
deps)
    install_missing
    ;;
run)
    install_missing
    cmake --preset release
    cmake --build --preset release -j "$jobs" --target blupow blupow-cli
    # No Bluetooth adapter (or no BlueZ): the GUI lists the built-in simulated devices itself.
    exec build/release/app/gui/blupow "$@"
    ;;
test)
    install_missing
    cmake --preset ci
    cmake --build --preset ci -j "$jobs"
    ctest --preset ci -j "$jobs" "$@"
    ;;
*)
    echo "usage: scripts/bootstrap.sh run|test|deps [args...]" >&2
    exit 2
    ;;
esac
