"""The Tea-based SDK core (alibabacloud-tea-openapi) signs ACS3-HMAC-SHA256 by default; it must work too."""

from __future__ import annotations

import json

import alibabacloud_tea_openapi.client as tea
import alibabacloud_tea_openapi.models as open_api_models
import alibabacloud_tea_util.models as util_models
import pytest

from .conftest import DEMO, METAINFO, ZHANG_SAN

INIT = json.dumps({"method": "init", "name": "张三", "certNumber": ZHANG_SAN, "metainfo": METAINFO}, ensure_ascii=False)


@pytest.fixture(scope="module")
def endpoint(live_server):
    return live_server.base_url("aliyun-saf").split("://", 1)[1].rstrip("/")


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def call(endpoint: str, request, secret: str = DEMO[1]) -> dict:
    config = open_api_models.Config(access_key_id=DEMO[0], access_key_secret=secret, endpoint=endpoint, protocol="http")
    params = open_api_models.Params(action="ExecuteRequest", version="2019-05-21", protocol="HTTP", pathname="/",
                                    method="POST", auth_type="AK", style="RPC", req_body_type="formData",
                                    body_type="json")
    return tea.Client(config).call_api(params, request, util_models.RuntimeOptions(autoretry=False))


@pytest.mark.parametrize("in_body", [False, True])
def test_the_tea_sdk_inits_a_verification_with_acs3(endpoint, in_body):
    request = (open_api_models.OpenApiRequest(query={"Service": "face_verify"}, body={"ServiceParameters": INIT})
               if in_body else open_api_models.OpenApiRequest(query={"Service": "face_verify", "ServiceParameters": INIT}))
    answer = call(endpoint, request)
    assert answer["statusCode"] == 200
    assert answer["body"]["Code"] == 200 and set(answer["body"]["Data"]) == {"queryId", "bizId"}


def test_the_tea_sdk_reports_a_wrong_secret_as_signature_does_not_match(endpoint):
    from alibabacloud_tea_openapi.exceptions import ClientException

    request = open_api_models.OpenApiRequest(query={"Service": "face_verify", "ServiceParameters": INIT})
    with pytest.raises(ClientException) as caught:
        call(endpoint, request, secret="wrong")
    assert caught.value.code == "SignatureDoesNotMatch"
    assert caught.value.data["RequestId"] and caught.value.data["HostId"] == "saf.cn-shanghai.aliyuncs.com"
