"""Hypothesis strategies for the values a contract's request schema allows, with Hypothesis's public API only.

The contracts use a small part of JSON Schema 2020-12 in their request schemas: ``type`` (one or a
list), ``properties``/``required``/``additionalProperties``, ``items``/``prefixItems``/``minItems``/
``maxItems``/``contains``, string lengths and ``pattern``, numeric bounds, ``const``/``enum``,
``oneOf``/``anyOf``/``allOf``/``not``, ``$ref`` into the contract's ``$defs``, ``format`` and
``contentEncoding: base64``. :func:`from_schema` builds a strategy for exactly that part and refuses
anything else with :class:`GenerationUnsupported` naming the keyword, so a contract that starts
using a new keyword fails apisim's own tests instead of generating wrong requests.

Why not hypothesis-jsonschema: it calls Hypothesis internals, and Hypothesis 6.170.10 removed one
of them, which broke ``apisim verify`` on every new install. Everything here is
``hypothesis.strategies``, so any Hypothesis 6 release keeps working.

What is generated:

- objects carry their declared members only (``required`` always, the others or not); members
  outside ``properties`` would only repeat what the "unexpected field" provocation already checks;
- where building by construction cannot promise validity (``not``, ``oneOf``, ``contains``, a
  ``pattern`` with length bounds) the strategy filters with the schema's own validator, so every
  value drawn is valid;
- base64 image fields (``contentEncoding: base64`` with ``contentMediaType`` image/* or none) are
  drawn from the ``images`` strategy the caller passes (random bytes are never a picture).
"""

from __future__ import annotations

import base64
import json
import math
from datetime import timezone
from typing import Any, Callable

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from jsonschema import Draft202012Validator, FormatChecker

from simulator.contracts.refs import deref
from simulator.verify.errors import GenerationUnsupported

# Keywords that constrain nothing a generator must honour (annotations); ``x-*`` notes are skipped too.
ANNOTATIONS = frozenset({"description", "title", "examples", "default", "$comment", "deprecated", "readOnly",
                         "writeOnly", "contentMediaType", "$schema", "$id"})
