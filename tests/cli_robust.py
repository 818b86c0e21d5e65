#!/usr/bin/env python3
"""What a careless or hostile user types, and what blupow-cli must answer: each case is a command
line (and files it reads), the exit code, and a part of the one-line error. None of these may
start polling, publishing or waiting, so each ends within seconds."""

import os
import struct
import subprocess
import sys
import tempfile

FAILURE, USAGE, BAD_INPUT = 1, 2, 3


def cases(tmp):
    def conf(name, text):
        path = os.path.join(tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    sim = ["--simulate"]
    bridge = ["bridge", "--mqtt-port", "1"]  # never reached: every case fails before connecting
    return [
        # NaN passes `x < lo || x > hi`; infinities pass a forgotten bound.
        (["monitor", "--interval", "nan"] + sim, USAGE, "--interval wants seconds"),
        (["monitor", "--interval", "inf"] + sim, USAGE, "--interval wants seconds"),
        (["read", "--sim-speed", "nan"] + sim, USAGE, "--sim-speed wants a number"),
        (["read", "--sim-speed", "inf"] + sim, USAGE, "--sim-speed wants a number"),
        (["read", "--replay", "x.btsnoop", "--replay-speed", "nan"], USAGE,
         "--replay-speed wants a number"),
        (["read", "--timeout", "nan"] + sim, USAGE, "--timeout wants seconds"),
        (["read", "--request-timeout", "nan"] + sim, USAGE, "--request-timeout wants"),
        (bridge + ["--interval", "nan"] + sim, USAGE, "--interval wants seconds"),
        (bridge + ["--interval", "-inf"] + sim, USAGE, "--interval wants seconds"),
        (["bridge", "--mqtt-port", "nan"] + sim, USAGE, "--mqtt-port wants 1-65535"),
        (["bridge", "--config", conf("nan.conf", "[bridge]\ninterval=nan\n")] + sim, USAGE,
         "[bridge] interval (line 2) wants seconds"),
        # A file that cannot be written is a failure, never a lost recording and exit 0.
        (["read", "--record", "/dev/full"] + sim, FAILURE, "cannot write the recording /dev/full"),
        (["monitor", "--count", "2", "--record", "/dev/full"] + sim, FAILURE,
         "cannot write the recording /dev/full"),
        # Config and topic checks.
        (["bridge", "--config", conf("pw.conf", "[mqtt]\npassword=hunter2\n")] + sim, USAGE,
         "[mqtt] password (line 2): the password is never read"),
        (["bridge", "--config", conf("typo.conf", "[mqtt]\nhots=broker\n")] + sim, USAGE,
         "[mqtt] hots (line 2): unknown key"),
        (["bridge", "--config", conf("model.conf", "[device-x]\nsimulate=toaster\n")], USAGE,
         "unknown simulator model 'toaster'"),
        (["bridge", "--config", conf("twice.conf", "[device-a]\nsimulate=battery\n"
                                     "[device-b]\nsimulate=battery\n")], USAGE,
         "both select simulator model battery"),
        (["bridge", "--discovery-prefix", "home+assistant"] + sim, USAGE, "MQTT wildcard"),
        (["bridge", "--base-topic", "a/#"] + sim, USAGE, "MQTT wildcard"),
        (["bridge", "--config", os.path.join(tmp, "missing.conf")] + sim, BAD_INPUT,
         "cannot read the config file"),
        (bridge + ["--mqtt-user", "u", "--mqtt-password-file", "/dev/zero"] + sim, BAD_INPUT,
         "larger than 4096 bytes"),
    ]


def corrupt_recording(cli, tmp):
    """A recording of a simulated read whose fourth record has a length field running past the
    end of the file: `import` once stopped there with exit 0 and lost everything after it."""
    path = os.path.join(tmp, "corrupt.btsnoop")
    subprocess.run([cli, "read", "--simulate", "--record", path], capture_output=True, timeout=60,
                   check=True)
    data = bytearray(open(path, "rb").read())
    pos, index = 16, 0
    while index < 3:
        pos += 24 + struct.unpack(">I", data[pos + 4:pos + 8])[0]
        index += 1
    data[pos:pos + 8] = struct.pack(">II", 0x7FFFFFF0, 0x7FFFFFF0)
    open(path, "wb").write(bytes(data))
    return ["import", path], BAD_INPUT, "place(s) skipped (see the warnings); the rest was read"


def main():
    cli = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for args, code, part in cases(tmp) + [corrupt_recording(cli, tmp)]:
            try:
                p = subprocess.run([cli] + args, capture_output=True, text=True, timeout=30)
            except subprocess.TimeoutExpired:
                failures.append("%s: still running after 30 s" % " ".join(args))
                continue
            lines = [l for l in p.stderr.splitlines() if l.strip()]
            if p.returncode != code or not any(part in l for l in lines):
                failures.append("%s: exit %d (want %d), stderr %r (want %r)"
                                % (" ".join(args), p.returncode, code, p.stderr.strip(), part))
    for f in failures:
        print("FAIL: " + f)
    if failures:
        sys.exit(1)
    print("every case refused as expected")


if __name__ == "__main__":
    main()
