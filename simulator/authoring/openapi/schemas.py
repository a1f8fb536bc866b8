"""OpenAPI schemas as contract schemas (JSON Schema 2020-12, ``$ref`` into the contract's ``$defs``).

- ``#/components/schemas/X`` (and pointers inside it) become ``#/$defs/X``:
  component schemas are the contract's ``$defs``, so references stay references.
- Any other local reference (a schema inside a parameter, a response, a path)
  is inlined; one that refers back to itself is hoisted into ``$defs`` instead,
  so a recursive schema stays finite.
- OpenAPI 3.0's dialect is translated: ``nullable``, boolean
  ``exclusiveMinimum``/``exclusiveMaximum``, ``example``, ``format: byte``.
  3.1 schemas are already 2020-12 and pass through.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from simulator.authoring.openapi.load import Resolver
from simulator.contracts.loader import schema_extension_names

DECLARED_EXTENSIONS = schema_extension_names()

COMPONENT_SCHEMAS = "#/components/schemas/"
# Keywords whose value is a schema, a list of schemas, or a mapping of names to schemas.
_ONE = {"not", "if", "then", "else", "contains", "propertyNames", "unevaluatedItems", "unevaluatedProperties",
        "additionalItems", "items", "additionalProperties"}
_LIST = {"allOf", "anyOf", "oneOf", "prefixItems"}
_MAP = {"properties", "patternProperties", "dependentSchemas", "$defs", "definitions"}


class SchemaConverter:
    """Converts the schemas of one document; ``defs`` collects the contract's ``$defs``."""

    def __init__(self, resolver: Resolver, version: str):
        self.resolver = resolver
        self.legacy = version.startswith("3.0")
        self.defs: dict[str, Any] = {}
        self.notes: list[str] = []
        self._inlining: list[str] = []
        self._hoisted: dict[str, str] = {}
        self.dropped: set[str] = set()

    def convert_components(self) -> dict[str, Any]:
        """Every ``components/schemas`` entry, converted, as ``$defs``."""
        components = (self.resolver.document.get("components") or {}).get("schemas") or {}
        for name, schema in components.items():
            self.defs[name] = self.convert(schema)
        return self.defs

    def convert(self, schema: Any) -> Any:
        if isinstance(schema, bool):
            return schema
        if not isinstance(schema, dict):
            return copy.deepcopy(schema)
        if isinstance(schema.get("$ref"), str):
            return self._reference(schema)
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key.startswith("x-") and key not in DECLARED_EXTENSIONS:
                # a contract's schemas carry only the x- keywords apisim declares (apisim's export adds
                # x-apisim-code, which the error catalogue reads; vendors add their own)
                if key != "x-apisim-code" and key not in self.dropped:
                    self.dropped.add(key)
                    self.notes.append(f"schema keyword {key} dropped: not one a contract's schema may carry")
                continue
            if key in _ONE and isinstance(value, (dict, bool)):
                out[key] = self.convert(value)
            elif key in _LIST and isinstance(value, list):
                out[key] = [self.convert(v) for v in value]
            elif key in _MAP and isinstance(value, dict):
                out[key] = {name: self.convert(sub) for name, sub in value.items()}
            elif key == "discriminator" and isinstance(value, dict):
                out[key] = {**value, "mapping": {k: rewrite_ref(v) for k, v in (value.get("mapping") or {}).items()}} \
                    if "mapping" in value else copy.deepcopy(value)
            else:
                out[key] = copy.deepcopy(value)
        if self.legacy:
            _from_openapi_30(out)
        return out

    def _reference(self, schema: dict[str, Any]) -> Any:
        ref = schema["$ref"]
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        if ref.startswith(COMPONENT_SCHEMAS):
            target: Any = {"$ref": rewrite_ref(ref)}
        elif ref in self._inlining:  # a schema that contains itself: give it a name
            target = {"$ref": "#/$defs/" + self._hoist_name(ref)}
        else:
            self._inlining.append(ref)
            try:
                target = self.convert(self.resolver.lookup(ref))
            finally:
                self._inlining.pop()
            if ref in self._hoisted:
                self.defs[self._hoisted[ref]] = target
                target = {"$ref": "#/$defs/" + self._hoisted[ref]}
        if not siblings:
            return target
        if self.legacy:  # OpenAPI 3.0: keywords beside $ref are ignored
            self.notes.append(f"keywords beside $ref {ref} were dropped (OpenAPI 3.0 ignores them)")
            return target
        return {**self.convert(siblings), "allOf": [target]}

    def _hoist_name(self, ref: str) -> str:
        if ref not in self._hoisted:
            base = re.sub(r"[^A-Za-z0-9_.-]+", "_", ref.lstrip("#/")) or "schema"
            name, n = base, 2
            while name in self.defs or name in self._hoisted.values():
                name, n = f"{base}_{n}", n + 1
            self._hoisted[ref] = name
            self.defs[name] = {}
        return self._hoisted[ref]


def rewrite_ref(ref: Any) -> Any:
    if isinstance(ref, str) and ref.startswith(COMPONENT_SCHEMAS):
        return "#/$defs/" + ref[len(COMPONENT_SCHEMAS):]
    return ref


def _from_openapi_30(schema: dict[str, Any]) -> None:
    """OpenAPI 3.0's schema dialect, in place, as JSON Schema 2020-12."""
    if schema.pop("nullable", False) is True:
        kind = schema.get("type")
        if isinstance(kind, str):
            schema["type"] = [kind, "null"]
        if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
            schema["enum"] = [*schema["enum"], None]
        if kind is None and "enum" not in schema:
            original = dict(schema)
            schema.clear()
            schema["anyOf"] = [original, {"type": "null"}]
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        flag = schema.get(exclusive)
        if isinstance(flag, bool):
            del schema[exclusive]
            if flag and bound in schema:
                schema[exclusive] = schema.pop(bound)
    if "example" in schema:
        example = schema.pop("example")
        schema.setdefault("examples", [example])
    if schema.get("format") == "byte":
        schema.setdefault("contentEncoding", "base64")


__all__ = ["SchemaConverter", "rewrite_ref"]
