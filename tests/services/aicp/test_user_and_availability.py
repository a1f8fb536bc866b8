"""Sections 10 and 11: register and face login; the high-availability queue of engine failures."""

from __future__ import annotations

from tests.services.aicp.conftest import image

REGISTER = {"username": "azd1", "password": "123456", "telephone": "13940312121", "mail": "abc@126.com", "deptId": "123"}


def register(aicp, picture="alice_1.jpg", **fields):
    return aicp.post("user", "/user/register", {**REGISTER, "image": image(picture), **fields})


def login(aicp, picture):
    return aicp.post("user", "/user/facelogin.json", {"image": image(picture)})


def test_register_then_log_in_with_another_photo_of_the_same_face(aicp):
    data = register(aicp).get_json()["data"]
    assert len(data["personNo"]) == 32 and "/group1/default/" in data["url"]
    body = login(aicp, "alice_2.png").get_json()
    assert body == {"flag": True, "resultCode": 0, "message": "系统处理正常", "data": "/pages/index.html"}


def test_face_login_of_a_stranger_is_springs_500(aicp):
    register(aicp)
    response = login(aicp, "bob.jpg")
    assert response.status_code == 500
    assert response.get_json() == {"timestamp": "2026-03-01T08:00:00.000+0000", "status": 500,
                                   "error": "Internal Server Error", "message": "人脸识别未通过", "path": "/user/facelogin.json"}
    assert login(aicp, "no_face.png").get_json()["message"] == "人脸识别未通过"


def test_register_failures(aicp):
    register(aicp)
    taken = register(aicp, "bob.jpg")
    assert taken.status_code == 500 and taken.get_json()["message"] == "用户名已存在"
    no_face = register(aicp, "no_face.png", username="other").get_json()
    assert no_face == {"flag": False, "resultCode": 1, "message": "80018,extract feature decode pictrue! get feature failed", "data": None}
    missing = aicp.post("user", "/user/register", {"username": "x"}).get_json()
    assert missing["message"] == "运行时出错!"


def test_a_fresh_simulator_shows_past_failures(aicp):
    data = aicp.post("high-availability", "/asynchrony/getall", {}).get_json()["data"]
    assert data["total"] == 3 and data["totalPage"] == 1
    assert [item["issolved"] for item in data["items"]] == [1, 1, 0]
    item = data["items"][0]
    assert item["operateType"] == "business/api/v1/repository/personDb"
    assert item["engineUrl"] == f"http://127.0.0.1:{aicp.port('koala')}/"
    unsolved = aicp.post("high-availability", "/asynchrony/getall", {"issolved": "0"}).get_json()["data"]
    assert unsolved["total"] == 1 and unsolved["items"][0]["solveTime"] is None


def test_getall_filters_by_creation_time(aicp):
    items = aicp.post("high-availability", "/asynchrony/getall", {}).get_json()["data"]["items"]
    newest = items[-1]["createTime"]
    body = aicp.post("high-availability", "/asynchrony/getall", {"timeBefore": newest, "timeAfter": "2026-03-02 00:00:00"})
    assert [i["id"] for i in body.get_json()["data"]["items"]] == [items[-1]["id"]]
    empty = aicp.post("high-availability", "/asynchrony/getall", {"timeAfter": "2020-01-01"}).get_json()["data"]
    assert empty == {"total": 0, "totalPage": 0, "items": []}
    assert aicp.post("high-availability", "/asynchrony/getall", {"timeBefore": "soon"}).get_json()["message"] == "运行时出错!"


def test_with_the_engine_down_enrolment_is_queued_and_resume_replays_it(aicp):
    aicp.add_base()
    aicp.engine_down()
    person = aicp.enrol_micro("alice_1.jpg")  # accepted...
    search = {"groupId": "200000", "image": image("alice_2.png")}
    assert aicp.micro("/aicp/face/recognition", search).get_json()["data"]["records"] == []  # ...but not in the engine
    queued = aicp.post("high-availability", "/asynchrony/getall", {"issolved": "0"}).get_json()["data"]["items"]
    mine = [i for i in queued if i["createTime"] == "2026-03-01 16:00:00"]
    assert len(mine) == 1 and len(mine[0]["dataPersonId"]) == 19 and len(mine[0]["dataGroupId"]) == 32
    aicp.engine_down(False)
    body = aicp.post("high-availability", "/asynchrony/resumedata", {"asynchronyDataList": mine}).get_json()
    assert body == {"flag": True, "resultCode": 0, "message": "异常数据恢复成功", "data": None}
    records = aicp.micro("/aicp/face/recognition", search).get_json()["data"]["records"]
    assert [r["personNo"] for r in records] == [person]
    solved = aicp.post("high-availability", "/asynchrony/getall", {"issolved": "1"}).get_json()["data"]["items"]
    assert any(i["id"] == mine[0]["id"] and i["solveTime"] == "2026-03-01 16:00:00" for i in solved)


def test_with_the_engine_down_a_registered_user_logs_in_only_after_resume(aicp):
    aicp.engine_down()
    register(aicp)
    assert login(aicp, "alice_2.png").status_code == 500
    queued = [i for i in aicp.post("high-availability", "/asynchrony/getall", {"issolved": 0}).get_json()["data"]["items"]
              if i["createTime"].startswith("2026-03-01 16")]
    aicp.post("high-availability", "/asynchrony/resumedata", {"asynchronyDataList": [{"id": queued[0]["id"]}]})
    assert login(aicp, "alice_2.png").status_code == 200


def test_resume_of_an_unknown_item_is_the_runtime_error(aicp):
    body = aicp.post("high-availability", "/asynchrony/resumedata", {"asynchronyDataList": [{"id": "1"}]}).get_json()
    assert body == {"flag": False, "resultCode": 1, "message": "运行时出错!", "data": None}


def test_register_and_availability_share_a_host_told_apart_by_path(aicp):
    host = aicp.contract.deployment("user").original_host
    assert host == aicp.contract.deployment("high-availability").original_host
    getall = aicp.client.post("/asynchrony/getall", json={}, headers={"Host": host}).get_json()
    assert getall["data"]["total"] == 3
    login_response = aicp.client.post("/user/facelogin.json", json={"image": image("bob.jpg")}, headers={"Host": host})
    assert login_response.get_json()["message"] == "人脸识别未通过"


def test_the_control_planes_engine_scenario_takes_one_state_per_engine_call(aicp):
    aicp.add_base()
    aicp.sim.control.scenarios.set("aicp", "engine", ["down", "up"])
    queued_person = aicp.enrol_micro("alice_1.jpg")  # first engine call: down, queued
    enrolled_person = aicp.enrol_micro("bob.jpg")  # second: up, enrolled at once
    recognised = aicp.micro("/aicp/face/recognition", {"groupId": "200000", "image": image("alice_2.png")}).get_json()
    assert recognised["data"]["records"] == []
    bob = aicp.micro("/aicp/face/recognition", {"groupId": "200000", "image": image("bob.jpg")}).get_json()
    assert [r["personNo"] for r in bob["data"]["records"]] == [enrolled_person] and queued_person != enrolled_person
