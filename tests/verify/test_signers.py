"""Each signing adapter produces what its scheme's own verify accepts, and tampering is refused with its kind."""

from __future__ import annotations

import random
from datetime import datetime, timezone

import pytest

from simulator.auth import AuthEnv, discover_schemes
from simulator.core import AuthFailure, SimRequest
from simulator.core.http import Headers
from simulator.store import ServiceStore, open_store
from simulator.verify.signers import SigningEnv, choose, client_params, strip_all

SCHEMES = discover_schemes()

NOW = datetime(2026, 3, 1, 8, 0, 0, tzinfo=timezone.utc)

CREDENTIALS = {
    "huawei-aksk": {"ak": "AKTESTAKTESTAKTEST01", "sk": "secret-key-for-the-test"},
    "huawei-token": {"token": "MII" + "A" * 60},
    "aliyun-rpc": {"AccessKeyId": "TestKeyId", "AccessKeySecret": "TestKeySecret"},
    "appcode": {"AppCode": "0123456789abcdef0123456789abcdef"},
    "dataplus": {"ak_id": "LTAItest", "ak_secret": "dataplus-secret"},
    "cdc-token": {"username": "tester", "token": "0123456789abcdef0123456789abcdef"},
    "aicp-token": {"token": "YXBpc2ltLWFkbWluLXRvaw==", "appId": "tester", "dueTime": "2099-12-31 23:59:59",
                   "capabilityIdArray": []},
    "api-key": {"name": "tester", "api_key": "k-0123456789"},
}
# A binding's auth options, for the schemes that read them (where an API key travels).
OPTIONS = {"api-key": {"carriers": [{"in": "query", "name": "key"}, {"in": "header", "name": "Authorization",
                                                                     "prefix": "Bearer"}]}}


def _request() -> SimRequest:
    body = b'{"image": "abc", "n": 1}'
    return SimRequest(method="POST", path="/v1/things/42", query=[("a", "1"), ("b", "x y")],
                      headers=Headers({"Content-Type": "application/json", "Host": "api.example.test"}),
                      body=body, host="api.example.test", raw_query="a=1&b=x%20y")


def _env(scheme: str) -> AuthEnv:
    store = ServiceStore(open_store(None), "verify-tests")
    if scheme == "huawei-token":  # a token the simulated IAM has issued
        store.put("iam:tokens", CREDENTIALS["huawei-token"]["token"], {"user": "tester", "expires_at": "2099-01-01T00:00:00+00:00"})
    return AuthEnv(credentials=[CREDENTIALS[scheme]], clock=lambda: NOW, store=store)


def _verify(scheme: str, request: SimRequest) -> dict:
    found = SCHEMES[scheme]
    assert found.carried_by(request, OPTIONS.get(scheme))
    env = _env(scheme)
    env.options = OPTIONS.get(scheme) or {}
    return found.verify(request, env)


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_every_discovered_scheme_is_exercised_here(scheme):
    assert scheme in CREDENTIALS


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_a_signed_request_passes_the_schemes_own_verification(scheme):
    signing = choose([scheme], [CREDENTIALS[scheme]], SigningEnv(clock=lambda: NOW, rng=random.Random(1)),
                     OPTIONS.get(scheme))
    assert signing is not None and signing.scheme.fits(CREDENTIALS[scheme])
    identity = _verify(scheme, signing.sign(_request()))
    assert identity and SCHEMES[scheme].credential_id(identity)


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_a_tampered_request_is_refused_with_the_schemes_failure_kind(scheme):
    signing = choose([scheme], [CREDENTIALS[scheme]], SigningEnv(clock=lambda: NOW, rng=random.Random(2)),
                     OPTIONS.get(scheme))
    tampered = signing.tamper(_request())
    with pytest.raises(AuthFailure) as failure:
        _verify(scheme, tampered)
    assert failure.value.kind == signing.scheme.tamper_kind


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_stripping_removes_what_the_scheme_reads(scheme):
    env = SigningEnv(clock=lambda: NOW)
    signed = choose([scheme], [CREDENTIALS[scheme]], env, OPTIONS.get(scheme)).sign(_request())
    stripped = strip_all(signed, [scheme], OPTIONS.get(scheme))
    assert not SCHEMES[scheme].carried_by(stripped, OPTIONS.get(scheme)) or scheme == "aliyun-rpc"
    if scheme == "aliyun-rpc":  # Action-less, signature-less: only the client's own parameters remain
        assert not {"Signature", "AccessKeyId", "SignatureNonce"} & {k for k, _ in stripped.query}


def test_nonces_follow_the_seed_and_differ_between_requests():
    first = SigningEnv(clock=lambda: NOW, rng=random.Random(7))
    second = SigningEnv(clock=lambda: NOW, rng=random.Random(7))
    assert [first.nonce() for _ in range(3)] == [second.nonce() for _ in range(3)]
    assert len({first.nonce() for _ in range(50)}) == 50


def test_the_first_scheme_a_credential_fits_is_chosen_in_binding_order():
    env = SigningEnv(clock=lambda: NOW)
    creds = [{"user": "u", "password": "p"}, CREDENTIALS["huawei-aksk"]]
    signing = choose(["huawei-token", "huawei-aksk"], creds, env)
    assert signing.scheme.name == "huawei-aksk" and signing.credential is creds[1]
    assert choose(["huawei-token"], creds, env) is None


def test_aliyun_clients_ask_for_json():
    assert client_params(["aliyun-rpc"]) == {"Format": "JSON"}
    assert client_params(["cdc-token"]) == {}
