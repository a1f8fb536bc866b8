"""CDC-Python's token auth: a 32-character ``?token=`` query parameter names the user.

Users come from two places: the configured credentials (the contract's demo
users plus ``--credentials FILE``), and users registered while the simulator
runs, which live in the service's store under :data:`USERS_NS` (keyed by user
name) so every worker sees them. A user record is a dict with ``username`` (or
``name``), ``token`` and an ``admin`` flag; ``nickname`` and a home
``latitude``/``longitude`` are optional.

Failure kinds, mapped to the document's statuses by the contract's
``auth.errors``: no token or an empty one is ``missing`` (-100), a token that
is not 32 characters is ``malformed`` and one that belongs to nobody is
``unknown_key`` (both -101), and a non-administrator calling an operation
whose auth options say ``admin_only`` is ``forbidden`` (-103).
"""

from __future__ import annotations

from typing import Any, Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from simulator.auth.base import AuthEnv, AuthScheme, Credential, Options, SigningEnv, set_query
from simulator.core import AuthFailure, SimRequest

SCHEME = "cdc-token"
PARAM = "token"
TOKEN_LENGTH = 32
USERS_NS = "users"  # runtime-registered users, in the service's store: username -> user record


def username_of(user: dict[str, Any]) -> str:
    """Configured users may spell the key ``username`` (as the document does) or ``name``."""
    return str(user.get("username") or user.get("name") or "")


def all_users(credentials: Iterable[dict[str, Any]], store: Any = None) -> list[dict[str, Any]]:
    """Every known user, configured ones first; a stored user with the same name replaces a configured one."""
    users: dict[str, dict[str, Any]] = {}
    for user in credentials:
        if user.get("token") and username_of(user):
            users[username_of(user)] = {**user, "username": username_of(user)}
    if store is not None:
        for name, user in store.items(USERS_NS):
            users[name] = {**user, "username": name}
    return list(users.values())


def find_by_token(token: str, credentials: Iterable[dict[str, Any]], store: Any = None) -> dict[str, Any] | None:
    return next((u for u in all_users(credentials, store) if u.get("token") == token), None)


class CdcToken(AuthScheme):
    name = SCHEME
    credential_fields = ("token",)
    id_field = "username"
    carrier_query = (PARAM,)
    openapi_carrier = ("query", PARAM)
    tamper_kind = "unknown_key"

    def carried_by(self, request: SimRequest, options: Options | None = None) -> bool:
        """The URL has a ``token`` parameter (even an empty one, which :meth:`verify` refuses as missing)."""
        return any(name == PARAM for name, _ in request.query)

    def verify(self, request: SimRequest, env: AuthEnv) -> dict[str, Any]:
        """The caller's identity ``{"username", "admin", "user"}``, or :class:`AuthFailure`."""
        token = request.query_dict.get(PARAM, "")
        if not token:
            raise AuthFailure("missing", "the URL has no token parameter")
        if len(token) != TOKEN_LENGTH:
            raise AuthFailure("malformed", f"a token is {TOKEN_LENGTH} characters; this one has {len(token)}")
        user = find_by_token(token, env.credentials, env.store)
        if user is None:
            raise AuthFailure("unknown_key", "no user has this token")
        admin = bool(user.get("admin"))
        if (env.options or {}).get("admin_only") and not admin:
            raise AuthFailure("forbidden", f"{user['username']} is not an administrator")
        return {"username": user["username"], "admin": admin, "user": user}

    def fits(self, credential: Credential) -> bool:
        return len(str(credential.get("token", ""))) == TOKEN_LENGTH

    def sign(self, request: SimRequest, credential: Credential, signing: SigningEnv,
             options: Options | None = None) -> SimRequest:
        return _with_token(request, credential["token"])

    def tamper(self, request: SimRequest, credential: Credential, signing: SigningEnv,
               options: Options | None = None) -> SimRequest:
        return _with_token(request, signing.hex(TOKEN_LENGTH))


def _with_token(request: SimRequest, token: str) -> SimRequest:
    set_query(request, parse_qsl(urlsplit(sign(f"{request.path}?{request.raw_query}", token)).query,
                                 keep_blank_values=True))
    return request


def sign(url: str, token: str) -> str:
    """``url`` with ``token=`` set (replacing any token already there), as the app front end sends it."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != PARAM]
    query.append((PARAM, token))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


AUTH_SCHEME = CdcToken()
