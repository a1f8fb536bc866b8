"""Every market and Dataplus code that is not forced-only is reachable the way a real client reaches it.

One recipe per natural code of the contract: a request the document's clients (its ``predict()``
and Dataplus ``demo()``, conftest's ``Api``) could send with the shipped demo credentials
(docs/services/aliyun-market.md), never ``X-Apisim-Code``, a fault or the admin API. The parameter
list is the contract's, so a code made natural without a recipe fails here.
"""

from __future__ import annotations

import json
from typing import Callable

import pytest

from simulator.contracts import contracts_dir, load_contract

from .conftest import (BANK_ONLY_APPCODE, HOSTS, MARKET_PATHS, QPS_2_APPCODE, QUOTA_3_APPCODE, Answer, Api,
                       b64, fixture_b64)

CONTRACT = load_contract(contracts_dir() / "aliyun-market")
NATURAL = sorted(code for code, entry in CONTRACT.errors.items() if entry.trigger != "forced-only")
EXPIRED_APPCODE = "2b3c4d5e6f708192a3b4c5d6e7f80912"
ARREARS_APPCODE = "3c4d5e6f708192a3b4c5d6e7f8091a2b"
USER_QPS_1_APPCODE = "4d5e6f708192a3b4c5d6e7f8091a2b3c"
BANK = {"image": fixture_b64("bank_card.jpg")}
NO_CARD = {"image": "x"}  # answered quickly (success false), and billed like any answer


def _repeat(call: Callable[[], Answer], times: int) -> Answer:
    for _ in range(times - 1):
        call()
    return call()


def _market_raw(api: Api, method: str, headers: dict[str, str], body: bytes = b"{}") -> Answer:
    response = api.client.open(MARKET_PATHS["ocr_bank_card"], method=method, data=body,
                               headers={"Host": HOSTS["ocr_bank_card"],
                                        "Authorization": "APPCODE 5f2d8c1e9a7b4c3d8e6f1a2b3c4d5e6f", **headers})
    raw = response.get_data()
    return Answer(response.status_code, dict(response.headers), raw.decode("utf-8", "replace"), raw)


def _multipart(api: Api) -> Answer:
    boundary = "apisim-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"card.jpg\"\r\n"
            f"Content-Type: image/jpeg\r\n\r\n").encode() + b"\xff\xd8\xff" + f"\r\n--{boundary}--\r\n".encode()
    return _market_raw(api, "POST", {"Content-Type": f"multipart/form-data; boundary={boundary}"}, body)


def _api_flow(api: Api) -> Answer:
    allowed = CONTRACT.raw["x-behaviour"]["api_qps"]["ocr_bank_card"]
    return _repeat(lambda: api.market("ocr_bank_card", NO_CARD), allowed + 1)


