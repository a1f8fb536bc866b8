"""Scenarios: named state machines, one step per consult, set through the admin API."""

from __future__ import annotations

import json

from simulator.auth import aliyun_rpc
from simulator.services.aicp import SERVICE as AICP

SAF_HOST = "saf.cn-shanghai.aliyuncs.com"
SAF_DEMO = ("YourAccessKeyID", "YourAccessKeySecret")
ZHANG_SAN = "110101199003078515"
METAINFO = json.dumps({"deviceType": "android", "osVersion": "10", "zimVer": "2.0.0", "appName": "com.example.app"})


class SafClient:
    def __init__(self, sim):
        self.sim = sim
        self.nonce = 0

    def call(self, service_parameters: dict) -> dict:
        self.nonce += 1
        params = {"Action": "ExecuteRequest", "Version": "2017-03-31", "Service": "face_verify",
                  "ServiceParameters": json.dumps(service_parameters, ensure_ascii=False)}
        signed = aliyun_rpc.sign_request(params, *SAF_DEMO, timestamp=self.sim.clock(), nonce=f"n-{self.nonce}")
        answer = self.sim.client.post("/?" + aliyun_rpc.encode_params(signed), headers={"Host": SAF_HOST})
        return answer.get_json()

    def init(self, cert: str = ZHANG_SAN) -> dict:
        answer = self.call({"method": "init", "name": "张三", "certNumber": cert, "metainfo": METAINFO})
        assert answer["Code"] == 200, answer
        return answer["Data"]

    def query(self, data: dict) -> dict:
        return self.call({"method": "query", "bizId": data["bizId"], "queryId": data["queryId"]})


def test_the_catalogue_names_each_scenario_with_its_states_from_the_contracts(make_sim, all_contracts):
    sim = make_sim("aliyun-saf")
    catalogue = {(s["service"], s["scenario"]): s for s in sim.admin("GET", "/scenarios").get_json()["available"]}
    assert list(catalogue) == [("aliyun-saf", "verification")]  # only the services being simulated
    assert {"pending", "passed", "Z1146", "Z8302"} <= set(catalogue["aliyun-saf", "verification"]["states"])
    engine = next(s for s in AICP.scenarios if s.name == "engine")  # each service declares its own
    assert engine.states(all_contracts["aicp"]) == ["up", "down"]


def test_a_machine_hands_out_one_state_per_step_and_then_holds_the_last(make_sim):
    sim = make_sim("aliyun-saf")
    scenarios = sim.control.scenarios
    scenarios.set("aliyun-saf", "verification", ["pending", "pending", "Z1146"], key=ZHANG_SAN)
    assert [scenarios.advance("aliyun-saf", "verification", ZHANG_SAN) for _ in range(5)] == \
        ["pending", "pending", "Z1146", "Z1146", "Z1146"]
    assert scenarios.get("aliyun-saf", "verification", ZHANG_SAN)["step"] == 5


def test_a_keys_own_machine_beats_the_one_for_every_key(make_sim):
    sim = make_sim("aliyun-saf")
    scenarios = sim.control.scenarios
    scenarios.set("aliyun-saf", "verification", "Z8302")
    scenarios.set("aliyun-saf", "verification", "passed", key=ZHANG_SAN)
    assert scenarios.advance("aliyun-saf", "verification", ZHANG_SAN) == "passed"
    assert scenarios.advance("aliyun-saf", "verification", "310104198512120015") == "Z8302"
    assert scenarios.advance("aliyun-saf", "other") is None


def test_saf_verification_goes_pending_then_fails_as_the_scenario_says(make_sim):
    sim = make_sim("aliyun-saf")
    saf = SafClient(sim)
    created = sim.admin("POST", "/scenarios", json={"service": "aliyun-saf", "scenario": "verification",
                                                     "key": ZHANG_SAN, "states": ["pending", "pending", "Z1146"]})
    assert created.status_code == 201 and created.get_json()["state"] == "pending"
    data = saf.init()
    sim.clock.advance(60)  # long past the default completion: the scenario decides, not the clock
    polls = [saf.query(data) for _ in range(4)]
    assert [p["Code"] for p in polls[:2]] == [300, 300]
    assert all("Z1146" in p["Message"] for p in polls[2:])


