#!/usr/bin/env python3
"""Validates STIX 2.1 bundles against the OASIS STIX 2.1 JSON schemas.

validate_stix.py SCHEMA_DIR BUNDLE_JSON...

SCHEMA_DIR holds the schemas as in oasis-open/cti-stix2-json-schemas (schemas/...).
The bundle's own properties are checked against common/bundle.json; each object
against the schema of its type (sdos/, sros/, observables/, common/
marking-definition.json, common/extension-definition.json), and an object of a type
the specification does not define against common/core.json or
common/cyber-observable-core.json, as bundle.json's branch for custom objects does
(so only the schemas of the types used need to be present). On top of the schemas,
the checks their README lists as missing: modified not before created, unique ids,
and references (created_by_ref, object_marking_refs, source_ref, target_ref,
object_refs, extension definitions) that resolve inside the bundle.

The JSON Schema subset those schemas use is implemented here (draft 2020-12 /
draft-07): $ref (file and JSON-pointer fragment), allOf, anyOf, oneOf, not,
if/then/else, type, enum, const, pattern, minLength, maxLength, minimum, maximum,
required, properties, patternProperties, additionalProperties, minProperties,
items, minItems, maxItems, uniqueItems, contains. `format` is an annotation and is
not checked. Python 3 standard library only. Prints one line per error and a
summary; exit status 1 when any error was found.
"""
import json
import os
import re
import sys

TYPE_FILES = {
    'attack-pattern': 'sdos', 'campaign': 'sdos', 'course-of-action': 'sdos', 'grouping': 'sdos',
    'identity': 'sdos', 'incident': 'sdos', 'indicator': 'sdos', 'infrastructure': 'sdos',
    'intrusion-set': 'sdos', 'location': 'sdos', 'malware': 'sdos', 'malware-analysis': 'sdos', 'note': 'sdos',
    'observed-data': 'sdos', 'opinion': 'sdos', 'report': 'sdos', 'threat-actor': 'sdos', 'tool': 'sdos',
    'vulnerability': 'sdos', 'relationship': 'sros', 'sighting': 'sros',
    'artifact': 'observables', 'autonomous-system': 'observables', 'directory': 'observables',
    'domain-name': 'observables', 'email-addr': 'observables', 'email-message': 'observables', 'file': 'observables',
    'ipv4-addr': 'observables', 'ipv6-addr': 'observables', 'mac-addr': 'observables', 'mutex': 'observables',
    'network-traffic': 'observables', 'process': 'observables', 'software': 'observables', 'url': 'observables',
    'user-account': 'observables', 'windows-registry-key': 'observables', 'x509-certificate': 'observables',
    'marking-definition': 'common', 'language-content': 'common', 'extension-definition': 'common',
}
SCO_TYPES = {t for t, d in TYPE_FILES.items() if d == 'observables'}
# The TLP markings every consumer knows (TLP 1.0 in the specification, TLP 2.0 by OASIS).
WELL_KNOWN = {
    'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9', 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
    'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82', 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
    'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487', 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
    'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421', 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
    'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
}
TLP2_EXTENSION = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d'


class Schemas:
    def __init__(self, root):
        self.root = root
        self.cache = {}

    def load(self, path):
        path = os.path.normpath(path)
        if path not in self.cache:
            with open(path) as f:
                self.cache[path] = json.load(f)
        return self.cache[path]

    def resolve(self, base, ref):
        """(file, schema) that `ref` names, relative to the file `base`."""
        file_part, _, fragment = ref.partition('#')
        path = os.path.normpath(os.path.join(os.path.dirname(base), file_part)) if file_part else base
        node = self.load(path)
        for token in [t for t in fragment.split('/') if t]:
            node = node[token.replace('~1', '/').replace('~0', '~')]
        return path, node


def type_ok(value, t):
    if isinstance(t, list):
        return any(type_ok(value, x) for x in t)
    return {
        'object': lambda v: isinstance(v, dict),
        'array': lambda v: isinstance(v, list),
        'string': lambda v: isinstance(v, str),
        'boolean': lambda v: isinstance(v, bool),
        'null': lambda v: v is None,
        'integer': lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
        'number': lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    }.get(t, lambda v: True)(value)


