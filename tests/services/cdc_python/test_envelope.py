"""The request envelope and the global statuses every operation shares (-1, -2, -3, -100, -101, -103)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.services.cdc_python.conftest import CONTRACT, TOKENS, CdcClient, op_for, path_of

DOCUMENTED_STATUSES = {0} | {e["x-status"] for e in CONTRACT.raw["errors"].values()}
TOKEN_OPS = [op_id for op_id, op in CONTRACT.operations.items() if "-100" in op.errors]
OPEN_OPS = [op_id for op_id in CONTRACT.operations if op_id not in TOKEN_OPS]


def test_a_success_echoes_the_id_with_status_0_and_successful(cdc):
    answer = cdc.call("msg", "has_new", {}, id=987654)
    assert answer.http_status == 200
    assert answer.body == {"id": 987654, "status": 0, "message": "Successful", "data": answer.data}


def test_an_error_echoes_the_id_too_with_an_empty_data(cdc):
    answer = cdc.call("msg", "sign", {"msg_id": 999}, id=42)
    assert answer.body == {"id": 42, "status": 100, "message": "Error msg_id", "data": {}}


@pytest.mark.parametrize("missing", ["id", "type", "subtype", "data"])
def test_a_missing_envelope_key_is_minus_1(cdc, missing):
    body = {"id": 1, "type": "msg", "subtype": "has_new", "data": {}}
    del body[missing]
    answer = cdc.raw("/api/v2/msg/", json_body=body, query="token=" + TOKENS["wlc"])
    assert (answer.status, answer.body["message"]) == (-1, "Error JSON key")
    assert missing in answer.detail


@pytest.mark.parametrize("body", [b"", b"not json", b"[1, 2]", b'"text"', b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_minus_1(cdc, body):
    answer = cdc.raw("/api/v2/msg/", body, query="token=" + TOKENS["wlc"])
    assert answer.status == -1 and answer.body["id"] == -1


@pytest.mark.parametrize("key,value", [("id", "1234"), ("id", 1.5), ("id", True), ("type", 1), ("subtype", None), ("data", [])])
def test_an_envelope_value_of_the_wrong_type_is_minus_2(cdc, key, value):
    body = {"id": 1, "type": "msg", "subtype": "has_new", "data": {}, key: value}
    answer = cdc.raw("/api/v2/msg/", json_body=body, query="token=" + TOKENS["wlc"])
    assert (answer.status, answer.body["message"]) == (-2, "Error JSON value")


def test_a_type_and_subtype_not_served_at_the_url_is_minus_2(cdc):
    assert cdc.call("msg", "unknown", path="/api/v2/msg/").status == -2
    assert cdc.call("msg", "has_new", path="/api/v2/community/").status == -2


def test_a_subtype_not_served_at_the_recommend_url_answers_with_code_like_every_recommend_answer(cdc):
    answer = cdc.call("recommend", "items", path="/api/v2/recommend/")
    assert (answer.status, answer.body["code"], answer.body["message"]) == (-2, -2, "Error JSON value")


def test_a_data_value_of_the_wrong_type_is_minus_2(cdc):
    assert cdc.call("community", "delete", {"community_id": "one"}).status == -2


def test_a_missing_data_key_is_minus_1(cdc):
    assert cdc.call("community", "delete", {}).status == -1


def test_an_unexpected_data_key_is_minus_3(cdc):
    answer = cdc.call("community", "delete", {"community_id": 1, "extra": True})
    assert (answer.status, answer.body["message"]) == (-3, "Error data key")


def test_the_request_may_carry_status_0_as_the_table_says(cdc):
    answer = cdc.raw("/api/v2/msg/", json_body={"id": 5, "status": 0, "type": "msg", "subtype": "has_new", "data": {}},
                     query="token=" + TOKENS["wlc"])
    assert answer.status == 0


@pytest.mark.parametrize("op_id", TOKEN_OPS)
def test_every_token_operation_answers_minus_100_without_a_token(cdc, op_id):
    answer = cdc.op(op_id, {}, user=None)
    assert (answer.status, answer.body["message"]) == (-100, "Missing necessary args")
    assert cdc.op(op_id, {}, token="").status == -100


@pytest.mark.parametrize("op_id", TOKEN_OPS)
def test_every_token_operation_answers_minus_101_for_a_bad_token(cdc, op_id):
    assert cdc.op(op_id, {}, token="0" * 32).status == -101
    answer = cdc.op(op_id, {}, token="short")
    assert (answer.status, answer.body["message"]) == (-101, "Error token")


@pytest.mark.parametrize("op_id", OPEN_OPS)
def test_operations_without_a_token_in_their_url_need_none(cdc, op_id):
    assert cdc.op(op_id, {}, user=None).status not in (-100, -101)


@pytest.mark.parametrize("op_id", ["group_create", "group_delete", "group_update"])
def test_administrator_operations_answer_minus_103_to_ordinary_users(cdc, op_id):
    answer = cdc.op(op_id, {"group_name": "x", "group_content": "y"}, user="wlc")
    assert (answer.status, answer.body["message"]) == (-103, "No permission to operate")


def test_a_user_registered_at_run_time_is_accepted(cdc):
    from simulator.services.cdc_python.models import users

    users.register(cdc.simulator.service_store("cdc-python"), "13900001111", "n" * 32, nickname="新邻居")
    assert cdc.call("msg", "has_new", {}, token="n" * 32).status == 0


# --- properties ------------------------------------------------------------------------------

OP_IDS = sorted(CONTRACT.operations)
json_scalars = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False) | st.text(max_size=8)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=8)
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY
@given(op_id=st.sampled_from(OP_IDS), request_id=st.integers(-2**31, 2**31))
def test_any_valid_request_echoes_its_id(cdc, op_id, request_id):
    example = next(e for e in CONTRACT.operations[op_id].examples if "request" in e)
    body = {**example["request"]["body"], "id": request_id}
    type_, subtype = op_for(op_id)
    answer = cdc.raw(path_of(type_, subtype), json_body=body, query="token=" + TOKENS["guosai"])
    assert answer.body["id"] == request_id
    assert answer.status in DOCUMENTED_STATUSES


@PROPERTY
@given(op_id=st.sampled_from(OP_IDS), missing=st.sets(st.sampled_from(["id", "type", "subtype", "data"]), min_size=1),
       extra=st.dictionaries(st.sampled_from(["status", "token", "foo"]), json_scalars, max_size=2))
def test_any_request_missing_an_envelope_key_gets_minus_1(cdc, op_id, missing, extra):
    type_, subtype = op_for(op_id)
    body = {**extra, "id": 1, "type": type_, "subtype": subtype, "data": {}}
    for key in missing:
        del body[key]
    answer = cdc.raw(path_of(type_, subtype), json_body=body, query="token=" + TOKENS["wlc"])
    assert answer.status == -1


@PROPERTY
@given(op_id=st.sampled_from(OP_IDS), key=st.text(min_size=1, max_size=12), value=json_scalars)
def test_any_unexpected_data_key_gets_minus_3(cdc, op_id, key, value):
    op = CONTRACT.operations[op_id]
    documented = op.request["body"]["properties"]["data"]["properties"]
    if key in documented:
        return
    example = next(e for e in op.examples if "request" in e)
    body = {**example["request"]["body"], "data": {**example["request"]["body"]["data"], key: value}}
    answer = cdc.raw(path_of(*op_for(op_id)), json_body=body, query="token=" + TOKENS["guosai"])
    assert answer.status == -3


@PROPERTY
@given(path=st.sampled_from(sorted({op.path for op in CONTRACT.operations.values()}) + ["/api/v2/other/"]),
       body=json_values | st.binary(max_size=40).map(lambda b: b),
       token=st.sampled_from(["", "token=" + TOKENS["wlc"], "token=" + TOKENS["guosai"], "token=bad"]),
       type_=st.sampled_from(sorted({op.match["body.type"] for op in CONTRACT.operations.values()})),
       subtype=st.sampled_from(sorted({op.match["body.subtype"] for op in CONTRACT.operations.values()})),
       data=json_values, request_id=json_scalars)
def test_no_input_produces_anything_but_a_documented_status(cdc, path, body, token, type_, subtype, data, request_id):
    for attempt in (body, {"id": request_id, "type": type_, "subtype": subtype, "data": data}):
        if isinstance(attempt, bytes):
            answer = cdc.raw(path, attempt, query=token)
        else:
            answer = cdc.raw(path, json.dumps(attempt), query=token)
        assert answer.http_status == 200
        assert answer.status in DOCUMENTED_STATUSES
        assert set(answer.body) >= {"id", "status", "message", "data"}
