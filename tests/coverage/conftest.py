"""Fixtures for the coverage tests: a known set of calls to the Huawei OCR simulator."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

PROJECT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
OCR_HOST = "ocr.cn-north-4.myhuaweicloud.com"
IAM_HOST = "iam.cn-north-4.myhuaweicloud.com"
OCR_PATH = f"/v2/{PROJECT}/ocr/quota-invoice"


def token_body(password: str = "apisim-demo-password") -> dict:
    return {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "apisim-demo", "password": password, "domain": {"name": "apisim-demo"}}}},
        "scope": {"project": {"name": "cn-north-4"}}}}


@pytest.fixture
def huawei_traffic(make_client):
    """A Huawei OCR simulator after exactly these calls (and what coverage they should give):

    - create_token: 2 successes, 1 wrong password (IAM.0004, natural)
    - recognize_quota_invoice: ModelArts.4204 forced by header, AIS.0101 from a control-plane fault
    - list_projects: never called
    - 1 request to the OCR host on a path no operation serves; 1 request to a host no deployment has
    """
    client = make_client("huawei-ocr")
    sim = client.simulator
    iam = {"Host": IAM_HOST}
    assert client.post("/v3/auth/tokens", headers=iam, json=token_body()).status_code == 201
    assert client.post("/v3/auth/tokens", headers=iam, json=token_body()).status_code == 201
    refused = client.post("/v3/auth/tokens", headers=iam, json=token_body("wrong"))
    assert refused.get_json()["error"]["error_code"] == "IAM.0004"
    forced = client.post(OCR_PATH, headers={"Host": OCR_HOST, "X-Apisim-Code": "ModelArts.4204"}, json={})
    assert forced.get_json()["error_code"] == "ModelArts.4204"
    sim.control.faults.error("huawei-ocr", "recognize_quota_invoice", "AIS.0101", times=1)
    budgeted = client.post(OCR_PATH, headers={"Host": OCR_HOST}, json={})
    assert budgeted.get_json()["error_code"] == "AIS.0101"
    client.get(f"/v2/{PROJECT}/ocr/no-such-thing", headers={"Host": OCR_HOST})
    client.get("/anything", headers={"Host": "unknown.example.com"})
    return SimpleNamespace(client=client, sim=sim, entries=sim.journal.entries())
