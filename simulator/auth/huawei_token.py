"""Huawei IAM token auth: ``X-Auth-Token`` carries a token issued by the simulated IAM.

Tokens are state (``iam:tokens`` in the service's store), with their user,
project and expiry; the IAM handler issues them with :func:`issue_token`.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable

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


def iam_id(seed: int, kind: str, name: str) -> str:
    """A stable 32-hex IAM id (domain, user, role, endpoint...): one id per thing, the same in every answer."""
    return hashlib.blake2b(f"{seed}:{kind}:{name}".encode(), digest_size=16).hexdigest()


def iam_instant(text: str) -> str:
    """A stored instant as Keystone writes it: UTC, microseconds, ``Z`` (``2020-01-04T09:05:22.701000Z``)."""
    return datetime.fromisoformat(text).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def token_body(record: dict[str, Any], credential: dict[str, Any], seed: int,
               catalog: Iterable[tuple[str, str, str]] = ()) -> dict[str, Any]:
    """The whole ``token`` object IAM answers a project-scoped password login with (Keystone v3 shape).

    One domain id for the account, shared by the user and the project; the user's own id;
    ``password_expires_at`` an instant or ``""`` (IAM's "never expires"); ``catalog`` lists each
    ``(name, type, url)`` service endpoint of the project's region (empty when the caller asked
    ``nocatalog``)."""
    domain = {"id": credential.get("domain_id") or iam_id(seed, "domain", record["domain"]), "name": record["domain"]}
    region = record["project"]
    return {
        "catalog": [{"endpoints": [{"id": iam_id(seed, "endpoint", f"{name}:{region}"), "interface": "public",
                                    "region": region, "region_id": region, "url": url}],
                     "id": iam_id(seed, "service", name), "name": name, "type": kind}
                    for name, kind, url in catalog],
        "expires_at": iam_instant(record["expires_at"]),
        "issued_at": iam_instant(record["issued_at"]),
        "methods": ["password"],
        "project": {"domain": domain, "id": record["project_id"], "name": region},
        "roles": [{"id": iam_id(seed, "role", "te_admin"), "name": "te_admin"}],
        "user": {"domain": domain, "id": credential.get("user_id") or iam_id(seed, "user", f"{record['domain']}/{record['user']}"),
                 "name": record["user"], "password_expires_at": credential.get("password_expires_at") or ""},
    }


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
