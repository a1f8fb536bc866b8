"""Where each string of a generated value comes from: "no field left to chance".

The rule: every string a contract's response can hold when the simulator fills it in comes from a
named provider (``x-faker``), a ``format`` the generator knows, an ``enum``/``const`` or an
``examples`` list. What is left falls back to a random Faker word: a value no real service would
send in a structured field. A ``pattern`` alone is not enough: the generator validates patterns,
it does not invert them, so a patterned field also names a provider (``digits:12``, ``hex:32``) or
examples. An object without properties inside an array (``"catalog": [{}]``) is chance too. :func:`chance_fields` lists those places, walking a
schema exactly the way :class:`~simulator.fake.generator.FakeData` does (``$ref``, ``allOf``
merged, the first ``oneOf``/``anyOf`` branch, array items), so the list is what would really fire.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from simulator.contracts.refs import deref
from simulator.fake.generator import merge_schemas, pick_type
from simulator.fake.providers import ENTITY_ALIASES, entity_provider

GENERATED_FORMATS = ("date-time", "date", "uri", "url", "email", "uuid")
# Named providers that still produce free text (a Faker word or sentence, a random website): allowed
# where the document's field is free text, listed separately so structured fields don't hide there.
FREE_TEXT_PROVIDERS = ("word", "sentence", "paragraph", "url")
_MAX_DEPTH = 12


@dataclass(frozen=True)
class StringSource:
    path: str  # JSON path inside the body: $.data.list[].name
    source: str  # "x-faker:name", "format:date-time", "enum", "const", "examples", "chance"

    @property
    def by_chance(self) -> bool:
        return self.source == "chance"

    @property
    def free_text(self) -> bool:
        return self.source.partition(":")[2] in FREE_TEXT_PROVIDERS and self.source.startswith("x-faker:")

    @property
    def legacy_name(self) -> bool:
        """An older plain provider name that now stands for an entity field (``name`` → ``person.name``)."""
        return self.source.startswith("x-faker:") and self.source[8:] in ENTITY_ALIASES


def string_sources(schema: Any, defs: dict[str, Any], path: str = "$") -> Iterator[StringSource]:
    """Every place the generator would make a string for ``schema``, with where the string comes from."""
    yield from _walk(schema, defs, path, 0)


def chance_fields(schema: Any, defs: dict[str, Any]) -> list[str]:
    """The paths where generic fake text would fire."""
    return [s.path for s in string_sources(schema, defs) if s.by_chance]


def _walk(schema: Any, defs: dict[str, Any], path: str, depth: int) -> Iterator[StringSource]:
    schema = deref(schema, defs)
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return
    if "x-faker" in schema:
        if entity_provider(schema["x-faker"]) is not None or pick_type(schema) in (None, "string"):
            yield StringSource(path, "x-faker:" + schema["x-faker"])
        return
    for key in ("const", "enum"):
        if key in schema:
            yield StringSource(path, key)
            return
    if schema.get("examples"):
        yield StringSource(path, "examples")
        return
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged = merge_schemas(merged, deref(part, defs))
        yield from _walk(merge_schemas(merged, {k: v for k, v in schema.items() if k != "allOf"}), defs, path, depth + 1)
        return
    for key in ("oneOf", "anyOf"):
        if key in schema:
            chosen = deref(schema[key][0], defs)
            rest = {k: v for k, v in schema.items() if k != key}
            yield from _walk(merge_schemas(rest, chosen) if isinstance(chosen, dict) else chosen, defs, path, depth + 1)
            return
    kind = pick_type(schema)
    if kind == "object":
        if not schema.get("properties") and path.endswith("[]"):
            yield StringSource(path, "chance")  # an empty object where the document lists records
        for name, sub in schema.get("properties", {}).items():
            yield from _walk(sub, defs, f"{path}.{name}", depth + 1)
    elif kind == "array":
        for i, sub in enumerate(schema.get("prefixItems", [])):
            yield from _walk(sub, defs, f"{path}[{i}]", depth + 1)
        if "prefixItems" not in schema:
            yield from _walk(schema.get("items", {"type": "string"}), defs, f"{path}[]", depth + 1)
    elif kind == "string":
        if schema.get("format") in GENERATED_FORMATS:
            yield StringSource(path, "format:" + schema["format"])
        else:
            yield StringSource(path, "chance")
