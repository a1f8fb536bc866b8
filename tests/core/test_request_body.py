"""SimRequest.json: the body parsed once per distinct body, each request with its own copy."""

from __future__ import annotations

import json

import pytest

from simulator.core import SimRequest


def request(body: bytes, depth: int = 100) -> SimRequest:
    return SimRequest(method="POST", path="/", body=body, max_json_depth=depth)


def test_a_body_changed_by_one_request_reaches_the_next_request_unchanged():
    body = json.dumps({"image": "aGk=", "options": {"side": "front", "tags": ["a"]}}).encode()
    first = request(body).json()
    first["image"] = "changed"
    first["options"]["tags"].append("b")
    del first["options"]["side"]
    assert request(body).json() == {"image": "aGk=", "options": {"side": "front", "tags": ["a"]}}


def test_a_body_that_is_not_json_is_refused_every_time():
    for _ in range(3):
        with pytest.raises(ValueError):
            request(b'{"image": ').json()
    with pytest.raises(ValueError, match="not UTF-8"):
        request(b'{"a": "\\xff"}'.replace(b"\\xff", b"\xff")).json()


def test_the_depth_limit_applies_to_a_body_seen_before_under_a_looser_limit():
    body = b'{"a": {"b": {"c": 1}}}'
    assert request(body, depth=10).json() == {"a": {"b": {"c": 1}}}
    with pytest.raises(ValueError, match="nested"):
        request(body, depth=2).json()


def test_numbers_keep_their_json_types_and_size():
    body = b'{"big": 123456789012345678901234567890, "f": 1.5, "n": null, "t": true}'
    parsed = request(body).json()
    again = request(body).json()
    assert parsed == again == {"big": 123456789012345678901234567890, "f": 1.5, "n": None, "t": True}
    assert type(again["big"]) is int and type(again["f"]) is float
