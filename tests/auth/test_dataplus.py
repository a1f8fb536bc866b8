"""Dataplus HMAC-SHA1 auth: the document's sample signature, freshness, and what breaks it."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.auth import AuthEnv, dataplus
from simulator.core import AuthFailure, SimRequest
from simulator.core.http import Headers
from simulator.store import MemoryStore, ServiceStore

AK_ID = "LTAI4GapisimDemoFace"
AK_SECRET = "apisimDemoDataplusSecret000000"
NOW = datetime(2026, 3, 1, 8, 0, 0, tzinfo=timezone.utc)
DATE = "Sun, 01 Mar 2026 08:00:00 GMT"
BODY = b'{"type":"0","image_url":"http://a.com/a.jpg"}'


def env(now: datetime = NOW) -> AuthEnv:
    return AuthEnv(
        credentials=[{"AppCode": "c0de"}, {"ak_id": AK_ID, "ak_secret": AK_SECRET}],
        clock=lambda: now,
        store=ServiceStore(MemoryStore(), "aliyun-market"),
        options={"max_skew_seconds": 900},
    )


def request(method: str, path: str, headers: dict[str, str], body: bytes) -> SimRequest:
    return SimRequest(method=method, path=path, headers=Headers(headers), body=body, host="127.0.0.1")


def signed(method="POST", path="/face/detect", body=BODY, date=DATE,
           accept="application/json", content_type="application/json") -> dict[str, str]:
    return dataplus.sign(method, path, body, AK_ID, AK_SECRET, date, accept=accept, content_type=content_type)


def failure_kind(req: SimRequest, auth_env: AuthEnv | None = None) -> str:
    with pytest.raises(AuthFailure) as failure:
        dataplus.AUTH_SCHEME.verify(req, auth_env or env())
    return failure.value.kind


# --- the document's own computation ---------------------------------------------------------


def document_sample_authorization(body: str, path: str, date: str) -> str:
    """The demo() of the document, verbatim apart from the inputs."""

    def getcode(bodyData):
        temp = bodyData.encode("utf-8")
        md5 = hashlib.md5()
        md5.update(temp)
        md5str = md5.digest()
        b64str = base64.b64encode(md5str)
        return b64str

    def to_sha1_base64(stringToSign, secret):
        hmacsha1 = hmac.new(secret.encode(), stringToSign.encode(), hashlib.sha1)
        return base64.b64encode(hmacsha1.digest())

    options = {"method": "POST", "headers": {"accept": "application/json", "content-type": "application/json", "date": date}}
    bodymd5 = ""
    if not body == "":
        bodymd5 = getcode(body).decode(encoding="utf-8")
    stringToSign = options["method"] + "\n" + options["headers"]["accept"] + "\n" + bodymd5 + "\n" + \
        options["headers"]["content-type"] + "\n" + options["headers"]["date"] + "\n" + path
    signature = to_sha1_base64(stringToSign, AK_SECRET).decode(encoding="utf-8")
    return "Dataplus " + AK_ID + ":" + signature


@pytest.mark.parametrize("body", ['{"type":"1","content":"aGVsbG8="}', "", '{"type":"0","image_url":"http://例.cn/脸.jpg"}'])
def test_sign_computes_exactly_what_the_documents_demo_computes(body):
    assert signed(body=body)["Authorization"] == document_sample_authorization(body, "/face/detect", DATE)


def test_sign_returns_the_four_headers_the_demo_sends():
    assert set(signed()) == {"Content-Type", "Authorization", "Date", "Accept"}


def test_http_date_has_the_demos_format():
    assert dataplus.http_date(NOW) == DATE


def test_a_signed_request_verifies_to_its_access_key():
    identity = dataplus.AUTH_SCHEME.verify(request("POST", "/face/detect", signed(), BODY), env())
    assert identity["ak_id"] == AK_ID


# --- failures, one kind each ------------------------------------------------------------------


def test_no_dataplus_header_is_missing():
    req = request("POST", "/face/detect", {"Date": DATE}, b"{}")
    assert not dataplus.AUTH_SCHEME.carried_by(req)
    assert failure_kind(req) == "missing"


@pytest.mark.parametrize("auth", ["Dataplus", "Dataplus " + AK_ID, "Dataplus " + AK_ID + ":"])
def test_a_header_without_ak_id_and_signature_is_missing_its_signature(auth):
    assert failure_kind(request("POST", "/face/detect", {"Authorization": auth, "Date": DATE}, b"{}")) == "missing"


def test_an_unknown_access_key_is_an_unknown_key():
    headers = dataplus.sign("POST", "/face/detect", b"{}", "LTAInobody", AK_SECRET, DATE)
    assert failure_kind(request("POST", "/face/detect", headers, b"{}")) == "unknown_key"


def test_an_appcode_is_not_an_access_key():
    headers = dataplus.sign("POST", "/face/detect", b"{}", "", "", DATE)
    assert failure_kind(request("POST", "/face/detect", headers, b"{}")) == "unknown_key"


@pytest.mark.parametrize("date", [None, "", "yesterday", "2026-03-01T08:00:00Z"])
def test_a_missing_or_unparsable_date_is_malformed(date):
    headers = signed(date=date or "")
    if date is None:
        del headers["Date"]
    assert failure_kind(request("POST", "/face/detect", headers, BODY)) == "malformed"


@pytest.mark.parametrize("offset", [timedelta(minutes=15, seconds=1), -timedelta(minutes=15, seconds=1), timedelta(days=2)])
def test_a_date_more_than_15_minutes_from_the_clock_is_expired(offset):
    body = b'{"type":"0"}'
    req = request("POST", "/face/detect", signed(body=body), body)
    assert failure_kind(req, env(NOW + offset)) == "expired"


@pytest.mark.parametrize("offset", [timedelta(minutes=15), -timedelta(minutes=14, seconds=59)])
def test_a_date_within_15_minutes_is_fresh(offset):
    body = b'{"type":"0"}'
    assert dataplus.AUTH_SCHEME.verify(request("POST", "/face/detect", signed(body=body), body), env(NOW + offset))


def test_a_bad_signature_names_the_servers_string_to_sign_as_the_gateway_does():
    headers = signed(body=b"{}")
    headers["Authorization"] = headers["Authorization"][:-4] + "AAA="
    with pytest.raises(AuthFailure) as failure:
        dataplus.AUTH_SCHEME.verify(request("POST", "/face/detect", headers, b"{}"), env())
    assert failure.value.kind == "bad_signature"
    md5 = dataplus.body_md5(b"{}")
    assert failure.value.message == f"Invalid Signature, Server StringToSign:`POST#application/json#{md5}#application/json#{DATE}#/face/detect`"


# --- properties -------------------------------------------------------------------------------

PATHS = st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.~", min_size=1, max_size=12), min_size=1, max_size=4).map(
    lambda parts: "/" + "/".join(parts))
BODIES = st.binary(max_size=512)
HEADER_VALUES = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=40)


@settings(max_examples=200, deadline=None)
@given(body=BODIES, path=PATHS, accept=HEADER_VALUES, content_type=HEADER_VALUES)
def test_property_sign_then_verify_holds_for_any_body_and_path(body, path, accept, content_type):
    headers = dataplus.sign("POST", path, body, AK_ID, AK_SECRET, DATE, accept=accept, content_type=content_type)
    assert dataplus.AUTH_SCHEME.verify(request("POST", path, headers, body), env())["ak_id"] == AK_ID


@settings(max_examples=100, deadline=None)
@given(body=BODIES, path=PATHS, method=st.sampled_from(["GET", "PUT", "DELETE", "PATCH"]))
def test_property_changing_the_method_breaks_the_signature(body, path, method):
    headers = dataplus.sign("POST", path, body, AK_ID, AK_SECRET, DATE)
    assert failure_kind(request(method, path, headers, body)) == "bad_signature"


@settings(max_examples=100, deadline=None)
@given(body=BODIES, path=PATHS, other=BODIES)
def test_property_changing_the_body_breaks_the_signature(body, path, other):
    if other == body:
        return
    headers = dataplus.sign("POST", path, body, AK_ID, AK_SECRET, DATE)
    assert failure_kind(request("POST", path, headers, other)) == "bad_signature"


@settings(max_examples=100, deadline=None)
@given(body=BODIES, path=PATHS, other=PATHS)
def test_property_changing_the_path_breaks_the_signature(body, path, other):
    if other == path:
        return
    headers = dataplus.sign("POST", path, body, AK_ID, AK_SECRET, DATE)
    assert failure_kind(request("POST", other, headers, body)) == "bad_signature"


@settings(max_examples=150, deadline=None)
@given(body=BODIES, header=st.sampled_from(["Accept", "Content-Type"]), value=HEADER_VALUES)
def test_property_changing_accept_or_content_type_breaks_the_signature(body, header, value):
    headers = dataplus.sign("POST", "/face/verify", body, AK_ID, AK_SECRET, DATE)
    if headers[header] == value:
        return
    headers[header] = value
    assert failure_kind(request("POST", "/face/verify", headers, body)) == "bad_signature"


@settings(max_examples=100, deadline=None)
@given(body=BODIES, seconds=st.integers(min_value=-900, max_value=900).filter(lambda s: s != 0))
def test_property_changing_the_date_within_the_window_breaks_the_signature(body, seconds):
    headers = dataplus.sign("POST", "/face/attribute", body, AK_ID, AK_SECRET, DATE)
    headers["Date"] = dataplus.http_date(NOW + timedelta(seconds=seconds))
    assert failure_kind(request("POST", "/face/attribute", headers, body)) == "bad_signature"


@settings(max_examples=50, deadline=None)
@given(body=BODIES, secret=st.text(min_size=1, max_size=40))
def test_property_signing_with_another_secret_breaks_the_signature(body, secret):
    if secret == AK_SECRET:
        return
    headers = dataplus.sign("POST", "/face/detect", body, AK_ID, secret, DATE)
    assert failure_kind(request("POST", "/face/detect", headers, body)) == "bad_signature"
