"""APPCODE auth: the header the market's predict() sends, and each way it can be wrong."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from simulator.auth import AuthEnv, appcode
from simulator.core import AuthFailure, SimRequest
from simulator.store import MemoryStore, ServiceStore

CODE = "5f2d8c1e9a7b4c3d8e6f1a2b3c4d5e6f"


def env() -> AuthEnv:
    return AuthEnv(
        credentials=[{"AppCode": CODE}, {"ak_id": "LTAI-other", "ak_secret": "s"}],
        clock=lambda: datetime(2026, 1, 1, tzinfo=timezone.utc),
        store=ServiceStore(MemoryStore(), "aliyun-market"),
    )


def request(headers: dict[str, str]) -> SimRequest:
    return SimRequest.from_url("POST", "http://127.0.0.1/rest/160601/ocr/ocr_bank_card.json", headers, b'{"image":"x"}')


def test_sign_writes_the_header_the_documents_predict_sends():
    assert appcode.sign({}, CODE) == {"Authorization": "APPCODE " + CODE}


def test_a_known_appcode_is_the_callers_identity():
    identity = appcode.AUTH_SCHEME.verify(request(appcode.sign({"Content-Type": "application/json"}, CODE)), env())
    assert identity["AppCode"] == CODE
    assert identity["credential"] == {"AppCode": CODE}


@pytest.mark.parametrize("header", ["APPCODE " + CODE, "appcode " + CODE, "  APPCODE   " + CODE + " "])
def test_the_scheme_word_is_case_insensitive_and_spacing_is_forgiven(header):
    assert appcode.AUTH_SCHEME.carried_by(request({"Authorization": header}))
    assert appcode.AUTH_SCHEME.verify(request({"Authorization": header}), env())["AppCode"] == CODE


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer abc"}, {"Authorization": "Dataplus a:b"}])
def test_a_request_without_an_appcode_is_not_carried_and_verifies_as_missing(headers):
    assert not appcode.AUTH_SCHEME.carried_by(request(headers))
    with pytest.raises(AuthFailure) as failure:
        appcode.AUTH_SCHEME.verify(request(headers), env())
    assert failure.value.kind == "missing"


@pytest.mark.parametrize("header", ["APPCODE", "APPCODE ", "APPCODE two codes"])
def test_an_empty_or_split_code_is_malformed(header):
    with pytest.raises(AuthFailure) as failure:
        appcode.AUTH_SCHEME.verify(request({"Authorization": header}), env())
    assert failure.value.kind == "malformed"


def test_an_unknown_appcode_is_an_unknown_key():
    with pytest.raises(AuthFailure) as failure:
        appcode.AUTH_SCHEME.verify(request(appcode.sign({}, "0" * 32)), env())
    assert failure.value.kind == "unknown_key"


def test_a_dataplus_secret_is_not_an_appcode():
    with pytest.raises(AuthFailure) as failure:
        appcode.AUTH_SCHEME.verify(request(appcode.sign({}, "LTAI-other")), env())
    assert failure.value.kind == "unknown_key"
