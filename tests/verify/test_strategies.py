"""Values generated from the contracts' request schemas: always valid, from public Hypothesis API only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

import simulator
from simulator.contracts import load_contracts
from simulator.verify.generate import fixture_images
from simulator.verify.strategies import GenerationUnsupported, from_schema

CONTRACTS = load_contracts(None, None)
REQUEST_SCHEMAS = [
    pytest.param(contract, op.request[part], id=f"{name}.{op.id}.{part}")
    for name, contract in CONTRACTS.items() for op in contract.operations.values()
    for part in ("body", "params", "query", "path_params") if part in op.request
]
SETTINGS = settings(max_examples=8, database=None, deadline=None, suppress_health_check=list(HealthCheck))


def validator(schema, defs=None):
    root = {"$defs": defs or {}, **schema} if isinstance(schema, dict) else schema
    return Draft202012Validator(root, format_checker=FormatChecker())


@pytest.mark.parametrize("contract, schema", REQUEST_SCHEMAS)
def test_every_request_schema_of_every_contract_generates_only_valid_values(contract, schema):
    check = validator(schema, contract.defs)

    @SETTINGS
    @given(from_schema(schema, contract.defs, images=fixture_images()))
    def generated_value_is_valid(value):
        assert [e.message for e in check.iter_errors(value)] == []

    generated_value_is_valid()


@pytest.mark.parametrize("schema", [
    {"type": "object", "properties": {"a": {"type": "string", "minLength": 2, "maxLength": 3}}, "required": ["a"]},
    {"type": ["integer", "string"], "pattern": "^[0-9]{8}$", "minimum": 10000101, "maximum": 99991231},
    {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
    {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 3},
    {"type": "array", "contains": {"const": "password"}, "maxItems": 2},
    {"type": "array", "prefixItems": [{"type": "integer"}], "items": {"type": "string"}, "minItems": 2},
    {"type": "array", "items": {"enum": [1, 2, 3]}, "uniqueItems": True, "minItems": 2},
    {"type": "object", "additionalProperties": {"type": "integer"}, "minProperties": 1},
    {"allOf": [{"properties": {"a": {"type": "integer"}}}, {"required": ["a"]}]},
    {"type": "string", "format": "date-time"},
    {"type": "string", "format": "password"},  # not checked by the validator: an annotation
    {"type": "string", "contentEncoding": "base64", "contentMediaType": "application/octet-stream", "minLength": 4},
    {"type": "object", "additionalProperties": False,
     "properties": {"image": {"type": "string"}, "url": {"type": "string"}},
     "oneOf": [{"required": ["image"], "not": {"required": ["url"]}},
               {"required": ["url"], "not": {"required": ["image"]}}]},
    {"$ref": "#/$defs/Point"},
    True,
])
def test_each_supported_keyword_generates_valid_values(schema):
    defs = {"Point": {"type": "object", "required": ["x"], "properties": {"x": {"type": "number"}}}}
    check = validator(schema, defs)

    @SETTINGS
    @given(from_schema(schema, defs))
    def generated_value_is_valid(value):
        assert check.is_valid(value), value

    generated_value_is_valid()


def test_one_of_reaches_every_branch():
    schema = {"type": "object", "additionalProperties": False,
              "properties": {"image": {"type": "string"}, "url": {"type": "string"}},
              "oneOf": [{"required": ["image"]}, {"required": ["url"]}]}
    seen = set()

    @settings(max_examples=50, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(from_schema(schema))
    def record(value):
        seen.add(tuple(sorted(value)))

    record()
    assert {("image",), ("url",)} <= seen


def test_base64_image_fields_come_from_the_images_strategy():
    schema = {"type": "object", "required": ["image"],
              "properties": {"image": {"type": "string", "contentEncoding": "base64", "contentMediaType": "image/*"}}}

    @SETTINGS
    @given(from_schema(schema, images=st.just("aW1hZ2U=")))
    def drawn_from_images(value):
        assert value == {"image": "aW1hZ2U="}

    drawn_from_images()


@pytest.mark.parametrize("schema, named", [
    ({"type": "string", "dependentRequired": {}}, "dependentRequired"),
    ({"type": "object", "patternProperties": {"^a": {}}}, "patternProperties"),
    ({"type": "string", "format": "idn-hostname"}, "idn-hostname"),
    ({"type": "tuple"}, "tuple"),
])
def test_a_keyword_outside_the_supported_subset_is_refused_by_name(schema, named):
    with pytest.raises(GenerationUnsupported, match=named):
        from_schema(schema)


def test_apisim_uses_no_private_hypothesis_module():
    """Hypothesis 6.170.10 removed an internal hypothesis-jsonschema called: apisim must not call any."""
    offenders = []
    for path in Path(simulator.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                parts = name.split(".")
                if parts[0] in ("hypothesis", "hypothesis_jsonschema") and \
                        (parts[0] == "hypothesis_jsonschema" or any(p.startswith("_") or p == "internal" for p in parts)):
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []
