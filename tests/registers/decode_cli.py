#!/usr/bin/env python3
"""Runs the built `blupow-cli decode` on real frames (tests/data/frames.json ids) and on bad
input, checking the output, the exit code and that every error is one line on stderr."""
import json
import subprocess
import sys

cli = sys.argv[1]
failures = []


def run(*args):
    p = subprocess.run([cli, "decode", *args], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def check(name, condition, detail=""):
    if not condition:
        failures.append(f"{name}: {detail}")
    print(f"{'ok  ' if condition else 'FAIL'} {name}")


def decoded(name, args, expect):
    rc, out, err = run(*args, "--json")
    check(f"{name}: exit 0", rc == 0, f"rc={rc} stderr={err!r}")
    if rc != 0:
        return []
    values = json.loads(out)
    by_key = {v["key"]: v for v in values}
    for key, want in expect.items():
        got = by_key.get(key)
        if want is None:
            check(f"{name}: no {key}", got is None, repr(got))
            continue
        check(f"{name}: {key}", got is not None and got["value"] == want, repr(got))
    for v in values:
        check(f"{name}: {v['key']} has the contract keys",
              {"key", "label", "register", "raw", "value", "unit", "quality"} <= v.keys()
              or {"key", "label", "offset", "raw", "value", "unit", "quality"} <= v.keys(), repr(v))
    return values


def rejected(name, args, code, words):
    rc, out, err = run(*args)
    lines = err.strip().splitlines()
    check(f"{name}: exit {code}", rc == code, f"rc={rc}")
    check(f"{name}: one line on stderr", len(lines) == 1, repr(err))
    check(f"{name}: names the problem", all(w in err for w in words), repr(err))
    check(f"{name}: nothing on stdout", out == "", repr(out))


values = decoded("riv4835 4327x7", ["--family", "inverter", "--start", "4327",
                                    "20030e003cfe1102690069028a000209e7e8e0"],
                 {"charging_current": -49.5, "pv_voltage": 61.7, "charging_state": "constant_voltage"})
cc = [v for v in values if v["key"] == "charging_current"]
check("riv4835: register and raw words", cc and cc[0]["register"] == 4328 and cc[0]["raw"] == [0xFE11]
      and cc[0]["unit"] == "A" and cc[0]["quality"] == "good", repr(cc))
decoded("rover model, 0x start", ["--family", "controller", "--start", "0x000C",
                                  "ff03102020524e472d4354524c2d52565234303724"], {"model": "RNG-CTRL-RVR40"})
decoded("dcc 7 registers: no PV from the CRC", ["--family", "dcc", "--start", "256",
                                                "ff030e0064008500001010007a000000003168"],
        {"battery_voltage": 13.3, "alternator_voltage": 12.2, "pv_voltage": None, "pv_power": None})
decoded("legacy battery default variant", ["--family", "battery", "--start", "5000",
        "30032200040020002100210020000000000000000000000000000000000000000000000000150c"],
        {"cell_1_voltage": 3.2, "cell_2_voltage": 3.3})
decoded("rngpro variant", ["--family", "battery", "--variant", "rngpro", "--start", "5042",
                           "ff030eff370085000746ee0007a1200018f9db"], {"current": -2.01, "battery_soc": 95.4})
decoded("controller fault bits", ["--family", "controller", "--start", "289", "01 03 04 01 01 00 00 aa 0f"],
        {"faults": ["B16 battery over-discharge", "B24 PV input short circuit"]})
decoded("shunt payload", ["--family", "shunt",
        "4257011901001630a0240806a1230836a202137fa4ffddf1a60033e5a6100000a70003c5a7100000a80bc6b0a9000001aa04e800f8010000"],
        {"battery_voltage": 13.285, "current": -8.719, "battery_soc": 96.5})

rc, out, err = run("--family", "inverter", "--start", "4327", "20030e003cfe1102690069028a000209e7e8e0")
check("table: readable by default", rc == 0 and "charging_current" in out and "-49.5 A" in out, out)
# An implausible value (65535 % state of charge) is shown, marked invalid, never good.
rc, out, err = run("--family", "inverter", "--start", "4327", "200302ffff05f3")
check("table: implausible shown as invalid", rc == 0 and "65535 %" in out and "invalid" in out
      and "implausible" in out, out)
values = decoded("implausible soc", ["--family", "inverter", "--start", "4327", "200302ffff05f3"], {})
soc = [v for v in values if v["key"] == "battery_soc"]
check("implausible soc: quality invalid", soc and soc[0]["quality"] == "invalid", repr(soc))
rc, out, err = run("--help")
check("--help", rc == 0 and "--family" in out and "--start" in out, out)

rejected("odd-length hex", ["--family", "inverter", "--start", "4000", "20031"], 3, ["odd"])
rejected("non-hex text", ["--family", "inverter", "--start", "4000", "2003zz"], 3, ["hex", "z"])
rejected("bad CRC", ["--family", "inverter", "--start", "4327", "20030e003cfe1102690069028a000209e7e8e1"], 3, ["CRC"])
rejected("trailing byte", ["--family", "inverter", "--start", "4327", "20030e003cfe1102690069028a000209e7e8e000"], 3,
         ["byte count"])
rejected("byte count promises more", ["--family", "inverter", "--start", "4327", "200310003cfe1102690069028a000209e7e8e0"],
         3, ["byte count 16"])
rejected("unknown family", ["--family", "fridge", "--start", "1", "0103020064b9af"], 2, ["fridge"])
rejected("unknown variant", ["--family", "battery", "--variant", "nimh", "--start", "1", "0103020064b9af"], 2, ["nimh"])
rejected("missing --start", ["--family", "controller", "0103020064b9af"], 2, ["--start"])
rejected("exception frame", ["--family", "inverter", "--start", "4000", "ff8305e0c3"], 1,
         ["exception 0x05", "CRC of the request is wrong"])
rejected("not a shunt live frame", ["--family", "shunt", "4257010b0000"], 3, ["42 57 01 0b"])

if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(1)
