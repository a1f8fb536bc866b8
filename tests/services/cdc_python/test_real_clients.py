"""Real HTTP clients on a loopback socket: requests (as the app's scripts would) and httpx."""

from __future__ import annotations

import httpx
import requests

from simulator.auth import cdc_token
from simulator.services.cdc_python.models import users

TOKEN = "c3" * 16  # a user of this module only: the live server is shared by the whole session


def _register(live_server) -> str:
    users.register(live_server.simulator.service_store("cdc-python"), "13800009999", TOKEN, nickname="客户端测试")
    return live_server.base_url("cdc-python")


def test_requests_client_speaks_the_documents_protocol(live_server):
    base = _register(live_server)
    url = cdc_token.sign(base + "/api/v2/distance/", TOKEN)
    answer = requests.post(url, json={"id": 1234, "type": "distance", "subtype": "calc",
                                      "data": {"lat1": 30.2262500, "lng1": 120.0318500, "lat2": 28.6756122, "lng2": 121.3628220}},
                           timeout=5)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("application/json")
    body = answer.json()
    assert (body["id"], body["status"], body["message"]) == (1234, 0, "Successful")
    assert round(body["data"]["distance"], 2) == 215498.46

    tags = requests.post(base + "/api/v2/tags/", data='{"id": 9, "type": "tags", "subtype": "text", "data": {"text": "夏季纯棉短T男"}}'
                         .encode(), headers={"Content-Type": "text/plain"}, timeout=5).json()
    assert tags == {"id": 9, "status": 0, "message": "Successful", "data": {"num": 1, "list": [["夏季", "纯棉"]]}}


def test_httpx_client_gets_documented_errors(live_server):
    base = _register(live_server)
    with httpx.Client(base_url=base, timeout=5) as client:
        no_token = client.post("/api/v2/msg/", json={"id": 1, "type": "msg", "subtype": "has_new", "data": {}}).json()
        assert (no_token["status"], no_token["message"]) == (-100, "Missing necessary args")
        wrong = client.post("/api/v2/msg/", params={"token": "0" * 32},
                            json={"id": 2, "type": "msg", "subtype": "has_new", "data": {}}).json()
        assert wrong["status"] == -101
        new = client.post("/api/v2/msg/", params={"token": TOKEN},
                          json={"id": 3, "type": "msg", "subtype": "has_new", "data": {}}).json()
        assert new["status"] == 0 and set(new["data"]) == {"sys", "private", "private_detail"}
        forced = client.post("/api/v2/msg/", params={"token": TOKEN}, headers={"X-Apisim-Code": "-200"},
                             json={"id": 4, "type": "msg", "subtype": "has_new", "data": {}}).json()
        assert forced == {"id": 4, "status": -200, "message": "Failure to operate database", "data": {}}


def test_the_documents_host_routes_to_cdc_on_any_port(live_server):
    base = _register(live_server)
    answer = requests.post(base + "/api/v2/face/group/?token=" + TOKEN, headers={"Host": "guosai.zustmanong.cn"},
                           json={"id": 5, "type": "group", "subtype": "list", "data": {}}, timeout=5).json()
    assert answer["status"] == 0 and answer["data"]["list"][0]["group_id"] == 1
