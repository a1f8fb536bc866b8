"""The simulated IAM issues the tokens X-Auth-Token carries, and refuses bad logins as IAM does."""

from __future__ import annotations

import re
from datetime import datetime, timedelta


def test_a_password_login_returns_a_token_in_x_subject_token(make_client, hw):
    client = make_client("huawei-ocr")
    response = client.post("/v3/auth/tokens", headers={"Host": hw.IAM_HOST}, json=hw.token_body())
    assert response.status_code == 201
    assert response.headers["X-Subject-Token"].startswith("MII")
    token = response.get_json()["token"]
    assert token["project"] == {"id": hw.PROJECT, "name": "cn-north-4", "domain": {"name": "apisim-demo", "id": token["project"]["domain"]["id"]}}
    assert token["expires_at"] > token["issued_at"]


def test_each_login_gets_a_new_token(make_client, hw):
    client = make_client("huawei-ocr")
    tokens = {client.post("/v3/auth/tokens", headers={"Host": hw.IAM_HOST}, json=hw.token_body()).headers["X-Subject-Token"]
              for _ in range(3)}
    assert len(tokens) == 3


def test_a_wrong_password_is_refused_keystone_style(make_client, hw):
    client = make_client("huawei-ocr")
    bad = hw.token_body({"name": "apisim-demo", "password": "wrong", "domain": {"name": "apisim-demo"}})
    response = client.post("/v3/auth/tokens", headers={"Host": hw.IAM_HOST}, json=bad)
    assert response.status_code == 401
    assert response.get_json() == {"error": {"code": 401, "title": "Unauthorized",
                                             "message": "The username or password is wrong.", "error_code": "IAM.0004"}}


def test_a_body_that_is_not_a_password_login_is_invalid(make_client, hw):
    client = make_client("huawei-ocr")
    response = client.post("/v3/auth/tokens", headers={"Host": hw.IAM_HOST}, json={"auth": {"identity": {}}})
    assert response.status_code == 400
    assert response.get_json()["error"]["error_code"] == "IAM.0001"
    assert "$.body.auth.identity" in response.headers["X-Apisim-Detail"]


def test_a_project_the_user_does_not_have_is_refused(make_client, hw):
    client = make_client("huawei-ocr")
    response = client.post("/v3/auth/tokens", headers={"Host": hw.IAM_HOST}, json=hw.token_body(project="ap-southeast-1"))
    assert response.get_json()["error"]["error_code"] == "IAM.0011"


def test_list_projects_answers_the_callers_project(make_client, hw):
    client = make_client("huawei-ocr")
    token = client.post("/v3/auth/tokens", headers={"Host": hw.IAM_HOST}, json=hw.token_body()).headers["X-Subject-Token"]
    response = client.get("/v3/projects?name=cn-north-4", headers={"Host": hw.IAM_HOST, "X-Auth-Token": token})
    assert [p["id"] for p in response.get_json()["projects"]] == [hw.PROJECT]


def test_the_token_body_is_keystones_whole_token_with_one_domain_id_and_real_instants(make_client, hw):
    client = make_client("huawei-ocr")
    token = client.post("/v3/auth/tokens", headers={"Host": hw.IAM_HOST}, json=hw.token_body()).get_json()["token"]
    assert token["user"]["domain"] == token["project"]["domain"]
    assert re.fullmatch(r"[0-9a-f]{32}", token["user"]["domain"]["id"]) and re.fullmatch(r"[0-9a-f]{32}", token["user"]["id"])
    issued, expires = (datetime.strptime(token[k], "%Y-%m-%dT%H:%M:%S.%fZ") for k in ("issued_at", "expires_at"))
    assert expires - issued == timedelta(hours=24)
    assert token["user"]["password_expires_at"] == ""  # IAM's "the password never expires"
    assert token["methods"] == ["password"] and [r["name"] for r in token["roles"]] == ["te_admin"]
    assert {entry["type"] for entry in token["catalog"]} == {"iam", "ocr"}
    for entry in token["catalog"]:
        (endpoint,) = entry["endpoints"]
        assert endpoint["url"].startswith("http://127.0.0.1:"), "the catalog never points at the vendor's host"
        assert endpoint["region_id"] == endpoint["region"] == "cn-north-4" and endpoint["interface"] == "public"


def test_the_same_account_has_the_same_ids_in_every_token_and_nocatalog_empties_the_catalog(make_client, hw):
    client = make_client("huawei-ocr")
    first = client.post("/v3/auth/tokens", headers={"Host": hw.IAM_HOST}, json=hw.token_body()).get_json()["token"]
    second = client.post("/v3/auth/tokens?nocatalog=true", headers={"Host": hw.IAM_HOST},
                         json=hw.token_body()).get_json()["token"]
    assert second["catalog"] == []
    assert (first["user"]["id"], first["user"]["domain"]) == (second["user"]["id"], second["user"]["domain"])


def test_the_token_instants_follow_the_simulator_clock(make_client, hw, fixed_now):
    client = make_client("huawei-ocr")
    client.simulator.runtime.advance_clock(3600)
    token = client.post("/v3/auth/tokens", headers={"Host": hw.IAM_HOST}, json=hw.token_body()).get_json()["token"]
    assert token["issued_at"] == (fixed_now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _login(client, hw) -> str:
    return client.post("/v3/auth/tokens", headers={"Host": hw.IAM_HOST}, json=hw.token_body()).headers["X-Subject-Token"]


def _recognise(client, hw, token: str):
    return client.post(hw.OCR_PATH, headers={"Host": hw.OCR_HOST, "X-Auth-Token": token},
                       json={"url": "https://apisim.fixtures/images/quota_invoice.png"})


def test_issuing_tokens_keeps_no_record_per_token_and_earlier_tokens_stay_valid(make_client, hw):
    """IAM tokens are sealed documents: a load test logging in again and again grows nothing, and
    a token stays valid until it expires, whatever was issued since (as IAM documents)."""
    client = make_client("huawei-ocr")
    first = _login(client, hw)
    store = client.simulator.runtime.store

    def keys() -> dict[str, list[str]]:
        return {ns: sorted(key for key, _ in store.items(ns)) for ns in store.namespaces("huawei-ocr")}

    before = keys()
    later = {_login(client, hw) for _ in range(200)}
    assert len(later) == 200 and first not in later
    assert keys() == before
    assert _recognise(client, hw, first).status_code == 200


def test_a_token_altered_or_sealed_under_another_seed_is_one_iam_never_issued(make_client, hw):
    client = make_client("huawei-ocr", seed=1)
    token = _login(client, hw)
    from_other_seed = _login(make_client("huawei-ocr", seed=2), hw)
    middle = len(token) // 2
    altered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1:]
    never_issued = _recognise(client, hw, "MII" + "x" * 300)
    assert never_issued.status_code == 401
    for bad in (altered, from_other_seed, token + "AAAA"):
        refused = _recognise(client, hw, bad)
        assert (refused.status_code, refused.get_json()) == (never_issued.status_code, never_issued.get_json())
    assert _recognise(client, hw, token).status_code == 200
