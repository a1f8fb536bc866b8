"""The admin API: journal, reset, contracts, state, and who may call it."""

from __future__ import annotations

import json

from simulator.control.access import TOKEN_HEADER

REMOTE = {"REMOTE_ADDR": "192.0.2.10"}  # TEST-NET-1: an address that is not loopback (no packet is sent)


def test_the_journal_lists_requests_with_their_validation_result(sim):
    token = sim.iam_token()
    sim.ocr({"url": "x"})  # no credentials: refused before validation
    sim.ocr({"url": 42}, headers={"X-Auth-Token": token})  # breaks the schema
    sim.ocr({"url": "https://apisim.fixtures/images/quota_invoice.png"}, headers={"X-Auth-Token": token})
    journal = sim.admin("GET", "/requests", query_string={"operation": "recognize_quota_invoice"}).get_json()
    assert journal["count"] == 3
    first, second, third = journal["requests"]
    assert first["validation"] == {"checked": False, "valid": None, "reason": "refused before validation (auth)"}
    assert second["validation"]["valid"] is False and "$.body.url" in second["validation"]["detail"]
    assert third["validation"] == {"checked": True, "valid": True} and third["status"] == 200
    assert third["time"] == "2026-03-01T08:00:00+00:00"


def test_the_journal_filters_by_service_status_code_time_and_sequence(sim):
    sim.iam_token()
    sim.ocr()
    sim.clock.advance(60)
    sim.ocr()
    get = lambda **q: sim.admin("GET", "/requests", query_string=q).get_json()  # noqa: E731
    assert get(service="huawei-ocr")["count"] == 3
    assert get(status="201")["count"] == 1
    assert get(status="4xx")["count"] == 2
    assert get(code="ModelArts.4101")["count"] == 2
    assert get(since="2026-03-01T08:00:30+00:00")["count"] == 1
    assert get(until="2026-03-01T08:00:30Z")["count"] == 2
    assert [e["seq"] for e in get(after_seq=1)["requests"]] == [2, 3]
    assert [e["seq"] for e in get(limit=1)["requests"]] == [3]
    assert sim.admin("GET", "/requests", query_string={"since": "yesterday"}).status_code == 400


def test_deleting_the_journal_forgets_it(sim):
    sim.ocr()
    assert sim.admin("DELETE", "/requests").get_json() == {"removed": 1}
    assert sim.admin("GET", "/requests").get_json()["count"] == 0


def test_deleting_one_services_journal_keeps_the_others(make_sim):
    sim = make_sim("huawei-ocr", "cdc-python")
    sim.ocr()
    sim.client.post("/api/user/", json={}, headers={"Host": "guosai.zustmanong.cn"})
    assert sim.admin("DELETE", "/requests", query_string={"service": "huawei-ocr"}).get_json() == {"removed": 1}
    assert [e["service"] for e in sim.admin("GET", "/requests").get_json()["requests"]] == ["cdc-python"]


def test_reset_forgets_state_faults_and_journal(sim):
    token = sim.iam_token()
    sim.control.faults.error("huawei-ocr", code="APIGW.0308")
    assert sim.admin("POST", "/reset").get_json() == {"reset": "all", "parts": ["state", "faults", "journal"]}
    assert sim.admin("GET", "/faults").get_json() == {"faults": []}
    assert sim.admin("GET", "/requests").get_json()["count"] == 0
    # the token lived in the state: it is gone
    assert sim.ocr({"url": "x"}, headers={"X-Auth-Token": token}).get_json()["error_code"] != "APIGW.0308"
    assert sim.ocr({"url": "x"}, headers={"X-Auth-Token": token}).status_code == 401


def test_reset_of_some_parts_keeps_the_rest(sim):
    sim.iam_token()
    sim.control.faults.error("huawei-ocr", code="APIGW.0308")
    sim.admin("POST", "/reset", json={"service": "huawei-ocr", "parts": ["faults"]})
    assert sim.admin("GET", "/faults").get_json() == {"faults": []}
    assert sim.admin("GET", "/requests").get_json()["count"] == 1
    assert sim.admin("POST", "/reset", json={"parts": ["weather"]}).status_code == 400
    assert sim.admin("POST", "/reset", json={"service": "nope"}).status_code == 400