def test_saf_verification_passes_after_polls_when_told(make_sim):
    sim = make_sim("aliyun-saf")
    saf = SafClient(sim)
    sim.admin("POST", "/scenarios", json={"service": "aliyun-saf", "scenario": "verification",
                                          "states": ["pending", "passed"]})
    data = saf.init()
    assert [saf.query(data)["Code"] for _ in range(3)] == [300, 200, 200]


def test_unknown_scenarios_and_states_are_refused_with_the_valid_ones(make_sim):
    sim = make_sim("aliyun-saf")
    unknown = sim.admin("POST", "/scenarios", json={"service": "aliyun-saf", "scenario": "weather", "state": "x"})
    assert unknown.status_code == 400 and "aliyun-saf/verification" in unknown.get_json()["apisim_error"]
    bad_state = sim.admin("POST", "/scenarios", json={"service": "aliyun-saf", "scenario": "verification",
                                                      "states": ["maybe"]})
    assert bad_state.status_code == 400 and "Z1146" in bad_state.get_json()["apisim_error"]


def test_scenarios_are_listed_and_removed_over_the_admin_api(make_sim):
    sim = make_sim("aliyun-saf")
    sim.admin("POST", "/scenarios", json={"service": "aliyun-saf", "scenario": "verification", "state": "passed"})
    active = sim.admin("GET", "/scenarios").get_json()["active"]
    assert [(m["key"], m["states"]) for m in active] == [("*", ["passed"])]
    removed = sim.admin("DELETE", "/scenarios", json={"service": "aliyun-saf", "scenario": "verification"})
    assert removed.get_json() == {"removed": 1}
    assert sim.admin("GET", "/scenarios").get_json()["active"] == []


def test_aicp_engine_down_for_one_enrolment_queues_it_for_high_availability(make_sim):
    import base64
    from pathlib import Path

    images = Path(__file__).resolve().parents[2] / "fixtures" / "images"
    photo = lambda name: base64.b64encode((images / name).read_bytes()).decode("ascii")  # noqa: E731
    sim = make_sim("aicp")
    contract = sim.simulator.contracts["aicp"]

    def post(deployment: str, path: str, body: dict) -> dict:
        port = sim.simulator.port_of(contract.deployment(deployment))
        answer = sim.client.post(path, json=body, headers={"token": "YXBpc2ltLWFkbWluLXRvaw=="},
                                 environ_overrides={"SERVER_PORT": str(port)})
        return answer.get_json()

    sim.admin("POST", "/scenarios", json={"service": "aicp", "scenario": "engine", "states": ["up", "down", "up"]})
    assert post("micro", "/aicp/face/addBase", {"groupId": "300000", "dbName": "s", "dbDesc": "d"})["flag"] is True
    enrolled = [post("micro", "/aicp/face/add", {"groupId": "300000", "image": photo(name), "name": name})
                for name in ("alice_1.jpg", "bob.jpg")]
    assert all(e["flag"] is True for e in enrolled)  # both accepted: the second only queued
    queue = post("high-availability", "/asynchrony/getall", {"issolved": "0"})["data"]["items"]
    fresh = [item for item in queue if item["createTime"].startswith("2026-03-01")]  # not the seeded history
    assert len(fresh) == 1
    search = lambda: post("micro", "/aicp/face/recognition", {"groupId": "300000", "image": photo("bob.jpg")})  # noqa: E731
    assert search()["data"]["records"] == []  # not in the engine until the queued call is replayed
    assert post("high-availability", "/asynchrony/resumedata", {"asynchronyDataList": [{"id": fresh[0]["id"]}]})["flag"]
    assert [r["personNo"] for r in search()["data"]["records"]] == [enrolled[1]["data"]["personNo"]]
