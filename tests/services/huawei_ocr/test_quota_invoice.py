"""Quota-invoice recognition through HTTP: success, and every documented error by its natural trigger."""

from __future__ import annotations

import base64
import re

import pytest

from simulator.fake.entities import checks
from simulator.imaging.fixtures import fixture_images_dir


def fixture_b64(name: str) -> str:
    return base64.b64encode((fixture_images_dir() / name).read_bytes()).decode()


def error_of(response):
    body = response.get_json()
    return response.status_code, body["error_code"]


def test_an_untagged_image_gets_a_realistic_invoice_and_a_request_id(ocr, png_base64):
    response = ocr({"image": png_base64()})
    assert response.status_code == 200
    result = response.get_json()["result"]
    assert checks.invoice_problems(result["number"], result["code"], result["location"], result["amount"]) == []
    assert all(0.9 <= v <= 1 for v in result["confidence"].values())
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-Id"])


def test_the_same_image_gives_the_same_invoice(ocr, png_base64):
    image = png_base64(200, 100)
    assert ocr({"image": image}).get_json() == ocr({"image": image}).get_json()


def test_the_invoice_tagged_in_the_image_is_returned(ocr, png_base64):
    image = png_base64(text="card=invoice invoice_number=12345678 invoice_code=144031900111 amount=￥20.00 location=广东省广州市")
    result = ocr({"image": image}).get_json()["result"]
    assert (result["number"], result["code"], result["amount"], result["location"]) == \
        ("12345678", "144031900111", "￥20.00", "广东省广州市")


def test_a_registered_fixture_url_is_resolved_without_any_download(ocr):
    response = ocr({"url": "https://apisim.fixtures/images/quota_invoice.png"})
    assert response.status_code == 200


@pytest.mark.parametrize(("body", "code"), [
    ({}, "AIS.0101"),
    ({"image": "a", "url": "b"}, "AIS.0101"),
    ({"image": 42}, "AIS.0101"),
    ({"image": "x", "extra": 1}, "AIS.0101"),
    ({"image": "!!!not base64!!!"}, "AIS.0102"),
    ({"image": base64.b64encode(b"plain text, not an image").decode()}, "AIS.0102"),
    ({"image": "data:image/png;base64,iVBORw0KGgo="}, "AIS.0102"),
    ({"url": "ftp://example.com/a.png"}, "ModelArts.4601"),
    ({"url": "https://photos.example.invalid/a.png"}, "ModelArts.4603"),
    ({"url": "https://apisim.fixtures/unreachable/a.png"}, "ModelArts.4603"),
    ({"url": "https://bucket.obs.cn-north-4.myhuaweicloud.com/"}, "ModelArts.4703"),
    ({"url": "https://apisim.fixtures/missing/nothing.png"}, "ModelArts.4706"),
    ({"url": "https://apisim.fixtures/images/misspelt.png"}, "ModelArts.4706"),
])
def test_bad_bodies_get_the_documented_code(ocr, body, code):
    assert error_of(ocr(body)) == (400, code)


@pytest.mark.parametrize("url", ["https://BucketName.obs.xxxx.com/ObjectName", "https://example.com/invoice.jpg"])
def test_any_other_url_is_a_stable_invoice_made_from_the_url(ocr, url):
    """The document's method-two URL works: nothing is downloaded, the URL names its picture."""
    first, again = ocr({"url": url}), ocr({"url": url})
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["result"] == again.get_json()["result"]
    assert first.get_json()["result"] != ocr({"url": url + "2"}).get_json()["result"]


@pytest.mark.parametrize(("fixture", "code"), [
    ("tiny_10px.png", "AIS.0103"),
    ("huge_5000px.png", "AIS.0103"),
    ("truncated.jpg", "AIS.0104"),
    ("not_an_image.txt", "AIS.0102"),
    ("bank_card.jpg", "AIS.0104"),
])
def test_bad_images_get_the_documented_code(ocr, fixture, code):
    assert error_of(ocr({"image": fixture_b64(fixture)})) == (400, code)


def test_a_gif_is_not_an_accepted_format(ocr):
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 40)).save(buf, "GIF")
    assert error_of(ocr({"image": base64.b64encode(buf.getvalue()).decode()})) == (400, "AIS.0102")


def test_malformed_json_and_oversized_bodies_get_the_platform_codes(ocr):
    assert error_of(ocr(data=b"{broken")) == (400, "ModelArts.4105")
    assert error_of(ocr(data=b'{"image": "' + b"A" * (10 * 1024 * 1024) + b'"}')) == (400, "ModelArts.4104")


