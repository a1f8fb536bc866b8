from __future__ import annotations

import pytest
from jsonschema import FormatChecker

from simulator.contracts.model import Contract


def _err(status: int, message: str) -> dict:
    return {"http_status": status, "message": message, "when": "test"}


@pytest.fixture
def toy_contract() -> Contract:
    """A small multiplexed contract, in the shape of CDC-Python's one-URL-many-operations style."""
    raw = {
        "service": "toy",
        "title": "toy",
        "source": "none",
        "deployments": [{"name": "main", "base_url": "https://toy.example.com"},
                        {"name": "other", "base_url": "https://other.example.com:8443/base"}],
        "validation_errors": {"malformed_body": "E_JSON", "missing": "E_MISSING", "type": "E_TYPE",
                              "unexpected": "E_EXTRA", "invalid": "E_INVALID", "content_type": "E_CT",
                              "too_large": "E_BIG"},
        "errors": {code: _err(400, code) for code in ["E_JSON", "E_MISSING", "E_TYPE", "E_EXTRA", "E_INVALID", "E_CT", "E_BIG"]},
        "operations": {
            "publish": {"summary": "s", "method": "POST", "path": "/api/community/", "deployments": ["main"],
                        "match": {"body.type": "community", "body.subtype": "publish"},
                        "request": {"content_types": ["application/json"], "max_body_bytes": 200,
                                    "body": {"type": "object", "required": ["id", "data"],
                                             "properties": {"id": {"type": "integer"},
                                                            "data": {"type": "object", "additionalProperties": False,
                                                                     "properties": {"text": {"type": "string"}}}}}},
                        "response": {"status": 200}},
            "list": {"summary": "s", "method": "POST", "path": "/api/community/", "deployments": ["main"],
                     "match": {"body.type": "community", "body.subtype": "list"}, "response": {"status": 200}},
            "item": {"summary": "s", "method": "GET", "path": "/api/items/{item_id}", "response": {"status": 200}},
            "item_special": {"summary": "s", "method": "GET", "path": "/api/items/special", "response": {"status": 200}},
        },
    }
    return Contract(raw, "toy.json", FormatChecker())
