#!/usr/bin/env python3
"""`blupow-cli history` and `--history FILE` end to end against the simulator: a monitor run
records, `history list` and `history export` read it back, bad input is refused with exit 2 or
3, a file that cannot be written exits 1, and (with `kill`) a monitor killed with SIGKILL at
random moments never leaves a corrupt file or loses samples already committed."""

import csv
import io
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

FAILURE, USAGE, BAD_INPUT = 1, 2, 3
CLI = sys.argv[1]


def run(args, check=None, timeout=120):
    p = subprocess.run([CLI] + args, capture_output=True, text=True, timeout=timeout)
    if check is not None and p.returncode != check:
        sys.exit(f"FAIL {args}: exit {p.returncode}, expected {check}\n{p.stdout}\n{p.stderr}")
    return p


def monitor(path, extra=()):
    return ["monitor", "--simulate=controller", "--interval", "0.2", "--history", path,
            "--timeout", "60", *extra]


def counts(path):
    db = sqlite3.connect(path, timeout=30)
    try:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        raw = db.execute("SELECT count(*) FROM raw").fetchone()[0]
        return integrity, raw
    finally:
        db.close()


def functional(tmp):
    path = os.path.join(tmp, "h.sqlite")
    run(monitor(path, ["--count", "20"]), check=0)
    integrity, raw = counts(path)
    assert integrity == "ok", integrity
    assert raw > 0, "monitor --history recorded nothing"

    listing = json.loads(run(["history", "list", "--history", path, "--json"], check=0).stdout)
    fields = {s["field"] for s in listing["series"]}
    assert {"battery_voltage", "pv_power"} <= fields, fields
    assert all(s["device"] == "sim_controller" for s in listing["series"])
    # Only numbers are history: an enum such as the charging state is not a series.
    assert "charging_state" not in fields, fields
    assert "sim_controller" in run(["history", "list", "--history", path], check=0).stdout

    out = os.path.join(tmp, "out.csv")
    run(["history", "export", "--history", path, "--from", "-1h", "--to", "now", "--fields",
         "battery_voltage,sim_controller/pv_power", "--csv", "--utc", "--out", out], check=0)
    rows = list(csv.reader(open(out)))
    assert rows[0] == ["time", "sim_controller/battery_voltage (V)",
                       "sim_controller/pv_power (W)"], rows[0]
    assert len(rows) >= 3, rows
    assert all(r[0].endswith("Z") for r in rows[1:]), rows[1]
    assert all(10 < float(r[1]) < 20 for r in rows[1:] if r[1]), rows
    stdout = run(["history", "export", "--history", path, "--fields", "battery_voltage",
                  "--resolution", "minute"], check=0).stdout
    header = next(csv.reader(io.StringIO(stdout)))
    assert header[1:] == ["sim_controller/battery_voltage mean (V)",
                          "sim_controller/battery_voltage min (V)",
                          "sim_controller/battery_voltage max (V)"], header
    # A range before any sample: the header only, not an error.
    empty = run(["history", "export", "--history", path, "--from", "2001-01-01", "--to",
                 "2001-01-02"], check=0).stdout
    assert empty.count("\n") == 1, empty

    text = os.path.join(tmp, "text.sqlite")
    with open(text, "w") as f:
        f.write("not a database\n")
    other = os.path.join(tmp, "other.sqlite")
    sqlite3.connect(other).execute("CREATE TABLE t(x)").connection.commit()
    future = os.path.join(tmp, "future.sqlite")
    with open(path, "rb") as src, open(future, "wb") as dst:
        dst.write(src.read())
    db = sqlite3.connect(future)
    db.execute("PRAGMA user_version=99")
    db.commit()
    db.close()
    bad = [
        (["history", "export", "--history", path, "--from", "-nanh"], USAGE, "--from wants"),
        (["history", "export", "--history", path, "--to", "tomorrow"], USAGE, "--to wants"),
        (["history", "export", "--history", path, "--from", "now", "--to", "-1h"], USAGE,
         "--to is before --from"),
        (["history", "export", "--history", path, "--fields", "no_such_field"], USAGE,
         "no field 'no_such_field'"),
        (["history", "export", "--history", path, "--fields", "a,,b"], USAGE, "empty key"),
        (["history", "export", "--history", path, "--resolution", "hourly"], USAGE,
         "--resolution wants"),
        (["history", "export"], USAGE, "--history FILE is required"),
        (["history", "frobnicate", "--history", path], USAGE, "list, events or export"),
        (["history", "list", "--history", os.path.join(tmp, "missing.sqlite")], USAGE,
         "no history file"),
        (["history", "list", "--history", text], BAD_INPUT, "not SQLite"),
        (["history", "list", "--history", other], BAD_INPUT, "not a BluPow history"),
        (["history", "list", "--history", future], BAD_INPUT, "newer BluPow"),
        (monitor(text, ["--count", "1"]), BAD_INPUT, "not SQLite"),
        (monitor(future, ["--count", "1"]), BAD_INPUT, "newer BluPow"),
        (monitor("/proc/blupow/h.sqlite", ["--count", "1"]), FAILURE, "cannot"),
        (["history", "export", "--history", path, "--out", "/proc/blupow/out.csv"], FAILURE,
         "cannot write"),
    ]
    for args, code, message in bad:
        p = run(args, check=code)
        assert message in p.stderr, f"{args}: {p.stderr!r} lacks {message!r}"
    # Refused files are left as they were.
    assert open(text).read() == "not a database\n"
    if os.path.exists("/dev/full"):
        p = subprocess.run([CLI, "history", "export", "--history", path],
                           stdout=open("/dev/full", "w"), stderr=subprocess.PIPE, text=True)
        assert p.returncode == FAILURE, p.returncode


def kill_loop(tmp, rounds=15):
    path = os.path.join(tmp, "killed.sqlite")
    previous = 0
    rng = random.Random(int(os.environ.get("BLUPOW_KILL_SEED", "0")) or None)
    for i in range(rounds):
        p = subprocess.Popen([CLI] + monitor(path, ["--sim-speed", "50"]),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # Wait for the file, then kill at a random moment: during a batch, between, at start.
        deadline = time.monotonic() + 60
        while not os.path.exists(path) and time.monotonic() < deadline and p.poll() is None:
            time.sleep(0.05)
        time.sleep(rng.uniform(0.2, 7.0))
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=60)
        assert p.returncode == -signal.SIGKILL, (p.returncode, p.stderr.read())
        integrity, raw = counts(path)
        assert integrity == "ok", f"round {i}: integrity_check says {integrity}"
        # Committed samples survive every later kill; at most the pending batch is lost.
        assert raw >= previous, f"round {i}: {raw} samples after {previous}"
        previous = raw
    # The file is still usable: a clean run adds to it and the CLI reads it.
    run(monitor(path, ["--count", "10"]), check=0)
    integrity, raw = counts(path)
    assert integrity == "ok" and raw > previous, (integrity, raw, previous)
    run(["history", "list", "--history", path], check=0)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        if "kill" in sys.argv[2:]:
            kill_loop(tmp)
        else:
            functional(tmp)
    print("ok")


if __name__ == "__main__":
    main()
