"""The AICP ``token`` header scheme: tokens are state, carry capabilities and a due time."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given, strategies as st

from simulator.auth import AuthEnv, aicp_token
from simulator.core import AuthFailure, SimRequest
from simulator.store import ServiceStore
from simulator.store.memory import MemoryStore

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
ADMIN = {"name": "admin", "scheme": "aicp-token", "appId": "apisim-admin", "token": "YXBpc2ltLWFkbWluLXRvaw==",
         "dueTime": "2099-12-31 23:59:59", "capabilityIdArray": ["C10000000001", "C10000000002", "C10000000003"]}


def env(capability: str | None = "C10000000001", credentials=(ADMIN,)) -> AuthEnv:
    return AuthEnv(credentials=list(credentials), clock=lambda: NOW, store=ServiceStore(MemoryStore(), "aicp"),
                   options={"capability": capability} if capability else {}, service="aicp")


def request(token: str | None) -> SimRequest:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers = aicp_token.sign(headers, token)
    return SimRequest.from_url("POST", "http://127.0.0.1/aicp/face/add", headers, b"{}")


def kind_of(req: SimRequest, e: AuthEnv) -> str:
    with pytest.raises(AuthFailure) as failure:
        aicp_token.AUTH_SCHEME.verify(req, e)
    return failure.value.kind


def test_demo_admin_token_is_accepted_for_every_capability():
    for cap in ("C10000000001", "C10000000002", "C10000000003"):
        assert aicp_token.AUTH_SCHEME.verify(request(ADMIN["token"]), env(cap))["appId"] == "apisim-admin"


def test_a_granted_token_works_until_its_due_time_and_then_is_expired():
    e = env()
    record = aicp_token.grant(e.store, "testan", "2026-03-01 20:00:01", ["C10000000001"])
    # 20:00:01 Beijing time is 12:00:01 UTC: one second after NOW.
    assert aicp_token.AUTH_SCHEME.verify(request(record["token"]), e)["appId"] == "testan"
    aicp_token.grant(e.store, "testan", "2026-03-01 20:00:00", ["C10000000001"])
    assert kind_of(request(record["token"]), e) == "expired"


def test_a_token_without_the_deployments_capability_is_forbidden():
    e = env("C10000000002")
    record = aicp_token.grant(e.store, "testan", "2099-01-01 00:00:00", ["C10000000001"])
    assert kind_of(request(record["token"]), e) == "forbidden"


def test_missing_malformed_and_unknown_tokens_are_told_apart():
    e = env()
    assert not aicp_token.AUTH_SCHEME.carried_by(request(None))
    assert kind_of(request(""), e) == "missing"
    assert kind_of(request("not a token"), e) == "malformed"
    assert kind_of(request(aicp_token.token_for("nobody")), e) == "unknown_key"


def test_a_revoked_token_stops_working():
    e = env()
    record = aicp_token.grant(e.store, "testan", "2099-01-01 00:00:00", ["C10000000001"])
    assert aicp_token.revoke(e.store, "testan")
    assert not aicp_token.revoke(e.store, "testan")
    assert kind_of(request(record["token"]), e) == "unknown_key"


def test_comma_packed_capability_items_are_split_like_the_documents_examples():
    assert aicp_token.split_capabilities(["C10000000001,C10000000002", " C10000000003", "C10000000001"]) == [
        "C10000000001", "C10000000002", "C10000000003"]


@given(st.text(min_size=1, max_size=48))
def test_tokens_are_base64_of_16_bytes_and_stable_per_app(app_id):
    token = aicp_token.token_for(app_id)
    assert aicp_token.is_well_formed(token)
    assert token == aicp_token.token_for(app_id)
    assert len(token) == 24 and token.endswith("==")
