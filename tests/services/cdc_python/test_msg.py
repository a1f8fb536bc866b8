"""Msg: system and private messages, read/unread semantics and the defaults the document spells out."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.services.cdc_python.conftest import CdcClient

A, B, C = "wlc", "13750687010", "13735866541"
NOTICE_ID = 1  # the document's seeded system notice, to everyone


@pytest.fixture
def chat(make_client):
    """A simulator whose clock moves a minute per message, so order is by time."""
    now = [datetime(2026, 3, 1, tzinfo=timezone.utc)]

    def clock():
        now[0] += timedelta(minutes=1)
        return now[0]

    return CdcClient(make_client("cdc-python", validate_responses=True, clock=clock))


def send(cdc, sender, receiver, content, title=""):
    answer = cdc.call("msg", "send", {"receiver": receiver, "title": title, "content": content}, user=sender)
    assert answer.status == 0, answer.body
    return answer.data["msg_id"]


def has_new(cdc, user):
    return cdc.call("msg", "has_new", {}, user=user).data


# --- has_new / send -----------------------------------------------------------------------------

def test_everyone_starts_with_the_unread_system_notice(cdc):
    assert has_new(cdc, A) == {"sys": 1, "private": 0, "private_detail": {}}


def test_send_answers_new_ids_and_counts_as_new_private_for_the_receiver(chat):
    first = send(chat, B, A, "你好鸭", "你好")
    second = send(chat, B, A, "在吗")
    send(chat, C, A, "你好鸭")
    assert second == first + 1
    assert has_new(chat, A) == {"sys": 1, "private": 3, "private_detail": {B: 2, C: 1}}
    assert has_new(chat, B)["private"] == 0  # own messages are never new to the sender


def test_a_message_from_guosai_is_a_system_message(chat):
    send(chat, "guosai", A, "系统维护通知")
    assert has_new(chat, A) == {"sys": 2, "private": 0, "private_detail": {}}


def test_send_to_an_unknown_user_or_to_oneself_is_100(cdc):
    for receiver in ("19999999999", A):
        answer = cdc.call("msg", "send", {"receiver": receiver, "title": "", "content": "x"}, user=A)
        assert (answer.status, answer.body["message"]) == (100, "Error receiver")


def test_send_with_a_title_over_100_characters_is_101(cdc):
    answer = cdc.call("msg", "send", {"receiver": B, "title": "长" * 101, "content": "x"}, user=A)
    assert (answer.status, answer.body["message"]) == (101, "Create MessageText Failed")
    assert has_new(cdc, B)["private"] == 0


# --- sys -------------------------------------------------------------------------------------------

def test_sys_lists_system_messages_newest_first_filtered_by_if_new(chat):
    send(chat, "guosai", A, "第二条通知", "通知")
    all_sys = chat.call("msg", "sys", {"if_new": 2}, user=A).data
    assert [m["content"] for m in all_sys["list"]] == ["第二条通知", "嗯？我就测试一下"]
    assert all_sys["list"][1] == {"msg_id": 1, "type": "system", "subtype": "notice", "title": "这是一条测试通知",
                                  "content": "嗯？我就测试一下", "add_time": 1582964040.0, "status": False, "extra": ""}
    chat.call("msg", "sign", {"msg_id": NOTICE_ID}, user=A)
    assert [m["msg_id"] for m in chat.call("msg", "sys", {"if_new": 1}, user=A).data["list"]] == [NOTICE_ID]
    assert chat.call("msg", "sys", {"if_new": 0}, user=A).data["num"] == 1


@pytest.mark.parametrize("if_new", [None, 7, -1, "2", True])
def test_if_new_out_of_range_or_missing_means_new(cdc, if_new):
    cdc.call("msg", "sign", {"msg_id": NOTICE_ID}, user=A)
    data = {} if if_new is None else {"if_new": if_new}
    assert cdc.call("msg", "sys", data, user=A).data == {"num": 0, "list": []}
    assert cdc.call("msg", "sys", data, user=B).data["num"] == 1  # read flags are per user


def test_without_the_system_user_configured_sys_private_msg_list_are_100(make_client, tmp_path):
    import json

    from tests.services.cdc_python.conftest import CONTRACT

    from simulator.contracts import read_contract

    raw = read_contract(CONTRACT.file)
    raw["credentials"] = [c for c in raw["credentials"] if c["username"] != "guosai"]
    (tmp_path / "cdc-python.json").write_text(json.dumps(raw, ensure_ascii=False), "utf-8")
    cdc = CdcClient(make_client("cdc-python", contracts_dir=str(tmp_path)))
    for subtype in ("sys", "private", "msg_list"):
        answer = cdc.call("msg", subtype, {}, user=A)
        assert (answer.status, answer.body["message"]) == (100, "Get admin user failed")
    answer = cdc.call("msg", "sign_batch", {"sys": 1}, user=A)
    assert (answer.status, answer.body["message"]) == (100, "Get system user failed")
    assert cdc.call("msg", "sign_batch", {"private": 1}, user=A).status == 0


# --- private ---------------------------------------------------------------------------------------

def conversation(chat):
    ids = [send(chat, B, A, "你好鸭", "你好"), send(chat, C, A, "你好鸭", "你好"),
           send(chat, B, A, "你好鸭", "你好"), send(chat, A, B, "你也好呀！", "回复")]
    return ids


def test_private_groups_conversations_newest_first_each_oldest_first(chat):
    m2, m3, m4, m5 = conversation(chat)
    data = chat.call("msg", "private", {"if_new": 2}, user=A).data
    assert (data["records_num"], data["unit_num"]) == (4, 2)
    assert [u["people"] for u in data["list"]] == [B, C]
    with_b = data["list"][0]
    assert with_b["num"] == 3 and [r["msg_id"] for r in with_b["records"]] == [m2, m4, m5]
    assert [r["source"] for r in with_b["records"]] == [0, 0, 1]
    assert with_b["records"][2] | {"add_time": 0} == {"source": 1, "msg_id": m5, "type": "private", "subtype": "default",
                                                      "title": "回复", "content": "你也好呀！", "add_time": 0,
                                                      "status": False, "extra": ""}


def test_private_if_new_0_hides_own_sent_messages_and_1_shows_them_as_read(chat):
    m2, m3, m4, m5 = conversation(chat)
    new = chat.call("msg", "private", {}, user=A).data
    assert sorted(r["msg_id"] for u in new["list"] for r in u["records"]) == [m2, m3, m4]
    read = chat.call("msg", "private", {"if_new": 1}, user=A).data
    assert [r["msg_id"] for u in read["list"] for r in u["records"]] == [m5]
    chat.call("msg", "sign", {"msg_id": m2}, user=A)
    read = chat.call("msg", "private", {"if_new": 1}, user=A).data
    assert sorted(r["msg_id"] for u in read["list"] for r in u["records"]) == [m2, m5]


def test_private_people_filters_to_one_person_and_unknown_people_is_101(chat):
    conversation(chat)
    only_c = chat.call("msg", "private", {"if_new": 2, "people": C}, user=A).data
    assert [u["people"] for u in only_c["list"]] == [C]
    answer = chat.call("msg", "private", {"people": "nobody"}, user=A)
    assert (answer.status, answer.body["message"]) == (101, "Get sender failed")
    everyone = chat.call("msg", "private", {"if_new": 2, "people": ""}, user=A).data
    assert everyone["unit_num"] == 2


def test_private_limit_is_applied_before_if_new(chat):
    m2, m3, m4, m5 = conversation(chat)
    # newest first: m5 (own, read), m4, m3, m2; limit 2 keeps m5 and m4, then if_new 0 drops m5.
    data = chat.call("msg", "private", {"if_new": 0, "start": 0, "limit": 2}, user=A).data
    assert [r["msg_id"] for u in data["list"] for r in u["records"]] == [m4]
    data = chat.call("msg", "private", {"if_new": 2, "start": 1, "limit": 2}, user=A).data
    assert sorted(r["msg_id"] for u in data["list"] for r in u["records"]) == [m3, m4]


@pytest.mark.parametrize("start,limit", [("x", "y"), (None, -5), (0, -1), (0.5, True)])
def test_private_start_and_limit_of_the_wrong_type_mean_0_and_all(chat, start, limit):
    conversation(chat)
    data = chat.call("msg", "private", {"if_new": 2, "start": start, "limit": limit}, user=A).data
    assert data["records_num"] == 4


# --- msg_list --------------------------------------------------------------------------------------

def test_msg_list_answers_each_person_with_the_last_message_newest_first(chat):
    m2, m3, m4, m5 = conversation(chat)
    data = chat.call("msg", "msg_list", {}, user=A).data
    assert data["num"] == 2
    assert [(e["username"], e["msg_id"]) for e in data["list"]] == [(B, m5), (C, m3)]
    assert data["list"][0]["nickname"] == "邻居小王" and data["list"][0]["content"] == "你也好呀！"
    assert chat.call("msg", "msg_list", {}, user="13858181317").data == {"num": 0, "list": []}


# --- sign / sign_batch ---------------------------------------------------------------------------

def test_sign_marks_one_received_message_read(chat):
    m2, *_ = conversation(chat)
    assert chat.call("msg", "sign", {"msg_id": m2}, user=A).status == 0
    assert has_new(chat, A)["private_detail"] == {B: 1, C: 1}


@pytest.mark.parametrize("msg_id", [999, "1", None, 1.5])
def test_sign_of_an_unknown_id_or_a_wrong_type_is_100(cdc, msg_id):
    answer = cdc.call("msg", "sign", {"msg_id": msg_id}, user=A)
    assert (answer.status, answer.body["message"]) == (100, "Error msg_id")


def test_sign_of_a_message_one_did_not_receive_is_100(chat):
    *_, m5 = conversation(chat)
    assert chat.call("msg", "sign", {"msg_id": m5}, user=A).status == 100  # A sent it
    assert chat.call("msg", "sign", {"msg_id": m5}, user=C).status == 100  # not for C


def test_sign_batch_marks_system_and_or_private_messages(chat):
    conversation(chat)
    chat.call("msg", "sign_batch", {"sys": 1}, user=A)
    assert has_new(chat, A) == {"sys": 0, "private": 3, "private_detail": {B: 2, C: 1}}
    chat.call("msg", "sign_batch", {"private": 1, "people": C}, user=A)
    assert has_new(chat, A)["private_detail"] == {B: 2}
    chat.call("msg", "sign_batch", {"private": 1}, user=A)
    assert has_new(chat, A) == {"sys": 0, "private": 0, "private_detail": {}}


def test_sign_batch_never_marks_ones_own_sent_messages(chat):
    *_, m5 = conversation(chat)
    chat.call("msg", "sign_batch", {"sys": 1, "private": 1}, user=A)
    assert has_new(chat, B)["private_detail"] == {A: 1}


@pytest.mark.parametrize("data", [{}, {"sys": "1", "private": True}, {"sys": 2, "private": 0}])
def test_sign_batch_flags_of_the_wrong_type_mean_0(cdc, data):
    assert cdc.call("msg", "sign_batch", data, user=A).status == 0
    assert has_new(cdc, A)["sys"] == 1


def test_sign_batch_with_an_unknown_person_is_101(chat):
    conversation(chat)
    answer = chat.call("msg", "sign_batch", {"sys": 1, "private": 1, "people": "nobody"}, user=A)
    assert (answer.status, answer.body["message"]) == (101, "Get sender Failed")
    assert has_new(chat, A)["sys"] == 0  # system messages were marked before the failure, as the notice says


# --- filter ------------------------------------------------------------------------------------------

def test_filter_by_type_subtype_and_if_new(chat):
    conversation(chat)
    system = chat.call("msg", "filter", {"type": "system", "subtype": "", "if_new": 2}, user=A).data
    assert [m["msg_id"] for m in system["list"]] == [NOTICE_ID]
    assert chat.call("msg", "filter", {"type": "system", "subtype": "other", "if_new": 2}, user=A).data["num"] == 0
    private = chat.call("msg", "filter", {"type": "private"}, user=A).data
    assert private["num"] == 3  # received and new; the message A sent is not received
    assert chat.call("msg", "filter", {"type": "system", "if_new": 1}, user=A).data["num"] == 0


def test_filter_needs_a_type(cdc):
    assert cdc.call("msg", "filter", {"if_new": 2}, user=A).status == -1
