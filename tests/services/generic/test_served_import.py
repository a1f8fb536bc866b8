"""An imported OpenAPI document served with no Python: schema-valid answers, the document's own
errors, X-Apisim-Code, faults, the journal and coverage, as for the shipped services."""

from __future__ import annotations

import json

import pytest

from simulator import Simulator
from simulator.config import SimulatorConfig
from simulator.coverage import CoverageData, compute
from simulator.services import discover_services


def _json(exchange):
    return json.loads(exchange.response.body)


def _fits(contract, schema, body) -> list[str]:
    return [e.message for e in contract.validator(schema).iter_errors(body)]


def test_the_imported_contract_has_no_package_and_is_served_by_the_generic_service(pets):
    assert "pet-store" not in discover_services()
    assert set(pets.simulator.services["pet-store"].handlers) == set(pets.contract.operations)


@pytest.mark.parametrize("method, path, body", [
    ("GET", "/pets", b""),
    ("GET", "/pets?limit=5", b""),  # a query parameter typed integer, sent as text
    ("POST", "/pets", b'{"name": "Rex", "tag": "dog"}'),
    ("GET", "/pets/7", b""),
])
def test_a_valid_request_gets_an_answer_its_schema_accepts(pets, method, path, body):
    exchange = pets.send(method, path, body)
    op = exchange.operation
    assert (exchange.response.status, exchange.code) == (op.response["status"], None), exchange.response.body
    assert exchange.response.header("Content-Type").startswith("application/json")
    assert _fits(pets.contract, op.response["body"], _json(exchange)) == []


def test_an_operation_with_a_success_example_answers_the_example(pets):
    assert _json(pets.send("GET", "/pets/7")) == {"id": 1, "name": "Rex"}


def test_answers_are_deterministic(pets):
    again = Simulator(SimulatorConfig(contracts_dir=str(pets.contracts_dir)))
    first = pets.send("POST", "/pets", b'{"name": "Rex"}').response.body
    assert again.handle(pets.send("POST", "/pets", b'{"name": "Rex"}').request).body == first


@pytest.mark.parametrize("method, path, body, code, where", [
    ("POST", "/pets", b'{"tag": "dog"}', "400", "$.body: 'name' is a required property"),
    ("POST", "/pets", b'{"name": 7}', "400", "$.body.name: 7 not of type 'string'"),
    ("POST", "/pets", b"{not json", "400", "not valid JSON"),
    ("GET", "/pets?limit=500", b"", "400", "$.query.limit: 500"),
    ("GET", "/pets?limit=five", b"", "400", "$.query.limit: \"five\""),
    ("GET", "/pets/0", b"", "400", "$.path_params.petId: 0"),
])
def test_an_invalid_request_gets_the_documented_error_naming_the_json_path(pets, method, path, body, code, where):
    exchange = pets.send(method, path, body)
    entry = pets.contract.errors[code]
    assert (exchange.response.status, exchange.code, exchange.stage) == (entry.http_status, code, "validation")
    assert where in exchange.detail
    answer = _json(exchange)
    assert answer["code"] == code
    assert _fits(pets.contract, pets.contract.raw["errors"][code]["x-schema"], answer) == []


@pytest.mark.parametrize("key, kind", [(None, "missing"), ("not-a-key", "unknown_key")])
def test_a_request_without_a_valid_key_gets_the_documented_401(pets, key, kind):
    exchange = pets.send("POST", "/pets", b'{"name": "Rex"}', key=key)
    assert (exchange.response.status, exchange.code, exchange.stage) == (401, "401", "auth")
    assert _json(exchange) == {"code": "401", "message": "no or bad key"}


def test_an_operation_the_document_leaves_open_needs_no_key(pets):
    assert pets.send("DELETE", "/pets/3", key=None).response.status == 204


def test_x_apisim_code_answers_a_documented_error_with_the_documents_example(pets):
    exchange = pets.send("GET", "/pets/7", **{"X-Apisim-Code": "PET_GONE"})
    assert (exchange.response.status, exchange.code, exchange.forced) == (404, "PET_GONE", True)
    assert _json(exchange) == {"code": "PET_GONE", "message": "pet 7 left"}  # the document's example
    other = _json(pets.send("GET", "/pets/7", **{"X-Apisim-Code": "PET_NOT_FOUND"}))
    assert other["code"] == "PET_NOT_FOUND"  # from the schema: the code in its code field
    assert _fits(pets.contract, pets.contract.raw["errors"]["PET_NOT_FOUND"]["x-schema"], other) == []


def test_a_fault_answers_a_documented_code_and_the_journal_and_coverage_see_everything(pets):
    pets.simulator.control.faults.inject("pet-store:list_pets:code=400,times=1")
    assert pets.send("GET", "/pets").code == "400"
    assert pets.send("GET", "/pets").code is None
    pets.send("POST", "/pets", b"{}")
    entries = pets.simulator.journal.entries()
    assert [(e["operation"], e["code"]) for e in entries] == [("list_pets", "400"), ("list_pets", None),
                                                              ("create_pet", "400")]
    coverage = compute(pets.simulator.contracts, CoverageData().add_all(entries)).service("pet-store")
    assert "400" in coverage.operation("list_pets").codes_covered
    assert coverage.operation("create_pet").called and not coverage.operation("get_pet").called


def test_a_contract_that_names_no_validation_error_is_refused_at_start(pets_dir, tmp_path):
    raw = json.loads((pets_dir / "pet-store.json").read_text("utf-8"))
    for op in raw["operations"].values():
        op.pop("validation_errors", None)
    del raw["validation_errors"]
    (tmp_path / "pet-store.json").write_text(json.dumps(raw), "utf-8")
    with pytest.raises(LookupError, match="no validation_errors.invalid code for create_pet"):
        Simulator(SimulatorConfig(contracts_dir=str(tmp_path)))