class Validator:
    def __init__(self, schemas):
        self.schemas = schemas

    def validate(self, file, schema, value, path='$'):
        """A list of (path, problem) for `value` against `schema` (found in `file`)."""
        if schema is True or schema == {}:
            return []
        if schema is False:
            return [(path, 'no value is allowed here')]
        errors = []
        if '$ref' in schema:
            f2, s2 = self.schemas.resolve(file, schema['$ref'])
            errors += self.validate(f2, s2, value, path)
        if 'type' in schema and not type_ok(value, schema['type']):
            return errors + [(path, f'must be of type {schema["type"]}, not {json.dumps(value)[:40]}')]
        if 'enum' in schema and value not in schema['enum']:
            errors.append((path, f'{json.dumps(value)[:60]} is not one of {schema["enum"][:8]}'))
        if 'const' in schema and value != schema['const']:
            errors.append((path, f'must be {json.dumps(schema["const"])}'))
        if isinstance(value, str):
            if 'pattern' in schema and not re.search(schema['pattern'], value):
                errors.append((path, f'"{value[:60]}" does not match {schema["pattern"]}'))
            if len(value) < schema.get('minLength', 0):
                errors.append((path, f'shorter than {schema["minLength"]}'))
            if 'maxLength' in schema and len(value) > schema['maxLength']:
                errors.append((path, f'longer than {schema["maxLength"]}'))
        if type_ok(value, 'number'):
            if 'minimum' in schema and value < schema['minimum']:
                errors.append((path, f'{value} is below the minimum {schema["minimum"]}'))
            if 'maximum' in schema and value > schema['maximum']:
                errors.append((path, f'{value} is above the maximum {schema["maximum"]}'))
        if isinstance(value, dict):
            for key in schema.get('required', []):
                if key not in value:
                    errors.append((f'{path}.{key}', 'required property missing'))
            if len(value) < schema.get('minProperties', 0):
                errors.append((path, f'needs at least {schema["minProperties"]} properties'))
            props = schema.get('properties', {})
            patterns = schema.get('patternProperties', {})
            for key, v in value.items():
                matched = False
                if key in props:
                    matched = True
                    errors += self.validate(file, props[key], v, f'{path}.{key}')
                for pat, sub in patterns.items():
                    if re.search(pat, key):
                        matched = True
                        errors += self.validate(file, sub, v, f'{path}.{key}')
                if not matched and 'additionalProperties' in schema:
                    extra = schema['additionalProperties']
                    if extra is False:
                        errors.append((f'{path}.{key}', 'property not allowed here'))
                    elif isinstance(extra, dict):
                        errors += self.validate(file, extra, v, f'{path}.{key}')
        if isinstance(value, list):
            if len(value) < schema.get('minItems', 0):
                errors.append((path, f'needs at least {schema["minItems"]} items'))
            if 'maxItems' in schema and len(value) > schema['maxItems']:
                errors.append((path, f'has more than {schema["maxItems"]} items'))
            if schema.get('uniqueItems') and len({json.dumps(v, sort_keys=True) for v in value}) != len(value):
                errors.append((path, 'items are not unique'))
            if isinstance(schema.get('items'), dict):
                for i, v in enumerate(value):
                    errors += self.validate(file, schema['items'], v, f'{path}[{i}]')
            if 'contains' in schema and not any(not self.validate(file, schema['contains'], v, path) for v in value):
                errors.append((path, 'no item matches "contains"'))
        for sub in schema.get('allOf', []):
            errors += self.validate(file, sub, value, path)
        if 'anyOf' in schema:
            results = [self.validate(file, sub, value, path) for sub in schema['anyOf']]
            if all(results):
                best = min(results, key=len)
                errors.append((path, 'matches none of anyOf; closest: ' + '; '.join(f'{p}: {m}' for p, m in best[:3])))
        if 'oneOf' in schema:
            results = [self.validate(file, sub, value, path) for sub in schema['oneOf']]
            passing = sum(1 for r in results if not r)
            if passing == 0:
                best = min(results, key=len)
                errors.append((path, 'matches none of oneOf; closest: ' + '; '.join(f'{p}: {m}' for p, m in best[:3])))
            elif passing > 1:
                errors.append((path, f'matches {passing} branches of oneOf, not exactly one'))
        if 'not' in schema and not self.validate(file, schema['not'], value, path):
            errors.append((path, 'matches a schema it must not ("not")'))
        if 'if' in schema:
            if not self.validate(file, schema['if'], value, path):
                if 'then' in schema:
                    errors += self.validate(file, schema['then'], value, path)
            elif 'else' in schema:
                errors += self.validate(file, schema['else'], value, path)
        return errors


