"""AICP's ``token`` header: a token issued by capability authorisation (document section 6.1).

A token names one authorised ``appId``; its record holds the capability ids
granted and the due time. Records are state, in the service's store under
:data:`TOKENS_NS` (token -> record) and :data:`APPS_NS` (appId -> token), so
every worker sees a grant the moment it is made. The contract's demo
credentials (and ``--credentials FILE``) add tokens that exist from the start,
which is how the very first grant, which itself needs a token, can be made.

The token value is base64 of 16 bytes, like the document's
``DU/mHOzoR4it4ljQFugDcA==``. It is derived from the appId alone, because the
document's update example returns the same token the grant did.

Failure kinds, mapped to codes by the contract's ``auth.errors``: no header or
an empty one is ``missing``; a value that is not base64 of 16 bytes is
``malformed``; a token nobody was granted (or whose user was deleted) is
``unknown_key``; a due time before the clock is ``expired``; a token without
the capability named by the deployment's auth option ``capability`` is
``forbidden``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import datetime
from typing import Any, Iterable

from simulator.auth.base import AuthEnv, AuthScheme, Credential, Options, SigningEnv
from simulator.core import AuthFailure, SimRequest
from simulator.core.http import Headers
from simulator.core.clock import BEIJING, DATE_TIME_FORMAT, parse_beijing_time

SCHEME = "aicp-token"
HEADER = "token"
TOKENS_NS = "authorize:tokens"
APPS_NS = "authorize:apps"
TOKEN_BYTES = 16

# The platform runs in China: the document's due times are Beijing time.
PLATFORM_TZ = BEIJING
DUE_TIME_FORMAT = DATE_TIME_FORMAT


def token_for(app_id: str) -> str:
    """The token of ``app_id``: stable across grant and update, as the document shows."""
    digest = hashlib.blake2b(f"aicp-token:{app_id}".encode("utf-8"), digest_size=TOKEN_BYTES).digest()
    return base64.b64encode(digest).decode("ascii")


def parse_due_time(text: str) -> datetime:
    """``yyyy-MM-dd HH:mm:ss`` (or a bare date) in Beijing time; ``ValueError`` when it is neither."""
    try:
        return parse_beijing_time(text)
    except ValueError:
        raise ValueError(f"dueTime {text!r} is not yyyy-MM-dd HH:mm:ss") from None


def split_capabilities(items: Iterable[Any]) -> list[str]:
    """``["C1,C2", "C3"]`` -> ``["C1", "C2", "C3"]``: the document packs several ids into one item."""
    ids: list[str] = []
    for item in items:
        for part in str(item).split(","):
            part = part.strip()
            if part and part not in ids:
                ids.append(part)
    return ids


def grant(store: Any, app_id: str, due_time: str, capabilities: list[str], *,
          only_if_new: bool = False) -> dict[str, Any] | None:
    """Store (or replace) ``app_id``'s authorisation; returns the record, token included.

    With ``only_if_new``, an appId that is already authorised is left alone and None is
    returned (atomically, so two racing grants cannot both succeed).
    """
    token = token_for(app_id)
    if only_if_new and not store.add_if_absent(APPS_NS, app_id, token):
        return None
    record = {"appId": app_id, "dueTime": due_time, "capabilities": list(capabilities), "token": token}
    store.put(TOKENS_NS, token, record)
    store.put(APPS_NS, app_id, token)
    return record


def authorisation_of(store: Any, app_id: str) -> dict[str, Any] | None:
    token = store.get(APPS_NS, app_id)
    return store.get(TOKENS_NS, token) if token else None


def revoke(store: Any, app_id: str) -> bool:
    """Delete ``app_id``'s authorisation; False when it had none."""
    token = store.get(APPS_NS, app_id)
    if token is None:
        return False
    store.delete(APPS_NS, app_id)
    store.delete(TOKENS_NS, token)
    return True


def configured_record(token: str, credentials: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    """A demo or user-supplied credential with this token, as a token record."""
    for cred in credentials:
        if cred.get("token") == token and (cred.get("scheme") in (None, SCHEME)):
            return {
                "appId": str(cred.get("appId") or cred.get("name") or ""),
                "dueTime": str(cred.get("dueTime") or "2099-12-31 23:59:59"),
                "capabilities": split_capabilities(cred.get("capabilityIdArray") or cred.get("capabilities") or []),
                "token": token,
            }
    return None


def is_well_formed(token: str) -> bool:
    try:
        return len(base64.b64decode(token, validate=True)) == TOKEN_BYTES
    except (binascii.Error, ValueError):
        return False


class AicpToken(AuthScheme):
    name = SCHEME
    credential_fields = ("token",)
    id_field = "appId"
    carrier_headers = (HEADER,)
    openapi_carrier = ("header", HEADER)
    tamper_kind = "unknown_key"

    def carried_by(self, request: SimRequest, options: Options | None = None) -> bool:
        """The request has a ``token`` header (even an empty one, which :meth:`verify` refuses as missing)."""
        return HEADER in request.headers

    def verify(self, request: SimRequest, env: AuthEnv) -> dict[str, Any]:
        return _verify(request, env)

    def fits(self, credential: Credential) -> bool:
        return credential.get("scheme") in (None, self.name) and is_well_formed(str(credential.get("token", "")))

    def sign(self, request: SimRequest, credential: Credential, signing: SigningEnv,
             options: Options | None = None) -> SimRequest:
        request.headers = Headers(sign(dict(request.headers.items()), credential["token"]))
        return request

    def tamper(self, request: SimRequest, credential: Credential, signing: SigningEnv,
               options: Options | None = None) -> SimRequest:
        unknown = base64.b64encode(bytes(signing.rng.getrandbits(8) for _ in range(TOKEN_BYTES))).decode()
        request.headers = Headers(sign(dict(request.headers.items()), unknown))
        return request


def _verify(request: SimRequest, env: AuthEnv) -> dict[str, Any]:
    """The caller's authorisation ``{"appId", "dueTime", "capabilities", "token"}``, or :class:`AuthFailure`."""
    token = (request.headers.get(HEADER) or "").strip()
    if not token:
        raise AuthFailure("missing", "the token header is absent or empty")
    if not is_well_formed(token):
        raise AuthFailure("malformed", "a token is base64 of 16 bytes")
    record = env.store.get(TOKENS_NS, token) or configured_record(token, env.credentials)
    if record is None:
        raise AuthFailure("unknown_key", "no authorisation has this token")
    try:
        due = parse_due_time(record["dueTime"])
    except ValueError:
        raise AuthFailure("expired", f"the authorisation's dueTime {record['dueTime']!r} cannot be read") from None
    if due <= env.clock():
        raise AuthFailure("expired", f"the authorisation of {record['appId']} ended at {record['dueTime']}")
    needed = (env.options or {}).get("capability")
    if needed and needed not in record["capabilities"]:
        raise AuthFailure("forbidden", f"{record['appId']} is not authorised for {needed}")
    return dict(record)


def sign(headers: dict[str, str], token: str) -> dict[str, str]:
    """``headers`` with the ``token`` header set, as a client of the platform sends it."""
    return {**{k: v for k, v in headers.items() if k.lower() != HEADER}, HEADER: token}


AUTH_SCHEME = AicpToken()
