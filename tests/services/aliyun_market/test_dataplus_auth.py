"""Dataplus signatures through HTTP: the gateway refuses what the scheme rejects, as the gateway does."""

from __future__ import annotations

from datetime import timedelta

import pytest

from simulator.auth import dataplus

from .conftest import AK_ID, AK_SECRET, FACE_PATHS, HOSTS, fixture_b64

BODY = {"type": "1", "content": fixture_b64("alice_1.jpg")}


def assert_refused(answer, status: int, message: str) -> None:
    assert answer.status == status
    assert answer.header("X-Ca-Error-Message") == message
    assert answer.raw == b""


def test_a_signed_request_is_served(api):
    assert api.face("face_detect", BODY).json()["errno"] == 0


def test_the_demos_lower_case_option_headers_sign_the_same(api, clock):
    """demo() signs with options['headers'] in lower case and sends them capitalised."""
    text = '{"type":"1","content":"%s"}' % BODY["content"]
    date = dataplus.http_date(clock())
    to_sign = "POST\napplication/json\n" + dataplus.body_md5(text) + "\napplication/json\n" + date + "\n/face/detect"
    headers = {"Content-Type": "application/json", "Authorization": f"Dataplus {AK_ID}:{dataplus.signature(AK_SECRET, to_sign)}",
               "Date": date, "Accept": "application/json"}
    assert api.post("/face/detect", HOSTS["face"], text, headers).json()["errno"] == 0


def test_no_authorization_is_empty_signature(api):
    answer = api.post("/face/detect", HOSTS["face"], "{}", {"Date": dataplus.http_date(api.clock())})
    assert_refused(answer, 401, "Empty Signature")


def test_an_appcode_on_the_face_host_is_empty_signature(api):
    answer = api.post("/face/detect", HOSTS["face"], "{}", {"Authorization": "APPCODE 5f2d8c1e9a7b4c3d8e6f1a2b3c4d5e6f"})
    assert_refused(answer, 401, "Empty Signature")


def test_an_unknown_access_key_is_invalid_appkey(api):
    assert_refused(api.face("face_detect", BODY, ak_id="LTAInobody"), 400, "Invalid AppKey")


def test_a_wrong_secret_is_invalid_signature_with_the_servers_string_to_sign(api):
    answer = api.face("face_attribute", BODY, ak_secret="wrong")
    message = answer.header("X-Ca-Error-Message")
    assert answer.status == 400
    assert message.startswith("Invalid Signature, Server StringToSign:`POST#application/json#")
    assert message.endswith("#" + FACE_PATHS["face_attribute"] + "`")


def test_a_forced_invalid_signature_carries_the_requests_string_to_sign_too(api):
    forced = api.face("face_verify", BODY, headers={"X-Apisim-Code": "Invalid Signature"})
    natural = api.face("face_verify", BODY, ak_secret="wrong")
    assert "%s" not in forced.header("X-Ca-Error-Message")
    assert forced.header("X-Ca-Error-Message") == natural.header("X-Ca-Error-Message")


def test_a_body_changed_after_signing_is_invalid_signature(api, clock):
    signed = dataplus.sign("POST", "/face/detect", '{"type":"1"}', AK_ID, AK_SECRET, dataplus.http_date(clock()))
    answer = api.post("/face/detect", HOSTS["face"], '{"type":"0"}', signed)
    assert answer.status == 400 and answer.header("X-Ca-Error-Message").startswith("Invalid Signature")


def test_a_request_signed_for_another_path_is_invalid_signature(api):
    answer = api.face("face_verify", BODY, path="/face/verify", headers=dataplus.sign(
        "POST", "/face/detect", '{"type":"1"}', AK_ID, AK_SECRET, dataplus.http_date(api.clock())))
    assert answer.status == 400 and answer.header("X-Ca-Error-Message").startswith("Invalid Signature")


@pytest.mark.parametrize("date", ["", "01/03/2026 08:00", "Someday"])
def test_a_missing_or_unreadable_date_is_invalid_timestamp(api, date):
    assert_refused(api.face("face_detect", BODY, date=date or " "), 400, "Invalid Timestamp")


@pytest.mark.parametrize("minutes", [16, -16, 60 * 24])
def test_a_date_more_than_15_minutes_off_is_timestamp_expired(api, clock, minutes):
    stale = dataplus.http_date(clock() + timedelta(minutes=minutes))
    assert_refused(api.face("face_detect", BODY, date=stale), 400, "Timestamp Expired")


def test_a_request_signed_14_minutes_ago_is_still_fresh(api, clock):
    date = dataplus.http_date(clock())
    clock.advance(minutes=14)
    assert api.face("face_detect", BODY, date=date).json()["errno"] == 0
