"""Every SAF code that is not forced-only is reachable the way a real client reaches it.

One recipe per natural code of the contract: a request a client of the document could send, with
the shipped demo keys (docs/services/aliyun-saf.md), never ``X-Apisim-Code``, a fault or the admin
API. The parameter list is the contract's, so a code made natural without a recipe fails here.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Callable

import pytest

from simulator.auth import aliyun_rpc
from simulator.contracts import contracts_dir, load_contract

from .conftest import DEMO, DETAILED, DISABLED, HOST, LOW_QPS, METAINFO, NOT_OPENED, ZHANG_SAN, Answer, Saf

CONTRACT = load_contract(contracts_dir() / "aliyun-saf")
NATURAL = sorted(code for code, entry in CONTRACT.errors.items() if entry.trigger != "forced-only")
FLOW_CONTROLLED = ("FlowControlledAccessKeyID", "FlowControlledAccessKeySecret")
WITHOUT_REFERENCE_PHOTO = "110101198808080888"  # the demo identity the contract gives no reference photo
INIT = {"method": "init", "name": "张三", "certNumber": ZHANG_SAN, "metainfo": METAINFO}


def _init(saf: Saf, key: tuple[str, str] = DETAILED, **changes: str) -> Answer:
    return saf.call({**INIT, **changes}, key=key)


def _meta(**fields: str) -> str:
    return json.dumps({"deviceType": "android", "osVersion": "10", "zimVer": "2.0.0", **fields})


def _signed_then_changed(saf: Saf, **changes: str) -> Answer:
    """A request signed correctly, then sent with a common parameter the SDK would not have written."""
    signed = aliyun_rpc.sign_request({"Action": "ExecuteRequest", "Version": "2017-03-31", "Service": "face_verify",
                                      "ServiceParameters": json.dumps(INIT, ensure_ascii=False)},
                                     *DEMO, timestamp=saf.clock(), nonce="changed", fmt="JSON")
    response = saf.client.post("/?" + aliyun_rpc.encode_params({**signed, **changes}), headers={"Host": HOST})
    return Answer(response.status_code, response.get_data(as_text=True), dict(response.headers))


def _repeat(call: Callable[[], Answer], times: int) -> Answer:
    for _ in range(times - 1):
        call()
    return call()


def _names_guessed(saf: Saf) -> Answer:
    for name in ("张三", "张叁", "章三"):
        assert _init(saf, name=name).code == 200
    return _init(saf, name="张山")


def _failed_five_times(saf: Saf, blank_photo: str) -> Answer:
    for _ in range(5):
        saf.match(blank_photo, key=DETAILED)
    return _init(saf)


RECIPES: dict[str, Callable[[Saf, str], Answer]] = {
    # The POP gateway.
    "MissingParameter": lambda saf, _: saf.call(INIT, drop=("Timestamp",)),
    "InvalidParameter.Format": lambda saf, _: saf.call(INIT, fmt="YAML"),
    "InvalidSignatureMethod": lambda saf, _: _signed_then_changed(saf, SignatureMethod="HMAC-SHA256"),
    "IncompleteSignature": lambda saf, _: _signed_then_changed(saf, SignatureVersion="2.0"),
    "SignatureDoesNotMatch": lambda saf, _: saf.call(INIT, key=("YourAccessKeyID", "a-wrong-secret")),
    "InvalidAccessKeyId.NotFound": lambda saf, _: saf.call(INIT, key=("NoSuchAccessKeyID", "x")),
    "InvalidAccessKeyId.Inactive": lambda saf, _: saf.call(INIT, key=DISABLED),
    "InvalidTimeStamp.Format": lambda saf, _: saf.call(INIT, timestamp="2026/03/01 08:00:00"),
    "InvalidTimeStamp.Expired": lambda saf, _: saf.call(INIT, timestamp=saf.clock() - timedelta(minutes=16)),
    "SignatureNonceUsed": lambda saf, _: _repeat(lambda: saf.call(INIT, nonce="the-same-nonce"), 2),
    "InvalidVersion": lambda saf, _: saf.call(INIT, Version="2020-01-01"),
    "UnsupportedHTTPMethod": lambda saf, _: saf.call(INIT, method="PUT"),
    "InvalidAction.NotFound": lambda saf, _: saf.call(INIT, Action="DescribeThings"),
    "Throttling.User": lambda saf, _: _repeat(lambda: saf.call(INIT, key=FLOW_CONTROLLED), 6),
    # The unified codes (the document's placeholder key).
    "400": lambda saf, _: saf.call({"method": "verify", "name": "张三"}),
    "402": lambda saf, _: _repeat(lambda: saf.call(INIT, key=LOW_QPS), 2),
    "403": lambda saf, photo: saf.match(photo, key=NOT_OPENED),
    "404": lambda saf, _: saf.call(INIT, Service="face_compare"),
    "500": lambda saf, _: _init(saf, key=DEMO, certNumber=WITHOUT_REFERENCE_PHOTO),
    # The detailed codes (a key that opted into them).
    "init.400": lambda saf, _: _init(saf, name=""),
    "B110": lambda saf, _: _names_guessed(saf),
    "Z8102": lambda saf, _: _init(saf, key=NOT_OPENED),
    "Z1108": lambda saf, _: _init(saf, metainfo=_meta(deviceType="windows")),
    "Z1109": lambda saf, _: _init(saf, metainfo=_meta(osVersion="4.4")),
    "Z1110": lambda saf, _: _init(saf, metainfo=_meta(zimVer="0.9.1")),
    "510": lambda saf, _: _init(saf, metainfo="android"),
    "520": lambda saf, _: _init(saf, certNumber="110101199003078514"),  # the check digit is wrong
    "530": lambda saf, _: _init(saf, certNumber=WITHOUT_REFERENCE_PHOTO),
    "540": _failed_five_times,
    "300": lambda saf, _: saf.query(saf.started(key=DETAILED), key=DETAILED),
    "Z8301": lambda saf, _: saf.query({"bizId": "ZSTP2026030100000000000000000000", "queryId": "0" * 32},
                                      key=DETAILED),
    "Z1146": lambda saf, photo: saf.match(photo, key=DETAILED),
    "Z8302": lambda saf, _: saf.query({"bizId": "ZSTP2026030100000000000000000000", "queryId": "0" * 32},
                                      key=NOT_OPENED),
}


def answered(answer: Answer, code: str) -> bool:
    """Whether the answer is ``code``'s: the gateway's by its Code; a service result by its Code and
    message, in the mode the key chose (a unified answer names a Z-code in its message)."""
    entry = CONTRACT.errors[code]
    # An unknown Format is answered in XML, the document's default.
    body = {child.tag: child.text for child in answer.xml} if answer.text.startswith("<") else answer.json
    if entry.envelope == "gateway":
        return answer.status == entry.http_status and body["Code"] == code
    names_it = body["Message"] == entry.message or (code.startswith("Z") and f"({code})" in body["Message"])
    unified = CONTRACT.errors[CONTRACT.raw["errors"][code]["x-unified"]]
    return answer.status == 200 and names_it and body["Code"] in (entry.body["Code"], unified.body["Code"])


def test_every_natural_code_has_a_recipe_and_every_recipe_a_natural_code():
    assert sorted(RECIPES) == NATURAL


@pytest.mark.parametrize("code", NATURAL)
def test_a_real_client_reaches_the_code_without_apisims_help(saf, png_base64, code):
    blank_photo = png_base64(320, 240)  # no face in it
    answer = RECIPES[code](saf, blank_photo)
    assert answered(answer, code), answer.text


def test_a_name_guessed_for_a_number_is_forgotten_after_the_risk_window(saf):
    assert _names_guessed(saf).json["Code"] == 500
    saf.clock.advance(CONTRACT.raw["x-behaviour"]["risk_control"]["window_seconds"])
    assert _init(saf, name="张山").code == 200


def test_the_flow_controlled_key_may_call_again_the_next_minute(saf):
    assert _repeat(lambda: saf.call(INIT, key=FLOW_CONTROLLED), 6).json["Code"] == "Throttling.User"
    saf.clock.advance(60)
    assert saf.call(INIT, key=FLOW_CONTROLLED).code == 200
