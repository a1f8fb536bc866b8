"""Section 9: the Koala engine's groups and users (Baidu face API v3 envelope and codes)."""

from __future__ import annotations

import pytest

from tests.services.aicp.conftest import image


def koala(aicp, path, body):
    response = aicp.post("koala", path, body)
    assert response.status_code == 200
    return response.get_json()


def assert_success(body):
    assert body["error_code"] == 0 and body["error_msg"] == "SUCCESS" and body["cached"] == 0
    assert body["log_id"] == 20260301160000  # the request's Beijing time, yyyyMMddHHmmss
    assert body["timestamp"] == 1772352000000  # its arrival in ms


def test_group_add_delete_and_list(aicp):
    assert_success(added := koala(aicp, "/face-api/v3/group/add", {"group_id": "group1"}))
    assert added["result"] is None
    assert koala(aicp, "/face-api/v3/group/add", {"group_id": "group1"})["error_code"] == 223101
    listed = koala(aicp, "/face-api/v3/group/list", {"start": 0, "length": 100})["result"]["group_id_list"]
    assert listed == ["group2", "group3", "group1"]  # the document's demo groups come first
    assert_success(koala(aicp, "/face-api/v3/group/delete", {"group_id": "group1"}))
    gone = koala(aicp, "/face-api/v3/group/delete", {"group_id": "group1"})
    assert (gone["error_code"], gone["error_msg"]) == (223100, "group is not exist")


def test_group_list_pages_with_start_and_length(aicp):
    for n in range(5):
        koala(aicp, "/face-api/v3/group/add", {"group_id": f"g{n}"})
    assert koala(aicp, "/face-api/v3/group/list", {"start": "3", "length": "2"})["result"]["group_id_list"] == ["g1", "g2"]
    assert koala(aicp, "/face-api/v3/group/list", {})["result"]["group_id_list"][:2] == ["group2", "group3"]


@pytest.mark.parametrize("page, code", [({"start": -1}, 222002), ({"start": "x"}, 222002), ({"length": 0}, 222003),
                                        ({"length": 1001}, 222003)])
def test_group_list_refuses_bad_paging(aicp, page, code):
    assert koala(aicp, "/face-api/v3/group/list", page)["error_code"] == code


@pytest.mark.parametrize("group_id", ["has space", "中文", "x" * 49])
def test_group_ids_must_be_letters_digits_and_underscores(aicp, group_id):
    body = koala(aicp, "/face-api/v3/group/add", {"group_id": group_id})
    assert (body["error_code"], body["error_msg"]) == (222006, "group_id format error")


def test_a_missing_parameter_is_named_in_222001(aicp):
    body = koala(aicp, "/face-api/v3/user/copy", {"user_id": "234", "src_group_id": "group2"})
    assert (body["error_code"], body["error_msg"]) == (222001, "param[dst_group_id] is null")
    assert koala(aicp, "/face-api/v3/group/add", {"group_id": ""})["error_msg"] == "param[group_id] is null"


def test_a_wrongly_typed_parameter_is_the_operations_format_error(aicp):
    assert koala(aicp, "/face-api/v3/group/add", {"group_id": 12})["error_code"] == 222006


def test_an_unreadable_body_is_222200(aicp):
    body = aicp.post("koala", "/face-api/v3/group/add", data="{oops").get_json()
    assert (body["error_code"], body["error_msg"]) == (222200, "request body should be json format")


def test_statapp_counts_the_apps_groups_without_an_envelope(aicp):
    assert koala(aicp, "/face-api/facehub/statapp", {}) == {"appid1": {"group_num": 2}}
    koala(aicp, "/face-api/v3/group/add", {"group_id": "g"})
    assert koala(aicp, "/face-api/facehub/statapp", {"op_app_id_list": "appid1,other"}) == {
        "appid1": {"group_num": 3}, "other": {"group_num": 0}}
    assert koala(aicp, "/face-api/facehub/statapp", {"op_app_id_list": "bad id"})["error_code"] == 222004


def test_statgroup_reports_users_faces_and_creation_time(aicp):
    assert koala(aicp, "/face-api/facehub/statgroup", {"group_id_list": "group2,group3"}) == {
        "group2": {"user_num": 1, "face_num": 0, "ctime": "2020-05-27 14:37:23"},
        "group3": {"user_num": 1, "face_num": 0, "ctime": "2020-05-27 14:37:23"},
    }