def test_reset_restores_the_configured_faults(make_sim):
    sim = make_sim("huawei-ocr", control={"faults": ["huawei-ocr:*:code=APIGW.0308"]})
    sim.control.faults.error("huawei-ocr", code="ModelArts.4204")
    assert [f["source"] for f in sim.control.faults.list()] == ["config", "api"]
    sim.admin("POST", "/reset", json={"parts": ["faults"]})
    assert [(f["source"], f["action"]["code"]) for f in sim.control.faults.list()] == [("config", "APIGW.0308")]
    sim.admin("POST", "/reset")
    assert sim.ocr().status_code == 429


def test_contracts_name_deployments_operations_and_codes(sim):
    contracts = sim.admin("GET", "/contracts").get_json()
    ocr = contracts["huawei-ocr"]
    assert ocr["deployments"][0]["original"] == "https://ocr.cn-north-4.myhuaweicloud.com"
    assert ocr["deployments"][0]["local"].startswith("http://127.0.0.1:")
    assert ocr["deployments"][0]["throttling_error"] == "APIGW.0308"
    assert ocr["operations"]["recognize_quota_invoice"]["method"] == "POST"
    assert ocr["errors"]["APIGW.0308"]["http_status"] == 429


def test_state_shows_what_the_service_holds_and_can_be_seeded(sim):
    token = sim.iam_token()
    state = sim.admin("GET", "/state/huawei-ocr").get_json()["state"]
    # IAM keeps nothing per token (a token is a sealed document): the state holds a serial, no token
    assert state["iam"]["token_serial"] == 1
    assert "iam:tokens" not in state and token not in json.dumps(state)
    record = {"user": "apisim-demo", "domain": "apisim-demo", "project": "cn-north-4",
              "project_id": "0a1b2c3d4e5f60718293a4b5c6d7e8f9", "expires_at": "2099-01-01T00:00:00+00:00"}
    seeded = sim.admin("POST", "/state/huawei-ocr", json={"iam:tokens": {"MII" + "s" * 60: record}})
    assert seeded.get_json() == {"service": "huawei-ocr", "written": {"iam:tokens": 1}}
    answer = sim.ocr({"url": "https://apisim.fixtures/images/quota_invoice.png"}, headers={"X-Auth-Token": "MII" + "s" * 60})
    assert answer.status_code == 200


def test_seeding_with_replace_forgets_the_state_first(sim):
    token = sim.iam_token()
    sim.admin("POST", "/state/huawei-ocr", json={"notes": {"a": 1}}, query_string={"replace": "1"})
    state = sim.admin("GET", "/state/huawei-ocr").get_json()["state"]
    assert state == {"notes": {"a": 1}}
    assert sim.ocr({"url": "x"}, headers={"X-Auth-Token": token}).status_code == 401


def test_state_of_an_unknown_service_or_a_bad_seed_is_refused(sim):
    assert sim.admin("GET", "/state/nope").status_code == 400
    assert sim.admin("POST", "/state/huawei-ocr", json={"ns": 3}).status_code == 400
    assert sim.admin("POST", "/state/huawei-ocr", data=b"{nope", content_type="application/json").status_code == 400


def test_without_a_token_only_loopback_callers_are_served(sim):
    assert sim.admin("GET", "/faults").status_code == 200
    refused = sim.admin("GET", "/faults", environ_base=REMOTE)
    assert refused.status_code == 403 and "loopback" in refused.get_json()["apisim_error"]


