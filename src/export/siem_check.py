#!/usr/bin/env python3
"""Checks syslog messages a collector received against the CEF lines the same
export wrote to a file: every message parses as RFC 5424 (PRI, version 1,
timestamp, header fields, structured data), its PRI is the facility and the
severity of its finding, its MSG is a CEF line whose header parses back, and the
messages are the file's lines, in order.

  siem_check.py RECEIVED.jsonl EXPECTED.cef FACILITY
"""
import json, re, sys

received = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
expected = [l.rstrip("\n") for l in open(sys.argv[2], encoding="utf-8")]
facility = int(sys.argv[3])
# CEF severity -> RFC 5424 severity, as docs/cef.md maps them.
SYSLOG_SEV = {0: 6, 1: 6, 3: 5, 5: 4, 8: 3, 10: 2}
HEADER = re.compile(r"^<(\d{1,3})>1 (\S+) (\S{1,255}) (\S{1,48}) (\S{1,128}) (\S{1,32}) ")
TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)$")
SD_ELEMENT = re.compile(r'\[([!-~]+?)((?: [^ =\]"]+="(?:[^"\\\]]|\\["\\\]])*")*)\]')

def cef_header(msg):
    """Splits a CEF line on its seven unescaped pipes; returns the 7 header fields and the extension."""
    fields, cur, i = [], "", 0
    while i < len(msg) and len(fields) < 7:
        c = msg[i]
        if c == "\\" and i + 1 < len(msg):
            cur += msg[i + 1]; i += 2; continue
        if c == "|":
            fields.append(cur); cur = ""
        else:
            cur += c
        i += 1
    return fields, msg[i:]

def cef_extension(ext):
    """key=value pairs; a key starts after a space before an unescaped '='."""
    pairs, i, key, start = {}, 0, None, 0
    eqs = [m.end() - 1 for m in re.finditer(r"(?<!\\)(?:\\\\)*=", ext)]
    keys = []
    for e in eqs:
        k = re.search(r"(?:^| )([A-Za-z0-9_]+)$", ext[:e])
        if k:
            keys.append((k.start(1), e, k.group(1)))
    for n, (ks, e, k) in enumerate(keys):
        end = keys[n + 1][0] - 1 if n + 1 < len(keys) else len(ext)
        v = ext[e + 1:end]
        pairs[k] = re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r"}.get(m.group(1), m.group(1)), v)
    return pairs

errors = []
if len(received) != len(expected):
    errors.append("received %d messages, expected %d" % (len(received), len(expected)))
for n, (m, line) in enumerate(zip(received, expected), 1):
    h = HEADER.match(m)
    if not h:
        errors.append("message %d is not RFC 5424: %r" % (n, m[:120])); continue
    pri, ts, host, app, procid, msgid = h.groups()
    if not TS.match(ts):
        errors.append("message %d: timestamp %r" % (n, ts))
    rest = m[h.end():]
    sd = SD_ELEMENT.match(rest)
    if not sd or sd.group(1) != "origin" or 'software="impostor"' not in sd.group(2):
        errors.append("message %d: structured data %r" % (n, rest[:80])); continue
    body = rest[sd.end():]
    if not body.startswith(" "):
        errors.append("message %d: no SP before MSG" % n); continue
    body = body[1:]
    if body != line:
        errors.append("message %d differs from line %d of the file:\n  %s\n  %s" % (n, n, body[:200], line[:200])); continue
    fields, ext = cef_header(body)
    if len(fields) != 7 or fields[0] != "CEF:0" or fields[1:3] != ["impostor", "impostor"]:
        errors.append("message %d: CEF header %r" % (n, fields)); continue
    sev = int(fields[6])
    if int(pri) != facility * 8 + SYSLOG_SEV[sev]:
        errors.append("message %d: PRI %s for facility %d and CEF severity %d" % (n, pri, facility, sev))
    if msgid != fields[4][:32]:
        errors.append("message %d: MSGID %s is not the detector %s" % (n, msgid, fields[4]))
    kv = cef_extension(ext)
    for need in ("rt", "externalId", "cat", "act", "cs2", "cs2Label"):
        if need not in kv:
            errors.append("message %d: no %s in %r" % (n, need, ext[:200]))
    if kv.get("cs2Label") != "entity" or not kv.get("externalId", "").startswith(fields[4] + "|"):
        errors.append("message %d: externalId %r / cs2Label %r" % (n, kv.get("externalId"), kv.get("cs2Label")))
for e in errors[:10]:
    print("FAIL:", e, file=sys.stderr)
if errors:
    sys.exit(1)
print("%d syslog messages parse back (RFC 5424 + CEF) and match the file" % len(received))