RECIPES: dict[str, Callable[[Api], Answer]] = {
    # The API gateway, market OCR.
    "Invalid AppCode": lambda api: api.market("ocr_bank_card", BANK, appcode_="00000000000000000000000000000000"),
    "Unauthorized": lambda api: api.market("ocr_business_card", BANK, appcode_=BANK_ONLY_APPCODE),
    "Quota Exhausted": lambda api: _repeat(lambda: api.market("ocr_bank_card", NO_CARD, appcode_=QUOTA_3_APPCODE), 4),
    "Quota Expired": lambda api: api.market("ocr_bank_card", BANK, appcode_=EXPIRED_APPCODE),
    "User Arrears": lambda api: api.market("ocr_bank_card", BANK, appcode_=ARREARS_APPCODE),
    "Throttled by USER Flow Control":
        lambda api: _repeat(lambda: api.market("ocr_bank_card", NO_CARD, appcode_=USER_QPS_1_APPCODE), 2),
    "Throttled by APP Flow Control":
        lambda api: _repeat(lambda: api.market("ocr_bank_card", NO_CARD, appcode_=QPS_2_APPCODE), 3),
    "Throttled by API Flow Control": _api_flow,
    "Empty Request Body": lambda api: api.market("ocr_bank_card", ""),
    "Invalid Request Body": lambda api: api.market("ocr_bank_card", "image=abc"),
    "Invalid Param Location": lambda api: api.market("ocr_bank_card", {"img": "abc"}),
    "Unsupported Multipart": _multipart,
    "Invalid Url": lambda api: api.market("ocr_bank_card", BANK, path="/rest/160601/ocr/ocr_bankcard.json"),
    "Invalid HttpMethod": lambda api: _market_raw(api, "FOO", {}),
    "Request body too Large": lambda api: api.market("ocr_bank_card", json.dumps({"image": "A" * (8 * 1024 * 1024)})),
    # The API gateway, Dataplus signature.
    "Empty Signature": lambda api: api.post("/face/detect", HOSTS["face"], '{"type":"0"}', {}),
    "Invalid AppKey": lambda api: api.face("face_detect", {"type": "0"}, ak_id="LTAI4GnoSuchKey"),
    "Invalid Signature": lambda api: api.face("face_detect", {"type": "0"}, ak_secret="not-the-secret"),
    "Invalid Timestamp": lambda api: api.face("face_detect", {"type": "0"}, date="yesterday"),
    "Timestamp Expired": lambda api: api.face("face_detect", {"type": "0"}, date="Sun, 01 Mar 2026 07:40:00 GMT"),
    # Dataplus errno.
    "1002": lambda api: api.face("face_detect", {"type": "0", "image_url": "https://photos.example.invalid/a.jpg"}),
    "1030": lambda api: api.face("face_detect", {"type": 2}),
    "1031": lambda api: api.face("face_detect", {"type": 0}),
    "1032": lambda api: api.face("face_detect", {"type": 1, "content": "data:image/jpeg;base64,/9j/4AAQ"}),
    "2000": lambda api: api.face("face_detect", {"type": 1, "content": b64(b"a text file, not a photo")}),
    "3002": lambda api: api.face("face_detect", [{"type": 1}]),
}


def answered(answer: Answer, code: str) -> bool:
    """Whether the answer is ``code``'s: a gateway error by status and X-Ca-Error-Message, an errno by its body."""
    entry = CONTRACT.errors[code]
    if entry.envelope == "gateway":
        message = answer.header("X-Ca-Error-Message") or ""
        return answer.status == entry.http_status and (message == entry.message or message.startswith(code))
    return answer.status == entry.http_status and answer.json()["errno"] == int(code)


def test_every_natural_code_has_a_recipe_and_every_recipe_a_natural_code():
    assert sorted(RECIPES) == NATURAL


@pytest.mark.parametrize("code", NATURAL)
def test_a_real_client_reaches_the_code_without_apisims_help(api, code):
    answer = RECIPES[code](api)
    assert answered(answer, code), (answer.status, answer.headers, answer.text[:200])


def test_the_accounts_flow_control_opens_again_the_next_second(api, clock):
    assert _repeat(lambda: api.market("ocr_bank_card", NO_CARD, appcode_=USER_QPS_1_APPCODE), 2).status == 403
    clock.advance(seconds=1)
    assert api.market("ocr_bank_card", NO_CARD, appcode_=USER_QPS_1_APPCODE).status == 200


def test_the_apis_flow_control_counts_every_appcode_together(api):
    allowed = CONTRACT.raw["x-behaviour"]["api_qps"]["ocr_bank_card"]
    for _ in range(allowed):
        api.market("ocr_bank_card", NO_CARD)
    answer = api.market("ocr_bank_card", NO_CARD, appcode_=QPS_2_APPCODE)  # another AppCode, its first call
    assert answered(answer, "Throttled by API Flow Control")
    assert api.market("ocr_business_card", NO_CARD).status == 200  # the other API has its own limit

