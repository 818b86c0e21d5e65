"""A register map as written to the map as the loader checks it: its base merged and its
repeated fields spelled out, the same rules as core/registers/mapexpansion.cpp
(docs/registers.md, "Sharing and repeating"). Used by validate_maps.py and by the fake
bluetoothd's Modbus model, which both read the map files directly."""
import copy
import json
import pathlib
import re


class MapError(Exception):
    pass


def read(directory, name):
    return json.loads((pathlib.Path(directory) / name).read_text(encoding="utf-8"))


def with_base(directory, root, name, depth=0):
    if "base" not in root:
        return copy.deepcopy(root)
    if depth >= 4:
        raise MapError(f"{name}: base chain deeper than 4 maps (a cycle?)")
    base_name = root["base"]
    if not (pathlib.Path(directory) / base_name).is_file():
        raise MapError(f"{name}: base map '{base_name}' not found")
    out = with_base(directory, read(directory, base_name), base_name, depth + 1)
    merged = ("base", "patch_fields", "remove_fields", "fields")
    out.update({k: v for k, v in root.items() if k not in merged})
    fields = out["fields"]
    keys = lambda: [f.get("key") for f in fields]  # noqa: E731
    for patch in root.get("patch_fields", []):
        if patch["key"] not in keys():
            raise MapError(f"{name}: patch_fields: no field '{patch['key']}' in {base_name}")
        field = fields[keys().index(patch["key"])]
        for k, v in patch.items():
            if v is None:
                field.pop(k, None)
            else:
                field[k] = v
    for key in root.get("remove_fields", []):
        if key not in keys():
            raise MapError(f"{name}: remove_fields: no field '{key}' in {base_name}")
        del fields[keys().index(key)]
    fields.extend(copy.deepcopy(root.get("fields", [])))
    return out


def register_of(value):
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"0x[0-9A-Fa-f]{1,4}", value):
        return int(value, 16)
    return -1


def repeat_items(items, name, instances):
    out = []
    for field in items:
        key = field.get("key", "")
        if "repeat" not in field:
            if "{n}" in key:
                raise MapError(f"{name}: field '{key}': {{n}} outside a repeated field")
            out.append(field)
            continue
        count, stride = field["repeat"]["count"], field["repeat"].get("stride", 1)
        if "{n}" not in key:
            raise MapError(f"{name}: field '{key}': a repeated key needs {{n}}")
        where = "offset" if "offset" in field else "register"
        first = register_of(field.get(where))
        if first < 0:
            raise MapError(f"{name}: field '{key}': missing or bad {where}")
        instances[key] = []
        for n in range(1, count + 1):
            f = {k: copy.deepcopy(v) for k, v in field.items() if k != "repeat"}
            f["key"] = key.replace("{n}", str(n))
            f["label"] = field["label"].replace("{n}", str(n))
            f[where] = first + (n - 1) * stride
            if "count" in f:
                f["count"]["index"] += n - 1
            instances[key].append(f["key"])
            out.append(f)
    return out


def expand(directory, root, name):
    out = with_base(directory, root, name)
    out.pop("base", None)
    instances = {}
    fields = repeat_items(out.get("fields", []), name, instances)
    out["fields"] = fields
    for log in out.get("logs", []):
        log["columns"] = repeat_items(log.get("columns", []), name, {})
    for rule in out.get("plausibility", []):
        rule["fields"] = [k for t in rule["fields"] for k in instances.get(t, [t])]
    keys = [f["key"] for f in fields]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise MapError(f"{name}: duplicate keys {duplicates}")
    return out
