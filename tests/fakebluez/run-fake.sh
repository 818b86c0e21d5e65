#!/bin/bash
# Starts (or stops) a private system-bus dbus-daemon plus the fake bluetoothd on it. Nothing here
# touches the machine's system bus: clients must export the DBUS_SYSTEM_BUS_ADDRESS written to
# STATE_DIR/bus.address.
#
#   run-fake.sh start STATE_DIR [fake_bluetoothd options...]   bounded: fails after 10 s
#   run-fake.sh stop STATE_DIR                                 kills the two PIDs it recorded
#
# STATE_DIR receives: bus.conf, system_bus_socket, bus.address, dbus.pid, fake.pid, dbus.log,
# fake.log, trace.log.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cmd=${1:?usage: run-fake.sh start|stop STATE_DIR [options]}
state=${2:?usage: run-fake.sh start|stop STATE_DIR [options]}
shift 2

stop_pid() {
    local file=$1
    [ -f "$file" ] || return 0
    local pid
    pid=$(cat "$file")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    fi
    rm -f "$file"
}

case "$cmd" in
stop)
    stop_pid "$state/fake.pid"
    stop_pid "$state/dbus.pid"
    rm -f "$state/system_bus_socket"
    exit 0
    ;;
start)
    ;;
*)
    echo "usage: run-fake.sh start|stop STATE_DIR [options]" >&2
    exit 2
    ;;
esac

mkdir -p "$state"
state=$(cd "$state" && pwd)
# A leftover instance from an interrupted run would own the socket: stop it first.
stop_pid "$state/fake.pid"
stop_pid "$state/dbus.pid"
rm -f "$state/system_bus_socket" "$state/ready"

socket="$state/system_bus_socket"
cat > "$state/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow receive_sender="*"/>
    <allow eavesdrop="true"/>
  </policy>
</busconfig>
CONF

# dbus-daemon warns "Failed to set fd limit" without CAP_SYS_RESOURCE: harmless, kept in the log.
dbus-daemon --config-file="$state/bus.conf" --nofork --nopidfile >"$state/dbus.log" 2>&1 &
echo $! > "$state/dbus.pid"
for _ in $(seq 1 100); do
    [ -S "$socket" ] && break
    sleep 0.1
done
if [ ! -S "$socket" ]; then
    echo "run-fake.sh: dbus-daemon did not create $socket" >&2
    cat "$state/dbus.log" >&2
    "$0" stop "$state"
    exit 1
fi
address="unix:path=$socket"
echo "$address" > "$state/bus.address"

DBUS_SYSTEM_BUS_ADDRESS=$address "$here/fake_bluetoothd.py" --ready-file "$state/ready" \
    --trace "$state/trace.log" "$@" >"$state/fake.log" 2>&1 &
echo $! > "$state/fake.pid"
for _ in $(seq 1 100); do
    [ -s "$state/ready" ] && break
    kill -0 "$(cat "$state/fake.pid")" 2>/dev/null || break
    sleep 0.1
done
if [ ! -s "$state/ready" ]; then
    echo "run-fake.sh: the fake bluetoothd did not take org.bluez" >&2
    cat "$state/fake.log" >&2
    "$0" stop "$state"
    exit 1
fi
echo "run-fake.sh: org.bluez on $address (dbus pid $(cat "$state/dbus.pid"), fake pid $(cat "$state/fake.pid"))"