SUPPORTED = frozenset({"type", "const", "enum", "$ref", "$defs", "allOf", "anyOf", "oneOf", "not",
                       "properties", "required", "additionalProperties", "minProperties", "maxProperties",
                       "items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains",
                       "minLength", "maxLength", "pattern", "format", "contentEncoding",
                       "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})
OBJECT_KEYS = {"properties", "required", "additionalProperties", "minProperties", "maxProperties"}
ARRAY_KEYS = {"items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains"}
STRING_KEYS = {"minLength", "maxLength", "pattern", "format", "contentEncoding"}
NUMBER_KEYS = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
# Unbounded collections stay small: a request is a request, not a load test.
DEFAULT_MAX_ITEMS = 4
MAX_DEPTH = 24
ANY = "<any JSON value>"  # no type keyword and nothing that implies one

TEXT = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")


def from_schema(schema: Any, defs: dict[str, Any] | None = None, *,
                images: SearchStrategy[str] | None = None) -> SearchStrategy[Any]:
    """Values valid against ``schema`` (``$ref`` resolved against ``defs``); see the module docstring."""
    return _Builder(defs or {}, images).build(schema, 0)


def any_json() -> SearchStrategy[Any]:
    """Small JSON values of every type (for ``true`` and ``{}`` schemas)."""
    scalars = st.none() | st.booleans() | st.integers(-1000, 1000) \
        | st.floats(allow_nan=False, allow_infinity=False, width=32) | st.text(TEXT, max_size=8)
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(st.text(TEXT, max_size=8), inner, max_size=3), max_leaves=6)


class _Builder:
    def __init__(self, defs: dict[str, Any], images: SearchStrategy[str] | None):
        self.defs = defs
        self.images = images
        self.format_checker = FormatChecker()

    def is_valid(self, schema: Any) -> Callable[[Any], bool]:
        root = {"$defs": self.defs, **schema} if isinstance(schema, dict) else schema
        return Draft202012Validator(root, format_checker=self.format_checker).is_valid

    def build(self, schema: Any, depth: int) -> SearchStrategy[Any]:
        if depth > MAX_DEPTH:
            raise GenerationUnsupported("schemas nested (or referring to themselves) too deeply")
        if schema is True:
            return any_json()
        if schema is False:
            return st.nothing()
        if not isinstance(schema, dict):
            raise GenerationUnsupported(f"a schema must be an object or a boolean, not {schema!r}")
        schema = deref(schema, self.defs)
        unknown = sorted(k for k in schema if k not in SUPPORTED and k not in ANNOTATIONS and not k.startswith("x-"))
        if unknown:
            raise GenerationUnsupported(f"keyword {', '.join(unknown)} is not supported")
        if "allOf" in schema:
            merged = {k: v for k, v in schema.items() if k != "allOf"}
            for part in schema["allOf"]:
                merged = merge(merged, deref(part, self.defs))
            return self.build(merged, depth + 1)
        for key in ("oneOf", "anyOf"):
            if key in schema:
                rest = {k: v for k, v in schema.items() if k != key}
                branches = [self.build(merge(rest, deref(b, self.defs)), depth + 1) for b in schema[key]]
                return st.one_of(branches).filter(self.is_valid(schema))
        if "not" in schema:
            rest = {k: v for k, v in schema.items() if k != "not"}
            excluded = _excluded_members(schema["not"])
            if excluded and "properties" in rest:  # not: {required: [x]}: simply never draw x
                rest["properties"] = {k: v for k, v in rest["properties"].items() if k not in excluded}
            return self.build(rest, depth + 1).filter(lambda value, ok=self.is_valid(schema["not"]): not ok(value))
        if "const" in schema:
            return st.just(schema["const"])
        if "enum" in schema:
            return st.sampled_from(schema["enum"])
        types = schema.get("type", _implied_types(schema))
        if isinstance(types, list):
            return st.one_of([self.build({**schema, "type": t}, depth + 1) for t in types])
        maker = {"null": lambda s, d: st.none(), "boolean": lambda s, d: st.booleans(), "integer": self.integer,
                 "number": self.number, "string": self.string, "array": self.array, "object": self.object,
                 ANY: lambda s, d: any_json()}.get(types)
        if maker is None:
            raise GenerationUnsupported(f"type {types!r} is not a JSON Schema type")
        return maker(schema, depth)

    # -- scalars --------------------------------------------------------------------------------

    def integer(self, schema: dict[str, Any], depth: int) -> SearchStrategy[int]:
        (low, open_low), (high, open_high) = _bounds(schema)
        if low is not None:
            low = math.floor(low) + 1 if open_low and low == math.floor(low) else math.ceil(low)
        if high is not None:
            high = math.ceil(high) - 1 if open_high and high == math.ceil(high) else math.floor(high)
        return st.integers(low, high)

    def number(self, schema: dict[str, Any], depth: int) -> SearchStrategy[float | int]:
        (low, open_low), (high, open_high) = _bounds(schema)
        floats = st.floats(low, high, allow_nan=False, allow_infinity=False, exclude_min=open_low and low is not None,
                           exclude_max=open_high and high is not None)
        return self.integer(schema, depth) | floats

    def string(self, schema: dict[str, Any], depth: int) -> SearchStrategy[str]:
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        if schema.get("contentEncoding") == "base64":
            if self.images is not None and str(schema.get("contentMediaType", "image/")).startswith("image/"):
                return self.images.filter(lambda s: low <= len(s) and (high is None or len(s) <= high))
            raw = st.binary(min_size=math.ceil(low * 3 / 4), max_size=None if high is None else high * 3 // 4)
            return raw.map(lambda b: base64.b64encode(b).decode("ascii")).filter(lambda s: low <= len(s))
        if schema.get("format") in FORMATS:
            return FORMATS[schema["format"]].filter(lambda s: low <= len(s) and (high is None or len(s) <= high))
        if schema.get("format") in self.format_checker.checkers:  # checked, so random text would not pass
            raise GenerationUnsupported(f"format {schema['format']!r} is not supported")
        # Any other format (OpenAPI's int64, password...) is an annotation the validator does not check.
        if "pattern" in schema:
            # JSON Schema patterns match anywhere in the string, as re.search does: so does from_regex.
            return st.from_regex(schema["pattern"], fullmatch=False).filter(
                lambda s: "\x00" not in s and low <= len(s) and (high is None or len(s) <= high))
        return st.text(TEXT, min_size=low, max_size=high)

    # -- containers -----------------------------------------------------------------------------

    def array(self, schema: dict[str, Any], depth: int) -> SearchStrategy[list[Any]]:
        prefix = [self.build(s, depth + 1) for s in schema.get("prefixItems", [])]
        items = schema.get("items", True)
        low = schema.get("minItems", 0)
        high = schema.get("maxItems", max(low, len(prefix)) + DEFAULT_MAX_ITEMS)
        room = 1 if "contains" in schema else 0  # one place kept for the member ``contains`` asks for
        rest_low, rest_high = max(0, low - len(prefix) - room), max(0, high - len(prefix) - room)
        if items is False:
            rest_high = 0
        unique = {"unique_by": _canonical} if schema.get("uniqueItems") else {}
        rest = st.lists(self.build(items, depth + 1) if rest_high else st.nothing(),
                        min_size=min(rest_low, rest_high), max_size=rest_high, **unique)
        strategy = st.tuples(st.tuples(*prefix), rest).map(lambda parts: [*parts[0], *parts[1]])
        if room:
            member = self.build(merge(items if isinstance(items, dict) else {}, deref(schema["contains"], self.defs)),
                                depth + 1)
            strategy = st.tuples(strategy, member, st.integers(0, DEFAULT_MAX_ITEMS)).map(
                lambda parts: _inserted(parts[0], parts[1], parts[2], len(prefix)))
        return strategy.filter(self.is_valid(schema)) if room or (unique and prefix) else strategy

    def object(self, schema: dict[str, Any], depth: int) -> SearchStrategy[dict[str, Any]]:
        properties = schema.get("properties", {})
        required = list(dict.fromkeys(schema.get("required", [])))
        extra = schema.get("additionalProperties", True)
        if any(name not in properties for name in required) and extra is False:
            return st.nothing()

        def member(name: str) -> SearchStrategy[Any]:
            return self.build(properties[name] if name in properties else extra, depth + 1)

        strategy: SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
            {name: member(name) for name in required},
            optional={name: member(name) for name in properties if name not in required})
        if not properties and isinstance(extra, dict):  # a map: members named freely, valued by the schema
            strategy = st.tuples(strategy, st.dictionaries(st.text(TEXT, min_size=1, max_size=12),
                                                           self.build(extra, depth + 1), max_size=3)) \
                .map(lambda parts: {**parts[1], **parts[0]})
        if "minProperties" in schema or "maxProperties" in schema:
            low, high = schema.get("minProperties", 0), schema.get("maxProperties", math.inf)
            strategy = strategy.filter(lambda value: low <= len(value) <= high)
        return strategy


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Both schemas' constraints in one (for a branch of ``oneOf`` or ``allOf``); what cannot be
    combined by hand is kept for the validator to filter on."""
    out = dict(base)
    for key, value in extra.items():
        if key == "properties":
            out[key] = {**base.get(key, {}), **value}
        elif key == "required":
            out[key] = list(dict.fromkeys([*base.get(key, []), *value]))
        elif key == "type" and "type" in base:  # what both allow (an integer is a number too)
            mine = base["type"] if isinstance(base["type"], list) else [base["type"]]
            theirs = value if isinstance(value, list) else [value]
            common = [t for t in mine if t in theirs or (t == "integer" and "number" in theirs)]
            common += [t for t in theirs if t == "integer" and "number" in mine and "integer" not in mine]
            out[key] = common[0] if len(common) == 1 else common
        elif key in base and base[key] != value:
            out["allOf"] = [*out.get("allOf", []), {key: value}]
        else:
            out[key] = value
    return out


FORMATS: dict[str, SearchStrategy[str]] = {
    "date-time": st.datetimes(timezones=st.just(timezone.utc)).map(lambda d: d.isoformat()),
    "date": st.dates().map(lambda d: d.isoformat()),
    "time": st.times(timezones=st.just(timezone.utc)).map(lambda t: t.isoformat()),
    "email": st.emails(),
    "uri": st.from_regex(r"\Ahttps?://[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,20}){0,3}(/[A-Za-z0-9_.~-]{0,12}){0,3}\Z"),
    "uuid": st.uuids().map(str),
    "ipv4": st.ip_addresses(v=4).map(str),
}


def _implied_types(schema: dict[str, Any]) -> str:
    keys = set(schema)
    for name, implied in (("object", OBJECT_KEYS), ("array", ARRAY_KEYS), ("string", STRING_KEYS),
                          ("number", NUMBER_KEYS)):
        if keys & implied:
            return name
    return ANY


def _bounds(schema: dict[str, Any]) -> tuple[tuple[float | None, bool], tuple[float | None, bool]]:
    """(lowest, whether it is excluded), (highest, whether it is excluded)."""
    low: tuple[float | None, bool] = (schema.get("minimum"), False)
    if "exclusiveMinimum" in schema and (low[0] is None or schema["exclusiveMinimum"] >= low[0]):
        low = (schema["exclusiveMinimum"], True)
    high: tuple[float | None, bool] = (schema.get("maximum"), False)
    if "exclusiveMaximum" in schema and (high[0] is None or schema["exclusiveMaximum"] <= high[0]):
        high = (schema["exclusiveMaximum"], True)
    return low, high


def _excluded_members(negated: Any) -> set[str]:
    if isinstance(negated, dict) and set(negated) == {"required"} and len(negated["required"]) == 1:
        return set(negated["required"])
    return set()


def _inserted(values: list[Any], member: Any, where: int, after: int) -> list[Any]:
    """``member`` put somewhere after the ``after`` prefix items."""
    position = min(after, len(values)) + where % (max(0, len(values) - after) + 1)
    return [*values[:position], member, *values[position:]]


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