def test_statgroup_counts_faces_enrolled_through_the_micro_services(aicp):
    aicp.add_base("base1")
    aicp.enrol_micro("alice_1.jpg", group_id="base1")
    aicp.enrol_micro("bob.jpg", group_id="base1")
    stat = koala(aicp, "/face-api/facehub/statgroup", {"group_id_list": "base1"})["base1"]
    assert (stat["user_num"], stat["face_num"], stat["ctime"]) == (2, 2, "2026-03-01 16:00:00")


def test_statgroup_limits(aicp):
    too_many = ",".join(f"g{n}" for n in range(21))
    assert koala(aicp, "/face-api/facehub/statgroup", {"group_id_list": too_many})["error_code"] == 223104
    assert koala(aicp, "/face-api/facehub/statgroup", {"group_id_list": "group2,,group3"})["error_code"] == 222005
    assert koala(aicp, "/face-api/facehub/statgroup", {"group_id_list": "group2,nope"})["error_code"] == 223100
    assert koala(aicp, "/face-api/facehub/statgroup", {})["error_code"] == 222001


def test_user_copy_then_get_and_list(aicp):
    assert_success(koala(aicp, "/face-api/v3/user/copy", {"user_id": "234", "src_group_id": "group2", "dst_group_id": "group3"}))
    listed = koala(aicp, "/face-api/v3/user/list", {"group_id": "group3"})["result"]["user_id_list"]
    assert [u["userId"] for u in listed] == ["123", "123", "234"]
    assert set(listed[0]) == {"id", "groupId", "userId", "userName", "userInfo", "createTime"}
    got = koala(aicp, "/face-api/v3/user/get", {"user_id": "234", "group_id": "@ALL"})["result"]["user_list"]
    assert sorted(u["groupId"] for u in got) == ["group2", "group3"]
    one = koala(aicp, "/face-api/v3/user/get", {"user_id": "123", "group_id": "group3"})["result"]["user_list"]
    assert [u["userName"] for u in one] == ["abc", "fdf"]  # the document's two records of user 123


@pytest.mark.parametrize("body, code", [
    ({"user_id": "234", "src_group_id": "nope", "dst_group_id": "group3"}, 223100),
    ({"user_id": "234", "src_group_id": "group2", "dst_group_id": "nope"}, 223111),
    ({"user_id": "999", "src_group_id": "group2", "dst_group_id": "group3"}, 223103),
    ({"user_id": "123", "src_group_id": "group3", "dst_group_id": "group3"}, 223102),
    ({"user_id": "a-b", "src_group_id": "group2", "dst_group_id": "group3"}, 222018),
])
def test_user_copy_failures(aicp, body, code):
    assert koala(aicp, "/face-api/v3/user/copy", body)["error_code"] == code


def test_user_get_and_list_failures(aicp):
    assert koala(aicp, "/face-api/v3/user/get", {"user_id": "999", "group_id": "@ALL"})["error_code"] == 223103
    assert koala(aicp, "/face-api/v3/user/get", {"user_id": "123", "group_id": "nope"})["error_code"] == 223100
    assert koala(aicp, "/face-api/v3/user/list", {"group_id": "nope"})["error_code"] == 223100
    assert koala(aicp, "/face-api/v3/user/list", {"group_id": "group3", "length": 5000})["error_code"] == 222003


def test_a_user_copied_into_a_micro_base_is_recognised_there(aicp):
    aicp.add_base("src")
    aicp.add_base("dst")
    person = aicp.enrol_micro("alice_1.jpg", group_id="src")
    koala(aicp, "/face-api/v3/user/copy", {"user_id": person, "src_group_id": "src", "dst_group_id": "dst"})
    records = aicp.micro("/aicp/face/recognition", {"groupId": "dst", "image": image("alice_2.png")}).get_json()["data"]["records"]
    assert [r["personNo"] for r in records] == [person]


def test_a_koala_group_is_a_micro_service_base(aicp):
    koala(aicp, "/face-api/v3/group/add", {"group_id": "made_by_koala"})
    person = aicp.enrol_micro("bob.jpg", group_id="made_by_koala")
    assert koala(aicp, "/face-api/v3/user/get", {"user_id": person, "group_id": "made_by_koala"})["result"]["user_list"][0]["userName"] == "小明"
