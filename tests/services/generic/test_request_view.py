"""The generic service's request view: JSON-string form fields decoded where the contract gives
their ``contentSchema``, their content checked against it; text parameters read as the numbers and
booleans their schemas say they are."""

from __future__ import annotations

import json

import pytest

from simulator import Simulator
from simulator.authoring import import_openapi, write_contract
from simulator.config import SimulatorConfig
from simulator.core import SimRequest

FORM = "application/x-www-form-urlencoded"
SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "Risk", "version": "1"},
    "servers": [{"url": "https://risk.example"}],
    "paths": {"/": {"post": {
        "operationId": "check",
        "parameters": [{"name": "verbose", "in": "query", "schema": {"type": "boolean"}}],
        "requestBody": {"required": True, "content": {FORM: {"schema": {
            "type": "object", "required": ["Service", "ServiceParameters"],
            "properties": {"Service": {"type": "string"}, "ServiceParameters": {
                "type": "string", "contentMediaType": "application/json",
                "contentSchema": {"type": "object", "required": ["method"],
                                  "properties": {"method": {"enum": ["init", "query"]}}}}}}}}},
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
            "type": "object", "required": ["ok"], "properties": {"ok": {"type": "boolean"}}}}}},
                      "400": {"description": "bad request"}},
    }}},
}


@pytest.fixture
def risk(tmp_path):
    spec = tmp_path / "risk.json"
    spec.write_text(json.dumps(SPEC), "utf-8")
    imported = import_openapi(spec)
    write_contract(imported.contract, tmp_path / "contracts", imported.report(), "import")
    return Simulator(SimulatorConfig(contracts_dir=str(tmp_path / "contracts")))


def _send(sim, form: str, query: str = ""):
    return sim.exchange(SimRequest.from_url("POST", f"https://risk.example/{query}", {"Content-Type": FORM},
                                            form.encode()))


def test_a_json_string_field_is_decoded_in_the_requests_parameters(risk):
    exchange = _send(risk, 'Service=saf&ServiceParameters={"method":"init"}', "?verbose=true")
    assert (exchange.response.status, exchange.code) == (200, None), exchange.detail
    assert risk.journal.entries()[-1]["operation"] == "check"
    service = risk.services["risk"]
    request = SimRequest.from_url("POST", "https://risk.example/", {"Content-Type": FORM},
                                  b'Service=saf&ServiceParameters={"method":"init"}')
    assert service.parse_params(request)["ServiceParameters"] == {"method": "init"}


@pytest.mark.parametrize("form, query, where", [
    ('Service=saf&ServiceParameters={"method":"other"}', "", "$.body.ServiceParameters.method"),
    ('Service=saf&ServiceParameters={}', "", "$.body.ServiceParameters: 'method' is a required property"),
    ("Service=saf&ServiceParameters={not json", "", "$.body.ServiceParameters: not a JSON document"),
    ('Service=saf&ServiceParameters={"method":"init"}', "?verbose=maybe", "$.query.verbose"),
])
def test_content_that_breaks_its_content_schema_gets_the_documented_error(risk, form, query, where):
    exchange = _send(risk, form, query)
    assert (exchange.response.status, exchange.code, exchange.stage) == (400, "400", "validation")
    assert where in exchange.detail
