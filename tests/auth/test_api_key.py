"""The generic API key scheme: a key in a header, query parameter or cookie, as the binding's carriers say."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from simulator.auth import AuthEnv, api_key, discover_schemes
from simulator.core import AuthFailure, SimRequest
from simulator.store import MemoryStore, ServiceStore

KEY = "apisim-demo-0123456789abcdef"
HEADER = {"carriers": [{"in": "header", "name": "X-API-Key"}]}
QUERY = {"carriers": [{"in": "query", "name": "api_key"}]}
COOKIE = {"carriers": [{"in": "cookie", "name": "session"}]}
BEARER = {"carriers": [{"in": "header", "name": "Authorization", "prefix": "Bearer"}]}
EITHER = {"carriers": [*HEADER["carriers"], *QUERY["carriers"]]}


def env(options) -> AuthEnv:
    return AuthEnv(credentials=[{"name": "demo", "api_key": KEY}, {"AppCode": "other"}],
                   clock=lambda: datetime(2026, 1, 1, tzinfo=timezone.utc),
                   store=ServiceStore(MemoryStore(), "pets"), options=options)


def signed(options, key: str = KEY) -> SimRequest:
    url, headers = api_key.sign("http://127.0.0.1/v1/pets?limit=2", {"Accept": "application/json"}, key, options)
    return SimRequest.from_url("GET", url, headers)


def test_the_scheme_is_discovered_by_name():
    assert discover_schemes()["api-key"] is api_key.AUTH_SCHEME


@pytest.mark.parametrize("options", [HEADER, QUERY, COOKIE, BEARER, EITHER], ids=["header", "query", "cookie",
                                                                                   "bearer", "either"])
def test_a_signed_request_carries_the_key_where_the_binding_says_and_verifies(options):
    request = signed(options)
    assert api_key.AUTH_SCHEME.carried_by(request, options)
    assert api_key.AUTH_SCHEME.verify(request, env(options)) == {"api_key": KEY, "credential": {"name": "demo", "api_key": KEY}}


def test_the_key_may_come_in_any_one_of_the_carriers():
    request = SimRequest.from_url("GET", f"http://127.0.0.1/v1/pets?api_key={KEY}")
    assert api_key.AUTH_SCHEME.verify(request, env(EITHER))["api_key"] == KEY


def test_without_options_the_key_is_read_from_x_api_key():
    request = SimRequest.from_url("GET", "http://127.0.0.1/", {"X-API-Key": KEY})
    assert api_key.AUTH_SCHEME.verify(request, env(None))["api_key"] == KEY


@pytest.mark.parametrize(("options", "headers", "kind"), [
    (HEADER, {}, "missing"),
    (HEADER, {"X-API-Key": "  "}, "missing"),
    (BEARER, {"Authorization": f"Basic {KEY}"}, "malformed"),
    (BEARER, {"Authorization": "Bearer"}, "malformed"),
    (HEADER, {"X-API-Key": "nobody-has-this"}, "unknown_key"),
])
def test_each_failure_has_its_kind(options, headers, kind):
    with pytest.raises(AuthFailure) as failure:
        api_key.AUTH_SCHEME.verify(SimRequest.from_url("GET", "http://127.0.0.1/", headers), env(options))
    assert failure.value.kind == kind


def test_carried_by_without_the_bindings_options_leaves_the_decision_to_verify():
    bare = SimRequest.from_url("GET", "http://127.0.0.1/")
    assert api_key.AUTH_SCHEME.carried_by(bare)  # the caller cannot say where the key travels: verify answers missing
    assert not api_key.AUTH_SCHEME.carried_by(bare, HEADER)


def test_the_openapi_description_follows_the_first_carrier():
    described = {name: value for name, value in api_key.AUTH_SCHEME.openapi_security(QUERY).items() if name != "description"}
    assert described == {"type": "apiKey", "in": "query", "name": "api_key"}
    assert api_key.AUTH_SCHEME.openapi_security(BEARER)["scheme"] == "bearer"
