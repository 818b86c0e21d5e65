#!/usr/bin/env python3
"""End-to-end check of `blupow-cli write/backup/restore/diff` against the simulator.

Each CLI run has its own in-process simulated device, so a restore is checked by what it wrote
(the JSON report) and a diff against the live simulator by its rows.
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

CLI = sys.argv[1]
failures = []


def run(*args, stdin=subprocess.DEVNULL):
    p = subprocess.run([CLI, *args], stdin=stdin, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def check(name, condition, detail=""):
    if not condition:
        failures.append(f"{name}: {detail}")
        print(f"FAIL {name}: {detail}")
    else:
        print(f"ok   {name}")


def one_line_error(stderr):
    lines = [l for l in stderr.splitlines() if l.startswith("blupow-cli ")]
    return len(lines) == 1


sim = "--simulate=controller"

rc, out, err = run("write", sim, "--key", "float_voltage", "--value", "13.9", "--yes", "--json")
doc = json.loads(out) if rc == 0 else {}
check("write verified", rc == 0 and doc.get("ok") and doc["changes"][0]["status"] == "verified"
      and doc["changes"][0]["new_raw"] == [139], f"rc={rc} {out} {err}")

rc, out, err = run("write", sim, "--register", "0xE004", "--value", "gel", "--yes")
check("write enum by register", rc == 0 and "verified" in out, f"rc={rc} {out} {err}")

rc, out, err = run("write", sim, "--key", "float_voltage", "--value", "19", "--yes")
check("out of range refused", rc == 3 and "refused, nothing sent" in err and "frame" not in out
      and one_line_error(err), f"rc={rc} {out} {err}")

# Inside its own range but above the boost voltage the device holds (14.4 V): the device's
# set-points are read, and the write is refused before any write frame; the recording of the
# whole session proves it.
with tempfile.TemporaryDirectory() as tmp:
    rec = str(Path(tmp) / "refused.btsnoop")
    rc, out, err = run("write", sim, "--key", "float_voltage", "--value", "15.5", "--yes",
                       "--record", rec)
    check("set-point order refused", rc == 3 and "refused, nothing written" in err
          and "Boost voltage 14.4 V (now on the device)" in err and one_line_error(err),
          f"rc={rc} {out} {err}")
    rc, out, err = run("import", "--json", rec)
    functions = [e["function"] for e in json.loads(out)["exchanges"]] if rc == 0 else []
    check("set-point order: no write frame sent", rc == 0 and functions
          and all(f == 3 for f in functions), f"rc={rc} {functions} {err}")

rc, out, err = run("write", sim, "--register", "0x0101", "--value", "12", "--yes")
check("read-only refused", rc == 3 and "read-only" in err, f"rc={rc} {err}")

rc, out, err = run("write", "--simulate=inverter", "--register", "4418", "--value", "170", "--yes")
check("destructive register refused", rc == 3 and "never written" in err, f"rc={rc} {err}")

rc, out, err = run("write", sim, "--key", "float_voltage", "--value", "14.0")
check("no --yes and no terminal: preview, nothing written",
      rc == 2 and "frame: 01 06 e0 09 00 8c" in out and "not a terminal" in err
      and "verified" not in out, f"rc={rc} {out} {err}")

rc, out, err = run("write", sim, "--load", "off", "--yes", "--json")
doc = json.loads(out) if rc == 0 else {}
check("load off", rc == 0 and doc.get("ok") and doc["changes"][0]["register"] == 0x010A,
      f"rc={rc} {out} {err}")

rc, out, err = run("write", sim, "--key", "float_voltage")
check("missing value is a usage error", rc == 2 and one_line_error(err), f"rc={rc} {err}")

with tempfile.TemporaryDirectory() as tmp:
    a = Path(tmp) / "a.json"
    b = Path(tmp) / "b.json"
    rc, out, err = run("backup", sim, "--out", str(a))
    check("backup", rc == 0 and a.exists(), f"rc={rc} {out} {err}")
    snap = json.loads(a.read_text())
    keys = {f["key"]: f for f in snap["fields"]}
    check("backup content", snap["format"] == "blupow-snapshot" and snap["family"] == "controller"
          and snap["model"] and "float_voltage" in keys and keys["float_voltage"]["writable"]
          and isinstance(keys["float_voltage"]["raw"], list) and "battery_voltage" not in keys,
          json.dumps(snap)[:300])

    rc, out, err = run("diff", str(a), str(a), "--json")
    check("diff identical", rc == 0 and json.loads(out)["differences"] == 0, f"{out} {err}")

    # A backup whose words were edited but not its text: shown by its text, it would say
    # "13.6 V -> 13.6 V" and then write 13.9 V. Refused, naming the field.
    for f in snap["fields"]:
        if f["key"] == "float_voltage":
            f["raw"] = [139]
    b.write_text(json.dumps(snap))
    rc, out, err = run("diff", str(a), str(b))
    check("words and text disagree", rc == 3 and "float_voltage" in err
          and "does not match its raw words" in err, f"rc={rc} {err}")

    # Edited properly: the words only (what a restore writes); text and value follow from them.
    for f in snap["fields"]:
        if f["key"] == "float_voltage":
            f["raw"] = [139]
        elif f["key"] == "boost_time":
            f["raw"] = [150]
        elif f["key"] == "serial_number":
            f["raw"] = [0x1234] * len(f["raw"])
        if f["key"] in ("float_voltage", "boost_time", "serial_number"):
            f.pop("text", None)
            f.pop("value", None)
    b.write_text(json.dumps(snap))

    rc, out, err = run("diff", str(a), str(b), "--json")
    rows = json.loads(out)["rows"] if rc == 0 else []
    check("diff files", sorted(r["key"] for r in rows) ==
          ["boost_time", "float_voltage", "serial_number"], f"{out} {err}")

    rc, out, err = run("diff", str(b), sim, "--json")
    rows = json.loads(out)["rows"] if rc == 0 else []
    check("diff file vs live", len(rows) == 3 and all(r["kind"] == "changed" for r in rows),
          f"{out} {err}")

    rc, out, err = run("restore", str(b), sim, "--yes", "--json")
    doc = json.loads(out) if rc == 0 else {}
    changes = doc.get("changes", [])
    check("restore writes exactly the differing writable fields",
          rc == 0 and doc.get("ok") and sorted(c["key"] for c in changes) ==
          ["boost_time", "float_voltage"] and all(c["status"] == "verified" for c in changes),
          f"rc={rc} {out} {err}")

    # A backup edited to float above boost is refused as a whole, before anything is written.
    crossed = json.loads(a.read_text())
    for f in crossed["fields"]:
        if f["key"] == "float_voltage":
            f["raw"] = [150]
            f.pop("text", None)
            f.pop("value", None)
    c = Path(tmp) / "crossed.json"
    c.write_text(json.dumps(crossed))
    rc, out, err = run("restore", str(c), sim, "--yes", "--json")
    doc = json.loads(out) if out.strip() else {}
    check("restore out of order refused", rc == 3 and not doc.get("ok", True)
          and all(ch["status"] == "not attempted" for ch in doc.get("changes", []))
          and "must be at most" in err, f"rc={rc} {out} {err}")

    rc, out, err = run("restore", str(a), sim, "--yes")
    check("restore of an unchanged backup writes nothing", rc == 0 and "nothing to restore" in out,
          f"rc={rc} {out} {err}")

    rc, out, err = run("restore", str(b), sim)
    check("restore needs confirmation", rc == 2 and "not a terminal" in err and "verified" not in out,
          f"rc={rc} {out} {err}")

    rc, out, err = run("restore", str(b), "--simulate=inverter", "--yes")
    check("restore to another family refused", rc == 3 and one_line_error(err), f"rc={rc} {err}")

    bad = Path(tmp) / "bad.json"
    bad.write_text("{nope")
    rc, out, err = run("diff", str(bad), str(a))
    check("bad snapshot file", rc == 3 and "not JSON" in err, f"rc={rc} {err}")

sys.exit(1 if failures else 0)