def test_a_wrong_content_type_is_an_invalid_parameter(ocr):
    response = ocr.client.post("/v2/0a1b2c3d4e5f60718293a4b5c6d7e8f9/ocr/quota-invoice", data="{}",
                               headers={"Host": "ocr.cn-north-4.myhuaweicloud.com", "X-Auth-Token": ocr.token,
                                        "Content-Type": "text/plain"})
    assert error_of(response) == (400, "AIS.0101")


def test_the_project_in_the_path_must_be_a_project_id_and_the_callers(ocr, png_base64):
    assert error_of(ocr({"image": png_base64()}, path="/v2/not-a-project/ocr/quota-invoice")) == (400, "ModelArts.4202")
    assert error_of(ocr({"image": png_base64()}, path="/v2/" + "f" * 32 + "/ocr/quota-invoice")) == (403, "ModelArts.4203")


@pytest.mark.parametrize(("headers", "expected"), [
    ({"X-Auth-Token": ""}, (401, "ModelArts.4101")),
    ({"X-Auth-Token": "not-a-token"}, (401, "ModelArts.4102")),
    ({"X-Auth-Token": "MII" + "A" * 60}, (401, "ModelArts.4103")),
])
def test_token_failures_get_the_platform_codes(ocr, headers, expected):
    assert error_of(ocr({"image": "x"}, **headers)) == expected


def test_an_expired_token_must_be_updated(make_client, png_base64, hw, fixed_now):
    from datetime import timedelta

    now = [fixed_now]
    client = make_client("huawei-ocr", clock=lambda: now[0])
    token = client.post("/v3/auth/tokens", headers={"Host": hw.IAM_HOST}, json=hw.token_body()).headers["X-Subject-Token"]
    headers = {"Host": hw.OCR_HOST, "X-Auth-Token": token}
    assert client.post(hw.OCR_PATH, headers=headers, json={"image": png_base64()}).status_code == 200
    now[0] += timedelta(hours=24, seconds=1)
    assert error_of(client.post(hw.OCR_PATH, headers=headers, json={"image": png_base64()})) == (401, "APIGW.0307")


def test_a_method_or_path_no_operation_serves_is_apigw_0101(ocr):
    response = ocr.client.get("/v2/x/ocr/unknown", headers={"Host": "ocr.cn-north-4.myhuaweicloud.com"})
    assert error_of(response) == (404, "APIGW.0101")


@pytest.mark.parametrize(("flag", "code", "status"), [
    ({"subscribed": False}, "ModelArts.4204", 400),
    ({"restricted": True}, "ModelArts.4106", 403),
    ({"frozen": True}, "ModelArts.6201", 403),
])
def test_account_flags_on_a_credential_trigger_the_account_codes(make_client, png_base64, hw, flag, code, status):
    user = {"user": "flagged", "password": "pw", "domain": "d", "ak": "AKFLAG", "sk": "SKFLAG",
            "project_id": hw.PROJECT, "project": "cn-north-4", **flag}
    client = make_client("huawei-ocr", credentials={"huawei-ocr": [user]})
    login = hw.token_body({"name": "flagged", "password": "pw", "domain": {"name": "d"}})
    token = client.post("/v3/auth/tokens", headers={"Host": hw.IAM_HOST}, json=login).headers["X-Subject-Token"]
    response = client.post(hw.OCR_PATH, headers={"Host": hw.OCR_HOST, "X-Auth-Token": token}, json={"image": png_base64()})
    assert error_of(response) == (status, code)


def test_every_catalogue_code_can_be_forced(ocr):
    contract = ocr.client.simulator.contracts["huawei-ocr"]
    for code in contract.operations["recognize_quota_invoice"].errors:
        response = ocr({"image": "x"}, **{"X-Apisim-Code": code})
        assert error_of(response) == (contract.errors[code].http_status, code)
        assert response.get_json()["error_msg"] == contract.errors[code].message


def test_the_shipped_not_subscribed_demo_account_gets_modelarts_4204(make_client, png_base64, hw):
    """The document: 如未开通服务，调用服务时会提示ModelArts.4204报错 — reachable with the shipped demo credentials."""
    client = make_client("huawei-ocr")
    login = hw.token_body({"name": "apisim-not-subscribed", "password": "apisim-demo-password",
                           "domain": {"name": "apisim-not-subscribed"}})
    token = client.post("/v3/auth/tokens", headers={"Host": hw.IAM_HOST}, json=login).headers["X-Subject-Token"]
    path = hw.OCR_PATH.replace(hw.PROJECT, "1b2c3d4e5f60718293a4b5c6d7e8f90a")
    response = client.post(path, headers={"Host": hw.OCR_HOST, "X-Auth-Token": token}, json={"image": png_base64()})
    assert error_of(response) == (400, "ModelArts.4204")
