"""``apisim_inprocess``: httpx, requests and the copy of requests inside aliyun-python-sdk-core routed
into the simulator with no socket, so the official SDKs run unchanged against the vendors' real URLs
(signing with the wall clock, as they do, while the simulator's clock stays fixed).

Every test here stubs socket creation to fail: an answer can only have come from in-process routing.
"""

from __future__ import annotations

import base64
import json
import socket

import httpx
import pytest
import requests
from aliyunsdkcore.acs_exception.exceptions import ClientException
from aliyunsdkcore.client import AcsClient
from aliyunsdkcore.request import CommonRequest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions as huawei_exceptions
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkocr.v1 import OcrClient, QuotaInvoiceRequestBody, RecognizeQuotaInvoiceRequest

from simulator.testing import ApisimServer, UnmatchedRequest, apisim_inprocess

OCR = "https://ocr.cn-north-4.myhuaweicloud.com"
IAM = "https://iam.cn-north-4.myhuaweicloud.com"
SAF = "saf.cn-shanghai.aliyuncs.com"


@pytest.fixture
def no_sockets(monkeypatch):
    """Socket creation fails in this test: whatever answers, answers in-process."""
    def refuse(*args, **kwargs):
        raise OSError("socket creation is stubbed to fail in this test")

    monkeypatch.setattr(socket, "socket", refuse)


def huawei_sdk(apisim, endpoint: str = OCR) -> OcrClient:
    credential = apisim.credentials("huawei-ocr")
    config = HttpConfig.get_default_config()
    config.retry_times = 0
    return OcrClient.new_builder().with_http_config(config) \
        .with_credentials(BasicCredentials(credential["ak"], credential["sk"], credential["project_id"])) \
        .with_endpoint(endpoint).build()


def test_the_huawei_sdk_runs_unchanged_against_the_vendors_url(apisim_inprocess, no_sockets, png_base64):
    image = png_base64(text="card=invoice invoice_number=87654321 amount=￥100.00")
    response = huawei_sdk(apisim_inprocess).recognize_quota_invoice(
        RecognizeQuotaInvoiceRequest(body=QuotaInvoiceRequestBody(image=image)))
    assert (response.result.number, response.result.amount) == ("87654321", "￥100.00")
    assert [call["host"] for call in apisim_inprocess.calls()] == ["ocr.cn-north-4.myhuaweicloud.com"]


def test_a_forced_error_reaches_the_huawei_sdk_as_its_own_exception(apisim_inprocess, no_sockets, png_base64):
    apisim_inprocess.fail_next("huawei-ocr.recognize_quota_invoice", "ModelArts.4204")
    with pytest.raises(huawei_exceptions.ClientRequestException) as error:
        huawei_sdk(apisim_inprocess).recognize_quota_invoice(
            RecognizeQuotaInvoiceRequest(body=QuotaInvoiceRequestBody(image=png_base64())))
    assert (error.value.status_code, error.value.error_code) == (400, "ModelArts.4204")


def test_the_documents_requests_sample_gets_a_token_from_iam_and_calls_ocr(apisim_inprocess, no_sockets, png_base64):
    credential = apisim_inprocess.credentials("huawei-ocr")
    login = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": credential["user"], "password": credential["password"], "domain": {"name": credential["domain"]}}}},
        "scope": {"project": {"name": credential["project"]}}}}
    token = requests.post(f"{IAM}/v3/auth/tokens", json=login, timeout=5).headers["X-Subject-Token"]
    response = requests.post(f"{OCR}/v2/{credential['project_id']}/ocr/quota-invoice",
                             headers={"X-Auth-Token": token}, json={"image": png_base64()}, timeout=5)
    assert response.status_code == 200 and set(response.json()["result"]) >= {"number", "amount"}


def saf_request(service_parameters: dict) -> CommonRequest:
    request = CommonRequest()
    request.set_method("POST")
    request.set_domain(SAF)  # the vendor's own host, over https as the SDK sends by default
    request.set_version("2017-03-31")
    request.set_action_name("ExecuteRequest")
    request.add_query_param("Service", "face_verify")
    request.add_query_param("ServiceParameters", json.dumps(service_parameters, ensure_ascii=False))
    return request


