"""Aliyun RPC signatures (v1 HMAC-SHA1 and ACS3-HMAC-SHA256): sign-then-verify, tampering, and the official SDK agreeing."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

import pytest
from aliyunsdkcore.auth.algorithm import sha_hmac1
from aliyunsdkcore.auth.composer import rpc_signature_composer
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.auth import aliyun_rpc
from simulator.core import AuthFailure, SimRequest

NOW = datetime(2026, 3, 1, 8, 0, 0, tzinfo=timezone.utc)
CREDENTIAL = {"AccessKeyId": "YourAccessKeyID", "AccessKeySecret": "YourAccessKeySecret"}

# The SDK's private helper, reached through the module (module-level names are not mangled).
sdk_string_to_sign = getattr(rpc_signature_composer, "__compose_string_to_sign")


class Env:
    """The slice of ``AuthEnv`` the scheme uses: credentials, a fixed clock, a nonce memory, options."""

    def __init__(self, credentials: list[dict[str, Any]] | None = None, now: datetime = NOW, **options: Any):
        self.credentials = credentials if credentials is not None else [CREDENTIAL]
        self._now = now
        self.options = {"timestamp_tolerance_seconds": 900, **options}
        self.seen: set[str] = set()

    def clock(self) -> datetime:
        return self._now

    def nearest_now(self, signed_at: datetime) -> datetime:
        return self._now

    def remember_nonce(self, nonce: str, scope: str = "nonce", **window: Any) -> bool:
        if nonce in self.seen:
            return False
        self.seen.add(nonce)
        return True


# Text the gateway can carry: any Unicode but lone surrogates (they are not UTF-8), including spaces, ~ and *.
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
# Names the signer sets itself are left out, so a generated parameter is never silently overwritten.
COMMON = {"Signature", "AccessKeyId", "SignatureMethod", "SignatureVersion", "SignatureNonce", "SignatureType",
          "Timestamp", "Format"}
names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12).filter(lambda n: n not in COMMON)
tricky = st.sampled_from(["", " ", "~", "*", "a b", "a+b", "%20", "=&", "张三", "/", "'\"", "~*~"])
param_sets = st.dictionaries(names, st.one_of(text, tricky), max_size=8)
secrets = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30)
methods = st.sampled_from(["GET", "POST"])


def signed_request(params: dict[str, str], *, method: str = "POST", secret: str = CREDENTIAL["AccessKeySecret"],
                   in_body: bool = False, nonce: str = "nonce-1", timestamp: datetime | str = NOW) -> SimRequest:
    signed = aliyun_rpc.sign_request(params, CREDENTIAL["AccessKeyId"], secret, method=method,
                                     timestamp=timestamp, nonce=nonce)
    if in_body:
        common = {k: v for k, v in signed.items() if k not in params}
        body = {k: v for k, v in signed.items() if k in params}
        return SimRequest.from_url(method, "https://saf.cn-shanghai.aliyuncs.com/?" + aliyun_rpc.encode_params(common),
                                   headers={"Content-Type": "application/x-www-form-urlencoded"},
                                   body=aliyun_rpc.encode_params(body).encode("utf-8"))
    return SimRequest.from_url(method, "https://saf.cn-shanghai.aliyuncs.com/?" + aliyun_rpc.encode_params(signed))


def failure_kind(request: SimRequest, env: Env | None = None) -> str:
    with pytest.raises(AuthFailure) as caught:
        aliyun_rpc.AUTH_SCHEME.verify(request, env or Env())
    return caught.value.kind


# --- properties -----------------------------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(params=param_sets, method=methods, in_body=st.booleans())
def test_sign_then_verify_holds_for_arbitrary_parameters(params, method, in_body):
    identity = aliyun_rpc.AUTH_SCHEME.verify(signed_request(params, method=method, in_body=in_body), Env())
    assert identity["AccessKeyId"] == CREDENTIAL["AccessKeyId"]


@settings(max_examples=150, deadline=None)
@given(params=param_sets.filter(bool), data=st.data())
def test_changing_any_parameter_breaks_the_signature(params, data):
    signed = aliyun_rpc.sign_request(params, CREDENTIAL["AccessKeyId"], CREDENTIAL["AccessKeySecret"],
                                     timestamp=NOW, nonce="n")
    name = data.draw(st.sampled_from(sorted(params)))
    changed = data.draw(st.one_of(text, tricky).filter(lambda v: v != params[name]))
    tampered = {**signed, name: changed}
    request = SimRequest.from_url("POST", "https://saf.cn-shanghai.aliyuncs.com/?" + aliyun_rpc.encode_params(tampered))
    assert failure_kind(request) == "bad_signature"


@settings(max_examples=100, deadline=None)
@given(params=param_sets, extra_name=names, extra_value=st.one_of(text, tricky))
def test_adding_a_parameter_breaks_the_signature(params, extra_name, extra_value):
    signed = aliyun_rpc.sign_request(params, CREDENTIAL["AccessKeyId"], CREDENTIAL["AccessKeySecret"], timestamp=NOW, nonce="n")
    if extra_name in signed:
        return
    request = SimRequest.from_url("POST", "https://saf.cn-shanghai.aliyuncs.com/?"
                                  + aliyun_rpc.encode_params({**signed, extra_name: extra_value}))
    assert failure_kind(request) == "bad_signature"


@settings(max_examples=100, deadline=None)
@given(params=param_sets)
def test_changing_the_method_breaks_the_signature(params):
    signed = aliyun_rpc.sign_request(params, CREDENTIAL["AccessKeyId"], CREDENTIAL["AccessKeySecret"],
                                     method="POST", timestamp=NOW, nonce="n")
    request = SimRequest.from_url("GET", "https://saf.cn-shanghai.aliyuncs.com/?" + aliyun_rpc.encode_params(signed))
    assert failure_kind(request) == "bad_signature"


@settings(max_examples=100, deadline=None)
@given(params=param_sets, secret=secrets)
def test_signing_with_another_secret_breaks_the_signature(params, secret):
    if secret == CREDENTIAL["AccessKeySecret"]:
        return
    assert failure_kind(signed_request(params, secret=secret)) == "bad_signature"


@settings(max_examples=200, deadline=None)
@given(params=param_sets, body=param_sets, secret=secrets, method=methods)
def test_our_signer_agrees_with_the_official_sdk(params, body, secret, method):
    merged = {**params, **body}
    ours = aliyun_rpc.string_to_sign(method, merged)
    assert ours == sdk_string_to_sign(method, merged)
    assert aliyun_rpc.sign_params(method, merged, secret) == sha_hmac1.get_sign_string(ours, secret + "&")


@settings(max_examples=100, deadline=None)
@given(params=param_sets, body=param_sets, method=methods)
def test_an_sdk_signed_url_verifies(params, body, method):
    """The SDK's own get_signed_url (its clock, its nonce) verifies here, body parameters included."""
    body = {k: v for k, v in body.items() if k not in params}
    url, sdk_sts = rpc_signature_composer.get_signed_url(dict(params), CREDENTIAL["AccessKeyId"],
                                                         CREDENTIAL["AccessKeySecret"], "JSON", method, body)
    request = SimRequest.from_url(method, "https://saf.cn-shanghai.aliyuncs.com" + url,
                                  headers={"Content-Type": "application/x-www-form-urlencoded"},
                                  body=aliyun_rpc.encode_params(body).encode("utf-8"))
    signed_at = aliyun_rpc.parse_timestamp(request.query_dict["Timestamp"])
    assert aliyun_rpc.AUTH_SCHEME.verify(request, Env(now=signed_at))["AccessKeyId"] == CREDENTIAL["AccessKeyId"]
    assert aliyun_rpc.string_to_sign(method, aliyun_rpc.request_params(request)) == sdk_sts


