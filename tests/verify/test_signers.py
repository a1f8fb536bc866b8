"""Each signing adapter produces what its scheme's own verify accepts, and tampering is refused with its kind."""

from __future__ import annotations

import random
from datetime import datetime, timezone

import pytest

from simulator.auth import AuthEnv, discover_schemes
from simulator.core import AuthFailure, SimRequest
from simulator.core.http import Headers
from simulator.store import ServiceStore, open_store
from simulator.verify.signers import SIGNERS, SigningEnv, choose, client_params, signer_for, strip_all

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
}


def _request() -> SimRequest:
    body = b'{"image": "abc", "n": 1}'
    return SimRequest(method="POST", path="/v1/things/42", query=[("a", "1"), ("b", "x y")],
                      headers=Headers({"Content-Type": "application/json", "Host": "api.example.test"}),
                      body=body, host="api.example.test", raw_query="a=1&b=x%20y")


def _env(scheme: str) -> AuthEnv:
    store = ServiceStore(open_store(None), "verify-tests")
    if scheme == "huawei-token":  # a token the simulated IAM has issued
        store.put("iam:tokens", CREDENTIALS["huawei-token"]["token"], {"expires_at": "2099-01-01T00:00:00+00:00"})
    return AuthEnv(credentials=[CREDENTIALS[scheme]], clock=lambda: NOW, store=store)


def _verify(scheme: str, request: SimRequest) -> dict:
    module = discover_schemes()[scheme]
    assert module.carried_by(request)
    return module.verify(request, _env(scheme))


@pytest.mark.parametrize("scheme", sorted(SIGNERS))
def test_a_signed_request_passes_the_schemes_own_verification(scheme):
    signer = signer_for(scheme, SigningEnv(clock=lambda: NOW, rng=random.Random(1)))
    assert signer.fits(CREDENTIALS[scheme])
    identity = _verify(scheme, signer.sign(_request(), CREDENTIALS[scheme]))
    assert identity


@pytest.mark.parametrize("scheme", sorted(SIGNERS))
def test_a_tampered_request_is_refused_with_the_adapters_failure_kind(scheme):
    signer = signer_for(scheme, SigningEnv(clock=lambda: NOW, rng=random.Random(2)))
    tampered = signer.tamper(_request(), CREDENTIALS[scheme])
    with pytest.raises(AuthFailure) as failure:
        _verify(scheme, tampered)
    assert failure.value.kind == signer.tamper_kind


@pytest.mark.parametrize("scheme", sorted(SIGNERS))
def test_stripping_removes_what_the_scheme_reads(scheme):
    env = SigningEnv(clock=lambda: NOW)
    signed = signer_for(scheme, env).sign(_request(), CREDENTIALS[scheme])
    stripped = strip_all(signed, [scheme], env)
    assert not discover_schemes()[scheme].carried_by(stripped) or scheme == "aliyun-rpc"
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
    signer, credential = choose(["huawei-token", "huawei-aksk"], creds, env)
    assert signer.scheme == "huawei-aksk" and credential is creds[1]
    assert choose(["huawei-token"], creds, env) is None


def test_aliyun_clients_ask_for_json():
    assert client_params(["aliyun-rpc"]) == {"Format": "JSON"}
    assert client_params(["cdc-token"]) == {}
