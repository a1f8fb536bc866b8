"""Huawei SDK-HMAC-SHA256: our signer agrees with the official SDK's, and verify rejects any change."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from simulator.auth import huawei_aksk
from simulator.core import AuthFailure, SimRequest
from simulator.core.http import Headers

AK, SK = "AKTEST", "sk-test-secret"
NOW = datetime(2026, 3, 1, 8, 0, 0, tzinfo=timezone.utc)
SDK_DATE = NOW.strftime(huawei_aksk.DATE_FORMAT)

segments = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/?#"), min_size=1, max_size=8)
paths = st.lists(segments, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(parts))
query_items = st.lists(st.tuples(st.text(min_size=1, max_size=6), st.text(max_size=8)), max_size=4, unique_by=lambda kv: kv[0])
bodies = st.binary(max_size=256)
methods = st.sampled_from(["GET", "POST", "PUT", "DELETE"])


def _env(now=NOW):
    return SimpleNamespace(credentials=[{"ak": AK, "sk": SK, "project_id": "p"}], clock=lambda: now,
                           nearest_now=lambda signed_at: now)


def _signed_request(method, path, query, body, extra_headers=None):
    headers = {"Host": "ocr.cn-north-4.myhuaweicloud.com", "Content-Type": "application/json", **(extra_headers or {})}
    signed = huawei_aksk.sign(method, path, query, headers, body, AK, SK, SDK_DATE)
    return SimRequest(method=method, path=path, query=list(query), headers=Headers(signed), body=body,
                      host=headers["Host"])


@settings(max_examples=150, deadline=None)
@given(methods, paths, query_items, bodies)
def test_sign_then_verify_holds_for_any_request(method, path, query, body):
    identity = huawei_aksk.AUTH_SCHEME.verify(_signed_request(method, path, query, body), _env())
    assert identity["ak"] == AK


@settings(max_examples=150, deadline=None)
@given(methods, paths, query_items, bodies, st.sampled_from(["method", "path", "query", "header", "body"]))
def test_changing_any_signed_part_breaks_the_signature(method, path, query, body, part):
    request = _signed_request(method, path, query, body, {"X-Project-Id": "p1"})
    if part == "method":
        request.method = "PATCH"
    elif part == "path":
        request.path = path + "x"
    elif part == "query":
        request.query = [*request.query, ("tampered", "1")]
    elif part == "header":
        request.headers["X-Project-Id"] = "p2"
    else:
        request.body = body + b"!"
    with pytest.raises(AuthFailure) as info:
        huawei_aksk.AUTH_SCHEME.verify(request, _env())
    assert info.value.kind == "bad_signature"


@settings(max_examples=100, deadline=None)
@given(methods, paths, query_items, st.binary(min_size=1, max_size=128))
def test_our_signer_agrees_with_the_official_sdk(method, path, query, body):
    sdk_request = SdkRequest(method=method, schema="https", host="ocr.cn-north-4.myhuaweicloud.com",
                             resource_path=path, query_params=list(query),
                             header_params={"Content-Type": "application/json", "X-Sdk-Date": SDK_DATE}, body=body)
    Signer(BasicCredentials(AK, SK)).sign(sdk_request)
    ours = huawei_aksk.sign(method, path, query, {"Host": "ocr.cn-north-4.myhuaweicloud.com", "Content-Type": "application/json"},
                            body, AK, SK, SDK_DATE)
    assert ours["Authorization"] == sdk_request.header_params["Authorization"]


def test_an_unknown_access_key_is_refused():
    request = _signed_request("POST", "/v2/p/ocr/quota-invoice", [], b"{}")
    env = _env()
    env.credentials = [{"ak": "OTHER", "sk": SK}]
    with pytest.raises(AuthFailure) as info:
        huawei_aksk.AUTH_SCHEME.verify(request, env)
    assert info.value.kind == "unknown_key"


def test_a_signature_older_than_15_minutes_is_refused():
    request = _signed_request("POST", "/v2/p/ocr/quota-invoice", [], b"{}")
    with pytest.raises(AuthFailure) as info:
        huawei_aksk.AUTH_SCHEME.verify(request, _env(NOW + timedelta(minutes=16)))
    assert info.value.kind == "clock_skew"


@pytest.mark.parametrize("header", ["SDK-HMAC-SHA256 nonsense", "SDK-HMAC-SHA256 Access=a, Signature=zz"])
def test_a_malformed_authorization_header_is_refused(header):
    request = _signed_request("POST", "/p", [], b"{}")
    request.headers["Authorization"] = header
    with pytest.raises(AuthFailure) as info:
        huawei_aksk.AUTH_SCHEME.verify(request, _env())
    assert info.value.kind == "malformed"
