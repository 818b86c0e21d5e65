#!/usr/bin/env python3
"""Validates every shipped register map against registers.schema.json with the reference
JSON Schema implementation (python3-jsonschema), so the schema itself is proven correct and
agrees with the C++ subset validator that the loader uses. Each map is checked as written and
expanded (its base merged, repeated fields spelled out: docs/registers.md), the way the loader
(core/registers/mapexpansion.cpp) sees it."""
import copy
import json
import pathlib
import re
import sys

import jsonschema

directory = pathlib.Path(sys.argv[1])
schema = json.loads((directory / "registers.schema.json").read_text(encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)


class MapError(Exception):
    pass


def read(name):
    return json.loads((directory / name).read_text(encoding="utf-8"))


def with_base(root, name, depth=0):
    if "base" not in root:
        return copy.deepcopy(root)
    if depth >= 4:
        raise MapError(f"{name}: base chain deeper than 4 maps (a cycle?)")
    base_name = root["base"]
    if not (directory / base_name).is_file():
        raise MapError(f"{name}: base map '{base_name}' not found")
    out = with_base(read(base_name), base_name, depth + 1)
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


def expand(root, name):
    out = with_base(root, name)
    out.pop("base", None)
    fields, instances = [], {}
    for field in out.get("fields", []):
        key = field.get("key", "")
        if "repeat" not in field:
            if "{n}" in key:
                raise MapError(f"{name}: field '{key}': {{n}} outside a repeated field")
            fields.append(field)
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
            fields.append(f)
    out["fields"] = fields
    for rule in out.get("plausibility", []):
        rule["fields"] = [k for t in rule["fields"] for k in instances.get(t, [t])]
    keys = [f["key"] for f in fields]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise MapError(f"{name}: duplicate keys {duplicates}")
    return out


# Units whose values have physical limits: a field in one of them needs a plausible range, so a
# garbage word (65535 %) is marked Invalid instead of published as good. Cells chosen by a
# scale_from_sum rule are exempt: the rule is their check.
BOUNDED_UNITS = {"%", "V", "A", "\u00b0C", "Hz"}


def unbounded(expanded):
    ruled = {k for r in expanded.get("plausibility", []) for k in r["fields"]}
    return [f["key"] for f in expanded["fields"]
            if f.get("unit") in BOUNDED_UNITS and "plausible" not in f and f["key"] not in ruled]


def report(name, what, document):
    errors = list(validator.iter_errors(document))
    for error in errors:
        where = "/".join(str(p) for p in error.absolute_path)
        print(f"{name} ({what}): {where}: {error.message}", file=sys.stderr)
    return bool(errors)


maps = sorted(p for p in directory.glob("*.json") if not p.name.endswith(".schema.json"))
if not maps:
    sys.exit(f"no maps in {directory}")
failures = 0
for path in maps:
    source = read(path.name)
    failed = report(path.name, "as written", source)
    try:
        expanded = expand(source, path.name)
        failed = report(path.name, "expanded", expanded) or failed
        if unbounded(expanded):
            print(f"{path.name}: no plausible range: {', '.join(unbounded(expanded))}",
                  file=sys.stderr)
            failed = True
    except MapError as error:
        print(error, file=sys.stderr)
        failed = True
    failures += failed
    print(f"{path.name}: {'FAIL' if failed else 'ok'}")

# The schema must also reject what it claims to: a field with an unknown type, a map with
# neither fields nor a base, a repeat without a count.
full = next(read(p.name) for p in maps if "base" not in read(p.name))
bad_type = copy.deepcopy(full)
bad_type["fields"][0]["type"] = "u17"
no_fields = {k: v for k, v in full.items() if k != "fields"}
bad_repeat = copy.deepcopy(full)
bad_repeat["fields"][0]["repeat"] = {"stride": 1}
for what, document in (("type 'u17'", bad_type), ("a map without fields or base", no_fields),
                       ("a repeat without count", bad_repeat)):
    if validator.is_valid(document):
        print(f"schema accepts {what}", file=sys.stderr)
        failures += 1
# And the expansion must refuse a patch of a field the base does not have.
try:
    expand({"base": maps[0].name, "variant": "x", "patch_fields": [{"key": "no_such_field"}]},
           "patch.json")
    print("expansion accepts a patch of an unknown field", file=sys.stderr)
    failures += 1
except MapError:
    pass
sys.exit(1 if failures else 0)
