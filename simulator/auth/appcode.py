"""Aliyun API market "simple authentication": ``Authorization: APPCODE <code>``.

The AppCode is a shared secret sent as is (no signature, no timestamp), so
verifying it is a lookup among the credentials that carry an ``AppCode``.
Which APIs a code may call, its purchased quota and its flow control are the
gateway's business after authentication (see the aliyun_market service).
"""

from __future__ import annotations

from typing import Any

from simulator.auth.base import AuthEnv, AuthScheme, Credential, Options, SigningEnv
from simulator.core import AuthFailure, SimRequest
from simulator.core.http import Headers

SCHEME = "appcode"
PREFIX = "APPCODE"


def _split(header: str) -> tuple[str, str]:
    word, _, rest = header.strip().partition(" ")
    return word, rest.strip()


class AppCode(AuthScheme):
    name = SCHEME
    credential_fields = ("AppCode",)
    id_field = "AppCode"
    carrier_headers = ("Authorization",)
    tamper_kind = "unknown_key"

    def carried_by(self, request: SimRequest, options: Options | None = None) -> bool:
        """An ``Authorization`` header whose scheme word is APPCODE (any case, as the gateway accepts)."""
        word, _ = _split(request.headers.get("Authorization") or "")
        return word.upper() == PREFIX

    def verify(self, request: SimRequest, env: AuthEnv) -> dict[str, Any]:
        """The caller's identity ``{"AppCode", "credential"}``, or :class:`AuthFailure`."""
        header = request.headers.get("Authorization")
        if header is None or not header.strip():
            raise AuthFailure("missing", "no Authorization header")
        word, code = _split(header)
        if word.upper() != PREFIX:
            raise AuthFailure("missing", f"Authorization scheme {word!r} is not APPCODE")
        if not code or " " in code:
            raise AuthFailure("malformed", "Authorization must be 'APPCODE <code>' with one non-empty code")
        credential = next((c for c in env.credentials if c.get("AppCode") == code), None)
        if credential is None:
            raise AuthFailure("unknown_key", f"AppCode {code!r} does not exist")
        return {"AppCode": code, "credential": credential}

    def sign(self, request: SimRequest, credential: Credential, signing: SigningEnv,
             options: Options | None = None) -> SimRequest:
        request.headers = Headers(sign(dict(request.headers.items()), credential["AppCode"]))
        return request

    def tamper(self, request: SimRequest, credential: Credential, signing: SigningEnv,
               options: Options | None = None) -> SimRequest:
        request.headers = Headers(sign(dict(request.headers.items()), signing.hex(32)))
        return request


def sign(headers: dict[str, str] | None, appcode: str) -> dict[str, str]:
    """``headers`` plus the Authorization header the document's ``predict()`` sends."""
    out = dict(headers or {})
    out["Authorization"] = f"{PREFIX} {appcode}"
    return out


AUTH_SCHEME = AppCode()
