"""The Huawei OCR example client, tested offline with the apisim fixtures only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from examples.clients.huawei_ocr_client import HuaweiOcrClient, OcrError, fetch_token

INVOICE_URL = "https://apisim.fixtures/images/quota_invoice.png"


def aksk_client(apisim, endpoint: str) -> HuaweiOcrClient:
    cred = apisim.credentials("huawei-ocr")
    return HuaweiOcrClient(endpoint, cred["project_id"], ak=cred["ak"], sk=cred["sk"], clock=apisim.now)


def test_aksk_signed_recognition_against_the_vendors_own_url(apisim_respx):
    client = aksk_client(apisim_respx, apisim_respx.original_url("huawei-ocr"))
    invoice = client.recognize_quota_invoice(url=INVOICE_URL)
    assert re.fullmatch(r"\d{12}", invoice.code) and re.fullmatch(r"\d{8}", invoice.number)
    [call] = apisim_respx.calls("huawei-ocr.recognize_quota_invoice")
    assert (call["status"], call["outcome"], call["host"]) == (200, "success", "ocr.cn-north-4.myhuaweicloud.com")


def test_iam_token_then_recognition(apisim_respx):
    cred = apisim_respx.credentials("huawei-ocr")
    token = fetch_token(apisim_respx.original_url("huawei-ocr", "iam"), cred["user"], cred["password"],
                        cred["domain"], cred["project"])
    client = HuaweiOcrClient(apisim_respx.original_url("huawei-ocr"), cred["project_id"], token=token)
    assert client.recognize_quota_invoice(url=INVOICE_URL).amount.startswith("￥")
    assert [c["operation"] for c in apisim_respx.calls()] == ["create_token", "recognize_quota_invoice"]


def test_the_same_client_over_real_loopback_sockets(apisim):
    client = aksk_client(apisim, apisim.base_url("huawei-ocr"))
    by_url = client.recognize_quota_invoice(url=INVOICE_URL)
    assert apisim.calls(operation="recognize_quota_invoice")[0]["status"] == 200
    assert by_url == aksk_client(apisim, apisim.base_url("huawei-ocr")).recognize_quota_invoice(url=INVOICE_URL)


def test_image_bytes_are_sent_as_base64(apisim_respx):
    image = (Path(__file__).parents[2] / "fixtures" / "images" / "quota_invoice.png").read_bytes()
    from_bytes = aksk_client(apisim_respx, apisim_respx.original_url("huawei-ocr")).recognize_quota_invoice(image)
    from_url = aksk_client(apisim_respx, apisim_respx.original_url("huawei-ocr")).recognize_quota_invoice(url=INVOICE_URL)
    assert from_bytes == from_url  # the same picture reads the same, however it is sent


@pytest.mark.apisim(service="huawei-ocr", error={"recognize_quota_invoice": "ModelArts.4204"})
def test_marker_error_reaches_the_client_as_the_documented_error(apisim_respx):
    with pytest.raises(OcrError) as raised:
        aksk_client(apisim_respx, apisim_respx.original_url()).recognize_quota_invoice(url=INVOICE_URL)
    assert (raised.value.code, raised.value.status) == ("ModelArts.4204", 400)
    assert raised.value.message == "The requested service has not been subscribed."


def test_fail_next_then_normal_service(apisim_respx):
    apisim_respx.fail_next("huawei-ocr.recognize_quota_invoice", "ModelArts.4204", times=2)
    client = aksk_client(apisim_respx, apisim_respx.original_url("huawei-ocr"))
    codes = []
    for _ in range(3):
        try:
            client.recognize_quota_invoice(url=INVOICE_URL)
            codes.append("ok")
        except OcrError as error:
            codes.append(error.code)
    assert codes == ["ModelArts.4204", "ModelArts.4204", "ok"]
    assert [c["failure"] for c in apisim_respx.calls()] == ["fault", "fault", None]


@pytest.mark.apisim(strict=False)  # a deliberately wrong secret: the failure is what is under test
def test_a_wrong_secret_key_is_refused_with_the_gateways_code(apisim_respx):
    cred = apisim_respx.credentials("huawei-ocr")
    client = HuaweiOcrClient(apisim_respx.original_url("huawei-ocr"), cred["project_id"], ak=cred["ak"],
                             sk="not-the-secret", clock=apisim_respx.now)
    with pytest.raises(OcrError) as raised:
        client.recognize_quota_invoice(url=INVOICE_URL)
    assert raised.value.code == "APIGW.0301"
    assert apisim_respx.calls()[0]["failure"] == "auth"
