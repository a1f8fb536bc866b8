"""Aliyun API market "simple authentication": ``Authorization: APPCODE <code>``.

The AppCode is a shared secret sent as is (no signature, no timestamp), so
verifying it is a lookup among the credentials that carry an ``AppCode``.
Which APIs a code may call, its purchased quota and its flow control are the
gateway's business after authentication (see the aliyun_market service).
"""

from __future__ import annotations

from typing import Any

from simulator.core import AuthFailure, SimRequest

SCHEME = "appcode"
PREFIX = "APPCODE"


def _split(header: str) -> tuple[str, str]:
    word, _, rest = header.strip().partition(" ")
    return word, rest.strip()


def carried_by(request: SimRequest) -> bool:
    """An ``Authorization`` header whose scheme word is APPCODE (any case, as the gateway accepts)."""
    word, _ = _split(request.headers.get("Authorization") or "")
    return word.upper() == PREFIX


def verify(request: SimRequest, env: Any) -> dict[str, Any]:
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


def sign(headers: dict[str, str] | None, appcode: str) -> dict[str, str]:
    """``headers`` plus the Authorization header the document's ``predict()`` sends."""
    out = dict(headers or {})
    out["Authorization"] = f"{PREFIX} {appcode}"
    return out
