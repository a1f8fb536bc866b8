"""No field left to chance: every string a shipped contract answers with has a named source.

The rule (simulator/fake/sources.py): an ``x-faker`` provider, a ``format`` the generator makes, an
``enum``/``const`` or ``examples``. Where none applies, the generator falls back to a random word,
which is how the IAM token came to say ``"password_expires_at": "完全"``. ``chance_fields.txt``
lists the fields still left to chance (empty since issue #20); this test keeps that list exact in
both directions, so it only ever shrinks. Shipped contracts also name entity fields by their entity
name (``person.name``), not by the older plain aliases.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.contracts import load_contracts
from simulator.fake.providers import ENTITY_ALIASES
from simulator.fake.sources import chance_fields, string_sources

KNOWN = Path(__file__).with_name("chance_fields.txt")


def found_chance_fields() -> set[str]:
    found = set()
    for name, contract in load_contracts().items():
        for op_id, operation in contract.operations.items():
            body = operation.response.get("body")
            if body is not None:
                found.update(f"{name} {op_id} {path}" for path in chance_fields(body, contract.defs))
    return found


def known_chance_fields() -> set[str]:
    lines = KNOWN.read_text("utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def test_no_new_response_string_is_left_to_chance():
    new = sorted(found_chance_fields() - known_chance_fields())
    assert not new, ("these response fields would get a random word; give each an x-faker provider, a format, "
                     "an enum or examples:\n" + "\n".join(new))


def test_the_list_of_fields_left_to_chance_is_no_longer_than_it_must_be():
    fixed = sorted(known_chance_fields() - found_chance_fields())
    assert not fixed, f"these fields have a source now; delete them from {KNOWN.name}:\n" + "\n".join(fixed)


def test_shipped_contracts_name_entity_fields_by_their_entity_names():
    legacy = sorted({f"{name} {op_id} {s.path}: x-faker {s.source[8:]!r} is now {ENTITY_ALIASES[s.source[8:]]!r}"
                     for name, contract in load_contracts().items()
                     for op_id, operation in contract.operations.items() if operation.response.get("body") is not None
                     for s in string_sources(operation.response["body"], contract.defs) if s.legacy_name})
    assert not legacy, "\n".join(legacy)


@pytest.mark.parametrize("schema, expected", [
    ({"type": "object", "properties": {"a": {"type": "string"}}}, ["$.a"]),
    ({"type": "object", "properties": {"a": {"type": "string", "format": "date-time"}}}, []),
    ({"type": "object", "properties": {"a": {"type": "string", "pattern": "^[0-9]+$"}}}, ["$.a"]),
    ({"type": "object", "properties": {"a": {"x-faker": "digits:4", "pattern": "^[0-9]+$"}}}, []),
    ({"type": "array", "items": {"type": "object"}}, ["$[]"]),
    ({"type": "array"}, ["$[]"]),
    ({"oneOf": [{"$ref": "#/$defs/T"}, {"type": "string"}]}, []),
    ({"allOf": [{"properties": {"a": {"enum": ["x"]}}}, {"properties": {"b": {"type": "string"}}}]}, ["$.b"]),
])
def test_the_walk_finds_what_the_generator_would_make_by_chance(schema, expected):
    assert chance_fields(schema, {"T": {"type": "string", "examples": ["t"]}}) == expected


def test_entity_fields_are_named_sources():
    sources = list(string_sources({"type": "object", "properties": {"n": {"x-faker": "person.name"},
                                                                     "c": {"x-faker": "company"}}}, {}))
    assert [s.source for s in sources] == ["x-faker:person.name", "x-faker:company"]
    assert not any(s.by_chance for s in sources) and sources[1].legacy_name
