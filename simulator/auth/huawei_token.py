"""Huawei IAM token auth: ``X-Auth-Token`` carries a token issued by the simulated IAM.

IAM's tokens are signed documents (the ``MII`` is the start of a base64 CMS message): IAM keeps
nothing per token, and a token stays valid until it expires, however many more are issued. The
simulated IAM does the same, so issuing tokens never grows the store: a token carries its user,
project and expiry, sealed with a key made from the simulator seed and the state's token epoch
(:func:`issue_token`). The epoch is the one value stored: forgetting the state (a reset) forgets it,
and with it every token issued before. Tokens seeded by hand in ``iam:tokens`` (the admin API's
state, a test's store) are accepted too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Iterable

from simulator.auth.base import AuthEnv, AuthScheme, Credential, Options, SigningEnv
from simulator.core import AuthFailure, SimRequest
from simulator.store import ServiceStore

SCHEME = "huawei-token"
TOKEN_TTL = timedelta(hours=24)
TOKENS_NS = "iam:tokens"


def issue_token(store: ServiceStore, credential: dict[str, Any], project: str, now: datetime, seed: int,
                seq: int) -> tuple[str, dict[str, Any]]:
    """A token for ``credential``: long, base64, starting MII, like IAM's; it holds its record,
    sealed, so nothing per token is stored (only a serial, so two tokens are never alike).
    ``seq`` (the request's sequence number) starts a new epoch when the state holds none."""
    store.add_if_absent(*_EPOCH, seq)
    epoch = store.get(*_EPOCH)
    serial = store.incr("iam", "token_serial")
    record = {
        "user": credential.get("user"),
        "domain": credential.get("domain"),
        "project": project,
        "project_id": credential.get("project_id"),
        "issued_at": now.isoformat(),
        "expires_at": (now + TOKEN_TTL).isoformat(),
    }
    payload = json.dumps([serial, record], ensure_ascii=False, separators=(",", ":")).encode()
    token = "MII" + base64.b64encode(_seal(seed, epoch, payload) + payload).decode().rstrip("=")
    return token, record


_EPOCH = ("iam", "token_epoch")
_SEAL_BYTES = 32


def _seal(seed: int, epoch: int, payload: bytes) -> bytes:
    key = hashlib.blake2b(f"apisim-iam-token:{seed}:{epoch}".encode(), digest_size=32).digest()
    return hashlib.blake2b(payload, key=key, digest_size=_SEAL_BYTES).digest()


def unseal_token(token: str, seed: int, store: ServiceStore) -> dict[str, Any] | None:
    """The record of a token this IAM issued with ``seed`` since the state was last forgotten;
    None for any other string. Callers must not change the record (it is shared)."""
    epoch = store.get(*_EPOCH)
    if epoch is None:  # no token issued since
        return None
    return _unsealed(token, seed, epoch)


# A client sends one token thousands of times: its record is worked out once per epoch (the
# epoch is read on every call, so a reset still forgets the token at once).
@lru_cache(maxsize=256)
def _unsealed(token: str, seed: int, epoch: int) -> dict[str, Any] | None:
    text = token[3:]
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None
    seal, payload = raw[:_SEAL_BYTES], raw[_SEAL_BYTES:]
    if len(seal) < _SEAL_BYTES or not hmac.compare_digest(seal, _seal(seed, epoch, payload)):
        return None
    try:
        _, record = json.loads(payload)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


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


_instant = lru_cache(maxsize=256)(datetime.fromisoformat)  # each token's expiry, read on every call


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
        record = unseal_token(token, env.seed, env.store)
        if record is None:
            record = env.store.get(TOKENS_NS, token)  # seeded by hand
        if record is None:
            raise AuthFailure("unknown_key", "the token was not issued by this IAM")
        if _instant(record["expires_at"]) <= env.clock():
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
