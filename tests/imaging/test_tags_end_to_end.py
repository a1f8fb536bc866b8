"""The docs/image-tags.md example: tag an image, send it to a service, read the tagged values back."""

from __future__ import annotations

import base64

from simulator.imaging.synth import generate

IAM = "https://iam.cn-north-4.myhuaweicloud.com"
OCR = "https://ocr.cn-north-4.myhuaweicloud.com"
PROJECT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"


def _token(client) -> str:
    reply = client.post("/v3/auth/tokens", base_url=IAM, json={"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": "apisim-demo", "password": "apisim-demo-password", "domain": {"name": "apisim-demo"}}}},
        "scope": {"project": {"name": "cn-north-4"}}}})
    assert reply.status_code == 201, reply.get_data(as_text=True)
    return reply.headers["X-Subject-Token"]


def test_huawei_quota_invoice_returns_the_invoice_tagged_in_the_image(make_client):
    client = make_client("huawei-ocr")
    image = generate({"card": "invoice", "invoice_number": "12345678", "amount": "￥100.00",
                      "location": "浙江省杭州市"})
    reply = client.post(f"/v2/{PROJECT}/ocr/quota-invoice", base_url=OCR, headers={"X-Auth-Token": _token(client)},
                        json={"image": base64.b64encode(image).decode()})
    assert reply.status_code == 200, reply.get_data(as_text=True)
    result = reply.get_json()["result"]
    assert (result["number"], result["amount"], result["location"]) == ("12345678", "￥100.00", "浙江省杭州市")


def test_a_fixture_url_stands_for_the_fixture_image(make_client):
    client = make_client("huawei-ocr")
    reply = client.post(f"/v2/{PROJECT}/ocr/quota-invoice", base_url=OCR, headers={"X-Auth-Token": _token(client)},
                        json={"url": "http://apisim.fixtures/images/quota_invoice.png"})
    assert reply.status_code == 200, reply.get_data(as_text=True)
    result = reply.get_json()["result"]
    assert (result["number"], result["code"]) == ("91024561", "144031909311")
