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

from mapexpansion import MapError, expand as expand_map

directory = pathlib.Path(sys.argv[1])
schema = json.loads((directory / "registers.schema.json").read_text(encoding="utf-8"))


def read(name):
    return json.loads((directory / name).read_text(encoding="utf-8"))


def expand(root, name):
    return expand_map(directory, root, name)

jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)


# Units whose values have physical limits: a field in one of them needs a plausible range, so a
# garbage word (65535 %) is marked Invalid instead of published as good. Cells chosen by a
# scale_from_sum rule are exempt: the rule is their check.
BOUNDED_UNITS = {"%", "V", "A", "\u00b0C", "Hz"}


def all_fields(expanded):
    """The map's fields and its logs' columns (named log.column), which follow the same rules."""
    yield from expanded["fields"]
    for log in expanded.get("logs", []):
        for c in log["columns"]:
            yield dict(c, key=f"{log['key']}.{c['key']}")


def unbounded(expanded):
    ruled = {k for r in expanded.get("plausibility", []) for k in r["fields"]}
    return [f["key"] for f in all_fields(expanded)
            if f.get("unit") in BOUNDED_UNITS and "plausible" not in f and f["key"] not in ruled]


# Plain words for an enum value the enum does not have would never be shown (a typo in a
# number); the loader refuses them too.
def stray_labels(expanded):
    return [f"{f['key']}: {n}" for f in all_fields(expanded)
            for n in f.get("enum_labels", {}) if n not in f.get("enum", {})]


def report(name, what, document):
    errors = list(validator.iter_errors(document))
    for error in errors:
        where = "/".join(str(p) for p in error.absolute_path)
        print(f"{name} ({what}): {where}: {error.message}", file=sys.stderr)
    return bool(errors)


maps = sorted(p for p in directory.glob("*.json") if not p.name.endswith(".schema.json"))
if not maps:
    sys.exit(f"no maps in {directory}")


def counts():
    """Fields and writable fields of every map as loaded (repeated fields once per instance)."""
    out = {}
    for path in maps:
        fields = expand(read(path.name), path.name)["fields"]
        out[path.name] = (len(fields), sum(1 for f in fields if f.get("access") == "rw"))
    return out


# --counts prints them; --check-table FILE compares them with the coverage table of
# docs/registers.md (rows "| `name.json` | fields | writable | ..."), so the table cannot drift.
if "--counts" in sys.argv:
    for name, (fields, writable) in counts().items():
        print(f"{name}\t{fields}\t{writable}")
    sys.exit(0)
if "--check-table" in sys.argv:
    table = pathlib.Path(sys.argv[sys.argv.index("--check-table") + 1]).read_text(encoding="utf-8")
    rows = {m.group(1): (int(m.group(2)), int(m.group(3))) for m in re.finditer(
        r"^\| `([\w.-]+\.json)` \| (\d+) \| (\d+) \|", table, re.MULTILINE)}
    wrong = 0
    for name, actual in counts().items():
        if rows.get(name) != actual:
            print(f"{name}: the table says {rows.get(name)}, the map has {actual} "
                  "(fields, writable)", file=sys.stderr)
            wrong += 1
    for name in sorted(set(rows) - set(counts())):
        print(f"{name}: in the table but no such map", file=sys.stderr)
        wrong += 1
    print("coverage table: " + ("FAIL" if wrong else "ok"))
    sys.exit(1 if wrong else 0)
failures = 0
for path in maps:
    source = read(path.name)
    failed = report(path.name, "as written", source)
    try:
        expanded = expand(source, path.name)
        failed = report(path.name, "expanded", expanded) or failed
        if stray_labels(expanded):
            print(f"{path.name}: enum_labels without an enum value: "
                  f"{', '.join(stray_labels(expanded))}", file=sys.stderr)
            failed = True
        if unbounded(expanded):
            print(f"{path.name}: no plausible range: {', '.join(unbounded(expanded))}",
                  file=sys.stderr)
            failed = True
        # Every field says where it comes from (a key of docs/protocol.md or a named peer file).
        unsourced = [f["key"] for f in all_fields(expanded) if not f.get("source", "").strip()]
        if unsourced:
            print(f"{path.name}: no source: {', '.join(unsourced)}", file=sys.stderr)
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
