#!/usr/bin/env python3
"""validate.py SCHEMA [FILE] - check each line of FILE (NDJSON; stdin
without FILE) against a JSON schema (the draft-07 subset tests/schemas/
uses: type, enum, const, required, properties, additionalProperties,
propertyNames, minProperties, items, minItems, maxItems, minLength,
maxLength, pattern, minimum, allOf, anyOf, if/then, $ref to #/definitions).
Also runs python3-jsonschema's Draft7Validator when it is installed.
Prints one line per error; exit 1 if any, 2 on bad usage."""
import json
import re
import sys

TYPES = {"object": dict, "array": list, "string": str, "boolean": bool}


def is_type(v, t):
    if t == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if t == "null":
        return v is None
    if t == "boolean":
        return isinstance(v, bool)
    return isinstance(v, TYPES[t])


def check(v, s, root, path, errs):
    if "$ref" in s:
        name = s["$ref"].split("/")[-1]
        check(v, root["definitions"][name], root, path, errs)
    if "type" in s:
        ts = s["type"] if isinstance(s["type"], list) else [s["type"]]
        if not any(is_type(v, t) for t in ts):
            errs.append("%s: expected %s" % (path, s["type"]))
            return
    if "enum" in s and v not in s["enum"]:
        errs.append("%s: %r not in %r" % (path, v, s["enum"]))
    if "const" in s and v != s["const"]:
        errs.append("%s: %r is not %r" % (path, v, s["const"]))
    if isinstance(v, str):
        if "minLength" in s and len(v) < s["minLength"]:
            errs.append("%s: shorter than %d" % (path, s["minLength"]))
        if "maxLength" in s and len(v) > s["maxLength"]:
            errs.append("%s: longer than %d" % (path, s["maxLength"]))
        if "pattern" in s and not re.search(s["pattern"], v):
            errs.append("%s: %r does not match %s" % (path, v, s["pattern"]))
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if "minimum" in s and v < s["minimum"]:
            errs.append("%s: below %r" % (path, s["minimum"]))
    if isinstance(v, dict):
        for k in s.get("required", []):
            if k not in v:
                errs.append("%s: missing %s" % (path, k))
        if "minProperties" in s and len(v) < s["minProperties"]:
            errs.append("%s: fewer than %d members" % (path, s["minProperties"]))
        props = s.get("properties", {})
        for k, x in v.items():
            if "propertyNames" in s:
                check(k, s["propertyNames"], root, path + "." + k + "(name)", errs)
            if k in props:
                check(x, props[k], root, path + "." + k, errs)
            elif s.get("additionalProperties") is False:
                errs.append("%s: unexpected member %s" % (path, k))
            elif isinstance(s.get("additionalProperties"), dict):
                check(x, s["additionalProperties"], root, path + "." + k, errs)
    if isinstance(v, list):
        if "minItems" in s and len(v) < s["minItems"]:
            errs.append("%s: fewer than %d items" % (path, s["minItems"]))
        if "maxItems" in s and len(v) > s["maxItems"]:
            errs.append("%s: more than %d items" % (path, s["maxItems"]))
        if "items" in s:
            for i, x in enumerate(v):
                check(x, s["items"], root, "%s[%d]" % (path, i), errs)
    for sub in s.get("allOf", []):
        check(v, sub, root, path, errs)
    if "anyOf" in s:
        if not any(not sub_errs(v, sub, root, path) for sub in s["anyOf"]):
            errs.append("%s: matches none of anyOf" % path)
    if "if" in s and not sub_errs(v, s["if"], root, path):
        if "then" in s:
            check(v, s["then"], root, path, errs)


def sub_errs(v, s, root, path):
    e = []
    check(v, s, root, path, e)
    return e


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    schema = json.load(open(sys.argv[1]))
    lines = open(sys.argv[2]) if len(sys.argv) == 3 else sys.stdin
    try:
        import jsonschema
        other = jsonschema.Draft7Validator(schema)
    except ImportError:
        other = None
    bad = n = 0
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        n += 1
        doc = json.loads(line)
        errs = sub_errs(doc, schema, schema, "line %d" % no)
        if other is not None:
            errs += ["line %d: jsonschema: %s" % (no, e.message) for e in other.iter_errors(doc)]
        for e in errs:
            print(e)
        bad += bool(errs)
    print("%d payloads, %d invalid%s" % (n, bad, "" if other is None else " (also checked by jsonschema)"),
          file=sys.stderr)
    return 1 if bad or not n else 0


sys.exit(main())
