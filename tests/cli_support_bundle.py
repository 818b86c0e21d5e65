#!/usr/bin/env python3
"""End-to-end check of `blupow-cli support-bundle` against the simulator (docs/support.md): one
zip that python's zipfile reads and tests, with the expected entries, and neither the MQTT
password nor a foreign Bluetooth address in the bytes of any entry."""
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

CLI = sys.argv[1]
PASSWORD = "hunter2-Zq9"
FILE_PASSWORD = "pw-from-file-77"
FOREIGN = ["11:22:33:44:55:66", "aa-bb-cc-dd-ee-ff", "0A:0B:0C:0D:0E:0F"]
failures = []


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + ("" if condition else f": {detail}"))
    if not condition:
        failures.append(name)


with tempfile.TemporaryDirectory() as tmp:
    tmp = Path(tmp)
    config = tmp / "bridge.ini"
    config.write_text(f"# broker password {PASSWORD} and {FILE_PASSWORD}\n"
                      f"# other devices nearby: {' '.join(FOREIGN)} {FOREIGN[0].lower()}\n"
                      "[mqtt]\nhost=localhost\n", encoding="utf-8")
    password_file = tmp / "password"
    password_file.write_text(FILE_PASSWORD + "\n", encoding="utf-8")
    password_file.chmod(0o600)
    out = tmp / "bundle.zip"
    env = dict(os.environ, BLUPOW_MQTT_PASSWORD=PASSWORD)
    p = subprocess.run([CLI, "support-bundle", "--simulate=battery-alarms", "--out", str(out),
                        "--config", str(config), "--password-file", str(password_file), "--json"],
                       capture_output=True, text=True, timeout=120, env=env,
                       stdin=subprocess.DEVNULL)
    check("exit 0", p.returncode == 0, p.stderr)
    report = json.loads(p.stdout or "{}")
    check("says where it wrote", report.get("file") == str(out.resolve()), p.stdout)
    check("zip exists", out.is_file())
    if out.is_file():
        with zipfile.ZipFile(out) as z:
            check("zip tests clean", z.testzip() is None)
            names = z.namelist()
            check("entries listed", names == report.get("entries"), f"{names} vs {report}")
            for wanted in ["alarms.json", "versions.json", "log.txt", "settings.txt",
                           "history/README.txt"]:
                check(f"has {wanted}", wanted in names, names)
            device = [n for n in names if n.startswith("devices/")]
            for suffix in ["recent.btsnoop", "settings-snapshot.json", "link-statistics.json"]:
                check(f"has device {suffix}", any(n.endswith(suffix) for n in device), device)
            snoop = next((n for n in device if n.endswith(".btsnoop")), None)
            if snoop:
                check("btsnoop header", z.read(snoop).startswith(b"btsnoop\0"))
            for name in names:
                data = z.read(name)
                for secret in [PASSWORD, FILE_PASSWORD]:
                    check(f"{name}: no password", secret.encode() not in data)
                for address in FOREIGN:
                    for form in {address, address.lower(), address.upper(),
                                 address.replace("-", ":"), address.replace(":", "-")}:
                        check(f"{name}: no {form}", form.encode() not in data)
            settings = z.read("settings.txt").decode()
            check("settings keep the rest", "host=localhost" in settings, settings)
            check("password marked", "[redacted]" in settings, settings)
            versions = json.loads(z.read("versions.json"))
            check("versions", "blupow" in versions and "qt_runtime" in versions, versions)
    # The whole file too: stored entries, so this covers names and headers as well.
    if out.is_file():
        raw = out.read_bytes()
        check("file: no password", PASSWORD.encode() not in raw)

# The history file of a monitor run (alarms included) goes into the bundle: the device's last
# hours as CSV, under the same device id; its alarms are events of the history file.
with tempfile.TemporaryDirectory() as tmp:
    tmp = Path(tmp)
    history = tmp / "h.sqlite"
    # 10x: the scenario raises its alarms from 10 s to 60 s of every 120 simulated seconds, so
    # 16 cycles at 0.5 s (8 s or more of wall time, 80 simulated seconds) see them raised.
    p = subprocess.run([CLI, "monitor", "--simulate=battery-alarms", "--sim-speed", "10",
                        "--interval", "0.5", "--count", "16", "--history", str(history)],
                       capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    check("monitor --history exit 0", p.returncode == 0, p.stderr)
    p = subprocess.run([CLI, "history", "events", "--history", str(history), "--from", "-1h",
                        "--json"], capture_output=True, text=True, timeout=120)
    check("history events exit 0", p.returncode == 0, p.stderr)
    events = json.loads(p.stdout or "{}").get("events", [])
    raised = [e for e in events if e.get("kind") == "alarm" and e.get("text", "").startswith(
        "raised: ")]
    check("alarm raised is a history event", len(raised) >= 1, p.stdout)
    check("link event too", any(e.get("kind") == "link" for e in events), p.stdout)
    out = tmp / "bundle.zip"
    p = subprocess.run([CLI, "support-bundle", "--simulate=battery-alarms", "--out", str(out),
                        "--history", str(history), "--json"],
                       capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    check("bundle with --history exit 0", p.returncode == 0, p.stderr)
    if out.is_file():
        with zipfile.ZipFile(out) as z:
            names = z.namelist()
            csv = [n for n in names if n.startswith("devices/") and n.endswith("/history.csv")]
            check("device history.csv", len(csv) == 1, names)
            check("no history README", "history/README.txt" not in names, names)
            if csv:
                lines = z.read(csv[0]).decode().splitlines()
                check("history rows", len(lines) >= 2 and lines[0].startswith("time,"),
                      lines[:3])
                check("history of the device's voltage",
                      any("/battery_voltage" in c for c in lines[0].split(",")), lines[:1])
    p = subprocess.run([CLI, "support-bundle", "--simulate=battery-alarms", "--out",
                        str(tmp / "x.zip"), "--history", str(tmp / "none.sqlite")],
                       capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    check("missing history file is a usage error", p.returncode == 2, p.stderr)

print("FAILED" if failures else "all passed")
sys.exit(1 if failures else 0)
