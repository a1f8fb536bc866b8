"""A real HTTP client against a live simulator on loopback, sending what the document's curl samples send.

There is no vendor SDK for this platform: its clients are plain HTTP (the document shows curl).
Each request below is the document's own sample, with the host swapped for the deployment's
local URL; the photos are real fixture images where the sample says "图片Base64编码".
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
import requests

from tests.services.aicp.conftest import ADMIN_TOKEN, image

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def server(live_server):
    """The session's live server (``APISIM_LIVE_SERVE`` points it at ``apisim serve``), its clock set
    to NOW through the store, so served workers read it too."""
    sim = live_server.simulator
    sim.clock_offset.set_to(NOW, sim.config.clock())
    sim.reset("aicp")
    yield live_server
    sim.clock_offset.reset()
    sim.reset("aicp")


def url(server, deployment, path):
    dep = server.simulator.contracts["aicp"].deployment(deployment)
    return f"http://127.0.0.1:{server.simulator.port_of(dep)}{path}"


def curl(server, deployment, path, body, token=None):
    """``curl -X POST -H "Content-Type: application/json; charset=utf-8" -d '<body>'``."""
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if token:
        headers["token"] = token
    data = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return requests.post(url(server, deployment, path), data=data.encode("utf-8"), headers=headers, timeout=10)


def test_the_new_api_curl_samples_enrol_and_recognise(server):
    sample = {"groupId": "分组id", "image": image("alice_1.jpg"), "name": "客户姓名", "idIccid": "220112****0551", "sex": 1,
              "custId": "119020199000", "company": "思特奇", "duty": "高工", "province": "吉林", "type": 1, "remark": "备注"}
    entered = curl(server, "new-api", "/aicp/face/add", sample).json()
    assert entered["flag"] is True and entered["message"] == "人脸录入成功"
    found = curl(server, "new-api", "/aicp/face/recognition", {"image": image("alice_2.png"), "groupId": "分组id"}).json()
    assert found["data"]["personID"] == entered["data"]["personID"]
    photo = requests.get(found["data"]["personinfo"]["imageUrl"], timeout=10)
    assert photo.status_code == 200 and photo.headers["Content-Type"] == "image/jpeg"


def test_the_statistics_curl_sample(server):
    body = curl(server, "ops-stats", "/method/call", '{ "call_Name":"人脸识别",\n\t\t\t"timeBefore":"2020-01-01",\n\t\t\t"timeAfter":"2020-03-03" \n\t\t}').json()
    assert (body["flag"], body["message"]) == (True, "系统处理正常")
    assert body["data"] and {row["visitmsg"] for row in body["data"]} == {"人脸识别"}  # the document's period is seeded


def test_the_micro_service_samples_with_a_granted_token(server):
    grant = curl(server, "authorize", "/authorize/grantAuthorize",
                 '{ \n\t"appId":"testan",\n    "dueTime":"2099-11-11 00:00:00",\n    "capabilityIdArray":["C10000000001,C10000000002"]\n\t\t}',
                 token=ADMIN_TOKEN).json()
    token = grant["data"]["token"]
    base = curl(server, "micro", "/aicp/face/addBase", '{ \n\t"groupId":"200000",\n\t"dbName":"sitechTest2",\n\t"dbDesc":"This is sitechTest"\n}',
                token=token).json()
    assert base["data"]["dbName"] == "sitechTest2"
    added = curl(server, "micro", "/aicp/face/add", {"groupId": "200000", "image": image("bob.jpg"), "name": "客户姓名"}, token=token).json()
    assert requests.get(added["data"]["url"], timeout=10).status_code == 200
    records = curl(server, "micro", "/aicp/face/recognition", {"groupId": "200000", "image": image("bob.jpg")}, token=token).json()
    assert records["data"]["records"][0]["personNo"] == added["data"]["personNo"]
    # The 7.11 curl sample is not JSON (a comma is missing): the Spring front answers 400.
    broken = curl(server, "micro", "/aicp/face/recognitionmn", '{ "image": "图片Base64编码"\n     \t\t"groupId":"20000"\n\t\t}', token=token)
    assert broken.status_code == 400 and broken.json()["error"] == "Bad Request"


def test_the_koala_curl_samples(server):
    added = curl(server, "koala", "/face-api/v3/group/add", '{ "group_id":"group1"\n\t\t}').json()
    assert added["error_code"] == 0 and added["error_msg"] == "SUCCESS"
    listed = curl(server, "koala", "/face-api/v3/group/list", '{ "start": 0,\n      \t"length": 100\n\t\t}').json()
    assert "group1" in listed["result"]["group_id_list"]
    assert curl(server, "koala", "/face-api/facehub/statgroup", '{ "group_id_list":"group2,group3"\n\t\t}').json()["group2"]["user_num"] == 1
    copied = curl(server, "koala", "/face-api/v3/user/copy",
                  '{ "user_id": "234",\n      "src_group_id": "group2",\n      "dst_group_id": "group3"\n\t\t}').json()
    assert copied["error_code"] == 0


def test_the_register_and_face_login_samples(server):
    sample = {"username": "azd1", "password": "123456", "telephone": "13940312121", "mail": "abc@126.com", "deptId": "123",
              "image": image("alice_1.jpg")}
    assert curl(server, "user", "/user/register", sample).json()["flag"] is True
    assert curl(server, "user", "/user/facelogin.json", {"image": image("alice_2.png")}).json()["data"] == "/pages/index.html"
    refused = curl(server, "user", "/user/facelogin.json", {"image": image("bob.jpg")})
    assert refused.status_code == 500 and refused.json()["message"] == "人脸识别未通过"


def test_the_high_availability_query_sample(server):
    body = curl(server, "high-availability", "/asynchrony/getall",
                '{\n    "issolved":"0",\n    "timeBefore":"2020-03-28 16:04:45",\n    "timeAfter":"2099-06-30 16:04:45"\n}').json()
    assert body["flag"] is True and all(item["issolved"] == 0 for item in body["data"]["items"])
