#!/usr/bin/env python3
"""`blupow-cli logs` end to end against the simulator (docs/logs.md): the JSON holds every log of
the device with the values resources/sim/scenarios.json gives its rows, the text tables name the
rows and units and hide empty fault slots, and what cannot be read is a clear error with its exit
code. Any problem is a failure with a one-line reason."""

import datetime
import json
import pathlib
import subprocess
import sys

SCENARIOS = {s["id"]: s for s in json.loads(
    (pathlib.Path(__file__).resolve().parents[1] / "resources" / "sim" / "scenarios.json")
    .read_text(encoding="utf-8"))["scenarios"]}
COMMON = ["--json", "--timeout", "60", "--request-timeout", "20000"]


def fail(why):
    print("FAIL: " + why)
    sys.exit(1)


def run(cli, args, expect=0):
    p = subprocess.run([cli, "logs"] + args, capture_output=True, text=True, timeout=90)
    if p.returncode != expect:
        fail("logs %s exited %d, expected %d: %s"
             % (" ".join(args), p.returncode, expect, p.stderr.strip()))
    return p


def cell(row, key):
    for v in row["values"]:
        if v["key"] == key:
            return v
    fail("row %s has no column %s" % (row["label"], key))


def check_json(cli, model, logs):
    doc = json.loads(run(cli, ["--simulate=" + model] + COMMON).stdout)
    if [l["key"] for l in doc["logs"]] != logs:
        fail("%s: logs %s, expected %s" % (model, [l["key"] for l in doc["logs"]], logs))
    truth = SCENARIOS[model].get("logs", {})
    checked = 0
    for log in doc["logs"]:
        if log["skipped"]:
            fail("%s %s: requests not answered: %s" % (model, log["key"], log["skipped"]))
        for row in log["rows"]:
            for column, values in truth.get(log["key"], {}).items():
                if row["row"] >= len(values):
                    continue
                v = cell(row, column)
                if v["quality"] != "good":
                    fail("%s %s row %d %s: %s" % (model, log["key"], row["row"], column, v))
                want = values[row["row"]]
                got = v["value"]
                same = (abs(got - want) < 1e-9 if isinstance(want, (int, float))
                        else str(got).upper() == str(want).upper())
                if not same:
                    fail("%s %s row %d %s: %r, the scenario says %r"
                         % (model, log["key"], row["row"], column, got, want))
                checked += 1
        if log["key"] in ("daily_history", "energy_last_7_days"):
            read_at = datetime.date.fromisoformat(log["read_at"][:10])
            first = log["rows"][0]
            if first["date"] != (read_at - datetime.timedelta(days=first["number"])).isoformat():
                fail("%s %s: row 0 date %s" % (model, log["key"], first["date"]))
    if checked == 0:
        fail("%s: no value compared" % model)
    return doc


def main():
    cli = sys.argv[1]
    check_json(cli, "controller", ["daily_history", "load_timer"])
    doc = check_json(cli, "inverter", ["energy_last_7_days", "fault_history"])
    faults = doc["logs"][1]["rows"]
    if [r["empty"] for r in faults].count(False) != 3:
        fail("inverter: %d fault records in use, the scenario has 3"
             % [r["empty"] for r in faults].count(False))

    text = run(cli, ["--simulate=inverter", "--log", "fault_history", "--timeout", "60",
                     "--request-timeout", "20000"]).stdout
    for expected in ("Fault history", "Record 3", "inverter_overload",
                     "(13 empty records not shown)"):
        if expected not in text:
            fail("text output lacks %r:\n%s" % (expected, text))
    text = run(cli, ["--simulate=controller", "--log", "daily_history", "--timeout", "60",
                     "--request-timeout", "20000"]).stdout
    for expected in ("Daily history", "Today", "Yesterday", "6 days ago", "Generation (Wh)",
                     "1512"):
        if expected not in text:
            fail("text output lacks %r:\n%s" % (expected, text))

    p = run(cli, ["--simulate=battery", "--timeout", "60"], expect=1)
    if "keeps no log that BluPow can read" not in p.stderr:
        fail("battery: %s" % p.stderr.strip())
    p = run(cli, ["--simulate=controller", "--log", "fault_history", "--timeout", "60"], expect=2)
    if "has no log 'fault_history' (it has: daily_history, load_timer)" not in p.stderr:
        fail("unknown log: %s" % p.stderr.strip())
    print("ok")


if __name__ == "__main__":
    main()
