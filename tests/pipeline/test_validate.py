"""Stage 3: requests that break the contract get the service's own codes, naming the JSON path."""

from __future__ import annotations

import json

import pytest

from simulator.core import ServiceError, SimRequest
from simulator.pipeline.validate import parse_body, validate_request


def _publish(toy_contract, body: bytes, content_type: str = "application/json"):
    request = SimRequest.from_url("POST", "https://toy.example.com/api/community/", {"Content-Type": content_type}, body)
    op = toy_contract.operations["publish"]
    parsed = parse_body(request, op, toy_contract)
    validate_request(op, toy_contract, {"body": parsed})
    return parsed


@pytest.mark.parametrize(("body", "code", "detail"), [
    (b"{not json", "E_JSON", "not valid JSON"),
    (b"", "E_JSON", "empty"),
    (json.dumps({"data": {}}).encode(), "E_MISSING", "$.body: 'id' is a required property"),
    (json.dumps({"id": "1", "data": {}}).encode(), "E_TYPE", "$.body.id"),
    (json.dumps({"id": 1, "data": {"text": "x", "spy": 1}}).encode(), "E_EXTRA", "$.body.data"),
    (b"x" * 300, "E_BIG", "limit is 200"),
])
def test_each_kind_of_failure_maps_to_its_documented_code(toy_contract, body, code, detail):
    with pytest.raises(ServiceError) as info:
        _publish(toy_contract, body)
    assert info.value.code == code
    assert detail in info.value.detail


def test_a_wrong_content_type_gets_the_content_type_code(toy_contract):
    with pytest.raises(ServiceError) as info:
        _publish(toy_contract, b"{}", "text/plain")
    assert info.value.code == "E_CT" and "application/json" in info.value.detail


def test_non_utf8_bodies_are_a_malformed_body_not_a_crash(toy_contract):
    with pytest.raises(ServiceError) as info:
        _publish(toy_contract, b"\xff\xfe\x00garbage")
    assert info.value.code == "E_JSON"


def test_a_valid_body_passes_and_comes_back_parsed(toy_contract):
    assert _publish(toy_contract, b'{"id": 3, "data": {"text": "hi"}}') == {"id": 3, "data": {"text": "hi"}}
