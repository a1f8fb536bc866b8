"""The app, end to end: two neighbours sign up, real-name, register faces, post nearby and chat."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from simulator.services.cdc_python.models import users
from tests.services.cdc_python.conftest import CdcClient

ALICE_TOKEN = "a1" * 16
BOB_TOKEN = "b2" * 16
HOME = (30.2262500, 120.0318500)
NEXT_DOOR = (30.2270000, 120.0325000)  # about 110 m away


def test_two_neighbours_use_the_app(make_client, face_image):
    now = [datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)]

    def clock():
        now[0] += timedelta(seconds=30)
        return now[0]

    cdc = CdcClient(make_client("cdc-python", validate_responses=True, clock=clock))
    store = cdc.simulator.service_store("cdc-python")

    # 1. Two users register (the Java side creates accounts; here they are added at run time).
    users.register(store, "13800000001", ALICE_TOKEN, nickname="爱丽丝")
    users.register(store, "13800000002", BOB_TOKEN, nickname="鲍勃")

    def alice(type_, subtype, data=None):
        return cdc.call(type_, subtype, data, token=ALICE_TOKEN)

    def bob(type_, subtype, data=None):
        return cdc.call(type_, subtype, data, token=BOB_TOKEN)

    # 2. Alice real-names; Bob has not.
    assert alice("realauth", "create", {"id_type": "sfz", "id": "330103199512120028", "name": "李爱丽", "gender": "female",
                                        "birthday": 818697600.0, "nation": "汉"}).data == {"real_auth_id": "330103199512120028"}
    assert bob("realauth", "check", {"username": "13800000001"}).data == {"result": True}
    assert bob("realauth", "check", {"username": "13800000002"}).data == {"result": False}

    # 3. Alice registers her face; Bob cannot before real-naming.
    assert alice("face", "register", {"base64": face_image("faces=1 person=alice-li")}).data == {"face_id": "330103199512120028"}
    assert bob("face", "register", {"base64": face_image("faces=1 person=bob")}).status == 100

    # 4. Bob finds Alice in a group photo; Alice verifies herself.
    found = bob("face", "find", {"base64": face_image("faces=3 person=x,alice-li,y gender=m,f,m", 640, 240), "ret_type": 1}).data
    assert found["num"] == 3
    assert [f["name"] for f in found["list"]] == ["", "李爱丽", ""]
    assert found["list"][1]["gender"] == "female"
    assert alice("face", "verify", {"base64": face_image("faces=1 person=alice-li")}).data["result"] is True

    # 5. Both post from home; a far-away user's post is not listed.
    alice("community", "list", {"latitude": HOME[0], "longitude": HOME[1]})  # the app reports where she is
    bob("community", "list", {"latitude": NEXT_DOOR[0], "longitude": NEXT_DOOR[1]})
    assert alice("community", "publish", {"content": "推荐这款口罩", "item_id": 3990811}).data == {"community_id": 1}
    assert bob("community", "publish", {"content": "楼下新开了水果店"}).data == {"community_id": 2}
    cdc.call("community", "publish", {"content": "台州的天气不错"}, user="13735866541")
    listed = alice("community", "list", {"latitude": HOME[0], "longitude": HOME[1]}).data
    assert [(p["user"]["nickname"], p["content"]) for p in listed["list"]] == [("鲍勃", "楼下新开了水果店"), ("爱丽丝", "推荐这款口罩")]
    assert listed["list"][1]["item"]["id"] == "3990811"

    # 6. They chat, and read.
    hello = bob("msg", "send", {"receiver": "13800000001", "title": "", "content": "你好，邻居！"}).data["msg_id"]
    assert alice("msg", "has_new", {}).data == {"sys": 1, "private": 1, "private_detail": {"13800000002": 1}}
    reply = alice("msg", "send", {"receiver": "13800000002", "title": "", "content": "你好呀！"}).data["msg_id"]
    conversation = alice("msg", "private", {"if_new": 2, "people": "13800000002"}).data
    assert [(r["source"], r["content"]) for r in conversation["list"][0]["records"]] == [(0, "你好，邻居！"), (1, "你好呀！")]
    assert alice("msg", "msg_list", {}).data["list"][0] | {"add_time": 0} == {
        "username": "13800000002", "nickname": "鲍勃", "msg_id": reply, "status": False, "add_time": 0,
        "title": "", "content": "你好呀！", "type": "private", "subtype": "default", "extra": ""}
    assert alice("msg", "sign", {"msg_id": hello}).status == 0
    assert alice("msg", "has_new", {}).data["private"] == 0
    assert bob("msg", "has_new", {}).data["private_detail"] == {"13800000001": 1}
    bob("msg", "sign_batch", {"sys": 1, "private": 1})
    assert bob("msg", "has_new", {}).data == {"sys": 0, "private": 0, "private_detail": {}}
    assert alice("msg", "msg_list", {}).data["list"][0]["status"] is True  # Bob read Alice's reply
