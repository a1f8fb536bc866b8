"""The aliyun-saf contract: it loads, its examples fit its schemas, and it holds every code of the document."""

from __future__ import annotations

import pytest

from simulator.contracts import load_contract
from simulator.contracts.loader import contracts_dir

CONTRACT = load_contract(contracts_dir() / "aliyun-saf")

# Every code the document's tables list (统一返回Code, the init and query detailed tables).
DOCUMENT_CODES = {
    "unified": {"400", "402", "403", "404", "500"},
    "init": {"init.400", "init.500", "B110", "R110", "Z8102", "Z8199", "Z1108", "Z1110", "Z1109", "Z1111", "Z1112",
             "Z1199", "Z5101", "Z5102", "Z5103", "Z5199", "510", "520", "530", "540"},
    "query": {"300", "query.500", "Z8301", "Z1146", "Z8302", "Z8399"},
}

EXAMPLES = [
    pytest.param(op, example, id=f"{op.id}:{example['name']}")
    for op in CONTRACT.operations.values()
    for example in op.examples
]


def error_body_validator(code: str):
    envelope = CONTRACT.errors[code].envelope
    name = {"saf": "SafErrorBody", "gateway": "GatewayErrorBody"}[envelope]
    return CONTRACT.validator({"$ref": f"#/$defs/{name}"})


def test_the_contract_loads_as_service_aliyun_saf_in_port_block_4():
    assert CONTRACT.service == "aliyun-saf"
    assert CONTRACT.port_block == 4
    assert set(CONTRACT.operations) == {"init", "query", "init_h5", "query_h5", "match"}


@pytest.mark.parametrize("op,example", EXAMPLES)
def test_every_example_validates_against_its_schema(op, example):
    request = example.get("request")
    if request and "params" in request:
        errors = list(op.validators["params"].iter_errors(request["params"]))
        assert not errors, [e.message for e in errors]
    response = example.get("response")
    if response:
        if "error" in response:
            assert response["error"] in op.errors
            validator = error_body_validator(response["error"])
        else:
            validator = op.response_validator
        errors = list(validator.iter_errors(response["body"]))
        assert not errors, [e.message for e in errors]


def test_every_operation_has_an_example():
    assert all(op.examples for op in CONTRACT.operations.values())


@pytest.mark.parametrize("table", sorted(DOCUMENT_CODES))
def test_the_catalogue_holds_every_code_of_the_document(table):
    missing = DOCUMENT_CODES[table] - set(CONTRACT.errors)
    assert not missing
    for code in DOCUMENT_CODES[table]:
        assert CONTRACT.raw["errors"][code]["x-table"] == table


def test_service_results_come_with_http_200_and_gateway_errors_with_non_2xx():
    for code, entry in CONTRACT.errors.items():
        if entry.envelope == "saf":
            assert entry.http_status == 200, code
            assert isinstance(entry.body["Code"], int)
        else:
            assert entry.envelope == "gateway", code
            assert entry.http_status >= 400, code


@pytest.mark.parametrize("code", sorted(c for c, e in CONTRACT.raw["errors"].items() if "x-resultCodeSub" in e))
def test_z_code_messages_follow_the_documents_format_lines(code):
    raw = CONTRACT.raw["errors"][code]
    prefix = {"init": "init接口调用失败，", "query": "query接口调用失败，", "plain": "接口调用失败，"}[raw["x-format"]]
    assert raw["message"] == f"{prefix}{raw['x-resultCode']}：{raw['x-resultMsgSub']}（{raw['x-resultCodeSub']}）"
    assert raw["x-resultCodeSub"] == code
    assert f"({code})" in raw["x-resultMsgSub"]


def test_the_documents_z1108_example_is_reproduced_exactly():
    assert CONTRACT.errors["Z1108"].message == "init接口调用失败，DEVICE_NOT_SUPPORT：当前设备不支持刷脸(Z1108)（Z1108）"
    assert CONTRACT.errors["Z1146"].message == "query接口调用失败，NOT_SAME_PERSON：抱歉，没有认出您(Z1146)（Z1146）"


def test_every_unified_mapping_names_a_unified_code():
    for code, raw in CONTRACT.raw["errors"].items():
        if raw.get("envelope") == "saf":
            assert raw["x-unified"] in DOCUMENT_CODES["unified"] | {"300"}, code


def test_auth_failures_map_to_gateway_codes():
    mapping = CONTRACT.defaults["auth"]["errors"]
    assert mapping["bad_signature"] == "SignatureDoesNotMatch"
    assert mapping["replayed"] == "SignatureNonceUsed"
    assert mapping["expired"] == "InvalidTimeStamp.Expired"
    assert mapping["unknown_key"] == "InvalidAccessKeyId.NotFound"
    assert all(CONTRACT.errors[code].envelope == "gateway" for code in mapping.values())


def test_the_signature_mismatch_message_ends_with_the_sdk_marker():
    # aliyun-python-sdk-core splits this message on ':' and compares part 1 with its own StringToSign.
    assert CONTRACT.errors["SignatureDoesNotMatch"].message.endswith("server string to sign is:")
    assert CONTRACT.errors["SignatureDoesNotMatch"].message.count(":") == 1


def test_response_schemas_fake_realistic_bodies():
    from simulator.fake import FakeData

    fake = FakeData()
    for op in CONTRACT.operations.values():
        body = fake.generate(op.response["body"], seed=7, defs=CONTRACT.defs)
        assert not list(op.response_validator.iter_errors(body)), op.id
        assert body["Code"] == 200 and body["Message"] == "OK"
