"""Huawei IAM token auth: ``X-Auth-Token`` carries a token issued by the simulated IAM.

Tokens are state (``iam:tokens`` in the service's store), with their user,
project and expiry; the IAM handler issues them with :func:`issue_token`.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timedelta
from typing import Any

from simulator.core import AuthFailure, SimRequest
from simulator.store import ServiceStore

SCHEME = "huawei-token"
TOKEN_TTL = timedelta(hours=24)
TOKENS_NS = "iam:tokens"


def carried_by(request: SimRequest) -> bool:
    return "X-Auth-Token" in request.headers


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


def verify(request: SimRequest, env: Any) -> dict[str, Any]:
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
