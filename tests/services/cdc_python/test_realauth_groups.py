"""RealAuth and face groups: field rules, immutability, uniqueness, lookups by id or name."""

from __future__ import annotations

import pytest

from tests.services.cdc_python.conftest import ALICE_ID, real_name

RECORD = {"id_type": "sfz", "id": ALICE_ID, "name": "王凌超", "gender": "male", "birthday": 943660000.0}


# --- RealAuth ----------------------------------------------------------------------------------

def test_create_then_get_answers_the_record_with_days_at_midnight_china_time(cdc):
    answer = cdc.op("realauth_create", {**RECORD, "nation": "汉", "date_start": 1467910000, "date_end": "1783440000"})
    assert answer.data == {"real_auth_id": ALICE_ID}
    got = cdc.op("realauth_get", {}).data
    assert got == {"id_type": "sfz", "id": ALICE_ID, "name": "王凌超", "gender": "male", "nation": "汉",
                   "birthday": 943632000.0, "address": None, "organization": None,
                   "date_start": 1467907200.0, "date_end": 1783440000.0}


@pytest.mark.parametrize("field,value,status,message", [
    ("id_type", "passport", 200, "Error id_type"),
    ("gender", "男", 201, "Error gender"),
    ("birthday", "yesterday", 202, "Error birthday"),
    ("birthday", -9e12, 202, "Error birthday"),
    ("date_start", "soon", 203, "Error date_start"),
    ("date_end", 1e15, 204, "Error date_end"),
    ("name", "", 100, "Create RealAuth failed"),
    ("name", "名" * 31, 100, "Create RealAuth failed"),
    ("id", "1" * 19, 100, "Create RealAuth failed"),
    ("address", "址" * 101, 100, "Create RealAuth failed"),
])
def test_create_refuses_bad_fields_with_the_documented_status(cdc, field, value, status, message):
    answer = cdc.op("realauth_create", {**RECORD, field: value})
    assert (answer.status, answer.body["message"]) == (status, message)
    assert cdc.op("realauth_get", {}).status == 100


def test_create_needs_every_core_field(cdc):
    for key in RECORD:
        assert cdc.op("realauth_create", {k: v for k, v in RECORD.items() if k != key}).status == -1


def test_an_id_number_binds_once_and_a_user_binds_once(cdc):
    assert real_name(cdc, "wlc").status == 0
    duplicate = real_name(cdc, "13750687010")
    assert (duplicate.status, duplicate.body["message"]) == (100, "Create RealAuth failed")
    again = real_name(cdc, "wlc", id_number="110101199003070011")
    assert again.status == 100


def test_update_changes_only_the_optional_fields(cdc):
    real_name(cdc)
    answer = cdc.op("realauth_update", {"nation": "汉", "address": "浙江省临海市....", "organization": "临海市公安局",
                                        "date_start": 185551654, "date_end": 15068956})
    assert answer.status == 0 and answer.data == {}
    got = cdc.op("realauth_get", {}).data
    assert (got["nation"], got["organization"], got["date_start"]) == ("汉", "临海市公安局", 185472000.0)
    assert cdc.op("realauth_update", {"address": None}).status == 0
    assert cdc.op("realauth_get", {}).data["address"] is None


@pytest.mark.parametrize("field", ["id_type", "id", "name", "gender", "birthday"])
def test_update_cannot_touch_the_core_fields(cdc, field):
    real_name(cdc)
    assert cdc.op("realauth_update", {field: RECORD[field]}).status == -3


def test_update_without_a_record_is_100_and_bad_dates_are_200(cdc):
    answer = cdc.op("realauth_update", {"nation": "汉"})
    assert (answer.status, answer.body["message"]) == (100, "RealAuth not certified")
    real_name(cdc)
    for key in ("date_start", "date_end"):
        answer = cdc.op("realauth_update", {key: "never"})
        assert (answer.status, answer.body["message"]) == (200, "Error date_start/date_end")


def test_get_without_a_record_is_100(cdc):
    answer = cdc.op("realauth_get", {})
    assert (answer.status, answer.body["message"]) == (100, "RealAuth not certified")


def test_check_tells_whether_a_user_has_real_named(cdc):
    assert cdc.op("realauth_check", {"username": "wlc"}, user="13750687010").data == {"result": False}
    real_name(cdc, "wlc")
    assert cdc.op("realauth_check", {"username": "wlc"}, user="13750687010").data == {"result": True}
    answer = cdc.op("realauth_check", {"username": "nobody"})
    assert (answer.status, answer.body["message"]) == (100, "Error username")


