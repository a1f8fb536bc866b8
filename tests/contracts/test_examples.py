"""Every example a document gives is in its contract and fits the contract's own schemas."""

from __future__ import annotations

import pytest

from simulator.contracts import load_contracts

CONTRACTS = load_contracts()
EXAMPLES = [
    pytest.param(contract, op, example, id=f"{contract.service}.{op.id}.{i}")
    for contract in CONTRACTS.values()
    for op in contract.operations.values()
    for i, example in enumerate(op.examples)
]


@pytest.mark.parametrize(("contract", "op", "example"), EXAMPLES)
def test_example_fits_its_schemas(contract, op, example):
    request = example.get("request", {})
    if "body" in request and "body" in op.validators:
        errors = [e.message for e in op.validators["body"].iter_errors(request["body"])]
        assert not errors, f"request body example breaks the schema: {errors}"
    response = example.get("response", {})
    if "error" in response:
        assert response["error"] in contract.errors, "an error example names an undocumented code"
        assert response["error"] in op.errors, "an error example shows a code its operation does not list"
        if "status" in response:
            assert response["status"] == contract.errors[response["error"]].http_status
    elif "body" in response and op.response_validator is not None and response.get("status", op.response["status"]) == op.response["status"]:
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in op.response_validator.iter_errors(response["body"])]
        assert not errors, f"response example breaks the schema: {errors}"


def test_every_contract_has_examples_where_its_document_does():
    assert any(op.examples for op in CONTRACTS["huawei-ocr"].operations.values())
