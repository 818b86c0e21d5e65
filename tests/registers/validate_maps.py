#!/usr/bin/env python3
"""Validates every shipped register map against registers.schema.json with the reference
JSON Schema implementation (python3-jsonschema), so the schema itself is proven correct and
agrees with the C++ subset validator that the loader uses."""
import json
import pathlib
import sys

import jsonschema

directory = pathlib.Path(sys.argv[1])
schema = json.loads((directory / "registers.schema.json").read_text(encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)

maps = sorted(p for p in directory.glob("*.json") if not p.name.endswith(".schema.json"))
if not maps:
    sys.exit(f"no maps in {directory}")
failures = 0
for path in maps:
    errors = list(validator.iter_errors(json.loads(path.read_text(encoding="utf-8"))))
    for error in errors:
        where = "/".join(str(p) for p in error.absolute_path)
        print(f"{path.name}: {where}: {error.message}", file=sys.stderr)
    failures += bool(errors)
    print(f"{path.name}: {'FAIL' if errors else 'ok'}")

# The schema must also reject what it claims to: a field with an unknown type.
bad = json.loads(maps[0].read_text(encoding="utf-8"))
bad["fields"][0]["type"] = "u17"
if validator.is_valid(bad):
    print("schema accepts type 'u17'", file=sys.stderr)
    failures += 1
sys.exit(1 if failures else 0)