def test_with_a_token_every_caller_must_carry_it(make_sim):
    sim = make_sim("huawei-ocr", control={"admin_token": "s3cret"})
    assert sim.admin("GET", "/faults").status_code == 401
    assert sim.admin("GET", "/faults", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert sim.admin("GET", "/faults", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    assert sim.admin("GET", "/faults", headers={TOKEN_HEADER: "s3cret"}, environ_base=REMOTE).status_code == 200


def test_the_index_lists_the_endpoints(sim):
    endpoints = sim.admin("GET", "/").get_json()["endpoints"]
    assert any(line.startswith("POST   /__apisim/reset") for line in endpoints)


# -- nothing a web page can send (review F7: CSRF and DNS rebinding without --admin-token) --------

FAULT = '{"spec": "huawei-ocr:*:code=APIGW.0308,times=1000"}'


def test_a_cross_site_text_plain_post_installs_nothing(sim):
    refused = sim.admin("POST", "/faults", data=FAULT, content_type="text/plain",
                        headers={"Origin": "http://evil.example"})
    assert refused.status_code == 403 and "evil.example" in refused.get_json()["apisim_error"]
    assert sim.admin("POST", "/clock", data='{"advance_seconds": 999999}', content_type="text/plain",
                     headers={"Origin": "null"}).status_code == 403
    assert sim.admin("GET", "/faults").get_json() == {"faults": []}
    assert sim.admin("GET", "/clock").get_json()["offset_seconds"] == 0


def test_a_body_that_is_not_declared_json_is_refused_even_without_an_origin(sim):
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        refused = sim.admin("POST", "/faults", data=FAULT, content_type=content_type)
        assert refused.status_code == 415 and "Content-Type: application/json" in refused.get_json()["apisim_error"]
    assert sim.admin("GET", "/faults").get_json() == {"faults": []}
    assert sim.admin("POST", "/faults", data=FAULT, content_type="application/json; charset=utf-8").status_code == 201


def test_a_post_without_a_body_needs_no_content_type(sim):
    assert sim.admin("POST", "/reset").status_code == 200  # curl -X POST .../reset


def test_a_browsers_cross_site_fetch_is_refused_even_a_read(sim):
    refused = sim.admin("GET", "/requests", headers={"Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 403
    assert sim.admin("GET", "/requests", headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200


def test_the_dashboards_own_calls_from_a_loopback_origin_are_served(sim):
    headers = {"Origin": "http://127.0.0.1:18100", "Sec-Fetch-Site": "same-origin"}
    assert sim.admin("POST", "/faults", data=FAULT, content_type="application/json", headers=headers).status_code == 201
    assert sim.admin("POST", "/reset", headers=headers).status_code == 200


def test_a_host_that_is_not_loopback_is_refused_dns_rebinding(sim):
    refused = sim.admin("GET", "/requests", headers={"Host": "attacker.example:22020"})
    assert refused.status_code == 403 and "--admin-host" in refused.get_json()["apisim_error"]
    assert sim.admin("GET", "/dashboard/",
                     headers={"Host": "attacker.example"}).status_code == 403
    for host in ("localhost:18100", "127.0.0.1", "[::1]:18100", "apisim.localhost", "ocr.cn-north-4.myhuaweicloud.com"):
        assert sim.admin("GET", "/requests", headers={"Host": host}).status_code == 200, host


def test_a_configured_name_is_served(make_sim):
    sim = make_sim("huawei-ocr", control={"admin_hosts": ["apisim.ci.internal"]})
    assert sim.admin("GET", "/requests", headers={"Host": "apisim.ci.internal:18100"}).status_code == 200
    assert sim.admin("POST", "/faults", data=FAULT, content_type="application/json",
                     headers={"Host": "apisim.ci.internal", "Origin": "http://apisim.ci.internal:18100"}).status_code == 201


def test_with_a_token_the_token_is_the_whole_rule_as_before(make_sim):
    sim = make_sim("huawei-ocr", control={"admin_token": "s3cret"})
    assert sim.admin("POST", "/faults", data=FAULT, content_type="text/plain",
                     headers={"Host": "apisim.example", "Authorization": "Bearer s3cret"}).status_code == 201
    assert sim.admin("POST", "/reset", headers={"Origin": "http://evil.example"}).status_code == 401
