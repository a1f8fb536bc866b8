"""The CDC-Python contract: it loads, and every example the document gives validates against its schema."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from simulator.contracts import contracts_dir, load_contract

CONTRACT = load_contract(contracts_dir() / "cdc-python")
ERROR_SCHEMAS = {"cdc": "ErrorBody", "cdc-yanxuan": "YanxuanErrorBody"}

EXAMPLES = [
    pytest.param(op, example, id=f"{op.id}: {example['name']}")
    for op in CONTRACT.operations.values()
    for example in op.examples
]
REQUEST_EXAMPLES = [p for p in EXAMPLES if "request" in p.values[1]]


def _error_validator(op) -> Draft202012Validator:
    envelope = op.binding(CONTRACT.deployment(), "envelope")
    return CONTRACT.validator({"$ref": f"#/$defs/{ERROR_SCHEMAS[envelope]}"})


def _messages(validator: Draft202012Validator, instance) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


def test_the_contract_has_all_thirty_documented_operations():
    assert len(CONTRACT.operations) == 30
    assert CONTRACT.service == "cdc-python" and CONTRACT.port_block == 2


def test_every_operation_has_the_document_examples():
    for op in CONTRACT.operations.values():
        assert any("success" in e["name"] for e in op.examples), op.id
        assert any(e["response"].get("error") for e in op.examples), op.id


@pytest.mark.parametrize("op,example", REQUEST_EXAMPLES)
def test_example_request_validates_against_the_operation_schema(op, example):
    request = example["request"]
    for part in ("body", "query"):
        if part in request:
            assert not _messages(op.validators[part], request[part])


@pytest.mark.parametrize("op,example", REQUEST_EXAMPLES)
def test_example_request_matches_its_own_operation(op, example):
    body = example["request"]["body"]
    assert {"body.type": body["type"], "body.subtype": body["subtype"]} == op.match


@pytest.mark.parametrize("op,example", EXAMPLES)
def test_example_response_validates_against_its_schema(op, example):
    response = example["response"]
    code = response.get("error")
    if code is None:
        assert not _messages(op.response_validator, response["body"])
    else:
        assert code in CONTRACT.errors
        assert not _messages(_error_validator(op), response["body"])
        shown = response["body"].get("status", response["body"].get("code"))
        assert shown == CONTRACT.raw["errors"][code]["x-status"]


def test_every_error_entry_carries_the_status_the_client_sees():
    for code, entry in CONTRACT.raw["errors"].items():
        status = entry["x-status"]
        assert status != 0
        if "." in code:  # local statuses are positive and keyed op.status
            op_id, number = code.split(".")[:2]
            assert op_id in CONTRACT.operations and int(number) == status > 0
        else:
            assert int(code) == status < 0


def test_every_local_status_belongs_to_exactly_the_operation_that_documents_it():
    for op in CONTRACT.operations.values():
        for code in op.errors:
            if "." in code:
                assert code.startswith(op.id + "."), (op.id, code)


def test_the_global_status_table_is_complete():
    documented = {-1, -2, -3, -4, -100, -101, -102, -103, -104, -200, -201, -202, -203, -204, -404, -500, -600}
    assert {e["x-status"] for c, e in CONTRACT.raw["errors"].items() if "." not in c} == documented
    assert CONTRACT.raw["x-success-status"]["status"] == 0


def test_examples_with_a_token_use_a_32_character_demo_token():
    tokens = {c["token"] for c in CONTRACT.credentials}
    assert all(len(t) == 32 for t in tokens)
    for op in CONTRACT.operations.values():
        for example in op.examples:
            token = (example.get("request") or {}).get("query", {}).get("token")
            if token is not None:
                assert token in tokens
