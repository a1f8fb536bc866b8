"""Every Huawei OCR code that is not forced-only is reachable the way a real client reaches it.

One recipe per natural code of the contract: a request the document's clients send (an IAM token
as its ``requests`` sample, or AK/SK signing as the official SDK), with the shipped demo accounts
(docs/services/huawei-ocr.md), never ``X-Apisim-Code``, a fault or the admin API. The parameter
list is the contract's, so a code made natural without a recipe fails here.
"""

from __future__ import annotations

import base64
import io
import json
from datetime import datetime, timedelta
from typing import Any, Callable

import pytest
from PIL import Image, PngImagePlugin

from simulator.auth import huawei_aksk
from simulator.contracts import contracts_dir, load_contract
from simulator.imaging.fixtures import fixture_images_dir

from .conftest import IAM_HOST, OCR_HOST, OCR_PATH, PROJECT, USER, token_body

CONTRACT = load_contract(contracts_dir() / "huawei-ocr")
NATURAL = sorted(code for code, entry in CONTRACT.errors.items() if entry.trigger != "forced-only")
ACCOUNTS = {c["user"]: c for c in CONTRACT.credentials}


class Caller:
    """The OCR and IAM deployments through one Flask test client, with a clock the recipe moves."""

    def __init__(self, client: Any, now: list[datetime], image: str):
        self.client, self.now, self.image = client, now, image

    def login(self, user: str = "apisim-demo", **changes: Any) -> Any:
        login = {"name": user, "password": ACCOUNTS[user]["password"], "domain": {"name": user}, **changes}
        return self.client.post("/v3/auth/tokens", headers={"Host": IAM_HOST}, json=token_body(login))

    def ocr(self, body: Any = None, *, user: str = "apisim-demo", path: str | None = None, **headers: str) -> Any:
        """The document's sample: a token from IAM in X-Auth-Token, the account's own project in the path."""
        account = ACCOUNTS[user]
        token = self.login(user).headers["X-Subject-Token"]
        path = path or OCR_PATH.replace(PROJECT, account["project_id"])
        body = {"image": self.image} if body is None else body
        return self.client.post(path, headers={"Host": OCR_HOST, "X-Auth-Token": token, **headers}, json=body)

    def signed(self, *, sk: str) -> Any:
        """The official SDK's AK/SK signing, with a secret that is not the account's."""
        body = json.dumps({"image": self.image}).encode()
        headers = huawei_aksk.sign("POST", OCR_PATH, [], {"Host": OCR_HOST, "Content-Type": "application/json"}, body,
                                   ACCOUNTS["apisim-demo"]["ak"], sk, self.now[0].strftime(huawei_aksk.DATE_FORMAT))
        return self.client.post(OCR_PATH, headers=headers, data=body)


def _expired_token(caller: Caller) -> Any:
    token = caller.login().headers["X-Subject-Token"]
    caller.now[0] += timedelta(hours=24, seconds=1)  # a client that keeps its token past the 24 hours
    return caller.client.post(OCR_PATH, headers={"Host": OCR_HOST, "X-Auth-Token": token}, json={"image": caller.image})


def _throttled(caller: Caller) -> Any:
    limit = ACCOUNTS["apisim-throttled"]["calls_per_second"]
    for _ in range(limit):
        caller.ocr(user="apisim-throttled")
    return caller.ocr(user="apisim-throttled")


def _fixture_b64(name: str) -> str:
    return base64.b64encode((fixture_images_dir() / name).read_bytes()).decode()


def _tagged_png(text: str) -> str:
    info = PngImagePlugin.PngInfo()
    info.add_text("apisim", text)
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), "white").save(buffer, "PNG", pnginfo=info)
    return base64.b64encode(buffer.getvalue()).decode()


OBS = "https://my-bucket.obs.{region}.myhuaweicloud.com/invoices/2026/03/01.jpg"

