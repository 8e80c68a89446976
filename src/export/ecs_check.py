#!/usr/bin/env python3
"""Checks ECS documents (one JSON object per line) against the field list
tests/data/ecs/ecs_fields.tsv: every field written is a listed ECS field, its
value has the field's ECS type (arrays of the type are allowed, as in ECS), and
categorisation fields keep to their allowed values.

  ecs_check.py ecs_fields.tsv DOCS.jsonl
"""
import datetime, ipaddress, json, sys

fields = {}
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    parts = line.rstrip("\n").split("\t")
    fields[parts[0]] = (parts[1], set(filter(None, (parts[2] if len(parts) > 2 else "").split(","))))

def ok_type(t, v):
    if t in ("keyword", "match_only_text"):
        return isinstance(v, str)
    if t == "long":
        return isinstance(v, int) and not isinstance(v, bool)
    if t == "float":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if t == "date":
        try:
            datetime.datetime.fromisoformat(v.replace("Z", "+00:00")); return True
        except (AttributeError, ValueError):
            return False
    if t == "ip":
        try:
            ipaddress.ip_address(v); return True
        except ValueError:
            return False
    if t == "geo_point":
        return isinstance(v, dict) and set(v) == {"lat", "lon"} and all(isinstance(v[k], (int, float)) for k in v) \
            and -90 <= v["lat"] <= 90 and -180 <= v["lon"] <= 180
    return False

errors, count, seen = [], 0, set()
def walk(prefix, obj, n):
    for k, v in obj.items():
        path = prefix + k
        if path in fields and fields[path][0] == "object":  # labels: keyword values
            for lk, lv in v.items():
                seen.add(path)
                if not isinstance(lv, str):
                    errors.append("doc %d: %s.%s is not a keyword: %r" % (n, path, lk, lv))
            continue
        if path in fields:
            t, allowed = fields[path]
            seen.add(path)
            values = v if isinstance(v, list) and t != "geo_point" else [v]
            for x in values:
                if not ok_type(t, x):
                    errors.append("doc %d: %s=%r is not a %s" % (n, path, x, t))
                elif allowed and x not in allowed:
                    errors.append("doc %d: %s=%r is not one of %s" % (n, path, x, sorted(allowed)))
        elif isinstance(v, dict):
            walk(path + ".", v, n)
        else:
            errors.append("doc %d: %s is not an ECS field of the list" % (n, path))

for n, line in enumerate(open(sys.argv[2], encoding="utf-8"), 1):
    doc = json.loads(line)
    count += 1
    for need in ("@timestamp", "event", "rule", "message"):
        if need not in doc:
            errors.append("doc %d: no %s" % (n, need))
    if doc.get("event", {}).get("kind") != "alert":
        errors.append("doc %d: event.kind is not alert" % n)
    walk("", doc, n)
for e in errors[:10]:
    print("FAIL:", e, file=sys.stderr)
if errors:
    sys.exit(1)
print("%d ECS documents, %d distinct fields, all of the right ECS type" % (count, len(seen)))
