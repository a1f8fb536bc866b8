"""Properties over arbitrary requests: every answer is a documented one, never a crash."""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.app import create_app
from simulator.config import SimulatorConfig
from simulator.contracts import contracts_dir, load_contract

from .conftest import Api, Clock, fixture_b64

CONTRACT = load_contract(contracts_dir() / "aliyun-market")
ERRNOS = {int(code) for code in CONTRACT.errors if code.isdigit()}
GATEWAY_MESSAGES = {entry.message for entry in CONTRACT.errors.values() if entry.envelope == "gateway"}
ALICE = fixture_b64("alice_1.jpg")

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
FACE_FIELDS = st.fixed_dictionaries({}, optional={
    "type": st.sampled_from([0, 1, "0", "1", 0.0, 1.0, 2, "x", None, True]) | JSON_VALUES,
    "image_url": st.sampled_from(["http://apisim.fixtures/images/bob.jpg", "http://a.com/a.jpg", "ftp://x", ""]) | JSON_VALUES,
    "content": st.sampled_from([ALICE, "data:image/png;base64," + ALICE, "!!", ""]) | JSON_VALUES,
    "image_url_1": st.just("http://apisim.fixtures/images/alice_2.png"),
    "image_url_2": st.sampled_from(["http://apisim.fixtures/images/no_face.png", "nope"]),
    "content_1": st.just(ALICE),
    "content_2": st.sampled_from([ALICE, "%%%", ""]),
})

API = Api(create_app(SimulatorConfig(services=["aliyun-market"], clock=Clock(), validate_responses=True)).test_client(), Clock())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(op=st.sampled_from(["face_detect", "face_attribute", "face_verify"]), body=FACE_FIELDS | JSON_VALUES)
def test_property_any_json_body_gets_a_documented_eval_safe_face_answer(op, body):
    answer = API.face(op, json.dumps(body, separators=(",", ":")))
    assert answer.status == 200, (answer.status, answer.headers)
    assert not re.search(rb"\b(true|false|null)\b", answer.raw)
    parsed = eval(answer.raw)  # noqa: S307 - what the document's demo does
    assert parsed["errno"] == 0 or parsed["errno"] in ERRNOS


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(op=st.sampled_from(["ocr_business_card", "ocr_bank_card"]),
       body=st.fixed_dictionaries({}, optional={"image": JSON_VALUES | st.just(ALICE), "configure": JSON_VALUES}) | JSON_VALUES)
def test_property_any_json_body_gets_a_result_or_a_documented_gateway_error(op, body):
    answer = API.market(op, json.dumps(body))
    if answer.status == 200:
        assert isinstance(answer.json()["success"], bool)
    else:
        assert answer.header("X-Ca-Error-Message") in GATEWAY_MESSAGES and answer.raw == b""


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.binary(max_size=64))
def test_property_any_bytes_are_answered_by_the_gateway_or_the_service(raw):
    answer = API.face("face_detect", raw)
    if answer.status == 200:
        assert eval(answer.raw)["errno"] in ERRNOS | {0}  # noqa: S307
    else:
        assert answer.header("X-Ca-Error-Message") in {"Invalid Request Body", "Empty Request Body"}
