"""Real clients against a live simulator on loopback: the official SDK and the document's sample code."""

from __future__ import annotations

import base64

import pytest
import requests
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkocr.v1 import OcrClient, QuotaInvoiceRequestBody, RecognizeQuotaInvoiceRequest
from huaweicloudsdkocr.v1.model.recognize_quota_invoice_response import RecognizeQuotaInvoiceResponse


DEMO = {"ak": "APISIMDEMOAK0000HWOCR", "sk": "apisim-demo-secret-key-huawei-ocr-0000000",
        "project_id": "0a1b2c3d4e5f60718293a4b5c6d7e8f9"}


@pytest.fixture(scope="module")
def server(live_server):
    return live_server


def sdk_client(server, sk=DEMO["sk"], retries=0):
    config = HttpConfig.get_default_config()
    config.retry_times = retries
    credentials = BasicCredentials(DEMO["ak"], sk, DEMO["project_id"])
    return OcrClient.new_builder().with_http_config(config).with_credentials(credentials) \
        .with_endpoint(server.base_url("huawei-ocr")).build()


def invoice_request(image_b64: str) -> RecognizeQuotaInvoiceRequest:
    return RecognizeQuotaInvoiceRequest(body=QuotaInvoiceRequestBody(image=image_b64))


def test_the_official_sdk_gets_a_parsed_response_with_aksk(server, png_base64):
    image = png_base64(text="card=invoice invoice_number=87654321 amount=￥100.00")
    response = sdk_client(server).recognize_quota_invoice(invoice_request(image))
    assert isinstance(response, RecognizeQuotaInvoiceResponse)
    assert response.result.number == "87654321" and response.result.amount == "￥100.00"
    assert len(response.result.code) == 12


def _sdk_error(call) -> exceptions.ClientRequestException:
    with pytest.raises(exceptions.ClientRequestException) as info:
        call()
    return info.value


def test_a_wrong_secret_raises_the_sdks_exception_with_apigw_0301(server, png_base64):
    error = _sdk_error(lambda: sdk_client(server, sk="not-the-secret").recognize_quota_invoice(invoice_request(png_base64())))
    assert (error.status_code, error.error_code) == (401, "APIGW.0301")
    assert len(error.request_id) == 32


def test_a_bad_image_raises_the_sdks_exception_with_ais_0103(server, png_base64):
    error = _sdk_error(lambda: sdk_client(server).recognize_quota_invoice(invoice_request(png_base64(10, 10))))
    assert (error.status_code, error.error_code) == (400, "AIS.0103")


def test_a_forced_code_reaches_the_sdk(server, png_base64):
    sdk = sdk_client(server)
    # The SDK has no per-call header option; its requests session sends this header on every call.
    sdk._http_client._session.headers["X-Apisim-Code"] = "ModelArts.4204"
    error = _sdk_error(lambda: sdk.recognize_quota_invoice(invoice_request(png_base64())))
    assert (error.status_code, error.error_code, error.error_msg) == \
        (400, "ModelArts.4204", "The requested service has not been subscribed.")


def test_the_documents_requests_sample_works_with_a_token_from_iam(server, png_base64, tmp_path):
    # The document's Python sample, pointed at loopback; the token comes from the simulated IAM.
    iam = server.base_url("huawei-ocr", "iam")
    login = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "apisim-demo", "password": "apisim-demo-password", "domain": {"name": "apisim-demo"}}}},
        "scope": {"project": {"name": "cn-north-4"}}}}
    token = requests.post(f"{iam}/v3/auth/tokens", json=login, timeout=5).headers["X-Subject-Token"]

    imagepath = tmp_path / "quota-invoice-demo.png"
    imagepath.write_bytes(base64.b64decode(png_base64()))
    url = f"{server.base_url('huawei-ocr')}/v2/{DEMO['project_id']}/ocr/quota-invoice"
    headers = {'Content-Type': 'application/json', 'X-Auth-Token': token}
    with open(imagepath, "rb") as bin_data:
        image_data = bin_data.read()
    image_base64 = base64.b64encode(image_data).decode("utf-8")
    payload = {"image": image_base64}
    response = requests.post(url, headers=headers, json=payload, timeout=5)
    assert response.status_code == 200
    assert set(response.json()["result"]) == {"number", "code", "location", "amount", "confidence"}
