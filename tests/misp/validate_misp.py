#!/usr/bin/env python3
"""Validates MISP events (MISP JSON format) against MISP object templates.

validate_misp.py TEMPLATES_DIR EVENT_JSON...

TEMPLATES_DIR holds objects/<name>/definition.json as in MISP/misp-objects. Checks:
the event has info, a UUID, distribution 0-5, threat_level_id 1-4, analysis 0-2
and a date; every Object names a template present in TEMPLATES_DIR, with its
template_uuid and template_version, and has a UUID; every attribute of an object
has an object_relation the template defines, the template's misp-attribute as its
type, a string value and a UUID; a relation the template does not mark `multiple`
appears at most once; the template's `required` relations are present and at
least one of `requiredOneOf`; a category, when the template lists categories, is
one of them; UUIDs are unique. Python 3 standard library only. Prints one line per
error and a summary; exit status 1 when any error was found.
"""
import json
import os
import re
import sys

UUID = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')


def load_templates(root):
    out = {}
    base = os.path.join(root, 'objects')
    for name in sorted(os.listdir(base)):
        path = os.path.join(base, name, 'definition.json')
        if os.path.exists(path):
            with open(path) as f:
                t = json.load(f)
            out[t['name']] = t
    return out


def check_event(templates, where, doc, errors):
    def err(path, problem):
        errors.append(f'{where}: {path}: {problem}')

    event = doc.get('Event') if isinstance(doc, dict) else None
    if not isinstance(event, dict):
        err('$', 'no Event object')
        return 0
    for key in ('info', 'uuid', 'date', 'distribution', 'threat_level_id', 'analysis'):
        if key not in event:
            err(f'Event.{key}', 'required property missing')
    if 'uuid' in event and not UUID.match(str(event['uuid'])):
        err('Event.uuid', f'not a UUID: {event["uuid"]}')
    ranges = {'distribution': range(0, 6), 'threat_level_id': range(1, 5), 'analysis': range(0, 3)}
    for key, allowed in ranges.items():
        if key in event and (not str(event[key]).isdigit() or int(event[key]) not in allowed):
            err(f'Event.{key}', f'{event[key]!r} is not in {allowed.start}..{allowed.stop - 1}')
    if 'date' in event and not re.match(r'^\d{4}-\d{2}-\d{2}$', str(event['date'])):
        err('Event.date', 'not YYYY-MM-DD')
    uuids = {}

    def unique(path, u):
        if not isinstance(u, str) or not UUID.match(u):
            err(path + '.uuid', f'not a UUID: {u!r}')
        elif u in uuids:
            err(path + '.uuid', f'duplicate UUID {u} (also {uuids[u]})')
        else:
            uuids[u] = path

    unique('Event', event.get('uuid'))
    for i, a in enumerate(event.get('Attribute') or []):
        path = f'Event.Attribute[{i}]'
        unique(path, a.get('uuid'))
        if not isinstance(a.get('type'), str) or not isinstance(a.get('value'), str):
            err(path, 'needs a type and a string value')
    objects = event.get('Object') or []
    for i, o in enumerate(objects):
        path = f'Event.Object[{i}]'
        name = o.get('name')
        t = templates.get(name)
        if t is None:
            err(path + '.name', f'no template "{name}" in the templates given')
            continue
        unique(path, o.get('uuid'))
        if o.get('template_uuid') != t['uuid']:
            err(path + '.template_uuid', f'{o.get("template_uuid")} is not the {name} template ({t["uuid"]})')
        if str(o.get('template_version')) != str(t['version']):
            err(path + '.template_version', f'{o.get("template_version")} is not the template version {t["version"]}')
        if o.get('meta-category') not in (None, t.get('meta-category')):
            err(path + '.meta-category', f'{o.get("meta-category")} is not {t.get("meta-category")}')
        seen = {}
        for j, a in enumerate(o.get('Attribute') or []):
            apath = f'{path}.Attribute[{j}]'
            unique(apath, a.get('uuid'))
            rel = a.get('object_relation')
            spec = t['attributes'].get(rel)
            if spec is None:
                err(apath + '.object_relation', f'"{rel}" is not a relation of template {name}')
                continue
            if a.get('type') != spec['misp-attribute']:
                err(apath + '.type', f'"{a.get("type")}" is not the template\'s type "{spec["misp-attribute"]}" for {rel}')
            if not isinstance(a.get('value'), str) or not a['value']:
                err(apath + '.value', 'must be a non-empty string')
            if spec.get('categories') and a.get('category') not in spec['categories']:
                err(apath + '.category', f'"{a.get("category")}" is not one of {spec["categories"]}')
            seen[rel] = seen.get(rel, 0) + 1
            if seen[rel] == 2 and not spec.get('multiple'):
                err(apath + '.object_relation', f'"{rel}" appears more than once but the template does not allow multiple')
        for rel in t.get('required', []):
            if rel not in seen:
                err(path, f'required relation "{rel}" missing')
        if t.get('requiredOneOf') and not any(r in seen for r in t['requiredOneOf']):
            err(path, f'none of the relations {t["requiredOneOf"]} (requiredOneOf)')
    return len(objects)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    templates = load_templates(sys.argv[1])
    errors = []
    objects = 0
    for path in sys.argv[2:]:
        try:
            with open(path) as f:
                doc = json.load(f)
        except ValueError as e:
            errors.append(f'{path}: $: not JSON: {e}')
            continue
        objects += check_event(templates, path, doc, errors)
    for e in errors[:50]:
        print(e)
    print(f'{len(sys.argv) - 2} event(s), {objects} objects, {len(errors)} errors')
    sys.exit(1 if errors else 0)


if __name__ == '__main__':
    main()