# --- the common-parameter checks, one failure each -----------------------------------------------

def test_blank_values_are_signed_as_name_equals_nothing():
    sts = aliyun_rpc.string_to_sign("POST", {"SignatureType": "", "A": "1"})
    assert sts == "POST&%2F&A%3D1%26SignatureType%3D"


def test_spaces_stars_and_tildes_are_encoded_as_aliyun_does():
    assert aliyun_rpc.percent_encode("a b*c~d/é") == "a%20b%2Ac~d%2F%C3%A9"


@pytest.mark.parametrize("name", ["AccessKeyId", "Signature", "SignatureMethod", "Timestamp", "SignatureVersion",
                                  "SignatureNonce", "Version", "Action"])
def test_a_missing_common_parameter_is_named_in_aliyuns_words(name):
    signed = aliyun_rpc.sign_request({"Action": "ExecuteRequest", "Version": "2017-03-31"}, "YourAccessKeyID",
                                     "YourAccessKeySecret", timestamp=NOW, nonce="n")
    del signed[name]
    request = SimRequest.from_url("POST", "https://h/?" + aliyun_rpc.encode_params(signed))
    with pytest.raises(AuthFailure) as caught:
        aliyun_rpc.AUTH_SCHEME.verify(request, Env(required=["Version", "Action"]))
    assert caught.value.kind == "missing"
    assert caught.value.message == f'The input parameter "{name}" that is mandatory for processing this request is not supplied.'


