"""The ``?token=`` scheme: configured and runtime users, and each way a token can be wrong."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given, strategies as st

from simulator.auth import AuthEnv, cdc_token
from simulator.core import AuthFailure, SimRequest
from simulator.store import MemoryStore, ServiceStore

ADMIN = {"username": "guosai", "token": "a" * 32, "admin": True}
USER = {"name": "wlc", "token": "b" * 32, "admin": False}
URL = "http://127.0.0.1:18120/api/v2/face/group/"


def env(admin_only: bool = False, store: ServiceStore | None = None) -> AuthEnv:
    return AuthEnv(credentials=[ADMIN, USER], clock=lambda: datetime(2026, 1, 1, tzinfo=timezone.utc),
                   store=store or ServiceStore(MemoryStore(), "cdc-python"),
                   options={"admin_only": True} if admin_only else {})


def request(url: str) -> SimRequest:
    return SimRequest.from_url("POST", url, {}, b"{}")


def test_sign_sets_the_token_parameter_and_replaces_an_old_one():
    assert cdc_token.sign(URL, "x" * 32) == URL + "?token=" + "x" * 32
    assert cdc_token.sign(URL + "?token=old&a=1", "y" * 32) == URL + "?a=1&token=" + "y" * 32


def test_a_configured_users_token_is_the_callers_identity_whatever_the_user_key_is_called():
    assert cdc_token.AUTH_SCHEME.verify(request(cdc_token.sign(URL, ADMIN["token"])), env()) == {
        "username": "guosai", "admin": True, "user": {**ADMIN}}
    assert cdc_token.AUTH_SCHEME.verify(request(cdc_token.sign(URL, USER["token"])), env())["username"] == "wlc"


def test_a_user_registered_at_run_time_in_the_store_is_accepted():
    store = ServiceStore(MemoryStore(), "cdc-python")
    store.put(cdc_token.USERS_NS, "13900000000", {"token": "c" * 32, "admin": False, "nickname": "新用户"})
    identity = cdc_token.AUTH_SCHEME.verify(request(cdc_token.sign(URL, "c" * 32)), env(store=store))
    assert identity["username"] == "13900000000" and identity["user"]["nickname"] == "新用户"


def test_no_token_parameter_is_not_carried_and_an_empty_one_is_missing():
    assert not cdc_token.AUTH_SCHEME.carried_by(request(URL))
    assert cdc_token.AUTH_SCHEME.carried_by(request(URL + "?token="))
    with pytest.raises(AuthFailure) as failure:
        cdc_token.AUTH_SCHEME.verify(request(URL + "?token="), env())
    assert failure.value.kind == "missing"


@pytest.mark.parametrize("token,kind", [("short", "malformed"), ("z" * 33, "malformed"), ("f" * 32, "unknown_key")])
def test_a_wrong_token_is_refused(token, kind):
    with pytest.raises(AuthFailure) as failure:
        cdc_token.AUTH_SCHEME.verify(request(cdc_token.sign(URL, token)), env())
    assert failure.value.kind == kind


def test_admin_only_operations_refuse_ordinary_users_and_admit_administrators():
    with pytest.raises(AuthFailure) as failure:
        cdc_token.AUTH_SCHEME.verify(request(cdc_token.sign(URL, USER["token"])), env(admin_only=True))
    assert failure.value.kind == "forbidden"
    assert cdc_token.AUTH_SCHEME.verify(request(cdc_token.sign(URL, ADMIN["token"])), env(admin_only=True))["admin"] is True


@given(st.text(alphabet="0123456789abcdef", min_size=32, max_size=32),
       st.dictionaries(st.sampled_from(["a", "b", "lang"]), st.text(max_size=5), max_size=3))
def test_signing_with_a_users_token_always_verifies_as_that_user(token, extra_query):
    store = ServiceStore(MemoryStore(), "cdc-python")
    store.put(cdc_token.USERS_NS, "someone", {"token": token, "admin": False})
    from urllib.parse import urlencode

    url = URL + ("?" + urlencode(extra_query) if extra_query else "")
    e = AuthEnv(credentials=[], clock=lambda: datetime(2026, 1, 1, tzinfo=timezone.utc), store=store)
    assert cdc_token.AUTH_SCHEME.verify(request(cdc_token.sign(url, token)), e)["username"] == "someone"