def check_bundle(schema_dir, path, bundle, report):
    schemas = Schemas(schema_dir)
    v = Validator(schemas)
    base = os.path.join(schema_dir, 'schemas', 'common', 'bundle.json')
    if not isinstance(bundle, dict):
        report(path, '$', 'not a JSON object')
        return 0
    envelope = {k: val for k, val in bundle.items() if k != 'objects'}
    for p, m in v.validate(base, schemas.load(base), envelope):
        report(path, p, m)
    objects = bundle.get('objects')
    if not isinstance(objects, list) or not objects:
        report(path, '$.objects', 'a bundle to share needs a non-empty objects array')
        return 0
    ids = {}
    for i, obj in enumerate(objects):
        if isinstance(obj, dict) and isinstance(obj.get('id'), str):
            if obj['id'] in ids:
                report(path, f'$.objects[{i}]', f'duplicate id {obj["id"]} (also objects[{ids[obj["id"]]}])')
            ids.setdefault(obj['id'], i)
    for i, obj in enumerate(objects):
        where = f'$.objects[{i}]'
        if not isinstance(obj, dict) or not isinstance(obj.get('type'), str):
            report(path, where, 'not a STIX object (no type)')
            continue
        where += f' ({obj.get("id", "?")})'
        t = obj['type']
        if t in TYPE_FILES:
            f = os.path.join(schema_dir, 'schemas', TYPE_FILES[t], t + '.json')
            if not os.path.exists(f):
                report(path, where, f'no schema for type {t} in {schema_dir} (copy schemas/{TYPE_FILES[t]}/{t}.json)')
                continue
            errors = v.validate(f, schemas.load(f), obj)
        else:  # a custom object, as bundle.json validates one
            core = 'cyber-observable-core.json' if 'created' not in obj else 'core.json'
            f = os.path.join(schema_dir, 'schemas', 'common', core)
            errors = v.validate(f, schemas.load(f), obj)
            exts = [k for k in (obj.get('extensions') or {}) if k.startswith('extension-definition--')]
            if not any((obj['extensions'][k] or {}).get('extension_type') in ('new-sco', 'new-sdo', 'new-sro') for k in exts):
                errors.append(('$', f'custom type {t} without a new-sco/new-sdo extension naming its definition'))
        for p, m in errors:
            report(path, where + p[1:], m)
        created, modified = obj.get('created'), obj.get('modified')
        if isinstance(created, str) and isinstance(modified, str) and modified < created:
            report(path, where + '.modified', 'is before created')
        refs = []
        for key in ('created_by_ref', 'source_ref', 'target_ref', 'sighting_of_ref'):
            if isinstance(obj.get(key), str):
                refs.append((key, obj[key]))
        for key in ('object_marking_refs', 'object_refs', 'where_sighted_refs', 'observed_data_refs'):
            for r in obj.get(key) or []:
                refs.append((key, r))
        for k in (obj.get('extensions') or {}):
            if k.startswith('extension-definition--') and k != TLP2_EXTENSION:
                refs.append(('extensions', k))
        for key, r in refs:
            if r not in ids and r not in WELL_KNOWN:
                report(path, f'{where}.{key}', f'{r} is not in the bundle')
    return len(objects)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    schema_dir = sys.argv[1]
    errors = []
    objects = 0

    def report(path, where, problem):
        errors.append(f'{path}: {where}: {problem}')

    for path in sys.argv[2:]:
        try:
            with open(path) as f:
                bundle = json.load(f)
        except ValueError as e:
            report(path, '$', f'not JSON: {e}')
            continue
        objects += check_bundle(schema_dir, path, bundle, report)
    for e in errors[:50]:
        print(e)
    if len(errors) > 50:
        print(f'... and {len(errors) - 50} more')
    print(f'{len(sys.argv) - 2} bundle(s), {objects} objects, {len(errors)} errors')
    sys.exit(1 if errors else 0)


if __name__ == '__main__':
    main()
