"""Huawei IAM token auth: ``X-Auth-Token`` carries a token issued by the simulated IAM.

Tokens are state (``iam:tokens`` in the service's store), with their user,
project and expiry; the IAM handler issues them with :func:`issue_token`.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timedelta
from typing import Any

from simulator.auth.base import AuthEnv, AuthScheme, Credential, Options, SigningEnv
from simulator.core import AuthFailure, SimRequest
from simulator.store import ServiceStore

SCHEME = "huawei-token"
TOKEN_TTL = timedelta(hours=24)
TOKENS_NS = "iam:tokens"


def issue_token(store: ServiceStore, credential: dict[str, Any], project: str, now: datetime, seed: int) -> tuple[str, dict[str, Any]]:
    """Create a token for ``credential``; the value looks like IAM's (long, base64-ish, starting MII)."""
    serial = store.incr("iam", "token_serial")
    digest = hashlib.sha512(f"{seed}:{credential.get('user')}:{project}:{serial}".encode()).digest()
    token = "MII" + base64.b64encode(digest * 3).decode().rstrip("=")
    record = {
        "user": credential.get("user"),
        "domain": credential.get("domain"),
        "project": project,
        "project_id": credential.get("project_id"),
        "issued_at": now.isoformat(),
        "expires_at": (now + TOKEN_TTL).isoformat(),
    }
    store.put(TOKENS_NS, token, record)
    return token, record


class HuaweiToken(AuthScheme):
    name = SCHEME
    credential_fields = ("token",)
    id_field = "user"
    carrier_headers = ("X-Auth-Token", "Authorization", "X-Sdk-Date")
    openapi_carrier = ("header", "X-Auth-Token")
    tamper_kind = "unknown_key"

    def carried_by(self, request: SimRequest, options: Options | None = None) -> bool:
        return "X-Auth-Token" in request.headers

    def verify(self, request: SimRequest, env: AuthEnv) -> dict[str, Any]:
        token = (request.headers.get("X-Auth-Token") or "").strip()
        if not token:
            raise AuthFailure("missing", "X-Auth-Token is empty")
        if not token.startswith("MII") or len(token) < 40:
            raise AuthFailure("malformed", "the token cannot be parsed")
        record = env.store.get(TOKENS_NS, token)
        if record is None:
            raise AuthFailure("unknown_key", "the token was not issued by this IAM")
        if datetime.fromisoformat(record["expires_at"]) <= env.clock():
            raise AuthFailure("expired", "the token has expired")
        return {"token": token, **record}

    def fits(self, credential: Credential) -> bool:
        return str(credential.get("token", "")).startswith("MII")

    def sign(self, request: SimRequest, credential: Credential, signing: SigningEnv,
             options: Options | None = None) -> SimRequest:
        request.headers["X-Auth-Token"] = credential["token"]
        return request

    def tamper(self, request: SimRequest, credential: Credential, signing: SigningEnv,
               options: Options | None = None) -> SimRequest:
        # Well formed (IAM tokens start MII and are long), issued by nobody.
        request.headers["X-Auth-Token"] = "MII" + base64.b64encode(signing.hex(96).encode()).decode().rstrip("=")
        return request


AUTH_SCHEME = HuaweiToken()