def test_a_wrong_secret_answers_with_the_servers_string_to_sign_after_the_sdk_marker():
    request = signed_request({"Action": "ExecuteRequest"}, secret="not-the-secret")
    with pytest.raises(AuthFailure) as caught:
        aliyun_rpc.AUTH_SCHEME.verify(request, Env())
    assert caught.value.kind == "bad_signature"
    prefix, _, server_sts = caught.value.message.partition("server string to sign is:")
    assert prefix == "Specified signature is not matched with our calculation. "
    # The SDK compares message.split(':')[1] with its own StringToSign.
    assert caught.value.message.split(":")[1] == server_sts
    assert server_sts == aliyun_rpc.string_to_sign("POST", aliyun_rpc.request_params(request))


def test_a_reused_nonce_is_refused_after_the_signature_holds():
    env = Env()
    aliyun_rpc.AUTH_SCHEME.verify(signed_request({"A": "1"}, nonce="once"), env)
    assert failure_kind(signed_request({"A": "2"}, nonce="once"), env) == "replayed"


def test_a_badly_signed_request_does_not_burn_the_nonce():
    env = Env()
    assert failure_kind(signed_request({"A": "1"}, nonce="mine", secret="wrong"), env) == "bad_signature"
    aliyun_rpc.AUTH_SCHEME.verify(signed_request({"A": "1"}, nonce="mine"), env)


@pytest.mark.parametrize("offset,kind", [(timedelta(minutes=-16), "expired"), (timedelta(minutes=16), "clock_skew")])
def test_a_timestamp_more_than_15_minutes_away_is_refused(offset, kind):
    assert failure_kind(signed_request({"A": "1"}, timestamp=NOW + offset)) == kind


@pytest.mark.parametrize("offset", [timedelta(minutes=-15), timedelta(minutes=14, seconds=59)])
def test_a_timestamp_within_15_minutes_is_accepted(offset):
    aliyun_rpc.AUTH_SCHEME.verify(signed_request({"A": "1"}, timestamp=NOW + offset), Env())


@pytest.mark.parametrize("timestamp", ["2026-03-01 08:00:00", "yesterday", "2026-02-30T08:00:00Z", "1772352000"])
def test_a_badly_formatted_timestamp_is_its_own_failure(timestamp):
    assert failure_kind(signed_request({"A": "1"}, timestamp=timestamp)) == "malformed_timestamp"


def test_the_documents_unpadded_timestamp_form_is_accepted():
    assert aliyun_rpc.parse_timestamp("2014-7-29T12:00:00Z") == datetime(2014, 7, 29, 12, tzinfo=timezone.utc)


def test_an_unknown_access_key_is_not_found():
    assert failure_kind(signed_request({"A": "1"}), Env(credentials=[])) == "unknown_key"


def test_a_disabled_access_key_is_forbidden():
    assert failure_kind(signed_request({"A": "1"}), Env(credentials=[{**CREDENTIAL, "Disabled": True}])) == "forbidden"


def test_another_signature_method_is_unsupported():
    signed = aliyun_rpc.sign_request({"A": "1"}, "YourAccessKeyID", "YourAccessKeySecret", timestamp=NOW, nonce="n")
    signed["SignatureMethod"] = "HMAC-SHA256"
    request = SimRequest.from_url("POST", "https://h/?" + aliyun_rpc.encode_params(signed))
    assert failure_kind(request) == "unsupported_method"


def test_a_request_without_rpc_parameters_is_not_carried():
    assert not aliyun_rpc.AUTH_SCHEME.carried_by(SimRequest.from_url("POST", "https://h/?foo=1"))
    assert aliyun_rpc.AUTH_SCHEME.carried_by(SimRequest.from_url("POST", "https://h/?AccessKeyId=x"))


def test_sign_adds_the_signature_to_a_request_and_keeps_its_form_body():
    request = SimRequest.from_url("POST", "https://h/?Action=ExecuteRequest&Version=2017-03-31",
                                  headers={"Content-Type": "application/x-www-form-urlencoded"},
                                  body="ServiceParameters=%7B%22method%22%3A%22init%22%7D".encode())
    aliyun_rpc.sign(request, CREDENTIAL, timestamp=NOW, nonce="n1")
    assert "Signature" in request.query_dict and "ServiceParameters" not in request.query_dict
    assert aliyun_rpc.AUTH_SCHEME.verify(request, Env())["signature"] == "v1"


# --- ACS3-HMAC-SHA256 -----------------------------------------------------------------------------

