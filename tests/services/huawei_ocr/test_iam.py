"""The simulated IAM issues the tokens X-Auth-Token carries, and refuses bad logins as IAM does."""

from __future__ import annotations


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
