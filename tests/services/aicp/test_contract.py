"""The AICP contract: it loads, covers the whole document, and the document's own examples fit it."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

import pytest

from simulator.contracts import load_contract

CONTRACT = load_contract(Path(__file__).resolve().parents[3] / "contracts" / "aicp")
DOCUMENTED = {op_id: op for op_id, op in CONTRACT.operations.items() if "x-simulator-only" not in op.raw}

# What each envelope's failure body looks like, to check the document's failure examples.
FAILURE_SCHEMAS = {
    "aicp-flag": "#/$defs/FlagFailure",
    "aicp-flag-code": "#/$defs/FlagFailure",
    "spring": "#/$defs/SpringError",
    "koala": "#/$defs/KoalaEnvelope",
}


def _examples():
    for op_id, op in CONTRACT.operations.items():
        for example in op.examples:
            yield pytest.param(op, example, id=f"{op_id}: {example['name']}")


def test_all_49_documented_operations_are_in_the_contract():
    assert len(DOCUMENTED) == 49
    sections = sorted(op.raw["section"] for op in DOCUMENTED.values())
    assert len(set(sections)) == 49
    per_chapter = {}
    for section in sections:
        chapter = section.split(".")[0]
        per_chapter[chapter] = per_chapter.get(chapter, 0) + 1
    assert per_chapter == {"2": 3, "3": 6, "5": 7, "6": 3, "7": 11, "8": 7, "9": 8, "10": 2, "11": 2}


def test_each_documented_deployment_is_separate_and_keeps_its_original_url():
    names = [d.name for d in CONTRACT.deployments]
    assert names == ["old-api", "new-api", "ops-stats", "authorize", "micro", "micro-stats", "koala", "user", "high-availability"]
    assert CONTRACT.port_block == 3
    # The document's hosts are private addresses: kept as metadata, never connected to.
    assert all(ipaddress.ip_address(d.original_host.split(":")[0]).is_private for d in CONTRACT.deployments)
    # Same path, different meaning: the new API's and the micro-services' face add are distinct operations.
    assert CONTRACT.operations["new_face_add"].deployments == ["new-api"]
    assert CONTRACT.operations["ms_face_add"].deployments == ["micro"]
    assert CONTRACT.operations["new_face_add"].path == CONTRACT.operations["ms_face_add"].path


def test_every_operation_has_a_documented_example_per_outcome_it_shows():
    for op_id, op in DOCUMENTED.items():
        names = [e["name"] for e in op.examples]
        assert any("success" in n for n in names), op_id
        assert any("failure" in n for n in names), op_id


@pytest.mark.parametrize("op, example", list(_examples()))
def test_document_example_validates_against_its_schema(op, example):
    request = example.get("request", {})
    if "body" in request and "body" in op.validators:
        errors = [e.message for e in op.validators["body"].iter_errors(request["body"])]
        assert not errors, errors
    response = example.get("response")
    if response is None:
        return
    code = response.get("error")
    if code is None:
        assert response["status"] == op.response["status"]
        errors = [e.message for e in op.response_validator.iter_errors(response["body"])]
        assert not errors, errors
        return
    entry = CONTRACT.errors[code]
    assert code in op.errors
    assert response["status"] == entry.http_status
    envelope = entry.envelope or op.binding(CONTRACT.deployment(op.deployments[0]), "envelope")
    validator = CONTRACT.validator({"$ref": FAILURE_SCHEMAS[envelope]})
    errors = [e.message for e in validator.iter_errors(response["body"])]
    assert not errors, errors
    shown = response["body"].get("message", response["body"].get("error_msg"))
    assert shown == entry.message


def test_placeholder_examples_are_only_the_documents_empty_failures():
    for op in DOCUMENTED.values():
        for example in op.examples:
            if "x-doc-failure-body" in example:
                assert example["x-doc-failure-body"] == {} and "response" not in example
                assert op.raw["section"].split(".")[0] in {"9", "10", "11"}


def test_every_catalogue_code_is_answered_by_some_operation_or_deployment():
    used = {code for op in CONTRACT.operations.values() for code in op.errors}
    used |= {d.not_found_error for d in CONTRACT.deployments}
    for dep in CONTRACT.deployments:
        used |= set(((dep.auth or {}).get("errors") or {}).values())
    used |= set(CONTRACT.validation_errors.values())
    assert set(CONTRACT.errors) == used


def test_token_deployments_list_the_token_failures_on_each_operation():
    for op in DOCUMENTED.values():
        dep = CONTRACT.deployment(op.deployments[0])
        auth = op.binding(dep, "auth")
        token_codes = {"TOKEN_MISSING", "TOKEN_INVALID", "TOKEN_EXPIRED", "CAPABILITY_DENIED"}
        if auth:
            assert token_codes <= set(op.errors), op.id
        else:
            assert not token_codes & set(op.errors), op.id


def test_the_documents_failure_messages_are_catalogue_entries():
    messages = {e.message for e in CONTRACT.errors.values()}
    for message in (
        "80018,extract feature decode pictrue! get feature failed",
        "Base64编码错误或图片原始数据错误或特征图片都为空",
        "人脸库[200000]删除人脸[7885743058546360320]错误,错误信息[人脸不存在]",
        "查询人脸错误,错误信息[record not found]",
        "当前授权用户已存在", "该用户不存在", "人脸识别未通过", "运行时出错!", "服务端报错",
    ):
        assert message in messages


def test_x_faker_hints_name_known_providers():
    from simulator.fake.providers import known_provider

    def walk(node):
        if isinstance(node, dict):
            if "x-faker" in node:
                assert known_provider(node["x-faker"]), node["x-faker"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(CONTRACT.raw)


def test_private_addresses_appear_only_as_document_metadata():
    """A private address may be a base_url or sit inside a verbatim document example, never a behaviour value."""
    ipv4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("examples", "base_url", "x-doc-errata", "description", "x-source", "when"):
                    continue
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]")
        elif isinstance(node, str):
            for found in ipv4.findall(node):
                assert not ipaddress.ip_address(found).is_private or found.startswith("127."), path

    walk(CONTRACT.raw, "$")
