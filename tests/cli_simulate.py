#!/usr/bin/env python3
"""Runs `blupow-cli read --simulate=MODEL --json` and `monitor --simulate=MODEL --count 5 --json`
and validates the JSON they print. Exit 77 (CTest: skipped) when this build has no register map
for the model's family; any other problem is a failure with a one-line reason."""

import json
import pathlib
import subprocess
import sys


def expected_devices():
    """Family, model and slave of each simulated device, from the one list of scenarios: one
    tuple per device, several for a system (its members, each behind the one dongle)."""
    path = pathlib.Path(__file__).resolve().parents[1] / "resources" / "sim" / "scenarios.json"
    scenarios = {}
    out = {}
    for s in json.loads(path.read_text(encoding="utf-8"))["scenarios"]:
        if "members" in s:
            members = [dict(scenarios[m["extends"]], **m) for m in s["members"]]
            out[s["id"]] = [(m["family"], m["model"], m["slave"]) for m in members]
            continue
        merged = dict(scenarios.get(s.get("extends"), {}), **s)
        scenarios[s["id"]] = merged
        out[s["id"]] = [(merged["family"], merged["model"], merged["slave"])]
    return out


EXPECTED = expected_devices()
QUALITIES = {"good", "stale", "invalid"}
VALUE_KEYS = {"key", "label", "register", "raw", "value", "unit", "quality"}
SKIP = 77


def fail(why):
    print("FAIL: " + why)
    sys.exit(1)


def run(cli, args):
    p = subprocess.run([cli] + args, capture_output=True, text=True, timeout=60)
    if p.returncode == 4 and "register map" in p.stderr:
        print("SKIP: " + p.stderr.strip())
        sys.exit(SKIP)
    if p.returncode != 0:
        fail("%s exited %d: %s" % (" ".join(args), p.returncode, p.stderr.strip()))
    return p.stdout


def check_values(values, where):
    if not isinstance(values, list) or not values:
        fail(where + ": no values")
    keys = set()
    for v in values:
        missing = VALUE_KEYS - set(v)
        if missing:
            fail("%s: value %s lacks %s" % (where, v.get("key"), sorted(missing)))
        if v["quality"] not in QUALITIES:
            fail("%s: %s has quality %r" % (where, v["key"], v["quality"]))
        if not isinstance(v["raw"], list) or not all(isinstance(w, int) and 0 <= w <= 0xFFFF for w in v["raw"]):
            fail("%s: %s raw words %r" % (where, v["key"], v["raw"]))
        if v["quality"] == "good" and v["value"] is None:
            fail("%s: %s is good without a value" % (where, v["key"]))
        if v["key"] in keys:
            fail("%s: key %s twice" % (where, v["key"]))
        keys.add(v["key"])
    if not any(v["quality"] == "good" for v in values):
        fail(where + ": nothing good")
    return {v["key"]: v for v in values}


def check_reading(doc, expected, where):
    """One device's reading: device, family, model, slave_id, values, link."""
    family, device_model, slave = expected
    for key in ("device", "family", "model", "slave_id", "values", "link"):
        if key not in doc:
            fail("%s: no %r" % (where, key))
    if doc["family"] != family or doc["model"] != device_model or doc["slave_id"] != slave:
        fail("%s: %s %s at %s, expected %s %s at %s"
             % (where, doc["family"], doc["model"], doc["slave_id"], family, device_model, slave))
    values = check_values(doc["values"], where)
    if "model" in values and values["model"]["value"] != device_model:
        fail("%s: model value %r" % (where, values["model"]["value"]))
    return values


def main():
    cli, model = sys.argv[1], sys.argv[2]
    devices = EXPECTED[model]
    # No timeout may race a reply on a busy machine. The G6 model, silent for reads that start at
    # 0x0120, is identified as a G6 and read with 0x0100 x34: nothing of it times out either.
    common = ["--simulate=" + model, "--json", "--timeout", "60", "--request-timeout", "20000"]

    out = run(cli, ["read"] + common)
    lines = [l for l in out.splitlines() if l.strip()]
    if len(lines) != 1:
        fail("read printed %d lines, expected one JSON object" % len(lines))
    doc = json.loads(lines[0])
    if len(devices) == 1:
        values = check_reading(doc, devices[0], "read")
    else:
        # A system: one document listing every slave behind the dongle, each its own device.
        slaves = doc.get("slaves")
        if not isinstance(slaves, list) or len(slaves) != len(devices):
            fail("read: %r slaves, expected %d" % (slaves and len(slaves), len(devices)))
        ids = set()
        for reading, expected in zip(slaves, devices):
            values = check_reading(reading, expected, "read slave %s" % reading.get("slave_id"))
            ids.add(reading["device"]["id"])
        if len(ids) != len(devices):
            fail("read: device ids %r are not distinct" % sorted(ids))
        for key in ("dongle", "link", "timestamp"):
            if key not in doc:
                fail("read: no %r" % key)

    out = run(cli, ["monitor", "--interval", "0.2", "--count", "5"] + common)
    cycles = {}
    for line in out.splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        for key in ("timestamp", "cycle", "values", "link", "device"):
            if key not in d:
                fail("monitor: line without %r" % key)
        check_values(d["values"], "monitor cycle %s" % d["cycle"])
        if d["complete_cycle"]:
            cycles.setdefault(d["device"]["slave_id"], []).append(d["cycle"])
        link = d["link"]
        if not 0 <= link["success_rate"] <= 1 or link["requests"] < 1:
            fail("monitor: link statistics %r" % link)
    if sorted(cycles) != sorted(slave for _, _, slave in devices):
        fail("monitor: lines for slaves %r, expected %r"
             % (sorted(cycles), sorted(slave for _, _, slave in devices)))
    for slave, seen in cycles.items():
        if len(seen) != 5 or seen != sorted(seen):
            fail("monitor: slave %s cycles %r, expected five increasing" % (slave, seen))
    print("ok: %s, %d device(s), %d values, 5 monitor cycles"
          % (model, len(devices), len(values)))


if __name__ == "__main__":
    main()