def test_aliyun_sdk_core_and_its_vendored_requests_run_unchanged_against_the_vendors_host(apisim_inprocess,
                                                                                           no_sockets):
    credential = apisim_inprocess.credentials("aliyun-saf")
    client = AcsClient(credential["AccessKeyId"], credential["AccessKeySecret"], "cn-shanghai", auto_retry=False)
    answer = json.loads(client.do_action_with_exception(saf_request({"method": "query", "certifyId": "nope"})))
    assert "Code" in answer and "RequestId" in answer
    assert [call["host"] for call in apisim_inprocess.calls()] == [SAF]


def test_a_reset_reaches_each_copy_of_requests_as_its_own_connection_error(apisim_inprocess, no_sockets):
    apisim_inprocess.faults.add({"match": {"service": "aliyun-saf"}, "action": {"type": "reset"}})
    credential = apisim_inprocess.credentials("aliyun-saf")
    client = AcsClient(credential["AccessKeyId"], credential["AccessKeySecret"], "cn-shanghai", auto_retry=False)
    with pytest.raises(ClientException) as error:  # the SDK's wrapping of the vendored requests' ConnectionError
        client.do_action_with_exception(saf_request({"method": "query", "certifyId": "nope"}))
    assert "Connection reset by peer" in str(error.value)
    apisim_inprocess.faults.add({"match": {"service": "huawei-ocr"}, "action": {"type": "reset"}})
    with pytest.raises(requests.ConnectionError, match="Connection reset by peer"):
        requests.post(f"{OCR}/v2/p/ocr/quota-invoice", json={})


@pytest.mark.parametrize("action, error", [
    ({"type": "hang"}, requests.ReadTimeout), ({"type": "disconnect"}, requests.ConnectionError),
    ({"type": "truncate", "cut": True}, requests.exceptions.ChunkedEncodingError)])
def test_other_connection_faults_are_what_requests_raises_for_a_real_connection(apisim_inprocess, no_sockets,
                                                                                action, error):
    apisim_inprocess.faults.add({"match": {"service": "huawei-ocr", "deployment": "iam"}, "action": action})
    with pytest.raises(error):
        requests.post(f"{IAM}/v3/auth/tokens", json={}, timeout=5)


def test_httpx_is_routed_too_and_shares_the_journal(apisim_inprocess, no_sockets):
    requests.post(f"{IAM}/v3/auth/tokens", json={})
    httpx.post(f"{IAM}/v3/auth/tokens", json={})
    assert [call["operation"] for call in apisim_inprocess.calls()] == ["create_token", "create_token"]


def test_an_unmatched_requests_call_raises_at_the_call_site_and_fails_the_test_if_swallowed(pytester):
    pytester.makepyfile(test_user=f'''
import requests
from simulator.testing import UnmatchedRequest

def test_swallows(apisim_inprocess):
    try:
        requests.get("{OCR}/v2/p/ocr/nothing-here")
    except UnmatchedRequest:
        pass
''')
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*no documented operation serves*", "*GET ocr.cn-north-4.myhuaweicloud.com/v2/p/ocr/nothing-here*"])


def test_without_pytest_a_context_manager_routes_both_libraries(no_sockets):
    apisim = ApisimServer(services=["huawei-ocr"])  # not started: in-process needs no port
    with apisim_inprocess(apisim) as routed:
        assert requests.post(f"{IAM}/v3/auth/tokens", json={}).status_code == 400
        assert httpx.post(f"{IAM}/v3/auth/tokens", json={}).status_code == 400
        with pytest.raises(UnmatchedRequest):
            requests.get(f"{IAM}/nothing")
        assert len(routed.unmatched) == 1
    assert "send" in vars(requests.adapters.HTTPAdapter) and \
        vars(requests.adapters.HTTPAdapter)["send"].__qualname__ == "HTTPAdapter.send"


pytest_plugins = ["pytester"]
