#!/bin/sh
# A real mosquitto for the MQTT tests, on free loopback ports, with everything generated at test
# time (nothing secret is committed):
#   broker.sh start DIR    new config, password file, CA + server certificate, start, wait ready
#   broker.sh relaunch DIR start again with the same config and ports (broker restart tests)
#   broker.sh stop DIR     kill the recorded PID (never by name)
# DIR then holds: port (anonymous), auth_port (user+password), tls_port (TLS, anonymous),
# wrong_host_port (TLS, a certificate from the same CA for another host name), user, password,
# ca.crt (the broker's CA), capath/ (the same CA as a hashed CA directory, like /etc/ssl/certs),
# other-ca.crt (an unrelated CA), pid, mosquitto.log.
set -eu
PATH="$PATH:/usr/sbin:/sbin"
cmd=$1
dir=$2

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_ready() {
    # Bounded: 10 s for all the listeners.
    python3 - "$dir" <<'PY'
import socket, sys, time
d = sys.argv[1]
ports = [int(open(f"{d}/{n}").read()) for n in ("port", "auth_port", "tls_port", "wrong_host_port")]
deadline = time.time() + 10
for p in ports:
    while True:
        try:
            socket.create_connection(("127.0.0.1", p), timeout=0.5).close()
            break
        except OSError:
            if time.time() > deadline:
                sys.exit(f"mosquitto did not listen on {p} within 10 s")
            time.sleep(0.05)
PY
}

launch() {
    rm -f "$dir/pid"
    mosquitto -c "$dir/mosquitto.conf" -d
    i=0
    while [ ! -s "$dir/pid" ]; do
        i=$((i + 1))
        [ $i -gt 100 ] && { echo "mosquitto wrote no pid file" >&2; cat "$dir/mosquitto.log" >&2; exit 1; }
        sleep 0.05
    done
    wait_ready
}

stop() {
    [ -s "$dir/pid" ] || return 0
    pid=$(cat "$dir/pid")
    kill "$pid" 2>/dev/null || true
    i=0
    while kill -0 "$pid" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 100 ] && { kill -9 "$pid" 2>/dev/null || true; break; }
        sleep 0.05
    done
    rm -f "$dir/pid"
}

case "$cmd" in
start)
    [ -d "$dir" ] && stop
    rm -rf "$dir"
    mkdir -p "$dir"
    cd "$dir"
    free_port >port
    free_port >auth_port
    free_port >tls_port
    free_port >wrong_host_port
    echo blupow >user
    echo "s3cret-Pa55-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')" >password
    mosquitto_passwd -b -c passwd "$(cat user)" "$(cat password)" 2>/dev/null
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj /CN=blupow-test-ca -keyout ca.key -out ca.crt 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -subj /CN=localhost -keyout server.key -out server.csr 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >san.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
        -extfile san.ext -out server.crt 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -subj /CN=elsewhere.invalid -keyout wrong-host.key -out wrong-host.csr 2>/dev/null
    printf 'subjectAltName=DNS:elsewhere.invalid\n' >wrong-host.ext
    openssl x509 -req -in wrong-host.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
        -extfile wrong-host.ext -out wrong-host.crt 2>/dev/null
    mkdir capath
    cp ca.crt capath/
    openssl rehash capath 2>/dev/null
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj /CN=unrelated-ca -keyout other-ca.key -out other-ca.crt 2>/dev/null
    chmod 600 passwd
    cat >mosquitto.conf <<CONF
per_listener_settings true
persistence false
pid_file $dir/pid
log_dest file $dir/mosquitto.log
log_type error
log_type warning
log_type notice
user $(id -un)

listener $(cat port) 127.0.0.1
allow_anonymous true

listener $(cat auth_port) 127.0.0.1
allow_anonymous false
password_file $dir/passwd

listener $(cat tls_port) 127.0.0.1
allow_anonymous true
cafile $dir/ca.crt
certfile $dir/server.crt
keyfile $dir/server.key

listener $(cat wrong_host_port) 127.0.0.1
allow_anonymous true
cafile $dir/ca.crt
certfile $dir/wrong-host.crt
keyfile $dir/wrong-host.key
CONF
    launch
    echo "mosquitto $(cat pid) on ports $(cat port) $(cat auth_port) $(cat tls_port)" \
        "$(cat wrong_host_port) in $dir"
    ;;
relaunch)
    launch
    ;;
stop)
    stop
    ;;
*)
    echo "usage: $0 start|relaunch|stop DIR" >&2
    exit 2
    ;;
esac
