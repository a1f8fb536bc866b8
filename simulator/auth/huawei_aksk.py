"""Huawei Cloud AK/SK request signing (SDK-HMAC-SHA256), as ``huaweicloudsdkcore`` signs.

Canonical request: method, canonical URI (each segment percent-encoded, always
ending in ``/``), sorted canonical query, the signed headers (lower-cased,
trimmed), the signed header list and the hex SHA-256 of the body. The string to
sign is ``SDK-HMAC-SHA256\\n<X-Sdk-Date>\\n<hex sha256 of canonical request>``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Mapping
from urllib.parse import quote, unquote

from simulator.auth.base import AuthEnv, AuthScheme, Credential, Options, SigningEnv, flip_last
from simulator.core import AuthFailure, SimRequest
from simulator.core.http import Headers

SCHEME = "huawei-aksk"
ALGORITHM = "SDK-HMAC-SHA256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
EMPTY_HASH = hashlib.sha256(b"").hexdigest()
MAX_CLOCK_SKEW = timedelta(minutes=15)

_AUTH_RE = re.compile(
    r"^SDK-HMAC-SHA256\s+Access=(?P<ak>[^,\s]+),\s*SignedHeaders=(?P<headers>[^,\s]+),\s*Signature=(?P<sig>[0-9a-fA-F]+)\s*$"
)


def _encode(text: str) -> str:
    return quote(text, safe="~")


def canonical_uri(path: str) -> str:
    uri = "/".join(_encode(seg) for seg in unquote(path).split("/"))
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(query: Iterable[tuple[str, str]]) -> str:
    return "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(query))


def canonical_request(method: str, path: str, query: Iterable[tuple[str, str]],
                      headers: Mapping[str, str], signed: list[str], body: bytes) -> str:
    lowered = {k.lower(): str(v).strip() for k, v in headers.items()}
    content_hash = lowered.get("x-sdk-content-sha256") or (hashlib.sha256(body).hexdigest() if body else EMPTY_HASH)
    canon_headers = "".join(f"{name}:{lowered.get(name, '')}\n" for name in signed)
    return "\n".join([method.upper(), canonical_uri(path), canonical_query(query), canon_headers, ";".join(signed), content_hash])


def string_to_sign(canonical: str, sdk_date: str) -> str:
    return f"{ALGORITHM}\n{sdk_date}\n{hashlib.sha256(canonical.encode('utf-8')).hexdigest()}"


def signature(sk: str, to_sign: str) -> str:
    return hmac.new(sk.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def sign(method: str, url_path: str, query: Iterable[tuple[str, str]], headers: dict[str, str], body: bytes,
         ak: str, sk: str, sdk_date: str) -> dict[str, str]:
    """Return ``headers`` plus ``X-Sdk-Date`` and ``Authorization``; ``headers`` must include ``Host``."""
    out = dict(headers)
    out["X-Sdk-Date"] = sdk_date
    signed = sorted(k.lower() for k in out if "_" not in k)
    canonical = canonical_request(method, url_path, list(query), out, signed, body)
    sig = signature(sk, string_to_sign(canonical, sdk_date))
    out["Authorization"] = f"{ALGORITHM} Access={ak}, SignedHeaders={';'.join(signed)}, Signature={sig}"
    return out


class HuaweiAksk(AuthScheme):
    name = SCHEME
    credential_fields = ("ak", "sk")
    id_field = "ak"
    carrier_headers = ("Authorization", "X-Sdk-Date", "X-Auth-Token")

    def carried_by(self, request: SimRequest, options: Options | None = None) -> bool:
        return (request.headers.get("Authorization") or "").startswith(ALGORITHM)

    def verify(self, request: SimRequest, env: AuthEnv) -> dict[str, Any]:
        return _verify(request, env)

    def sign(self, request: SimRequest, credential: Credential, signing: SigningEnv,
             options: Options | None = None) -> SimRequest:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("authorization", "x-sdk-date")}
        headers.setdefault("Host", request.host)
        sdk_date = signing.clock().strftime(DATE_FORMAT)
        request.headers = Headers(sign(request.method, request.path, request.query, headers, request.body,
                                       credential["ak"], credential["sk"], sdk_date))
        return request

    def tamper(self, request: SimRequest, credential: Credential, signing: SigningEnv,
               options: Options | None = None) -> SimRequest:
        self.sign(request, credential, signing)
        request.headers["Authorization"] = flip_last(request.headers["Authorization"], "0123456789abcdef")
        return request


def _verify(request: SimRequest, env: AuthEnv) -> dict[str, Any]:
    header = request.headers.get("Authorization") or ""
    m = _AUTH_RE.match(header)
    if not m:
        raise AuthFailure("malformed", "Authorization is not 'SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...'")
    sdk_date = request.headers.get("X-Sdk-Date")
    if not sdk_date:
        raise AuthFailure("malformed", "X-Sdk-Date header is missing")
    try:
        signed_at = datetime.strptime(sdk_date, DATE_FORMAT).replace(tzinfo=timezone.utc)
    except ValueError:
        raise AuthFailure("malformed", f"X-Sdk-Date {sdk_date!r} is not in {DATE_FORMAT} form") from None
    if abs(env.nearest_now(signed_at) - signed_at) > MAX_CLOCK_SKEW:
        raise AuthFailure("clock_skew", f"X-Sdk-Date {sdk_date} is more than 15 minutes from the server time")
    credential = next((c for c in env.credentials if c.get("ak") == m.group("ak")), None)
    if credential is None:
        raise AuthFailure("unknown_key", f"unknown access key {m.group('ak')!r}")
    signed = m.group("headers").split(";")
    headers = {k: v for k, v in request.headers.items()}
    if "host" in signed and "host" not in {k.lower() for k in headers}:
        headers["Host"] = request.host
    canonical = canonical_request(request.method, request.path, request.query, headers, signed, request.body)
    expected = signature(credential["sk"], string_to_sign(canonical, sdk_date))
    if not hmac.compare_digest(expected, m.group("sig").lower()):
        raise AuthFailure("bad_signature", "verify aksk signature fail")
    return {"ak": credential["ak"], "project_id": credential.get("project_id"), "credential": credential}


AUTH_SCHEME = HuaweiAksk()