def acs3_request(query: dict[str, str], body: bytes = b"", *, secret: str = CREDENTIAL["AccessKeySecret"],
                 nonce: str = "acs3-nonce", timestamp: datetime = NOW, method: str = "POST") -> SimRequest:
    headers = {"host": "saf.cn-shanghai.aliyuncs.com"}
    if body:
        headers["content-type"] = "application/x-www-form-urlencoded"
    signed = aliyun_rpc.acs3_sign(method, "/", list(query.items()), headers, body, CREDENTIAL["AccessKeyId"], secret,
                                  action="ExecuteRequest", version="2019-05-21", timestamp=timestamp, nonce=nonce)
    return SimRequest.from_url(method, "https://saf.cn-shanghai.aliyuncs.com/?" + aliyun_rpc.encode_params(query),
                               headers=signed, body=body)


@settings(max_examples=100, deadline=None)
@given(query=param_sets, body=st.binary(max_size=64))
def test_acs3_sign_then_verify_holds(query, body):
    identity = aliyun_rpc.AUTH_SCHEME.verify(acs3_request(query, body), Env())
    assert identity == {"AccessKeyId": "YourAccessKeyID", "credential": CREDENTIAL, "signature": "acs3"}


@settings(max_examples=100, deadline=None)
@given(query=param_sets.filter(bool), data=st.data())
def test_acs3_changing_a_query_parameter_breaks_it(query, data):
    request = acs3_request(query)
    name = data.draw(st.sampled_from(sorted(query)))
    changed = data.draw(st.one_of(text, tricky).filter(lambda v: v != query[name]))
    request.query = [(k, changed if k == name else v) for k, v in request.query]
    assert failure_kind(request) == "bad_signature"


def test_acs3_changing_the_body_a_signed_header_or_the_secret_breaks_it():
    tampered_body = acs3_request({"A": "1"}, b"ServiceParameters=1")
    tampered_body.body = b"ServiceParameters=2"
    assert failure_kind(tampered_body) == "bad_signature"
    tampered_header = acs3_request({"A": "1"})
    tampered_header.headers["x-acs-action"] = "Other"
    assert failure_kind(tampered_header) == "bad_signature"
    assert failure_kind(acs3_request({"A": "1"}, secret="other")) == "bad_signature"


def test_acs3_string_to_sign_is_the_algorithm_and_the_hashed_canonical_request():
    canonical = aliyun_rpc.acs3_canonical_request("POST", "/", [("b", "2"), ("a", "x y")], {"host": "h", "x-acs-date": "d"},
                                                  ["host", "x-acs-date"], b"")
    assert canonical == "POST\n/\na=x%20y&b=2\nhost:h\nx-acs-date:d\n\nhost;x-acs-date\n" + hashlib.sha256(b"").hexdigest()
    assert aliyun_rpc.acs3_string_to_sign(canonical) == "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()


def test_acs3_replay_expiry_and_malformed_header_are_refused():
    env = Env()
    aliyun_rpc.AUTH_SCHEME.verify(acs3_request({"A": "1"}), env)
    assert failure_kind(acs3_request({"A": "1"}), env) == "replayed"
    assert failure_kind(acs3_request({"A": "1"}, nonce="n2", timestamp=NOW - timedelta(hours=1))) == "expired"
    broken = SimRequest.from_url("POST", "https://h/", headers={"Authorization": "ACS3-HMAC-SHA256 nonsense"})
    assert failure_kind(broken) == "malformed"


def test_acs3_requires_the_action_and_version_headers_when_the_contract_does():
    request = acs3_request({"A": "1"})
    with pytest.raises(AuthFailure) as caught:
        aliyun_rpc.AUTH_SCHEME.verify(request, Env(required=["Version", "Action", "Missing"]))
    assert caught.value.kind == "missing" and '"x-acs-missing"' in caught.value.message


def test_the_sdk_query_string_parses_back_to_the_same_parameters():
    params = {"ServiceParameters": '{"name":"张三","a":"b c*~"}', "Empty": ""}
    url, _ = rpc_signature_composer.get_signed_url(dict(params), "ak", "sk", "JSON", "POST", {})
    parsed = dict(SimRequest.from_url("POST", "https://h" + url).query)
    assert {k: parsed[k] for k in params} == params
    assert urlsplit(url).path == "/"


@given(st.text())
def test_percent_encoding_is_exactly_urllibs_quote_with_tilde_safe(text):
    from urllib.parse import quote

    try:
        expected = quote(text, safe="~")
    except UnicodeEncodeError:  # a lone surrogate: both refuse it the same way
        with pytest.raises(UnicodeEncodeError):
            aliyun_rpc.percent_encode(text)
        return
    assert aliyun_rpc.percent_encode(text) == expected
