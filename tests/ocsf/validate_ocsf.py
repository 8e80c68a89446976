#!/usr/bin/env python3
"""Validates OCSF events (JSON lines) against a compiled OCSF schema.

validate_ocsf.py SCHEMA_COMPILED_JSON EVENTS_JSONL... [--max-errors N]

Checks, per event: the class (class_uid) exists; type_uid = class_uid * 100 +
activity_id; every required attribute of the class and of each nested object is
present (attributes of a profile only when metadata.profiles declares it); no
attribute is unknown to the class or its object (unmapped and json_t
values are free-form); values have their type (integer_t / long_t / timestamp_t
are JSON integers, float_t a JSON number, string types strings, boolean_t a
boolean, arrays where the schema says is_array); enum ids are among the enum's
keys and their sibling caption (severity for severity_id, ...) matches the enum's
caption unless the id is 99 (Other); timestamps are not 0; every declared profile
exists and applies to the class. Prints one line per
error (file:line: path: problem), a summary, and exits 1 when any error was found.
Python 3 standard library only.
"""
import json
import sys

INTEGER_TYPES = {'integer_t', 'long_t', 'timestamp_t', 'port_t'}


class Validator:
    def __init__(self, schema):
        self.schema = schema
        self.classes = {c['uid']: c for c in schema['classes'].values() if 'uid' in c}
        self.objects = schema['objects']
        self.types = schema['dictionary']['types']['attributes']
        self.errors = []
        self.profiles = ()

    def base_type(self, t):
        seen = set()
        while t in self.types and 'type' in self.types[t] and t not in seen:
            seen.add(t)
            t = self.types[t]['type']
        return t

    def error(self, where, path, problem):
        self.errors.append(f'{where}: {path}: {problem}')

    def check_value(self, where, path, spec, value):
        if spec.get('is_array'):
            if not isinstance(value, list):
                self.error(where, path, 'must be an array')
                return
            for i, v in enumerate(value):
                self.check_scalar_or_object(where, f'{path}[{i}]', spec, v)
        else:
            self.check_scalar_or_object(where, path, spec, value)

    def check_scalar_or_object(self, where, path, spec, value):
        t = spec.get('type', 'string_t')
        if t == 'json_t':
            return
        if t == 'object_t':
            name = spec.get('object_type')
            if name == 'object' or name is None:  # unmapped and other free-form objects
                if not isinstance(value, dict):
                    self.error(where, path, 'must be an object')
                return
            if not isinstance(value, dict):
                self.error(where, path, f'must be an object ({name})')
                return
            self.check_object(where, path, self.objects[name]['attributes'], value, self.profiles)
            return
        base = self.base_type(t)
        if base in INTEGER_TYPES:
            if isinstance(value, bool) or not isinstance(value, int):
                self.error(where, path, f'must be an integer ({t}), not {json.dumps(value)[:40]}')
            elif t == 'timestamp_t' and value == 0:
                self.error(where, path, 'timestamp 0 (1970): omit an unknown time')
        elif base == 'float_t':
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.error(where, path, f'must be a number ({t})')
            elif isinstance(value, int):
                self.error(where, path, f'must be a float ({t}), written as an integer: {value}')
        elif base == 'boolean_t':
            if not isinstance(value, bool):
                self.error(where, path, 'must be a boolean')
        else:
            if not isinstance(value, str):
                self.error(where, path, f'must be a string ({t}), not {json.dumps(value)[:40]}')
        if 'enum' in spec and isinstance(value, int) and not isinstance(value, bool):
            if str(value) not in spec['enum']:
                self.error(where, path, f'{value} is not one of the enum ids {sorted(spec["enum"], key=int)}')

    def check_object(self, where, path, attributes, obj, profiles=()):
        for key, value in obj.items():
            sub = f'{path}.{key}' if path else key
            spec = attributes.get(key)
            if spec is None:
                self.error(where, sub, 'attribute unknown to the schema here')
                continue
            if spec.get('profiles') and not set(spec['profiles']) & set(profiles):
                self.error(where, sub, f'belongs to profile {spec["profiles"]}, not declared in metadata.profiles')
                continue
            if value is None:
                self.error(where, sub, 'null: omit an unknown value')
                continue
            self.check_value(where, sub, spec, value)
            sibling = spec.get('sibling')
            if 'enum' in spec and sibling and sibling in obj and isinstance(value, int):
                caption = spec['enum'].get(str(value), {}).get('caption')
                if value != 99 and caption is not None and obj[sibling] != caption:
                    self.error(where, f'{path}.{sibling}' if path else sibling,
                               f'"{obj[sibling]}" is not the caption of {key} {value} ("{caption}")')
        for key, spec in attributes.items():
            if spec.get('profiles') and not set(spec['profiles']) & set(profiles):
                continue  # an attribute of a profile the event does not declare
            if spec.get('requirement') == 'required' and key not in obj:
                self.error(where, f'{path}.{key}' if path else key, 'required attribute missing')

    def check_event(self, where, event):
        if not isinstance(event, dict):
            self.error(where, '', 'not a JSON object')
            return
        cls = self.classes.get(event.get('class_uid'))
        if cls is None:
            self.error(where, 'class_uid', f'unknown class {event.get("class_uid")}')
            return
        if event.get('type_uid') != event.get('class_uid', 0) * 100 + event.get('activity_id', -1):
            self.error(where, 'type_uid', 'must be class_uid * 100 + activity_id')
        self.profiles = tuple((event.get('metadata') or {}).get('profiles') or ())
        for p in self.profiles:
            if p not in self.schema.get('profiles', {}):
                self.error(where, 'metadata.profiles', f'unknown profile "{p}"')
            elif p not in cls.get('profiles', ()):
                self.error(where, 'metadata.profiles', f'profile "{p}" does not apply to class {cls["name"]}')
        self.check_object(where, '', cls['attributes'], event, self.profiles)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    max_errors = 50
    if '--max-errors' in sys.argv:
        max_errors = int(sys.argv[sys.argv.index('--max-errors') + 1])
        args = [a for a in args if a != str(max_errors)]
    if len(args) < 2:
        sys.exit(__doc__)
    with open(args[0]) as f:
        v = Validator(json.load(f))
    events = 0
    for path in args[1:]:
        with open(path) as f:
            for n, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                events += 1
                try:
                    event = json.loads(line)
                except ValueError as e:
                    v.error(f'{path}:{n}', '', f'not JSON: {e}')
                    continue
                v.check_event(f'{path}:{n}', event)
    for e in v.errors[:max_errors]:
        print(e)
    if len(v.errors) > max_errors:
        print(f'... and {len(v.errors) - max_errors} more')
    kinds = {}
    for e in v.errors:
        problem = e.split(': ', 2)[-1]
        kind = problem.split(' (')[0].split(':')[0].split(', not')[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    for kind, n in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print(f'  {n:6d}  {kind}')
    print(f'{events} events, {len(v.errors)} errors')
    sys.exit(1 if v.errors else 0)


if __name__ == '__main__':
    main()
