"""Per-credential rate limits answer each service's own throttling error (the contract's throttling_error)."""

from __future__ import annotations

import json

import pytest

from simulator.auth import aliyun_rpc, appcode

SAF_HOST = "saf.cn-shanghai.aliyuncs.com"
SAF_DEMO = ("YourAccessKeyID", "YourAccessKeySecret")
MARKET_HOST = "yhk.market.alicloudapi.com"
MARKET_PATH = "/rest/160601/ocr/ocr_bank_card.json"
MARKET_APPCODE = "5f2d8c1e9a7b4c3d8e6f1a2b3c4d5e6f"


def saf_query(sim, nonce: int, key: tuple[str, str] = SAF_DEMO):
    params = {"Action": "ExecuteRequest", "Version": "2017-03-31", "Service": "face_verify",
              "ServiceParameters": json.dumps({"method": "query", "bizId": "ZSTP0", "queryId": "0"})}
    signed = aliyun_rpc.sign_request(params, key[0], key[1], timestamp=sim.clock(), nonce=f"n-{nonce}")
    return sim.client.post("/?" + aliyun_rpc.encode_params(signed), headers={"Host": SAF_HOST})


def market_call(sim, code: str = MARKET_APPCODE):
    headers = appcode.sign({"Host": MARKET_HOST, "Content-Type": "application/json"}, code)
    return sim.client.post(MARKET_PATH, data=b"{}", headers=headers)


def test_huawei_answers_apigw_0308_past_the_limit_of_a_token(sim):
    token = sim.iam_token()
    sim.control.rate_limits.add({"service": "huawei-ocr", "credential": "apisim-demo", "limit": 2, "per_seconds": 1})
    statuses = [sim.ocr({"url": "x"}, headers={"X-Auth-Token": token}).status_code for _ in range(3)]
    assert 429 not in statuses[:2] and statuses[2] == 429
    answer = sim.ocr({"url": "x"}, headers={"X-Auth-Token": token})
    assert answer.get_json() == {"error_code": "APIGW.0308", "error_msg": "The throttling threshold has been reached."}
    assert "apisim rate limit r1" in answer.headers["X-Apisim-Detail"]
    sim.clock.advance(1)  # a new window of the simulator clock
    assert sim.ocr({"url": "x"}, headers={"X-Auth-Token": token}).status_code != 429


def test_saf_answers_its_402_in_its_own_envelope(make_sim):
    sim = make_sim("aliyun-saf")
    sim.control.rate_limits.add({"service": "aliyun-saf", "limit": 1})
    first, second = saf_query(sim, 1), saf_query(sim, 2)
    assert first.get_json()["Code"] != 402
    assert second.status_code == 200 and second.get_json()["Code"] == 402
    assert second.get_json()["Message"] == "日QPS超过已购规格，限流。"


def test_the_aliyun_gateway_answers_throttled_by_app_flow_control(make_sim):
    sim = make_sim("aliyun-market")
    sim.control.rate_limits.add({"service": "aliyun-market", "credential": MARKET_APPCODE, "limit": 1})
    assert market_call(sim).status_code != 403
    throttled = market_call(sim)
    assert throttled.status_code == 403
    assert throttled.headers["X-Ca-Error-Message"] == "Throttled by APP Flow Control"


def test_each_credential_is_counted_on_its_own(make_sim):
    sim = make_sim("aliyun-saf")
    sim.control.rate_limits.add({"service": "aliyun-saf", "credential": "*", "limit": 1})
    assert saf_query(sim, 1).get_json()["Code"] != 402
    assert saf_query(sim, 2, key=("DetailedAccessKeyID", "DetailedAccessKeySecret")).get_json()["Code"] != 402
    assert saf_query(sim, 3).get_json()["Code"] == 402


def test_a_limit_for_one_credential_leaves_the_others_alone(make_sim):
    sim = make_sim("aliyun-saf")
    sim.control.rate_limits.add({"service": "aliyun-saf", "credential": "DetailedAccessKeyID", "limit": 0})
    assert saf_query(sim, 1).get_json()["Code"] != 402
    assert saf_query(sim, 2, key=("DetailedAccessKeyID", "DetailedAccessKeySecret")).get_json()["Code"] == 402


def test_a_service_whose_document_names_no_throttling_error_cannot_be_limited(make_sim):
    sim = make_sim("cdc-python")
    answer = sim.admin("POST", "/rate-limits", json={"service": "cdc-python", "limit": 1})
    assert answer.status_code == 400
    assert "names no throttling error" in answer.get_json()["apisim_error"]


def test_rate_limits_are_managed_over_the_admin_api(sim):
    created = sim.admin("POST", "/rate-limits", json={"service": "huawei-ocr", "limit": 5, "per_seconds": 60})
    assert created.status_code == 201 and created.get_json()["id"] == "r1"
    assert [r["id"] for r in sim.admin("GET", "/rate-limits").get_json()["rate_limits"]] == ["r1"]
    assert sim.admin("DELETE", "/rate-limits/r1").status_code == 200
    assert sim.admin("DELETE", "/rate-limits/r1").status_code == 404


@pytest.mark.parametrize("limit, complaint", [
    ({"service": "huawei-ocr", "limit": -1}, "limit:"),
    ({"service": "huawei-ocr", "limit": 1, "per_seconds": 0}, "per_seconds"),
    ({"service": "huawei-ocr", "limit": 1, "operation": "nope"}, "no operation 'nope'"),
    ({"service": "nope", "limit": 1}, "service: one of"),
])
def test_bad_limits_are_refused_with_the_reason(sim, limit, complaint):
    answer = sim.admin("POST", "/rate-limits", json=limit)
    assert answer.status_code == 400 and complaint in answer.get_json()["apisim_error"]