RECIPES: dict[str, Callable[[Caller], Any]] = {
    # OCR.
    "AIS.0101": lambda c: c.ocr({"image": c.image, "url": "https://example.com/invoice.jpg"}),
    "AIS.0102": lambda c: c.ocr({"image": base64.b64encode(b"a scanned invoice? no, text").decode()}),
    "AIS.0103": lambda c: c.ocr({"image": _fixture_b64("tiny_10px.png")}),  # a 10 px thumbnail
    "AIS.0104": lambda c: c.ocr({"image": _tagged_png("card=bank")}),
    # ModelArts platform.
    "ModelArts.4101": lambda c: c.client.post(OCR_PATH, headers={"Host": OCR_HOST}, json={"image": c.image}),
    "ModelArts.4102": lambda c: c.client.post(OCR_PATH, headers={"Host": OCR_HOST, "X-Auth-Token": "not-a-token"},
                                              json={"image": c.image}),
    "ModelArts.4103": lambda c: c.client.post(OCR_PATH, headers={"Host": OCR_HOST, "X-Auth-Token": "MII" + "A" * 60},
                                              json={"image": c.image}),
    "ModelArts.4104": lambda c: c.client.post(OCR_PATH, headers={
        "Host": OCR_HOST, "X-Auth-Token": c.login().headers["X-Subject-Token"], "Content-Type": "application/json"},
        data=b'{"image": "' + b"A" * (10 * 1024 * 1024) + b'"}'),
    "ModelArts.4105": lambda c: c.client.post(OCR_PATH, headers={
        "Host": OCR_HOST, "X-Auth-Token": c.login().headers["X-Subject-Token"], "Content-Type": "application/json"},
        data=b"{'image': 'single quotes are no JSON'}"),
    "ModelArts.4106": lambda c: c.ocr(user="apisim-restricted"),
    "ModelArts.4202": lambda c: c.ocr(path="/v2/cn-north-4/ocr/quota-invoice"),  # the region, not the project id
    "ModelArts.4203": lambda c: c.ocr(path=OCR_PATH.replace(PROJECT, ACCOUNTS["apisim-frozen"]["project_id"])),
    "ModelArts.4204": lambda c: c.ocr(user="apisim-not-subscribed"),
    "ModelArts.4601": lambda c: c.ocr({"url": "ftp://files.example.com/invoice.jpg"}),
    "ModelArts.4603": lambda c: c.ocr({"url": "https://images.example.invalid/invoice.jpg"}),
    "ModelArts.4702": lambda c: c.ocr({"url": OBS.format(region="cn-north-4")}, user="apisim-no-obs-agency"),
    "ModelArts.4703": lambda c: c.ocr({"url": "https://my-bucket.obs.cn-north-4.myhuaweicloud.com/"}),
    "ModelArts.4704": lambda c: c.ocr({"url": OBS.format(region="cn-east-3")}),
    "ModelArts.4706": lambda c: c.ocr({"url": "https://apisim.fixtures/images/quota_invoce.png"}),  # misspelt
    "ModelArts.6201": lambda c: c.ocr(user="apisim-frozen"),
    # API Gateway.
    "APIGW.0101": lambda c: c.client.get(OCR_PATH, headers={"Host": OCR_HOST}),
    "APIGW.0301": lambda c: c.signed(sk="not-the-secret-key"),
    "APIGW.0307": _expired_token,
    "APIGW.0308": _throttled,
    # IAM.
    "IAM.0004": lambda c: c.login(password="not-the-password"),
    "IAM.0001": lambda c: c.client.post("/v3/auth/tokens", headers={"Host": IAM_HOST},
                                        json={"auth": {"identity": {"methods": ["token"]}}}),
    "IAM.0011": lambda c: c.client.post("/v3/auth/tokens", headers={"Host": IAM_HOST},
                                        json=token_body(USER, project="ap-southeast-1")),
}


def answered(response: Any, code: str) -> bool:
    body = response.get_json()
    error_code = body["error"]["error_code"] if "error" in body else body.get("error_code")
    return response.status_code == CONTRACT.errors[code].http_status and error_code == code


def test_every_natural_code_has_a_recipe_and_every_recipe_a_natural_code():
    assert sorted(RECIPES) == NATURAL


@pytest.mark.parametrize("code", NATURAL)
def test_a_real_client_reaches_the_code_without_apisims_help(make_client, fixed_now, png_base64, code):
    now = [fixed_now]
    caller = Caller(make_client("huawei-ocr", clock=lambda: now[0]), now, png_base64())
    response = RECIPES[code](caller)
    assert answered(response, code), (response.status_code, response.get_data(as_text=True)[:300])


def test_the_throttled_account_may_call_again_the_next_second(make_client, fixed_now, png_base64):
    now = [fixed_now]
    caller = Caller(make_client("huawei-ocr", clock=lambda: now[0]), now, png_base64())
    assert answered(_throttled(caller), "APIGW.0308")
    now[0] += timedelta(seconds=1)
    assert caller.ocr(user="apisim-throttled").status_code == 200


def test_an_obs_url_in_the_services_own_region_is_read(make_client, fixed_now, png_base64):
    caller = Caller(make_client("huawei-ocr", clock=lambda: fixed_now), [fixed_now], png_base64())
    assert caller.ocr({"url": OBS.format(region="cn-north-4")}).status_code == 200
