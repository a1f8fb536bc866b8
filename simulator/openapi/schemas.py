"""JSON Schemas as the OpenAPI export writes them: references into ``components``, match values
pinned as constants, and an error body described from the answer apisim gives (its code fixed)."""

from __future__ import annotations

import copy
import json
from typing import Any

from simulator.verify.shapes import ErrorShape


def error_schema(shape: ErrorShape) -> tuple[dict[str, Any] | None, str]:
    """A schema for one documented error's body: what the contract fixes as const, the rest typed."""
    example = shape.example
    if example is None:
        return None, "application/json"
    media = (example.header("Content-Type") or "application/json").split(";")[0].strip().lower()
    try:
        body = example.json()
    except (ValueError, UnicodeDecodeError):
        return None, media
    fixed = {loc[1:]: value for loc, value in shape.exact.items() if loc[0] == "body"}
    schema = describe_value(body, (), fixed)
    schema["x-apisim-code"] = shape.code
    return schema, media


def describe_value(value: Any, path: tuple, fixed: dict[tuple, Any]) -> dict[str, Any]:
    if path in fixed:
        return {"const": fixed[path]}
    if isinstance(value, dict):
        return {"type": "object", "required": list(value),
                "properties": {k: describe_value(v, (*path, k), fixed) for k, v in value.items()}}
    if isinstance(value, list):
        return {"type": "array"}
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if value is None:
        return {"type": "null"}
    return {"type": "string"}


def pinned(schema: Any, values: dict[tuple, Any]) -> dict[str, Any]:
    """``schema`` with the match values required as constants (so each oneOf branch is what it says)."""
    pins: dict[str, Any] = {}
    for path, value in values.items():
        node = pins
        for key in path[:-1]:
            node = node.setdefault("properties", {}).setdefault(key, {"type": "object"})
            node.setdefault("required", [])
        node.setdefault("properties", {})[path[-1]] = {"const": value}
        node.setdefault("required", []).append(path[-1])
    _require_holders(pins)  # the objects holding nested pins are required too
    return {"allOf": [rewrite_refs(schema)], **pins, "type": "object"}


def _require_holders(node: dict[str, Any]) -> None:
    for key, sub in (node.get("properties") or {}).items():
        if "properties" in sub:
            node.setdefault("required", [])
            if key not in node["required"]:
                node["required"].append(key)
            _require_holders(sub)


def rewrite_refs(schema: Any) -> Any:
    if isinstance(schema, dict):
        out = {}
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                out[key] = "#/components/schemas/" + value[len("#/$defs/"):]
            else:
                out[key] = rewrite_refs(value)
        return out
    if isinstance(schema, list):
        return [rewrite_refs(v) for v in schema]
    return copy.deepcopy(schema)


def unique(schemas: list[Any]) -> list[Any]:
    seen: dict[str, Any] = {}
    for schema in schemas:
        seen.setdefault(json.dumps(schema, sort_keys=True, ensure_ascii=False), schema)
    return list(seen.values())
