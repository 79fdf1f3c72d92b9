"""A small JSON Schema checker for the subset the OpenAPI document uses (no jsonschema in the venv).

Supports ``$ref`` into ``#/components/schemas``, ``type`` (one or a list), ``properties``, ``required``,
``additionalProperties``, ``items``, ``anyOf`` / ``oneOf`` / ``allOf``, ``enum``, ``const``,
``minimum`` / ``maximum``, ``minLength`` / ``maxLength`` and ``pattern``. Returns the problems found.
"""

from __future__ import annotations

import re
from typing import Any

TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def _resolve(root: dict[str, Any], ref: str) -> dict[str, Any]:
    node: Any = root
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def _is(value: Any, kind: str) -> bool:
    if isinstance(value, bool) and kind in ("integer", "number"):
        return False
    return isinstance(value, TYPES[kind])


def problems(value: Any, schema: dict[str, Any], root: dict[str, Any], at: str = "$") -> list[str]:
    if "$ref" in schema:
        return problems(value, _resolve(root, schema["$ref"]), root, at)
    found: list[str] = []
    for sub in schema.get("allOf", []):
        found += problems(value, sub, root, at)
    for key in ("anyOf", "oneOf"):
        if key in schema and all(problems(value, sub, root, at) for sub in schema[key]):
            found.append(f"{at}: matches none of {key}")
    kinds = schema.get("type")
    if kinds is not None:
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if not any(_is(value, k) for k in kinds):
            return [*found, f"{at}: {type(value).__name__} is not {kinds}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{at}: {value!r} not in {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        found.append(f"{at}: {value!r} != {schema['const']!r}")
    if isinstance(value, dict):
        found += _object_problems(value, schema, root, at)
    elif isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            found += problems(item, schema["items"], root, f"{at}[{i}]")
    elif isinstance(value, str):
        if len(value) > schema.get("maxLength", len(value)) or len(value) < schema.get("minLength", 0):
            found.append(f"{at}: length {len(value)} out of bounds")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            found.append(f"{at}: does not match {schema['pattern']}")
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            found.append(f"{at}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            found.append(f"{at}: {value} > {schema['maximum']}")
    return found


def _object_problems(
    value: dict[str, Any], schema: dict[str, Any], root: dict[str, Any], at: str
) -> list[str]:
    found = [f"{at}: missing {name!r}" for name in schema.get("required", []) if name not in value]
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        if key in properties:
            found += problems(item, properties[key], root, f"{at}.{key}")
        elif extra is False:
            found.append(f"{at}: unexpected {key!r}")
        elif isinstance(extra, dict):
            found += problems(item, extra, root, f"{at}.{key}")
    return found
