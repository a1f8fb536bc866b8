"""The aliyun-market contract: it loads, and it holds what the document holds."""

from __future__ import annotations

import json
import re

import pytest

from simulator.contracts import contracts_dir, load_contract

CONTRACT = load_contract(contracts_dir() / "aliyun-market")
ERRNO_TABLE = ["1001", "1002", "1030", "1031", "1032", "2000", "3000", "3001", "3002"]
EXAMPLES = [
    pytest.param(op, example, id=f"{op.id}:{example['name']}")
    for op in CONTRACT.operations.values()
    for example in op.examples
]


def test_the_contract_names_the_documents_five_operations_on_their_own_hosts():
    hosts = {op.id: [CONTRACT.deployment(d).original_host for d in op.deployments] for op in CONTRACT.operations.values()}
    assert hosts == {
        "ocr_business_card": ["dm-57.data.aliyun.com"],
        "ocr_bank_card": ["yhk.market.alicloudapi.com"],
        "face_detect": ["dtplus-cn-shanghai.data.aliyuncs.com"],
        "face_attribute": ["dtplus-cn-shanghai.data.aliyuncs.com"],
        "face_verify": ["dtplus-cn-shanghai.data.aliyuncs.com"],
    }
    assert CONTRACT.port_block == 1


@pytest.mark.parametrize("op, example", EXAMPLES)
def test_every_example_response_validates_against_its_schema(op, example):
    errors = list(op.response_validator.iter_errors(example["response"]["body"]))
    assert not errors, [e.message for e in errors]


@pytest.mark.parametrize("op, example", [p for p in EXAMPLES if "request" in p.values[1]])
def test_every_example_request_validates_against_its_schemas(op, example):
    body = example["request"]["body"]
    assert not list(op.validators["body"].iter_errors(body))
    fields = CONTRACT.validator(op.raw["x-fields"])
    assert not [e.message for e in fields.iter_errors(body)]


def test_every_operation_has_the_documents_example():
    assert all(op.examples for op in CONTRACT.operations.values())


def test_the_errno_table_is_complete_and_every_face_operation_can_answer_it():
    for code in ERRNO_TABLE:
        assert code in CONTRACT.errors
    for op_id in ("face_detect", "face_attribute", "face_verify"):
        assert set(ERRNO_TABLE) <= set(CONTRACT.operations[op_id].errors)


def test_errno_messages_are_the_documents_words():
    assert CONTRACT.errors["1030"].message == "参数错误：无效的type"
    assert CONTRACT.errors["2000"].message == "图像解码失败"
    # Every err_msg is the error table's 说明 text, 1031 too (its 举例 column's "invalid image url." is a sample).
    assert CONTRACT.errors["1031"].message == "参数错误：无效的image url" and not CONTRACT.errors["1031"].body


@pytest.mark.parametrize("code, status", [
    ("Invalid AppCode", 400), ("Unauthorized", 403), ("Quota Exhausted", 403),
    ("Throttled by APP Flow Control", 403), ("Invalid Param Location", 400),
    ("Request body too Large", 413), ("Async Service", 504), ("Internal Error", 500),
])
def test_gateway_errors_carry_the_gateways_status_and_come_before_the_service(code, status):
    entry = CONTRACT.errors[code]
    assert entry.http_status == status
    assert entry.envelope == "gateway"


def test_the_market_samples_exact_gateway_message_for_an_unknown_appcode():
    assert CONTRACT.errors["Invalid AppCode"].message == "Invalid AppCode `not exists`"


def test_every_auth_failure_kind_a_scheme_raises_maps_to_a_catalogue_code():
    for dep in CONTRACT.deployments:
        mapping = dep.auth["errors"]
        assert {"missing", "malformed", "unknown_key"} <= set(mapping)
        assert all(code in CONTRACT.errors for code in mapping.values())
    assert {"bad_signature", "expired"} <= set(CONTRACT.deployment("dataplus-face").auth["errors"])


def test_market_request_ids_have_the_documents_form():
    pattern = re.compile(CONTRACT.defs["MarketRequestId"]["pattern"])
    assert pattern.fullmatch("20191012144147_d2d0c2fde269d00b30c44e6f79222a2b")
    assert not pattern.fullmatch("e78f8c70-4743-47b8-9aff-755f41a935cb")


def test_dataplus_examples_hold_no_json_literal_that_python_eval_would_reject():
    for op_id in ("face_detect", "face_attribute", "face_verify"):
        for example in CONTRACT.operations[op_id].examples:
            text = json.dumps(example["response"]["body"])
            assert not re.search(r"\b(true|false|null)\b", text)


def test_demo_credentials_cover_both_schemes():
    assert any("AppCode" in c for c in CONTRACT.credentials)
    assert any({"ak_id", "ak_secret"} <= set(c) for c in CONTRACT.credentials)
