from __future__ import annotations

from types import SimpleNamespace

import pytest

PROJECT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
OCR_PATH = f"/v2/{PROJECT}/ocr/quota-invoice"
OCR_HOST = "ocr.cn-north-4.myhuaweicloud.com"
IAM_HOST = "iam.cn-north-4.myhuaweicloud.com"
USER = {"name": "apisim-demo", "password": "apisim-demo-password", "domain": {"name": "apisim-demo"}}


def token_body(user=USER, project="cn-north-4"):
    return {"auth": {"identity": {"methods": ["password"], "password": {"user": user}},
                     "scope": {"project": {"name": project}}}}


@pytest.fixture
def hw():
    """The Huawei constants tests need: project, paths, hosts and the IAM login body."""
    return SimpleNamespace(PROJECT=PROJECT, OCR_PATH=OCR_PATH, OCR_HOST=OCR_HOST, IAM_HOST=IAM_HOST, token_body=token_body)


@pytest.fixture
def ocr(make_client):
    """A client for the OCR deployment holding a fresh IAM token: ``ocr.post(body, **headers)``."""
    client = make_client("huawei-ocr")
    token = client.post("/v3/auth/tokens", headers={"Host": IAM_HOST}, json=token_body()).headers["X-Subject-Token"]

    def post(body=None, *, path=OCR_PATH, data=None, **headers):
        headers = {"Host": OCR_HOST, "X-Auth-Token": token, **headers}
        if data is not None:
            return client.post(path, headers={"Content-Type": "application/json", **headers}, data=data)
        return client.post(path, headers=headers, json=body)

    post.client = client
    post.token = token
    return post
