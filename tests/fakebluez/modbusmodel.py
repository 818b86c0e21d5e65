# The Modbus slaves behind the fake's BLE devices. Register tables are built from the project's
# own register maps (resources/registers/*.json) and a scenario of cooked values per field key,
# so the fake and the decoder share one description of every field: no byte offset lives here.
import json
import os
import sys

# The maps share a base and repeat fields; the same expansion as the loader's, kept in one place.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "registers"))
import mapexpansion  # noqa: E402

CRC_POLY = 0xA001  # CRC-16/MODBUS, reflected (docs/protocol.md 5.7)


def crc16(data):
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ CRC_POLY if crc & 1 else crc >> 1
    return crc


def with_crc(body):
    c = crc16(body)
    return bytes(body) + bytes([c & 0xFF, c >> 8])


def _int(v):
    if isinstance(v, str):
        return int(v, 0)
    return int(v)


def _field_register(f):
    for k in ("register", "reg", "address"):
        if k in f:
            return _int(f[k])
    raise KeyError("field %s has no register" % f.get("key"))


def _width_words(ftype, f):
    if ftype in ("u32", "s32"):
        return 2
    if ftype == "ascii":
        return int(f.get("words", f.get("length", 1)))
    return int(f.get("words", 1))


class RegisterTable:
    """Raw words by register, filled from cooked values through a map's field definitions."""

    def __init__(self):
        self.words = {}

    def get(self, reg):
        return self.words.get(reg, 0)

    def put(self, reg, word):
        self.words[reg] = word & 0xFFFF

    def put_byte(self, reg, high, byte):
        w = self.get(reg)
        w = (w & 0x00FF) | ((byte & 0xFF) << 8) if high else (w & 0xFF00) | (byte & 0xFF)
        self.put(reg, w)

    def encode(self, f, value):
        ftype = str(f.get("type", "u16")).lower()
        reg = _field_register(f)
        scale = float(f.get("scale", 1) or 1)
        if ftype in ("enum", "bits"):
            width = str(f.get("width", "u16")).lower()
            raw = self._symbolic(f, ftype, value)
            self._put_int(reg, width, raw)
            return
        if ftype == "ascii":
            n = _width_words(ftype, f) * 2
            data = str(value).encode("ascii")[:n].ljust(n, b" ")
            for i in range(0, n, 2):
                self.put(reg + i // 2, (data[i] << 8) | data[i + 1])
            return
        raw = int(round(float(value) / scale))
        self._put_int(reg, ftype, raw)

    def _put_int(self, reg, ftype, raw):
        if ftype in ("u16", "s16"):
            self.put(reg, raw & 0xFFFF)
        elif ftype in ("u32", "s32"):
            raw &= 0xFFFFFFFF
            self.put(reg, raw >> 16)  # high word first (docs/protocol.md 5.8)
            self.put(reg + 1, raw & 0xFFFF)
        elif ftype in ("u8hi", "u8lo"):
            self.put_byte(reg, ftype == "u8hi", raw)
        elif ftype in ("signmag8hi", "signmag8lo"):
            b = (0x80 | min(-raw, 0x7F)) if raw < 0 else min(raw, 0x7F)
            self.put_byte(reg, ftype == "signmag8hi", b)
        else:
            raise ValueError("unsupported field type %s" % ftype)

    @staticmethod
    def _symbolic(f, ftype, value):
        if isinstance(value, (int, float)):
            return int(value)
        table = f.get("enum" if ftype == "enum" else "bits", {})
        if isinstance(table, list):  # [{"value": 1, "label": "..."}] style
            table = {str(e.get("value", e.get("bit"))): e.get("label", e.get("name")) for e in table}
        names = {str(v): _int(k) for k, v in table.items()}
        if ftype == "enum":
            return names[str(value)]
        raw = 0
        for name in value:
            raw |= 1 << names[str(name)]
        return raw


class Slave:
    """One Modbus device: which addresses it answers, and with which address it replies."""

    def __init__(self, name, table, own, answers_broadcast_as):
        self.name = name
        self.table = table
        self.own = own
        self.broadcast_reply = answers_broadcast_as
        self.no_read = []
        self.mapped = None  # registers some field covers; None = answer every address

    def handle(self, frame):
        if len(frame) < 4 or crc16(frame[:-2]) != (frame[-2] | (frame[-1] << 8)):
            return None  # a real slave stays silent on a bad CRC
        addr, func = frame[0], frame[1]
        if addr == 0xFF:
            reply_addr = self.broadcast_reply
        elif addr == self.own:
            reply_addr = self.own
        else:
            return None
        if func == 0x03 and len(frame) == 8:
            start = (frame[2] << 8) | frame[3]
            count = (frame[4] << 8) | frame[5]
            if count < 1 or count > 0x7D:
                return with_crc(bytes([reply_addr, 0x83, 0x03]))
            if self.mapped is not None and not any(r in self.mapped for r in range(start, start + count)):
                # A block with no register of this device: illegal data address, as a real slave
                # answers (identification probes other families' model registers this way).
                return with_crc(bytes([reply_addr, 0x83, 0x02]))
            for lo, hi in self.no_read:
                if start <= hi and start + count - 1 >= lo:
                    return with_crc(bytes([reply_addr, 0x83, 0x02]))
            body = bytearray([reply_addr, 0x03, 2 * count])
            for r in range(start, start + count):
                w = self.table.get(r)
                body += bytes([w >> 8, w & 0xFF])
            return with_crc(body)
        if func == 0x06 and len(frame) == 8:
            reg = (frame[2] << 8) | frame[3]
            self.table.put(reg, (frame[4] << 8) | frame[5])
            return with_crc(bytes([reply_addr]) + frame[1:6])
        if func == 0x10 and len(frame) >= 9:
            start = (frame[2] << 8) | frame[3]
            count = (frame[4] << 8) | frame[5]
            for i in range(count):
                self.table.put(start + i, (frame[7 + 2 * i] << 8) | frame[8 + 2 * i])
            return with_crc(bytes([reply_addr]) + frame[1:6])
        return with_crc(bytes([reply_addr, func | 0x80, 0x01]))


class Bus:
    """Several slaves behind one BT-2 UART, as on an RS485 bus (docs/session.md, several slaves on
    one link): each answers only its own id, the others stay silent; a request to 0xFF is answered
    by all of them at once and the replies collide (a wired OR here), a frame no CRC survives."""

    def __init__(self, slaves):
        self.slaves = slaves

    def handle(self, frame):
        replies = [r for r in (s.handle(frame) for s in self.slaves) if r]
        if len(replies) <= 1:
            return replies[0] if replies else None
        out = bytearray(max(len(r) for r in replies))
        for r in replies:
            for i, b in enumerate(r):
                out[i] |= b
        return bytes(out)


# Device kind -> (map family, map variant, own slave id, reply address to a 0xFF request).
# docs/protocol.md 4: a legacy battery answered 0xFF as 0x30; a REGO inverter answered 0xFF as 0xFF;
# a Rover behind a BT-2 is addressed as 0x01 (vendor examples) or 0xFF.
KINDS = {
    "controller": ("controller", "", 0x01, 0xFF),
    "battery": ("battery", "legacy", 0x30, 0x30),
    "inverter": ("inverter", "", 0x20, 0xFF),
}


def load_maps(maps_dir, log):
    maps = []
    if not os.path.isdir(maps_dir):
        log("no register maps in %s: registers read as zero" % maps_dir)
        return maps
    for name in sorted(os.listdir(maps_dir)):
        if not name.endswith(".json") or "schema" in name:
            continue
        try:
            with open(os.path.join(maps_dir, name)) as f:
                m = mapexpansion.expand(maps_dir, json.load(f), name)
            m["_file"] = name
            maps.append(m)
        except (OSError, ValueError, mapexpansion.MapError) as e:
            log("cannot load %s: %s" % (name, e))
    return maps


def find_map(maps, family, variant):
    candidates = [m for m in maps if str(m.get("family", "")).lower() == family]
    if variant:
        exact = [m for m in candidates if str(m.get("variant", "")).lower() == variant]
        if exact:
            return exact[0]
        plain = [m for m in candidates if not m.get("variant") or m.get("variant") == "default"]
        if plain:
            return plain[0]
    return candidates[0] if candidates else None


def build_slave(maps, kind, family, variant, own, bcast, values, log):
    table = RegisterTable()
    m = find_map(maps, family, variant)
    slave = Slave(kind, table, own, bcast)
    if m is None:
        return slave
    fields = {f["key"]: f for f in m.get("fields", []) if "key" in f}
    slave.mapped = set()
    for f in fields.values():
        if "register" not in f:
            continue  # derived fields (computed from others) have no register
        reg = _field_register(f)
        slave.mapped.update(range(reg, reg + _width_words(str(f.get("type", "u16")).lower(), f)))
    for key, value in values.items():
        if key.startswith("_"):
            continue
        f = fields.get(key)
        if f is not None and "register" not in f:
            log("scenario %s: '%s' is derived, not stored" % (kind, key))
            continue
        if f is None:
            log("scenario %s: no field '%s' in %s" % (kind, key, m["_file"]))
            continue
        try:
            table.encode(f, value)
        except (ValueError, KeyError, TypeError) as e:
            log("scenario %s: cannot encode %s=%r: %s" % (kind, key, value, e))
    for rng in m.get("noReadRanges", m.get("no_read_ranges", [])):
        if isinstance(rng, dict):
            slave.no_read.append((_int(rng.get("from", rng.get("start"))),
                                  _int(rng.get("to", rng.get("end")))))
        else:
            slave.no_read.append((_int(rng[0]), _int(rng[1])))
    return slave


def build_models(maps_dir, scenario_path, log):
    maps = load_maps(maps_dir, log)
    scenario = {}
    if scenario_path and os.path.exists(scenario_path):
        with open(scenario_path) as f:
            scenario = json.load(f)
    models = {}
    for kind, (family, variant, own, bcast) in KINDS.items():
        models[kind] = build_slave(maps, kind, family, variant, own, bcast,
                                   scenario.get(kind, {}), log)
    # "bank": battery packs behind one BT-2, each the battery scenario with its own overrides
    # and slave id (0x30, 0x31, ... as the vendor app numbers them, docs/protocol.md 4).
    family, variant = KINDS["battery"][0], KINDS["battery"][1]
    packs = []
    for i, overrides in enumerate(scenario.get("bank", [])):
        own = 0x30 + i
        values = dict(scenario.get("battery", {}), **overrides)
        packs.append(build_slave(maps, "bank/0x%02x" % own, family, variant, own, own, values, log))
    if packs:
        models["bank"] = Bus(packs)
    return models


if __name__ == "__main__":
    # Self-check: print the reply the fake would give to a request (hex), e.g.
    #   modbusmodel.py controller ff0301000022d1f1
    import sys
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(os.path.join(here, "..", ".."))
    models = build_models(os.path.join(root, "resources", "registers"),
                          os.path.join(here, "scenario.json"), log=print)
    reply = models[sys.argv[1]].handle(bytes.fromhex(sys.argv[2]))
    print(reply.hex() if reply else "(no reply)")