# --- Groups ------------------------------------------------------------------------------------

def admin(cdc, op_id, data):
    return cdc.op(op_id, data, user="guosai")


def test_the_default_group_1_exists(cdc):
    assert cdc.op("group_list", {}).data == {"num": 1, "list": [
        {"group_id": 1, "group_name": "默认人员库", "group_content": "默认人员库"}]}


def test_create_answers_the_next_id_and_the_group_is_listed_and_gettable(cdc):
    answer = admin(cdc, "group_create", {"group_name": "西和5幢人员库", "group_content": "浙江科技学院西和公寓5幢人脸数据库"})
    assert answer.data == {"group_id": 2}
    admin(cdc, "group_create", {"group_name": "西和6幢人员库"})
    listed = cdc.op("group_list", {}).data
    assert listed["num"] == 3 and [g["group_id"] for g in listed["list"]] == [1, 2, 3]
    assert listed["list"][2]["group_content"] == ""
    by_name = cdc.op("group_get", {"group_name": "西和5幢人员库"}).data
    assert by_name == {"group_id": 2, "group_name": "西和5幢人员库", "group_content": "浙江科技学院西和公寓5幢人脸数据库"}


def test_create_with_a_taken_name_is_100_and_a_bad_name_is_101(cdc):
    answer = admin(cdc, "group_create", {"group_name": "默认人员库"})
    assert (answer.status, answer.body["message"]) == (100, "FaceGroup name has existed")
    for name in ("", "名" * 21):
        answer = admin(cdc, "group_create", {"group_name": name})
        assert (answer.status, answer.body["message"]) == (101, "Create FaceGroup Failed")


@pytest.mark.parametrize("lookup", [{"group_id": 2}, {"group_id": "2"}, {"group_id": " 2 "}, {"group_name": "楼"},
                                    {"group_id": 2, "group_name": "not this one"}])
def test_groups_are_found_by_id_int_string_or_name_id_first(cdc, lookup):
    admin(cdc, "group_create", {"group_name": "楼", "group_content": "old"})
    assert cdc.op("group_get", lookup).data["group_id"] == 2
    assert admin(cdc, "group_update", {**lookup, "group_content": "new"}).status == 0
    assert cdc.op("group_get", {"group_id": 2}).data["group_content"] == "new"
    assert admin(cdc, "group_delete", lookup).status == 0
    assert cdc.op("group_get", {"group_id": 2}).status == 102


@pytest.mark.parametrize("op_id", ["group_get", "group_update", "group_delete"])
def test_lookup_failures_are_100_101_102(cdc, op_id):
    extra = {"group_content": "x"} if op_id == "group_update" else {}
    bad_id = admin(cdc, op_id, {"group_id": "five", **extra})
    assert (bad_id.status, bad_id.body["message"]) == (100, "Error Group ID")
    assert admin(cdc, op_id, {"group_id": 1.5, **extra}).status == 100
    neither = admin(cdc, op_id, {**extra})
    assert (neither.status, neither.body["message"]) == (101, "Need Group ID or Group name")
    assert admin(cdc, op_id, {"group_id": None, "group_name": None, **extra}).status == 101
    missing = admin(cdc, op_id, {"group_id": 42, **extra})
    assert (missing.status, missing.body["message"]) == (102, "No such Group")
    assert admin(cdc, op_id, {"group_name": "无此库", **extra}).status == 102


def test_group_get_accepts_the_documented_group_content_key(cdc):
    assert cdc.op("group_get", {"group_id": 1, "group_content": "ignored"}).status == 0


def test_update_needs_group_content(cdc):
    assert admin(cdc, "group_update", {"group_id": 1}).status == -1


def test_a_deleted_name_can_be_created_again(cdc):
    admin(cdc, "group_create", {"group_name": "临时"})
    admin(cdc, "group_delete", {"group_name": "临时"})
    assert admin(cdc, "group_create", {"group_name": "临时"}).data == {"group_id": 3}


def test_group_delete_103_is_forced_only(cdc):
    answer = cdc.op("group_delete", {"group_id": 1}, user="guosai", headers={"X-Apisim-Code": "group_delete.103"})
    assert (answer.status, answer.body["message"]) == (103, "Delete Group Failed")
